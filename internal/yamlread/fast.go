package yamlread

import (
	"strings"
	"unicode/utf8"
)

// decodeFast reads a document written in the subset of YAML that scenario
// and lesson files use, and builds its tree exactly as the full parser's
// would be turned into Nodes: the same kinds, texts and positions. It
// handles:
//
//   - block mappings whose keys are plain words (letters, digits, _ and -)
//     and block sequences, items of either on their own lines;
//   - flow mappings and sequences written on one line;
//   - plain scalars, and quoted scalars on one line without escapes;
//   - comments and blank lines.
//
// For anything else (and for every malformed document) ok is false and
// the caller uses the full parser, which also gives the exact error. The
// document's nesting has been checked first, so recursion is bounded.
// doc is nil for a document with nothing in it.
func decodeFast(data string) (doc *Node, ok bool) {
	if !plainBytes(data) {
		return nil, false
	}
	d := fastDecoder{src: data, line: 1}
	d.skipBlank()
	if d.eof() {
		return nil, true
	}
	if d.indent() != 0 || d.startsDocument() {
		return nil, false
	}
	var n Node
	switch c := d.src[d.i]; {
	case c == '[' || c == '{':
		if n, ok = d.flow(0); !ok || !d.endOfLine() {
			return nil, false
		}
		d.skipBlank()
	case d.isDash():
		if n, ok = d.blockSequence(0); !ok {
			return nil, false
		}
	default:
		if n, ok = d.blockMapping(0); !ok {
			return nil, false
		}
	}
	if !d.eof() {
		return nil, false
	}
	return &n, true
}

// plainBytes reports whether data holds only what the fast decoder reads
// the way the full parser does: UTF-8 without tabs, carriage returns,
// control characters, byte order marks or the Unicode line breaks that
// YAML 1.1 knows (NEL, LS, PS).
func plainBytes(data string) bool {
	for i := range len(data) {
		c := data[i]
		switch {
		case c < 0x20 && c != '\n', c == 0x7f:
			return false
		case c < 0xc2:
		case c == 0xc2 && i+1 < len(data) && data[i+1] == 0x85, // NEL
			c == 0xe2 && i+2 < len(data) && data[i+1] == 0x80 && (data[i+2] == 0xa8 || data[i+2] == 0xa9), // LS, PS
			c == 0xef && i+2 < len(data) && data[i+1] == 0xbb && data[i+2] == 0xbf:                        // BOM
			return false
		}
	}
	return utf8.ValidString(data)
}

type fastDecoder struct {
	src       string
	i         int // the next byte
	line      int // the line of byte i
	lineStart int // where that line starts
	stack     []Node
}

func (d *fastDecoder) eof() bool { return d.i >= len(d.src) }

// pos is where byte i is, its column counted in characters.
func (d *fastDecoder) pos() Pos {
	return d.posAt(d.i)
}

func (d *fastDecoder) posAt(i int) Pos {
	col := i - d.lineStart
	for k := d.lineStart; k < i; k++ {
		if d.src[k] >= 0x80 {
			col = utf8.RuneCountInString(d.src[d.lineStart:i])
			break
		}
	}
	return Pos{d.line, col + 1}
}

// skipBlank moves to the first character of the next line that has
// content, past blank lines and comments; it stays put on such a line.
func (d *fastDecoder) skipBlank() {
	for !d.eof() {
		j := d.i
		for j < len(d.src) && d.src[j] == ' ' {
			j++
		}
		if j < len(d.src) && d.src[j] != '\n' && d.src[j] != '#' {
			d.i = j
			return
		}
		d.i = j
		d.toNextLine()
	}
}

// toNextLine moves past the end of the current line.
func (d *fastDecoder) toNextLine() {
	if k := strings.IndexByte(d.src[d.i:], '\n'); k >= 0 {
		d.i += k + 1
		d.line++
		d.lineStart = d.i
		return
	}
	d.i = len(d.src)
}

// indent is the column of byte i, counted from 0; the decoder calls it on
// the first character of a line, where it is the line's indentation.
func (d *fastDecoder) indent() int { return d.i - d.lineStart }

// startsDocument reports a document marker or a directive, which the fast
// decoder leaves to the full parser.
func (d *fastDecoder) startsDocument() bool {
	rest := d.src[d.i:]
	return strings.HasPrefix(rest, "---") || strings.HasPrefix(rest, "...") || rest[0] == '%'
}

// isDash reports whether byte i starts a block sequence item.
func (d *fastDecoder) isDash() bool {
	return d.src[d.i] == '-' && (d.i+1 == len(d.src) || d.src[d.i+1] == ' ' || d.src[d.i+1] == '\n')
}

// endOfLine reports whether only spaces and a comment are left on the
// line, and moves past it.
func (d *fastDecoder) endOfLine() bool {
	j := d.i
	for j < len(d.src) && d.src[j] == ' ' {
		j++
	}
	switch {
	case j == len(d.src) || d.src[j] == '\n':
	case d.src[j] == '#' && j > d.i:
	default:
		return false
	}
	d.i = j
	d.toNextLine()
	return true
}

// afterIndicator is where the full parser places an empty value: just
// after the colon or dash before it, or one further when nothing follows
// it in the document.
func afterIndicator(p Pos, last bool) Pos {
	if last {
		return Pos{p.Line, p.Col + 2}
	}
	return Pos{p.Line, p.Col + 1}
}

// keyLen returns the length of a plain key at i followed by a colon and
// a space or the end of the line, or 0.
func (d *fastDecoder) keyLen() int {
	j := d.i
	for j < len(d.src) && isKeyByte(d.src[j], j == d.i) {
		j++
	}
	if j == d.i || j == len(d.src) || d.src[j] != ':' {
		return 0
	}
	switch d.src[d.i:j] {
	case "null", "Null", "NULL":
		return 0 // a null key, which the full parser reads as no text at all
	}
	if j+1 < len(d.src) && d.src[j+1] != ' ' && d.src[j+1] != '\n' {
		return 0
	}
	return j - d.i
}

func isKeyByte(c byte, first bool) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' && !first
}

// collect makes the nodes pushed since base the items of a new node.
func (d *fastDecoder) collect(base int, kind Kind, at Pos) Node {
	n := Node{Kind: kind, Items: make([]Node, len(d.stack)-base)}
	copy(n.Items, d.stack[base:])
	d.stack = d.stack[:base]
	n.at(at)
	return n
}

// blockMapping reads a block mapping whose keys are at column indent;
// byte i is its first key.
func (d *fastDecoder) blockMapping(indent int) (Node, bool) {
	base := len(d.stack)
	var at Pos
	for {
		n := d.keyLen()
		if n == 0 {
			return Node{}, false
		}
		key := Node{Kind: Scalar, Text: d.src[d.i : d.i+n]}
		key.at(d.pos())
		for k := base; k < len(d.stack); k += 2 {
			if d.stack[k].Text == key.Text {
				return Node{}, false // a duplicate, which the full parser reports
			}
		}
		d.i += n
		colon := d.pos()
		if len(d.stack) == base {
			at = colon
		}
		d.i++ // the colon
		value, ok := d.value(indent, colon)
		if !ok {
			return Node{}, false
		}
		d.stack = append(d.stack, key, value)
		if d.eof() {
			break
		}
		if k := d.indent(); k < indent {
			break
		} else if k > indent || d.isDash() {
			return Node{}, false
		}
	}
	return d.collect(base, Mapping, at), true
}

// value reads the value after a key's colon, on its line or on the lines
// after it, and leaves i on the next line with content.
func (d *fastDecoder) value(indent int, colon Pos) (Node, bool) {
	for !d.eof() && d.src[d.i] == ' ' {
		d.i++
	}
	if d.eof() || d.src[d.i] == '\n' || d.src[d.i] == '#' {
		empty := Node{Kind: Null}
		empty.at(afterIndicator(colon, false))
		d.toNextLine()
		d.skipBlank()
		if d.eof() {
			empty.at(afterIndicator(colon, true))
			return empty, true
		}
		switch k := d.indent(); {
		case k > indent && d.isDash():
			return d.blockSequence(k)
		case k > indent:
			return d.blockMapping(k)
		case k == indent && d.isDash():
			return d.blockSequence(k)
		}
		return empty, true
	}
	return d.inline(indent)
}

// inline reads a value written on the key's or the dash's line, and the
// rest of that line; a value that goes on to the next lines is left to
// the full parser.
func (d *fastDecoder) inline(indent int) (Node, bool) {
	var n Node
	var ok bool
	switch d.src[d.i] {
	case '{', '[':
		n, ok = d.flow(indent)
	case '"', '\'':
		n, ok = d.quoted()
	default:
		n, ok = d.plain(false)
	}
	if !ok || !d.endOfLine() {
		return Node{}, false
	}
	d.skipBlank()
	if !d.eof() && d.indent() > indent {
		return Node{}, false // the value goes on, or is followed by a stray line
	}
	return n, true
}

// blockSequence reads a block sequence whose dashes are at column indent.
func (d *fastDecoder) blockSequence(indent int) (Node, bool) {
	base := len(d.stack)
	at := d.pos()
	for {
		dash := d.pos()
		d.i++ // the dash
		for !d.eof() && d.src[d.i] == ' ' {
			d.i++
		}
		var item Node
		var ok bool
		switch {
		case d.eof() || d.src[d.i] == '\n' || d.src[d.i] == '#':
			item = Node{Kind: Null}
			d.toNextLine()
			d.skipBlank()
			item.at(afterIndicator(dash, d.eof()))
			if !d.eof() && (d.indent() > indent || d.indent() == indent && !d.isDash()) {
				// An item on the lines below its dash; or a key right under
				// an empty item, which the full parser takes for its value.
				return Node{}, false
			}
		case d.isDash():
			return Node{}, false // a list in a list on one line
		case d.keyLen() > 0:
			item, ok = d.blockMapping(d.indent())
			if !ok {
				return Node{}, false
			}
		default:
			if item, ok = d.inline(indent); !ok {
				return Node{}, false
			}
		}
		item.markAt(dash)
		d.stack = append(d.stack, item)
		if d.eof() {
			break
		}
		if k := d.indent(); k < indent || (k == indent && !d.isDash()) {
			break
		} else if k > indent {
			return Node{}, false
		}
	}
	return d.collect(base, Sequence, at), true
}

// flow reads a flow mapping or sequence. It may go on over several lines,
// each indented more than indent, the block it sits in.
func (d *fastDecoder) flow(indent int) (Node, bool) {
	if d.src[d.i] == '{' {
		return d.flowMapping(indent)
	}
	return d.flowSequence(indent)
}

// space skips the spaces, line ends and comments between the parts of a
// flow collection. It fails at the end of the input, and at a line not
// indented more than the block the collection sits in.
func (d *fastDecoder) space(indent int) bool {
	for !d.eof() {
		switch c := d.src[d.i]; {
		case c == ' ':
			d.i++
		case c == '#' && d.i > d.lineStart && d.src[d.i-1] == ' ':
			d.toNextLine()
		case c == '\n':
			d.toNextLine()
		default:
			if d.i == d.lineStart+d.indentOfLine() && d.i > 0 && d.indentOfLine() <= indent {
				return false
			}
			return true
		}
	}
	return false
}

// indentOfLine is the indentation of the line byte i is on.
func (d *fastDecoder) indentOfLine() int {
	j := d.lineStart
	for j < len(d.src) && d.src[j] == ' ' {
		j++
	}
	return j - d.lineStart
}

func (d *fastDecoder) flowSequence(indent int) (Node, bool) {
	base := len(d.stack)
	at := d.pos()
	d.i++ // [
	var comma Pos
	for {
		if !d.space(indent) {
			return Node{}, false
		}
		if d.src[d.i] == ']' {
			d.i++
			break
		}
		item, ok := d.flowValue(indent)
		if !ok {
			return Node{}, false
		}
		if comma.Line > 0 {
			item.markAt(comma)
		}
		d.stack = append(d.stack, item)
		if !d.space(indent) {
			return Node{}, false
		}
		switch d.src[d.i] {
		case ',':
			comma = d.pos()
			d.i++
			continue
		case ']':
			d.i++
		default:
			return Node{}, false
		}
		break
	}
	return d.collect(base, Sequence, at), true
}

func (d *fastDecoder) flowMapping(indent int) (Node, bool) {
	base := len(d.stack)
	at := d.pos()
	d.i++ // {
	for {
		if !d.space(indent) {
			return Node{}, false
		}
		if d.src[d.i] == '}' {
			d.i++
			break
		}
		n := d.keyLen()
		if n == 0 || d.i+n+1 >= len(d.src) || d.src[d.i+n+1] != ' ' {
			return Node{}, false
		}
		key := Node{Kind: Scalar, Text: d.src[d.i : d.i+n]}
		key.at(d.pos())
		for k := base; k < len(d.stack); k += 2 {
			if d.stack[k].Text == key.Text {
				return Node{}, false
			}
		}
		d.i += n + 1
		d.skipSpaces()
		value, ok := d.flowValue(indent)
		if !ok {
			return Node{}, false
		}
		d.stack = append(d.stack, key, value)
		if !d.space(indent) {
			return Node{}, false
		}
		switch d.src[d.i] {
		case ',':
			d.i++
			continue
		case '}':
			d.i++
		default:
			return Node{}, false
		}
		break
	}
	return d.collect(base, Mapping, at), true
}

func (d *fastDecoder) skipSpaces() {
	for !d.eof() && d.src[d.i] == ' ' {
		d.i++
	}
}

// flowValue reads a value inside a flow collection, on the line it starts.
func (d *fastDecoder) flowValue(indent int) (Node, bool) {
	if d.eof() {
		return Node{}, false
	}
	switch d.src[d.i] {
	case '{', '[':
		return d.flow(indent)
	case '"', '\'':
		return d.quoted()
	case '\n', '#':
		return Node{}, false
	}
	return d.plain(true)
}

// quoted reads a quoted scalar that ends on its line. Of the escapes, a
// single-quoted scalar has only ”, and a double-quoted one is read here
// with \", \\, \/, \n and \t only.
func (d *fastDecoder) quoted() (Node, bool) {
	q := d.src[d.i]
	n := Node{Kind: Scalar}
	n.at(d.pos())
	start := d.i + 1
	escaped := false
	for j := start; j < len(d.src); j++ {
		switch c := d.src[j]; {
		case c == '\n':
			return Node{}, false
		case c == '\\' && q == '"':
			if j+1 == len(d.src) || strings.IndexByte(`"\/nt`, d.src[j+1]) < 0 {
				return Node{}, false
			}
			escaped = true
			j++
		case c == q && q == '\'' && j+1 < len(d.src) && d.src[j+1] == '\'':
			escaped = true
			j++
		case c == q:
			n.Text = d.src[start:j]
			if escaped {
				n.Text = unescape(n.Text, q)
			}
			d.i = j + 1
			return n, true
		}
	}
	return Node{}, false
}

// unescape undoes the escapes quoted lets through.
func unescape(s string, q byte) string {
	if q == '\'' {
		return strings.ReplaceAll(s, "''", "'")
	}
	var b strings.Builder
	b.Grow(len(s))
	for k := 0; k < len(s); k++ {
		if s[k] != '\\' {
			b.WriteByte(s[k])
			continue
		}
		k++
		switch s[k] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		default:
			b.WriteByte(s[k])
		}
	}
	return b.String()
}

// plain reads a plain scalar: to the end of the line or a comment, or in a
// flow collection to the next , ] or }. A scalar that could be read in
// another way (a key inside it, an indicator at its start, spaces before
// the end of its line, which the full parser places oddly) is left to the
// full parser.
func (d *fastDecoder) plain(inFlow bool) (Node, bool) {
	start := d.i
	if !plainStart(d.src, start, inFlow) {
		return Node{}, false
	}
	end := start
	for j := start; j < len(d.src); j++ {
		c := d.src[j]
		if c == '\n' {
			break
		}
		if c == '#' && d.src[j-1] == ' ' {
			break
		}
		if c == ':' && (inFlow || j+1 == len(d.src) || d.src[j+1] == ' ' || d.src[j+1] == '\n') {
			// A key inside the scalar; in a flow collection the full parser
			// may take any colon for one (an IPv6 address is quoted there).
			return Node{}, false
		}
		if inFlow && strings.IndexByte(",]}[{", c) >= 0 {
			break
		}
		if c != ' ' {
			end = j + 1
		}
	}
	if end < len(d.src) && d.src[end] == ' ' && (inFlow && d.lineEndsAfter(end) || !inFlow && !d.commentAfter(end)) {
		return Node{}, false // spaces before the end of the line, which the full parser counts into the scalar's place
	}
	text := d.src[start:end]
	n := Node{Kind: Scalar, Text: text}
	switch text {
	case "null", "Null", "NULL", "~":
		n = Node{Kind: Null}
	}
	n.at(d.posAt(start))
	d.i = end
	return n, true
}

// lineEndsAfter reports whether the spaces at j lead to the end of the
// line or a comment, rather than to more of a flow collection.
func (d *fastDecoder) lineEndsAfter(j int) bool {
	for j < len(d.src) && d.src[j] == ' ' {
		j++
	}
	return j == len(d.src) || d.src[j] == '\n' || d.src[j] == '#'
}

// commentAfter reports whether the spaces at j lead to a comment rather
// than to the end of the line.
func (d *fastDecoder) commentAfter(j int) bool {
	for j < len(d.src) && d.src[j] == ' ' {
		j++
	}
	return j < len(d.src) && d.src[j] == '#'
}

// plainStart reports whether a plain scalar may start at i: not with an
// indicator, except -, ? and : followed by a character of the scalar.
func plainStart(s string, i int, inFlow bool) bool {
	c := s[i]
	switch c {
	case '-', '?', ':':
		if i+1 == len(s) || inFlow && c != '-' {
			return false // in a flow collection, the full parser reads : and ? there as keys
		}
		next := s[i+1]
		return next != ' ' && next != '\n' && !(inFlow && strings.IndexByte(",[]{}", next) >= 0)
	case ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', '<', '=':
		return false
	}
	return true
}
