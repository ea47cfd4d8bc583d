package markdown

import (
	"bytes"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/util"

	"github.com/sglab/sglab/internal/safetext"
)

// role is what a block's text is: its style before inline marks.
type role uint8

const (
	roleText role = iota
	roleTitle
	roleHeading
)

// mark is a set of inline attributes.
type mark uint8

const (
	markEmphasis mark = 1 << iota
	markStrong
	markCode
	markLink
	markURL
)

// look is how a piece of text is styled: comparable, so that pieces that
// look the same are painted together, and each look's style built once.
type look struct {
	role  role
	marks mark
}

// span is a piece of text in one look. Its text is safe to print: no
// control characters, no newlines.
type span struct {
	text string
	look look
}

// lineBreak is the span of a hard line break; no other span holds a
// newline.
var lineBreak = span{text: "\n"}

// style is the lipgloss style of a look: the role's style with each mark's
// added.
func (r *renderer) style(l look) lipgloss.Style {
	if s, ok := r.styles[l]; ok {
		return s
	}
	var s lipgloss.Style
	switch l.role {
	case roleTitle:
		s = r.st.Title
	case roleHeading:
		s = r.st.Heading
	default:
		s = r.st.Text
	}
	for _, m := range []struct {
		mark  mark
		style lipgloss.Style
	}{
		{markLink, r.st.Link}, {markCode, r.st.Code}, {markURL, r.st.URL},
		{markEmphasis, r.st.Emphasis}, {markStrong, r.st.Strong},
	} {
		if l.marks&m.mark != 0 {
			s = m.style.Inherit(s)
		}
	}
	r.styles[l] = s
	return s
}

// inline collects the inline content of block n as spans.
func (r *renderer) inline(n ast.Node, base role) []span {
	var spans []span
	_, inCell := n.(*east.TableCell)
	var walk func(n ast.Node, marks mark)
	add := func(s string, marks mark) {
		if s != "" {
			spans = append(spans, span{s, look{base, marks}})
		}
	}
	walk = func(n ast.Node, marks mark) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				v := c.Segment.Value(r.src)
				if c.IsRaw() {
					add(clean(string(v)), marks)
				} else {
					add(clean(unescape(v)), marks)
				}
				switch {
				case c.HardLineBreak():
					spans = append(spans, lineBreak)
				case c.SoftLineBreak():
					add(" ", marks)
				}
			case *ast.String:
				v := string(c.Value)
				if !c.IsRaw() && !c.IsCode() {
					v = unescape(c.Value)
				}
				add(clean(v), marks)
			case *ast.CodeSpan:
				var b strings.Builder
				for t := c.FirstChild(); t != nil; t = t.NextSibling() {
					if t, ok := t.(*ast.Text); ok {
						b.Write(t.Segment.Value(r.src))
					}
				}
				code := strings.ReplaceAll(b.String(), "\n", " ")
				if inCell {
					// In a table a pipe in code is written \| (GitHub's rule).
					code = strings.ReplaceAll(code, `\|`, "|")
				}
				add(clean(code), marks|markCode)
			case *ast.Emphasis:
				m, delim := markEmphasis, "*"
				if c.Level >= 2 {
					m, delim = markStrong, "**"
				}
				if r.st.Plain {
					add(delim, marks)
				}
				walk(c, marks|m)
				if r.st.Plain {
					add(delim, marks)
				}
			case *ast.Link:
				from := len(spans)
				walk(c, marks|markLink)
				r.address(&spans, from, string(c.Destination), base, marks)
			case *ast.AutoLink:
				add(clean(string(c.Label(r.src))), marks|markLink)
			case *ast.Image:
				add("[image: ", marks)
				from := len(spans)
				walk(c, marks)
				add("]", marks)
				r.address(&spans, from, string(c.Destination), base, marks)
			case *ast.RawHTML:
				var b strings.Builder
				for k := 0; k < c.Segments.Len(); k++ {
					seg := c.Segments.At(k)
					b.Write(seg.Value(r.src))
				}
				if html := b.String(); !strings.HasPrefix(html, "<!--") {
					add(clean(strings.ReplaceAll(html, "\n", " ")), marks)
				}
			default:
				walk(c, marks)
			}
		}
	}
	walk(n, 0)
	return spans
}

// address adds a link's address after its text, "(https://…)", unless the
// text already says it.
func (r *renderer) address(spans *[]span, from int, dest string, base role, marks mark) {
	dest = clean(dest)
	if dest == "" {
		return
	}
	var text strings.Builder
	for _, s := range (*spans)[from:] {
		text.WriteString(s.text)
	}
	if strings.TrimPrefix(text.String(), "mailto:") == strings.TrimPrefix(dest, "mailto:") {
		return
	}
	*spans = append(*spans, span{" ", look{base, marks}}, span{"(" + dest + ")", look{base, marks | markURL}})
}

// unescape turns Markdown's backslash escapes and character references
// into the characters they stand for, as an HTML renderer would.
func unescape(v []byte) string {
	if bytes.IndexByte(v, '\\') < 0 && bytes.IndexByte(v, '&') < 0 {
		return string(v)
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && i+1 < len(v) && util.IsPunct(v[i+1]):
			b.WriteByte(v[i+1])
			i++
		case c == '&':
			end := bytes.IndexByte(v[i:min(i+40, len(v))], ';')
			if end < 0 {
				b.WriteByte(c)
				continue
			}
			ref := v[i : i+end+1]
			out := util.ResolveEntityNames(util.ResolveNumericReferences(ref))
			if bytes.Equal(out, ref) {
				b.WriteByte(c) // not a reference: the & is just an &
				continue
			}
			b.Write(out)
			i += end
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// clean makes text safe to print on one line: tabs become spaces, NUL the
// replacement character (as CommonMark says), and every other control
// character is shown escaped by safetext.
func clean(s string) string {
	s = strings.ReplaceAll(s, "\t", " ")
	s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	return safetext.Line(s)
}
