// Package quiz is the quiz in sglab's terminal UI: a menu to choose a mode,
// a topic and a number of questions, and a screen for each mode (practice,
// drill, exam, review).
//
// The screens only ask and show. Package quiz of the module (imported here
// as qz) picks the questions, judges every answer, runs the modes' clocks
// and keeps the learner's history; the screens record each answer and
// result through qz.Update, in commands, so the screen never waits on the
// disk.
package quiz

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/sglab/sglab/internal/state"
	"github.com/sglab/sglab/internal/store"
	"github.com/sglab/sglab/lessons"
	qz "github.com/sglab/sglab/quiz"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/theme"
)

// env is what the menu and the screens it opens share: the program
// context, the clock the modes run on, and the learner's progress as last
// read or written.
type env struct {
	ctx   *common.Context
	st    *theme.Styles
	clock qz.Clock
	rec   *recorder
	// progress is the learner's quiz progress as of the last write (or the
	// read when the quiz opened); the menu shows what is due from it.
	progress *qz.Progress
	gen      uint64 // the write progress comes from; a later one replaces it
	// warn is a problem the store handled when the quiz opened (a corrupt
	// file set aside), for the first screen to show.
	warn string
}

// clockFunc adapts the context's clock to the modes' qz.Clock, so that
// the tests' clock runs the drill's and the exam's countdowns too.
type clockFunc func() time.Time

func (f clockFunc) Now() time.Time { return f() }

func newEnv(ctx *common.Context) (*env, error) {
	persist, err := ctx.Persister()
	if err != nil {
		return nil, fmt.Errorf("cannot read your quiz progress: %w", err)
	}
	e := &env{ctx: ctx, st: ctx.Styles, clock: clockFunc(ctx.Now), rec: &recorder{persist: persist}}
	p, warn, err := e.rec.load()
	if err != nil {
		return nil, fmt.Errorf("cannot read your quiz progress: %w", err)
	}
	e.progress, e.warn = p, warn
	return e, nil
}

// Menu returns the quiz menu, the home screen's Quiz entry.
func Menu(ctx *common.Context) (common.Component, error) {
	e, err := newEnv(ctx)
	if err != nil {
		return nil, err
	}
	return newMenu(e), nil
}

// Open returns the screen of the quiz opts ask for, checked already (by
// qz.Options.Validate): `sglab quiz --mode exam` opens the exam itself.
func Open(ctx *common.Context, opts qz.Options) (common.Component, error) {
	e, err := newEnv(ctx)
	if err != nil {
		return nil, err
	}
	return e.start(opts)
}

// start opens a quiz: the menu's enter and Open.
func (e *env) start(o qz.Options) (common.Component, error) {
	switch o.Mode {
	case qz.ModeDrill:
		return newDrill(e, o.Topic, o.Seed), nil
	case qz.ModeReview:
		return newReview(e, o.Topic, o.Count), nil
	}
	qs, err := qz.Pick(o.Topic, o.Count, o.Seed)
	if err != nil {
		return nil, err
	}
	if o.Mode == qz.ModeExam {
		return newExam(e, qs, o), nil
	}
	return newPractice(e, qz.NewPractice(qs, e.clock), o.Topic), nil
}

// saved takes in a write's outcome: the progress it left, when it is the
// latest, and the error to show, if any.
func (e *env) saved(msg savedMsg) error {
	e.rec.delivered(msg)
	if msg.err != nil {
		return msg.err
	}
	if msg.gen > e.gen {
		e.progress, e.gen = msg.progress, msg.gen
	}
	return nil
}

// lessonTitle names the lesson that teaches a question: "Lesson 10, The
// ports to know", or the id when the course does not have it.
func lessonTitle(id string) string {
	course, err := lessons.Builtin()
	if err != nil {
		return id
	}
	k := slices.IndexFunc(course.Lessons, func(l *lessons.Lesson) bool { return l.ID == id })
	if k < 0 {
		return id
	}
	return fmt.Sprintf("Lesson %d, %s", course.Lessons[k].Order, course.Lessons[k].Title)
}

// recorder writes to the learner's quiz progress through the session's
// persistence service, in commands: the store syncs every write to disk,
// which can take long enough to feel in a drill. Each write reports the
// progress it left.
type recorder struct {
	persist *store.Persister

	mu  sync.Mutex
	err error // the last write's error while its message is on its way
}

// savedMsg is a write's outcome: the progress it left (gen orders the
// writes), what the change returned, and what went wrong.
type savedMsg struct {
	gen      uint64
	progress *qz.Progress
	value    any
	warn     string
	err      error
}

func (r *recorder) load() (*qz.Progress, string, error) {
	var warn string
	p, err := qz.Load(r.persist.Store().WithWarn(func(s string) { warn = s }))
	return p, warn, err
}

func freshProgress() state.Versioned { return qz.NewProgress() }

// record applies change to the stored progress in a command. What change
// returns comes back in the savedMsg, for the screen that asked.
func (r *recorder) record(change func(p *qz.Progress) any) tea.Cmd {
	wait := r.persist.Update(qz.FileName, freshProgress, func(v state.Versioned) any { return change(v.(*qz.Progress)) })
	return func() tea.Msg {
		out := wait()
		msg := savedMsg{gen: out.Seq, value: out.Result}
		if p, ok := out.Doc.(*qz.Progress); ok {
			msg.progress = p
		}
		if len(out.Warnings) > 0 {
			msg.warn = out.Warnings[0]
		}
		if out.Err != nil {
			msg.err = fmt.Errorf("could not save to your progress: %w", out.Err)
		}
		r.mu.Lock()
		r.err = msg.err
		r.mu.Unlock()
		return msg
	}
}

// delivered notes that a write's message reached a screen, which shows
// its error: Close need not report it again.
func (r *recorder) delivered(msg savedMsg) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if errors.Is(r.err, msg.err) {
		r.err = nil
	}
}

// wait writes what is still queued, so that quitting right after an
// answer still keeps it, and returns the error of a write no screen has
// shown.
func (r *recorder) wait() error {
	err := r.persist.Flush()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	return err
}
