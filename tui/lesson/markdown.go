package lesson

import (
	"slices"
	"strings"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/sglab/sglab/internal/safetext"
	"github.com/sglab/sglab/tui/common"
	mdrender "github.com/sglab/sglab/tui/markdown"
)

// markdown renders lesson text with tui/markdown. Rendering takes a
// fraction of a millisecond, but it is still done in a command, off the
// UI goroutine, once per text and width, and kept; until it is ready the
// screen shows the text wrapped as it is. The cache belongs to one
// learner, and so to one theme: the styles come from the session's.
type markdown struct {
	styles  *mdrender.Styles
	done    map[mdKey][]string
	pending map[mdKey]bool
}

type mdKey struct {
	src   string
	width int
}

// renderedMsg carries a rendering back to the UI goroutine.
type renderedMsg struct {
	key   mdKey
	lines []string
}

// newMarkdown renders with the session's styles. Without colour the
// renderer writes Markdown's marks (# before a heading, **strong**) to
// carry what styles would; in accessible mode it leaves them out, as a
// screen reader would say them ("number sign", "star star").
func newMarkdown(ctx *common.Context) *markdown {
	styles := mdrender.NewStyles(ctx.Styles)
	if ctx.Accessible {
		styles.Plain = false
	}
	return &markdown{styles: styles, done: map[mdKey][]string{}, pending: map[mdKey]bool{}}
}

// get returns src rendered at width, or src wrapped as it is while the
// rendering is not ready. The lines are the caller's to change.
func (m *markdown) get(src string, width int) []string {
	if lines, ok := m.done[mdKey{src, width}]; ok {
		return slices.Clone(lines)
	}
	return plain(src, width)
}

// plain is src wrapped line by line, as it is but for its control
// characters, which are shown escaped.
func plain(src string, width int) []string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(src), "\n") {
		lines = append(lines, wrap(safetext.Line(l), width)...)
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
	styles := m.styles
	return func() tea.Msg { return renderedMsg{k, mdrender.Render(src, width, styles)} }
}

func (m *markdown) store(msg renderedMsg) {
	delete(m.pending, msg.key)
	m.done[msg.key] = msg.lines
}

// nbHyphen is the non-breaking hyphen, as wide as "-".
const nbHyphen = "\u2011"

// keepHyphens joins the words of names such as web-sg and app-1 with
// non-breaking hyphens, to be swapped back once the text is wrapped:
// x/ansi's word wrapper breaks lines at hyphens, and names of groups and
// instances should not be split. Only hyphens between letters or digits
// are joined.
func keepHyphens(src string) string {
	r := []rune(src)
	for k := 1; k+1 < len(r); k++ {
		if r[k] == '-' && isWordRune(r[k-1]) && isWordRune(r[k+1]) {
			r[k] = '\u2011'
		}
	}
	return string(r)
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// wrap is common.Wrap without breaking names at their hyphens.
func wrap(s string, width int) []string {
	return restoreHyphens(common.Wrap(keepHyphens(s), width))
}

// hang is common.Hang without breaking names at their hyphens.
func hang(head, text string, width int) []string {
	return restoreHyphens(common.Hang(head, keepHyphens(text), width))
}

func restoreHyphens(lines []string) []string {
	for k, l := range lines {
		lines[k] = strings.ReplaceAll(l, nbHyphen, "-")
	}
	return lines
}
