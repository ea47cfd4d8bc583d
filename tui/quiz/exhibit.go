package quiz

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	qz "github.com/sglab/sglab/quiz"
	"github.com/sglab/sglab/tui/common"
)

// exhibitLines draws a scenario's exhibit in width cells: the machines,
// then each group's inbound and outbound rules, then each network ACL's,
// as the console lists them. Tables wrap their cells rather than cut them: a question about a
// world must show all of it.
func exhibitLines(ctx *common.Context, e *qz.Exhibit, width int) []string {
	st := ctx.Styles
	lines := []string{st.Heading.Render("Machines")}
	lines = append(lines, indent(tableLines(ctx, e.Machines, width-2))...)
	for _, g := range e.Groups {
		for _, part := range []struct {
			dir string
			t   qz.Table
		}{{"inbound", g.Inbound}, {"outbound", g.Outbound}} {
			lines = append(lines, "", st.Heading.Render(g.Title())+st.Muted.Render(" · "+part.dir+" rules"))
			if len(part.t.Rows) == 0 {
				lines = append(lines, "  "+st.Faint.Render("(none)"))
				continue
			}
			lines = append(lines, indent(tableLines(ctx, part.t, width-2))...)
		}
	}
	// Network ACLs list their * rules too, so their tables are never empty.
	for _, a := range e.ACLs {
		for _, part := range []struct {
			dir string
			t   qz.Table
		}{{"inbound", a.Inbound}, {"outbound", a.Outbound}} {
			lines = append(lines, "", st.Heading.Render("Network ACL "+a.Title())+st.Muted.Render(" · "+part.dir+" rules"))
			for _, l := range wrapWords(a.Guards(), width-2) {
				lines = append(lines, "  "+st.Muted.Render(l))
			}
			lines = append(lines, indent(tableLines(ctx, part.t, width-2))...)
		}
	}
	for k, l := range lines {
		lines[k] = common.Fit(l, width)
	}
	return lines
}

func indent(lines []string) []string {
	for k, l := range lines {
		lines[k] = "  " + l
	}
	return lines
}

const colGap = 2

// tableLines lays a table out in width cells: each column as wide as its
// widest cell, and while that is too wide, the column with the most to
// spare wraps its cells (between words, down to its longest word), so
// the rows grow taller instead of losing their ends. In accessible mode
// each row is a sentence that names its cells by their columns: a screen
// reader reads lines, not columns.
func tableLines(ctx *common.Context, t qz.Table, width int) []string {
	st := ctx.Styles
	if ctx.Accessible {
		var out []string
		for _, row := range t.Rows {
			var said []string
			for k, cell := range row {
				if cell != "" && k < len(t.Columns) {
					said = append(said, t.Columns[k]+": "+cell)
				}
			}
			out = append(out, hang("", st.Text, strings.Join(said, ", "), width)...)
		}
		return out
	}
	rows := append([][]string{t.Columns}, t.Rows...)
	n := len(t.Columns)
	widths, least := make([]int, n), make([]int, n)
	for _, row := range rows {
		for k, cell := range row[:min(len(row), n)] {
			widths[k] = max(widths[k], ansi.StringWidth(cell))
			for _, w := range unbreakable(cell) {
				least[k] = max(least[k], ansi.StringWidth(w))
			}
		}
	}
	total := colGap * max(n-1, 0)
	for _, w := range widths {
		total += w
	}
	for total > width {
		k := -1
		for j := range widths {
			if spare := widths[j] - least[j]; spare > 0 && (k < 0 || spare > widths[k]-least[k]) {
				k = j
			}
		}
		if k < 0 {
			break // every column is down to its longest word: the lines get cut
		}
		widths[k]--
		total--
	}
	var out []string
	for r, row := range rows {
		cells := make([][]string, n)
		height := 1
		for k := range n {
			if k < len(row) {
				cells[k] = wrapWords(row[k], widths[k])
			}
			height = max(height, len(cells[k]))
		}
		for y := range height {
			var b strings.Builder
			for k := range n {
				if k > 0 {
					b.WriteString(strings.Repeat(" ", colGap))
				}
				cell := ""
				if y < len(cells[k]) {
					cell = cells[k][y]
				}
				b.WriteString(common.Fit(cell, widths[k]))
			}
			line := strings.TrimRight(b.String(), " ")
			if r == 0 {
				line = st.Muted.Render(line)
			}
			out = append(out, line)
		}
	}
	return out
}
