package markdown

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// width1 is how many cells s takes on a terminal.
func width1(s string) int { return ansi.StringWidth(s) }

// word is text between two spaces: one or more spans, since a word may
// change look inside ("**web**-1"). sep is the look of the space before
// it, so that a space inside a code span keeps the code's look.
type word struct {
	spans []span
	sep   look
}

func (w word) text() string {
	var b strings.Builder
	for _, s := range w.spans {
		b.WriteString(s.text)
	}
	return b.String()
}

// words splits spans at their spaces, the only places where a line may
// break: never at a hyphen, so web-1 and sg-web stay whole. A nil word
// stands for a hard line break.
func words(spans []span) []*word {
	var out []*word
	var cur *word
	sep := look{}
	for _, s := range spans {
		if s == lineBreak {
			out = append(out, nil)
			cur = nil
			continue
		}
		for k, part := range strings.Split(s.text, " ") {
			if k > 0 {
				cur, sep = nil, s.look
			}
			if part == "" {
				continue
			}
			if cur == nil {
				cur = &word{sep: sep}
				out = append(out, cur)
			}
			cur.spans = append(cur.spans, span{part, s.look})
		}
	}
	return out
}

// measure is how many cells spans take once painted. With styles, each
// run of spans in one look is measured apart, since the escape sequences
// between runs keep a character of one from joining one of the next
// (U+0600 before a digit, a variation selector after a symbol); without
// styles the text runs together and is measured whole.
func (r *renderer) measure(spans []span) int {
	if r.st.Plain {
		return width1(word{spans: spans}.text())
	}
	total := 0
	for i := 0; i < len(spans); {
		j := i
		var run strings.Builder
		for ; j < len(spans) && spans[j].look == spans[i].look; j++ {
			run.WriteString(spans[j].text)
		}
		total += width1(run.String())
		i = j
	}
	return total
}

// wrap lays spans out in lines of at most width cells, filling each line
// with as many words as fit. A word wider than a whole line is broken
// between its characters.
func (r *renderer) wrap(spans []span, width int) [][]span {
	var lines [][]span
	var cur []span
	curW := 0 // cur's width
	flush := func() {
		lines = append(lines, cur)
		cur, curW = nil, 0
	}
	for _, w := range words(spans) {
		if w == nil {
			flush()
			continue
		}
		wordW := r.measure(w.spans)
		if len(cur) > 0 {
			// Between ASCII characters and a space nothing joins: widths
			// add up. Elsewhere the line is measured again, whole.
			n := len(cur)
			cur = append(append(cur, span{" ", w.sep}), w.spans...)
			nextW := curW + 1 + wordW
			if last := cur[n-1].text; last[len(last)-1] >= utf8.RuneSelf || w.spans[0].text[0] >= utf8.RuneSelf {
				nextW = r.measure(cur)
			}
			if nextW <= width {
				curW = nextW
				continue
			}
			cur = cur[:n]
			flush()
		}
		if wordW <= width {
			cur, curW = slices.Clone(w.spans), wordW
			continue
		}
		pieces := r.breakWord(w.spans, width)
		for _, p := range pieces[:len(pieces)-1] {
			cur = p
			flush()
		}
		cur = pieces[len(pieces)-1]
		curW = r.measure(cur)
	}
	if len(cur) > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// breakWord cuts a word into pieces of at most width cells, between
// grapheme clusters. A cluster wider than width on its own (a wide
// character in a one-cell column) is shown as "?".
func (r *renderer) breakWord(spans []span, width int) [][]span {
	var pieces [][]span
	var cur []span
	for _, s := range spans {
		rest := s.text
		for rest != "" {
			cluster, _ := ansi.FirstGraphemeCluster(rest, ansi.GraphemeWidth)
			if cluster == "" {
				cluster = rest[:1] // never stall, whatever the segmenter says
			}
			rest = rest[len(cluster):]
			if width1(cluster) > width {
				cluster = "?"
			}
			next := append(slices.Clip(cur), span{cluster, s.look})
			if len(cur) > 0 && r.measure(next) > width {
				pieces = append(pieces, cur)
				next = []span{{cluster, s.look}}
			}
			cur = next
		}
	}
	return append(pieces, cur)
}

// breakCode cuts a line of code into rows of at most width cells, after
// a space where it can, so that a long command wraps between its words.
// Leading spaces, which are the code's indentation, are kept.
func breakCode(line string, width int) []string {
	var rows []string
	for width1(line) > width {
		head := ansi.Truncate(line, width, "")
		if cut := strings.LastIndexByte(head, ' '); cut > 0 && strings.TrimSpace(head[:cut]) != "" {
			head = head[:cut+1]
		}
		if head == "" { // a character wider than the width
			cluster, _ := ansi.FirstGraphemeCluster(line, ansi.GraphemeWidth)
			head, line = "?", line[len(cluster):]
			rows = append(rows, head)
			continue
		}
		rows = append(rows, strings.TrimRight(head, " "))
		line = line[len(head):]
	}
	return append(rows, line)
}

// paint renders lines of spans, each run of spans in one look styled
// together.
func (r *renderer) paint(lines [][]span) []string {
	out := make([]string, len(lines))
	for k, line := range lines {
		var b strings.Builder
		for i := 0; i < len(line); {
			j := i
			var text strings.Builder
			for ; j < len(line) && line[j].look == line[i].look; j++ {
				text.WriteString(line[j].text)
			}
			b.WriteString(r.style(line[i].look).Render(text.String()))
			i = j
		}
		out[k] = b.String()
	}
	return out
}
