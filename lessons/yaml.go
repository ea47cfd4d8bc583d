package lessons

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/internal/yamlread"
)

// reader reads the YAML of one part of a lesson file (the front matter or a
// fenced block) and reports problems at their place in the lesson file:
// the part starts after line offset of the file.
type reader struct {
	file   string
	offset int
	diags  *engine.Diagnostics
	y      *yamlread.Reader // made by yaml on first use
}

// yaml returns the reader of the part's YAML, made once the file, offset
// and diagnostics are known.
func (r *reader) yaml() *yamlread.Reader {
	if r.y == nil {
		r.y = &yamlread.Reader{
			Offset:     r.offset,
			Report:     func(p yamlread.Pos, code, msg string) { r.add(engine.Pos(p), code, msg) },
			UnknownKey: r.unknownKey,
			// Lesson blocks are short, and an alias would make an error's
			// position point elsewhere.
			NoAliases: "aliases (*name) are not supported in lesson files; write the value out",
		}
	}
	return r.y
}

func (r *reader) add(p engine.Pos, code, msg string) {
	*r.diags = append(*r.diags, engine.Diagnostic{File: r.file, Pos: p, Code: code, Message: msg})
}

func (r *reader) errorf(p engine.Pos, code, format string, args ...any) {
	r.add(p, code, fmt.Sprintf(format, args...))
}

func (r *reader) warnf(p engine.Pos, format string, args ...any) {
	r.errorf(p, "", format, args...)
}

// at is where a node is.
func (r *reader) at(n *yamlread.Node) engine.Pos { return engine.Pos(n.Pos()) }

// unknownKey reports a key a part of a lesson does not take, with the keys
// it takes.
func (r *reader) unknownKey(what string, key *yamlread.Node, known []string) {
	r.errorf(r.at(key), engine.CodeUnknownField, "%s has no field `%s` (it takes %s)", what, key.Text, strings.Join(known, ", "))
}

// parse reads one YAML document. It returns nil, after reporting why, when
// the YAML is malformed or empty.
func (r *reader) parse(data string, what string) *yamlread.Node {
	docs, ok := r.yaml().Parse(data, what)
	switch {
	case !ok:
		return nil
	case len(docs) > 1:
		r.errorf(r.at(docs[1]), engine.CodeSyntax, "%s holds one YAML document", what)
		return nil
	case len(docs) == 0:
		r.errorf(engine.Pos(r.yaml().Start()), engine.CodeMissingField, "%s is empty", what)
		return nil
	}
	return docs[0]
}

// fields is a mapping read by object.
type fields struct {
	yamlread.Fields
	r     *reader
	known []string
}

// All returns the fields of the mapping that it takes, in its order.
func (f fields) All() []yamlread.Field { return f.Fields.All(f.known) }

// object reads a mapping that may hold only the known keys; any other key
// is reported. ok is false when n is not a mapping (or there is none); an
// empty part of a lesson is reported as missing.
func (r *reader) object(n *yamlread.Node, what string, known ...string) (f fields, ok bool) {
	if n == nil {
		return fields{}, false
	}
	if n.Kind == yamlread.Null {
		r.errorf(r.at(n), engine.CodeMissingField, "%s is empty", what)
		return fields{}, false
	}
	m, ok := r.yaml().Object(n, what, known)
	return fields{m, r, known}, ok
}

// start is where the mapping starts.
func (f fields) start() engine.Pos { return engine.Pos(f.Pos) }

// at is the position of key's value, or of the key when the value is
// empty. A value with a tag or an anchor starts there.
func (f fields) at(key string) engine.Pos {
	field, ok := f.Get(key)
	switch {
	case !ok:
		return f.start()
	case field.Value.Kind == yamlread.Null:
		return f.r.at(field.Key)
	}
	return f.r.at(field.Value)
}

// node is key's value, or nil when the mapping does not have key.
func (f fields) node(key string) *yamlread.Node {
	field, _ := f.Get(key)
	return field.Value
}

// str returns a text field, reporting it when required and absent or empty.
func (f fields) str(key string, required bool) string {
	if !f.Has(key) {
		if required {
			f.Need(key)
		}
		return ""
	}
	s := strings.TrimSpace(f.Str(key))
	if s == "" && required {
		f.r.errorf(f.at(key), engine.CodeMissingField, "`%s` of %s is empty", key, f.What)
	}
	return s
}

// number returns a whole number field between lo and hi.
func (f fields) number(key string, required bool, lo, hi int) (int, bool) {
	if !f.Has(key) {
		if required {
			f.Need(key)
		}
		return 0, false
	}
	s := f.Str(key)
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		f.r.errorf(f.at(key), engine.CodeInvalidValue, "`%s` must be a whole number from %d to %d, not %q", key, lo, hi, s)
		return 0, false
	}
	return n, true
}

// list returns the items of a sequence field.
func (f fields) list(key string, required bool) []*yamlread.Node {
	if !f.Has(key) {
		if required {
			f.Need(key)
		}
		return nil
	}
	seq, ok := f.r.yaml().List(f.node(key))
	switch {
	case !ok:
		f.r.errorf(f.at(key), engine.CodeInvalidValue, "`%s` of %s must be a list", key, f.What)
		return nil
	case seq == nil:
		if required {
			f.r.errorf(f.at(key), engine.CodeMissingField, "`%s` of %s is empty", key, f.What)
		}
		return nil
	case len(seq.Items) == 0 && required:
		f.r.errorf(f.at(key), engine.CodeMissingField, "`%s` of %s is an empty list", key, f.What)
	}
	items := make([]*yamlread.Node, len(seq.Items))
	for k := range seq.Items {
		items[k] = &seq.Items[k]
	}
	return items
}

// texts returns a list of text items; empty items are reported.
func (f fields) texts(key string, required bool) []string {
	items := f.list(key, required)
	out := make([]string, 0, len(items))
	for _, n := range items {
		s, _ := f.r.yaml().Scalar(n)
		if s = strings.TrimSpace(s); s == "" {
			f.r.errorf(f.r.at(n), engine.CodeMissingField, "an item of `%s` is empty", key)
			continue
		}
		out = append(out, s)
	}
	return out
}
