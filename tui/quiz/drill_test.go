package quiz

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	qz "github.com/sglab/sglab/quiz"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/internal/tuitest"
)

// The drill's clock ticks once a second while it runs, and never before
// it starts or after it ends.
func TestDrillTicksOnlyWhileItRuns(t *testing.T) {
	e, clk := testEnv(t)
	m := open(t, e, qz.Options{Mode: qz.ModeDrill, Topic: qz.Ports, Seed: 3}, 80, 23).(*drill)
	if m.Init() != nil {
		t.Fatal("a drill not started yet should not tick")
	}
	has(t, view(t, m, 80, 23), "1:00 on ports", "No drill on ports yet.", "Press enter to start")
	if n := tuitest.Run(m, tuitest.Key("enter")); n != 1 {
		t.Fatalf("starting the drill asked for %d timers, want its one tick", n)
	}
	if n := tuitest.Run(m, tuitest.Key(letter(m.d.Current().Correct[0]))); n != 0 {
		t.Fatalf("an answer started %d more timers", n)
	}
	clk.Advance(1 * time.Second)
	if n := tuitest.Run(m, tickMsg{to: m.d}); n != 1 {
		t.Fatalf("a tick while running asked for %d timers, want the next one", n)
	}
	if n := tuitest.Run(m, tickMsg{to: &qz.Drill{}}); n != 0 {
		t.Fatal("a tick of another drill was followed")
	}
	has(t, view(t, m, 80, 23), "0:59 left")
	clk.Advance(59 * time.Second)
	if n := tuitest.Run(m, tickMsg{to: m.d}); n != 0 {
		t.Fatalf("the tick that ends the drill asked for %d timers", n)
	}
	if m.over == nil {
		t.Fatal("the drill is not over when its time is")
	}
	if n := tuitest.Run(m, tickMsg{to: m.d}); n != 0 {
		t.Fatal("a drill that is over still ticks")
	}
}

// Streaks, a verdict after each answer, then the result and the best.
func TestDrillStreakResultAndBest(t *testing.T) {
	e, clk := testEnv(t)
	m := open(t, e, qz.Options{Mode: qz.ModeDrill, Topic: qz.Ports, Seed: 3}, 80, 23).(*drill)
	drive(m, "enter")
	for range 3 {
		answerRight(m, m.d.Current())
	}
	v := view(t, m, 80, 23)
	has(t, v, "streak 3 · 3 right · 1:00 left", "✓ Last question: right,")
	answerWrong(m, m.d.Current())
	has(t, view(t, m, 80, 23), "streak 0 · 3 right", "✗ Last question: the answer was")

	clk.Advance(qz.DefaultDrillLength)
	answerRight(m, m.d.Current()) // too late: it ends the drill, uncounted
	v = view(t, m, 80, 23)
	has(t, v, "Time! 3 of 4 right (75%)", "Best streak: 3 in a row.", "★ New best! 3 right: the first drill on ports.", "Missed (1)")
	if best, ok := stored(t, e).BestDrill(qz.Ports, qz.DefaultDrillLength); !ok || best.Correct != 3 || best.Answered != 4 {
		t.Fatalf("the best drill was not stored: %+v", best)
	}

	drive(m, "r") // again, on other questions; worse this time
	if m.over != nil || m.d == nil || m.seed != 4 {
		t.Fatalf("r did not start another drill (seed %d)", m.seed)
	}
	answerRight(m, m.d.Current())
	clk.Advance(qz.DefaultDrillLength)
	tuitest.Drive(m, tickMsg{to: m.d})
	has(t, view(t, m, 80, 23), "Time! 1 of 1 right", "Best on ports: 3 right, on 14 Mar 2025.")
	lacks(t, m.View(), "New best")
}

func TestDrillAsksBeforeLeaving(t *testing.T) {
	e, _ := testEnv(t)
	m := open(t, e, qz.Options{Mode: qz.ModeDrill, Topic: qz.Concepts, Seed: 1}, 80, 23).(*drill)
	if m.Unsaved() != "" {
		t.Fatal("a drill not started has nothing to lose")
	}
	drive(m, "enter")
	if m.Unsaved() == "" {
		t.Fatal("quitting a running drill should ask first")
	}
	q := m.d.Current()
	answerWrong(m, q)
	drive(m, "esc")
	has(t, view(t, m, 80, 23), "Leave the drill?", "it will not count as a drill; the answers you gave are kept for review")
	if !m.Capturing() {
		t.Fatal("the question should take y and n")
	}
	drive(m, "n")
	lacks(t, view(t, m, 80, 23), "Leave the drill?")
	drive(m, "esc")
	var back bool
	tuitest.Drive(&spy{Model: m, saw: func(msg tea.Msg) { back = back || msg == (common.BackMsg{}) }}, tuitest.Key("y"))
	if !back {
		t.Fatal("y did not leave")
	}
	p := stored(t, e)
	if rec := p.Questions[q.ID]; rec == nil || rec.Box != 1 {
		t.Fatalf("the miss of a drill left early should come back in review: %+v", rec)
	}
	if _, ok := p.BestDrill(qz.Concepts, qz.DefaultDrillLength); ok {
		t.Fatal("a drill left early was kept as a best")
	}
}

// spy passes messages on to a model and shows them to a test first.
type spy struct {
	tea.Model
	saw func(tea.Msg)
}

func (s *spy) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	s.saw(msg)
	_, cmd := s.Model.Update(msg)
	return s, cmd
}
