package lineform

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
)

func typeLine(f *Form, s string) Outcome {
	for _, r := range s {
		f.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return f.Update(tea.KeyMsg{Type: tea.KeyEnter})
}

func screen(f *Form) string { return strings.Join(f.Text().Lines, "\n") }

func shows(t *testing.T, f *Form, want ...string) {
	t.Helper()
	s := screen(f)
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Fatalf("the form lacks %q:\n%s", w, s)
		}
	}
}

func group(f huh.Field) Field { return Field{Field: f} }

// A form as the lab builds one: an input that validates, a select that
// decides whether the next input shows, whose title follows the select,
// and a multi-select.
func TestAsksEachFieldInTurn(t *testing.T) {
	name, kind, port := "web-1", 0, ""
	var groups []string
	fields := []Field{
		group(huh.NewInput().Title("Name").Value(&name).Validate(func(s string) error {
			if s == "" {
				return errors.New("a name, please")
			}
			if strings.HasSuffix(s, "x") {
				return errors.New("no x at the end")
			}
			return nil
		})),
		group(huh.NewSelect[int]().Title("Type").Options(huh.NewOption("SSH", 0), huh.NewOption("Custom", 1)).Value(&kind)),
		group(huh.NewInput().Value(&port)),
		group(huh.NewMultiSelect[string]().Title("Groups").Options(huh.NewOption("web-sg", "web"), huh.NewOption("ssh-sg", "ssh")).Value(&groups)),
	}
	fields[1].Current = func() string { return []string{"SSH", "Custom"}[kind] }
	fields[2].Hide = func() bool { return kind == 0 }
	fields[2].Title = func() string {
		if kind == 1 {
			return "Custom port"
		}
		return "Port"
	}
	f := New(fields)
	if got := f.Start(); got != Asking {
		t.Fatalf("Start = %v", got)
	}
	// The input's value is the line to edit.
	shows(t, f, "Name web-1")
	for range 5 {
		f.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	}
	f.Update(tea.KeyMsg{Type: tea.KeyEnter})
	shows(t, f, "a name, please", "Name ")
	typeLine(f, "db-1x")
	shows(t, f, "no x at the end", "Name db-1x") // the line refused, to correct
	f.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	f.Update(tea.KeyMsg{Type: tea.KeyEnter})
	shows(t, f, "Type", "1. SSH", "2. Custom", "Enter alone keeps SSH.", "Enter a number between 1 and 2: ")
	typeLine(f, "2")
	shows(t, f, "Custom port") // the title follows the select
	typeLine(f, "8080")
	shows(t, f, "Groups", "1. web-sg", "0. Confirm selection")
	typeLine(f, "1")
	shows(t, f, "1. web-sg (selected)", "2. ssh-sg\n") // huh's ✓, in words
	if got := typeLine(f, "0"); got != Done {
		t.Fatalf("after the last field: %v\n%s", got, screen(f))
	}
	if name != "db-1" || kind != 1 || port != "8080" || len(groups) != 1 || groups[0] != "web" {
		t.Fatalf("values: %q %d %q %v", name, kind, port, groups)
	}
}

func TestHiddenFieldsAreSkipped(t *testing.T) {
	kind, port := 0, "22"
	fields := []Field{
		group(huh.NewSelect[int]().Title("Type").Options(huh.NewOption("SSH", 0), huh.NewOption("Custom", 1)).Value(&kind)),
		group(huh.NewInput().Title("Port").Value(&port)),
	}
	fields[1].Hide = func() bool { return kind == 0 }
	f := New(fields)
	f.Start()
	if got := f.Update(tea.KeyMsg{Type: tea.KeyEnter}); got != Done {
		t.Fatalf("enter alone on the select: %v\n%s", got, screen(f))
	}
	if strings.Contains(screen(f), "Port") {
		t.Fatalf("a hidden field was asked:\n%s", screen(f))
	}
}

// shift+tab asks the field before again, its answer kept as the value to
// edit; esc cancels.
func TestBackAndCancel(t *testing.T) {
	a, b := "", ""
	f := New([]Field{group(huh.NewInput().Title("First").Value(&a)), group(huh.NewInput().Title("Second").Value(&b))})
	f.Start()
	typeLine(f, "one")
	shows(t, f, "Second ")
	f.Update(tea.KeyMsg{Type: tea.KeyShiftTab})
	shows(t, f, "(back)", "First one")
	if got := f.Update(tea.KeyMsg{Type: tea.KeyShiftTab}); got != Asking {
		t.Fatalf("back from the first field: %v", got)
	}
	f.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if got := f.Update(tea.KeyMsg{Type: tea.KeyEsc}); got != Cancelled {
		t.Fatalf("esc: %v", got)
	}
	if a != "one" || b != "" {
		t.Fatalf("values: %q %q", a, b)
	}
	f.Close() // again: harmless
}

// Windows sends a NUL when a modifier is pressed alone, and AltGr's
// characters with Alt set: the first types nothing, the second types.
func TestWindowsKeys(t *testing.T) {
	path := ""
	f := New([]Field{group(huh.NewInput().Title("File").Value(&path))})
	f.Start()
	f.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{0}, Alt: true})
	for _, r := range `C:\labs` {
		f.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: r == '\\'})
	}
	f.Update(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
	f.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if path != `C:\labs` { // huh trims the line
		t.Fatalf("typed %q", path)
	}
}

func TestNotesWaitForEnter(t *testing.T) {
	f := New([]Field{group(huh.NewNote().Title("No instances").Description("Press i to launch one first."))})
	if got := f.Start(); got != Asking {
		t.Fatalf("Start = %v", got)
	}
	shows(t, f, "No instances", "Press i to launch one first.", "Press enter to go on.")
	if got := f.Update(tea.KeyMsg{Type: tea.KeyEnter}); got != Done {
		t.Fatalf("enter: %v", got)
	}
}

// A form dropped without Close ends its coroutine all the same.
func TestDroppedFormEnds(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 20 {
		s := ""
		New([]Field{group(huh.NewInput().Title("x").Value(&s))}).Start()
	}
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines, %d before", runtime.NumGoroutine(), before)
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}
