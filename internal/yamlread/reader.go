// Package yamlread reads YAML through goccy/go-yaml's syntax tree, so that
// every problem can be reported at its line and column. The engine reads
// scenario files with it and the lessons package the YAML blocks of lesson
// files; each keeps its own words for what is wrong with a field.
package yamlread

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Pos is a 1-based line and column in a file.
type Pos struct {
	Line, Col int
}

// The codes of the problems a Reader reports itself: those of the engine's
// diagnostics of the same names.
const (
	CodeSyntax       = "SyntaxError"
	CodeMissingField = "MissingField"
	CodeInvalidValue = "InvalidParameterValue"
)

// Reader reads one YAML document, or a part of a file that holds YAML, and
// reports each problem through Report. Report and UnknownKey must be set.
type Reader struct {
	// Offset is how many lines of the file come before the YAML: a lesson
	// file's YAML blocks sit inside Markdown.
	Offset int
	// Report receives every problem the Reader finds.
	Report func(p Pos, code, msg string)
	// UnknownKey reports a key that Object was not told to take, in the
	// mapping's order; formats word it differently. name is the key's
	// text; isText is false, and name empty, when the key is not a single
	// value (a merge key, <<).
	UnknownKey func(what string, key ast.Node, name string, isText bool, known []string)
	// NoAliases is reported at every alias (*name) that ResolveAliases has
	// not resolved, and the alias reads as nothing.
	NoAliases string

	aliases map[*ast.AliasNode]ast.Node
	// notScalar holds where Scalar found a list or mapping.
	notScalar map[Pos]bool
}

func (r *Reader) errorf(p Pos, code, format string, args ...any) {
	r.Report(p, code, fmt.Sprintf(format, args...))
}

// Start is the position of the YAML's first line.
func (r *Reader) Start() Pos { return Pos{r.Offset + 1, 1} }

// Pos is where a node is, or Start for a node with no place.
func (r *Reader) Pos(n ast.Node) Pos {
	if n == nil {
		return r.Start()
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return r.Start()
	}
	return Pos{tk.Position.Line + r.Offset, tk.Position.Column}
}

// Parse parses data with parse, or with the plain parser when parse is
// nil, and returns the bodies of the documents that are not empty. ok is
// false, after a report, when the YAML is malformed: a panic of the parser
// is reported as a failure on what, such as "this file".
func (r *Reader) Parse(data []byte, what string, parse func([]byte) (*ast.File, error)) (docs []ast.Node, ok bool) {
	defer func() {
		// Whatever the input, the parser must not take the program down.
		if p := recover(); p != nil {
			r.errorf(r.Start(), CodeSyntax, "the YAML parser failed on %s: %v", what, p)
			docs, ok = nil, false
		}
	}()
	if parse == nil {
		parse = func(data []byte) (*ast.File, error) { return parser.ParseBytes(data, 0) }
	}
	f, err := parse(data)
	if err != nil {
		r.syntaxError(err)
		return nil, false
	}
	for _, doc := range f.Docs {
		if doc != nil && doc.Body != nil {
			docs = append(docs, doc.Body)
		}
	}
	return docs, true
}

// syntaxError reports the parser's error at its token, in one line.
func (r *Reader) syntaxError(err error) {
	var se *yaml.SyntaxError
	if errors.As(err, &se) && se.Token != nil && se.Token.Position != nil {
		r.errorf(Pos{se.Token.Position.Line + r.Offset, se.Token.Position.Column}, CodeSyntax, "%s", se.Message)
		return
	}
	msg, _, _ := strings.Cut(err.Error(), "\n")
	r.errorf(r.Start(), CodeSyntax, "%s", strings.TrimSpace(msg))
}

// ResolveAliases finds the node each alias stands for: the anchor of that
// name defined last before it, as YAML reads them. Callers may read the
// document in an order of their own (a scenario's VPCs before its groups,
// whatever the file's order), so aliases are resolved first, in the file's
// order. An alias that names no anchor before it, or the node that holds
// it, is reported, and ResolveAliases returns false.
func (r *Reader) ResolveAliases(body ast.Node) bool {
	r.aliases = map[*ast.AliasNode]ast.Node{}
	anchors := map[string]ast.Node{}
	ok := true
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		switch v := n.(type) {
		case *ast.MappingNode:
			for _, kv := range v.Values {
				walk(kv)
			}
		case *ast.MappingValueNode:
			walk(v.Key)
			walk(v.Value)
		case *ast.SequenceNode:
			for _, item := range v.Values {
				walk(item)
			}
		case *ast.TagNode:
			walk(v.Value)
		case *ast.AnchorNode:
			// The anchor counts only once its node is complete: an alias
			// inside the node it names would make the node endless.
			walk(v.Value)
			anchors[v.Name.GetToken().Value] = v.Value
		case *ast.AliasNode:
			name := v.Value.GetToken().Value
			target, found := anchors[name]
			if !found {
				r.errorf(r.Pos(v), CodeSyntax, "alias *%s names no anchor defined before it", name)
				ok = false
			}
			r.aliases[v] = target
		}
	}
	walk(body)
	return ok
}

// Deref follows anchors, tags and resolved aliases to the node they stand
// for. An alias that is not resolved is reported with NoAliases and reads
// as nil.
func (r *Reader) Deref(n ast.Node) ast.Node {
	n = r.target(n)
	if a, ok := n.(*ast.AliasNode); ok {
		r.errorf(r.Pos(a), CodeSyntax, "%s", r.NoAliases)
		return nil
	}
	return n
}

// target is Deref without the report: it stops at an alias that is not
// resolved.
func (r *Reader) target(n ast.Node) ast.Node {
	for range 64 {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		case *ast.AliasNode:
			to, ok := r.aliases[v]
			if !ok {
				return v
			}
			n = to
		default:
			return n
		}
	}
	return nil
}

// text returns a single value's text; false for a mapping or a list.
func (r *Reader) text(n ast.Node) (string, bool) {
	n = r.Deref(n)
	switch v := n.(type) {
	case nil, *ast.NullNode:
		return "", true
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		if v.Value == nil {
			return "", true
		}
		return strings.TrimRight(v.Value.Value, "\n"), true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return n.GetToken().Value, true
	}
	return "", false
}

// Scalar is text, reporting a mapping or a list where a single value
// belongs.
func (r *Reader) Scalar(n ast.Node) (string, bool) {
	s, ok := r.text(n)
	if !ok {
		n = r.target(n)
		p := r.Pos(n)
		r.errorf(p, CodeInvalidValue, "expected a single value, not a %s", strings.ToLower(n.Type().String()))
		if r.notScalar == nil {
			r.notScalar = map[Pos]bool{}
		}
		r.notScalar[p] = true
	}
	return s, ok
}

// NotScalar reports whether Scalar found a list or a mapping at p: a value
// that is reported there need not be reported again for being invalid.
func (r *Reader) NotScalar(p Pos) bool { return r.notScalar[p] }

// List returns a list, or nil for an empty value; ok is false for anything
// else.
func (r *Reader) List(n ast.Node) (seq *ast.SequenceNode, ok bool) {
	switch v := r.Deref(n).(type) {
	case *ast.SequenceNode:
		return v, true
	case *ast.NullNode, nil:
		return nil, true
	}
	return nil, false
}
