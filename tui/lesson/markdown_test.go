package lesson

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"github.com/sglab/sglab/lessons"
	"github.com/sglab/sglab/tui/internal/tuitest"
	mdrender "github.com/sglab/sglab/tui/markdown"
	"github.com/sglab/sglab/tui/theme"
)

// colourStyles are the app's styles on a true-colour terminal with a light
// or dark background.
func colourStyles(mode theme.Mode) *theme.Styles {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	return theme.New(r, mode)
}

// texts is every Markdown text of a lesson: its pages, its questions and
// their explanations.
func texts(ls *lessons.Lesson) []string {
	var out []string
	for _, p := range ls.Pages {
		out = append(out, p.Markdown)
	}
	for _, q := range ls.Questions {
		out = append(out, q.Prompt, q.Explanation)
	}
	return out
}

// TestPageGolden shows each page of a lesson written with every element
// the course uses (a comparison table, lists within lists, a quote, code,
// a link, a rule) as the lesson screen shows it, at the smallest usual
// terminal and a roomy one, without colour and in colour on light and
// dark backgrounds. Update with go test ./tui/lesson -run TestPageGolden
// -update.
func TestPageGolden(t *testing.T) {
	course, ds := lessons.LoadCourse("testdata/markdown")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	// The lesson alone, so that the built-in course growing does not
	// change its number on screen.
	ls := course.Lesson("groups-and-acls")
	course = &lessons.Course{Lessons: []*lessons.Lesson{ls}}
	for _, mode := range []string{"nocolor", "light", "dark"} {
		for _, size := range [][2]int{{80, 24}, {120, 40}} {
			w, h := size[0], size[1]
			for page := range len(ls.Pages) {
				t.Run(fmt.Sprintf("%s/%dx%d/page%d", mode, w, h, page+1), func(t *testing.T) {
					ctx := tuitest.Context(t)
					switch mode {
					case "light":
						ctx.Styles = colourStyles(theme.Light)
					case "dark":
						ctx.Styles = colourStyles(theme.Dark)
					}
					ctx.Course = course
					l, err := newLearner(ctx)
					if err != nil {
						t.Fatal(err)
					}
					m := openLesson(t, l, ls.ID, page, w, h)
					golden.RequireEqual(t, []byte(view(t, m, w, h)))
				})
			}
		}
	}
}

// The lesson pads the lines it is given: the cache keeps its own.
func TestLayingOutAgainLeavesTheCacheAlone(t *testing.T) {
	l := setup(t, nil)
	m := openLesson(t, l, lesson4, 0, 80, 23)
	for range 3 {
		m.layout()
	}
	if v := view(t, m, 80, 23); !strings.Contains(v, "\n  **SSH** is how") || strings.Contains(v, "   **SSH**") {
		t.Fatalf("the page is indented more than once:\n%s", v)
	}
}

// Before its rendering is ready a page shows as written, but never with
// a control character from the lesson file.
func TestUnrenderedTextIsSafe(t *testing.T) {
	lines := plain("# Title\x1b]0;owned\x07\n\nText\x9b2J.", 40)
	for _, l := range lines {
		if strings.ContainsAny(l, "\x1b\x07\u009b") {
			t.Fatalf("a control character reaches the screen: %q", lines)
		}
	}
}

func TestMarkdownFollowsTheTheme(t *testing.T) {
	if !newMarkdown(tuitest.Context(t)).styles.Plain {
		t.Fatal("without colour the Markdown is not plain")
	}
	ctx := tuitest.Context(t)
	ctx.Styles = colourStyles(theme.Dark)
	if newMarkdown(ctx).styles.Plain {
		t.Fatal("in colour the Markdown is plain")
	}
	// Accessible: no marks for a screen reader to say, colour or not.
	md := newMarkdown(tuitest.Accessible(t))
	if got := strings.Join(mdrender.Render("# A firewall\n\nAn **EC2 instance** is *rented*.", 40, md.styles), "\n"); strings.ContainsAny(got, "#*") {
		t.Fatalf("marks in an accessible page:\n%s", got)
	}
}

// TestRenderedLessonsWrapCleanly renders every text of the built-in course
// at every width from 40 to 80 cells: no line is too wide, and no line
// holds a word stranded alone that would have fitted on the line before.
func TestRenderedLessonsWrapCleanly(t *testing.T) {
	c, _ := lessons.LoadCourse()
	for _, st := range []*mdrender.Styles{mdrender.NewStyles(tuitest.Context(t).Styles), mdrender.NewStyles(colourStyles(theme.Dark))} {
		for _, ls := range c.Lessons {
			for _, src := range texts(ls) {
				for w := 40; w <= 80; w++ {
					lines := mdrender.Render(src, w, st)
					for k, line := range lines {
						line = ansi.Strip(line)
						if ansi.StringWidth(line) > w {
							t.Fatalf("%s at %d: line too wide: %q", ls.ID, w, line)
						}
						if k == 0 || k+1 == len(lines) || line == "" || lines[k-1] == "" || lines[k+1] == "" {
							continue
						}
						word, before := strings.TrimSpace(line), ansi.Strip(lines[k-1])
						if !strings.Contains(word, " ") && !strings.ContainsAny(line, "│┼") &&
							ansi.StringWidth(before)+1+ansi.StringWidth(word) <= w {
							t.Fatalf("%s at %d: %q stranded after %q", ls.ID, w, word, before)
						}
					}
				}
			}
		}
	}
}

// BenchmarkRenderLesson renders every text of lesson 3 (a table, a list,
// inline code and emphasis) at the width of an 80-column terminal.
func BenchmarkRenderLesson(b *testing.B) {
	c, _ := lessons.LoadCourse()
	srcs := texts(c.Lesson("anatomy-of-a-rule"))
	st := mdrender.NewStyles(colourStyles(theme.Dark))
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range srcs {
			mdrender.Render(src, 76, st)
		}
	}
}
