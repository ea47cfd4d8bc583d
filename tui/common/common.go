// Package common holds what every screen of sglab's terminal UI shares: the
// Component contract, the program context handed to children, navigation
// messages, and small rendering helpers for framed panes.
package common

import (
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/sglab/sglab/internal/store"
	"github.com/sglab/sglab/lessons"
	"github.com/sglab/sglab/tui/theme"
)

// Component is one screen or one pane: a Bubble Tea model that lists its
// keys (for the help bar and for key routing) and is told its size.
type Component interface {
	tea.Model
	help.KeyMap
	SetSize(width, height int)
}

// Capturer is a component that takes every key while it is capturing: a
// form or a text field being typed into, where "q" is a letter, not quit.
type Capturer interface {
	Capturing() bool
}

// Unsaved is a screen that may hold changes written nowhere yet. Unsaved
// returns what would be lost ("the changes to lab.yaml"), or "".
type Unsaved interface {
	Unsaved() string
}

// Anchored is a screen with keys the help bar must never cut for want of
// room, as it never cuts the app's own: the lab's way out, for one.
type Anchored interface {
	AnchoredHelp() []key.Binding
}

// Resizer is a screen with work to start whenever the root lays it out:
// on a new terminal size, and when it comes back on top. SetSize cannot
// return a command, and some work belongs off the UI goroutine, such as
// rendering a lesson's Markdown at the new width.
type Resizer interface {
	Resized() tea.Cmd
}

// Closer is a screen with work to finish before the program ends, such as
// an autosave still in flight.
type Closer interface {
	Close() error
}

// IsCapturing reports whether c is a Capturer that is capturing now.
func IsCapturing(c any) bool {
	cc, ok := c.(Capturer)
	return ok && cc.Capturing()
}

// Wants reports whether msg matches one of the enabled keys km lists.
// Routing keys by the help's own bindings keeps the help honest: a key
// works in a pane exactly when the help says so.
func Wants(km help.KeyMap, msg tea.KeyMsg) bool {
	for _, col := range km.FullHelp() {
		for _, b := range col {
			if b.Enabled() && key.Matches(msg, b) {
				return true
			}
		}
	}
	return false
}

// Context is what the root hands to every screen: styles, the clock, the
// state directory, how long a timed-out connection makes the learner wait,
// the course, and whether the session is in accessible mode. Tests inject
// the clock and a zero wait to skip animations.
type Context struct {
	Styles *theme.Styles
	Now    func() time.Time
	// Store is where the learner's work is kept: the state directory on
	// their own machine, or the class database in a session served over
	// SSH. Nil means the state directory DataDir.
	Store store.Store
	// DataDir is the state directory of a learner on their own machine;
	// empty over SSH.
	DataDir string
	// SaveDelay is how long the persistence service gathers a burst of
	// changes before it writes them (store.DefaultDelay in the app; zero
	// writes each change at once, as the tests want).
	SaveDelay time.Duration
	// Remote is set in a session served over SSH: the files of the
	// machine the app runs on are the server's, not the learner's, so no
	// screen reads or writes them (the lab has no save-as there).
	Remote  bool
	Timeout time.Duration
	// Accessible is the mode for screen readers (--accessible, or
	// ACCESSIBLE=1 as huh and gum read it): forms ask one question at a
	// time as lines of text, every mark, outcome and grid cell reads as
	// words, nothing animates, and panes are read one at a time, never
	// side by side. It belongs to the session: a classroom server runs
	// learners in both modes in one process.
	Accessible bool
	// Course is the built-in lessons and the packs added with --pack,
	// loaded and checked before the UI starts; nil means the built-in
	// lessons alone.
	Course *lessons.Course

	mu      sync.Mutex
	kept    map[string]any // see Keep
	persist *store.Persister
}

// Persister is the session's one persistence service: every screen's
// writes go through it, merged per burst, and Close flushes them. It is
// made on first use, over Store (or the state directory DataDir).
func (c *Context) Persister() (*store.Persister, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.persist != nil {
		return c.persist, nil
	}
	st := c.Store
	if st == nil {
		f, err := store.OpenFiles(c.DataDir)
		if err != nil {
			return nil, err
		}
		if c.Now != nil {
			f.Now = c.Now
		}
		st = f
	}
	c.persist = store.NewPersister(st, c.SaveDelay)
	return c.persist, nil
}

// Close writes whatever the session still holds.
func (c *Context) Close() error {
	c.mu.Lock()
	p := c.persist
	c.mu.Unlock()
	if p == nil {
		return nil
	}
	return p.Close()
}

// Keep returns what the session keeps under key, made by make the first
// time. Screens a learner leaves and opens again in one run are kept this
// way (the scratch lab, the course with each challenge's lab), so they
// continue where the learner was, undo history and all. The context
// belongs to one session, so nothing is shared between learners.
func Keep[T any](c *Context, key string, make func() (T, error)) (T, error) {
	c.mu.Lock()
	v, ok := c.kept[key].(T)
	c.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := make() // without the lock: make may keep things too
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if kept, ok := c.kept[key].(T); ok { // made meanwhile: one per session
		return kept, nil
	}
	if c.kept == nil {
		c.kept = map[string]any{}
	}
	c.kept[key] = v
	return v, nil
}

// BackMsg asks the root to close the current screen and return to the one
// below it (the home screen at the bottom).
type BackMsg struct{}

// Back is a command that sends BackMsg.
func Back() tea.Msg { return BackMsg{} }

// PushMsg asks the root to open Screen on top of the current one. The
// lessons open the lab on a challenge's world this way.
type PushMsg struct{ Screen Component }

// Push is a command that sends PushMsg for screen.
func Push(screen Component) tea.Cmd {
	return func() tea.Msg { return PushMsg{Screen: screen} }
}
