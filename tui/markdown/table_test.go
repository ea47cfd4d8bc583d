package markdown

import (
	"fmt"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// tableCases are tables as lessons write them, and the corners of
// GitHub's table syntax.
var tableCases = []string{
	"| a | b |\n| --- | --- |\n| 1 | 2 |\n",
	"a | b\n--- | ---\n1 | 2\n",
	"| a | b |\n|:--|--:|\n| 1 | 2 |\n| 3 | 4 |\n",
	"| a | b | c |\n| :-: | - | :- |\n| 1 | 2 | 3 |\n",
	"| a |\n| - |\n| 1 |\n",
	"text before\n| a | b |\n| - | - |\n| 1 | 2 |\n",
	"one\ntwo\n| a | b |\n| - | - |\n| 1 | 2 |\n\nafter\n",
	"| a | b |\n| - | - |\n| 1 |\n| 1 | 2 | 3 |\n",
	"| a | b |\n| - |\n| 1 | 2 |\n",
	"| `a\\|b` | c\\|d |\n| - | - |\n| `x \\| y` | **z** |\n",
	"| a | b |\n| - | - |\n|  | 2 |\n| 1 |  |\n",
	"| a | b |\n|---|---|\n| [link](https://a.example/) | *em* `code` |\n",
	"| a | b |\n| -x- | - |\n",
	"| a | b |\n    | - | - |\n",
	"a\n---\n",
	"| a |\n|---|\n- b\n",
	"> | a | b |\n> | - | - |\n> | 1 | 2 |\n",
	"- | a | b |\n  | - | - |\n  | 1 | 2 |\n",
	"|a|b|\n|-|-|\n|1|2|\n",
	"| a | b |\n| - | - |\n| 1 | 2 \\|\n",
}

// TestTablesAsGoldmarkReadsThem parses each case with this package's
// table transformer and with goldmark's table extension: the documents
// must be the same, table for table and cell for cell.
func TestTablesAsGoldmarkReadsThem(t *testing.T) {
	theirs := goldmark.New(goldmark.WithExtensions(extension.Table)).Parser()
	for _, src := range tableCases {
		b := []byte(src)
		want := outline(theirs.Parse(text.NewReader(b)), b)
		got := outline(mdParser().Parse(text.NewReader(b)), b)
		if got != want {
			t.Errorf("%q\n got: %s\nwant: %s", src, got, want)
		}
		if !strings.Contains(want, "Table") && strings.Contains(src, "| a | b |\n| --- |") {
			t.Errorf("%q: the case reads as no table at all", src)
		}
	}
	// Where goldmark pads a header with fewer cells than the delimiter
	// row, GitHub's specification (example 203's rule) reads no table.
	src := []byte("| a |\n| - | - |\n")
	if got := outline(mdParser().Parse(text.NewReader(src)), src); strings.Contains(got, "Table") {
		t.Errorf("%q: a header short of cells makes a table: %s", src, got)
	}
}

// outline writes a document's blocks and the text of its inline nodes.
// Code spans are written with \| read as |, which goldmark's extension
// does in the tree and this package when it renders.
func outline(doc ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if n.Type() == ast.TypeBlock {
				b.WriteString(")")
			}
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			fmt.Fprintf(&b, "%q", n.Segment.Value(src))
			return ast.WalkContinue, nil
		case *ast.CodeSpan:
			var code strings.Builder
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				code.Write(c.(*ast.Text).Segment.Value(src))
			}
			fmt.Fprintf(&b, "Code%q", strings.ReplaceAll(code.String(), `\|`, "|"))
			return ast.WalkSkipChildren, nil
		case *east.Table:
			fmt.Fprintf(&b, "Table%v(", n.Alignments)
			return ast.WalkContinue, nil
		case *east.TableCell:
			fmt.Fprintf(&b, "Cell[%v](", n.Alignment)
			return ast.WalkContinue, nil
		}
		b.WriteString(n.Kind().String())
		if n.Type() == ast.TypeBlock {
			b.WriteString("(")
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}
