package quiz

import (
	"fmt"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	qz "github.com/sglab/sglab/quiz"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/internal/tuitest"
)

// The quiz's screens without colour, at the smallest supported size
// (80x24) and a roomy one (120x40), on fixed seeds and a stopped clock.
// Update the files with go test ./tui/quiz -run TestGolden -update.
func TestGolden(t *testing.T) {
	practiceOpts := qz.Options{Mode: qz.ModePractice, Topic: qz.Scenarios, Count: 10, Seed: 1}
	examOpts := qz.Options{Mode: qz.ModeExam, Topic: qz.AllTopics, Count: 20, Seed: 1}
	drillOpts := qz.Options{Mode: qz.ModeDrill, Topic: qz.Ports, Seed: 3}
	screens := []struct {
		name string
		open func(t *testing.T, e *env, clk *qz.ManualClock, w, h int) common.Component
	}{
		{"menu", func(t *testing.T, e *env, clk *qz.ManualClock, w, h int) common.Component {
			missTwo(t, e)
			m := newMenu(e)
			m.SetSize(w, h)
			drive(m, "right", "right", "down")
			return m
		}},
		{"practice-question", func(t *testing.T, e *env, _ *qz.ManualClock, w, h int) common.Component {
			return open(t, e, practiceOpts, w, h)
		}},
		{"practice-feedback", func(t *testing.T, e *env, _ *qz.ManualClock, w, h int) common.Component {
			m := open(t, e, practiceOpts, w, h)
			drive(m, "a")
			return m
		}},
		{"practice-select-two", func(t *testing.T, e *env, _ *qz.ManualClock, w, h int) common.Component {
			seed, q := seedFor(t, qz.Concepts, qz.Multi)
			m := open(t, e, qz.Options{Mode: qz.ModePractice, Topic: qz.Concepts, Count: 3, Seed: seed}, w, h)
			drive(m, letter(q.Correct[0]), letter(wrong(q)), "enter")
			return m
		}},
		{"practice-summary", func(t *testing.T, e *env, _ *qz.ManualClock, w, h int) common.Component {
			m := open(t, e, qz.Options{Mode: qz.ModePractice, Topic: qz.Ports, Count: 3, Seed: 2}, w, h).(*practice)
			for range 3 {
				q, _ := m.p.Current()
				answerWrong(m, q)
				drive(m, "n")
			}
			return m
		}},
		{"drill-running", func(t *testing.T, e *env, clk *qz.ManualClock, w, h int) common.Component {
			m := open(t, e, drillOpts, w, h).(*drill)
			drive(m, "enter")
			answerRight(m, m.d.Current())
			answerRight(m, m.d.Current())
			clk.Advance(17*time.Second + 300*time.Millisecond)
			answerWrong(m, m.d.Current())
			return m
		}},
		{"drill-over", func(t *testing.T, e *env, clk *qz.ManualClock, w, h int) common.Component {
			m := open(t, e, drillOpts, w, h).(*drill)
			drive(m, "enter")
			answerRight(m, m.d.Current())
			answerWrong(m, m.d.Current())
			answerRight(m, m.d.Current())
			clk.Advance(qz.DefaultDrillLength)
			tuitest.Drive(m, tickMsg{to: m.d})
			return m
		}},
		{"exam-question", func(t *testing.T, e *env, clk *qz.ManualClock, w, h int) common.Component {
			m := open(t, e, examOpts, w, h)
			drive(m, "c", "right", "b", "f", "right", "right", "right", "right", "right", "right")
			clk.Advance(4*time.Minute + 10*time.Second)
			drive(m, "b")
			return m
		}},
		{"exam-overview", func(t *testing.T, e *env, _ *qz.ManualClock, w, h int) common.Component {
			m := open(t, e, examOpts, w, h)
			drive(m, "c", "right", "b", "f", "right", "right", "right", "o", "right", "down")
			return m
		}},
		{"exam-result", func(t *testing.T, e *env, clk *qz.ManualClock, w, h int) common.Component {
			m := open(t, e, examOpts, w, h).(*exam)
			for range 14 {
				answerRight(m, m.x.Current())
				drive(m, "right")
			}
			clk.Advance(21*time.Minute + 5*time.Second)
			drive(m, "s", "y")
			return m
		}},
		{"review", func(t *testing.T, e *env, clk *qz.ManualClock, w, h int) common.Component {
			missTwo(t, e)
			clk.Advance(24 * time.Hour)
			return open(t, e, qz.Options{Mode: qz.ModeReview, Topic: qz.AllTopics}, w, h)
		}},
		{"review-nothing-due", func(t *testing.T, e *env, clk *qz.ManualClock, w, h int) common.Component {
			missTwo(t, e)
			return open(t, e, qz.Options{Mode: qz.ModeReview, Topic: qz.AllTopics}, w, h)
		}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, s := range screens {
			t.Run(fmt.Sprintf("%s/%dx%d", s.name, size[0], size[1]), func(t *testing.T) {
				e, clk := testEnv(t)
				m := s.open(t, e, clk, size[0], size[1])
				golden.RequireEqual(t, []byte(view(t, m, size[0], size[1])))
			})
		}
	}
}

// missTwo answers two concept questions wrong in practice: due for
// review the next day.
func missTwo(t *testing.T, e *env) {
	t.Helper()
	p := open(t, e, qz.Options{Mode: qz.ModePractice, Topic: qz.Concepts, Count: 2, Seed: 11}, 80, 24).(*practice)
	for range 2 {
		q, _ := p.p.Current()
		answerWrong(p, q)
		drive(p, "n")
	}
}
