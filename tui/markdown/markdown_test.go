package markdown

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"github.com/sglab/sglab/internal/safetext"
	"github.com/sglab/sglab/tui/theme"
)

// styles returns the document styles of a renderer with the given colour
// profile, on a light or dark background.
func styles(profile termenv.Profile, mode theme.Mode) *Styles {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(profile)
	return NewStyles(theme.New(r, mode))
}

var (
	plainStyles = styles(termenv.Ascii, theme.Dark)
	darkStyles  = styles(termenv.TrueColor, theme.Dark)
	lightStyles = styles(termenv.TrueColor, theme.Light)
)

func sample(t testing.TB) string {
	t.Helper()
	src, err := os.ReadFile("testdata/sample.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

// The sample holds every element lessons use. Without colour at the widths
// of the lesson text in an 80- and a 120-column terminal (76 and 80), a
// narrow one, and one where tables become records; in colour on light and
// dark backgrounds at 76. Update with go test ./tui/markdown -run
// TestGolden -update.
func TestGolden(t *testing.T) {
	src := sample(t)
	for _, tc := range []struct {
		name  string
		st    *Styles
		width int
	}{
		{"plain", plainStyles, 76}, {"plain", plainStyles, 80}, {"plain", plainStyles, 40}, {"plain", plainStyles, 24},
		{"dark", darkStyles, 76}, {"light", lightStyles, 76},
	} {
		t.Run(fmt.Sprintf("%s-%d", tc.name, tc.width), func(t *testing.T) {
			lines := Render(src, tc.width, tc.st)
			checkLines(t, lines, tc.width)
			golden.RequireEqual(t, []byte(strings.Join(lines, "\n")+"\n"))
		})
	}
}

// sgr is a Select Graphic Rendition sequence: the only escape sequence the
// renderer may write, and only through lipgloss.
var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// checkLines checks what every rendering promises: no line wider than
// width, and nothing a terminal would act on but colours and attributes.
func checkLines(t testing.TB, lines []string, width int) {
	t.Helper()
	for k, l := range lines {
		if w := ansi.StringWidth(l); w > width {
			t.Fatalf("line %d is %d cells wide, more than %d: %q", k+1, w, width, l)
		}
		if i := safetext.Index(sgr.ReplaceAllString(l, "")); i >= 0 {
			t.Fatalf("line %d holds a control character at %d: %q", k+1, i, l)
		}
		if strings.Contains(l, "\n") {
			t.Fatalf("line %d holds a newline: %q", k+1, l)
		}
	}
}

func plain(src string, width int) string {
	return strings.Join(Render(src, width, plainStyles), "\n")
}

func TestEveryWidthFits(t *testing.T) {
	src := sample(t)
	for _, st := range []*Styles{plainStyles, darkStyles} {
		for w := 1; w <= 100; w++ {
			checkLines(t, Render(src, w, st), w)
		}
	}
}

// Lines break only at spaces: names with hyphens stay whole at every
// width they fit in, in text, code, tables and lists.
func TestNamesAreNeverSplitAtTheirHyphens(t *testing.T) {
	src := "Attach `sg-web` to web-1, then app-sg-2 to app-1.\n\n- Allow web-sg from lb-sg\n\n| group | members |\n| --- | --- |\n| web-sg | web-1, web-2 |\n"
	names := []string{"sg-web", "web-1", "app-sg-2", "app-1", "web-sg", "lb-sg", "web-2"}
	for w := 10; w <= 60; w++ {
		out := plain(src, w)
		for _, name := range names {
			if !strings.Contains(out, name) {
				t.Fatalf("at %d, %s is split:\n%s", w, name, out)
			}
		}
	}
}

func TestElements(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"headings carry their level", "# One\n\n## Two\n\n### Three", "# One\n\n## Two\n\n### Three"},
		{"setext heading", "One\n===", "# One"},
		{"emphasis and strong keep their marks", "*a* **b** ***c***", "*a* **b** ***c***"},
		{"underscores read as marks too", "_a_ __b__", "*a* **b**"},
		{"code loses its backticks", "run `ls -l` now", "run ls -l now"},
		{"soft break is a space", "one\ntwo", "one two"},
		{"hard break", "one  \ntwo", "one\ntwo"},
		{"link shows its address", "[the docs](https://docs.aws.amazon.com/)", "the docs (https://docs.aws.amazon.com/)"},
		{"link whose text is its address", "[https://a.example/](https://a.example/)", "https://a.example/"},
		{"autolink", "<https://a.example/>", "https://a.example/"},
		{"email autolink", "<me@example.com>", "me@example.com"},
		{"image", "![a VPC](vpc.png)", "[image: a VPC] (vpc.png)"},
		{"reference link", "[docs][1]\n\n[1]: https://a.example/", "docs (https://a.example/)"},
		{"bullets by depth", "- a\n  - b\n    - c\n      - d", "• a\n  ◦ b\n    ▪ c\n      • d"},
		{"numbers line up", "8. a\n9. b\n10. c", " 8. a\n 9. b\n10. c"},
		{"closing paren numbers", "1) a\n2) b", "1) a\n2) b"},
		{"loose list", "- a\n\n- b", "• a\n\n• b"},
		{"empty item", "-\n- b", "•\n• b"},
		{"item starting with code", "-     code", "•     code"},
		{"block quote", "> a\n>\n> b", "│ a\n│\n│ b"},
		{"rule", "a\n\n***\n\nb", "a\n\n" + strings.Repeat("─", 60) + "\n\nb"},
		{"fenced code", "```\nx  y\n\n  z\n```", "    x  y\n\n      z"},
		{"code keeps trailing text only", "```\na\n\n\n```", "    a"},
		{"tabs in code", "```\n\ta\tb\n```", "        a   b"},
		{"html comment hidden", "<!-- note -->\n\ntext <!-- inline --> more", "text more"},
		{"html block shown", "<div>\nhi\n</div>", "<div>\nhi\n</div>"},
		{"html block with its closing line", "<pre>\na\n</pre>\n\nb", "<pre>\na\n</pre>\n\nb"},
		{"entities", "&lt;a&gt; &amp;amp; &#169; &bogus; & x", "<a> &amp; © &bogus; & x"},
		{"backslash escapes", `\*a\* \# \\`, `*a* # \`},
		{"NUL", "a\x00b", "a\uFFFDb"},
		{"table", "| a | b |\n| - | -: |\n| 1 | 22 |", "a │  b\n──┼───\n1 │ 22"},
		{"table cells with pipes", "| a | b |\n| - | - |\n| `x\\|y` | p\\|q |", "a   │ b\n────┼────\nx|y │ p|q"},
		{"table rows short and long", "| a | b |\n| - | - |\n| 1 |\n| 2 | 3 | 4 |", "a │ b\n──┼──\n1 │\n2 │ 3"},
		{"table after text", "text\n| a |\n| - |\n| 1 |", "text\n\na\n─\n1"},
		{"not a table", "| a | b |\n| - |\n| 1 | 2 |", "| a | b | | - | | 1 | 2 |"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := plain(tc.src, 60); got != tc.want {
				t.Errorf("Render(%q)\n got: %q\nwant: %q", tc.src, got, tc.want)
			}
		})
	}
}

// Words fill each line; a word too long for any line is broken between
// its characters, a wide one never split in two.
func TestWrapping(t *testing.T) {
	for _, tc := range []struct {
		src   string
		width int
		want  string
	}{
		{"aaa bbb ccc ddd", 7, "aaa bbb\nccc ddd"},
		{"abcdefghij", 4, "abcd\nefgh\nij"},
		{"日本語のテキスト", 5, "日本\n語の\nテキ\nスト"},
		{"日本", 1, "?\n?"},
		{"- abc def ghi", 10, "• abc def\n  ghi"},
		{"- abc def ghi", 9, "•\nabc def\nghi"},
		{"> abc def ghi jkl mno pqr", 14, "│ abc def ghi\n│ jkl mno pqr"},
		{"**bold words** end", 10, "**bold\nwords**\nend"},
	} {
		if got := plain(tc.src, tc.width); got != tc.want {
			t.Errorf("Render(%q, %d)\n got: %q\nwant: %q", tc.src, tc.width, got, tc.want)
		}
	}
}

// Nested blocks stop indenting where the text would have too little room.
func TestNarrowNesting(t *testing.T) {
	got := plain("- a\n  - b\n    - c d e f g h i j k l", 12)
	want := "• a\n  ◦ b\n    ▪\n    c d e f\n    g h i j\n    k l"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// A table as wide as the width stays a table; narrower, its widest column
// wraps; narrower still, it becomes records.
func TestTableLayout(t *testing.T) {
	src := "| port | what |\n| --- | --- |\n| 22 | SSH, to log in to a Linux instance |\n| 3389 | RDP |\n"
	if got, want := plain(src, 41), "port │ what\n─────┼───────────────────────────────────\n22   │ SSH, to log in to a Linux instance\n3389 │ RDP"; got != want {
		t.Errorf("natural widths:\n%s", got)
	}
	if got, want := plain(src, 25), "port │ what\n─────┼───────────────────\n22   │ SSH, to log in to\n     │ a Linux instance\n3389 │ RDP"; got != want {
		t.Errorf("wrapped:\n%s", got)
	}
	if got, want := plain(src, 8), "port: 22\nwhat:\nSSH, to\nlog in\nto a\nLinux\ninstance\n\nport:\n3389\nwhat:\nRDP"; got != want {
		t.Errorf("records:\n%s", got)
	}
}

// Rows are ruled apart only when the first column no longer shows where
// a row starts.
func TestTableRulesRowsApartWhenTheFirstColumnWraps(t *testing.T) {
	src := "| a | b |\n| - | - |\n| one two | x |\n| three | y |\n"
	if got, want := plain(src, 9), "a     │ b\n──────┼──\none   │ x\ntwo   │\n──────┼──\nthree │ y"; got != want {
		t.Errorf("got:\n%s", got)
	}
	if got := plain(src, 30); strings.Count(got, "┼") != 1 {
		t.Errorf("rows that fit are not ruled apart:\n%s", got)
	}
}

// Text from a lesson pack never writes a control character to the
// terminal, however it is written: raw, in code, in a link, in a table
// cell, in HTML, or as a character reference.
func TestControlCharactersAreShownEscaped(t *testing.T) {
	src := "a\x1b]52;c;Zm9v\x07b `c\x1bd` [e\x9bf](g\x1bh)\n\n| x\x1b |\n| - |\n| &#27; |\n\n```\n\x1b[2J\u202e\n```\n\n<p>\x1b</p>\n\n&#x9b; &#7; \u2028"
	for _, st := range []*Styles{plainStyles, darkStyles} {
		lines := Render(src, 40, st)
		checkLines(t, lines, 40)
		if out := strings.Join(lines, "\n"); !strings.Contains(out, `\x1b]52;c;Zm9v\x07b`) || !strings.Contains(out, `\u202e`) {
			t.Fatalf("control characters are not shown escaped:\n%s", out)
		}
	}
}

func TestStylesFollowTheRenderer(t *testing.T) {
	if !plainStyles.Plain || darkStyles.Plain {
		t.Fatal("Plain should say whether the renderer shows styles")
	}
	dark := strings.Join(Render("# Title\n\n`code`", 20, darkStyles), "\n")
	light := strings.Join(Render("# Title\n\n`code`", 20, lightStyles), "\n")
	if dark == light || !strings.Contains(dark, "\x1b[") {
		t.Fatalf("dark and light backgrounds look the same:\n%q\n%q", dark, light)
	}
	if strings.Contains(dark, "#") {
		t.Fatalf("with colour the heading's style shows its level, not #: %q", dark)
	}
}

// Rendering the same text in parallel, with one Styles, is safe (go test
// -race) and gives the same lines.
func TestConcurrentRenders(t *testing.T) {
	src := sample(t)
	want := strings.Join(Render(src, 60, darkStyles), "\n")
	done := make(chan string)
	for range 4 {
		go func() { done <- strings.Join(Render(src, 60, darkStyles), "\n") }()
	}
	for range 4 {
		if got := <-done; got != want {
			t.Fatal("a render in parallel differs")
		}
	}
}

func BenchmarkRender(b *testing.B) {
	src := sample(b)
	b.ReportAllocs()
	for b.Loop() {
		Render(src, 76, darkStyles)
	}
}
