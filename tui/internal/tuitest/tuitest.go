// Package tuitest helps test sglab's Bubble Tea models without a terminal:
// key messages by name, a tiny synchronous runtime that feeds commands'
// messages back into a model, a fixed context, and checks that a view
// fits its screen.
package tuitest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/theme"
)

// Epoch is the tests' fixed clock.
var Epoch = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)

// Setup fixes the default renderer the way golden files expect: no
// colour, dark background. Call it from TestMain.
func Setup() {
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
}

// Context is a program context with a fixed clock, no waiting on
// timeouts, and a fresh state directory.
func Context(tb testing.TB) *common.Context {
	return &common.Context{
		Styles:  theme.New(lipgloss.DefaultRenderer(), theme.Dark),
		Now:     func() time.Time { return Epoch },
		DataDir: tb.TempDir(),
	}
}

// Key returns the key message for a key name as Bubble Tea spells it:
// "enter", "ctrl+c", "shift+tab", "space", or a single character.
func Key(name string) tea.KeyMsg {
	for t, s := range keyNames {
		if s == name {
			return tea.KeyMsg{Type: t}
		}
	}
	if name == "space" {
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(name)}
}

var keyNames = map[tea.KeyType]string{
	tea.KeyEnter: "enter", tea.KeyEsc: "esc", tea.KeyTab: "tab", tea.KeyShiftTab: "shift+tab",
	tea.KeyUp: "up", tea.KeyDown: "down", tea.KeyLeft: "left", tea.KeyRight: "right",
	tea.KeyBackspace: "backspace", tea.KeyDelete: "delete", tea.KeyHome: "home", tea.KeyEnd: "end",
	tea.KeyPgUp: "pgup", tea.KeyPgDown: "pgdown", tea.KeyCtrlC: "ctrl+c", tea.KeyCtrlS: "ctrl+s",
	tea.KeyCtrlZ: "ctrl+z", tea.KeyCtrlU: "ctrl+u", tea.KeyCtrlD: "ctrl+d", tea.KeyCtrlR: "ctrl+r", tea.KeyCtrlY: "ctrl+y",
	tea.KeyCtrlB: "ctrl+b",
}

// Keys turns key names into messages.
func Keys(names ...string) []tea.Msg {
	out := make([]tea.Msg, len(names))
	for k, n := range names {
		out[k] = Key(n)
	}
	return out
}

// Type turns text into one key message per character.
func Type(text string) []tea.Msg {
	var out []tea.Msg
	for _, r := range text {
		out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return out
}

// Drive delivers msgs to m one by one, each followed by every message its
// commands produce, as Bubble Tea would, until nothing is left. Timers (a
// cursor's blink, a spinner's frame) and tea.Quit are dropped. Commands
// that wait on the clock cost their real time, unless the test runs in a
// synctest bubble, whose fake clock lets the waits pass at once.
func Drive(m tea.Model, msgs ...tea.Msg) tea.Model {
	Run(m, msgs...)
	return m
}

// Run drives m like Drive and returns how many timers its commands asked
// for: what an idle screen must not do.
func Run(m tea.Model, msgs ...tea.Msg) (timers int) {
	for _, msg := range msgs {
		queue := []tea.Msg{msg}
		for n := 0; len(queue) > 0; n++ {
			if n == maxAnswers {
				panic(fmt.Sprintf("tuitest: more than %d messages answer %v: the model's commands loop", maxAnswers, msg))
			}
			var cmd tea.Cmd
			m, cmd = m.Update(queue[0])
			out, n := run(cmd)
			queue, timers = append(queue[1:], out...), timers+n
		}
	}
	return timers
}

// maxAnswers bounds the messages one input may bring about: past it, the
// model's commands answer each other forever (a cursor's blink asking for
// the next one), which would otherwise hang the test.
const maxAnswers = 1000

// timerCode is the code of the commands that only wait: tea.Tick's (a
// spinner's frames) and a text cursor's blink.
var timerCode = func() map[uintptr]bool {
	c := cursor.New()
	return map[uintptr]bool{
		reflect.ValueOf(tea.Tick(0, nil)).Pointer(): true,
		reflect.ValueOf(c.BlinkCmd()).Pointer():     true,
	}
}()

// run runs a command, and the commands inside batches and sequences in
// order, and returns the messages they produce and how many timers it
// skipped (a command that does not answer within five seconds counts as
// one: a save on a machine busy with other work can take a second).
func run(cmd tea.Cmd) ([]tea.Msg, int) {
	if cmd == nil {
		return nil, 0
	}
	if timerCode[reflect.ValueOf(cmd).Pointer()] {
		return nil, 1
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(5 * time.Second):
		return nil, 1
	}
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
		var out []tea.Msg
		timers := 0
		for k := range v.Len() {
			msgs, n := run(v.Index(k).Interface().(tea.Cmd))
			out, timers = append(out, msgs...), timers+n
		}
		return out, timers
	}
	if _, quit := msg.(tea.QuitMsg); quit || msg == nil {
		return nil, 0
	}
	return []tea.Msg{msg}, 0
}

// Accessible is Context in accessible mode.
func Accessible(tb testing.TB) *common.Context {
	ctx := Context(tb)
	ctx.Accessible = true
	return ctx
}

// Glyphs returns the glyphs in view that carry meaning for a sighted
// reader (marks, arrows, spinner frames), which accessible mode says in
// words. Frames of box-drawing characters, "·" between words and "…" may
// stay: they say nothing.
func Glyphs(view string) []string {
	var found []string
	for _, r := range view {
		switch {
		case strings.ContainsRune("✓✗○◐●⚑▸↻←→↑↓‹›", r), r >= 0x2800 && r <= 0x28ff: // braille: spinners
			found = append(found, string(r))
		}
	}
	return found
}

// CheckView reports what is wrong with a view that should fill a width by
// height screen exactly: too many or too few lines, or lines too wide.
func CheckView(view string, width, height int) error {
	lines := strings.Split(view, "\n")
	if len(lines) != height {
		return fmt.Errorf("the view has %d lines, want %d", len(lines), height)
	}
	for k, l := range lines {
		if w := ansi.StringWidth(l); w > width {
			return fmt.Errorf("line %d is %d cells wide, more than %d: %q", k+1, w, width, l)
		}
	}
	return nil
}

// Flat folds a view's white space, so that text is found wherever the
// view's lines wrap or its columns pad.
func Flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// Missing returns those of want that view does not show, wherever its
// lines wrap.
func Missing(view string, want ...string) []string {
	flat := Flat(view)
	var missing []string
	for _, w := range want {
		if !strings.Contains(flat, Flat(w)) {
			missing = append(missing, w)
		}
	}
	return missing
}
