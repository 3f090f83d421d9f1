/*
 * Human and spreadsheet formats of records: an aligned table (one row per
 * record: case_id, published, org, categories, affected, data classes) and
 * RFC 4180 CSV.
 */
#include <string.h>
#include <utf8proc.h>

#include "cli.h"

#define W_CASE 9
#define W_DATE 10
#define W_ORG 30
#define W_CATS 34
#define W_AFF 9

/* Print s padded or cut to `width` terminal columns (East Asian wide
 * characters take two). */
static void cell(FILE *f, const char *s, size_t n, int width)
{
    int used = 0;
    size_t i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) {
            i++;
            continue;
        }
        int w = cp == '\t' || cp == '\n' ? 1 : utf8proc_charwidth(cp);
        if (w < 0)
            w = 0;
        if (used + w > width - (i + (size_t)k < n ? 1 : 0) && i + (size_t)k < n) {
            fputs("…", f);
            used += 1;
            i = n;
            break;
        }
        if (cp == '\t' || cp == '\n')
            fputc(' ', f);
        else
            fwrite(s + i, 1, (size_t)k, f);
        used += w;
        i += (size_t)k;
    }
    for (; used < width; used++)
        fputc(' ', f);
}

static size_t join_set(char *buf, size_t cap, uint32_t mask, const char *(*keyfn)(int))
{
    size_t n = 0;
    buf[0] = 0;
    for (int i = 0; keyfn(i); i++) {
        if (!(mask & (1u << i)))
            continue;
        int k = snprintf(buf + n, cap - n, "%s%s", n ? "," : "", keyfn(i));
        if (k < 0 || (size_t)k >= cap - n)
            break;
        n += (size_t)k;
    }
    return n;
}

void cli_table_header(cli_out *o, FILE *f)
{
    if (o->color)
        fputs("\033[1m", f);
    cell(f, "case_id", 7, W_CASE);
    fputc(' ', f);
    cell(f, "published", 9, W_DATE);
    fputc(' ', f);
    cell(f, "org", 3, W_ORG);
    fputc(' ', f);
    cell(f, "categories", 10, W_CATS);
    fputc(' ', f);
    fprintf(f, "%*s", W_AFF, "affected");
    fputs(" data_classes", f);
    if (o->color)
        fputs("\033[0m", f);
    fputc('\n', f);
}

void cli_table_row(cli_out *o, FILE *f, const jkb_record *r)
{
    (void)o;
    char buf[512];
    cell(f, r->case_id.s ? r->case_id.s : "-", r->case_id.s ? r->case_id.len : 1, W_CASE);
    fputc(' ', f);
    if (r->published.y)
        snprintf(buf, sizeof buf, "%04d-%02d-%02d", r->published.y, r->published.m, r->published.d);
    else
        snprintf(buf, sizeof buf, "-");
    cell(f, buf, strlen(buf), W_DATE);
    fputc(' ', f);
    cell(f, r->org.s ? r->org.s : "-", r->org.s ? r->org.len : 1, W_ORG);
    fputc(' ', f);
    size_t n = join_set(buf, sizeof buf, r->categories, jkb_category_key);
    cell(f, buf, n, W_CATS);
    fputc(' ', f);
    if (r->has_affected) {
        const char *q = r->affected_qualifier == JKB_QUAL_APPROX ? "~" : r->affected_qualifier == JKB_QUAL_UPPER ? "<=" :
                        r->affected_qualifier == JKB_QUAL_LOWER ? ">=" : "";
        snprintf(buf, sizeof buf, "%s%lld", q, (long long)r->affected);
    } else
        snprintf(buf, sizeof buf, "-");
    fprintf(f, "%*s ", W_AFF, buf);
    n = join_set(buf, sizeof buf, r->data_classes, jkb_data_class_key);
    fwrite(n ? buf : "-", 1, n ? n : 1, f);
    fputc('\n', f);
}

static void csv_field(FILE *f, const char *s, size_t n)
{
    int quote = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '"' || s[i] == ',' || s[i] == '\n' || s[i] == '\r')
            quote = 1;
    if (!quote) {
        fwrite(s, 1, n, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}

void cli_csv_header(FILE *f)
{
    fputs("file,index,case_id,title,org,org_kind,published,report_no,categories,affected,affected_qualifier,"
          "data_classes,leak_status,actors,vectors,cves,authorities,secondary_damage,measures\r\n",
          f);
}

static void csv_list(FILE *f, const jkb_strv *v, size_t n)
{
    char buf[1024];
    size_t k = 0;
    for (size_t i = 0; i < n && k + v[i].len + 2 < sizeof buf; i++) {
        if (i)
            buf[k++] = ';';
        memcpy(buf + k, v[i].s, v[i].len);
        k += v[i].len;
    }
    csv_field(f, buf, k);
}

void cli_csv_row(FILE *f, const jkb_record *r, const char *file)
{
    char buf[512];
    size_t n;
    csv_field(f, file ? file : "", file ? strlen(file) : 0);
    fprintf(f, ",%zu,", r->index);
    csv_field(f, r->case_id.s ? r->case_id.s : "", r->case_id.len);
    fputc(',', f);
    csv_field(f, r->title.s ? r->title.s : "", r->title.len);
    fputc(',', f);
    csv_field(f, r->org.s ? r->org.s : "", r->org.len);
    fprintf(f, ",%s,", jkb_org_kind_key(r->org_kind) ? jkb_org_kind_key(r->org_kind) : "");
    if (r->published.y)
        fprintf(f, "%04d-%02d-%02d", r->published.y, r->published.m, r->published.d);
    fputc(',', f);
    if (r->report_no)
        fprintf(f, "%d", r->report_no);
    fputc(',', f);
    n = join_set(buf, sizeof buf, r->categories, jkb_category_key);
    csv_field(f, buf, n);
    fputc(',', f);
    if (r->has_affected)
        fprintf(f, "%lld,%s", (long long)r->affected, jkb_qualifier_key(r->affected_qualifier));
    else
        fputc(',', f);
    fputc(',', f);
    n = join_set(buf, sizeof buf, r->data_classes, jkb_data_class_key);
    csv_field(f, buf, n);
    fprintf(f, ",%s,", jkb_leak_key(r->leak_status));
    csv_list(f, r->actors, r->n_actors);
    fputc(',', f);
    n = join_set(buf, sizeof buf, r->vectors, jkb_vector_key);
    csv_field(f, buf, n);
    fputc(',', f);
    csv_list(f, r->cves, r->n_cves);
    fputc(',', f);
    n = join_set(buf, sizeof buf, r->authorities, jkb_authority_key);
    csv_field(f, buf, n);
    fprintf(f, ",%s,", jkb_secondary_key(r->secondary_damage));
    n = join_set(buf, sizeof buf, r->measures, jkb_measure_key);
    csv_field(f, buf, n);
    fputs("\r\n", f);
}
