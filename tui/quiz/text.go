package quiz

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// The questions' own text (prompts, choices, explanations, table cells)
// is plain, and full of names like web-1 and sg-web: it wraps at spaces
// only, where common.Wrap would also break after a hyphen, and is styled
// line by line.

// wrapWords wraps plain text at spaces, keeping a port range such as
// "8000 - 8999" on one line. A word longer than width is cut into pieces.
func wrapWords(s string, width int) []string {
	words := unbreakable(s)
	var lines []string
	line := ""
	for _, w := range words {
		for ansi.StringWidth(w) > width && width > 0 {
			if line != "" {
				lines, line = append(lines, line), ""
			}
			lines = append(lines, ansi.Truncate(w, width, ""))
			w = ansi.TruncateLeft(w, width, "")
		}
		switch {
		case line == "":
			line = w
		case ansi.StringWidth(line)+1+ansi.StringWidth(w) <= width:
			line += " " + w
		default:
			lines, line = append(lines, line), w
		}
	}
	return append(lines, line)
}

// para wraps plain text in width cells and styles each line.
func para(style lipgloss.Style, text string, width int) []string {
	lines := wrapWords(text, width)
	for k, l := range lines {
		lines[k] = style.Render(l)
	}
	return lines
}

// hang puts head (styled already) before text, the text's later lines
// indented to where it starts: "  ✗ B) 3389" wraps under "3389".
func hang(head string, style lipgloss.Style, text string, width int) []string {
	indent := ansi.StringWidth(head)
	lines := para(style, text, max(width-indent, 10))
	for k := range lines {
		if k == 0 {
			lines[k] = head + lines[k]
		} else {
			lines[k] = strings.Repeat(" ", indent) + lines[k]
		}
	}
	return lines
}

// unbreakable splits s into the pieces a line may not break inside: its
// words, with a range such as "1024 - 65535" kept whole.
func unbreakable(s string) []string {
	var words []string
	fields := strings.Fields(s)
	for k := 0; k < len(fields); k++ {
		if fields[k] == "-" && len(words) > 0 && k+1 < len(fields) {
			words[len(words)-1] += " - " + fields[k+1]
			k++
			continue
		}
		words = append(words, fields[k])
	}
	return words
}
