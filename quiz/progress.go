package quiz

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/sglab/sglab/internal/store"
)

// FileName is the quiz's file in the state store. (The lessons keep
// progress.json beside it.)
const FileName = "quiz.json"

const schemaVersion = 1

// What the store keeps of the past: the last answers to each question and
// the last exams, enough to show a trend without growing for ever.
const (
	maxHistory = 20
	maxExams   = 20
)

// boxDays are the Leitner boxes: how many days a question waits in box
// k+1. A missed question goes to box 1 and is due the next day; each right
// answer given when it is due moves it up a box, so the wait doubles; a
// right answer in the last box retires it from review.
var boxDays = []int{1, 2, 4, 8, 16}

// Progress is everything the quiz remembers about a learner, stored in
// FileName: the answers to each question, the Leitner boxes, the best
// drills and the last exams.
type Progress struct {
	Questions map[string]*QuestionRecord `json:"questions"`
	Drills    map[string]DrillBest       `json:"drill_best"`
	Exams     []ExamRecord               `json:"exams"`
}

// QuestionRecord is one question's history and review schedule.
type QuestionRecord struct {
	Topic    Topic          `json:"topic"`
	Answered int            `json:"answered"`
	Correct  int            `json:"correct"`
	History  []AnswerRecord `json:"history"` // the last answers, oldest first
	// Box is the question's Leitner box, 1 to len(boxDays); 0 means it is
	// not in review.
	Box int       `json:"box,omitempty"`
	Due time.Time `json:"due,omitzero"`
}

// AnswerRecord is one answer in a question's history.
type AnswerRecord struct {
	At      time.Time `json:"at"`
	Mode    Mode      `json:"mode"`
	Correct bool      `json:"correct"`
}

// DrillBest is the best drill on one topic and length.
type DrillBest struct {
	Topic    Topic     `json:"topic"`
	Seconds  int       `json:"seconds"`
	Correct  int       `json:"correct"`
	Answered int       `json:"answered"`
	At       time.Time `json:"at"`
}

// ExamRecord is one finished exam.
type ExamRecord struct {
	At       time.Time    `json:"at"`
	Score    Score        `json:"score"`
	Topics   []TopicScore `json:"topics"`
	TimedOut bool         `json:"timed_out,omitempty"`
}

// NewProgress returns the progress of a learner who has answered nothing.
func NewProgress() *Progress {
	return &Progress{Questions: map[string]*QuestionRecord{}, Drills: map[string]DrillBest{}}
}

// SchemaVersion is the version of FileName this build writes.
func (p *Progress) SchemaVersion() int { return schemaVersion }

// Upgrade brings progress read at schema from up to date. Version 1 is the
// first; there is nothing to upgrade yet.
func (p *Progress) Upgrade(from int) error {
	if from != schemaVersion {
		// The store has decoded the document into p already and sets the
		// file aside on this error: empty p too, so the learner does start
		// clean rather than with half of what the file held.
		*p = *NewProgress()
		return fmt.Errorf("schema %d is not one sglab ever wrote", from)
	}
	if p.Questions == nil {
		p.Questions = map[string]*QuestionRecord{}
	}
	if p.Drills == nil {
		p.Drills = map[string]DrillBest{}
	}
	return nil
}

// Load reads the learner's quiz progress from the store; a learner with
// none gets an empty one.
func Load(st store.Documents) (*Progress, error) {
	p := NewProgress()
	if err := st.Read(FileName, p); err != nil {
		return nil, err
	}
	return p, nil
}

// Update changes the stored progress under the store's lock: change gets
// the progress as stored now, and what it leaves is written back
// atomically. Two sglab processes recording at once both keep their
// answers.
func Update(st store.Documents, change func(p *Progress) error) error {
	p := NewProgress()
	return st.Update(FileName, p, func() error { return change(p) })
}

// Record adds one answer to the question's history and moves it between
// the Leitner boxes: a wrong answer puts it in box 1, due tomorrow; a right
// answer given when it is due moves it up a box (or out of review from the
// last). A right answer before it is due changes no box: spacing is the
// point.
func (p *Progress) Record(a Attempt) {
	rec := p.Questions[a.ID]
	if rec == nil {
		rec = &QuestionRecord{Topic: a.Topic}
		p.Questions[a.ID] = rec
	}
	rec.Answered++
	if a.Correct {
		rec.Correct++
	}
	rec.History = append(rec.History, AnswerRecord{At: a.At, Mode: a.Mode, Correct: a.Correct})
	if n := len(rec.History); n > maxHistory {
		rec.History = slices.Delete(rec.History, 0, n-maxHistory)
	}
	switch {
	case !a.Correct:
		rec.Box, rec.Due = 1, daysAfter(a.At, boxDays[0])
	case rec.Box > 0 && !a.At.Before(rec.Due):
		rec.Box++
		if rec.Box > len(boxDays) {
			rec.Box, rec.Due = 0, time.Time{}
		} else {
			rec.Due = daysAfter(a.At, boxDays[rec.Box-1])
		}
	}
}

// daysAfter is the start of the day n days after t's, in t's time zone:
// "due tomorrow" means from tomorrow's first minute, not 24 hours later.
func daysAfter(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d+n, 0, 0, 0, 0, t.Location())
}

// RecordDrill records a drill's answers and keeps it if it is the best on
// its topic and length; it reports whether it is.
func (p *Progress) RecordDrill(r DrillResult, at time.Time) bool {
	for _, a := range r.Attempts {
		p.Record(a)
	}
	key := drillKey(r.Topic, r.Length)
	if best, ok := p.Drills[key]; ok && best.Correct >= r.Score.Correct {
		return false
	}
	p.Drills[key] = DrillBest{Topic: r.Topic, Seconds: int(r.Length / time.Second), Correct: r.Score.Correct, Answered: r.Score.Total, At: at}
	return true
}

// BestDrill returns the best drill on topic of this length, if any.
func (p *Progress) BestDrill(topic Topic, length time.Duration) (DrillBest, bool) {
	b, ok := p.Drills[drillKey(topic, length)]
	return b, ok
}

func drillKey(topic Topic, length time.Duration) string {
	return fmt.Sprintf("%s/%ds", topic, int(length/time.Second))
}

// RecordExam records an exam's answers and its result.
func (p *Progress) RecordExam(r ExamResult) {
	for _, a := range r.Attempts {
		p.Record(a)
	}
	p.Exams = append(p.Exams, ExamRecord{At: r.Finished, Score: r.Score, Topics: r.Topics, TimedOut: r.TimedOut})
	if n := len(p.Exams); n > maxExams {
		p.Exams = slices.Delete(p.Exams, 0, n-maxExams)
	}
}

// Due returns the ids of the questions due for review at now, the longest
// waiting first.
func (p *Progress) Due(now time.Time) []string {
	var ids []string
	for id, rec := range p.Questions {
		if rec.Box > 0 && !now.Before(rec.Due) {
			ids = append(ids, id)
		}
	}
	p.sortByDue(ids)
	return ids
}

func (p *Progress) sortByDue(ids []string) {
	slices.SortFunc(ids, func(a, b string) int {
		return cmp.Or(p.Questions[a].Due.Compare(p.Questions[b].Due), strings.Compare(a, b))
	})
}

// Reviewable is Due without the questions review can no longer ask (taken
// out of the bank, or generated by an older sglab): what a review would
// ask now, and what the screens count.
func (p *Progress) Reviewable(now time.Time) []string {
	return slices.DeleteFunc(p.Due(now), func(id string) bool { return !Known(id) })
}

// NextReviewable is NextDue over the questions review can still ask.
func (p *Progress) NextReviewable(now time.Time) (time.Time, bool) {
	var next time.Time
	for id, rec := range p.Questions {
		if rec.Box > 0 && rec.Due.After(now) && (next.IsZero() || rec.Due.Before(next)) && Known(id) {
			next = rec.Due
		}
	}
	return next, !next.IsZero()
}

// NextDue is when the next question comes due after now; false when none
// waits.
func (p *Progress) NextDue(now time.Time) (time.Time, bool) {
	var next time.Time
	for _, rec := range p.Questions {
		if rec.Box > 0 && rec.Due.After(now) && (next.IsZero() || rec.Due.Before(next)) {
			next = rec.Due
		}
	}
	return next, !next.IsZero()
}

// Accuracy is the share of right answers per topic, every topic listed.
func (p *Progress) Accuracy() []TopicScore {
	out := make([]TopicScore, len(Topics))
	for k, t := range Topics {
		out[k].Topic = t
	}
	for _, rec := range p.Questions {
		if k := slices.Index(Topics, rec.Topic); k >= 0 {
			out[k].Correct += rec.Correct
			out[k].Total += rec.Answered
		}
	}
	return out
}

// Stats is what `sglab progress` shows of the quiz.
type Stats struct {
	Topics   []TopicScore // every topic, in Topics order
	InReview int          // questions in a Leitner box
	Due      []DueQuestion
	// NextDue is when the next question not yet due comes due; zero when
	// none waits.
	NextDue  time.Time
	Drills   []DrillBest // best drills, by topic and length
	LastExam *ExamRecord
}

// DueQuestion is a question due for review.
type DueQuestion struct {
	ID     string
	Topic  Topic
	Box    int
	Due    time.Time
	Prompt string // empty for a question no longer in the bank
}

// Summary reads the learner's quiz progress and sums it up at now: the
// accuracy per topic and what is due for review. `sglab progress` prints
// it with Stats.Write.
func Summary(st store.Documents, now time.Time) (Stats, error) {
	p, err := Load(st)
	if err != nil {
		return Stats{}, err
	}
	return p.Stats(now), nil
}

// Stats sums up the progress at now.
func (p *Progress) Stats(now time.Time) Stats {
	s := Stats{Topics: p.Accuracy()}
	for id, rec := range p.Questions {
		if rec.Box > 0 && Known(id) {
			s.InReview++
		}
	}
	for _, id := range p.Reviewable(now) {
		rec := p.Questions[id]
		d := DueQuestion{ID: id, Topic: rec.Topic, Box: rec.Box, Due: rec.Due}
		if q, ok := Lookup(id); ok {
			d.Prompt = q.Prompt
		}
		s.Due = append(s.Due, d)
	}
	s.NextDue, _ = p.NextReviewable(now)
	for _, key := range slices.Sorted(maps.Keys(p.Drills)) {
		s.Drills = append(s.Drills, p.Drills[key])
	}
	if n := len(p.Exams); n > 0 {
		last := p.Exams[n-1]
		s.LastExam = &last
	}
	return s
}

// maxDueShown bounds the due questions Write lists one by one.
const maxDueShown = 5

// Write prints the stats as plain text, for `sglab progress`.
func (s Stats) Write(w io.Writer) error {
	var b strings.Builder
	b.WriteString("Quiz accuracy\n")
	for _, t := range s.Topics {
		if t.Total == 0 {
			fmt.Fprintf(&b, "  %-10s no answers yet\n", t.Topic)
			continue
		}
		fmt.Fprintf(&b, "  %-10s %d of %d right (%d%%)\n", t.Topic, t.Correct, t.Total, t.Percent())
	}
	switch {
	case len(s.Due) > 0:
		fmt.Fprintf(&b, "Review: %d %s due now (%d in review); run: sglab quiz --mode review\n",
			len(s.Due), plural(len(s.Due), "question"), s.InReview)
		for _, d := range s.Due[:min(maxDueShown, len(s.Due))] {
			fmt.Fprintf(&b, "  - [%s] %s\n", d.Topic, cmp.Or(d.Prompt, d.ID))
		}
		if n := len(s.Due) - maxDueShown; n > 0 {
			fmt.Fprintf(&b, "  and %d more\n", n)
		}
	case !s.NextDue.IsZero():
		fmt.Fprintf(&b, "Review: nothing due; the next of %d %s comes due on %s\n",
			s.InReview, plural(s.InReview, "question"), s.NextDue.Format("Mon 2 Jan 2006"))
	default:
		b.WriteString("Review: no missed question waiting\n")
	}
	for _, d := range s.Drills {
		fmt.Fprintf(&b, "Best drill: %s, %d right in %ds (%s)\n", d.Topic, d.Correct, d.Seconds, d.At.Format("2 Jan 2006"))
	}
	if e := s.LastExam; e != nil {
		fmt.Fprintf(&b, "Last exam: %s on %s\n", e.Score, e.At.Format("2 Jan 2006"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
