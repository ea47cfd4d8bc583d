// Package markdown renders Markdown for the terminal: lesson pages, check
// questions and their explanations. goldmark parses the text (CommonMark,
// plus GitHub's tables); this package lays it out in lines no wider than
// asked, styled with lipgloss styles from the session's renderer.
//
// It replaces glamour, whose package initialisation (chroma's lexers and
// styles, bluemonday, goldmark's extensions) cost every start of every
// sglab command about 40 ms. Lessons need no syntax highlighting, and
// laying the text out here means the wrapping is ours: names such as
// web-1 and sg-web are never split at their hyphens, list items hang
// under their text, and no line is ever wider than the width.
//
// The text comes from lesson packs, which anyone may write: every piece
// of it goes through internal/safetext on its way out, so no control
// character (ESC, BEL, a bidirectional override) reaches the terminal,
// whether written raw or as a character reference such as &#27;.
package markdown

import (
	"strconv"
	"strings"
	"sync"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// minRoom is the fewest cells a nested block keeps for its text: below it,
// list items and quotes stop indenting their content, which then reads
// better than a column of broken words.
const minRoom = 8

// Render lays src out in lines of at most width cells (at least 1). The
// lines carry no trailing newline; blocks are separated by one empty line.
func Render(src string, width int, st *Styles) []string {
	width = max(width, 1)
	source := []byte(src)
	doc := mdParser().Parse(text.NewReader(source))
	r := &renderer{st: st, src: source, styles: map[look]lipgloss.Style{}}
	return r.blocks(doc, width)
}

// mdParser is built on first use, not at start-up, and never changes
// after: goldmark's parsers are safe for concurrent use.
var mdParser = sync.OnceValue(newParser)

// newParser is goldmark's CommonMark parser with GitHub's tables.
func newParser() parser.Parser {
	return parser.NewParser(
		parser.WithBlockParsers(parser.DefaultBlockParsers()...),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
		parser.WithParagraphTransformers(append(parser.DefaultParagraphTransformers(),
			util.Prioritized(tableTransformer{}, 200))...),
	)
}

// renderer is one rendering of one document.
type renderer struct {
	st     *Styles
	src    []byte
	depth  int                     // how deep in lists: the bullet changes with it
	styles map[look]lipgloss.Style // each look's style, built once
}

// blocks renders the block children of n, an empty line between two
// blocks, but none after a tight list item's text.
func (r *renderer) blocks(n ast.Node, width int) []string {
	var lines []string
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		out := r.block(c, width)
		if len(out) == 0 {
			continue
		}
		if len(lines) > 0 {
			if _, tight := c.PreviousSibling().(*ast.TextBlock); !tight {
				lines = append(lines, "")
			}
		}
		lines = append(lines, out...)
	}
	return lines
}

func (r *renderer) block(n ast.Node, width int) []string {
	switch n := n.(type) {
	case *ast.Paragraph, *ast.TextBlock:
		return r.paint(r.wrap(r.inline(n, roleText), width))
	case *ast.Heading:
		return r.heading(n, width)
	case *ast.ThematicBreak:
		return []string{r.st.Border.Render(strings.Repeat("─", width))}
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		return r.code(n.Lines(), width)
	case *ast.Blockquote:
		return r.quote(n, width)
	case *ast.List:
		return r.list(n, width)
	case *ast.HTMLBlock:
		return r.html(n, width)
	case *east.Table:
		return r.table(n, width)
	}
	return r.blocks(n, width)
}

func (r *renderer) heading(h *ast.Heading, width int) []string {
	role := roleHeading
	if h.Level == 1 {
		role = roleTitle
	}
	var spans []span
	if r.st.Plain {
		spans = append(spans, span{strings.Repeat("#", h.Level) + " ", look{role: role}})
	}
	return r.paint(r.wrap(append(spans, r.inline(h, role)...), width))
}

// quote puts a bar beside the quoted blocks.
func (r *renderer) quote(q *ast.Blockquote, width int) []string {
	const bar = "│ "
	if width-2 < minRoom {
		return r.blocks(q, width)
	}
	lines := r.blocks(q, width-2)
	for k, l := range lines {
		if l == "" {
			lines[k] = r.st.Quote.Render(strings.TrimSpace(bar))
		} else {
			lines[k] = r.st.Quote.Render(bar) + l
		}
	}
	return lines
}

// list renders each item after its bullet or number, its lines hanging
// under its text.
func (r *renderer) list(l *ast.List, width int) []string {
	r.depth++
	defer func() { r.depth-- }()
	markers := r.markers(l)
	indent := 0
	for _, m := range markers {
		indent = max(indent, width1(m))
	}
	var lines []string
	k := 0
	for item := l.FirstChild(); item != nil; item, k = item.NextSibling(), k+1 {
		if k > 0 && !l.IsTight {
			lines = append(lines, "")
		}
		if width-indent < minRoom {
			// No room to hang: the marker stands on a line of its own.
			lines = append(lines, r.st.Marker.Render(ansi.Truncate(strings.TrimSpace(markers[k]), width, "")))
			lines = append(lines, r.blocks(item, width)...)
			continue
		}
		body := r.blocks(item, width-indent)
		if len(body) == 0 {
			lines = append(lines, r.st.Marker.Render(strings.TrimSpace(markers[k])))
			continue
		}
		marker := r.st.Marker.Render(markers[k]) + strings.Repeat(" ", indent-width1(markers[k]))
		for j, b := range body {
			switch {
			case j == 0:
				lines = append(lines, marker+b)
			case b == "":
				lines = append(lines, "")
			default:
				lines = append(lines, strings.Repeat(" ", indent)+b)
			}
		}
	}
	return lines
}

// markers are the list's bullets, or its numbers right-aligned, each
// followed by a space.
func (r *renderer) markers(l *ast.List) []string {
	n := l.ChildCount()
	out := make([]string, n)
	if !l.IsOrdered() {
		bullets := []string{"•", "◦", "▪"}
		for k := range out {
			out[k] = bullets[(r.depth-1)%len(bullets)] + " "
		}
		return out
	}
	widest := len(strconv.Itoa(l.Start + n - 1))
	for k := range out {
		num := strconv.Itoa(l.Start + k)
		out[k] = strings.Repeat(" ", widest-len(num)) + num + string(l.Marker) + " "
	}
	return out
}

// code renders a code block's lines as they are, tabs expanded, in a box
// of its own colour; lines too long for the width are wrapped. Without
// colour the block is indented instead, as Markdown writes it.
func (r *renderer) code(segs *text.Segments, width int) []string {
	box := r.st.CodeBox
	indent, pad := 2, box.GetHorizontalPadding()
	if r.st.Plain {
		indent, pad = 4, 0
	}
	if width-indent-pad < minRoom {
		indent, pad = 0, 0
		box = box.UnsetPadding()
	}
	rows := r.verbatim(segs, width-indent-pad)
	// A block ends at its last line with text.
	for len(rows) > 0 && strings.TrimSpace(rows[len(rows)-1]) == "" {
		rows = rows[:len(rows)-1]
	}
	wide := 0
	for _, row := range rows {
		wide = max(wide, width1(row))
	}
	lines := make([]string, len(rows))
	for k, row := range rows {
		if r.st.Plain {
			lines[k] = strings.TrimRight(strings.Repeat(" ", indent)+row, " ")
			continue
		}
		lines[k] = strings.Repeat(" ", indent) + box.Render(row+strings.Repeat(" ", wide-width1(row)))
	}
	return lines
}

// html shows a block of HTML as the text it is, for the reader to read;
// comments, which are notes for the lesson's authors, are left out.
func (r *renderer) html(h *ast.HTMLBlock, width int) []string {
	if h.HTMLBlockType == ast.HTMLBlockType2 {
		return nil
	}
	segs := h.Lines()
	if h.HasClosure() {
		segs = text.NewSegments()
		segs.AppendAll(h.Lines().Sliced(0, h.Lines().Len()))
		segs.Append(h.ClosureLine)
	}
	rows := r.verbatim(segs, width)
	for k, row := range rows {
		rows[k] = r.st.Text.Render(row)
	}
	return rows
}

// verbatim is the lines of a block shown as written (code, HTML), safe
// to print and cut into rows of at most width cells.
func (r *renderer) verbatim(segs *text.Segments, width int) []string {
	var rows []string
	for k := 0; k < segs.Len(); k++ {
		seg := segs.At(k)
		line := strings.TrimRight(string(seg.Value(r.src)), "\r\n")
		rows = append(rows, breakCode(clean(expandTabs(line)), width)...)
	}
	return rows
}

// expandTabs turns tabs into spaces up to the next multiple of 4 cells.
func expandTabs(s string) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	col := 0
	for _, c := range s {
		if c == '\t' {
			n := 4 - col%4
			b.WriteString(strings.Repeat(" ", n))
			col += n
			continue
		}
		b.WriteRune(c)
		col++
	}
	return b.String()
}
