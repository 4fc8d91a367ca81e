/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Link formats: what a forum, a web page or a Markdown reader gets. */
#include "config.h"

#include "kf-link-format.h"

#define LINK "https://kenfiles.example/abc123"

static void
assert_formats (const char *name,
                const char *bbcode,
                const char *html,
                const char *markdown)
{
  g_autofree char *plain = kf_link_format (KF_LINK_FORMAT_PLAIN, LINK, name);
  g_autofree char *direct = kf_link_format (KF_LINK_FORMAT_DIRECT, LINK, name);
  g_autofree char *b = kf_link_format (KF_LINK_FORMAT_BBCODE, LINK, name);
  g_autofree char *h = kf_link_format (KF_LINK_FORMAT_HTML, LINK, name);
  g_autofree char *m = kf_link_format (KF_LINK_FORMAT_MARKDOWN, LINK, name);

  g_assert_cmpstr (plain, ==, LINK);
  g_assert_cmpstr (direct, ==, LINK);
  g_assert_cmpstr (b, ==, bbcode);
  g_assert_cmpstr (h, ==, html);
  g_assert_cmpstr (m, ==, markdown);
}

static void
test_plain_name (void)
{
  assert_formats ("report.pdf",
                  "[url=" LINK "]report.pdf[/url]",
                  "<a href=\"" LINK "\">report.pdf</a>",
                  "[report.pdf](" LINK ")");
}

static void
test_brackets (void)
{
  assert_formats ("[2024] a]b.txt",
                  "[url=" LINK "]［2024］ a］b.txt[/url]",
                  "<a href=\"" LINK "\">[2024] a]b.txt</a>",
                  "[\\[2024\\] a\\]b.txt](" LINK ")");
}

/* A name that tries to close the tag and open its own. */
static void
test_injection (void)
{
  assert_formats ("x[/url][img]https://evil.example/a.png[/img]",
                  "[url=" LINK "]x［/url］［img］https://evil.example/a.png［/img］[/url]",
                  "<a href=\"" LINK "\">x[/url][img]https://evil.example/a.png[/img]</a>",
                  "[x\\[/url\\]\\[img\\]https://evil.example/a.png\\[/img\\]](" LINK ")");
  assert_formats ("</a><script>alert(1)</script>",
                  "[url=" LINK "]</a><script>alert(1)</script>[/url]",
                  "<a href=\"" LINK "\">&lt;/a&gt;&lt;script&gt;alert(1)&lt;/script&gt;</a>",
                  "[\\</a\\>\\<script\\>alert\\(1\\)\\</script\\>](" LINK ")");
}

static void
test_markup_characters (void)
{
  assert_formats ("Tom & \"Jerry\" <1>.mp4",
                  "[url=" LINK "]Tom & \"Jerry\" <1>.mp4[/url]",
                  "<a href=\"" LINK "\">Tom &amp; &quot;Jerry&quot; &lt;1&gt;.mp4</a>",
                  "[Tom \\& \"Jerry\" \\<1\\>.mp4](" LINK ")");
  assert_formats ("back\\slash_and*stars*.txt",
                  "[url=" LINK "]back\\slash_and*stars*.txt[/url]",
                  "<a href=\"" LINK "\">back\\slash_and*stars*.txt</a>",
                  "[back\\\\slash\\_and\\*stars\\*.txt](" LINK ")");
}

static void
test_non_ascii (void)
{
  assert_formats ("Grüße – 写真 🎉.jpg",
                  "[url=" LINK "]Grüße – 写真 🎉.jpg[/url]",
                  "<a href=\"" LINK "\">Grüße – 写真 🎉.jpg</a>",
                  "[Grüße – 写真 🎉.jpg](" LINK ")");
}

/* A name stays one line: a newline would end a Markdown link or a BBCode
 * line on many forums. */
static void
test_controls (void)
{
  assert_formats ("two\nlines\r\tand\x1b[31m",
                  "[url=" LINK "]two lines  and ［31m[/url]",
                  "<a href=\"" LINK "\">two lines  and [31m</a>",
                  "[two lines  and \\[31m](" LINK ")");
}

/* What would end the link early is encoded; the rest stays as it is. */
static void
test_link_escaping (void)
{
  const char *link = "https://h.example/a b(c)[d]\"e\\f<g>?x=1&y=2";
  g_autofree char *b = kf_link_format (KF_LINK_FORMAT_BBCODE, link, "n");
  g_autofree char *h = kf_link_format (KF_LINK_FORMAT_HTML, link, "n");
  g_autofree char *m = kf_link_format (KF_LINK_FORMAT_MARKDOWN, link, "n");
  g_autofree char *p = kf_link_format (KF_LINK_FORMAT_PLAIN, link, "n");

  g_assert_cmpstr (b, ==, "[url=https://h.example/a%20b(c)%5Bd%5D%22e\\f<g>?x=1&y=2]n[/url]");
  g_assert_cmpstr (h, ==, "<a href=\"https://h.example/a b(c)[d]&quot;e\\f&lt;g&gt;?x=1&amp;y=2\">n</a>");
  g_assert_cmpstr (m, ==, "[n](https://h.example/a%20b%28c%29%5Bd%5D%22e%5Cf%3Cg%3E?x=1&y=2)");
  g_assert_cmpstr (p, ==, link);
}

static void
test_no_name (void)
{
  g_autofree char *b = kf_link_format (KF_LINK_FORMAT_BBCODE, LINK, NULL);
  g_autofree char *h = kf_link_format (KF_LINK_FORMAT_HTML, LINK, "");
  g_autofree char *m = kf_link_format (KF_LINK_FORMAT_MARKDOWN, LINK, NULL);

  g_assert_cmpstr (b, ==, "[url=" LINK "]" LINK "[/url]");
  g_assert_cmpstr (h, ==, "<a href=\"" LINK "\">" LINK "</a>");
  g_assert_cmpstr (m, ==, "[" LINK "](" LINK ")");
}

static void
test_invalid_utf8 (void)
{
  g_autofree char *h = kf_link_format (KF_LINK_FORMAT_HTML, LINK, "bad\xff.txt");

  g_assert_true (g_utf8_validate (h, -1, NULL));
  g_assert_cmpstr (h, ==, "<a href=\"" LINK "\">bad\xef\xbf\xbd.txt</a>");
}

static void
test_from_string (void)
{
  static const struct {
    const char   *name;
    KfLinkFormat  format;
  } names[] = {
    { "plain", KF_LINK_FORMAT_PLAIN },
    { "direct", KF_LINK_FORMAT_DIRECT },
    { "bbcode", KF_LINK_FORMAT_BBCODE },
    { "html", KF_LINK_FORMAT_HTML },
    { "markdown", KF_LINK_FORMAT_MARKDOWN },
  };
  KfLinkFormat format = KF_LINK_FORMAT_HTML;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_true (kf_link_format_from_string (names[i].name, &format));
      g_assert_cmpint (format, ==, names[i].format);
      g_assert_cmpstr (kf_link_format_to_string (names[i].format), ==, names[i].name);
    }

  format = KF_LINK_FORMAT_HTML;
  g_assert_false (kf_link_format_from_string ("BBCode", &format));
  g_assert_false (kf_link_format_from_string ("md", &format));
  g_assert_false (kf_link_format_from_string ("", &format));
  g_assert_false (kf_link_format_from_string (NULL, &format));
  g_assert_cmpint (format, ==, KF_LINK_FORMAT_HTML);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/links/plain-name", test_plain_name);
  g_test_add_func ("/links/brackets", test_brackets);
  g_test_add_func ("/links/injection", test_injection);
  g_test_add_func ("/links/markup-characters", test_markup_characters);
  g_test_add_func ("/links/non-ascii", test_non_ascii);
  g_test_add_func ("/links/controls", test_controls);
  g_test_add_func ("/links/link-escaping", test_link_escaping);
  g_test_add_func ("/links/no-name", test_no_name);
  g_test_add_func ("/links/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/links/from-string", test_from_string);

  return g_test_run ();
}
