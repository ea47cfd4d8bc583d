// Package lesson is the course in sglab's terminal UI: the list of lessons
// with the learner's progress, the lesson screen (pages rendered from
// Markdown, check questions, the end of the lesson) and the goals panel
// beside the lab that a challenge opens. Everything it checks, it asks the
// lessons package and the engine; it only shows and records.
package lesson

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/sglab/sglab/internal/state"
	"github.com/sglab/sglab/internal/store"
	"github.com/sglab/sglab/lessons"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/lab"
)

// learner is what the course's screens share: the course, the learner's
// progress as this session knows it, the recorder that saves changes to
// it, the rendered Markdown, and the last message for the status line.
type learner struct {
	ctx      *common.Context
	course   *lessons.Course
	progress *lessons.Progress
	rec      *recorder
	md       *markdown
	note     note
	// opened is the lesson opened last in this session: the course list
	// puts its cursor there when it comes back on top.
	opened string
	// labs keeps each challenge's lab by lesson and challenge id, so that
	// going back to the lesson (or the course, or home) and into the lab
	// again continues where the learner was, undo history and all.
	labs map[string]*lab.Model
}

// note is a message for the status line.
type note struct {
	text string
	kind common.StatusKind
}

// lines draws the note on at most two lines of width cells; none when
// there is nothing to say.
func (n note) lines(ctx *common.Context, width int) []string {
	if n.text == "" {
		return nil
	}
	return common.StatusLines(ctx, n.kind, n.text, width)
}

func courseOf(ctx *common.Context) (*lessons.Course, error) {
	if ctx.Course != nil {
		return ctx.Course, nil
	}
	c, ds := lessons.LoadCourse()
	if ds.HasErrors() {
		return nil, fmt.Errorf("the course did not load: %w", ds)
	}
	return c, nil
}

// newLearner loads the course and the progress. A corrupt progress file
// is set aside by the store; its warning goes to the status line.
func newLearner(ctx *common.Context) (*learner, error) {
	course, err := courseOf(ctx)
	if err != nil {
		return nil, err
	}
	rec, err := newRecorder(ctx)
	if err != nil {
		return nil, err
	}
	p, warnings, err := rec.load()
	if err != nil {
		return nil, err
	}
	l := &learner{ctx: ctx, course: course, progress: p, rec: rec, md: newMarkdown(ctx), labs: map[string]*lab.Model{}}
	if len(warnings) > 0 {
		l.note = note{strings.Join(warnings, "; "), common.StatusWarn}
	}
	return l, nil
}

// moved is called when the learner goes to another screen of the course:
// what the status line said about the last one is history now. Warnings
// and errors (progress not saved, a file set aside) stay until replaced.
func (l *learner) moved() {
	if l.note.kind == common.StatusInfo || l.note.kind == common.StatusOK {
		l.note = note{}
	}
}

// record changes the progress this session shows at once, and returns the
// command that saves the same change to the progress file.
func (l *learner) record(change func(p *lessons.Progress)) tea.Cmd {
	change(l.progress)
	return l.rec.record(change)
}

// absorb handles the messages every screen of the course may receive,
// whichever is on top when they arrive: a Markdown rendering done, a save
// that went wrong. It reports whether msg was one of them.
func (l *learner) absorb(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case renderedMsg:
		l.md.store(msg)
	case savedMsg:
		if msg.err != nil {
			l.note = note{"Your progress was not saved: " + msg.err.Error(), common.StatusErr}
		} else {
			l.note = note{strings.Join(msg.warnings, "; "), common.StatusWarn}
		}
	default:
		return false
	}
	return true
}

// Close writes what is still queued, so that quitting loses nothing.
func (l *learner) Close() error { return l.rec.close() }

// number is a lesson's number in the course, from 1.
func (l *learner) number(ls *lessons.Lesson) int { return l.course.Index(ls.ID) + 1 }

// recorder saves changes to the progress through the session's
// persistence service: off the UI goroutine, in the order they were made,
// a burst of changes costing one write.
type recorder struct {
	persist *store.Persister
}

// savedMsg reports a save that failed or that warned (a corrupt file set
// aside). Saves that went well send nothing.
type savedMsg struct {
	err      error
	warnings []string
}

func newRecorder(ctx *common.Context) (*recorder, error) {
	p, err := ctx.Persister()
	if err != nil {
		return nil, err
	}
	return &recorder{persist: p}, nil
}

func (r *recorder) load() (*lessons.Progress, []string, error) {
	var warnings []string
	p, err := lessons.LoadProgress(r.persist.Store().WithWarn(func(w string) { warnings = append(warnings, w) }))
	return p, warnings, err
}

func freshProgress() state.Versioned {
	return &lessons.Progress{Lessons: map[string]*lessons.LessonProgress{}}
}

func (r *recorder) record(change func(p *lessons.Progress)) tea.Cmd {
	wait := r.persist.Update(lessons.ProgressFile, freshProgress, func(v state.Versioned) any {
		change(v.(*lessons.Progress))
		return nil
	})
	return func() tea.Msg {
		out := wait()
		if out.Err == nil && len(out.Warnings) == 0 {
			return nil
		}
		return savedMsg{err: out.Err, warnings: out.Warnings}
	}
}

func (r *recorder) close() error {
	if err := r.persist.Flush(); err != nil {
		return fmt.Errorf("your progress was not saved: %w", err)
	}
	return nil
}

// Home is what the home screen shows for the course: what opening it
// does now (where the learner continues, or where a newcomer starts), and
// how to open it. Reading the progress may set a corrupt file aside; the
// description mentions it, and the course's status line says where the
// file went.
func Home(ctx *common.Context) (desc string, open func(*common.Context) (common.Component, error)) {
	l, err := newLearner(ctx)
	if err != nil {
		return "Could not open the course: " + err.Error(), func(*common.Context) (common.Component, error) { return nil, err }
	}
	desc = describe(l.course, l.progress)
	if l.note.text != "" {
		desc = "Your saved progress could not be read and was set aside. " + desc
	}
	warning := l.note
	return desc, func(ctx *common.Context) (common.Component, error) { return openCourse(ctx, warning) }
}

// openCourse returns the course screen, with warning on its status line.
// When the learner has a lesson in progress, that lesson opens on top of
// it at the page they were on, so that one key on the home screen takes
// them back where they left off.
func openCourse(ctx *common.Context, warning note) (common.Component, error) {
	// One learner per session: the course opened again keeps its labs.
	l, err := common.Keep(ctx, "lesson/learner", func() (*learner, error) { return newLearner(ctx) })
	if err != nil {
		return nil, err
	}
	if l.note.text == "" {
		l.note = warning
	}
	c := newCourse(l)
	if ls, page := l.progress.Resume(l.course); ls != nil && l.progress.Status(ls.ID) == lessons.InProgress {
		c.resume = newLesson(l, ls, page)
	}
	return c, nil
}

func describe(c *lessons.Course, p *lessons.Progress) string {
	n := len(c.Lessons)
	done, _ := p.Counts(c)
	ls, page := p.Resume(c)
	switch {
	case ls == nil:
		return fmt.Sprintf("All %d lessons done. Open any of them to go over it again.", n)
	case p.Status(ls.ID) == lessons.InProgress:
		return fmt.Sprintf("Continue where you left off: lesson %d, %s, page %d of %d. %d of %d lessons done.",
			c.Index(ls.ID)+1, safe(ls.Title), page+1, len(ls.Pages), done, n)
	case done > 0:
		return fmt.Sprintf("Next: lesson %d, %s. %d of %d lessons done.", c.Index(ls.ID)+1, safe(ls.Title), done, n)
	}
	minutes := 0
	for _, l := range c.Lessons {
		minutes += l.Minutes
	}
	return fmt.Sprintf("%d short lessons, about %d minutes in all, each with a hands-on challenge. Start with lesson 1: %s.",
		n, minutes, safe(ls.Title))
}

// OpenAt returns the course with lesson id open on top of it: at the
// page of its first challenge when challenge is set, else where the
// learner left it. An instructor's assignment opens this way.
func OpenAt(ctx *common.Context, id string, challenge bool) (common.Component, error) {
	l, err := common.Keep(ctx, "lesson/learner", func() (*learner, error) { return newLearner(ctx) })
	if err != nil {
		return nil, err
	}
	ls := l.course.Lesson(id)
	if ls == nil {
		return nil, fmt.Errorf("the course has no lesson %s", safe(id))
	}
	page := l.progress.Page(ls)
	if challenge {
		for k, p := range ls.Pages {
			if p.Challenge != nil {
				page = k
				break
			}
		}
	}
	c := newCourse(l)
	c.resume = newLesson(l, ls, page)
	return c, nil
}
