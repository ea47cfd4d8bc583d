package common

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/sglab/sglab/tui/theme"
)

func TestFit(t *testing.T) {
	for _, c := range []struct {
		in    string
		width int
		want  string
	}{
		{"abc", 5, "abc  "},
		{"abcdef", 4, "abc…"},
		{"✓ ok", 4, "✓ ok"},
		{"anything", 0, ""},
	} {
		if got := Fit(c.in, c.width); got != c.want {
			t.Errorf("Fit(%q, %d) = %q, want %q", c.in, c.width, got, c.want)
		}
	}
}

func TestWrapCarriesStylesAcrossLines(t *testing.T) {
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.ANSI)
	red := r.NewStyle().Foreground(lipgloss.Color("1")).Render("one two three four")
	lines := Wrap(red+" plain", 9)
	if len(lines) < 3 {
		t.Fatalf("lines = %q", lines)
	}
	for k, l := range lines[:2] {
		if !strings.HasPrefix(l, "\x1b[31m") || !strings.HasSuffix(l, "\x1b[0m") {
			t.Errorf("line %d does not stand on its own: %q", k, l)
		}
	}
	if last := lines[len(lines)-1]; strings.Contains(last, "\x1b[31m") {
		t.Errorf("the style leaks past its end: %q", last)
	}
}

func TestWrapKeepsHyphenatedNamesWhole(t *testing.T) {
	got := Wrap("no inbound rule of web-sg or ssh-from-me matched", 22)
	want := []string{"no inbound rule of", "web-sg or ssh-from-me", "matched"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("Wrap = %q, want %q", got, want)
	}
}

func TestHangIndentsWrappedLines(t *testing.T) {
	got := Hang("✗ TIMED OUT  ", "ssh: connect to host 54.210.0.10 port 22: Connection timed out", 40)
	want := []string{
		"✗ TIMED OUT  ssh: connect to host",
		"             54.210.0.10 port 22:",
		"             Connection timed out",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestFrameAndBesideFillTheirBox(t *testing.T) {
	st := theme.New(lipgloss.NewRenderer(nil), theme.Dark)
	for _, size := range [][2]int{{0, 0}, {3, 1}, {4, 2}, {20, 5}} {
		lines := Frame(st, "a very long pane title", []string{"body that is far too wide for the box", "two", "three", "four", "five"}, size[0], size[1], true)
		if len(lines) != size[1] {
			t.Fatalf("%v: %d lines", size, len(lines))
		}
		for _, l := range lines {
			if ansi.StringWidth(l) != size[0] {
				t.Fatalf("%v: line %q is %d wide", size, l, ansi.StringWidth(l))
			}
		}
	}
	both := Beside([]string{"ab", "cd", "ef"}, []string{"x"})
	if strings.Join(both, "|") != "abx|cd |ef " {
		t.Fatalf("Beside = %q", both)
	}
}

type keymap []key.Binding

func (k keymap) ShortHelp() []key.Binding  { return k }
func (k keymap) FullHelp() [][]key.Binding { return [][]key.Binding{k} }

func TestWantsOnlyEnabledKeys(t *testing.T) {
	on := key.NewBinding(key.WithKeys("a"))
	off := key.NewBinding(key.WithKeys("b"), key.WithDisabled())
	km := keymap{on, off}
	if !Wants(km, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("a")}) {
		t.Error("an enabled key is not wanted")
	}
	if Wants(km, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("b")}) {
		t.Error("a disabled key is wanted")
	}
}
