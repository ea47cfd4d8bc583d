package tuitest

import (
	"bytes"
	"io"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// Program is a real Bubble Tea program under test, driven the way a person
// at the keyboard drives it: it waits for the screen to show something
// before typing on, instead of sleeping and hoping.
type Program struct {
	tb  testing.TB
	tm  *teatest.TestModel
	out io.Reader
}

// Start runs m in a test terminal of width x height.
func Start(tb testing.TB, m tea.Model, width, height int) *Program {
	tm := teatest.NewTestModel(tb, m, teatest.WithInitialTermSize(width, height))
	return &Program{tb: tb, tm: tm, out: tm.Output()}
}

// WaitFor waits until the output has shown every one of texts. The output
// is read as it goes, so each wait looks at what came after the last one.
// It gives the program twenty seconds: CI machines run many tests at once
// and a frame can be seconds late there; a test that passes never waits
// that long.
func (p *Program) WaitFor(texts ...string) {
	p.tb.Helper()
	teatest.WaitFor(p.tb, p.out, func(b []byte) bool {
		for _, s := range texts {
			if !bytes.Contains(b, []byte(s)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(20*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

// Focused waits for a form's field to show focused (the bar left of its
// title). A huh form moves to its next field through a command, so a key
// sent before that would land in the field before.
func (p *Program) Focused(title string) {
	p.tb.Helper()
	p.WaitFor("┃ " + title)
}

// Keys sends keys by name, as Key names them.
func (p *Program) Keys(names ...string) {
	for _, k := range names {
		p.tm.Send(Key(k))
	}
}

// Type types text.
func (p *Program) Type(text string) { p.tm.Type(text) }

// Final waits for the program to end and returns its last model.
func (p *Program) Final() tea.Model {
	return p.tm.FinalModel(p.tb, teatest.WithFinalTimeout(20*time.Second))
}
