package quiz

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sglab/sglab/internal/state"
)

func attempt(id string, topic Topic, ok bool, at time.Time) Attempt {
	return Attempt{ID: id, Topic: topic, Mode: ModePractice, Correct: ok, At: at}
}

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

// TestLeitnerSchedule walks one question through the boxes with a fake
// clock: missed today, due tomorrow; each right answer when due doubles
// the wait; right in the last box, it leaves review.
func TestLeitnerSchedule(t *testing.T) {
	p := NewProgress()
	p.Record(attempt("q", Ports, false, day1))
	rec := p.Questions["q"]
	tomorrow := time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC)
	if rec.Box != 1 || !rec.Due.Equal(tomorrow) {
		t.Fatalf("after a miss: box %d due %v, want box 1 due %v", rec.Box, rec.Due, tomorrow)
	}
	if due := p.Due(day1.Add(14 * time.Hour)); len(due) != 0 {
		t.Errorf("due later today: %v", due)
	}
	if due := p.Due(tomorrow); !slices.Equal(due, []string{"q"}) {
		t.Errorf("due tomorrow: %v", due)
	}
	// A right answer before it is due moves nothing.
	p.Record(attempt("q", Ports, true, day1.Add(time.Hour)))
	if rec.Box != 1 || !rec.Due.Equal(tomorrow) {
		t.Errorf("a right answer before due moved it: box %d due %v", rec.Box, rec.Due)
	}
	now := tomorrow.Add(8 * time.Hour)
	for box := 2; box <= len(boxDays); box++ {
		p.Record(attempt("q", Ports, true, now))
		wantDue := time.Date(now.Year(), now.Month(), now.Day()+boxDays[box-1], 0, 0, 0, 0, time.UTC)
		if rec.Box != box || !rec.Due.Equal(wantDue) {
			t.Fatalf("right when due: box %d due %v, want box %d due %v", rec.Box, rec.Due, box, wantDue)
		}
		if len(p.Due(wantDue.Add(-time.Second))) != 0 || len(p.Due(wantDue)) != 1 {
			t.Errorf("box %d is not due exactly from %v", box, wantDue)
		}
		now = wantDue.Add(10 * time.Hour)
	}
	p.Record(attempt("q", Ports, true, now))
	if rec.Box != 0 || !rec.Due.IsZero() || len(p.Due(now.Add(days(365)))) != 0 {
		t.Errorf("right in the last box: box %d due %v, want out of review", rec.Box, rec.Due)
	}
	// A miss anywhere sends it back to box 1.
	p.Record(attempt("q", Ports, false, now))
	if rec.Box != 1 {
		t.Errorf("a miss after graduating: box %d", rec.Box)
	}
	if rec.Answered != 8 || rec.Correct != 6 || len(rec.History) != 8 || !rec.History[0].At.Equal(day1) {
		t.Errorf("history: %d answered, %d right, %d kept", rec.Answered, rec.Correct, len(rec.History))
	}
}

// TestDueIsLocalMidnight: "tomorrow" is the learner's tomorrow.
func TestDueIsLocalMidnight(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	p := NewProgress()
	late := time.Date(2025, 3, 10, 23, 50, 0, 0, tokyo) // 14:50 UTC
	p.Record(attempt("q", Ports, false, late))
	if want := time.Date(2025, 3, 11, 0, 0, 0, 0, tokyo); !p.Questions["q"].Due.Equal(want) {
		t.Errorf("due %v, want %v", p.Questions["q"].Due, want)
	}
}

func TestHistoryIsBounded(t *testing.T) {
	p := NewProgress()
	for k := range maxHistory + 5 {
		p.Record(attempt("q", Ports, k%2 == 0, day1.Add(time.Duration(k)*time.Minute)))
	}
	rec := p.Questions["q"]
	if len(rec.History) != maxHistory || rec.Answered != maxHistory+5 || !rec.History[0].At.Equal(day1.Add(5*time.Minute)) {
		t.Errorf("history of %d (oldest %v) for %d answers", len(rec.History), rec.History[0].At, rec.Answered)
	}
}

// TestReviewAcrossSessions is the promise: what a learner misses
// today, review brings back tomorrow, through the store.
func TestReviewAcrossSessions(t *testing.T) {
	st, err := state.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	clock := NewManualClock(day1)
	qs, err := Pick(AllTopics, 6, 99)
	if err != nil {
		t.Fatal(err)
	}
	exam := NewExam(qs, ExamTime(len(qs)), clock)
	for k, q := range qs {
		exam.Goto(k)
		if k%2 == 0 {
			exam.Answer(wrong(q))
		} else {
			exam.Answer(right(q))
		}
	}
	res := exam.Submit()
	if err := Update(st, func(p *Progress) error { p.RecordExam(res); return nil }); err != nil {
		t.Fatal(err)
	}
	var missed []string
	for _, m := range res.Missed {
		missed = append(missed, m.Question.ID)
	}

	// Later the same day: nothing is due yet.
	clock.Advance(3 * time.Hour)
	p, err := Load(st)
	if err != nil {
		t.Fatal(err)
	}
	if r := NewReview(p, AllTopics, 0, clock); r.Len() != 0 {
		t.Errorf("%d questions due the same day", r.Len())
	}
	// Tomorrow, in a new session: exactly the missed ones, scenario
	// questions rebuilt from their ids.
	clock.Advance(days(1))
	p, _ = Load(st)
	r := NewReview(p, AllTopics, 0, clock)
	var got []string
	for q, ok := r.Current(); ok; q, ok = r.Current() {
		got = append(got, q.ID)
		if _, err := r.Answer(right(q)); err != nil {
			t.Fatal(err)
		}
		r.Next()
	}
	slices.Sort(got)
	slices.Sort(missed)
	if !slices.Equal(got, missed) {
		t.Errorf("review brought back %v, want the misses %v", got, missed)
	}
	if r.Mode() != ModeReview {
		t.Errorf("mode %s", r.Mode())
	}
	err = Update(st, func(p *Progress) error {
		for _, a := range r.Attempts() {
			p.Record(a)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	p, _ = Load(st)
	if r := NewReview(p, AllTopics, 0, clock); r.Len() != 0 {
		t.Errorf("%d questions still due after reviewing them", r.Len())
	}
	if next, ok := p.NextDue(clock.Now()); !ok || !next.Equal(time.Date(2025, 3, 13, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("next due %v, want in two days (box 2)", next)
	}
	later := NewManualClock(day1.Add(days(30)))
	if r := NewReview(p, AllTopics, 1, later); r.Len() != 1 {
		t.Errorf("a review limited to 1 has %d questions", r.Len())
	}
	total := 0
	for _, topic := range Topics {
		r := NewReview(p, topic, 0, later)
		for q, ok := r.Current(); ok; q, ok = r.Current() {
			if q.Topic != topic {
				t.Errorf("a %s question in a review of %s", q.Topic, topic)
			}
			total++
			r.Next()
		}
	}
	if total != len(missed) {
		t.Errorf("the reviews by topic hold %d questions, want %d", total, len(missed))
	}
}

func TestStoreRoundTrip(t *testing.T) {
	dir := t.TempDir()
	st, _ := state.Open(dir)
	err := Update(st, func(p *Progress) error {
		p.Record(attempt("ssh-port", Ports, false, day1))
		p.Record(attempt("no-deny-rules", Concepts, true, day1))
		p.RecordDrill(DrillResult{Topic: Ports, Length: time.Minute, Score: Score{7, 9}}, day1)
		p.RecordExam(ExamResult{Finished: day1, Score: Score{15, 20}, Topics: []TopicScore{{Ports, Score{15, 20}}}})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A second update sees the first: the store is read under its lock.
	if err := Update(st, func(p *Progress) error { p.Record(attempt("ssh-port", Ports, true, day1)); return nil }); err != nil {
		t.Fatal(err)
	}
	p, err := Load(st)
	if err != nil {
		t.Fatal(err)
	}
	want := NewProgress()
	want.Record(attempt("ssh-port", Ports, false, day1))
	want.Record(attempt("no-deny-rules", Concepts, true, day1))
	want.RecordDrill(DrillResult{Topic: Ports, Length: time.Minute, Score: Score{7, 9}}, day1)
	want.RecordExam(ExamResult{Finished: day1, Score: Score{15, 20}, Topics: []TopicScore{{Ports, Score{15, 20}}}})
	want.Record(attempt("ssh-port", Ports, true, day1))
	if !reflect.DeepEqual(p, want) {
		t.Errorf("read back:\n%+v\nwant:\n%+v", p, want)
	}
	data, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	var env struct{ Schema int }
	if err := json.Unmarshal(data, &env); err != nil || env.Schema != schemaVersion {
		t.Errorf("the file's schema is %d (%v), want %d", env.Schema, err, schemaVersion)
	}
	if _, err := os.Stat(filepath.Join(dir, "progress.json")); !os.IsNotExist(err) {
		t.Error("the quiz wrote the lessons' progress.json")
	}
}

func TestStoreSchemas(t *testing.T) {
	dir := t.TempDir()
	st, _ := state.Open(dir)
	path := filepath.Join(dir, FileName)
	os.WriteFile(path, []byte(`{"schema": 2, "data": {}}`), 0o644)
	if _, err := Load(st); err == nil || !strings.Contains(err.Error(), "newer sglab") {
		t.Errorf("a newer schema: %v", err)
	}
	// A schema no sglab wrote is set aside, and the learner starts clean.
	os.WriteFile(path, []byte(`{"schema": 0, "data": {"questions": {"q": {"topic": "ports", "answered": 1}}}}`), 0o644)
	p, err := Load(st)
	if err != nil || len(p.Questions) != 0 {
		t.Errorf("schema 0: %v, %d questions", err, len(p.Questions))
	}
	if aside, _ := filepath.Glob(path + ".corrupt-*"); len(aside) != 1 {
		t.Errorf("the unreadable file was not set aside: %v", aside)
	}
	// Missing maps read as empty ones.
	os.WriteFile(path, []byte(`{"schema": 1, "data": {}}`), 0o644)
	p, err = Load(st)
	if err != nil || p.Questions == nil || p.Drills == nil {
		t.Errorf("an empty document: %v, %+v", err, p)
	}
	p.Record(attempt("q", Ports, true, day1)) // must not panic on a nil map
}

func TestDrillBestIsKept(t *testing.T) {
	p := NewProgress()
	run := func(correct int, length time.Duration) bool {
		return p.RecordDrill(DrillResult{Topic: Ports, Length: length, Score: Score{correct, correct + 1}}, day1)
	}
	if !run(5, time.Minute) || run(3, time.Minute) || run(5, time.Minute) || !run(7, time.Minute) {
		t.Error("RecordDrill reported the wrong new bests")
	}
	if !run(2, 2*time.Minute) {
		t.Error("a drill of another length competed with the 60s ones")
	}
	if best, ok := p.BestDrill(Ports, time.Minute); !ok || best.Correct != 7 || best.Answered != 8 || best.Seconds != 60 {
		t.Errorf("best %+v", best)
	}
	if _, ok := p.BestDrill(Concepts, time.Minute); ok {
		t.Error("a best drill on a topic never drilled")
	}
}

func TestExamsAreBounded(t *testing.T) {
	p := NewProgress()
	for k := range maxExams + 3 {
		p.RecordExam(ExamResult{Finished: day1.Add(time.Duration(k) * time.Hour), Score: Score{k, 30}})
	}
	if len(p.Exams) != maxExams || p.Exams[0].Score.Correct != 3 || p.Exams[maxExams-1].Score.Correct != maxExams+2 {
		t.Errorf("kept %d exams, from %v to %v", len(p.Exams), p.Exams[0].Score, p.Exams[len(p.Exams)-1].Score)
	}
}

func TestSummary(t *testing.T) {
	st, _ := state.Open(t.TempDir())
	empty, err := Summary(st, day1)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	empty.Write(&b)
	if !strings.Contains(b.String(), "ports      no answers yet") || !strings.Contains(b.String(), "no missed question waiting") {
		t.Errorf("an empty summary:\n%s", b.String())
	}

	scn, _ := Generate(AskOutcome, DefaultLevel, 3)
	Update(st, func(p *Progress) error {
		p.Record(attempt("ssh-port", Ports, false, day1))
		p.Record(attempt("http-port", Ports, true, day1))
		p.Record(attempt("rdp-port", Ports, true, day1))
		p.Record(attempt(scn.ID, Scenarios, false, day1.Add(time.Hour)))
		p.Record(attempt("gone-from-the-bank", Concepts, false, day1))
		p.RecordDrill(DrillResult{Topic: Ports, Length: time.Minute, Score: Score{9, 10}}, day1)
		p.RecordExam(ExamResult{Finished: day1, Score: Score{15, 20}})
		return nil
	})
	s, err := Summary(st, day1.Add(days(1)))
	if err != nil {
		t.Fatal(err)
	}
	wantTopics := []TopicScore{{Ports, Score{2, 3}}, {Concepts, Score{0, 1}}, {Scenarios, Score{0, 1}}}
	if !slices.Equal(s.Topics, wantTopics) {
		t.Errorf("accuracy %v, want %v", s.Topics, wantTopics)
	}
	// A question gone from the bank stays in the history but is no longer
	// due: review could not ask it, so no screen counts it.
	if s.InReview != 2 || len(s.Due) != 2 || s.Due[1].ID != "ssh-port" || s.Due[1].Prompt == "" || s.Due[0].Prompt != scn.Prompt {
		t.Errorf("due %+v (%d in review)", s.Due, s.InReview)
	}
	if s.LastExam == nil || s.LastExam.Score != (Score{15, 20}) || len(s.Drills) != 1 {
		t.Errorf("exam %+v, drills %+v", s.LastExam, s.Drills)
	}
	b.Reset()
	s.Write(&b)
	for _, want := range []string{
		"ports      2 of 3 right (67%)",
		"Review: 2 questions due now (2 in review)",
		"  - [ports] " + bankQuestion(t, "ssh-port").Prompt,
		"  - [scenarios] " + scn.Prompt,
		"Best drill: ports, 9 right in 60s",
		"Last exam: 15/20 (75%)",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the summary lacks %q:\n%s", want, b.String())
		}
	}
	// Today nothing is due yet; the summary says when.
	s, _ = Summary(st, day1.Add(2*time.Hour))
	b.Reset()
	s.Write(&b)
	if strings.Contains(b.String(), "gone-from-the-bank") || !strings.Contains(b.String(), "Review: nothing due; the next of 2 questions comes due on Tue 11 Mar 2025") {
		t.Errorf("summary before anything is due:\n%s", b.String())
	}
}

// TestReviewableSkipsWhatReviewCannotAsk: a question taken out of the
// bank, or generated by an older sglab, stays in the history, but review
// cannot ask it, so it is not counted as due.
func TestReviewableSkipsWhatReviewCannotAsk(t *testing.T) {
	p := NewProgress()
	for _, id := range []string{"ssh-port", "gone-from-the-bank", "scn1-outcome-7"} {
		p.Record(attempt(id, Ports, false, day1))
	}
	tomorrow := day1.Add(days(1))
	if got := p.Due(tomorrow); len(got) != 3 {
		t.Errorf("Due keeps the schedule of every question: %v", got)
	}
	if got := p.Reviewable(tomorrow); !slices.Equal(got, []string{"ssh-port"}) {
		t.Errorf("reviewable: %v, want only ssh-port", got)
	}
	if next, ok := p.NextReviewable(day1); !ok || !next.Equal(time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("next reviewable %v %v", next, ok)
	}
	if r := NewReview(p, AllTopics, 0, NewManualClock(tomorrow)); r.Len() != 1 {
		t.Errorf("review asks %d questions, want 1", r.Len())
	}
}
