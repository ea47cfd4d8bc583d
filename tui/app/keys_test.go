package app

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/internal/tuitest"
	"github.com/sglab/sglab/tui/lab"
)

// The key messages Bubble Tea v1 makes on Windows from the console's key
// records (key_windows.go), as Windows Terminal and the old console send
// them; over SSH or in WSL, Windows Terminal sends escape sequences that
// Bubble Tea reads as on any other terminal.
var (
	winShiftTab = tea.KeyMsg{Type: tea.KeyShiftTab}
	winTab      = tea.KeyMsg{Type: tea.KeyTab}
	winEnter    = tea.KeyMsg{Type: tea.KeyEnter}
	winSpace    = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{' '}} // KeySpace elsewhere
	winCtrlS    = tea.KeyMsg{Type: tea.KeyCtrlS}
	winCtrlU    = tea.KeyMsg{Type: tea.KeyCtrlU}
	// A modifier pressed alone (Ctrl, Alt, Caps Lock, the Windows key)
	// is a key record too: a NUL rune, with Alt set for Alt.
	winCtrlAlone = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{0}}
	winAltAlone  = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{0}, Alt: true}
)

// winType types text as Windows sends it: what AltGr makes (\ on a
// German or French keyboard, @, {, …) comes with Alt set, since AltGr is
// Ctrl and right Alt together.
func winType(s string) []tea.Msg {
	var out []tea.Msg
	for _, r := range s {
		out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: strings.ContainsRune(`\@{}[]|~`, r)})
	}
	return out
}

func scratchLab(ctx *common.Context) common.Component { return lab.New(ctx, lab.DefaultWorld()) }

// pane is the title of the lab's open pane at 80x24, where the others fold.
func openPane(t *testing.T, m *Model) string {
	t.Helper()
	for _, l := range strings.Split(view(t, m, 80, 24), "\n") {
		if title, ok := strings.CutPrefix(l, "┏━ "); ok {
			return strings.TrimRight(title, "━┓ ")
		}
	}
	t.Fatalf("no pane is open:\n%s", m.View())
	return ""
}

func TestWindowsShiftTab(t *testing.T) {
	for _, accessible := range []bool{false, true} {
		m := newApp(t, 80, 24, scratchLab)
		m.ctx.Accessible = accessible
		tuitest.Drive(m, winShiftTab)
		if got := openPane(t, m); !strings.HasPrefix(got, "Reachability") {
			t.Fatalf("shift+tab from the world opens %q, want the last pane", got)
		}
		tuitest.Drive(m, winTab)
		if got := openPane(t, m); got != "World" {
			t.Fatalf("tab from the last pane opens %q, want the world", got)
		}
	}
}

// Space as Windows sends it ticks a choice in a form, as KeySpace does.
func TestWindowsSpace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, space := range []tea.KeyMsg{winSpace, tuitest.Key("space")} {
			m := newApp(t, 80, 24, scratchLab)
			tuitest.Drive(m, tuitest.Keys("down", "down", "s")...) // web-1, its services: SSH runs
			tuitest.Drive(m, space, winEnter, winEnter)
			if v := view(t, m, 80, 24); !strings.Contains(v, "Services on web-1: nothing") {
				t.Fatalf("space %+v did not stop SSH:\n%s", space, v)
			}
		}
	})
}

// AltGr's characters type into text fields: a Windows path in the
// save-as form, in both kinds of form.
func TestWindowsAltGr(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, accessible := range []bool{false, true} {
			m := newApp(t, 80, 24, scratchLab)
			m.ctx.Accessible = accessible
			tuitest.Drive(m, winCtrlS, tuitest.Key("enter"), winCtrlU) // the save form's first field: the format
			if accessible {
				for range 200 { // the line holds the suggested path: erase it
					tuitest.Drive(m, tea.KeyMsg{Type: tea.KeyBackspace})
				}
			}
			tuitest.Drive(m, winType(`C:\labs\{web}@home.yaml`)...)
			if v := view(t, m, 80, 24); !strings.Contains(v, `C:\labs\{web}@home.yaml`) {
				t.Fatalf("accessible %v: the path typed with AltGr is not in the field:\n%s", accessible, v)
			}
		}
	})
}

// A modifier pressed alone is not a key: it types nothing, skips no wait,
// answers no question.
func TestWindowsModifierAlone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, accessible := range []bool{false, true} {
			m := newApp(t, 80, 24, scratchLab)
			m.ctx.Accessible = accessible
			m.ctx.Timeout = time.Hour
			tuitest.Drive(m, tuitest.Key("f")) // your computer to web-1 on SSH: it times out
			tuitest.Drive(m, winCtrlAlone, winAltAlone)
			if v := view(t, m, 80, 24); !strings.Contains(strings.ToLower(v), "waiting for") {
				t.Fatalf("accessible %v: a modifier alone ended the wait:\n%s", accessible, v)
			}
			tuitest.Drive(m, tuitest.Key("x")) // any real key does
			tuitest.Drive(m, winCtrlS, tuitest.Key("enter"), winCtrlU, winCtrlAlone, winAltAlone)
			tuitest.Drive(m, winType("lab.yaml")...)
			if v := view(t, m, 80, 24); !strings.Contains(v, "lab.yaml") || strings.Contains(v, `\x00`) {
				t.Fatalf("accessible %v: a modifier alone typed something:\n%s", accessible, v)
			}
		}
	})
}
