package markdown

import (
	"bytes"
	"slices"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// tableTransformer reads GitHub's tables out of paragraphs into goldmark's
// table nodes, whose cells goldmark then parses as inline Markdown.
//
// goldmark has this in its extension package, but importing that package
// compiles its linkify regular expressions at every start of the program
// (3 to 4 ms here, as much as the rest of goldmark): the reason sglab
// reads tables itself. TestTablesAsGoldmarkReadsThem holds the two to the
// same tables.
type tableTransformer struct{}

// Transform turns the paragraph's lines from a header row followed by a
// delimiter row on into a table; lines before the header stay a
// paragraph.
func (tableTransformer) Transform(p *ast.Paragraph, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	lines := p.Lines()
	for k := 1; k < lines.Len(); k++ {
		delim := lines.At(k)
		aligns := delimiterRow(delim.Value(src))
		if aligns == nil {
			continue
		}
		header := cells(lines.At(k-1), src)
		if len(header) != len(aligns) {
			return
		}
		table := east.NewTable()
		table.Alignments = aligns
		table.SetPos(p.Pos())
		table.AppendChild(table, east.NewTableHeader(row(header, aligns)))
		for j := k + 1; j < lines.Len(); j++ {
			table.AppendChild(table, row(cells(lines.At(j), src), aligns))
		}
		parent := p.Parent()
		parent.InsertAfter(parent, p, table)
		if k == 1 {
			parent.RemoveChild(parent, p)
			return
		}
		lines.SetSliced(0, k-1)
		last := lines.At(k - 2)
		lines.Set(k-2, last.WithStop(last.Stop-1)) // without its line ending
		return
	}
}

// row makes a table row of cells, as many as the table has columns.
func row(segs []text.Segment, aligns []east.Alignment) *east.TableRow {
	r := east.NewTableRow(aligns)
	for k, align := range aligns {
		c := east.NewTableCell()
		c.Alignment = align
		if k < len(segs) {
			c.Lines().Append(segs[k])
		}
		r.AppendChild(r, c)
	}
	return r
}

// cells splits a row at its pipes (not at an escaped \|), without the
// pipes at either end, each cell trimmed.
func cells(line text.Segment, src []byte) []text.Segment {
	line = line.TrimLeftSpace(src)
	line = line.TrimRightSpace(src)
	v := line.Value(src)
	start, stop := 0, len(v)
	if stop > 0 && v[0] == '|' {
		start++
	}
	if stop > start && v[stop-1] == '|' {
		stop--
	}
	var out []text.Segment
	from := start
	for i := start; i <= stop; i++ {
		if i < stop && (v[i] != '|' || i > 0 && v[i-1] == '\\') {
			continue
		}
		seg := text.NewSegment(line.Start+from, line.Start+i)
		seg = seg.TrimLeftSpace(src)
		out = append(out, seg.TrimRightSpace(src))
		from = i + 1
	}
	return out
}

// delimiterRow reads a row such as "| --- | :-: | --: |" into the columns'
// alignments, or returns nil if line is no such row.
func delimiterRow(line []byte) []east.Alignment {
	if w, _ := util.IndentWidth(line, 0); w > 3 {
		return nil // indented code, not a table
	}
	t := bytes.TrimSpace(line)
	if !bytes.ContainsAny(t, "|:") {
		return nil // "---" alone is a rule or a heading's underline
	}
	t = bytes.TrimPrefix(t, []byte("|"))
	t = bytes.TrimSuffix(t, []byte("|"))
	var aligns []east.Alignment
	for _, col := range bytes.Split(t, []byte("|")) {
		col = bytes.TrimSpace(col)
		left, right := bytes.HasPrefix(col, []byte(":")), bytes.HasSuffix(col, []byte(":"))
		dashes := bytes.TrimSuffix(bytes.TrimPrefix(col, []byte(":")), []byte(":"))
		if len(dashes) == 0 || len(bytes.Trim(dashes, "-")) != 0 {
			return nil
		}
		switch {
		case left && right:
			aligns = append(aligns, east.AlignCenter)
		case left:
			aligns = append(aligns, east.AlignLeft)
		case right:
			aligns = append(aligns, east.AlignRight)
		default:
			aligns = append(aligns, east.AlignNone)
		}
	}
	return aligns
}

// Laying a table out.

// cell is a table cell's text, with the widths that decide its column's.
type cell struct {
	spans   []span
	natural int // on one line
	least   int // its widest word
	align   east.Alignment
}

// columnGap separates two columns.
const columnGap = " │ "

// table draws a table with a rule under its header and a bar between its
// columns. Columns that fit take their natural width; when the table is
// too wide, the room is shared fairly and the widest columns wrap their
// text. A table that cannot fit even so is shown as a
// list of records, each cell under its column's name.
func (r *renderer) table(t *east.Table, width int) []string {
	var rows [][]cell
	for c := t.FirstChild(); c != nil; c = c.NextSibling() {
		role := roleText
		if _, ok := c.(*east.TableHeader); ok {
			role = roleHeading
		}
		var cs []cell
		for c := c.FirstChild(); c != nil; c = c.NextSibling() {
			tc := c.(*east.TableCell)
			spans := r.inline(tc, role)
			x := cell{spans: spans, align: tc.Alignment}
			// Measured once per line between hard breaks: wrapping at an
			// unbounded width would measure the line again for every word
			// that is not ASCII.
			from := 0
			for k := 0; k <= len(spans); k++ {
				if k == len(spans) || spans[k] == lineBreak {
					x.natural = max(x.natural, r.measure(spans[from:k]))
					from = k + 1
				}
			}
			for _, w := range words(spans) {
				if w != nil {
					x.least = max(x.least, r.measure(w.spans))
				}
			}
			cs = append(cs, x)
		}
		rows = append(rows, cs)
	}
	n := len(t.Alignments)
	widths := columnWidths(rows, n, width-width1(columnGap)*(n-1))
	if widths == nil {
		return r.records(rows, width)
	}
	var lines []string
	gap := r.st.Border.Render(columnGap)
	// Rows are ruled apart when the first column no longer shows where
	// each starts: when one of its cells wraps, or is empty in a row
	// that takes several lines.
	ruled := false
	var drawn [][]string
	for _, cs := range rows {
		cols := make([][]string, n)
		height := 0
		for k, c := range cs {
			cols[k] = r.paint(r.wrap(c.spans, widths[k]))
			height = max(height, len(cols[k]))
		}
		for k := range cols {
			cols[k] = align(cols[k], widths[k], height, cs[k].align)
		}
		block := make([]string, height)
		for j := range block {
			var parts []string
			for k := range cols {
				parts = append(parts, cols[k][j])
			}
			block[j] = strings.TrimRight(strings.Join(parts, gap), " ")
		}
		drawn = append(drawn, block)
		first := cs[0].spans
		ruled = ruled || len(cols[0]) > 1 && strings.TrimSpace(cols[0][1]) != "" || height > 1 && len(first) == 0
	}
	rule := make([]string, n)
	for k, w := range widths {
		rule[k] = strings.Repeat("─", w)
	}
	ruleLine := r.st.Border.Render(strings.Join(rule, "─┼─"))
	for k, block := range drawn {
		if k == 1 || k > 1 && ruled {
			lines = append(lines, ruleLine)
		}
		lines = append(lines, block...)
	}
	return lines
}

// columnWidths shares room cells among n columns, or returns nil when the
// columns cannot each have room for their widest word (up to 16 cells).
func columnWidths(rows [][]cell, n, room int) []int {
	natural, least := make([]int, n), make([]int, n)
	for _, cs := range rows {
		for k, c := range cs {
			natural[k] = max(natural[k], c.natural, 1)
			least[k] = max(least[k], min(c.least, 16), 1)
		}
	}
	total := 0
	for _, w := range natural {
		total += w
	}
	if total <= room {
		return natural
	}
	widths := slices.Clone(least)
	left := room
	for _, w := range widths {
		left -= w
	}
	if left < 0 {
		return nil
	}
	// The cells left are shared out fairly (max-min): a column that needs
	// less than an equal share gets what it needs, and the others split
	// the rest evenly. Narrow columns stay whole; long ones wrap alike.
	order := make([]int, n)
	for k := range order {
		order[k] = k
	}
	need := func(k int) int { return natural[k] - widths[k] }
	slices.SortStableFunc(order, func(a, b int) int { return need(a) - need(b) })
	for i, k := range order {
		give := min(need(k), left/(n-i))
		widths[k] += give
		left -= give
	}
	return widths
}

// align pads a column's lines to its width and the row's height.
func align(lines []string, width, height int, a east.Alignment) []string {
	out := make([]string, height)
	for j := range out {
		l := ""
		if j < len(lines) {
			l = lines[j]
		}
		pad := width - width1(l)
		switch a {
		case east.AlignRight:
			l = strings.Repeat(" ", pad) + l
		case east.AlignCenter:
			l = strings.Repeat(" ", pad/2) + l + strings.Repeat(" ", pad-pad/2)
		default:
			l += strings.Repeat(" ", pad)
		}
		out[j] = l
	}
	return out
}

// records shows a table too wide for the width as one record per row,
// "column: value" on a line each.
func (r *renderer) records(rows [][]cell, width int) []string {
	labels, body := rows[0], rows[1:]
	if len(body) == 0 { // a header alone is its own record
		labels, body = nil, rows
	}
	var lines []string
	for k, cs := range body {
		if k > 0 {
			lines = append(lines, "")
		}
		for c, x := range cs {
			var head []span
			if c < len(labels) {
				for _, s := range labels[c].spans {
					head = append(head, span{s.text, look{roleHeading, s.look.marks}})
				}
			}
			if len(head) > 0 {
				head = append(head, span{":", look{role: roleHeading}}, span{" ", look{}})
			}
			lines = append(lines, r.paint(r.wrap(append(head, x.spans...), width))...)
		}
	}
	return lines
}
