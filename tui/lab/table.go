package lab

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/sglab/sglab/tui/common"
)

// columns lays out table cells in columns that fit width. Each column is
// as wide as its widest cell; when the table is too wide, cells wrap
// between words, making their row taller: first where it costs least (a
// header such as "Port range" over short values before any value, later
// columns such as descriptions before earlier ones), each column down to
// its longest word. Only a table that does not fit even then breaks
// words. Nothing is cut.
type columns []int

const colGap = 2

// layoutColumns sizes the columns of a table of headers and rows.
func layoutColumns(width int, headers [][]string, rows ...[]string) columns {
	c, _ := fitColumns(width, headers, rows...)
	return c
}

// fitColumns sizes the columns like layoutColumns, and reports whether
// they fit with every word whole.
func fitColumns(width int, headers [][]string, rows ...[]string) (columns, bool) {
	var c, least columns
	measure := func(r []string) {
		for k, cell := range r {
			if k >= len(c) {
				c, least = append(c, 0), append(least, 0)
			}
			c[k] = max(c[k], ansi.StringWidth(cell))
			for _, word := range strings.Split(ansi.Strip(cell), " ") {
				least[k] = max(least[k], ansi.StringWidth(word))
			}
		}
	}
	for _, r := range headers {
		measure(r)
	}
	for _, r := range rows {
		measure(r)
	}
	total := colGap * max(len(c)-1, 0)
	for _, n := range c {
		total += n
	}
	// cost is what narrowing column k by one cell makes wrap: a value
	// costs more than a header.
	cost := func(k int) int {
		n := 0
		for _, r := range headers {
			if k < len(r) && ansi.StringWidth(r[k]) >= c[k] {
				n++
			}
		}
		for _, r := range rows {
			if k < len(r) && ansi.StringWidth(r[k]) >= c[k] {
				n += 3
			}
		}
		return n
	}
	for total > width {
		best := -1
		for k := len(c) - 1; k >= 0; k-- {
			if c[k] > least[k] && (best < 0 || cost(k) < cost(best)) {
				best = k
			}
		}
		if best < 0 {
			break
		}
		c[best]--
		total--
	}
	whole := total <= width
	for k := len(c) - 1; k >= 0 && total > width; k-- { // break words
		give := max(min(total-width, c[k]-4), 0)
		c[k] -= give
		total -= give
	}
	return c, whole
}

// table lays out rows under headers: in columns when they fit with every
// word whole, else one row after another, its cells joined ("HTTP · TCP ·
// 80 · 0.0.0.0/0 · HTTP from everyone") and wrapped, without headers. A
// narrow pane reads better as a list than as columns of broken words.
// Spoken (in accessible mode), each row is a sentence that names every
// cell by its header ("Type: HTTP, Protocol: TCP, …"): a screen reader
// reads a line, never a column.
type table struct {
	cols   columns
	whole  bool
	spoken bool
	width  int
}

func newTable(ctx *common.Context, width int, headers [][]string, rows ...[]string) table {
	cols, whole := fitColumns(width, headers, rows...)
	return table{cols, whole && !ctx.Accessible, ctx.Accessible, width}
}

// header is a header's lines: none in a list.
func (t table) header(cells []string) []string {
	if !t.whole {
		return nil
	}
	return t.cols.lines(cells)
}

// row is a row's lines; header names its cells when the table is spoken.
func (t table) row(header, cells []string) []string {
	switch {
	case t.spoken:
		var said []string
		for k, c := range cells {
			if c != "" && k < len(header) {
				said = append(said, header[k]+": "+c)
			}
		}
		return common.Wrap(strings.Join(said, ", "), t.width)
	case !t.whole:
		return common.Wrap(strings.Join(nonEmpty(cells), " · "), t.width)
	}
	return t.cols.lines(cells)
}

// lines formats one row of cells in the columns' widths, on as many lines
// as its wrapped cells need. The last cell is not padded.
func (c columns) lines(cells []string) []string {
	n := min(len(cells), len(c))
	wrapped := make([][]string, n)
	height := 1
	for k := range n {
		wrapped[k] = common.Wrap(cells[k], c[k])
		height = max(height, len(wrapped[k]))
	}
	out := make([]string, height)
	var b strings.Builder
	for y := range height {
		b.Reset()
		for k := range n {
			part := ""
			if y < len(wrapped[k]) {
				part = wrapped[k][y]
			}
			if k > 0 {
				b.WriteString(strings.Repeat(" ", colGap))
			}
			if k == n-1 {
				b.WriteString(part)
			} else {
				b.WriteString(common.Fit(part, c[k]))
			}
		}
		out[y] = strings.TrimRight(b.String(), " ")
	}
	return out
}
