package common

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/sglab/sglab/tui/theme"
)

// Fit truncates or pads s (which may hold styles) to exactly width cells.
func Fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	w := ansi.StringWidth(s)
	if w > width {
		return ansi.Truncate(s, width, "…")
	}
	return s + strings.Repeat(" ", width-w)
}

// Wrap breaks plain or styled text into lines of at most width cells,
// between words where it can, and never at a hyphen: names such as
// web-sg and ssh-from-me stay whole. A style open where a line breaks is
// closed at its end and opened again on the next line, so each line
// stands on its own.
func Wrap(s string, width int) []string {
	if width <= 0 {
		return nil
	}
	// ansi.Wrap always breaks after a hyphen: hide them from it behind a
	// private-use character of the same width.
	wrapped := ansi.Wrap(strings.ReplaceAll(s, "-", keptHyphen), width, "")
	lines := strings.Split(strings.ReplaceAll(wrapped, keptHyphen, "-"), "\n")
	var open string // the SGR sequences in force at the end of the line before
	for k, l := range lines {
		l = open + l
		open = openSGR(l)
		if open != "" {
			l += "\x1b[0m"
		}
		lines[k] = l
	}
	return lines
}

// keptHyphen stands in for a hyphen while text is wrapped.
const keptHyphen = "\ue000"

// openSGR returns the SGR sequences still in force at the end of s: those
// after its last reset.
func openSGR(s string) string {
	var open strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\x1b' || i+1 >= len(s) || s[i+1] != '[' {
			continue
		}
		j := i + 2
		for j < len(s) && (s[j] == ';' || s[j] >= '0' && s[j] <= '9') {
			j++
		}
		if j < len(s) && s[j] == 'm' {
			if seq := s[i : j+1]; seq == "\x1b[0m" || seq == "\x1b[m" {
				open.Reset()
			} else {
				open.WriteString(seq)
			}
		}
		i = j
	}
	return open.String()
}

// Hang wraps text after head, indenting the lines after the first to
// where the text starts: "✓ CONNECTED  Connected to …" stays readable
// when it wraps.
func Hang(head, text string, width int) []string {
	indent := ansi.StringWidth(head)
	lines := Wrap(text, max(width-indent, 10))
	for k := range lines {
		if k == 0 {
			lines[k] = head + lines[k]
		} else {
			lines[k] = strings.Repeat(" ", indent) + lines[k]
		}
	}
	return lines
}

// Lines splits a rendered block into lines, the inverse of JoinLines.
func Lines(s string) []string { return strings.Split(s, "\n") }

// JoinLines joins lines into one block.
func JoinLines(lines []string) string { return strings.Join(lines, "\n") }

// Beside puts blocks of lines side by side. Every block must already be
// padded to its own width; the result is as tall as the tallest block.
// Working on lines instead of lipgloss.JoinHorizontal keeps a frame of a
// large terminal well under a millisecond.
func Beside(blocks ...[]string) []string {
	height := 0
	for _, b := range blocks {
		height = max(height, len(b))
	}
	out := make([]string, height)
	var sb strings.Builder
	for y := range height {
		sb.Reset()
		for _, b := range blocks {
			if y < len(b) {
				sb.WriteString(b[y])
			} else if len(b) > 0 {
				sb.WriteString(strings.Repeat(" ", ansi.StringWidth(b[0])))
			}
		}
		out[y] = sb.String()
	}
	return out
}

// frame glyphs: a thin rounded border for panes, a thick one for the
// focused pane, so focus shows without colour.
var (
	thin  = [6]string{"╭", "╮", "╰", "╯", "─", "│"}
	thick = [6]string{"┏", "┓", "┗", "┛", "━", "┃"}
)

// Frame draws body inside a border of exactly width×height cells, with
// title in the top edge. Body lines are fitted to the inside (width-4:
// the border and one space of padding on each side); missing lines are
// blank and extra lines are cut.
func Frame(s *theme.Styles, title string, body []string, width, height int, focused bool) []string {
	return FrameNote(s, title, "", body, width, height, focused)
}

// FrameNote is Frame with a note in the bottom edge, such as "↓ more"
// when the body goes on below what the frame shows.
func FrameNote(s *theme.Styles, title, note string, body []string, width, height int, focused bool) []string {
	if width < 4 || height < 2 {
		return Pad(nil, width, height)
	}
	g, bs, ts := thin, s.Border, s.PaneTitle
	if focused {
		g, bs, ts = thick, s.BorderFocused, s.PaneFocus
	}
	inner := width - 4
	title = ansi.Truncate(title, max(width-6, 0), "…")
	fill := width - 3 - ansi.StringWidth(title) - 2
	top := bs.Render(g[0]+g[4]) + ts.Render(" "+title+" ") + bs.Render(strings.Repeat(g[4], max(fill, 0))+g[1])
	if title == "" {
		top = bs.Render(g[0] + strings.Repeat(g[4], width-2) + g[1])
	}
	side := bs.Render(g[5])
	out := make([]string, 0, height)
	out = append(out, top)
	for y := range height - 2 {
		line := ""
		if y < len(body) {
			line = body[y]
		}
		out = append(out, side+" "+Fit(line, inner)+" "+side)
	}
	note = ansi.Truncate(note, max(width-6, 0), "…")
	if note == "" {
		out = append(out, bs.Render(g[2]+strings.Repeat(g[4], width-2)+g[3]))
		return out
	}
	fill = width - 3 - ansi.StringWidth(note) - 2
	out = append(out, bs.Render(g[2]+strings.Repeat(g[4], max(fill, 0)))+ts.Render(" "+note+" ")+bs.Render(g[4]+g[3]))
	return out
}

// Pad fits every line to width and the block to exactly height lines.
func Pad(lines []string, width, height int) []string {
	out := make([]string, max(height, 0))
	for k := range out {
		line := ""
		if k < len(lines) {
			line = lines[k]
		}
		out[k] = Fit(line, width)
	}
	return out
}
