package lessons

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	yamlparser "github.com/goccy/go-yaml/parser"

	"github.com/sglab/sglab/engine"
)

// reader reads the YAML of one part of a lesson file (the front matter or a
// fenced block) and reports problems at their place in the lesson file:
// the part starts after line offset of the file.
type reader struct {
	file   string
	offset int
	diags  *engine.Diagnostics
}

func (r *reader) errorf(p engine.Pos, code, format string, args ...any) {
	*r.diags = append(*r.diags, engine.Diagnostic{File: r.file, Pos: p, Code: code, Message: fmt.Sprintf(format, args...)})
}

func (r *reader) warnf(p engine.Pos, format string, args ...any) {
	r.errorf(p, "", format, args...)
}

// start is the position of the part's first line.
func (r *reader) start() engine.Pos { return engine.Pos{Line: r.offset + 1, Col: 1} }

func (r *reader) pos(n ast.Node) engine.Pos {
	if n == nil {
		return r.start()
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return r.start()
	}
	return engine.Pos{Line: tk.Position.Line + r.offset, Col: tk.Position.Column}
}

// parse reads one YAML document. It returns nil, after reporting why, when
// the YAML is malformed or empty.
func (r *reader) parse(data []byte, what string) (body ast.Node) {
	defer func() {
		// A lesson file must never take the program down with it.
		if p := recover(); p != nil {
			r.errorf(r.start(), engine.CodeSyntax, "the YAML parser failed on %s: %v", what, p)
			body = nil
		}
	}()
	f, err := yamlparser.ParseBytes(data, 0)
	if err != nil {
		var se *yaml.SyntaxError
		if errors.As(err, &se) && se.Token != nil && se.Token.Position != nil {
			r.errorf(engine.Pos{Line: se.Token.Position.Line + r.offset, Col: se.Token.Position.Column}, engine.CodeSyntax, "%s", se.Message)
		} else {
			msg, _, _ := strings.Cut(err.Error(), "\n")
			r.errorf(r.start(), engine.CodeSyntax, "%s", strings.TrimSpace(msg))
		}
		return nil
	}
	for _, doc := range f.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if body != nil {
			r.errorf(r.pos(doc.Body), engine.CodeSyntax, "%s holds one YAML document", what)
			return nil
		}
		body = doc.Body
	}
	if body == nil {
		r.errorf(r.start(), engine.CodeMissingField, "%s is empty", what)
	}
	return body
}

// fields is a mapping read by object: the known keys it has, by name.
type fields struct {
	r    *reader
	pos  engine.Pos
	what string
	m    map[string]*ast.MappingValueNode
	keys int // how many keys the mapping has, known or not
}

// object reads a mapping that may hold only the known keys; any other key
// is reported. ok is false when n is not a mapping.
func (r *reader) object(n ast.Node, what string, known ...string) (f fields, ok bool) {
	n = r.deref(n)
	var pairs []*ast.MappingValueNode
	switch v := n.(type) {
	case *ast.MappingNode:
		pairs = v.Values
	case *ast.MappingValueNode:
		pairs = []*ast.MappingValueNode{v}
	case nil:
		return fields{}, false
	case *ast.NullNode:
		r.errorf(r.pos(n), engine.CodeMissingField, "%s is empty", what)
		return fields{}, false
	default:
		r.errorf(r.pos(n), engine.CodeInvalidValue, "%s must be a mapping of keys to values", what)
		return fields{}, false
	}
	f = fields{r: r, pos: r.pos(n), what: what, m: make(map[string]*ast.MappingValueNode, len(pairs)), keys: len(pairs)}
	if len(pairs) > 0 {
		f.pos = r.pos(pairs[0].Key)
	}
	for _, kv := range pairs {
		key := r.text(kv.Key)
		switch {
		case !slices.Contains(known, key):
			r.errorf(r.pos(kv.Key), engine.CodeUnknownField, "%s has no field `%s` (it takes %s)", what, key, strings.Join(known, ", "))
		case f.m[key] != nil:
			r.errorf(r.pos(kv.Key), engine.CodeDuplicateID, "`%s` is given twice in %s", key, what)
		default:
			f.m[key] = kv
		}
	}
	return f, true
}

func (f fields) has(key string) bool { return f.m[key] != nil }

// at is the position of key's value, or of the key when the value is empty.
func (f fields) at(key string) engine.Pos {
	kv := f.m[key]
	switch {
	case kv == nil:
		return f.pos
	case kv.Value == nil || kv.Value.Type() == ast.NullType:
		return f.r.pos(kv.Key)
	}
	return f.r.pos(kv.Value)
}

func (f fields) node(key string) ast.Node {
	if kv := f.m[key]; kv != nil {
		return kv.Value
	}
	return nil
}

func (f fields) missing(key string) {
	f.r.errorf(f.pos, engine.CodeMissingField, "%s needs `%s`", f.what, key)
}

// str returns a text field, reporting it when required and absent or empty.
func (f fields) str(key string, required bool) string {
	if !f.has(key) {
		if required {
			f.missing(key)
		}
		return ""
	}
	s := strings.TrimSpace(f.r.text(f.node(key)))
	if s == "" && required {
		f.r.errorf(f.at(key), engine.CodeMissingField, "`%s` of %s is empty", key, f.what)
	}
	return s
}

// number returns a whole number field between lo and hi.
func (f fields) number(key string, required bool, lo, hi int) (int, bool) {
	if !f.has(key) {
		if required {
			f.missing(key)
		}
		return 0, false
	}
	s := f.r.text(f.node(key))
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		f.r.errorf(f.at(key), engine.CodeInvalidValue, "`%s` must be a whole number from %d to %d, not %q", key, lo, hi, s)
		return 0, false
	}
	return n, true
}

// list returns the items of a sequence field.
func (f fields) list(key string, required bool) []ast.Node {
	if !f.has(key) {
		if required {
			f.missing(key)
		}
		return nil
	}
	switch v := f.r.deref(f.node(key)).(type) {
	case *ast.SequenceNode:
		if len(v.Values) == 0 && required {
			f.r.errorf(f.at(key), engine.CodeMissingField, "`%s` of %s is an empty list", key, f.what)
		}
		return v.Values
	case nil, *ast.NullNode:
		if required {
			f.r.errorf(f.at(key), engine.CodeMissingField, "`%s` of %s is empty", key, f.what)
		}
		return nil
	}
	f.r.errorf(f.at(key), engine.CodeInvalidValue, "`%s` of %s must be a list", key, f.what)
	return nil
}

// texts returns a list of text items; empty items are reported.
func (f fields) texts(key string, required bool) []string {
	items := f.list(key, required)
	out := make([]string, 0, len(items))
	for _, n := range items {
		s := strings.TrimSpace(f.r.text(n))
		if s == "" {
			f.r.errorf(f.r.pos(n), engine.CodeMissingField, "an item of `%s` is empty", key)
			continue
		}
		out = append(out, s)
	}
	return out
}

// text returns a scalar's text. Mappings and lists are reported.
func (r *reader) text(n ast.Node) string {
	n = r.deref(n)
	switch v := n.(type) {
	case nil, *ast.NullNode:
		return ""
	case *ast.StringNode:
		return v.Value
	case *ast.LiteralNode:
		if v.Value == nil {
			return ""
		}
		return strings.TrimRight(v.Value.Value, "\n")
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return n.GetToken().Value
	}
	r.errorf(r.pos(n), engine.CodeInvalidValue, "expected a single value, not a %s", strings.ToLower(n.Type().String()))
	return ""
}

// deref looks through tags and anchors. Aliases are refused: lesson blocks
// are short, and an alias would make an error's position point elsewhere.
func (r *reader) deref(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.TagNode:
			n = v.Value
		case *ast.AnchorNode:
			n = v.Value
		case *ast.AliasNode:
			r.errorf(r.pos(v), engine.CodeSyntax, "aliases (*name) are not supported in lesson files; write the value out")
			return nil
		default:
			return n
		}
	}
}
