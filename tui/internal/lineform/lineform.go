// Package lineform asks huh fields the way huh's accessible mode does,
// one plain line at a time, inside a running Bubble Tea program.
//
// huh's accessible mode (Form.WithAccessible, Field.RunAccessible) prints
// each field as lines of text (a title, numbered options, "Enter a number
// between 1 and 5:") and reads the answer a line at a time from an
// io.Reader, blocking until it comes. A form standalone gives it the
// terminal; an embedded one cannot: inside a Bubble Tea program the
// keyboard belongs to the program (and over SSH there is no terminal to
// hand over at all). So a Form runs the fields' own RunAccessible in a
// coroutine (iter.Pull): their output goes to a transcript the screen
// draws like a terminal would, the line being typed is the screen's, and
// whenever a field reads, the coroutine parks until the screen hands it
// the line that enter finished. Validation, re-prompting and the fields'
// values are huh's own; nothing runs concurrently with the UI.
//
// On top of huh, a Form skips hidden fields, goes back a field
// (shift+tab), keeps an input's value as the line to edit (huh's own
// prompt neither shows the value nor keeps it on an empty answer when the
// field validates), and says what enter alone keeps in a select.
package lineform

import (
	"errors"
	"fmt"
	"iter"
	"runtime"
	"strings"
	"unicode"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
)

// Field is one question of a form.
type Field struct {
	Field huh.Field
	// Hide, if set, skips the field while it reports true.
	Hide func() bool
	// Title, if set, is an input's or a confirm's title as other answers
	// make it: huh evaluates a TitleFunc only in its own event loop, which
	// does not run here (and would set an input's value back to what its
	// visual field holds).
	Title func() string
	// Current, if set, names the value a select keeps when enter is
	// pressed on an empty line; huh's prompt does not say.
	Current func() string
}

// Outcome is where a form stands after a key.
type Outcome int

// The outcomes.
const (
	Asking    Outcome = iota // a field waits for a line
	Done                     // every field is answered
	Cancelled                // esc
)

// maxLine bounds a typed line: huh reads lines with a bufio.Scanner.
const maxLine = 4000

// Form asks fields one line at a time. Its zero value is not usable; call
// New, then Start.
type Form struct {
	*fields
	keys    KeyMap
	line    []rune // the line being typed
	run     *run
	prefix  string // the prompt huh printed for the line being typed
	current int    // where the question being asked starts in the transcript
	said    int    // where what the field said about the last answer starts
}

// fields is what the coroutine works on. It is apart from the Form so
// that a Form nobody holds can be collected, and its coroutine ended,
// while the coroutine still holds these.
type fields struct {
	list []Field
	out  strings.Builder // the transcript: what the fields printed, and the lines typed
}

// KeyMap is a form's keys beyond typing.
type KeyMap struct {
	Submit, Back, Cancel key.Binding
}

// New returns a form that asks fields in order.
func New(list []Field) *Form {
	return &Form{fields: &fields{list: list}, keys: KeyMap{
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "answer")),
		Back:   key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous question")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}}
}

// run is one pass over the fields from one of them on, in a coroutine.
type run struct {
	next  func() (struct{}, bool)
	stop  func()
	yield func(struct{}) bool
	in    string // the rest of the line handed over, not yet read
	at    int    // the field being asked
	asked bool   // a field has read a line
	done  bool
}

// errStopped unwinds a field that waits for a line that will never come:
// the form was cancelled, closed or sent back a field.
var errStopped = errors.New("lineform: stopped")

// reader is what the fields read their lines from.
type reader struct{ r *run }

func (rd reader) Read(p []byte) (int, error) {
	r := rd.r
	if r.in == "" {
		r.asked = true
		if !r.yield(struct{}{}) {
			panic(errStopped)
		}
	}
	n := copy(p, r.in)
	r.in = r.in[n:]
	return n, nil
}

// Start asks the fields from the first, up to the first line it needs.
func (f *Form) Start() Outcome { return f.startAt(0) }

// startAt starts a run on field from and runs it up to its first read.
func (f *Form) startAt(from int) Outcome {
	r := &run{at: from}
	fs := f.fields
	seq := func(yield func(struct{}) bool) {
		r.yield = yield
		defer func() {
			if p := recover(); p != nil && p != errStopped {
				panic(p)
			}
		}()
		for k := from; k < len(fs.list); k++ {
			fl := fs.list[k]
			if fl.Hide != nil && fl.Hide() {
				continue
			}
			r.at = k
			if fl.Title != nil {
				switch f := fl.Field.(type) {
				case *huh.Input:
					f.Title(fl.Title())
				case *huh.Confirm:
					f.Title(fl.Title())
				}
			}
			// Neither Focus nor Blur: huh's Input.Blur would set the value
			// back to what its text field held before the answer.
			_ = fl.Field.RunAccessible(&fs.out, reader{r})
			fs.out.WriteString("\n")
		}
		if !r.asked {
			// A form of notes only: leave it on screen until it is read.
			fs.out.WriteString("Press enter to go on. ")
			_, _ = reader{r}.Read(make([]byte, 1))
		}
	}
	r.next, r.stop = iter.Pull(seq)
	// A form dropped without Close (a classroom learner who disconnects
	// with a form open) still ends its coroutine, which holds only fs.
	runtime.AddCleanup(f, func(stop func()) { stop() }, r.stop)
	f.run = r
	return f.resume(false)
}

// resume runs the coroutine until it waits for a line, or ends. The
// line to type starts empty, but for an input: its value when it is
// first asked, as the visual form shows it in the field, and the line it
// refused when it asks again, to be corrected.
func (f *Form) resume(sent bool) Outcome {
	was, line, mark := f.run.at, f.line, f.out.Len()
	f.line = nil
	if _, ok := f.run.next(); !ok {
		f.run.done = true
		return Done
	}
	text := f.out.String()
	f.prefix = lastLine(text)
	// The question starts where the field started, or where it printed
	// its list again (a multi-select, after each toggle); not where it
	// only said what was wrong with the answer.
	f.said = len(text) - len(f.prefix)
	if chunk := text[mark:]; !sent || f.run.at != was || strings.Count(chunk, "\n") >= 2 {
		f.current = mark + len(chunk) - len(strings.TrimLeft(chunk, "\n"))
	} else {
		f.said = mark // "Invalid: …" goes with the prompt, where it is seen
	}
	if in, ok := f.list[f.run.at].Field.(*huh.Input); ok {
		if sent && f.run.at == was {
			f.line = line
		} else {
			f.line = []rune(fmt.Sprint(in.GetValue()))
		}
	}
	return Asking
}

// Close ends the form's coroutine; it is safe to call more than once.
func (f *Form) Close() {
	if f.run != nil {
		f.run.stop()
		f.run.done = true
	}
}

// Update takes a key: text to type, enter to answer, shift+tab to go back
// a field, esc to cancel.
func (f *Form) Update(msg tea.KeyMsg) Outcome {
	if f.run == nil || f.run.done {
		return Done
	}
	switch {
	case key.Matches(msg, f.keys.Cancel):
		f.Close()
		return Cancelled
	case key.Matches(msg, f.keys.Submit):
		line := string(f.line)
		f.out.WriteString(line + "\n") // the echo a terminal shows
		f.run.in = line + "\n"
		return f.resume(true)
	case key.Matches(msg, f.keys.Back):
		return f.back()
	case msg.Type == tea.KeyBackspace:
		if len(f.line) > 0 {
			f.line = f.line[:len(f.line)-1]
		}
	case msg.Type == tea.KeyCtrlU:
		f.line = f.line[:0]
	case msg.Type == tea.KeySpace:
		f.typed(' ')
	case msg.Type == tea.KeyRunes:
		// Alt does not matter: Windows sends the characters typed with
		// AltGr (\ @ { on many keyboards) with Alt set. Control
		// characters are dropped: Windows sends a NUL when a modifier is
		// pressed alone.
		f.typed(msg.Runes...)
	}
	return Asking
}

// typed adds runes to the line.
func (f *Form) typed(runes ...rune) {
	for _, r := range runes {
		if !unicode.IsControl(r) && len(f.line) < maxLine {
			f.line = append(f.line, r)
		}
	}
}

// back asks the field before the one being asked again, with its answer
// as the value to keep or change. On the first field it does nothing.
func (f *Form) back() Outcome {
	prev := -1
	for k := f.run.at - 1; k >= 0; k-- {
		if h := f.list[k].Hide; h == nil || !h() {
			prev = k
			break
		}
	}
	if prev < 0 {
		return Asking
	}
	f.Close()
	f.out.WriteString("\n(back)\n\n")
	return f.startAt(prev)
}

// KeyBinds are the form's keys for the help bar, but esc, which the
// screen names as it cancels its forms.
func (f *Form) KeyBinds() []key.Binding {
	return []key.Binding{f.keys.Submit, f.keys.Back}
}

// Text is a form's transcript as lines: what the fields printed and the
// lines typed, then the prompt. The text is as huh printed it, unstyled:
// the screen makes it safe to draw.
type Text struct {
	Lines []string
	// Current is the first line of the question being asked (its title,
	// or the list it printed last), for the screen to keep in sight.
	Current int
	// Prompt is the first line of the prompt: what the field said about
	// the answer it refused, a line that says what enter alone keeps in a
	// select, then the line being typed, the last.
	Prompt int
}

// Text is the transcript so far.
func (f *Form) Text() Text {
	text := f.out.String()
	done := text[:len(text)-len(f.prefix)]
	var t Text
	if done != "" {
		t.Lines = strings.Split(strings.TrimSuffix(done, "\n"), "\n")
	}
	for k, l := range t.Lines {
		t.Lines[k] = ticked(l)
	}
	t.Current = min(strings.Count(text[:f.current], "\n"), len(t.Lines))
	t.Prompt = min(strings.Count(text[:f.said], "\n"), len(t.Lines))
	if f.run == nil || f.run.done {
		return t
	}
	if cur := f.list[f.run.at].Current; cur != nil {
		t.Lines = append(t.Lines, "Enter alone keeps "+cur()+".")
	}
	t.Lines = append(t.Lines, f.prefix+string(f.line))
	return t
}

// ticked says in words what huh's multi-select marks with a glyph: its
// options print as "2. ✓ web-sg" when chosen, "2.   web-sg" when not
// (the field's theme left empty, as a line form's fields should have it).
func ticked(line string) string {
	num, rest, ok := strings.Cut(line, ". ")
	if !ok || num == "" || strings.Trim(num, "0123456789") != "" {
		return line
	}
	if label, ok := strings.CutPrefix(rest, "✓ "); ok {
		return num + ". " + label + " (selected)"
	}
	return num + ". " + strings.TrimLeft(rest, " ")
}

// lastLine is what follows the last newline of s.
func lastLine(s string) string {
	if k := strings.LastIndexByte(s, '\n'); k >= 0 {
		return s[k+1:]
	}
	return s
}
