package yamlread

import "unicode/utf8"

// tooDeep reports whether data nests deeper than MaxDepth, and where the
// first value too deep opens. It reads only what nesting needs: the
// indentation of block collections, the indicators that open a level
// (`- `, `? `, `: `, `[`, `{`), and enough of quoted scalars, block
// scalars and comments to know that what is inside them opens nothing. It
// never counts fewer levels than a parser would see; it may count a few
// more (`- key: value` counts the item and its mapping on top of the
// indentation), which against a limit ten times what the format needs
// costs nothing. One pass, no allocation beyond the stack of indents.
func tooDeep(data string) (Pos, bool) {
	s := depthScan{data: data, line: 1, limit: MaxDepth}
	return s.run()
}

// level is a block collection the scan is in: the indentation of its
// lines. A line that ends in a key's colon, a dash, a ? or a tag or
// anchor, with no value after it, opens a level for the value to come; at
// the same indentation, a parser (goccy/go-yaml is lenient) reads what
// follows a key as its value unless it is another key, what follows a dash
// as its value unless it is another dash, and anything after a tag or
// anchor as the value. Counting these levels as well as the indentation counts
// some levels twice, never one too few.
type level struct {
	indent int
	after  byte // 0 for a line's own level; ':', '-' or '!' for a value to come
}

// encloses reports whether a line indented by indent, starting with a
// dash, a key or something else, has left the level.
func (l level) encloses(indent int, dash, key bool) bool {
	if l.indent != indent {
		return l.indent > indent
	}
	switch l.after {
	case ':':
		return key
	case '-':
		return dash
	case '!':
		return false
	}
	return true
}

// startsKey reports whether the line at i starts with a plain key and its
// colon.
func (s *depthScan) startsKey() bool {
	for j := s.i; j < len(s.data); j++ {
		switch c := s.data[j]; c {
		case ':':
			return j > s.i && (j+1 == len(s.data) || s.data[j+1] == ' ' || s.data[j+1] == '\n' || s.data[j+1] == '\t' || s.data[j+1] == '\r')
		case '\n', '#', '[', ']', '{', '}', ',', '"', '\'', '&', '*', '!', '|', '>':
			return false
		}
	}
	return false
}

type depthScan struct {
	limit     int // the deepest nesting allowed
	data      string
	i         int // the next byte
	line      int // the line of byte i
	lineStart int // where that line starts
	indents   []level
	flow      int // open flow collections
	// brackets holds the opening bracket of each open flow collection, and
	// pairs whether a key: value pair without braces is open in it ([a: b]
	// is a list of one mapping); open counts those.
	brackets []byte
	pairs    []bool
	open     int
}

func (s *depthScan) run() (Pos, bool) {
	for s.i < len(s.data) {
		indent := s.spaces()
		if s.blankOrComment() {
			s.nextLine()
			continue
		}
		if s.flow == 0 {
			dash, key := s.data[s.i] == '-', s.startsKey()
			for len(s.indents) > 0 && s.indents[len(s.indents)-1].encloses(indent, dash, key) {
				s.indents = s.indents[:len(s.indents)-1]
			}
			s.indents = append(s.indents, level{indent: indent})
		}
		if p, deep := s.scanLine(indent); deep {
			return p, true
		}
	}
	return Pos{}, false
}

// spaces skips the indentation of the line at i and returns it.
func (s *depthScan) spaces() int {
	n := 0
	for s.i < len(s.data) && s.data[s.i] == ' ' {
		s.i++
		n++
	}
	return n
}

// blankOrComment reports whether the rest of the line is empty or a
// comment.
func (s *depthScan) blankOrComment() bool {
	j := s.i
	for j < len(s.data) && (s.data[j] == ' ' || s.data[j] == '\t' || s.data[j] == '\r') {
		j++
	}
	return j == len(s.data) || s.data[j] == '\n' || s.data[j] == '#'
}

// nextLine moves i past the end of the current line.
func (s *depthScan) nextLine() {
	for s.i < len(s.data) && s.data[s.i] != '\n' {
		s.i++
	}
	if s.i < len(s.data) {
		s.i++
		s.line++
		s.lineStart = s.i
	}
}

func (s *depthScan) pos() Pos {
	return Pos{s.line, 1 + utf8.RuneCountInString(s.data[s.lineStart:s.i])}
}

// scanLine reads one line from its first character, counting the levels
// each indicator opens.
func (s *depthScan) scanLine(indent int) (Pos, bool) {
	// The indentation counts the block collections the line is in, but
	// its own first level is counted by what opens it (a key's colon, a
	// dash, a bracket); a dash at its parent key's indentation opens a
	// level the indentation does not show, so a line that starts with one
	// counts every level of its indentation.
	extra := -1
	if s.data[s.i] == '-' {
		extra = 0
	}
	tokenStart := true // a quote or a bracket here starts a value
	// after is what the line so far ends in with no value after it: a
	// key's colon, a dash or ? ('-'), a tag or anchor ('!'); 0 otherwise.
	var after byte
	defer func() {
		if after != 0 && s.flow == 0 {
			s.indents = append(s.indents, level{indent: indent, after: after})
		}
	}()
	for s.i < len(s.data) && s.data[s.i] != '\n' {
		c := s.data[s.i]
		// What follows an indicator: a control character counts as a
		// space, as parsers are lenient with them.
		next := byte(' ')
		if s.i+1 < len(s.data) && s.data[s.i+1] >= 0x20 && s.data[s.i+1] != 0x7f {
			next = s.data[s.i+1]
		}
		switch {
		case c == '#' && (s.i == s.lineStart || s.data[s.i-1] == ' ' || s.data[s.i-1] == '\t'):
			s.nextLine()
			return Pos{}, false
		case tokenStart && (c == '!' || c == '&'):
			for s.i < len(s.data) && s.data[s.i] != ' ' && s.data[s.i] != '\n' && s.data[s.i] != '\t' {
				s.i++
			}
			after = '!'
			continue
		case tokenStart && (c == '"' || c == '\''):
			s.quoted(c)
			tokenStart, after = false, 0
			continue
		case tokenStart && s.flow == 0 && (c == '|' || c == '>'):
			s.blockScalar(indent)
			return Pos{}, false
		case c == '[' || c == '{':
			if !tokenStart && s.flow == 0 {
				tokenStart = false // part of a plain value, such as a[1]
				break
			}
			s.flow++
			s.brackets = append(s.brackets, c)
			s.pairs = append(s.pairs, false)
			if s.depth(extra) > s.limit {
				return s.pos(), true
			}
			tokenStart = true
		case c == ']' || c == '}':
			// Only the bracket that matches the open one closes it: parsers
			// read a stray one as text, inside the collection.
			if s.flow > 0 && s.brackets[s.flow-1] == c-2 {
				s.closePair()
				s.flow--
				s.brackets = s.brackets[:s.flow]
				s.pairs = s.pairs[:s.flow]
			}
			tokenStart = false
		case c == ',' && s.flow > 0:
			s.closePair()
			tokenStart = true
		case s.flow > 0 && c == ':' && (next == ' ' || next == ',' || next == ']' || next == '}'):
			// Inside brackets only the brackets nest, and a pair without
			// braces, which ends at the next comma.
			if !s.pairs[len(s.pairs)-1] {
				s.pairs[len(s.pairs)-1] = true
				s.open++
				if s.depth(extra) > s.limit {
					return s.pos(), true
				}
			}
			tokenStart = true
		case s.flow == 0 && (c == '-' || c == '?' || c == ':') && next == ' ':
			extra++
			if s.depth(extra) > s.limit {
				return s.pos(), true
			}
			tokenStart = true
			s.i++
			after = c
			if c == '?' {
				after = '-'
			}
			continue
		case c == ' ' || c == '\t':
		default:
			tokenStart = false
		}
		if c != ' ' && c != '\t' {
			after = 0
		}
		s.i++
	}
	s.nextLine()
	return Pos{}, false
}

// depth is how many levels are open, with extra opened on this line by
// block indicators.
func (s *depthScan) depth(extra int) int { return len(s.indents) + extra + s.flow + s.open }

// closePair ends the pair without braces open in the innermost flow
// collection, if there is one.
func (s *depthScan) closePair() {
	if top := len(s.pairs) - 1; top >= 0 && s.pairs[top] {
		s.pairs[top] = false
		s.open--
	}
}

// quoted skips a quoted scalar, which may span lines.
func (s *depthScan) quoted(q byte) {
	s.i++ // the opening quote
	for s.i < len(s.data) {
		switch c := s.data[s.i]; {
		case c == '\n':
			s.i++
			s.line++
			s.lineStart = s.i
			continue
		case q == '"' && c == '\\':
			if s.i+1 < len(s.data) && s.data[s.i+1] == '\n' {
				s.i++
				continue // an escaped line break: the newline case counts it
			}
			s.i++
		case c == q && q == '\'' && s.i+1 < len(s.data) && s.data[s.i+1] == '\'':
			s.i++ // '' is a quote inside the scalar
		case c == q:
			s.i++
			return
		}
		s.i++
	}
}

// blockScalar skips a block scalar (| or >) whose header is on a line
// indented by indent: its content is the lines after it that are blank or
// indented more.
func (s *depthScan) blockScalar(indent int) {
	s.nextLine()
	for s.i < len(s.data) {
		j, n := s.i, 0
		for j < len(s.data) && s.data[j] == ' ' {
			j++
			n++
		}
		if n <= indent && j < len(s.data) && s.data[j] != '\n' && s.data[j] != '\r' {
			return
		}
		s.nextLine()
	}
}
