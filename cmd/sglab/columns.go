package main

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// columns lays rows out under heads in columns one space apart, each as
// wide as its widest cell, the heads in style head. It is the plain table
// `check` and `audit` print: lipgloss's table builder lays out and styles
// every cell as a block, which took seconds on the 50,000 rows of an
// imported account's exposure. Cells may hold styled text: widths are
// measured as the terminal shows them.
func columns(head lipgloss.Style, heads []string, rows [][]string) string {
	widths := make([]int, len(heads))
	measure := func(cells []string) {
		for k, c := range cells {
			widths[k] = max(widths[k], ansi.StringWidth(c))
		}
	}
	measure(heads)
	for _, r := range rows {
		measure(r)
	}
	var b strings.Builder
	pad := func(c string, k int) string { return c + strings.Repeat(" ", widths[k]-ansi.StringWidth(c)) }
	for k, h := range heads {
		if k > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(pad(head.Render(h), k))
	}
	for _, r := range rows {
		b.WriteByte('\n')
		for k, c := range r {
			if k > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(pad(c, k))
		}
	}
	return b.String()
}
