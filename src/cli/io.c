/*
 * Reading inputs under a size cap (a regular file is mapped, a pipe is read
 * in blocks) and the small parsers of the command line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("jikenbo: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_casebook_exists(const char *db)
{
    const char *path = db;
    char buf[4096];
    if (strncmp(db, "sqlite://", 9) == 0) {
        path = db + 9;
    } else if (strncmp(db, "sqlite:", 7) == 0) {
        path = db + 7;
    } else if (strncmp(db, "file:", 5) == 0) {
        /* file:PATH?query, file:///PATH; a "mode=memory" has no file */
        if (strstr(db, "mode=memory"))
            return 1;
        path = db + 5;
        if (strncmp(path, "///", 3) == 0)
            path += 2;
        else if (strncmp(path, "//", 2) == 0)
            return 1; /* an authority: left to SQLite */
        size_t n = strcspn(path, "?#");
        if (n >= sizeof buf)
            return 1;
        memcpy(buf, path, n);
        buf[n] = 0;
        path = buf;
    } else if (strstr(db, "://")) {
        return 1;
    }
    if (!*path || strcmp(path, ":memory:") == 0)
        return 1;
    struct stat st;
    if (stat(path, &st) == 0 || errno != ENOENT)
        return 1; /* a folder or an unreadable file: the store says why */
    cli_error("no casebook at %s; `jikenbo ingest` creates one", path);
    return 0;
}

int cli_parse_format(const char *s, cli_format *out)
{
    static const struct {
        const char *name;
        cli_format f;
    } t[] = {{"json", FMT_JSON}, {"ndjson", FMT_NDJSON}, {"table", FMT_TABLE}, {"csv", FMT_CSV}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(s, t[i].name) == 0) {
            *out = t[i].f;
            return 0;
        }
    return -1;
}

int cli_parse_size(const char *s, size_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    if (!s[0])
        return -1;
    for (; s[i] >= '0' && s[i] <= '9'; i++) {
        if (v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (i == 0)
        return -1;
    uint64_t mul = 1;
    switch (s[i]) {
    case 0: break;
    case 'k': case 'K': mul = 1024; i++; break;
    case 'm': case 'M': mul = 1024 * 1024; i++; break;
    case 'g': case 'G': mul = 1024ull * 1024 * 1024; i++; break;
    default: return -1;
    }
    if (s[i] == 'B' || s[i] == 'b')
        i++;
    if (s[i] || v > UINT64_MAX / mul)
        return -1;
    *out = (size_t)(v * mul);
    return 0;
}

int cli_write_stdout(const char *p, size_t n, void *ud)
{
    (void)ud;
    return fwrite(p, 1, n, stdout) != n;
}

void cli_input_free(cli_input *in)
{
    if (!in->data)
        return;
    if (in->mapped)
        munmap(in->data, in->len);
    else
        free(in->data);
    in->data = NULL;
    in->len = 0;
}

static int read_fd(int fd, size_t max, cli_input *in, char *why, size_t whylen)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    for (;;) {
        if (len == cap) {
            if (cap > max) {
                free(buf);
                snprintf(why, whylen, "larger than the cap of %zu bytes (--max-size)", max);
                return -1;
            }
            char *p = realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                snprintf(why, whylen, "out of memory");
                return -1;
            }
            buf = p;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            snprintf(why, whylen, "%s", strerror(errno));
            free(buf);
            return -1;
        }
        if (r == 0)
            break;
        len += (size_t)r;
        if (len > max) {
            free(buf);
            snprintf(why, whylen, "larger than the cap of %zu bytes (--max-size)", max);
            return -1;
        }
    }
    in->data = buf;
    in->len = len;
    in->mapped = 0;
    return 0;
}

int cli_read(const char *path, size_t max, cli_input *in, char *why, size_t whylen)
{
    memset(in, 0, sizeof *in);
    if (strcmp(path, "-") == 0)
        return read_fd(STDIN_FILENO, max, in, why, whylen);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, whylen, "%s", strerror(errno));
        return -1;
    }
    struct stat st;
    int rc = -1;
    if (fstat(fd, &st) != 0) {
        snprintf(why, whylen, "%s", strerror(errno));
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(why, whylen, "is a directory");
        goto out;
    }
    if (S_ISREG(st.st_mode)) {
        if ((uint64_t)st.st_size > max) {
            snprintf(why, whylen, "%lld bytes, larger than the cap of %zu bytes (--max-size)", (long long)st.st_size, max);
            goto out;
        }
        if (st.st_size == 0) {
            in->data = NULL;
            in->len = 0;
            rc = 0;
            goto out;
        }
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            snprintf(why, whylen, "%s", strerror(errno));
            goto out;
        }
        posix_madvise(p, (size_t)st.st_size, POSIX_MADV_SEQUENTIAL);
        in->data = p;
        in->len = (size_t)st.st_size;
        in->mapped = 1;
        rc = 0;
        goto out;
    }
    rc = read_fd(fd, max, in, why, whylen);
out:
    close(fd);
    return rc;
}
