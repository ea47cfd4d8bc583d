// Package app is the root of sglab's terminal UI: the home screen, a stack
// of screens opened from it, the help bar, the quit confirmation and the
// "terminal too small" notice. Keys go to the screen on top first; the
// keys it does not use are the app's.
package app

import (
	"fmt"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/sglab/sglab/internal/safetext"
	"github.com/sglab/sglab/tui/common"
)

// The smallest terminal the app draws in. Below it the app says how much
// room it needs instead of drawing a broken screen.
const (
	MinWidth  = 60
	MinHeight = 18
)

// Model is the root model.
type Model struct {
	ctx    *common.Context
	home   *home
	stack  []common.Component // screens opened over home; the last is on top
	help   help.Model
	keys   rootKeys
	width  int
	height int

	confirm  string // what quitting (or leaving, when leaving) would lose, while asking
	leaving  bool   // the question is about leaving the screen on top, not quitting
	closeErr error  // a screen that could not finish before quitting
	closed   bool
	crash    *Crash
}

// Crash is a panic caught in the UI, kept so the command can report it in
// one line (and write the stack to a file) instead of a Go stack trace.
type Crash struct {
	Value any
	Stack []byte
}

type rootKeys struct {
	Help, Quit, ForceQuit, Back, Yes, No key.Binding
}

// New returns the app on the home screen, with start opened on top of it
// when given (sglab lab).
func New(ctx *common.Context, start common.Component) *Model {
	h := help.New()
	h.Styles = ctx.Styles.Help
	m := &Model{ctx: ctx, home: newHome(ctx, nil), help: h, keys: rootKeys{
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Yes:       key.NewBinding(key.WithKeys("y", "Y", "enter"), key.WithHelp("y", "quit")),
		No:        key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "stay")),
	}}
	if start != nil {
		m.stack = append(m.stack, start)
	}
	return m
}

// Err is what ended the app badly: a crash, or a screen that could not
// save before quitting.
func (m *Model) Err() error {
	if m.crash != nil {
		return fmt.Errorf("internal error: %v", m.crash.Value)
	}
	return m.closeErr
}

// Crashed returns the panic the app caught, if any.
func (m *Model) Crashed() *Crash { return m.crash }

func (m *Model) top() common.Component {
	if len(m.stack) > 0 {
		return m.stack[len(m.stack)-1]
	}
	return m.home
}

func (m *Model) Init() tea.Cmd { return m.top().Init() }

// Update never lets a panic take the terminal down with a stack trace: it
// keeps the panic for the command to report and quits cleanly.
func (m *Model) Update(msg tea.Msg) (model tea.Model, cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			m.crash = &Crash{Value: r, Stack: debug.Stack()}
			model, cmd = m, tea.Quit
		}
	}()
	return m, m.update(msg)
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	if m.crash != nil { // a panic while drawing: nothing more can be trusted
		return tea.Quit
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return m.resize()
	case tea.KeyMsg:
		if notAKey(msg) {
			return nil
		}
		// Bubble Tea v1 hands over the runes of one read as one key ("jj"
		// when a key repeats fast or a script types). Screens match single
		// keys, so split them, unless a text field is capturing: it takes
		// the runes whole, as it does a paste.
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && !common.IsCapturing(m.top()) {
			cmds := make([]tea.Cmd, 0, len(msg.Runes))
			for _, r := range msg.Runes {
				cmds = append(cmds, m.update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
			}
			return tea.Batch(cmds...)
		}
		return m.key(msg)
	case common.PushMsg:
		m.stack = append(m.stack, msg.Screen)
		return tea.Batch(m.resize(), msg.Screen.Init())
	case common.BackMsg:
		return m.pop()
	case entriesMsg, openedMsg: // the home screen's, whatever is on top now
		return m.home.took(msg)
	case AssignMsg:
		return m.home.assign(msg.Assignment)
	}
	_, cmd := m.top().Update(msg)
	return cmd
}

// notAKey reports whether msg is only a modifier pressed alone. On
// Windows, Bubble Tea v1 reads the console's key records, and Ctrl, Alt,
// Caps Lock or the Windows key pressed alone (Alt as a learner switches
// windows, Ctrl on its way to ctrl+s) comes as a NUL rune: it must not
// skip a wait, answer a question or type into a field.
func notAKey(msg tea.KeyMsg) bool {
	if msg.Type != tea.KeyRunes || len(msg.Runes) == 0 {
		return false
	}
	for _, r := range msg.Runes {
		if r != 0 {
			return false
		}
	}
	return true
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	if m.confirm != "" {
		switch {
		case key.Matches(msg, m.keys.Yes), !m.leaving && key.Matches(msg, m.keys.ForceQuit):
			m.confirm = ""
			if m.leaving {
				m.leaving = false
				return m.popNow()
			}
			return m.quitNow()
		case key.Matches(msg, m.keys.No):
			m.confirm, m.leaving = "", false
			return m.resize()
		case key.Matches(msg, m.keys.ForceQuit): // while asking to leave: ask about quitting instead
			m.confirm, m.leaving = "", false
			return m.quit()
		}
		return nil
	}
	if key.Matches(msg, m.keys.ForceQuit) {
		return m.quit()
	}
	top := m.top()
	if common.IsCapturing(top) || common.Wants(top, msg) {
		_, cmd := top.Update(msg)
		return cmd
	}
	switch {
	case key.Matches(msg, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
		return m.resize()
	case key.Matches(msg, m.keys.Quit):
		return m.quit()
	case key.Matches(msg, m.keys.Back) && len(m.stack) > 0:
		return m.pop()
	}
	return nil
}

// pop closes the screen on top, asking first when that would lose
// changes written nowhere (a lab opened on a file).
func (m *Model) pop() tea.Cmd {
	if len(m.stack) == 0 {
		return nil
	}
	if u, ok := m.top().(common.Unsaved); ok && u.Unsaved() != "" {
		m.confirm, m.leaving = u.Unsaved(), true
		m.resize() // the question takes the help bar's line: no new width
		return nil
	}
	return m.popNow()
}

// popNow closes the screen on top, finishing its work (a pending autosave).
func (m *Model) popNow() tea.Cmd {
	if len(m.stack) == 0 {
		return nil
	}
	if c, ok := m.top().(common.Closer); ok {
		m.closeErr = c.Close()
	}
	m.stack = m.stack[:len(m.stack)-1]
	return m.resize()
}

// quit asks first when a screen holds changes written nowhere.
func (m *Model) quit() tea.Cmd {
	for _, s := range m.stack {
		if u, ok := s.(common.Unsaved); ok && u.Unsaved() != "" {
			m.confirm = u.Unsaved()
			m.resize() // the question takes the help bar's line: no new width
			return nil
		}
	}
	return m.quitNow()
}

func (m *Model) quitNow() tea.Cmd {
	m.Close()
	return tea.Quit
}

// Close finishes the session's work: every screen's (an autosave in
// flight) and the writes the persistence service still holds. The app
// calls it when the learner quits; whoever runs the program calls it
// when the program ends otherwise (a classroom session whose connection
// dropped). The first error stays for Err.
func (m *Model) Close() error {
	if m.closed {
		return m.closeErr
	}
	m.closed = true
	for _, s := range m.stack {
		if c, ok := s.(common.Closer); ok {
			if err := c.Close(); err != nil && m.closeErr == nil {
				m.closeErr = err
			}
		}
	}
	if err := m.ctx.Close(); err != nil && m.closeErr == nil {
		m.closeErr = err
	}
	return m.closeErr
}

// keyMap is the help bar's: the screen's keys, then the app's.
func (m *Model) keyMap() help.KeyMap {
	if common.IsCapturing(m.top()) { // q and esc belong to the screen now
		return bar{top: m.top(), root: []key.Binding{m.keys.ForceQuit}}
	}
	// A screen that takes esc itself (the lab goes back within itself, an
	// exam asks before leaving) names it in its own help: "esc back" would
	// list esc twice, and lie.
	// Copies: drawing the help bar changes nothing in the model.
	back, help := m.keys.Back, m.keys.Help
	back.SetEnabled(len(m.stack) > 0 && !common.Wants(m.top(), tea.KeyMsg{Type: tea.KeyEsc}))
	if m.help.ShowAll {
		help.SetHelp("?", "fewer keys")
	} else {
		help.SetHelp("?", "more keys")
	}
	return bar{top: m.top(), root: []key.Binding{help, m.keys.Quit, back}}
}

type bar struct {
	top  help.KeyMap
	root []key.Binding
}

func (b bar) ShortHelp() []key.Binding  { return append(b.top.ShortHelp(), b.root...) }
func (b bar) FullHelp() [][]key.Binding { return append(b.top.FullHelp(), b.root) }

// footer is the help bar, or the quit question. The full help goes here
// too when it fits in half the terminal; otherwise it covers the screen
// (see View) and the footer stays one line.
func (m *Model) footer() []string {
	st := m.ctx.Styles
	if m.confirm != "" {
		verb, yes := "Quit", m.keys.Yes
		if m.leaving {
			verb = "Leave"
			yes.SetHelp("y", "leave")
		}
		return []string{st.Warn.Render(verb+" and lose "+m.confirm+"?") + "  " +
			m.shortHelp([]key.Binding{yes, m.keys.No}, 2, 1)[0]}
	}
	if full := m.fullHelp(); full != nil && len(full) <= m.height/2 {
		return full
	}
	// The app's own keys go last but are never cut, nor are the keys the
	// screen anchors: the screen's other keys get the room they leave.
	b := m.keyMap().(bar)
	var anchored []key.Binding
	if a, ok := b.top.(common.Anchored); ok && !common.IsCapturing(b.top) {
		anchored = a.AnchoredHelp()
	}
	kept := append(anchored, b.root...)
	if !m.ctx.Accessible {
		return m.shortHelp(append(b.top.ShortHelp(), kept...), len(kept), 1)
	}
	// Keys in words take room: two lines, always two, so that the screen
	// above keeps its height as its keys change.
	bar := m.shortHelp(append(b.top.ShortHelp(), kept...), len(kept), 2)
	return append(bar, make([]string, 2-len(bar))...)
}

// fullHelp is every key, when asked for with ?, its columns wrapped onto
// as many rows as the width needs (bubbles' own drops the columns that do
// not fit). In accessible mode each column is a paragraph of words, read
// in order, instead of a table of keys beside their descriptions.
func (m *Model) fullHelp() []string {
	if !m.help.ShowAll {
		return nil
	}
	if m.ctx.Accessible {
		var lines []string
		for _, col := range m.keyMap().FullHelp() {
			var said []string
			for _, b := range col {
				if b.Enabled() {
					said = append(said, m.spoken(b))
				}
			}
			if len(said) > 0 {
				lines = append(lines, common.Wrap(strings.Join(said, "; ")+".", m.width)...)
			}
		}
		return lines
	}
	h := m.help
	h.Width = 0
	var rows []string
	var cols [][]key.Binding
	for _, col := range m.keyMap().FullHelp() {
		if len(cols) > 0 && lipgloss.Width(h.FullHelpView(append(cols, col))) > m.width {
			rows = append(rows, h.FullHelpView(cols))
			cols = nil
		}
		cols = append(cols, col)
	}
	rows = append(rows, h.FullHelpView(cols))
	return common.Lines(strings.Join(rows, "\n\n"))
}

// shortHelp lays bindings out on at most lines lines of the terminal's
// width. When they do not fit, bindings go from the end of the first
// ones, keeping the last keep, and "…" marks the cut. (bubbles' own short
// help can overflow the line when the ellipsis itself does not fit.)
func (m *Model) shortHelp(bindings []key.Binding, keep, lines int) []string {
	st := m.help.Styles
	sep := st.ShortSeparator.Render(m.help.ShortSeparator)
	item := func(b key.Binding) string {
		return st.ShortKey.Render(b.Help().Key) + " " + st.ShortDesc.Render(b.Help().Desc)
	}
	ellipsis := st.Ellipsis.Render(m.help.Ellipsis)
	if m.ctx.Accessible {
		// Words, and no glyphs between them; a cut needs no mark, as
		// "question mark: more keys" is always there.
		sep, ellipsis, item = st.ShortSeparator.Render("; "), "", m.spoken
	}
	var head, tail []string
	for k, b := range bindings {
		if !b.Enabled() {
			continue
		}
		if k >= len(bindings)-keep {
			tail = append(tail, item(b))
		} else {
			head = append(head, item(b))
		}
	}
	fit := func(items []string) ([]string, bool) {
		line := strings.Join(items, sep)
		if lines == 1 {
			return []string{line}, ansi.StringWidth(line) <= m.width
		}
		wrapped := common.Wrap(line, m.width)
		return wrapped, len(wrapped) <= lines
	}
	for len(head) > 0 {
		if out, ok := fit(append(slices.Clone(head), tail...)); ok {
			return out
		}
		head = head[:len(head)-1]
		if len(head) > 0 && ellipsis != "" {
			head[len(head)-1] += " " + ellipsis
		}
	}
	out, _ := fit(tail)
	return out[:min(len(out), lines)]
}

// spoken is a binding in words: "up or k: up".
func (m *Model) spoken(b key.Binding) string {
	st := m.help.Styles
	return st.ShortKey.Render(common.KeyWords(b.Help().Key)) + st.ShortDesc.Render(": "+b.Help().Desc)
}

// crashView is the screen after a panic: what happened, and the way out.
func (m *Model) crashView() string {
	msg := fmt.Sprintf("sglab hit an internal error (%s). Press any key to quit.", safetext.Line(fmt.Sprint(m.crash.Value)))
	if m.width <= 0 {
		return msg
	}
	return common.JoinLines(common.Wrap(msg, m.width))
}

func (m *Model) tooSmall() bool { return m.width < MinWidth || m.height < MinHeight }

// resize gives the screen on top the room the footer leaves.
// Screens with work to start on a new size (a common.Resizer) get to
// start it.
func (m *Model) resize() tea.Cmd {
	if m.width <= 0 || m.height <= 0 {
		return nil
	}
	m.top().SetSize(m.width, max(m.height-len(m.footer()), 1))
	if r, ok := m.top().(common.Resizer); ok {
		return r.Resized()
	}
	return nil
}

// View draws the screen on top and the help bar, or, in a terminal too
// small to be usable, how much room the app needs.
func (m *Model) View() (view string) {
	defer func() {
		if r := recover(); r != nil {
			// Say so in this very frame: the next one may be a long way off.
			m.crash = &Crash{Value: r, Stack: debug.Stack()}
			view = m.crashView()
		}
	}()
	if m.crash != nil {
		return m.crashView()
	}
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	if m.tooSmall() {
		msg := fmt.Sprintf("sglab needs a terminal of at least %d×%d; this one is %d×%d. Make the window larger (q quits).",
			MinWidth, MinHeight, m.width, m.height)
		return common.JoinLines(common.Pad(common.Wrap(msg, m.width), m.width, m.height))
	}
	footer := m.footer()
	var body []string
	if full := m.fullHelp(); full != nil && len(footer) == 1 { // too tall to share: it covers the screen
		body = append([]string{m.ctx.Styles.Title.Render("Keys"), ""}, full...)
	} else {
		body = common.Lines(m.top().View())
	}
	body = common.Pad(body, m.width, m.height-len(footer))
	return common.JoinLines(append(body, common.Pad(footer, m.width, len(footer))...))
}
