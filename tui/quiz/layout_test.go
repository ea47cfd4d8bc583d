package quiz

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	qz "github.com/sglab/sglab/quiz"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/internal/tuitest"
)

// Every screen, in each of its states, fills any size exactly and never
// panics, the tiniest included.
func TestEveryScreenFitsEverySize(t *testing.T) {
	states := map[string]func(e *env, clk *qz.ManualClock) common.Component{
		"menu": func(e *env, _ *qz.ManualClock) common.Component { return newMenu(e) },
		"scenario": func(e *env, _ *qz.ManualClock) common.Component {
			return open(t, e, qz.Options{Mode: qz.ModePractice, Topic: qz.Scenarios, Count: 2, Seed: 1}, 80, 23)
		},
		"scenario answered": func(e *env, _ *qz.ManualClock) common.Component {
			m := open(t, e, qz.Options{Mode: qz.ModePractice, Topic: qz.Scenarios, Count: 2, Seed: 1}, 80, 23)
			drive(m, "a")
			return m
		},
		"practice done": func(e *env, _ *qz.ManualClock) common.Component {
			m := open(t, e, qz.Options{Mode: qz.ModePractice, Topic: qz.Scenarios, Count: 1, Seed: 1}, 80, 23)
			drive(m, "a", "n")
			return m
		},
		"drill": func(e *env, _ *qz.ManualClock) common.Component {
			m := open(t, e, qz.Options{Mode: qz.ModeDrill, Topic: qz.AllTopics, Seed: 1}, 80, 23)
			drive(m, "enter")
			return m
		},
		"drill over": func(e *env, clk *qz.ManualClock) common.Component {
			m := open(t, e, qz.Options{Mode: qz.ModeDrill, Topic: qz.AllTopics, Seed: 1}, 80, 23)
			drive(m, "enter", "b")
			clk.Advance(qz.DefaultDrillLength)
			drive(m, "b")
			return m
		},
		"exam overview": func(e *env, _ *qz.ManualClock) common.Component {
			m := open(t, e, qz.Options{Mode: qz.ModeExam, Topic: qz.AllTopics, Count: 65, Seed: 1}, 80, 23)
			drive(m, "o")
			return m
		},
		"exam submit": func(e *env, _ *qz.ManualClock) common.Component {
			m := open(t, e, qz.Options{Mode: qz.ModeExam, Topic: qz.AllTopics, Count: 20, Seed: 1}, 80, 23)
			drive(m, "s")
			return m
		},
		"exam result": func(e *env, _ *qz.ManualClock) common.Component {
			m := open(t, e, qz.Options{Mode: qz.ModeExam, Topic: qz.AllTopics, Count: 20, Seed: 1}, 80, 23)
			drive(m, "s", "y")
			return m
		},
		"nothing due": func(e *env, _ *qz.ManualClock) common.Component {
			return open(t, e, qz.Options{Mode: qz.ModeReview, Topic: qz.AllTopics}, 80, 23)
		},
	}
	sizes := [][2]int{{0, 0}, {1, 1}, {3, 2}, {20, 5}, {60, 17}, {60, 9}, {80, 23}, {119, 39}, {120, 39}, {120, 12}, {240, 70}}
	for name, build := range states {
		t.Run(name, func(t *testing.T) {
			e, clk := testEnv(t)
			m := build(e, clk)
			for _, s := range sizes {
				m.SetSize(s[0], s[1])
				v := m.View()
				if s[0] == 0 || s[1] == 0 {
					continue
				}
				if err := tuitest.CheckView(v, s[0], s[1]); err != nil {
					t.Fatalf("%dx%d: %v\n%s", s[0], s[1], err, v)
				}
			}
		})
	}
}

// With no room for a box under the question, the whole page scrolls as
// one and keeps the cursor's choice in view.
func TestSmallTerminalScrollsThePage(t *testing.T) {
	e, _ := testEnv(t)
	m := open(t, e, qz.Options{Mode: qz.ModePractice, Topic: qz.Scenarios, Count: 1, Seed: 1}, 60, 9).(*practice)
	if !m.page.whole {
		t.Fatalf("at 60x9 the page should scroll as one:\n%s", m.View())
	}
	has(t, view(t, m, 60, 9), "Question · lines 1-")
	for range 3 {
		drive(m, "down")
	}
	has(t, view(t, m, 60, 9), "> D)")
	for range 40 {
		if strings.Contains(view(t, m, 60, 9), "Machines") {
			return
		}
		drive(m, "pgdown")
	}
	t.Errorf("scrolling never shows the exhibit:\n%s", m.View())
}

// The exhibit beside the question from 120 columns, under it below.
func TestExhibitBesideOrBelow(t *testing.T) {
	e, _ := testEnv(t)
	m := open(t, e, qz.Options{Mode: qz.ModePractice, Topic: qz.Scenarios, Count: 1, Seed: 1}, 119, 39).(*practice)
	v := view(t, m, 119, 39)
	if m.page.wide || strings.Index(v, "Exhibit") < strings.Index(v, "D)") {
		t.Fatalf("at 119 columns the exhibit goes under the question:\n%s", v)
	}
	m.SetSize(120, 39)
	v = view(t, m, 120, 39)
	if !m.page.wide || !strings.Contains(common.Lines(v)[2], "Exhibit") {
		t.Fatalf("at 120 columns the exhibit goes beside the question:\n%s", v)
	}
}

// A table too wide for its room wraps its cells: every word is still
// there, and no line is wider than the room.
func TestTablesWrapInsteadOfCutting(t *testing.T) {
	e, _ := testEnv(t)
	tbl := qz.Table{Columns: []string{"Name", "Security groups", "Listening"}, Rows: [][]string{
		{"db-1", "sg-web, sg-remote", "tcp/80, tcp/443, tcp/3389, tcp/5432, tcp/8080"},
		{"laptop", "-", "-"},
	}}
	for _, w := range []int{80, 40, 30} {
		lines := tableLines(e.ctx, tbl, w)
		text := strings.Join(lines, " ")
		for _, row := range append(tbl.Rows, tbl.Columns) {
			for _, cell := range row {
				for _, word := range strings.Fields(cell) {
					if !strings.Contains(text, word) {
						t.Errorf("at %d columns %q was lost:\n%s", w, word, strings.Join(lines, "\n"))
					}
				}
			}
		}
		for _, l := range lines {
			if ansi.StringWidth(l) > w {
				t.Errorf("at %d columns a line is %d wide: %q", w, ansi.StringWidth(l), l)
			}
		}
	}
	if got := len(tableLines(e.ctx, tbl, 80)); got != 3 {
		t.Errorf("at 80 columns the table needs no wrapping, but takes %d lines", got)
	}
	if got := tableLines(e.ctx, tbl, 40); len(got) < 4 || strings.Contains(strings.Join(got, "\n"), "sg-\n") {
		t.Errorf("at 40 columns the table should wrap between words:\n%s", strings.Join(got, "\n"))
	}
}

func TestEveryLessonHasATitle(t *testing.T) {
	for _, id := range qz.Lessons {
		if got := lessonTitle(id); got == id || !strings.HasPrefix(got, "Lesson ") {
			t.Errorf("lesson %q has no title: %q", id, got)
		}
	}
	if got := lessonTitle("no-such-lesson"); got != "no-such-lesson" {
		t.Errorf("an unknown lesson should show its id, not %q", got)
	}
}

func TestCountdownAndDueWording(t *testing.T) {
	for d, want := range map[time.Duration]string{
		60 * time.Second: "1:00", 59*time.Second + time.Millisecond: "1:00", 59 * time.Second: "0:59",
		time.Millisecond: "0:01", 0: "0:00", 30 * time.Minute: "30:00",
	} {
		if got := clock(d); got != want {
			t.Errorf("clock(%v) = %q, want %q", d, got, want)
		}
	}
	now := time.Date(2025, 3, 14, 23, 30, 0, 0, time.UTC)
	for due, want := range map[time.Time]string{
		time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC): "today",
		time.Date(2025, 3, 15, 0, 0, 0, 0, time.UTC): "tomorrow",
		time.Date(2025, 3, 18, 0, 0, 0, 0, time.UTC): "on Tue 18 Mar (in 4 days)",
	} {
		if got := dueText(due, now); got != want {
			t.Errorf("dueText(%v) = %q, want %q", due, got, want)
		}
	}
}

func TestWrapWordsKeepsNamesAndRangesWhole(t *testing.T) {
	got := wrapWords("sg-remote: Custom TCP, TCP, 8000 - 8999, source web-1", 30)
	want := []string{"sg-remote: Custom TCP, TCP,", "8000 - 8999, source web-1"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := wrapWords("abcdefghij", 4); strings.Join(got, "|") != "abcd|efgh|ij" {
		t.Errorf("a word longer than the line should be cut into pieces: %q", got)
	}
}
