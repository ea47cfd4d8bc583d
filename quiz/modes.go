package quiz

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Mode is how a quiz is run.
type Mode string

// The modes.
const (
	ModePractice Mode = "practice" // feedback after every answer
	ModeDrill    Mode = "drill"    // a timed sprint, streaks, best score kept
	ModeExam     Mode = "exam"     // N questions, a countdown, results at the end
	ModeReview   Mode = "review"   // the missed questions that are due again
)

// Modes lists the modes.
var Modes = []Mode{ModePractice, ModeDrill, ModeExam, ModeReview}

// ParseMode reads practice, drill, exam or review.
func ParseMode(s string) (Mode, error) {
	m := Mode(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Modes, m) {
		return m, nil
	}
	return "", fmt.Errorf("the mode is practice, drill, exam or review, not %q", s)
}

// Defaults of the modes.
const (
	DefaultPracticeCount = 10
	DefaultExamCount     = 20
	DefaultDrillLength   = 60 * time.Second
	// ExamTimePerQuestion is close to the AWS Cloud Practitioner exam's
	// pace (65 questions in 90 minutes).
	ExamTimePerQuestion = 90 * time.Second
	// MaxCount bounds --count: more than any exam needs, few enough to
	// generate at once.
	MaxCount = 200
)

// DefaultCount is how many questions a mode asks when not told: 0 for
// review (everything due) and drill (as many as the time allows).
func DefaultCount(m Mode) int {
	switch m {
	case ModePractice:
		return DefaultPracticeCount
	case ModeExam:
		return DefaultExamCount
	}
	return 0
}

// ExamTime is the countdown of an exam of n questions.
func ExamTime(n int) time.Duration { return time.Duration(n) * ExamTimePerQuestion }

// Clock tells the modes what time it is. The TUI passes SystemClock; tests
// pass a ManualClock and move it by hand, so no test waits or races.
type Clock interface{ Now() time.Time }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// SystemClock is the real time.
var SystemClock Clock = systemClock{}

// ManualClock is a clock that moves only when told to.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a clock stopped at t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{now: t} }

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Errors the modes return for moves the screen should not have offered.
var (
	ErrNoAnswer = errors.New("choose or type an answer first")
	ErrAnswered = errors.New("this question is answered already")
	ErrFinished = errors.New("the quiz is over")
	ErrTimeUp   = errors.New("time is up")
)

// Attempt is one answer to one question, as the store keeps it.
type Attempt struct {
	ID      string    `json:"id"`
	Topic   Topic     `json:"topic"`
	Mode    Mode      `json:"mode"`
	Correct bool      `json:"correct"`
	At      time.Time `json:"at"`
}

// Feedback is what a learner sees after answering: right or wrong, the
// right answer, why, and the lesson that teaches it.
type Feedback struct {
	Question    Question
	Response    Response
	Correct     bool
	Given       string // the learner's answer, as text
	Answer      string // the right answer, as text
	Explanation string
	Lesson      string
}

func feedback(q Question, r Response) Feedback {
	return Feedback{Question: q, Response: r, Correct: q.Check(r), Given: q.ResponseText(r),
		Answer: q.AnswerText(), Explanation: q.Explanation, Lesson: q.Lesson}
}

// Score counts right answers.
type Score struct {
	Correct int `json:"correct"`
	Total   int `json:"total"`
}

// Percent is the share of right answers, rounded to the nearest percent.
func (s Score) Percent() int {
	if s.Total == 0 {
		return 0
	}
	return (s.Correct*100 + s.Total/2) / s.Total
}

func (s Score) String() string { return fmt.Sprintf("%d/%d (%d%%)", s.Correct, s.Total, s.Percent()) }

// TopicScore is the score on one topic.
type TopicScore struct {
	Topic Topic `json:"topic"`
	Score
}

// tally scores attempts, overall and per topic (topics in Topics order,
// those with no attempt left out).
func tally(attempts []Attempt) (Score, []TopicScore) {
	var total Score
	per := map[Topic]*Score{}
	for _, a := range attempts {
		s := per[a.Topic]
		if s == nil {
			s = &Score{}
			per[a.Topic] = s
		}
		for _, sc := range []*Score{&total, s} {
			sc.Total++
			if a.Correct {
				sc.Correct++
			}
		}
	}
	var topics []TopicScore
	for _, t := range Topics {
		if s := per[t]; s != nil {
			topics = append(topics, TopicScore{Topic: t, Score: *s})
		}
	}
	return total, topics
}

// Practice asks questions one at a time and gives feedback after each.
// Review is a Practice over the questions that are due. Scenario questions
// follow the learner's streak: each comes at the level LevelFor gives for
// the right answers in a row so far.
type Practice struct {
	mode     Mode
	qs       []Question
	pos      int
	answered bool
	clock    Clock
	attempts []Attempt
	streak   int
	adapt    bool
}

// NewPractice starts a practice session over qs.
func NewPractice(qs []Question, clock Clock) *Practice {
	p := &Practice{mode: ModePractice, qs: slices.Clone(qs), clock: clock, adapt: true}
	p.level()
	return p
}

// NewRetry starts a review of qs now, such as the questions just missed
// in an exam or a practice round, their choices in a new order. Answers
// are recorded as any review's: a right answer before the question is due
// moves no Leitner box, so the spaced schedule still brings it back.
func NewRetry(qs []Question, clock Clock) *Practice {
	r := newRNG(uint64(clock.Now().UnixNano()))
	out := make([]Question, len(qs))
	for k, q := range qs {
		out[k] = q.shuffled(r)
	}
	return &Practice{mode: ModeReview, qs: out, clock: clock}
}

// level regenerates the current question, when it is a generated one, at
// the level the streak calls for: the same kind and seed, a bigger or
// smaller world.
func (p *Practice) level() {
	if !p.adapt || p.pos >= len(p.qs) {
		return
	}
	q := p.qs[p.pos]
	kind, level, seed, ok := parseScenarioID(q.ID)
	if want := LevelFor(p.streak); ok && level != want {
		if g, err := Generate(kind, want, seed); err == nil {
			p.qs[p.pos] = g
		}
	}
}

// Streak is the number of right answers in a row so far.
func (p *Practice) Streak() int { return p.streak }

// NewReview starts a review of the questions due now in p (of one topic,
// or AllTopics), oldest due first, at most limit of them (0: all). It may
// have no question: then nothing is due, and p.NextDue says when.
func NewReview(p *Progress, topic Topic, limit int, clock Clock) *Practice {
	var qs []Question
	for _, id := range p.Reviewable(clock.Now()) {
		if topic != AllTopics && p.Questions[id].Topic != topic {
			continue
		}
		q, ok := Lookup(id)
		if !ok {
			continue // a generated question its seed no longer builds
		}
		qs = append(qs, q)
		if len(qs) == limit {
			break
		}
	}
	return NewRetry(qs, clock)
}

// Mode is practice or review.
func (p *Practice) Mode() Mode { return p.mode }

// Len is the number of questions.
func (p *Practice) Len() int { return len(p.qs) }

// Index is the position of the current question, from 0.
func (p *Practice) Index() int { return p.pos }

// Current returns the question being asked; false when all are done.
func (p *Practice) Current() (Question, bool) {
	if p.pos >= len(p.qs) {
		return Question{}, false
	}
	return p.qs[p.pos], true
}

// Answered reports whether the current question has been answered, that
// is, whether its feedback is showing.
func (p *Practice) Answered() bool { return p.answered }

// Answer answers the current question, once, and returns the feedback.
func (p *Practice) Answer(r Response) (Feedback, error) {
	q, ok := p.Current()
	switch {
	case !ok:
		return Feedback{}, ErrFinished
	case p.answered:
		return Feedback{}, ErrAnswered
	case r.Empty():
		return Feedback{}, ErrNoAnswer
	}
	fb := feedback(q, r)
	p.answered = true
	p.attempts = append(p.attempts, Attempt{ID: q.ID, Topic: q.Topic, Mode: p.mode, Correct: fb.Correct, At: p.clock.Now()})
	if fb.Correct {
		p.streak++
	} else {
		p.streak = 0
	}
	return fb, nil
}

// Next moves to the next question, skipping the current one if it was not
// answered (a skipped question is not recorded). It reports whether there
// is a next question.
func (p *Practice) Next() bool {
	if p.pos < len(p.qs) {
		p.pos++
		p.answered = false
		p.level()
	}
	return p.pos < len(p.qs)
}

// Done reports whether every question has been passed.
func (p *Practice) Done() bool { return p.pos >= len(p.qs) }

// Score is the score so far, overall and per topic.
func (p *Practice) Score() (Score, []TopicScore) { return tally(p.attempts) }

// Attempts are the answers given so far, to be recorded with
// Progress.Record.
func (p *Practice) Attempts() []Attempt { return slices.Clone(p.attempts) }

// Drill is a timed sprint: questions keep coming until the time is up,
// with feedback after each answer and a streak of right answers.
type Drill struct {
	topic      Topic
	deck       *deck
	clock      Clock
	length     time.Duration
	end        time.Time
	cur        Question
	streak     int
	bestStreak int
	attempts   []Attempt
}

// NewDrill starts a drill on topic (or AllTopics) that lasts length; the
// clock starts now.
func NewDrill(topic Topic, seed uint64, length time.Duration, clock Clock) *Drill {
	d := &Drill{topic: topic, deck: newDeck(topic, seed, true), clock: clock, length: length, end: clock.Now().Add(length)}
	d.deck.level = LevelFor(0)
	d.cur, _ = d.deck.next() // a cycling deck never runs out
	return d
}

// Current is the question being asked.
func (d *Drill) Current() Question { return d.cur }

// Remaining is the time left, never below zero.
func (d *Drill) Remaining() time.Duration { return max(0, d.end.Sub(d.clock.Now())) }

// Over reports whether the time is up.
func (d *Drill) Over() bool { return d.Remaining() == 0 }

// Streak is the number of right answers in a row so far.
func (d *Drill) Streak() int { return d.streak }

// Answer answers the current question and moves to the next one. After
// the time is up it returns ErrTimeUp and the answer does not count.
func (d *Drill) Answer(r Response) (Feedback, error) {
	if d.Over() {
		return Feedback{}, ErrTimeUp
	}
	if r.Empty() {
		return Feedback{}, ErrNoAnswer
	}
	fb := feedback(d.cur, r)
	d.attempts = append(d.attempts, Attempt{ID: d.cur.ID, Topic: d.cur.Topic, Mode: ModeDrill, Correct: fb.Correct, At: d.clock.Now()})
	if fb.Correct {
		d.streak++
		d.bestStreak = max(d.bestStreak, d.streak)
	} else {
		d.streak = 0
	}
	d.deck.level = LevelFor(d.streak)
	d.cur, _ = d.deck.next()
	return fb, nil
}

// DrillResult is how a drill went.
type DrillResult struct {
	Topic      Topic
	Length     time.Duration
	Score      Score // right answers of those given
	BestStreak int
	Attempts   []Attempt
}

// Result is the drill's result so far; once Over, its final result.
func (d *Drill) Result() DrillResult {
	s, _ := tally(d.attempts)
	return DrillResult{Topic: d.topic, Length: d.length, Score: s, BestStreak: d.bestStreak, Attempts: slices.Clone(d.attempts)}
}

// Exam asks N questions against a countdown. Answers can be changed and
// questions flagged and revisited until the exam is submitted (or the time
// runs out); only then is anything scored or explained.
type Exam struct {
	qs        []Question
	responses []Response
	flagged   []bool
	pos       int
	clock     Clock
	start     time.Time
	deadline  time.Time
	result    *ExamResult
}

// NewExam starts an exam over qs with a countdown of limit; the clock
// starts now.
func NewExam(qs []Question, limit time.Duration, clock Clock) *Exam {
	now := clock.Now()
	return &Exam{qs: qs, responses: make([]Response, len(qs)), flagged: make([]bool, len(qs)),
		clock: clock, start: now, deadline: now.Add(limit)}
}

// Len is the number of questions.
func (e *Exam) Len() int { return len(e.qs) }

// Index is the position of the current question, from 0.
func (e *Exam) Index() int { return e.pos }

// Current is the question on screen.
func (e *Exam) Current() Question { return e.qs[e.pos] }

// Question returns question i.
func (e *Exam) Question(i int) Question { return e.qs[i] }

// Goto moves to question i, for revisiting.
func (e *Exam) Goto(i int) error {
	if i < 0 || i >= len(e.qs) {
		return fmt.Errorf("there is no question %d: the exam has %d", i+1, len(e.qs))
	}
	e.pos = i
	return nil
}

// Next moves to the next question; false at the last one.
func (e *Exam) Next() bool { return e.Goto(e.pos+1) == nil }

// Prev moves to the previous question; false at the first one.
func (e *Exam) Prev() bool { return e.Goto(e.pos-1) == nil }

// Remaining is the time left, never below zero.
func (e *Exam) Remaining() time.Duration { return max(0, e.deadline.Sub(e.clock.Now())) }

// Expired reports whether the time is up. The screen then submits.
func (e *Exam) Expired() bool { return e.Remaining() == 0 }

// Submitted reports whether the exam has been submitted.
func (e *Exam) Submitted() bool { return e.result != nil }

// Answer records (or changes) the answer to the current question; an
// empty response clears it. Nothing says whether it is right.
func (e *Exam) Answer(r Response) error {
	switch {
	case e.result != nil:
		return ErrFinished
	case e.Expired():
		return ErrTimeUp
	}
	e.responses[e.pos] = r
	return nil
}

// Response is the answer given to question i so far.
func (e *Exam) Response(i int) Response { return e.responses[i] }

// Answered reports whether question i has an answer.
func (e *Exam) Answered(i int) bool { return !e.responses[i].Empty() }

// ToggleFlag flags the current question for a second look, or unflags it,
// and returns whether it is now flagged.
func (e *Exam) ToggleFlag() bool {
	e.flagged[e.pos] = !e.flagged[e.pos]
	return e.flagged[e.pos]
}

// Flagged reports whether question i is flagged.
func (e *Exam) Flagged(i int) bool { return e.flagged[i] }

// Unanswered lists the questions without an answer, from 0.
func (e *Exam) Unanswered() []int {
	var out []int
	for i := range e.qs {
		if !e.Answered(i) {
			out = append(out, i)
		}
	}
	return out
}

// ExamResult is an exam's score, per topic, and a review of every question
// answered wrong or left unanswered.
type ExamResult struct {
	Score    Score
	Topics   []TopicScore
	Missed   []Missed
	Attempts []Attempt
	Started  time.Time
	Finished time.Time
	TimedOut bool
}

// Missed is a question answered wrong (or not at all), with its feedback.
type Missed struct {
	Number int // from 1, as the exam showed it
	Feedback
}

// Submit ends the exam and scores it; unanswered questions count as wrong.
// Submitting again returns the same result.
func (e *Exam) Submit() ExamResult {
	if e.result != nil {
		return *e.result
	}
	now := e.clock.Now()
	res := &ExamResult{Started: e.start, Finished: now, TimedOut: !now.Before(e.deadline)}
	for i, q := range e.qs {
		fb := feedback(q, e.responses[i])
		res.Attempts = append(res.Attempts, Attempt{ID: q.ID, Topic: q.Topic, Mode: ModeExam, Correct: fb.Correct, At: now})
		if !fb.Correct {
			res.Missed = append(res.Missed, Missed{Number: i + 1, Feedback: fb})
		}
	}
	res.Score, res.Topics = tally(res.Attempts)
	e.result = res
	return *res
}
