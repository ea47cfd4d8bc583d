package lab

import (
	"os"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/charmbracelet/bubbles/cursor"
	tea "github.com/charmbracelet/bubbletea"
)

// TestFormInitFollowsHuh pins the versions tag and form.initCmds were
// written against. tag knows Bubble Tea's exported batch message and
// nothing else of its internals; initCmds lays out what huh's Form.Init
// returns (each group's start, a move past a hidden first group, the
// request for the terminal's size). A new Bubble Tea, bubbles or huh may
// change either: read their Form.Init, tea.Sequence and cursor.BlinkMsg
// again, then move the pins.
func TestFormInitFollowsHuh(t *testing.T) {
	// A test binary carries no dependency versions; go.mod holds the
	// ones every build selects.
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, pin := range []string{
		"github.com/charmbracelet/bubbletea v1.3.10",
		"github.com/charmbracelet/bubbles v1.0.0",
		"github.com/charmbracelet/huh v1.0.0",
	} {
		if !strings.Contains(string(mod), "\t"+pin+"\n") {
			t.Errorf("go.mod does not require %s: check tag and form.initCmds against the new version, then move the pin", pin)
		}
	}
}

// A form's first command hands the size request to the program as it
// is (huh lays its fields out from the answer), and everything else it
// asks comes back as the form's own.
func TestFormInitLeavesTheSizeRequestToTheProgram(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newLab(t, 120, 40)
		f := newGroupForm(m.env, "vpc-main")
		cmds := f.initCmds()
		if len(cmds) < 2 {
			t.Fatalf("the first command of a form asks %d things, want each group's start and the size", len(cmds))
		}
		if msg := cmds[len(cmds)-1](); msg != tea.WindowSize()() {
			t.Fatalf("the last thing a form asks first is %#v, want Bubble Tea's own size request", msg)
		}
		for _, c := range cmds[:len(cmds)-1] {
			for _, msg := range settle(c) {
				if ff, ok := msg.(fromForm); !ok || ff.id != f.id {
					t.Errorf("a group's start answered %#v, want a message of form %d", msg, f.id)
				}
			}
		}
	})
}

// settle runs cmd and the commands of its batches, and returns what they
// answer.
func settle(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, settle(c)...)
		}
		return out
	default:
		return []tea.Msg{msg}
	}
}

func TestTagDropsBlinksAndTagsBatches(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		hello := func() tea.Msg { return "hello" }
		c := cursor.New()
		blink := c.Focus() // a real blink: it answers after half a second
		if blink == nil {
			t.Fatal("a focused cursor asks for no blink: nothing is tested")
		}
		got := settle(tag(3, tea.Batch(hello, blink, nil, hello)))
		want := []tea.Msg{fromForm{id: 3, msg: "hello"}, fromForm{id: 3, msg: "hello"}}
		if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("a batch of two messages and a blink answered %#v, want %#v", got, want)
		}
		if tag(3, nil) != nil {
			t.Fatal("a form asking nothing asks something once tagged")
		}
	})
}
