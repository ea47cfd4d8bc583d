package class

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sglab/sglab/internal/safetext"
	"github.com/sglab/sglab/lessons"
	qz "github.com/sglab/sglab/quiz"
)

// The names learners' state goes by in their store, as in the state
// directory.
const (
	ProgressDoc = lessons.ProgressFile
	QuizDoc     = qz.FileName
	ScratchBlob = "lab.yaml"
)

// Assignment is work the instructor gives the whole class: a lesson, a
// lesson's challenge, or a quiz sheet (topic, count, seed: every learner
// gets the same questions).
type Assignment struct {
	ID      int64
	Kind    string // "lesson", "challenge" or "quiz"
	Lesson  string // the lesson (of a lesson or challenge assignment)
	Topic   qz.Topic
	Count   int
	Seed    uint64
	Created time.Time
}

// Describe says what the assignment asks, in the words of the course.
func (a Assignment) Describe(c *lessons.Course) string {
	switch a.Kind {
	case "quiz":
		return fmt.Sprintf("quiz sheet: %d %s questions, seed %d (Quiz → practice, topic %s, count %d, seed %d)", a.Count, a.Topic, a.Seed, a.Topic, a.Count, a.Seed)
	case "challenge":
		return "the challenge of " + lessonName(c, a.Lesson)
	}
	return lessonName(c, a.Lesson)
}

func lessonName(c *lessons.Course, id string) string {
	if c != nil {
		if k := c.Index(id); k >= 0 {
			return fmt.Sprintf("lesson %d, %s", k+1, safetext.Line(c.Lessons[k].Title))
		}
	}
	return "lesson " + safetext.Line(id)
}

// CheckAssignment says what is wrong with an assignment before it is
// given to a class.
func CheckAssignment(c *lessons.Course, a Assignment) error {
	switch a.Kind {
	case "lesson", "challenge":
		l := c.Lesson(a.Lesson)
		if l == nil {
			return fmt.Errorf("the course has no lesson %s", safetext.Line(a.Lesson))
		}
		if a.Kind == "challenge" && len(l.Challenges) == 0 {
			return fmt.Errorf("lesson %s has no challenge", safetext.Line(a.Lesson))
		}
	case "quiz":
		if _, err := qz.Pick(a.Topic, a.Count, a.Seed); err != nil {
			return err
		}
	default:
		return fmt.Errorf("an assignment is a lesson, a challenge or a quiz, not %q", a.Kind)
	}
	return nil
}

// Assign records an assignment for the whole class and returns it with
// its id.
func (db *DB) Assign(a Assignment) (Assignment, error) {
	a.Created = db.Now().UTC()
	err := db.tx(func(tx *sql.Tx) error {
		return tx.QueryRow(`INSERT INTO assignments (kind, target, topic, count, seed, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			a.Kind, a.Lesson, string(a.Topic), a.Count, int64(a.Seed), a.Created.Format(timeFormat)).Scan(&a.ID)
	})
	return a, err
}

// Assignments returns every assignment, oldest first.
func (db *DB) Assignments() ([]Assignment, error) {
	rows, err := db.sql.Query(`SELECT id, kind, target, topic, count, seed, created_at FROM assignments ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Assignment
	for rows.Next() {
		var a Assignment
		var topic, created string
		var seed int64
		if err := rows.Scan(&a.ID, &a.Kind, &a.Lesson, &topic, &a.Count, &seed, &created); err != nil {
			return nil, err
		}
		a.Topic, a.Seed = qz.Topic(topic), uint64(seed)
		a.Created, _ = time.Parse(timeFormat, created)
		out = append(out, a)
	}
	return out, rows.Err()
}

// Current is the latest assignment, if any.
func (db *DB) Current() (Assignment, bool, error) {
	all, err := db.Assignments()
	if err != nil || len(all) == 0 {
		return Assignment{}, false, err
	}
	return all[len(all)-1], true, nil
}

// Message records a one-line message from the instructor to the class.
func (db *DB) Message(text string) (int64, error) {
	var id int64
	err := db.tx(func(tx *sql.Tx) error {
		return tx.QueryRow(`INSERT INTO events (at, kind, detail) VALUES (?, 'message', ?) RETURNING id`, db.now(), text).Scan(&id)
	})
	return id, err
}

// Messages returns the messages after event id after, oldest first.
func (db *DB) Messages(after int64) ([]Notice, error) {
	rows, err := db.sql.Query(`SELECT id, at, detail FROM events WHERE kind = 'message' AND id > ? ORDER BY id`, after)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Notice
	for rows.Next() {
		var n Notice
		var at string
		if err := rows.Scan(&n.ID, &at, &n.Text); err != nil {
			return nil, err
		}
		n.At, _ = time.Parse(timeFormat, at)
		out = append(out, n)
	}
	return out, rows.Err()
}

// Notice is a one-line message from the instructor, delivered to every
// learner's session. Its text is untrusted: through safetext to show.
type Notice struct {
	ID   int64
	At   time.Time
	Text string
}

// AssignmentNotice tells a learner's session of a new assignment.
type AssignmentNotice struct {
	Assignment Assignment
	Text       string // Describe's
}

// Report is what the class knows of one learner: the board's row and the
// export's.
type Report struct {
	Learner   Learner
	Connected bool
	// Where is where the learner was last active: "lesson 3, page 2",
	// "lab", "quiz".
	Where          string
	LessonsDone    int
	Lessons        map[string]lessons.Status // by lesson id, for the course's lessons
	Challenge      string                    // the current challenge's lesson, "" when none
	GoalsMet       int                       // in the current challenge
	Goals          int
	Hints          int // shown, over every challenge
	Solutions      int // challenges whose solution was shown
	QuizCorrect    int
	QuizAnswered   int
	Exams          []qz.ExamRecord
	LastActivity   time.Time
	AssignmentDone map[int64]AssignmentResult
}

// AssignmentResult is how a learner did on an assignment.
type AssignmentResult struct {
	Done         bool
	Score, Total int // of a quiz sheet
}

// QuizPercent is the learner's share of right answers, or -1 before any.
func (r Report) QuizPercent() int {
	if r.QuizAnswered == 0 {
		return -1
	}
	return r.QuizCorrect * 100 / r.QuizAnswered
}

// Reports returns a report for every learner. connected (nil when not
// known) says who has a session open.
func (db *DB) Reports(c *lessons.Course, connected map[int64]bool) ([]Report, error) {
	ls, err := db.Learners()
	if err != nil {
		return nil, err
	}
	as, err := db.Assignments()
	if err != nil {
		return nil, err
	}
	out := make([]Report, 0, len(ls))
	for _, l := range ls {
		r, err := db.report(c, l, as)
		if err != nil {
			return nil, err
		}
		r.Connected = connected[l.ID]
		out = append(out, r)
	}
	return out, nil
}

// ReportOf returns the report of one learner.
func (db *DB) ReportOf(c *lessons.Course, id int64) (Report, error) {
	row := db.sql.QueryRow(`SELECT id, fingerprint, name, enrolled_at, last_seen FROM learners WHERE id = ?`, id)
	l, err := scanLearner(row)
	if err != nil {
		return Report{}, err
	}
	as, err := db.Assignments()
	if err != nil {
		return Report{}, err
	}
	return db.report(c, l, as)
}

func (db *DB) report(c *lessons.Course, l Learner, as []Assignment) (Report, error) {
	r := Report{Learner: l, LastActivity: l.LastSeen, Lessons: map[string]lessons.Status{}, AssignmentDone: map[int64]AssignmentResult{}}
	st := db.Store(l.ID).WithWarn(func(string) {}) // a damaged document is the learner's session's to report
	p := &lessons.Progress{}
	if err := st.Read(ProgressDoc, p); err != nil && !isNewer(err) {
		return r, err
	}
	q := qz.NewProgress()
	if err := st.Read(QuizDoc, q); err != nil && !isNewer(err) {
		return r, err
	}
	for _, ls := range c.Lessons {
		s := p.Status(ls.ID)
		r.Lessons[ls.ID] = s
		if s == lessons.Done {
			r.LessonsDone++
		}
	}
	for _, lp := range p.Lessons {
		for _, cp := range lp.Challenges {
			r.Hints += cp.Hints
			if cp.SolutionShown {
				r.Solutions++
			}
		}
	}
	if ls := c.Lesson(p.Last); ls != nil && len(ls.Challenges) > 0 {
		cp := p.Challenge(ls.ID, ls.Challenges[0].ID)
		r.Challenge, r.GoalsMet, r.Goals = ls.ID, cp.GoalsMet, len(ls.Challenges[0].Goals)
	}
	for _, rec := range q.Questions {
		r.QuizAnswered += rec.Answered
		r.QuizCorrect += rec.Correct
	}
	r.Exams = q.Exams
	where, at, err := db.lastChange(l.ID)
	if err != nil {
		return r, err
	}
	if at.After(r.LastActivity) {
		r.LastActivity = at
	}
	switch where {
	case ProgressDoc:
		if ls := c.Lesson(p.Last); ls != nil {
			r.Where = fmt.Sprintf("lesson %d, page %d", c.Index(ls.ID)+1, p.Page(ls)+1)
		}
	case QuizDoc:
		r.Where = "quiz"
	case ScratchBlob:
		r.Where = "lab"
	}
	for _, a := range as {
		r.AssignmentDone[a.ID] = result(c, a, p, q)
	}
	return r, nil
}

func isNewer(err error) bool { return err != nil && strings.Contains(err.Error(), "newer sglab") }

// lastChange is the document or blob of the learner's that changed last,
// and when.
func (db *DB) lastChange(id int64) (string, time.Time, error) {
	var name, at string
	err := db.sql.QueryRow(`SELECT name, updated_at FROM (
		SELECT name, updated_at FROM documents WHERE learner = ?
		UNION ALL SELECT name, updated_at FROM blobs WHERE learner = ?) ORDER BY updated_at DESC LIMIT 1`, id, id).Scan(&name, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, nil
	}
	t, _ := time.Parse(timeFormat, at)
	return name, t, err
}

// result says whether a learner finished an assignment: the lesson done,
// the challenge solved, or every question of the quiz sheet answered
// since it was given (scored on the last answer to each).
func result(c *lessons.Course, a Assignment, p *lessons.Progress, q *qz.Progress) AssignmentResult {
	switch a.Kind {
	case "lesson":
		return AssignmentResult{Done: p.Status(a.Lesson) == lessons.Done}
	case "challenge":
		ls := c.Lesson(a.Lesson)
		if ls == nil || len(ls.Challenges) == 0 {
			return AssignmentResult{}
		}
		return AssignmentResult{Done: p.Challenge(ls.ID, ls.Challenges[0].ID).Solved}
	}
	qs, err := qz.Pick(a.Topic, a.Count, a.Seed)
	if err != nil {
		return AssignmentResult{}
	}
	res := AssignmentResult{Done: true, Total: len(qs)}
	for _, question := range qs {
		rec := q.Questions[question.ID]
		if rec == nil || len(rec.History) == 0 || rec.History[len(rec.History)-1].At.Before(a.Created) {
			res.Done = false
			continue
		}
		if rec.History[len(rec.History)-1].Correct {
			res.Score++
		}
	}
	return res
}
