package lesson

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/glamour"
	"github.com/charmbracelet/glamour/styles"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/sglab/sglab/tui/common"
)

// markdown renders lesson text with glamour. A page takes milliseconds to
// render, so it is rendered in a command, once per text and width, and
// kept; until it is ready the screen shows the text wrapped as it is.
// The cache belongs to one theme: the style is chosen once, from the
// renderer the app's styles were built from.
type markdown struct {
	style   string // glamour's dark or light style, or notty without colour
	profile termenv.Profile
	done    map[mdKey]string
	pending map[mdKey]bool
}

type mdKey struct {
	src   string
	width int
}

// renderedMsg carries a rendering back to the UI goroutine.
type renderedMsg struct {
	key mdKey
	out string
}

func newMarkdown(r *lipgloss.Renderer) *markdown {
	m := &markdown{profile: r.ColorProfile(), done: map[mdKey]string{}, pending: map[mdKey]bool{}}
	switch {
	case m.profile == termenv.Ascii: // NO_COLOR, or no terminal: glamour does not check by itself
		m.style = styles.NoTTYStyle
	case r.HasDarkBackground():
		m.style = styles.DarkStyle
	default:
		m.style = styles.LightStyle
	}
	return m
}

// get returns src rendered at width, or src wrapped as plain text when
// the rendering is not ready; ok says which.
func (m *markdown) get(src string, width int) (lines []string, ok bool) {
	if out, ok := m.done[mdKey{src, width}]; ok {
		return common.Lines(out), true
	}
	return plain(src, width), false
}

// plain is src wrapped line by line, as it is.
func plain(src string, width int) []string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(src), "\n") {
		lines = append(lines, common.Wrap(l, width)...)
	}
	return lines
}

// request returns the command that renders src at width, or nil when it
// is rendered or on its way.
func (m *markdown) request(src string, width int) tea.Cmd {
	k := mdKey{src, width}
	if width <= 0 || m.pending[k] {
		return nil
	}
	if _, ok := m.done[k]; ok {
		return nil
	}
	m.pending[k] = true
	style, profile := m.style, m.profile
	return func() tea.Msg { return renderedMsg{k, render(style, profile, src, width)} }
}

func (m *markdown) store(msg renderedMsg) {
	delete(m.pending, msg.key)
	m.done[msg.key] = msg.out
}

// render runs glamour. The screens draw their own margins, so the
// document's are dropped. Should glamour fail, the text is shown as it
// is rather than not at all.
func render(style string, profile termenv.Profile, src string, width int) string {
	cfg := *styles.DefaultStyles[style] // a copy: its document block is changed below
	var noMargin uint
	cfg.Document.Margin = &noMargin
	cfg.Document.BlockPrefix, cfg.Document.BlockSuffix = "", ""
	r, err := glamour.NewTermRenderer(glamour.WithStyles(cfg), glamour.WithColorProfile(profile), glamour.WithWordWrap(width))
	if err != nil {
		return common.JoinLines(plain(src, width))
	}
	out, err := r.Render(src)
	if err != nil {
		return common.JoinLines(plain(src, width))
	}
	lines := common.Lines(strings.Trim(out, "\n"))
	for k, l := range lines {
		lines[k] = strings.TrimRight(l, " ")
	}
	return common.JoinLines(lines)
}
