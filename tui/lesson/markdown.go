package lesson

import (
	"strings"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/glamour"
	"github.com/charmbracelet/glamour/styles"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
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

// get returns src rendered at width, or src wrapped as it is while the
// rendering is not ready.
func (m *markdown) get(src string, width int) []string {
	if out, ok := m.done[mdKey{src, width}]; ok {
		return common.Lines(out)
	}
	return plain(src, width)
}

// plain is src wrapped line by line, as it is.
func plain(src string, width int) []string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(src), "\n") {
		lines = append(lines, wrap(l, width)...)
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
	// glamour wraps a paragraph before it pads inline code with a space
	// each side, so padded code spans push lines past the width, which
	// glamour then breaks again, leaving a word alone on a line. The code's
	// colours mark it well enough.
	cfg.Code.Prefix, cfg.Code.Suffix = "", ""
	// glamour narrows a block quote by one cell per level of indent, and
	// its token, "│ " or "| ", takes two: a one-cell bar fits exactly.
	quoteBar := "▎"
	cfg.BlockQuote.IndentToken = &quoteBar
	r, err := glamour.NewTermRenderer(glamour.WithStyles(cfg), glamour.WithColorProfile(profile), glamour.WithWordWrap(width))
	if err != nil {
		return common.JoinLines(plain(src, width))
	}
	out, err := r.Render(keepHyphens(src))
	if err != nil {
		return common.JoinLines(plain(src, width))
	}
	lines := common.Lines(strings.Trim(out, "\n"))
	for k, l := range lines {
		lines[k] = trimStyled(l)
	}
	return strings.ReplaceAll(common.JoinLines(hangItems(lines, width)), nbHyphen, "-")
}

// trimStyled drops the spaces around a styled line's text: glamour pads
// every line to the width, inside its styles.
func trimStyled(line string) string {
	plain := ansi.Strip(line)
	text := strings.TrimRight(plain, " ")
	if text == "" {
		return ""
	}
	return ansi.Truncate(line, ansi.StringWidth(text), "")
}

// hangItems wraps each list item again, its lines after the first under
// its text. glamour v1 wraps a list as one block of text: an item's second
// line starts under its bullet, may be a cell too wide, and a line break
// inside an item in the source stays a line break.
func hangItems(lines []string, width int) []string {
	out := make([]string, 0, len(lines))
	for k := 0; k < len(lines); {
		n := itemHead(lines[k])
		if n == 0 {
			out = append(out, lines[k])
			k++
			continue
		}
		head, text := ansi.Truncate(lines[k], n, ""), []string{ansi.TruncateLeft(lines[k], n, "")}
		for k++; k < len(lines) && lines[k] != "" && itemHead(lines[k]) == 0; k++ {
			plain := ansi.Strip(lines[k])
			text = append(text, ansi.TruncateLeft(lines[k], len(plain)-len(strings.TrimLeft(plain, " ")), ""))
		}
		out = append(out, common.Hang(head, strings.Join(text, " "), width)...)
	}
	return out
}

// itemHead is how wide a list item's indent, bullet or number and space
// are, or 0 for a line that starts no item.
func itemHead(line string) int {
	plain := ansi.Strip(line)
	t := strings.TrimLeft(plain, " ")
	indent := len(plain) - len(t)
	if strings.HasPrefix(t, "• ") {
		return indent + 2
	}
	digits := len(t) - len(strings.TrimLeft(t, "0123456789"))
	if digits > 0 && strings.HasPrefix(t[digits:], ". ") {
		return indent + digits + 2
	}
	return 0
}

// nbHyphen is the non-breaking hyphen, as wide as "-".
const nbHyphen = "\u2011"

// keepHyphens joins the words of names such as web-sg and app-1 with
// non-breaking hyphens, to be swapped back once the text is wrapped. Word
// wrappers (glamour's and x/ansi's) break lines at hyphens, and glamour
// miscounts the lines it breaks there, so they overflow and it breaks them
// again, leaving a word alone on a line; names of groups and instances
// should not be split anyway. Only hyphens between letters or digits are
// joined: Markdown's own, such as list items and table rules, stay.
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
