// Package yamlread reads YAML with the position of every value, so that
// every problem can be reported at its line and column. The engine reads
// scenario files with it and the lessons package the YAML of lesson files;
// each keeps its own words for what is wrong with a field.
//
// Files in the subset of YAML that scenarios and lessons are written in
// (block and one-line flow collections, plain and quoted scalars without
// escapes, comments) are read by a decoder written for that subset, which
// is about ten times faster than a full parser and allocates a tenth as
// much. Anything else (anchors and aliases, tags, block scalars, several
// documents, escapes, tabs, and every malformed file) goes to goccy/go-yaml,
// whose tree is turned into the same Nodes: the rest of sglab never knows
// which one read a file. FuzzFastPath holds the two to identical trees.
package yamlread

import (
	"strconv"
	"strings"
)

// Pos is a 1-based line and column (counted in characters) in a file.
type Pos struct {
	Line, Col int
}

// Kind is what a Node holds.
type Kind uint8

// The kinds of nodes.
const (
	// Null is an empty value, null or ~.
	Null Kind = iota
	// Scalar is a single value: its text is in Text.
	Scalar
	// Mapping holds keys and values, alternating, in Items.
	Mapping
	// Sequence holds a list's items in Items.
	Sequence
	// Complex is a key that is not a single value (a merge key <<, a list
	// or mapping used as a key); Text says how it reads.
	Complex
	// Absent is a value that stands for nothing, already reported (an
	// alias where aliases are refused) or never written (a tag alone).
	Absent
)

func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case Scalar:
		return "string"
	case Mapping:
		return "mapping"
	case Sequence:
		return "sequence"
	case Complex:
		return "complex key"
	}
	return "nothing"
}

// Node is one value of a YAML document and where it is: for a scalar, its
// first character (a quote included); for a block mapping, the colon of
// its first key; for a block sequence, its first dash; for a flow
// collection, its opening bracket; for an empty value, the character after
// the colon or dash before it. These are the places goccy/go-yaml gives,
// so that diagnostics read the same whichever decoder read the file.
type Node struct {
	Items []Node // a sequence's items; a mapping's keys and values, alternating
	Text  string // a scalar's text; how a complex key reads
	// line and col are the node's place, markLine and markCol where a
	// sequence item's entry starts: its dash, or the comma before it in a
	// flow sequence (none for a flow sequence's first item).
	line, col         int32
	markLine, markCol int32
	Kind              Kind
}

// Pos is where the node is; see Node.
func (n *Node) Pos() Pos { return Pos{int(n.line), int(n.col)} }

// Mark is where a sequence item's entry starts, its dash or the comma
// before it; the zero Pos for the first item of a flow sequence and for
// every node that is not a sequence item.
func (n *Node) Mark() Pos { return Pos{int(n.markLine), int(n.markCol)} }

// Start is where a node begins as a reader sees it: for a mapping, its
// first key.
func (n *Node) Start() Pos {
	if n.Kind == Mapping && len(n.Items) > 0 {
		return n.Items[0].Pos()
	}
	return n.Pos()
}

// Empty reports whether the node stands for no value at all: null, or
// nothing.
func (n *Node) Empty() bool { return n.Kind == Null || n.Kind == Absent }

func (n *Node) at(p Pos) {
	n.line, n.col = int32(p.Line), int32(p.Col)
}

func (n *Node) markAt(p Pos) {
	n.markLine, n.markCol = int32(p.Line), int32(p.Col)
}

// equal reports whether two trees are the same, positions included: what
// the fast decoder must give wherever it reads a file at all.
func equal(a, b *Node) bool {
	if a.Kind != b.Kind || a.Text != b.Text || a.line != b.line || a.col != b.col ||
		a.markLine != b.markLine || a.markCol != b.markCol || len(a.Items) != len(b.Items) {
		return false
	}
	for k := range a.Items {
		if !equal(&a.Items[k], &b.Items[k]) {
			return false
		}
	}
	return true
}

// dump writes a tree in a form a person can compare, for test failures.
func dump(n *Node) string {
	var b strings.Builder
	var walk func(n *Node, indent string)
	walk = func(n *Node, indent string) {
		b.WriteString(indent)
		b.WriteString(n.Kind.String())
		p, m := n.Pos(), n.Mark()
		b.WriteString(" @" + itoa(p.Line) + ":" + itoa(p.Col))
		if m.Line > 0 {
			b.WriteString(" mark " + itoa(m.Line) + ":" + itoa(m.Col))
		}
		if n.Kind == Scalar || n.Kind == Complex {
			b.WriteString(" " + quoteText(n.Text))
		}
		b.WriteString("\n")
		for k := range n.Items {
			walk(&n.Items[k], indent+"  ")
		}
	}
	walk(n, "")
	return b.String()
}

func itoa(n int) string { return strconv.Itoa(n) }

func quoteText(s string) string { return strconv.Quote(s) }
