package app

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/sglab/sglab/internal/store"
	"github.com/sglab/sglab/lessons"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/theme"
)

// Options are what one session of the app is made of: sglab in a
// terminal, or one learner's session on a classroom server. Everything a
// session could change belongs to it: the renderer (the learner's
// terminal, its colours and background), the styles built from it, the
// store, the clock. Nothing process-wide.
type Options struct {
	Renderer *lipgloss.Renderer
	Theme    theme.Mode
	// Store keeps the learner's work; nil means the state directory
	// DataDir.
	Store   store.Store
	DataDir string
	// Remote is set for a session served over SSH (see common.Context).
	Remote     bool
	Now        func() time.Time // nil: time.Now
	Course     *lessons.Course  // nil: the built-in lessons
	Timeout    time.Duration    // how long a timed-out connection waits
	Accessible bool
	// Width and Height are the terminal's size when it is known before
	// the program starts (a session's pseudo-terminal).
	Width, Height int
	// Assignment is shown first on the home screen.
	Assignment *Assignment
	// Start opens a screen over home (sglab lab, sglab quiz).
	Start func(ctx *common.Context) (common.Component, error)
}

// NewSession returns the app for one session. It reads the store (the
// home screen says where the learner is): call it before the program
// runs, not from an Update.
func NewSession(o Options) (*Model, error) {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	ctx := &common.Context{
		Styles: theme.New(o.Renderer, o.Theme), Now: now, Store: o.Store, DataDir: o.DataDir,
		SaveDelay: store.DefaultDelay, Remote: o.Remote, Timeout: o.Timeout, Course: o.Course, Accessible: o.Accessible,
	}
	var start common.Component
	if o.Start != nil {
		var err error
		if start, err = o.Start(ctx); err != nil {
			ctx.Close()
			return nil, err
		}
	}
	m := New(ctx, start)
	if o.Assignment != nil {
		m.home = newHome(ctx, o.Assignment)
	}
	if o.Width > 0 && o.Height > 0 {
		m.Update(tea.WindowSizeMsg{Width: o.Width, Height: o.Height})
	}
	return m, nil
}
