// Package classroom is what a learner sees around the app in a class
// served over SSH: before anything else, the enrolment prompts (the join
// code, then a display name) for a key the class does not know yet; then
// the app, with a line above it for the instructor's latest message or
// assignment.
package classroom

import (
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/sglab/sglab/internal/class"
	"github.com/sglab/sglab/internal/safetext"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/theme"
)

// Door is the class's side of enrolment: class.Session implements it.
type Door interface {
	Enrolled() bool
	NeedsCode() bool
	CheckCode(code string) error
	Enrol(code, name string) error
}

type step int

const (
	askCode step = iota
	askName
	enrolling
	running
)

// Frame is a learner's session.
type Frame struct {
	door   Door
	st     *theme.Styles
	newApp func() (tea.Model, error)
	assign func(class.Assignment) tea.Msg
	app    tea.Model

	step   step
	input  textinput.Model
	code   string
	err    string
	banner string // the instructor's latest message or assignment, cleaned

	width, height int
}

// Options are how the frame makes and tells the app.
type Options struct {
	// Banner is the class's current assignment, if any, to show from the
	// start.
	Banner string
	// NewApp makes the learner's app once they are enrolled. It reads the
	// store: the frame calls it in a command, or before the program runs.
	NewApp func() (tea.Model, error)
	// Assign turns a new assignment into the app's message about it.
	Assign func(class.Assignment) tea.Msg
}

// New returns the frame of a session: the enrolment prompts first when
// the key is not enrolled, then the app.
func New(door Door, st *theme.Styles, o Options) (*Frame, error) {
	f := &Frame{door: door, st: st, newApp: o.NewApp, assign: o.Assign, banner: safetext.Line(o.Banner)}
	in := textinput.New()
	in.Prompt = "> "
	in.PromptStyle = st.Accent
	in.TextStyle = st.Text
	in.PlaceholderStyle = st.Faint
	in.Cursor.Style = st.Accent
	in.Cursor.TextStyle = st.Text
	in.CharLimit = 64
	in.Focus()
	f.input = in
	switch {
	case door.Enrolled():
		a, err := f.newApp()
		if err != nil {
			return nil, err
		}
		f.start(a)
	case door.NeedsCode():
		f.step = askCode
		f.input.EchoMode = textinput.EchoPassword
		f.input.EchoCharacter = '•'
	default:
		f.step = askName
	}
	return f, nil
}

func (f *Frame) start(app tea.Model) tea.Cmd {
	f.step, f.app = running, app
	cmds := []tea.Cmd{f.app.Init()}
	if f.width > 0 {
		cmds = append(cmds, f.resize())
	}
	return tea.Batch(cmds...)
}

// Init implements tea.Model.
func (f *Frame) Init() tea.Cmd {
	if f.app != nil {
		return f.app.Init()
	}
	return textinput.Blink
}

// enrolledMsg is the enrolment's outcome: the learner's app, or why not.
type enrolledMsg struct {
	app tea.Model
	err error
}

// Update implements tea.Model.
func (f *Frame) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		f.width, f.height = msg.Width, msg.Height
		if f.app != nil {
			return f, f.resize()
		}
		return f, nil
	case class.Notice:
		f.banner = "Message from your instructor: " + safetext.Line(msg.Text)
		return f, f.resize()
	case class.AssignmentNotice:
		f.banner = "New assignment: " + safetext.Line(msg.Text) + " (first on the home screen)"
		cmd := f.resize()
		if f.app != nil && f.assign != nil {
			var c2 tea.Cmd
			f.app, c2 = f.app.Update(f.assign(msg.Assignment))
			cmd = tea.Batch(cmd, c2)
		}
		return f, cmd
	}
	if f.step == running {
		var cmd tea.Cmd
		f.app, cmd = f.app.Update(msg)
		return f, cmd
	}
	return f.enrol(msg)
}

// resize gives the app the room the banner leaves.
func (f *Frame) resize() tea.Cmd {
	if f.app == nil || f.width <= 0 {
		return nil
	}
	var cmd tea.Cmd
	f.app, cmd = f.app.Update(tea.WindowSizeMsg{Width: f.width, Height: max(f.height-len(f.bannerLines()), 1)})
	return cmd
}

func (f *Frame) enrol(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case enrolledMsg:
		if msg.err != nil {
			f.step, f.err = askName, msg.err.Error()
			if errors.Is(msg.err, class.ErrWrongCode) || errors.Is(msg.err, class.ErrTooManyTries) {
				f.step = askCode
			}
			if errors.Is(msg.err, class.ErrTooManyTries) {
				return f, tea.Quit
			}
			return f, nil
		}
		return f, f.start(msg.app)
	case tea.KeyMsg:
		switch msg.Type {
		case tea.KeyCtrlC, tea.KeyEsc:
			return f, tea.Quit
		case tea.KeyEnter:
			return f, f.submit()
		}
	}
	if f.step == enrolling {
		return f, nil
	}
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	return f, cmd
}

func (f *Frame) submit() tea.Cmd {
	value := strings.TrimSpace(f.input.Value())
	switch f.step {
	case askCode:
		if err := f.door.CheckCode(value); err != nil {
			f.err = err.Error()
			f.input.Reset()
			if errors.Is(err, class.ErrTooManyTries) {
				return tea.Quit
			}
			return nil
		}
		f.code, f.err, f.step = value, "", askName
		f.input.Reset()
		f.input.EchoMode = textinput.EchoNormal
		return nil
	case askName:
		if value == "" {
			f.err = class.ErrNoName.Error()
			return nil
		}
		f.step, f.err = enrolling, ""
		code, door, newApp := f.code, f.door, f.newApp
		return func() tea.Msg {
			if err := door.Enrol(code, value); err != nil {
				return enrolledMsg{err: err}
			}
			app, err := newApp()
			return enrolledMsg{app: app, err: err}
		}
	}
	return nil
}

func (f *Frame) bannerLines() []string {
	if f.banner == "" || f.width <= 0 {
		return nil
	}
	return []string{f.st.Warn.Render(common.Fit("✉ "+f.banner, f.width))}
}

// View implements tea.Model.
func (f *Frame) View() string {
	if f.app != nil {
		b := f.bannerLines()
		if len(b) == 0 {
			return f.app.View()
		}
		return common.JoinLines(append(b, f.app.View()))
	}
	width := max(f.width-4, 20)
	lines := []string{"", "  " + f.st.Title.Render("sglab class"), ""}
	var ask string
	switch f.step {
	case askCode:
		ask = "Welcome. Type the class's join code (your instructor has it), then enter."
	default:
		ask = "Type your name as your instructor should see it, then enter."
	}
	for _, l := range common.Wrap(ask, width) {
		lines = append(lines, "  "+f.st.Text.Render(l))
	}
	lines = append(lines, "", "  "+f.input.View(), "")
	if f.step == enrolling {
		lines = append(lines, "  "+f.st.Muted.Render("Enrolling…"))
	}
	if f.err != "" {
		for _, l := range common.Wrap(theme.Fail+" "+safetext.Line(f.err), width) {
			lines = append(lines, "  "+f.st.Error.Render(l))
		}
	}
	lines = append(lines, "", "  "+f.st.Faint.Render("esc leaves"))
	if f.width <= 0 {
		return common.JoinLines(lines)
	}
	return common.JoinLines(common.Pad(lines, f.width, f.height))
}

// Close finishes the app's work (writes it still holds), when the
// session ends however it ends.
func (f *Frame) Close() error {
	if c, ok := f.app.(interface{ Close() error }); ok {
		return c.Close()
	}
	return nil
}
