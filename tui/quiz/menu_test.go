package quiz

import (
	"testing"
	"time"

	qz "github.com/sglab/sglab/quiz"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/internal/tuitest"
)

// started presses enter on the menu and returns the screen it opens.
func started(t *testing.T, m *menu) common.Component {
	t.Helper()
	_, cmd := m.Update(tuitest.Key("enter"))
	if cmd == nil {
		t.Fatalf("enter opened nothing:\n%s", m.View())
	}
	push, ok := cmd().(common.PushMsg)
	if !ok {
		t.Fatalf("enter did not open a screen:\n%s", m.View())
	}
	return push.Screen
}

func TestMenuStartsTheChosenQuiz(t *testing.T) {
	e, _ := testEnv(t)
	m := newMenu(e)
	m.SetSize(80, 23)
	has(t, view(t, m, 80, 23), "> Mode [Practice] Drill Exam Review", "Topic [All]", "Questions 5 [10] 20 40")
	if p, ok := started(t, m).(*practice); !ok || p.p.Len() != qz.DefaultPracticeCount || p.topic != qz.AllTopics {
		t.Fatalf("enter should start 10 questions of practice on everything")
	}

	// An exam on ports: the bank has 27, so 40 and 65 give way to 27.
	drive(m, "right", "right", "down", "right", "down")
	has(t, view(t, m, 80, 23), "Mode Practice Drill [Exam]", "Topic All [Ports]", "> Questions 10 [20] 27", "Exam: 20 questions in 30:00")
	drive(m, "right")
	x, ok := started(t, m).(*exam)
	if !ok || x.x.Len() != 27 || x.opts.Topic != qz.Ports {
		t.Fatalf("enter should start an exam of 27 questions on ports")
	}

	// A drill has no count line; the cursor stays on the lines there are.
	drive(m, "up", "up", "left")
	has(t, view(t, m, 80, 23), "> Mode Practice [Drill]", "Drill: 1:00 on the clock")
	lacks(t, m.View(), "Questions")
	drive(m, "down", "down")
	if m.row != 0 {
		t.Fatalf("down, down from the mode of a drill should wrap to the mode, not line %d", m.row)
	}
	if _, ok := started(t, m).(*drill); !ok {
		t.Fatal("enter should open the drill")
	}
}

func TestMenuShowsWhatIsDue(t *testing.T) {
	e, clk := testEnv(t)
	m := newMenu(e)
	m.SetSize(120, 39)
	drive(m, "left") // review
	has(t, view(t, m, 120, 39), "[Review]", "Nothing is waiting yet.")

	seed, q := seedFor(t, qz.Ports, qz.Single)
	p := open(t, e, qz.Options{Mode: qz.ModePractice, Topic: qz.Ports, Count: 1, Seed: seed}, 120, 39)
	drive(p, letter(wrong(q)))
	has(t, view(t, m, 120, 39), "[Review]", "nothing is due. The next question comes back tomorrow.")

	clk.Advance(24 * time.Hour)
	has(t, view(t, m, 120, 39), "[Review (1 due)]", "the 1 question you got wrong that is due again")
	r, ok := started(t, m).(*practice)
	if !ok || r.p.Mode() != qz.ModeReview || r.p.Len() != 1 {
		t.Fatal("enter should start a review of the question due")
	}
}

// A write that finishes after its screen closed still reaches the env,
// through the menu below.
func TestMenuTakesLateWrites(t *testing.T) {
	e, _ := testEnv(t)
	m := newMenu(e)
	cmd := e.rec.record(func(p *qz.Progress) any {
		p.RecordExam(qz.ExamResult{Score: qz.Score{Correct: 3, Total: 4}, Finished: tuitest.Epoch})
		return nil
	})
	tuitest.Drive(m, cmd())
	m.SetSize(80, 23)
	has(t, view(t, m, 80, 23), "Last exam: 3/4 (75%) on 14 Mar 2025.")
}
