package yamlread

import (
	"errors"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// maxExpanded bounds how many values aliases may stand for in one
// document: a few aliases of aliases can otherwise make a small file
// stand for billions of values.
const maxExpanded = 1_000_000

// parseFull reads data with goccy/go-yaml, the full parser, and turns its
// tree into Nodes. A panic of the parser is reported as a failure on what,
// such as "this file": whatever the input, it must not take sglab down.
func (r *Reader) parseFull(data []byte, what string) (docs []*Node, ok bool) {
	defer func() {
		if p := recover(); p != nil {
			r.errorf(r.Start(), CodeSyntax, "the YAML parser failed on %s: %v", what, p)
			docs, ok = nil, false
		}
	}()
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		r.syntaxError(err)
		return nil, false
	}
	ok = true
	for _, doc := range f.Docs {
		// %YAML or %TAG belongs to the document after it.
		if doc == nil || doc.Body == nil || doc.Body.Type() == ast.DirectiveType {
			continue
		}
		c := converter{r: r, anchors: map[string]*anchor{}}
		n := c.node(doc.Body)
		if c.failed {
			ok = false
		}
		docs = append(docs, &n)
	}
	return docs, ok
}

// syntaxError reports the parser's error at its token, in one line.
func (r *Reader) syntaxError(err error) {
	var se *yaml.SyntaxError
	if errors.As(err, &se) && se.Token != nil && se.Token.Position != nil {
		r.errorf(r.shift(Pos{se.Token.Position.Line, se.Token.Position.Column}), CodeSyntax, "%s", se.Message)
		return
	}
	msg, _, _ := strings.Cut(err.Error(), "\n")
	r.errorf(r.Start(), CodeSyntax, "%s", strings.TrimSpace(msg))
}

// converter turns one document of goccy's tree into Nodes.
type converter struct {
	r       *Reader
	anchors map[string]*anchor
	// expanded counts the values aliases stand for.
	expanded int
	failed   bool
}

// anchor is a value with a name, and how many values it holds.
type anchor struct {
	node Node
	size int
}

func (c *converter) pos(n ast.Node) Pos {
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return c.r.shift(Pos{tk.Position.Line, tk.Position.Column})
	}
	return c.r.Start()
}

// node converts n. Tags are dropped (the format has none) and anchors
// kept by name; an alias stands for the value of the anchor of its name
// defined last before it, as YAML reads them, or, where aliases are
// refused, for nothing.
func (c *converter) node(n ast.Node) (out Node) {
	if n == nil {
		return Node{Kind: Absent}
	}
	switch v := n.(type) {
	case *ast.MappingNode:
		out = Node{Kind: Mapping, Items: make([]Node, 0, 2*len(v.Values))}
		for _, kv := range v.Values {
			out.Items = append(out.Items, c.key(kv.Key), c.node(kv.Value))
		}
	case *ast.MappingValueNode:
		out = Node{Kind: Mapping, Items: []Node{c.key(v.Key), c.node(v.Value)}}
	case *ast.SequenceNode:
		out = Node{Kind: Sequence, Items: make([]Node, len(v.Values))}
		for k, item := range v.Values {
			out.Items[k] = c.node(item)
			if k < len(v.Entries) && v.Entries[k].Start != nil && v.Entries[k].Start.Position != nil {
				p := v.Entries[k].Start.Position
				out.Items[k].markAt(c.r.shift(Pos{p.Line, p.Column}))
			}
		}
	case *ast.StringNode:
		out = Node{Kind: Scalar, Text: v.Value}
	case *ast.LiteralNode:
		out = Node{Kind: Scalar}
		if v.Value != nil {
			out.Text = strings.TrimRight(v.Value.Value, "\n")
		}
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		out = Node{Kind: Scalar, Text: n.GetToken().Value}
	case *ast.NullNode:
		out = Node{Kind: Null}
	case *ast.TagNode:
		return c.node(v.Value)
	case *ast.AnchorNode:
		// The anchor counts only once its value is complete: an alias
		// inside the value it names would make the value endless.
		out = c.node(v.Value)
		c.anchors[v.Name.GetToken().Value] = &anchor{node: out, size: size(&out)}
		return out
	case *ast.AliasNode:
		return c.alias(v)
	default:
		return Node{Kind: Complex, Text: strings.TrimSpace(n.String())}
	}
	out.at(c.pos(n))
	return out
}

// key converts a mapping's key: a single value, or a Complex key (a merge
// key <<, a list, a mapping) that reads as its text.
func (c *converter) key(n ast.Node) Node {
	out := c.node(n)
	switch out.Kind {
	case Scalar, Null, Absent:
		return out
	}
	text := strings.TrimSpace(n.String())
	if _, merge := n.(*ast.MergeKeyNode); merge {
		text = "<<"
	}
	k := Node{Kind: Complex, Text: text}
	k.at(c.pos(n))
	return k
}

func (c *converter) alias(v *ast.AliasNode) Node {
	p := c.pos(v)
	if c.r.NoAliases != "" {
		c.r.errorf(p, CodeSyntax, "%s", c.r.NoAliases)
		return Node{Kind: Absent}
	}
	name := v.Value.GetToken().Value
	a, found := c.anchors[name]
	switch {
	case !found:
		c.r.errorf(p, CodeSyntax, "alias *%s names no anchor defined before it", name)
	case c.expanded+a.size > maxExpanded:
		c.r.errorf(p, CodeSyntax, "aliases make this document stand for more than %d values: write it out, or use fewer aliases of aliases", maxExpanded)
	default:
		c.expanded += a.size
		return a.node
	}
	c.failed = true
	return Node{Kind: Absent}
}

// size counts the values of a tree.
func size(n *Node) int {
	s := 1
	for k := range n.Items {
		s += size(&n.Items[k])
	}
	return s
}
