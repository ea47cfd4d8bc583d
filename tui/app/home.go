package app

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/sglab/sglab/internal/safetext"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/lab"
	"github.com/sglab/sglab/tui/lesson"
	"github.com/sglab/sglab/tui/quiz"
	"github.com/sglab/sglab/tui/theme"
)

// Entry is one choice on the home screen.
type Entry struct {
	Title       string
	Description string
	Open        func(ctx *common.Context) (common.Component, error)
}

// Assignment is the instructor's latest assignment in a class: the home
// screen shows it first.
type Assignment struct {
	Text string // what it asks, cleaned
	Open func(ctx *common.Context) (common.Component, error)
}

// AssignMsg gives the session a new assignment.
type AssignMsg struct{ Assignment *Assignment }

// entries are the home screen's choices, in order: the assignment, if
// any, then one line per screen. Reading the course's progress reads the
// store: call it from a command or a constructor, never from Update.
func entries(ctx *common.Context, a *Assignment) []Entry {
	var out []Entry
	if a != nil {
		out = append(out, Entry{"Assigned", "From your instructor: " + a.Text + ".", a.Open})
	}
	return append(out,
		courseEntry(ctx),
		Entry{"Lab", "Build security groups, attach them, fire connections, watch them time out or get refused.", openLab},
		Entry{"Quiz", "Practise ports, concepts and scenarios; drill against the clock, sit a mock exam, review what you missed.", quiz.Menu},
	)
}

func openLab(ctx *common.Context) (common.Component, error) { return lab.OpenScratch(ctx) }

// courseEntry says where the learner continues the course.
func courseEntry(ctx *common.Context) Entry {
	desc, open := lesson.Home(ctx)
	return Entry{"Course", desc, open}
}

// home is the first screen: what sglab is, and where to go.
type home struct {
	ctx           *common.Context
	assignment    *Assignment
	entries       []Entry
	cursor        int
	err           string
	opening       bool // an entry is being opened, in a command
	opened        bool // an entry was opened: describe them again on coming back
	width, height int
	keys          homeKeys
}

type homeKeys struct {
	Up, Down, Open key.Binding
}

func newHome(ctx *common.Context, a *Assignment) *home {
	return &home{ctx: ctx, assignment: a, entries: entries(ctx, a), keys: homeKeys{
		Up:   key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down: key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Open: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
	}}
}

func (h *home) Init() tea.Cmd { return nil }

func (h *home) SetSize(w, ht int) { h.width, h.height = w, ht }

// entriesMsg carries the home screen's entries, described again.
type entriesMsg struct{ entries []Entry }

// openedMsg carries the screen an entry opened, or why it did not.
type openedMsg struct {
	screen common.Component
	err    error
}

// Resized describes the entries again when the home screen is back on top
// after opening one: the learner may have moved on in the course.
func (h *home) Resized() tea.Cmd {
	if !h.opened {
		return nil
	}
	h.opened = false
	return h.describe()
}

// describe reads what the entries say now, in a command.
func (h *home) describe() tea.Cmd {
	ctx, a := h.ctx, h.assignment
	return func() tea.Msg { return entriesMsg{entries(ctx, a)} }
}

// assign puts a new assignment first.
func (h *home) assign(a *Assignment) tea.Cmd {
	h.assignment, h.cursor = a, 0
	return h.describe()
}

// took takes in the described entries or an opened screen.
func (h *home) took(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case entriesMsg:
		h.entries = msg.entries
		h.cursor = min(h.cursor, len(h.entries)-1)
	case openedMsg:
		h.opening = false
		if msg.err != nil {
			h.err = msg.err.Error()
			return nil
		}
		h.err, h.opened = "", true
		return common.Push(msg.screen)
	}
	return nil
}

func (h *home) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return h, nil
	}
	switch {
	case key.Matches(km, h.keys.Up):
		h.cursor = max(h.cursor-1, 0)
	case key.Matches(km, h.keys.Down):
		h.cursor = min(h.cursor+1, len(h.entries)-1)
	case key.Matches(km, h.keys.Open) && !h.opening:
		// Opening reads the store: a command does it, off the UI goroutine.
		h.opening = true
		ctx, open := h.ctx, h.entries[h.cursor].Open
		return h, func() tea.Msg {
			screen, err := open(ctx)
			return openedMsg{screen, err}
		}
	}
	return h, nil
}

func (h *home) ShortHelp() []key.Binding { return []key.Binding{h.keys.Up, h.keys.Down, h.keys.Open} }

func (h *home) FullHelp() [][]key.Binding { return [][]key.Binding{h.ShortHelp()} }

func (h *home) View() string {
	st := h.ctx.Styles
	width := max(h.width-4, 10)
	lines := []string{"", "  " + st.Title.Render("sglab"), ""}
	for _, l := range common.Wrap("Learn AWS security groups by using them: build groups, attach them to instances, and watch connections go through, get refused, or time out.", width) {
		lines = append(lines, "  "+st.Muted.Render(l))
	}
	lines = append(lines, "")
	titleW := 0
	for _, e := range h.entries {
		titleW = max(titleW, len(e.Title))
	}
	for k, e := range h.entries {
		title := common.Fit(e.Title, titleW)
		desc := common.Wrap(safetext.Line(e.Description), max(width-titleW-4, 10))
		for j, d := range desc {
			prefix := strings.Repeat(" ", titleW+4)
			if j == 0 {
				prefix = "  " + title + "  "
				if k == h.cursor {
					prefix = theme.Cursor + " " + st.Key.Render(title) + "  "
				}
			}
			lines = append(lines, "  "+prefix+st.Muted.Render(d))
		}
		lines = append(lines, "")
	}
	where := "in " + safetext.Line(h.ctx.DataDir)
	if h.ctx.Store != nil {
		where = h.ctx.Store.Where()
	}
	lines = append(lines, "  "+st.Faint.Render("sglab keeps your lab "+where+"."))
	if h.err != "" {
		for _, l := range common.Wrap(h.ctx.Mark(theme.Fail+" ", "Error: ")+safetext.Line(h.err), width) {
			lines = append(lines, "  "+st.Error.Render(l))
		}
	}
	return common.JoinLines(common.Pad(lines, h.width, h.height))
}
