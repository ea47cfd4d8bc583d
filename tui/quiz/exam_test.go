package quiz

import (
	"fmt"
	"slices"
	"testing"
	"time"

	qz "github.com/sglab/sglab/quiz"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/internal/tuitest"
)

// newTestExam opens an exam on ports whose first questions are all
// single-choice, for the tests that choose with letters.
func newTestExam(t *testing.T, count int) (*exam, *env, *qz.ManualClock) {
	t.Helper()
	e, clk := testEnv(t)
	for seed := uint64(1); seed < 1000; seed++ {
		qs, _ := qz.Pick(qz.Ports, count, seed)
		if !slices.ContainsFunc(qs[:min(count, 3)], func(q qz.Question) bool { return q.Kind != qz.Single }) {
			return open(t, e, qz.Options{Mode: qz.ModeExam, Topic: qz.Ports, Count: count, Seed: seed}, 80, 23).(*exam), e, clk
		}
	}
	t.Fatal("no seed starts with single-choice questions")
	return nil, nil, nil
}

// Answers can be chosen and changed, questions flagged, and the exam
// walked both ways; nothing says right or wrong.
func TestExamAnswersFlagsAndMoves(t *testing.T) {
	m, _, _ := newTestExam(t, 5)
	has(t, view(t, m, 80, 23), "Exam · question 1 of 5", "0 answered · 0 flagged · 7:30 left", "( ) A)")
	drive(m, "b")
	if r := m.x.Response(0); !slices.Equal(r.Choices, []int{1}) {
		t.Fatalf("b did not choose B: %+v", r)
	}
	drive(m, "c", "f")
	v := view(t, m, 80, 23)
	has(t, v, "(•) C)", "( ) B)", "1 answered · 1 flagged", "question 1 of 5 ⚑")
	lacks(t, v, "Right", "Not quite", "✓", "✗")
	drive(m, "right", "right", "left")
	if m.x.Index() != 1 {
		t.Fatalf("→ → ← should be on question 2, not %d", m.x.Index()+1)
	}
	drive(m, "p")
	has(t, view(t, m, 80, 23), "(•) C)") // the answer is still there
	drive(m, "p")
	has(t, view(t, m, 80, 23), "This is the first question.")

	// enter chooses the cursor's choice and goes on.
	drive(m, "n", "down", "enter")
	if r := m.x.Response(1); !slices.Equal(r.Choices, []int{1}) || m.x.Index() != 2 {
		t.Fatalf("enter should choose B of question 2 and go on: %+v, at %d", r, m.x.Index()+1)
	}
}

func TestExamOverview(t *testing.T) {
	m, _, _ := newTestExam(t, 12)
	drive(m, "a", "f", "n", "n", "b", "o")
	v := view(t, m, 80, 23)
	has(t, v, "Exam · overview", "1 ●⚑", "2 ○", "> 3 ●", "● answered ○ no answer yet ⚑ flagged", "3. "+m.x.Question(2).Prompt)
	drive(m, "down") // a row of 8 at 80 columns
	has(t, view(t, m, 80, 23), "> 11 ○")
	drive(m, "left", "enter")
	if m.overview || m.x.Index() != 9 {
		t.Fatalf("enter should open question 10, not %d", m.x.Index()+1)
	}
	drive(m, "o", "esc")
	if m.overview {
		t.Fatal("esc should close the overview")
	}
}

// Submitting asks first, naming the unanswered and the flagged; then the
// score per topic, every miss explained, and the exam stored.
func TestExamSubmitAsksThenScoresAndStores(t *testing.T) {
	m, e, clk := newTestExam(t, 4)
	answerRight(m, m.x.Current())
	drive(m, "n", "f", "n")
	clk.Advance(90 * time.Second)
	drive(m, "s")
	v := view(t, m, 80, 23)
	has(t, v, "Submit the exam?", "3 questions have no answer: 2, 3, 4. They count as wrong.", "Flagged for a second look: 2.")
	if !m.Capturing() {
		t.Fatal("the question should take y and n")
	}
	drive(m, "n")
	if m.result != nil || m.prompt != nil {
		t.Fatal("n should go back to the exam")
	}
	drive(m, "s", "y")
	if m.result == nil {
		t.Fatal("y did not submit")
	}
	v = view(t, m, 80, 23)
	has(t, v, "Exam · result", "Score: 1 of 4 right (25%)", "Time: 1:30 of 6:00", "ports", "1/4", "Missed (3)",
		"✗ 2.", "Your answer: (no answer)", "Right answer:", "The 3 questions you missed come back for review tomorrow.",
		"m reviews them now")
	has(t, helpText(m), "m review these misses now")
	p := stored(t, e)
	if len(p.Exams) != 1 || p.Exams[0].Score != (qz.Score{Correct: 1, Total: 4}) {
		t.Fatalf("the exam was not stored: %+v", p.Exams)
	}
	if due := p.Due(tuitest.Epoch.Add(24 * time.Hour)); len(due) != 3 {
		t.Fatalf("%d questions due tomorrow, want the 3 missed", len(due))
	}
	drive(m, "end")
	has(t, view(t, m, 80, 23), "Taught in", "AWS docs: https://docs.aws.amazon.com/",
		"sglab quiz --mode exam --seed "+fmt.Sprint(m.opts.Seed)+" --topic ports --count 4")

	// m reviews the three misses at once.
	_, cmd := m.Update(tuitest.Key("m"))
	push, ok := cmd().(common.PushMsg)
	if !ok {
		t.Fatal("m does not open a review of the misses")
	}
	retry := push.Screen.(*practice)
	retry.SetSize(80, 23)
	has(t, view(t, retry, 80, 23), "Review · ports · question 1 of 3")
}

// The exam ticks until it is submitted; when the time runs out, it
// submits itself.
func TestExamTimesOut(t *testing.T) {
	m, e, clk := newTestExam(t, 2)
	if m.Init() == nil {
		t.Fatal("a running exam should tick")
	}
	if n := tuitest.Run(m, tickMsg{to: m.x}); n != 1 {
		t.Fatalf("a tick asked for %d timers, want the next one", n)
	}
	drive(m, "a", "f")
	clk.Advance(qz.ExamTime(2))
	if n := tuitest.Run(m, tickMsg{to: m.x}); n != 0 {
		t.Fatalf("the tick at the end asked for %d timers", n)
	}
	if m.result == nil || !m.result.TimedOut {
		t.Fatal("the exam did not submit itself when the time ran out")
	}
	has(t, view(t, m, 80, 23), "Time is up")
	if p := stored(t, e); len(p.Exams) != 1 || !p.Exams[0].TimedOut {
		t.Fatalf("the timed-out exam was not stored: %+v", p.Exams)
	}
	if n := tuitest.Run(m, tickMsg{to: m.x}); n != 0 {
		t.Fatal("a submitted exam still ticks")
	}
}

// A key after the time ran out, before the tick came, counts for
// nothing: the exam submits with what it had.
func TestExamKeyAfterTheTime(t *testing.T) {
	m, _, clk := newTestExam(t, 2)
	clk.Advance(qz.ExamTime(2) + time.Second)
	drive(m, "a")
	if m.result == nil || m.x.Answered(0) {
		t.Fatal("an answer after the time counted")
	}
}

func TestExamTypedAnswer(t *testing.T) {
	e, _ := testEnv(t)
	seed, q := seedFor(t, qz.Ports, qz.Typed)
	m := open(t, e, qz.Options{Mode: qz.ModeExam, Topic: qz.Ports, Count: 3, Seed: seed}, 80, 23).(*exam)
	if m.Capturing() {
		t.Fatal("the exam should not grab the keys on a typed question: n and p move")
	}
	has(t, view(t, m, 80, 23), "(enter to type)")
	drive(m, "enter", "type:"+q.Accept[0])
	if !m.Capturing() || m.x.Response(0).Text != q.Accept[0] {
		t.Fatalf("typing should be kept as it goes: %+v", m.x.Response(0))
	}
	drive(m, "enter")
	if m.Capturing() || m.x.Index() != 1 {
		t.Fatal("enter should end typing and go on")
	}
	drive(m, "p")
	has(t, view(t, m, 80, 23), "Answer: "+q.Accept[0])
}

func TestExamAsksBeforeLeaving(t *testing.T) {
	m, _, _ := newTestExam(t, 3)
	if m.Unsaved() == "" {
		t.Fatal("quitting an exam in progress should ask first")
	}
	drive(m, "esc")
	has(t, view(t, m, 80, 23), "Leave the exam?", "nothing is scored or saved")
	_, cmd := m.Update(tuitest.Key("y"))
	if cmd == nil || cmd() != (common.BackMsg{}) {
		t.Fatal("y did not leave")
	}
	drive(m, "s", "y")
	if m.Unsaved() != "" {
		t.Fatal("a submitted exam has nothing to lose")
	}
}
