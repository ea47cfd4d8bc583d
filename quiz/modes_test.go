package quiz

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// day1 is when the tests' clocks start: mid-morning, so that "tomorrow"
// and "in 24 hours" differ.
var day1 = time.Date(2025, 3, 10, 9, 30, 0, 0, time.UTC)

func right(q Question) Response {
	if q.Kind == Typed {
		return Response{Text: q.Accept[0]}
	}
	return Response{Choices: slices.Clone(q.Correct)}
}

func wrong(q Question) Response {
	if q.Kind == Typed {
		return Response{Text: "no idea"}
	}
	for i := range q.Choices {
		if !slices.Contains(q.Correct, i) {
			return Response{Choices: []int{i}}
		}
	}
	panic("every choice of " + q.ID + " is right")
}

func bankQuestion(t *testing.T, id string) Question {
	t.Helper()
	q, ok := Lookup(id)
	if !ok {
		t.Fatalf("no question %s in the bank", id)
	}
	return q
}

func TestPractice(t *testing.T) {
	clock := NewManualClock(day1)
	qs := []Question{bankQuestion(t, "sftp-port"), bankQuestion(t, "no-deny-rules"), bankQuestion(t, "ssh-port-typed")}
	p := NewPractice(qs, clock)
	if p.Len() != 3 || p.Index() != 0 || p.Answered() || p.Mode() != ModePractice {
		t.Errorf("a new practice: len %d, index %d, answered %v", p.Len(), p.Index(), p.Answered())
	}
	if _, err := p.Answer(Response{}); !errors.Is(err, ErrNoAnswer) {
		t.Errorf("an empty answer: %v", err)
	}
	fb, err := p.Answer(wrong(qs[0]))
	if err != nil || fb.Correct || fb.Answer != "B) 22" || fb.Given != "A) 21" || fb.Explanation != qs[0].Explanation || fb.Lesson != "the-ports-to-know" {
		t.Errorf("feedback on a wrong answer: %+v, %v", fb, err)
	}
	if _, err := p.Answer(right(qs[0])); !errors.Is(err, ErrAnswered) {
		t.Errorf("answering twice: %v", err)
	}
	if !p.Answered() {
		t.Error("the feedback is not showing after an answer")
	}
	clock.Advance(time.Minute)
	if !p.Next() || p.Index() != 1 || p.Answered() {
		t.Fatalf("on to the second question: index %d, answered %v", p.Index(), p.Answered())
	}
	if fb, _ := p.Answer(right(qs[1])); !fb.Correct {
		t.Error("the right answer was marked wrong")
	}
	p.Next() // the third is skipped
	if p.Next() || !p.Done() {
		t.Error("practice goes on after its last question")
	}
	if _, err := p.Answer(right(qs[2])); !errors.Is(err, ErrFinished) {
		t.Errorf("answering after the end: %v", err)
	}
	score, topics := p.Score()
	if score != (Score{Correct: 1, Total: 2}) {
		t.Errorf("score %v, want 1/2 (a skipped question does not count)", score)
	}
	want := []TopicScore{{Ports, Score{0, 1}}, {Concepts, Score{1, 1}}}
	if !slices.Equal(topics, want) {
		t.Errorf("per topic %v, want %v", topics, want)
	}
	a := p.Attempts()
	if len(a) != 2 || a[0].At != day1 || a[1].At != day1.Add(time.Minute) || a[0].Mode != ModePractice || a[1].ID != "no-deny-rules" {
		t.Errorf("attempts %+v", a)
	}
}

func TestDrill(t *testing.T) {
	clock := NewManualClock(day1)
	d := NewDrill(Ports, 5, DefaultDrillLength, clock)
	answers := []bool{true, true, true, false, true, true}
	for _, ok := range answers {
		q := d.Current()
		r := wrong(q)
		if ok {
			r = right(q)
		}
		clock.Advance(5 * time.Second)
		if fb, err := d.Answer(r); err != nil || fb.Correct != ok || fb.Question.ID != q.ID {
			t.Fatalf("answer to %s: %+v, %v", q.ID, fb, err)
		}
	}
	if d.Streak() != 2 {
		t.Errorf("streak %d, want 2", d.Streak())
	}
	if got := d.Remaining(); got != 30*time.Second {
		t.Errorf("remaining %v, want 30s", got)
	}
	clock.Advance(30 * time.Second)
	if !d.Over() || d.Remaining() != 0 {
		t.Error("the drill is not over after 60s")
	}
	if _, err := d.Answer(right(d.Current())); !errors.Is(err, ErrTimeUp) {
		t.Errorf("answering after the time: %v", err)
	}
	res := d.Result()
	if res.Score != (Score{5, 6}) || res.BestStreak != 3 || res.Topic != Ports || res.Length != time.Minute || len(res.Attempts) != 6 {
		t.Errorf("result %+v", res)
	}
}

// TestDrillNeverRunsDry: a drill keeps dealing past the end of the bank,
// reshuffling it.
func TestDrillNeverRunsDry(t *testing.T) {
	d := NewDrill(Concepts, 1, time.Hour, NewManualClock(day1))
	seen := map[string]int{}
	for range 3 * Capacity(Concepts) {
		q := d.Current()
		if q.Topic != Concepts {
			t.Fatalf("a %s question in a concepts drill", q.Topic)
		}
		seen[q.ID]++
		if _, err := d.Answer(right(q)); err != nil {
			t.Fatal(err)
		}
	}
	for id, n := range seen {
		if n != 3 {
			t.Errorf("%s came %d times in three rounds of the bank", id, n)
		}
	}
}

func TestExam(t *testing.T) {
	clock := NewManualClock(day1)
	qs := []Question{
		bankQuestion(t, "ssh-port"), bankQuestion(t, "port-443-typed"), bankQuestion(t, "rdp-port"),
		bankQuestion(t, "replies-go-back"), bankQuestion(t, "rule-parts"),
	}
	e := NewExam(qs, ExamTime(len(qs)), clock)
	if e.Remaining() != 5*ExamTimePerQuestion {
		t.Errorf("countdown %v", e.Remaining())
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	if e.Len() != 5 || e.Index() != 0 || e.Current().ID != "ssh-port" || e.Prev() || e.Submitted() {
		t.Errorf("a new exam: len %d, index %d, current %s", e.Len(), e.Index(), e.Current().ID)
	}
	must(e.Answer(right(qs[0])))
	e.Next()
	must(e.Answer(wrong(qs[1])))
	e.Next() // question 3 left unanswered
	e.Next()
	if !e.ToggleFlag() || !e.Flagged(3) {
		t.Error("flagging question 4 failed")
	}
	e.Next()
	must(e.Answer(wrong(qs[4])))
	if e.Next() {
		t.Error("Next moved past the last question")
	}
	// Revisit: the flagged question, and change the answer to the last.
	must(e.Goto(3))
	must(e.Answer(right(qs[3])))
	e.ToggleFlag()
	must(e.Goto(4))
	must(e.Answer(right(qs[4])))
	if !e.Prev() || e.Index() != 3 || e.Question(1).ID != "port-443-typed" || e.Response(1).Text != "no idea" {
		t.Errorf("moving back: index %d, question 2 %s, its answer %+v", e.Index(), e.Question(1).ID, e.Response(1))
	}
	must(e.Answer(Response{})) // clearing an answer...
	if e.Answered(3) {
		t.Error("an empty answer did not clear question 4")
	}
	must(e.Answer(right(qs[3]))) // ...and giving it again
	if err := e.Goto(5); err == nil {
		t.Error("Goto past the end succeeded")
	}
	if got := e.Unanswered(); !slices.Equal(got, []int{2}) {
		t.Errorf("unanswered %v, want [2]", got)
	}
	clock.Advance(3 * time.Minute)
	res := e.Submit()
	if !e.Submitted() {
		t.Error("not submitted after Submit")
	}
	if res.Score != (Score{3, 5}) || res.TimedOut || res.Finished != day1.Add(3*time.Minute) {
		t.Errorf("result %+v", res)
	}
	want := []TopicScore{{Ports, Score{1, 3}}, {Concepts, Score{2, 2}}}
	if !slices.Equal(res.Topics, want) {
		t.Errorf("per topic %v, want %v", res.Topics, want)
	}
	if len(res.Missed) != 2 || res.Missed[0].Number != 2 || res.Missed[0].Given != "no idea" || res.Missed[0].Answer != "HTTPS" ||
		res.Missed[1].Number != 3 || res.Missed[1].Given != "(no answer)" || res.Missed[1].Explanation == "" {
		t.Errorf("missed %+v", res.Missed)
	}
	if len(res.Attempts) != 5 || res.Attempts[2].Correct || res.Attempts[2].Mode != ModeExam {
		t.Errorf("attempts %+v", res.Attempts)
	}
	if err := e.Answer(right(qs[2])); !errors.Is(err, ErrFinished) {
		t.Errorf("answering after submitting: %v", err)
	}
	clock.Advance(time.Hour)
	if again := e.Submit(); again.Score != res.Score || again.Finished != res.Finished {
		t.Error("submitting twice changed the result")
	}
}

func TestExamTimesOut(t *testing.T) {
	clock := NewManualClock(day1)
	qs := []Question{bankQuestion(t, "ssh-port"), bankQuestion(t, "http-port")}
	e := NewExam(qs, time.Minute, clock)
	if err := e.Answer(right(qs[0])); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if !e.Expired() {
		t.Fatal("the exam has not expired at its deadline")
	}
	e.Next()
	if err := e.Answer(right(qs[1])); !errors.Is(err, ErrTimeUp) {
		t.Errorf("answering after the time: %v", err)
	}
	res := e.Submit()
	if !res.TimedOut || res.Score != (Score{1, 2}) {
		t.Errorf("result %+v", res)
	}
}
