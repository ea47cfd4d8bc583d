package quiz

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	qz "github.com/sglab/sglab/quiz"
	"github.com/sglab/sglab/tui/internal/tuitest"
)

// said checks an accessible screen: it shows want, and no glyph carries
// meaning on it.
func said(t *testing.T, m tea.Model, want ...string) string {
	t.Helper()
	v := view(t, m, 80, 23)
	has(t, strings.NewReplacer("│", " ").Replace(v), want...)
	if g := tuitest.Glyphs(v); len(g) > 0 {
		t.Fatalf("glyphs %q on an accessible screen:\n%s", g, v)
	}
	return v
}

func accessibleEnv(t *testing.T) (*env, *qz.ManualClock) {
	e, clk := testEnv(t)
	e.ctx.Accessible = true
	return e, clk
}

// In accessible mode the quiz says in words what its marks show: the
// menu's choices, right and wrong answers, ticks, flags, the overview,
// the scores; and its clocks change seldom.
func TestAccessibleQuiz(t *testing.T) {
	e, _ := accessibleEnv(t)
	m := newMenu(e)
	m.SetSize(80, 23)
	said(t, m, "Mode: Practice (or Drill, Exam, Review)", "Topic: All (or Ports, Concepts, Scenarios)")

	p := open(t, e, qz.Options{Mode: qz.ModePractice, Topic: qz.Concepts, Count: 3, Seed: 5}, 80, 23).(*practice)
	var missed qz.Question
	for k := range 3 {
		q, _ := p.p.Current()
		switch {
		case k == 1 && q.Kind != qz.Typed && q.Kind != qz.Multi:
			missed = q
			drive(p, letter(wrong(q)))
			said(t, p, "(your answer, wrong)", "(the right answer)", "Not quite.")
		default:
			answerRight(p, q)
			said(t, p, "Right.")
		}
		drive(p, "n")
	}
	said(t, p, "Practice done: 2 of 3 right (67%)", "2. "+missed.Prompt[:20], "(your answer, wrong)")

	x, _, clk := newTestExam(t, 5)
	x.env.ctx.Accessible = true
	drive(x, "b", "f")
	said(t, x, "Exam · question 1 of 5 (flagged)", "1 answered · 1 flagged · 8 min left", "(chosen)")
	drive(x, "o")
	said(t, x, "> Question 1: answered, flagged", "Question 2: no answer yet")
	drive(x, "down", "enter")
	if x.x.Index() != 1 {
		t.Fatalf("the overview's second line goes to question %d", x.x.Index()+1)
	}
	clk.Advance(5*time.Minute + 20*time.Second) // 2:10 left
	said(t, x, "3 min left")
	clk.Advance(11 * time.Second) // 1:59
	said(t, x, "120 s left")
	clk.Advance(45 * time.Second) // 1:14
	said(t, x, "75 s left")
	clk.Advance(59 * time.Second) // 0:15
	said(t, x, "15 s left")
	drive(x, "s", "y")
	said(t, x, "Score:", "ports: ")
}
