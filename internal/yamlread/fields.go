package yamlread

import (
	"fmt"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// Field is one key of a mapping and its value.
type Field struct {
	Name       string
	Key, Value ast.Node
	Pos        Pos // of the value, or of the key when the value is empty
}

// Fields is a mapping read by Object: the keys it takes that it has. A
// mapping has a handful of keys, so they are looked up in order.
type Fields struct {
	Pos  Pos    // where the mapping starts: its first key
	What string // the mapping in messages, such as "a VPC"
	Len  int    // how many keys it has, taken or not

	all []Field
	r   *Reader
}

// Object reads a mapping that takes the known keys. Every other key goes
// to UnknownKey; of a key given twice, which only an alias can do past the
// parser, the last counts. ok is false when n is not a mapping: that is
// reported unless n is nothing at all (an alias refused, a missing value).
func (r *Reader) Object(n ast.Node, what string, known ...string) (f Fields, ok bool) {
	n = r.Deref(n)
	var pairs []*ast.MappingValueNode
	switch v := n.(type) {
	case *ast.MappingNode:
		pairs = v.Values
	case *ast.MappingValueNode:
		pairs = []*ast.MappingValueNode{v}
	case nil:
		return Fields{}, false
	default:
		if p := r.Pos(n); !r.notScalar[p] {
			r.errorf(p, CodeInvalidValue, "%s must be a mapping of keys to values", what)
		}
		return Fields{}, false
	}
	f = Fields{Pos: r.Pos(n), What: what, Len: len(pairs), all: make([]Field, 0, len(pairs)), r: r}
	if len(pairs) > 0 {
		f.Pos = r.Pos(pairs[0].Key)
	}
	for _, kv := range pairs {
		name, isText := r.text(kv.Key)
		if !slices.Contains(known, name) {
			r.UnknownKey(what, kv.Key, name, isText, known)
			continue
		}
		field := Field{Name: name, Key: kv.Key, Value: kv.Value, Pos: r.Pos(kv.Key)}
		if v := r.target(kv.Value); v != nil && v.Type() != ast.NullType {
			field.Pos = r.Pos(v)
		}
		if k := slices.IndexFunc(f.all, func(g Field) bool { return g.Name == name }); k >= 0 {
			f.all[k] = field
			continue
		}
		f.all = append(f.all, field)
	}
	return f, true
}

// Get returns the field of key, if the mapping has it.
func (f Fields) Get(key string) (Field, bool) {
	for _, field := range f.all {
		if field.Name == key {
			return field, true
		}
	}
	return Field{}, false
}

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

// All returns the fields the mapping has, in its order.
func (f Fields) All() []Field { return f.all }

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
