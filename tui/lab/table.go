package lab

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/sglab/sglab/tui/common"
)

// columns lays out table cells in columns that fit width: each column as
// wide as its widest cell, and when that is too wide, the last columns
// (descriptions, then sources) give up room first, down to a few cells.
type columns []int

const colGap = 2

func layoutColumns(width int, rows ...[]string) columns {
	var c columns
	for _, r := range rows {
		for k, cell := range r {
			if k >= len(c) {
				c = append(c, 0)
			}
			c[k] = max(c[k], ansi.StringWidth(cell))
		}
	}
	total := colGap * max(len(c)-1, 0)
	for _, n := range c {
		total += n
	}
	for k := len(c) - 1; k >= 0 && total > width; k-- {
		give := min(total-width, c[k]-min(c[k], 6))
		c[k] -= give
		total -= give
	}
	return c
}

// row formats cells in the columns' widths.
func (c columns) row(cells []string) string {
	var b strings.Builder
	for k, cell := range cells {
		if k >= len(c) {
			break
		}
		if k > 0 {
			b.WriteString(strings.Repeat(" ", colGap))
		}
		if k == len(cells)-1 {
			b.WriteString(ansi.Truncate(cell, c[k], "…")) // no trailing padding
		} else {
			b.WriteString(common.Fit(cell, c[k]))
		}
	}
	return b.String()
}
