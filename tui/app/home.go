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

// entries are the home screen's choices, in order. Each screen adds its
// one line here.
func entries(ctx *common.Context) []Entry {
	return []Entry{
		courseEntry(ctx),
		{"Lab", "Build security groups, attach them, fire connections, watch them time out or get refused.", openLab},
		{"Quiz", "Practise ports, concepts and scenarios; drill against the clock, sit a mock exam, review what you missed.", quiz.Menu},
	}
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
	entries       []Entry
	cursor        int
	err           string
	opened        bool // an entry was opened: describe them again on coming back
	width, height int
	keys          homeKeys
}

type homeKeys struct {
	Up, Down, Open key.Binding
}

func newHome(ctx *common.Context) *home {
	return &home{ctx: ctx, entries: entries(ctx), keys: homeKeys{
		Up:   key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down: key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Open: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
	}}
}

func (h *home) Init() tea.Cmd { return nil }

func (h *home) SetSize(w, ht int) { h.width, h.height = w, ht }

// Resized describes the entries again when the home screen is back on top
// after opening one: the learner may have moved on in the course.
func (h *home) Resized() tea.Cmd {
	if h.opened {
		h.entries, h.opened = entries(h.ctx), false
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
	case key.Matches(km, h.keys.Open):
		screen, err := h.entries[h.cursor].Open(h.ctx)
		if err != nil {
			h.err = err.Error()
			return h, nil
		}
		h.err, h.opened = "", true
		return h, common.Push(screen)
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
	lines = append(lines, "  "+st.Faint.Render("sglab keeps your lab in "+safetext.Line(h.ctx.DataDir)+"."))
	if h.err != "" {
		for _, l := range common.Wrap(h.ctx.Mark(theme.Fail+" ", "Error: ")+safetext.Line(h.err), width) {
			lines = append(lines, "  "+st.Error.Render(l))
		}
	}
	return common.JoinLines(common.Pad(lines, h.width, h.height))
}
