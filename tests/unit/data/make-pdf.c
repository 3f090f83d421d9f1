/*
 * Makes the PDF fixtures of tests/unit/test_pdf.c with cairo: a Japanese
 * notice of two pages (IPAGothic, Debian's fonts-ipafont-gothic) whose
 * paragraphs wrap mid-word at the right margin as a layout engine does, and
 * an English one in cairo's default font. Not part of the build:
 *   cc make-pdf.c $(pkg-config --cflags --libs cairo) -o /tmp/make-pdf && /tmp/make-pdf .
 */
#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>

#define PAGE_W 595.0
#define PAGE_H 842.0
#define LEFT 60.0
#define RIGHT (PAGE_W - 60.0)

struct pen {
    cairo_t *cr;
    double y, size;
};

static void line_at(struct pen *p, double x, const char *s)
{
    cairo_move_to(p->cr, x, p->y);
    cairo_show_text(p->cr, s);
    p->y += p->size * 1.6;
}

static double width(struct pen *p, const char *s)
{
    cairo_text_extents_t ex;
    cairo_text_extents(p->cr, s, &ex);
    return ex.x_advance;
}

static void left(struct pen *p, const char *s) { line_at(p, LEFT, s); }
static void right(struct pen *p, const char *s) { line_at(p, RIGHT - width(p, s), s); }
static void center(struct pen *p, const char *s) { line_at(p, (PAGE_W - width(p, s)) / 2, s); }

/* Wrap a UTF-8 paragraph at character boundaries, as Japanese layout does:
 * a line takes characters while they fit between the margins. */
static void para(struct pen *p, const char *s)
{
    char buf[1024];
    size_t n = strlen(s), start = 0;
    while (start < n) {
        size_t end = start, fit = start;
        while (end < n) {
            size_t k = 1;
            while (end + k < n && ((unsigned char)s[end + k] & 0xc0) == 0x80)
                k++;
            memcpy(buf, s + start, end + k - start);
            buf[end + k - start] = '\0';
            if (width(p, buf) > RIGHT - LEFT)
                break;
            end += k;
            fit = end;
        }
        memcpy(buf, s + start, fit - start);
        buf[fit - start] = '\0';
        left(p, buf);
        start = fit;
    }
}

static int japanese(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/notice-ja.pdf", dir);
    cairo_surface_t *sf = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
    cairo_t *cr = cairo_create(sf);
    struct pen p = {cr, 90, 16};
    cairo_select_font_face(cr, "IPAGothic", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);

    cairo_set_font_size(cr, 11);
    p.size = 11;
    right(&p, "2024年6月3日");
    right(&p, "株式会社さくら工房");
    p.y += 20;
    cairo_set_font_size(cr, 16);
    p.size = 16;
    center(&p, "会員サイトへの不正アクセスに関するお知らせ");
    p.y += 20;
    cairo_set_font_size(cr, 11);
    p.size = 11;
    para(&p, "このたび、当社が運営する会員サイト「さくらクラブ」において、第三者による不正アクセスが発生し、"
             "お客様の氏名およびメールアドレスが外部に流出した可能性があることが判明いたしました。");
    para(&p, "お客様には多大なるご迷惑とご心配をおかけしますことを、深くお詫び申し上げます。");
    cairo_show_page(cr);

    p.y = 90;
    left(&p, "1. 経緯");
    para(&p, "2024年5月28日、サーバーの監視ログに不審な通信を確認したため、直ちにサイトを停止し、"
             "外部の専門機関に調査を依頼しました。");
    left(&p, "2. 対象となる情報");
    left(&p, "氏名、メールアドレス（最大1,200件）");
    cairo_show_page(cr);

    cairo_destroy(cr);
    cairo_surface_finish(sf);
    int bad = cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(sf);
    return bad;
}

static int english(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/notice-en.pdf", dir);
    cairo_surface_t *sf = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
    cairo_t *cr = cairo_create(sf);
    struct pen p = {cr, 90, 12};
    cairo_set_font_size(cr, 12);
    left(&p, "Notice of unauthorized access");
    left(&p, "On May 28, 2024 we found that an outside party had");
    left(&p, "accessed our member site.");
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(sf);
    int bad = cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(sf);
    return bad;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    return japanese(dir) || english(dir);
}
