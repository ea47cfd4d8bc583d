package quiz_test

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sglab/sglab/internal/state"
	qz "github.com/sglab/sglab/quiz"
	"github.com/sglab/sglab/tui/app"
	"github.com/sglab/sglab/tui/internal/tuitest"
	"github.com/sglab/sglab/tui/quiz"
)

// TestExamStory is `sglab quiz --mode exam --seed 42` through a real
// Bubble Tea program: 20 questions answered from the keyboard, three of
// them wrong, submitted; the result gives the score per topic and
// explains the three misses; the store holds the exam, and the misses
// come back in review the next day.
func TestExamStory(t *testing.T) {
	ctx := tuitest.Context(t)
	clk := qz.NewManualClock(tuitest.Epoch)
	ctx.Now = clk.Now
	opts := qz.Options{Mode: qz.ModeExam, Topic: qz.AllTopics, Count: 20, Seed: 42}
	screen, err := quiz.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	ui := tuitest.Start(t, app.New(ctx, screen), 120, 40)

	// The class's questions: the same seed, the same exam. Miss three
	// whose explanations are short enough to show together.
	qs, err := qz.Pick(opts.Topic, opts.Count, opts.Seed)
	if err != nil {
		t.Fatal(err)
	}
	var missed []int
	for i, q := range qs {
		if len(missed) < 3 && q.Kind == qz.Single && q.Topic != qz.Scenarios && len(q.Explanation) < 200 {
			missed = append(missed, i)
		}
	}
	if len(missed) != 3 {
		t.Fatalf("seed 42 has too few short single-choice questions to miss: %v", missed)
	}
	ui.WaitFor("question 1 of 20", "30:00 left")
	for i, q := range qs {
		miss := slices.Contains(missed, i)
		switch {
		case q.Kind == qz.Typed:
			ui.Keys("enter")
			ui.Type(q.Accept[0])
			ui.Keys("enter") // ends typing and goes on
			continue
		case miss:
			ui.Keys(wrongLetter(q))
		default:
			for _, c := range q.Correct {
				ui.Keys(strings.ToLower(qz.ChoiceLabel(c)))
			}
		}
		ui.Keys("right")
	}
	ui.WaitFor("20 answered · 0 flagged")
	clk.Advance(17*time.Minute + 40*time.Second)
	ui.Keys("s")
	ui.WaitFor("Submit the exam?", "Every question has an answer.")
	ui.Keys("y")
	ui.WaitFor("Saved to your progress.")

	ui.Keys("q")
	final := ui.Final().(*app.Model)
	if err := final.Err(); err != nil {
		t.Fatal(err)
	}
	// The result scrolls; a terminal tall enough shows all of it.
	final.Update(tea.WindowSizeMsg{Width: 120, Height: 200})
	v := tuitest.Flat(final.View())
	for _, want := range []string{"Score: 17 of 20 right (85%)", "Time: 17:40 of 30:00", "By topic", "Missed (3)",
		"The 3 questions you missed come back for review tomorrow."} {
		if !strings.Contains(v, want) {
			t.Errorf("the result lacks %q:\n%s", want, final.View())
		}
	}
	st, err := state.Open(ctx.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := qz.Load(st)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Exams) != 1 || p.Exams[0].Score != (qz.Score{Correct: 17, Total: 20}) {
		t.Fatalf("the store holds no exam of 17/20: %+v", p.Exams)
	}
	for _, ts := range p.Exams[0].Topics {
		line := fmt.Sprintf("%s %s %d/%d %d%%", ts.Topic, strings.Repeat("█", bar(ts.Score))+strings.Repeat("░", 20-bar(ts.Score)), ts.Correct, ts.Total, ts.Percent())
		if !strings.Contains(v, line) {
			t.Errorf("the result lacks the line of %s: %q\n%s", ts.Topic, line, final.View())
		}
	}
	tomorrow := tuitest.Epoch.Add(24 * time.Hour)
	var want []string
	for _, i := range missed {
		q := qs[i]
		want = append(want, q.ID)
		for _, s := range []string{fmt.Sprintf("✗ %d. %s", i+1, q.Prompt), "Right answer: " + q.AnswerText(), q.Explanation} {
			if !strings.Contains(v, s) {
				t.Errorf("the miss of question %d is not explained: no %q\n%s", i+1, s, final.View())
			}
		}
	}
	if got := p.Due(tuitest.Epoch); len(got) != 0 {
		t.Errorf("misses are due tomorrow, not today: %v", got)
	}
	due := p.Due(tomorrow)
	slices.Sort(due)
	slices.Sort(want)
	if !slices.Equal(due, want) {
		t.Errorf("due for review tomorrow: %v, want the misses %v", due, want)
	}
	if r := qz.NewReview(p, qz.AllTopics, 0, qz.NewManualClock(tomorrow)); r.Len() != 3 {
		t.Errorf("tomorrow's review asks %d questions, want the 3 misses", r.Len())
	}
}

// bar is how many of the 20 cells of a topic's bar are full.
func bar(s qz.Score) int { return (s.Correct*20 + s.Total/2) / s.Total }

func wrongLetter(q qz.Question) string {
	for i := range q.Choices {
		if !slices.Contains(q.Correct, i) {
			return strings.ToLower(qz.ChoiceLabel(i))
		}
	}
	panic("no wrong choice")
}

// TestExamHelpListsEscOnce: during an exam esc asks before leaving, and
// the help says so once, not beside the app's "esc back".
func TestExamHelpListsEscOnce(t *testing.T) {
	ctx := tuitest.Context(t)
	screen, err := quiz.Open(ctx, qz.Options{Mode: qz.ModeExam, Topic: qz.Ports, Count: 4, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	m := app.New(ctx, screen)
	tuitest.Drive(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	if v := m.View(); strings.Contains(v, "esc back") {
		t.Errorf("the exam's help bar offers esc back:\n%s", v)
	}
	tuitest.Drive(m, tuitest.Key("?"))
	v := m.View()
	if n := strings.Count(v, "esc"); n != 1 || !strings.Contains(v, "esc leave (asks first)") {
		t.Errorf("the exam's full help lists esc %d times:\n%s", n, v)
	}
	tuitest.Drive(m, tuitest.Key("esc"))
	if v := tuitest.Flat(m.View()); !strings.Contains(v, "Leave the exam?") {
		t.Errorf("esc does not ask before leaving:\n%s", m.View())
	}
}

// TestPracticeStory is a practice round through a real Bubble Tea
// program: a Select TWO question answered with one tick too many is not
// taken, then answered wrong; every choice then says why; at the end m
// reviews the miss at once, and the store keeps it due tomorrow.
func TestPracticeStory(t *testing.T) {
	ctx := tuitest.Context(t)
	clk := qz.NewManualClock(tuitest.Epoch)
	ctx.Now = clk.Now
	var opts qz.Options
	var q qz.Question
	for seed := uint64(1); seed < 500 && q.ID == ""; seed++ {
		qs, err := qz.Pick(qz.Concepts, 1, seed)
		if err != nil {
			t.Fatal(err)
		}
		if qs[0].Kind == qz.Multi && len(qs[0].Correct) == 2 {
			opts, q = qz.Options{Mode: qz.ModePractice, Topic: qz.Concepts, Count: 1, Seed: seed}, qs[0]
		}
	}
	screen, err := quiz.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	ui := tuitest.Start(t, app.New(ctx, screen), 120, 40)
	ui.WaitFor("question 1 of 1", "Select TWO.")
	var wrongs []int
	for i := range q.Choices {
		if !slices.Contains(q.Correct, i) {
			wrongs = append(wrongs, i)
		}
	}
	letter := func(i int) string { return strings.ToLower(qz.ChoiceLabel(i)) }
	ui.Keys(letter(q.Correct[0]), letter(wrongs[0]), letter(wrongs[1]), "enter")
	ui.WaitFor("Select TWO. Tick two choices: 3 are ticked now.")
	ui.Keys(letter(wrongs[1]), "enter") // untick one: two ticked, one of them wrong
	ui.WaitFor("Not quite.", q.Why[wrongs[0]], "AWS docs: https://")
	ui.Keys("n")
	ui.WaitFor("Practice done: 0 of 1 right", "m review these misses now")
	ui.Keys("m")
	ui.WaitFor("Review · concepts · question 1 of 1")
	ui.Keys("q")
	final := ui.Final().(*app.Model)
	if err := final.Err(); err != nil {
		t.Fatal(err)
	}
	st, err := state.Open(ctx.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := qz.Load(st)
	if err != nil {
		t.Fatal(err)
	}
	if rec := p.Questions[q.ID]; rec == nil || rec.Answered != 1 || rec.Box != 1 || len(p.Due(tuitest.Epoch.Add(24*time.Hour))) != 1 {
		t.Fatalf("the miss is not stored due tomorrow: %+v", rec)
	}
}
