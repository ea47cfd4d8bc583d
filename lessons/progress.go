package lessons

import (
	"fmt"
	"maps"
	"slices"

	"github.com/sglab/sglab/internal/safetext"
	"github.com/sglab/sglab/internal/state"
	"github.com/sglab/sglab/internal/store"
)

// ProgressFile is the file in the state directory that holds the
// learner's progress through the course. The quiz keeps its own file.
const ProgressFile = "progress.json"

// progressSchema is the version of the progress file this build writes.
// Schema 1 recorded only a page and a done flag per lesson; schema 2 adds
// the status, the challenges and the answers.
const progressSchema = 2

// Status is where a learner is with one lesson.
type Status string

// The statuses of a lesson. A lesson with no record is not started.
const (
	NotStarted Status = ""
	InProgress Status = "in-progress"
	Done       Status = "done"
)

func (s Status) String() string {
	if s == NotStarted {
		return "not started"
	}
	return string(s)
}

// Progress is the learner's progress through the course, kept in
// ProgressFile. Records of lessons the course no longer has are kept, so
// that a pack removed for a day loses nothing.
type Progress struct {
	// Last is the lesson opened last, where the learner resumes.
	Last    string                     `json:"last,omitempty"`
	Lessons map[string]*LessonProgress `json:"lessons"`
}

// LessonProgress is the learner's progress in one lesson.
type LessonProgress struct {
	Status     Status                        `json:"status"`
	Page       int                           `json:"page"` // the page to resume on, from 0
	Challenges map[string]*ChallengeProgress `json:"challenges,omitempty"`
	Answers    map[string]Answer             `json:"answers,omitempty"` // by question id

	// LegacyDone is schema 1's done flag; Upgrade turns it into Status.
	LegacyDone bool `json:"done,omitempty"`
}

// ChallengeProgress is what the learner did in one challenge.
type ChallengeProgress struct {
	GoalsMet      int  `json:"goals_met"` // at the last check
	Goals         int  `json:"goals"`
	Solved        bool `json:"solved"` // once solved, it stays solved
	Hints         int  `json:"hints"`  // how many hints were shown
	SolutionShown bool `json:"solution_shown"`
}

// Answer is the learner's answer to a check question.
type Answer struct {
	Choice  int  `json:"choice"` // from 0
	Correct bool `json:"correct"`
}

// SchemaVersion implements state.Versioned.
func (p *Progress) SchemaVersion() int { return progressSchema }

// Upgrade implements state.Versioned: it brings a progress file written
// by an older sglab up to date. When it fails it leaves p empty, so that
// the learner starts clean rather than from half a file.
func (p *Progress) Upgrade(from int) error {
	err := p.upgrade(from)
	if err != nil {
		*p = Progress{}
	}
	return err
}

func (p *Progress) upgrade(from int) error {
	if from < 1 {
		return fmt.Errorf("schema %d is not a progress schema sglab ever wrote", from)
	}
	if p.Lessons == nil {
		p.Lessons = map[string]*LessonProgress{}
	}
	for _, lp := range p.Lessons {
		if lp == nil {
			continue // Validate drops it
		}
		if from == 1 {
			lp.Status = InProgress
			if lp.LegacyDone {
				lp.Status = Done
			}
		}
		lp.LegacyDone = false
	}
	return nil
}

// Limits on what a progress file may hold. Nothing sglab writes comes near
// them; a file that goes past one was not written by sglab.
const (
	maxID    = 200  // bytes in a lesson, challenge or question id
	maxPage  = 1000 // pages in a lesson
	maxCount = 1000 // hints shown, goals of a challenge, choices of a question
)

// Validate implements state.Validator: it drops each record that sglab
// could not have written: a lesson, challenge or answer with no record
// (null) or an id that is not one, an unknown status, counts below zero or
// past the limits. A page out of range goes back to the lesson's first
// page. Records of lessons the course does not have (a pack not loaded
// today) are kept, so that they lose nothing: whatever reads the progress
// looks lessons up in the course it has, and Page keeps the page within
// the lesson.
func (p *Progress) Validate() []string {
	var dropped []string
	drop := func(format string, args ...any) { dropped = append(dropped, fmt.Sprintf(format, args...)) }
	if p.Lessons == nil {
		p.Lessons = map[string]*LessonProgress{}
	}
	if p.Last != "" && !validID(p.Last) {
		drop("the last lesson opened, %s, which is not a lesson id", state.Quote(p.Last))
		p.Last = ""
	}
	for _, id := range slices.Sorted(maps.Keys(p.Lessons)) {
		lp := p.Lessons[id]
		switch {
		case !validID(id):
			drop("a lesson id %s", state.Quote(id))
		case lp == nil:
			drop("lesson %s, which has no record (null)", state.Quote(id))
		case lp.Status != InProgress && lp.Status != Done:
			drop("lesson %s, whose status %s is not in-progress or done", state.Quote(id), state.Quote(string(lp.Status)))
		default:
			if lp.Page < 0 || lp.Page >= maxPage {
				drop("lesson %s's page %d (it starts again at its first page)", state.Quote(id), lp.Page)
				lp.Page = 0
			}
			dropped = append(dropped, lp.validate(id)...)
			continue
		}
		delete(p.Lessons, id)
	}
	return dropped
}

// validate drops the lesson's challenge and answer records that are not
// valid.
func (lp *LessonProgress) validate(lesson string) []string {
	var dropped []string
	drop := func(format string, args ...any) {
		dropped = append(dropped, fmt.Sprintf("lesson %s's ", state.Quote(lesson))+fmt.Sprintf(format, args...))
	}
	for _, id := range slices.Sorted(maps.Keys(lp.Challenges)) {
		cp := lp.Challenges[id]
		switch {
		case !validID(id):
			drop("challenge id %s", state.Quote(id))
		case cp == nil:
			drop("challenge %s, which has no record (null)", state.Quote(id))
		case cp.Goals < 0 || cp.Goals > maxCount || cp.GoalsMet < 0 || cp.GoalsMet > cp.Goals || cp.Hints < 0 || cp.Hints > maxCount:
			drop("challenge %s, whose counts are out of range (%d of %d goals met, %d hints)", state.Quote(id), cp.GoalsMet, cp.Goals, cp.Hints)
		default:
			continue
		}
		delete(lp.Challenges, id)
	}
	for _, id := range slices.Sorted(maps.Keys(lp.Answers)) {
		switch a := lp.Answers[id]; {
		case !validID(id):
			drop("question id %s", state.Quote(id))
		case a.Choice < 0 || a.Choice >= maxCount:
			drop("answer to %s, whose choice %d is not one", state.Quote(id), a.Choice)
		default:
			continue
		}
		delete(lp.Answers, id)
	}
	return dropped
}

// validID reports whether s could be an id sglab wrote: not empty, not
// too long, no control characters.
func validID(s string) bool {
	return s != "" && len(s) <= maxID && safetext.Index(s) < 0
}

// LoadProgress reads the learner's progress from the store. A corrupt file
// is set aside by the store, with a warning, and the learner starts clean.
func LoadProgress(s store.Documents) (*Progress, error) {
	p := &Progress{}
	if err := s.Read(ProgressFile, p); err != nil {
		return nil, err
	}
	if p.Lessons == nil {
		p.Lessons = map[string]*LessonProgress{}
	}
	return p, nil
}

// UpdateProgress reads the progress, applies change and writes it back,
// under the store's lock, so that two sglab processes never lose each
// other's changes. It returns the progress as written.
func UpdateProgress(s store.Documents, change func(p *Progress) error) (*Progress, error) {
	p := &Progress{}
	err := s.Update(ProgressFile, p, func() error {
		if p.Lessons == nil {
			p.Lessons = map[string]*LessonProgress{}
		}
		return change(p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Lesson returns the record of a lesson; the zero record when there is none.
func (p *Progress) Lesson(id string) LessonProgress {
	if lp := p.Lessons[id]; lp != nil {
		return *lp
	}
	return LessonProgress{}
}

// Status returns a lesson's status.
func (p *Progress) Status(id string) Status { return p.Lesson(id).Status }

// Challenge returns the record of a lesson's challenge; the zero record
// when there is none.
func (p *Progress) Challenge(lessonID, challengeID string) ChallengeProgress {
	if cp := p.Lesson(lessonID).Challenges[challengeID]; cp != nil {
		return *cp
	}
	return ChallengeProgress{}
}

// entry returns the record of a lesson, creating it.
func (p *Progress) entry(id string) *LessonProgress {
	if p.Lessons == nil {
		p.Lessons = map[string]*LessonProgress{}
	}
	lp := p.Lessons[id]
	if lp == nil {
		lp = &LessonProgress{Status: InProgress}
		p.Lessons[id] = lp
	}
	return lp
}

func (p *Progress) challenge(lessonID, challengeID string) *ChallengeProgress {
	lp := p.entry(lessonID)
	if lp.Challenges == nil {
		lp.Challenges = map[string]*ChallengeProgress{}
	}
	cp := lp.Challenges[challengeID]
	if cp == nil {
		cp = &ChallengeProgress{}
		lp.Challenges[challengeID] = cp
	}
	return cp
}

// Open records that the learner opened a lesson: it is where they resume,
// and it is in progress unless already done.
func (p *Progress) Open(id string) {
	p.entry(id)
	p.Last = id
}

// SetPage records the page the learner is on.
func (p *Progress) SetPage(id string, page int) {
	p.entry(id).Page = max(page, 0)
}

// RecordCheck records how many goals of a challenge the learner's world
// meets; a challenge once solved stays solved.
func (p *Progress) RecordCheck(lessonID, challengeID string, cl Checklist) {
	cp := p.challenge(lessonID, challengeID)
	cp.GoalsMet, cp.Goals = cl.Met(), len(cl.Goals)
	cp.Solved = cp.Solved || cl.Solved()
}

// RecordHint records that hint level (from 1) was shown.
func (p *Progress) RecordHint(lessonID, challengeID string, level int) {
	cp := p.challenge(lessonID, challengeID)
	cp.Hints = max(cp.Hints, level)
}

// RecordSolutionShown records that the learner asked for the solution.
func (p *Progress) RecordSolutionShown(lessonID, challengeID string) {
	p.challenge(lessonID, challengeID).SolutionShown = true
}

// RecordAnswer records the learner's answer to a check question.
func (p *Progress) RecordAnswer(lessonID string, q *Question, choice int) {
	lp := p.entry(lessonID)
	if lp.Answers == nil {
		lp.Answers = map[string]Answer{}
	}
	lp.Answers[q.ID] = Answer{Choice: choice, Correct: q.Correct(choice)}
}

// Finish marks a lesson done.
func (p *Progress) Finish(id string) {
	p.entry(id).Status = Done
}

// Reset forgets everything about one lesson.
func (p *Progress) Reset(id string) {
	delete(p.Lessons, id)
	if p.Last == id {
		p.Last = ""
	}
}

// ResetAll forgets everything.
func (p *Progress) ResetAll() {
	*p = Progress{Lessons: map[string]*LessonProgress{}}
}

// Resume returns where the learner left off: the lesson opened last and its
// page, or when that lesson is done, the first lesson after it that is not;
// a newcomer starts at the first lesson. It is nil when every lesson is done.
func (p *Progress) Resume(c *Course) (l *Lesson, page int) {
	from := max(c.Index(p.Last), 0)
	for k := range c.Lessons {
		l := c.Lessons[(from+k)%len(c.Lessons)]
		if lp := p.Lesson(l.ID); lp.Status != Done {
			return l, p.Page(l)
		}
	}
	return nil, 0
}

// Page returns the page of lesson l to resume on, from 0: the one
// recorded, within the pages the lesson has today.
func (p *Progress) Page(l *Lesson) int {
	return max(min(p.Lesson(l.ID).Page, len(l.Pages)-1), 0)
}

// Counts returns how many lessons of the course are done and in progress.
func (p *Progress) Counts(c *Course) (done, inProgress int) {
	for _, l := range c.Lessons {
		switch p.Status(l.ID) {
		case Done:
			done++
		case InProgress:
			inProgress++
		}
	}
	return done, inProgress
}
