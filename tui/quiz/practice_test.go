package quiz

import (
	"errors"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/sglab/sglab/internal/state"
	"github.com/sglab/sglab/internal/store"
	qz "github.com/sglab/sglab/quiz"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/internal/tuitest"
)

// A wrong answer shows the marks, the right answer, the explanation and
// the lesson; it is stored and due for review tomorrow; n moves on.
func TestPracticeFeedbackIsShownAndStored(t *testing.T) {
	e, _ := testEnv(t)
	seed, q := seedFor(t, qz.Ports, qz.Single)
	m := open(t, e, qz.Options{Mode: qz.ModePractice, Topic: qz.Ports, Count: 3, Seed: seed}, 80, 23).(*practice)
	has(t, view(t, m, 80, 23), "question 1 of 3", q.Prompt, "> A)")
	lacks(t, m.View(), "Not quite", "✓ ")

	bad := wrong(q)
	drive(m, letter(bad))
	v := view(t, m, 80, 23)
	has(t, v, "Not quite", "The answer is "+q.AnswerText(), "0 of 1 right",
		"✗ "+qz.ChoiceLabel(bad)+")", "✓ "+qz.ChoiceLabel(q.Correct[0])+")",
		q.Why[bad], q.Why[q.Correct[0]]) // every choice says why, under it
	// The rest of the feedback is a page down: the explanation, the lesson
	// and the AWS page the answer rests on.
	drive(m, "pgdown")
	has(t, view(t, m, 80, 23), "Lesson 10, The ports to know", "AWS docs: https://docs.aws.amazon.com/")
	m.SetSize(120, 40)
	has(t, view(t, m, 120, 40), q.Explanation, "Taught in Lesson 10, The ports to know", "AWS docs: https://docs.aws.amazon.com/AWSEC2/")
	m.SetSize(80, 23)

	rec := stored(t, e).Questions[q.ID]
	if rec == nil || rec.Answered != 1 || rec.Correct != 0 || rec.Box != 1 || !rec.Due.Equal(time.Date(2025, 3, 15, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("the answer was not stored as a miss due tomorrow: %+v", rec)
	}

	drive(m, letter(q.Correct[0])) // answered already: a letter does nothing more
	if n := stored(t, e).Questions[q.ID].Answered; n != 1 {
		t.Fatalf("a second letter answered again: %d answers", n)
	}
	drive(m, "n")
	if m.p.Index() != 1 || m.p.Answered() {
		t.Fatalf("n did not move to the next question: index %d", m.p.Index())
	}
	has(t, view(t, m, 80, 23), "question 2 of 3")
}

// Enter answers with the choice under the cursor, which ↑/↓ move.
func TestPracticeCursorAndEnter(t *testing.T) {
	e, _ := testEnv(t)
	seed, q := seedFor(t, qz.Ports, qz.Single)
	m := open(t, e, qz.Options{Mode: qz.ModePractice, Topic: qz.Ports, Count: 3, Seed: seed}, 80, 23).(*practice)
	for range q.Correct[0] {
		drive(m, "down")
	}
	has(t, view(t, m, 80, 23), "> "+q.AnswerText())
	drive(m, "enter")
	has(t, view(t, m, 80, 23), "✓ Right.", "1 of 1 right")
}

func TestPracticeTypedAnswer(t *testing.T) {
	e, _ := testEnv(t)
	seed, q := seedFor(t, qz.Ports, qz.Typed)
	m := open(t, e, qz.Options{Mode: qz.ModePractice, Topic: qz.Ports, Count: 3, Seed: seed}, 80, 23).(*practice)
	if !m.Capturing() {
		t.Fatal("a typed question should take the keys at once")
	}
	drive(m, "enter")
	has(t, view(t, m, 80, 23), "Type an answer first")
	drive(m, "esc")
	if m.Capturing() {
		t.Fatal("esc should let go of the keys, so that ? and esc work again")
	}
	drive(m, "enter", "type:port "+q.Accept[0], "enter")
	v := view(t, m, 80, 23)
	has(t, v, "✓ You answered: port "+q.Accept[0], "✓ Right.")
	if m.Capturing() {
		t.Fatal("after answering, the keys are the screen's again")
	}
}

func TestPracticeTicksPickAllAnswers(t *testing.T) {
	e, _ := testEnv(t)
	seed, q := seedFor(t, qz.AllTopics, qz.Multi)
	m := open(t, e, qz.Options{Mode: qz.ModePractice, Topic: qz.AllTopics, Count: 3, Seed: seed}, 80, 23).(*practice)
	has(t, view(t, m, 80, 23), q.SelectText())
	drive(m, "enter")
	has(t, view(t, m, 80, 23), "Tick "+map[int]string{2: "two", 3: "three"}[q.Select()]+" choices")
	if m.p.Answered() {
		t.Fatal("enter with nothing ticked answered")
	}
	for _, i := range q.Correct {
		drive(m, letter(i))
	}
	drive(m, letter(wrong(q)), "enter") // one too many: the exam asks for an exact number
	has(t, view(t, m, 80, 23), q.SelectText()+" Tick ")
	if m.p.Answered() {
		t.Fatal("enter with one choice too many answered")
	}
	drive(m, "space") // the cursor is on the last ticked: space unticks it
	has(t, view(t, m, 80, 23), "[x] "+qz.ChoiceLabel(q.Correct[0])+")", "[ ] "+qz.ChoiceLabel(wrong(q))+")")
	drive(m, "enter")
	has(t, view(t, m, 80, 23), "✓ Right.")
}

// At the end: the score, per topic when mixed, and the misses explained.
func TestPracticeSummary(t *testing.T) {
	e, _ := testEnv(t)
	m := open(t, e, qz.Options{Mode: qz.ModePractice, Topic: qz.Concepts, Count: 3, Seed: 5}, 80, 23).(*practice)
	var missed qz.Question
	for k := range 3 {
		q, _ := m.p.Current()
		switch {
		case k == 1 && q.Kind != qz.Typed && q.Kind != qz.Multi:
			missed = q
			drive(m, letter(wrong(q)))
		default:
			answerRight(m, q)
		}
		drive(m, "n")
	}
	if missed.ID == "" {
		t.Fatal("pick a seed whose second question has choices")
	}
	v := view(t, m, 80, 23)
	has(t, v, "Practice done: 2 of 3 right (67%)", "The 1 question you missed comes back for review tomorrow; press m to review it now.",
		"✗ 2.", "Your answer: "+qz.ChoiceLabel(wrong(missed))+")")
	has(t, helpText(m), "m review these misses now")

	// m asks the miss again, at once, as a review; enter at its end comes
	// back here.
	_, cmd := m.Update(tuitest.Key("m"))
	push, ok := cmd().(common.PushMsg)
	if !ok {
		t.Fatal("m does not open a review of the misses")
	}
	retry := push.Screen.(*practice)
	retry.SetSize(80, 23)
	has(t, view(t, retry, 80, 23), "Review · concepts · question 1 of 1", missed.Prompt)
	rq, _ := retry.p.Current()
	answerRight(retry, rq)
	if rec := stored(t, e).Questions[missed.ID]; rec.Answered != 2 || rec.Box != 1 {
		t.Fatalf("a right answer before it is due is recorded and moves no box, so the miss still comes back tomorrow: %+v", rec)
	}
	drive(m, "pgdown")
	_, cmd = m.Update(tuitest.Key("enter"))
	if cmd == nil || cmd() != (common.BackMsg{}) {
		t.Fatal("enter at the end does not go back")
	}
}

// answerWrong answers q wrongly, from the keyboard.
func answerWrong(m tea.Model, q qz.Question) {
	switch q.Kind {
	case qz.Typed:
		drive(m, "type:no idea", "enter")
	case qz.Multi:
		// As many ticks as the question asks for, one of them wrong, so
		// that the answer is taken and marked wrong.
		drive(m, letter(wrong(q)))
		for _, i := range q.Correct[:q.Select()-1] {
			drive(m, letter(i))
		}
		drive(m, "enter")
	default:
		drive(m, letter(wrong(q)))
	}
}

// answerRight answers q rightly, from the keyboard.
func answerRight(m tea.Model, q qz.Question) {
	switch q.Kind {
	case qz.Typed:
		drive(m, "type:"+q.Accept[0], "enter")
	case qz.Multi:
		for _, i := range q.Correct {
			drive(m, letter(i))
		}
		drive(m, "enter")
	default:
		drive(m, letter(q.Correct[0]))
	}
}

func TestReviewBringsMissesBackTheNextDay(t *testing.T) {
	e, clk := testEnv(t)
	m := open(t, e, qz.Options{Mode: qz.ModeReview, Topic: qz.AllTopics}, 80, 23)
	has(t, view(t, m, 80, 23), "Nothing is due for review on all topics.", "come back here the next day")

	seed, q := seedFor(t, qz.Ports, qz.Single)
	p := open(t, e, qz.Options{Mode: qz.ModePractice, Topic: qz.Ports, Count: 1, Seed: seed}, 80, 23)
	drive(p, letter(wrong(q)))

	m = open(t, e, qz.Options{Mode: qz.ModeReview, Topic: qz.AllTopics}, 80, 23)
	has(t, view(t, m, 80, 23), "Nothing is due for review on all topics.", "The next question comes back tomorrow.")

	clk.Advance(24 * time.Hour)
	m = open(t, e, qz.Options{Mode: qz.ModeReview, Topic: qz.AllTopics}, 80, 23)
	has(t, view(t, m, 80, 23), "Review · all topics · question 1 of 1", q.Prompt)
	rq, _ := m.(*practice).p.Current() // its choices in a new order
	drive(m, letter(rq.Correct[0]), "n")
	has(t, view(t, m, 80, 23), "Review done: 1 of 1 right", "in 2, 4, 8, then 16 days")
	rec := stored(t, e).Questions[q.ID]
	if rec.Box != 2 || !rec.Due.Equal(time.Date(2025, 3, 17, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("a right answer when due should move the question to box 2, due in 2 days: %+v", rec)
	}
	m = open(t, e, qz.Options{Mode: qz.ModeReview, Topic: qz.AllTopics}, 80, 23)
	has(t, view(t, m, 80, 23), "The next question comes back on Mon 17 Mar (in 2 days).")
	m = open(t, e, qz.Options{Mode: qz.ModeReview, Topic: qz.Concepts}, 80, 23)
	has(t, view(t, m, 80, 23), "Nothing is due for review on concepts.")
}

// A write that fails says so in the status line; the quiz goes on.
func TestSaveErrorsShowInTheStatusLine(t *testing.T) {
	e, _ := testEnv(t)
	e.rec.persist = store.NewPersister(broken{e.rec.persist.Store()}, 0)
	seed, q := seedFor(t, qz.Ports, qz.Single)
	m := open(t, e, qz.Options{Mode: qz.ModePractice, Topic: qz.Ports, Count: 2, Seed: seed}, 80, 23).(*practice)
	drive(m, letter(q.Correct[0]))
	has(t, view(t, m, 80, 23), "✗ could not save to your progress", "✓ Right.")
	drive(m, "n")
	has(t, view(t, m, 80, 23), "question 2 of 2")
}

func TestCloseReportsAWriteNoScreenShowed(t *testing.T) {
	e, _ := testEnv(t)
	e.rec.persist = store.NewPersister(broken{e.rec.persist.Store()}, 0)
	cmd := e.rec.record(func(p *qz.Progress) any { return nil })
	msg := cmd().(savedMsg) // written, but the message never reaches a screen
	if msg.err == nil {
		t.Fatal("writing under /dev/null should fail")
	}
	if err := e.rec.wait(); err == nil {
		t.Fatal("Close should report the write no screen showed")
	}
	e.saved(msg)
	if err := e.rec.wait(); err != nil {
		t.Fatalf("a shown error is reported again: %v", err)
	}
}

// Closing a screen (quitting, or esc) waits for the answer being written.
func TestCloseWaitsForTheWriteInFlight(t *testing.T) {
	e, _ := testEnv(t)
	seed, q := seedFor(t, qz.Ports, qz.Single)
	m := open(t, e, qz.Options{Mode: qz.ModePractice, Topic: qz.Ports, Count: 2, Seed: seed}, 80, 23)
	_, cmd := m.Update(tuitest.Key(letter(q.Correct[0])))
	if cmd == nil {
		t.Fatal("an answer should be written in a command")
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }() // as Bubble Tea runs it, beside the UI
	if err := m.(common.Closer).Close(); err != nil {
		t.Fatal(err)
	}
	if rec := stored(t, e).Questions[q.ID]; rec == nil || rec.Correct != 1 {
		t.Fatalf("Close returned before the answer was written: %+v", rec)
	}
	<-done
}

// broken is a store every write to fails, as one under a file would.
type broken struct{ store.Store }

func (broken) Update(string, state.Versioned, func() error) error {
	return errors.New("mkdir /dev/null/state: not a directory")
}

func (b broken) WithWarn(func(string)) store.Store { return b }
