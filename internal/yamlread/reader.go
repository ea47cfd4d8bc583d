package yamlread

import (
	"fmt"
	"strings"
)

// The codes of the problems a Reader reports itself: those of the engine's
// diagnostics of the same names.
const (
	CodeSyntax       = "SyntaxError"
	CodeMissingField = "MissingField"
	CodeInvalidValue = "InvalidParameterValue"
)

// MaxDepth is how deeply a YAML document may nest. The scenario format
// needs about six levels; parsers take time and memory that grow with the
// square of the depth, so deeper files are refused before any parser
// sees them.
const MaxDepth = 64

// Reader reads one YAML document, or a part of a file that holds YAML, and
// reports each problem through Report. Report and UnknownKey must be set.
type Reader struct {
	// Offset is how many lines of the file come before the YAML: a lesson
	// file's YAML blocks sit inside Markdown.
	Offset int
	// Report receives every problem the Reader finds.
	Report func(p Pos, code, msg string)
	// UnknownKey reports a key that Object was not told to take, in the
	// mapping's order; formats word it differently. A key that is not a
	// single value (a merge key, <<) is Complex, its Text how it reads.
	UnknownKey func(what string, key *Node, known []string)
	// NoAliases, when set, is reported at every alias (*name), which then
	// reads as nothing; otherwise aliases stand for their anchor's value.
	NoAliases string
	// Full makes Parse use the full parser even where the fast decoder
	// would do: the differential tests compare the two.
	Full bool

	// notScalar holds where Scalar found a list or mapping.
	notScalar map[Pos]bool
}

func (r *Reader) errorf(p Pos, code, format string, args ...any) {
	r.Report(p, code, fmt.Sprintf(format, args...))
}

// Start is the position of the YAML's first line.
func (r *Reader) Start() Pos { return Pos{r.Offset + 1, 1} }

// Parse reads data and returns the bodies of its documents that are not
// empty, positions counted from the Reader's Offset. ok is false, after a
// report, when the YAML is malformed or nests deeper than MaxDepth; what
// names the data in messages, such as "this file". The scalars' texts
// share data's memory.
func (r *Reader) Parse(data string, what string) (docs []*Node, ok bool) {
	if p, deep := tooDeep(data); deep {
		r.errorf(r.shift(p), CodeSyntax, "%s nests deeper than %d levels (a scenario needs about 6): sglab does not read it", what, MaxDepth)
		return nil, false
	}
	if !r.Full {
		if doc, ok := decodeFast(data); ok {
			if doc != nil {
				r.shiftTree(doc)
				docs = append(docs, doc)
			}
			return docs, true
		}
	}
	return r.parseFull([]byte(data), what)
}

// shift moves a position of the YAML to its place in the file.
func (r *Reader) shift(p Pos) Pos {
	p.Line += r.Offset
	return p
}

func (r *Reader) shiftTree(n *Node) {
	if r.Offset == 0 {
		return
	}
	var walk func(n *Node)
	walk = func(n *Node) {
		if n.line > 0 {
			n.line += int32(r.Offset)
		}
		if n.markLine > 0 {
			n.markLine += int32(r.Offset)
		}
		for k := range n.Items {
			walk(&n.Items[k])
		}
	}
	walk(n)
}

// Scalar returns a single value's text: "" for an empty one. A mapping or
// a list where a single value belongs is reported, and ok is false.
func (r *Reader) Scalar(n *Node) (string, bool) {
	switch n.Kind {
	case Scalar:
		return n.Text, true
	case Null, Absent:
		return "", true
	}
	p := n.Pos()
	r.errorf(p, CodeInvalidValue, "expected a single value, not a %s", n.Kind)
	if r.notScalar == nil {
		r.notScalar = map[Pos]bool{}
	}
	r.notScalar[p] = true
	return "", false
}

// NotScalar reports whether Scalar found a list or a mapping at p: a value
// that is reported there need not be reported again for being invalid.
func (r *Reader) NotScalar(p Pos) bool { return r.notScalar[p] }

// List returns a list, or nil for an empty value; ok is false for anything
// else.
func (r *Reader) List(n *Node) (seq *Node, ok bool) {
	switch n.Kind {
	case Sequence:
		return n, true
	case Null, Absent:
		return nil, true
	}
	return nil, false
}

// Field is one key of a mapping and its value.
type Field struct {
	Name       string
	Key, Value *Node
	Pos        Pos // of the value, or of the key when the value is empty
}

// Fields is a mapping read by Object, which reports the keys it does not
// take. A mapping has a handful of keys, so they are looked up in order,
// and nothing is copied.
type Fields struct {
	Pos  Pos    // where the mapping starts: its first key
	What string // the mapping in messages, such as "a VPC"
	Len  int    // how many keys it has, taken or not

	node *Node
	r    *Reader
}

// Object reads a mapping that takes the known keys. Every other key goes
// to UnknownKey; of a key given twice, which only an alias can do past the
// parser, the last counts. ok is false when n is not a mapping: that is
// reported unless n stands for nothing.
func (r *Reader) Object(n *Node, what string, known []string) (f Fields, ok bool) {
	switch n.Kind {
	case Mapping:
	case Absent:
		return Fields{}, false
	default:
		if p := n.Pos(); !r.notScalar[p] {
			r.errorf(p, CodeInvalidValue, "%s must be a mapping of keys to values", what)
		}
		return Fields{}, false
	}
	f = Fields{Pos: n.Start(), What: what, Len: len(n.Items) / 2, node: n, r: r}
	for k := 0; k < len(n.Items); k += 2 {
		key := &n.Items[k]
		if name, isText := keyText(key); !isText || !contains(known, name) {
			r.UnknownKey(what, key, known)
		}
	}
	return f, true
}

// keyText is a key's name; false for a key that is not a single value.
func keyText(n *Node) (string, bool) {
	switch n.Kind {
	case Scalar:
		return n.Text, true
	case Null, Absent:
		return "", true
	}
	return "", false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Get returns the field of key, if the mapping has it.
func (f Fields) Get(key string) (Field, bool) {
	if f.node == nil {
		return Field{}, false
	}
	return f.node.Field(key)
}

// Field returns the field of key of a mapping, if it has it; of a key
// given twice, the last.
func (n *Node) Field(key string) (Field, bool) {
	if n.Kind != Mapping {
		return Field{}, false
	}
	items := n.Items
	for k := len(items) - 2; k >= 0; k -= 2 {
		if name, isText := keyText(&items[k]); isText && name == key {
			field := Field{Name: key, Key: &items[k], Value: &items[k+1], Pos: items[k].Pos()}
			if !items[k+1].Empty() {
				field.Pos = items[k+1].Pos()
			}
			return field, true
		}
	}
	return Field{}, false
}

// Node is the mapping the fields were read from.
func (f Fields) Node() *Node { return f.node }

// Has reports whether the mapping has key.
func (f Fields) Has(key string) bool {
	_, ok := f.Get(key)
	return ok
}

// Need returns a required field, reporting at the mapping that it is
// missing.
func (f Fields) Need(key string) (Field, bool) {
	field, ok := f.Get(key)
	if !ok {
		f.r.errorf(f.Pos, CodeMissingField, "%s needs `%s`", f.What, key)
	}
	return field, ok
}

// Str returns the text of key's value, "" when the mapping does not have
// it. A list or a mapping in its place is reported.
func (f Fields) Str(key string) string {
	field, ok := f.Get(key)
	if !ok {
		return ""
	}
	s, _ := f.r.Scalar(field.Value)
	return s
}

// All returns the fields of the known keys the mapping has, in its order.
func (f Fields) All(known []string) []Field {
	var out []Field
	if f.node == nil {
		return nil
	}
	for k := 0; k < len(f.node.Items); k += 2 {
		name, isText := keyText(&f.node.Items[k])
		if !isText || !contains(known, name) {
			continue
		}
		if field, _ := f.Get(name); field.Key == &f.node.Items[k] {
			out = append(out, field)
		}
	}
	return out
}

// Suggest names the known key closest to a mistyped one such as `soruce`,
// or lists the known keys when none is close.
func Suggest(key string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if d := editDistance(key, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return fmt.Sprintf(" (it takes %s)", strings.Join(known, ", "))
	}
	return fmt.Sprintf(" (did you mean `%s`?)", best)
}

// editDistance is the optimal string alignment distance, so that a swap of
// two neighbouring letters counts as one edit.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
