package yamlread

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// reader returns a Reader of YAML that starts after offset lines, and the
// problems it reports, as "LINE:COL CODE: message".
func reader(offset int) (*Reader, *[]string) {
	var got []string
	r := &Reader{Offset: offset}
	r.Report = func(p Pos, code, msg string) {
		got = append(got, fmt.Sprintf("%d:%d %s: %s", p.Line, p.Col, code, msg))
	}
	r.UnknownKey = func(what string, key *Node, known []string) {
		p := key.Pos()
		got = append(got, fmt.Sprintf("%d:%d unknown %s %q in %s", p.Line, p.Col, key.Kind, key.Text, what))
	}
	return r, &got
}

// body parses src, which must hold one document.
func body(t *testing.T, r *Reader, src string) *Node {
	t.Helper()
	docs, ok := r.Parse(src, "the test")
	if !ok || len(docs) != 1 {
		t.Fatalf("parse %q: %d documents, ok %v", src, len(docs), ok)
	}
	return docs[0]
}

func check(t *testing.T, got *[]string, want ...string) {
	t.Helper()
	if !slices.Equal(*got, want) {
		t.Errorf("reported:\n%s\nwant:\n%s", strings.Join(*got, "\n"), strings.Join(want, "\n"))
	}
	*got = nil
}

func TestParse(t *testing.T) {
	r, got := reader(10)
	if docs, ok := r.Parse("a: 1\n---\nb: 2\n", "the test"); !ok || len(docs) != 2 {
		t.Errorf("two documents: got %d, ok %v", len(docs), ok)
	}
	for _, empty := range []string{"", "---\n", "# a comment\n", "\n\n  # indented\n"} {
		if docs, ok := r.Parse(empty, "the test"); !ok || len(docs) != 0 {
			t.Errorf("%q: got %d documents, ok %v; want none", empty, len(docs), ok)
		}
	}
	check(t, got)

	// The offset moves a syntax error to its line in the whole file.
	if _, ok := r.Parse("a: 1\nb: [\n", "the test"); ok {
		t.Error("a syntax error must fail")
	}
	if len(*got) != 1 || !strings.HasPrefix((*got)[0], "12:") || !strings.Contains((*got)[0], CodeSyntax) {
		t.Errorf("syntax error reported as %q, want it on line 12", *got)
	}
	*got = nil

	// The offset moves every position of a tree the fast decoder read.
	n := body(t, r, "a:\n  - [x, y]\n")
	if p := n.Items[1].Items[0].Items[1].Pos(); p != (Pos{12, 9}) {
		t.Errorf("y at %v, want 12:9", p)
	}
	if m := n.Items[1].Items[0].Mark(); m != (Pos{12, 3}) {
		t.Errorf("the item's dash at %v, want 12:3", m)
	}
}

func TestObject(t *testing.T) {
	r, got := reader(0)
	n := body(t, r, "b: 1\nc:\n<<: {x: 1}\nzz: 2\na: !!str text\n")
	known := []string{"a", "b", "c"}
	f, ok := r.Object(n, "a thing", known)
	if !ok {
		t.Fatal("a mapping must read")
	}
	check(t, got, `3:1 unknown complex key "<<" in a thing`, `4:1 unknown string "zz" in a thing`)
	var names []string
	for _, field := range f.All(known) {
		names = append(names, field.Name)
	}
	if !slices.Equal(names, []string{"b", "c", "a"}) || f.Len != 5 || f.Pos != (Pos{1, 1}) {
		t.Errorf("keys %v of %d at %v, want [b c a] of 5 at 1:1", names, f.Len, f.Pos)
	}
	// A value is found past its tag; an empty one at its key.
	if a, _ := f.Get("a"); a.Pos != (Pos{5, 9}) || f.Str("a") != "text" {
		t.Errorf("a is %q at %v, want text at the text, past its tag", f.Str("a"), a.Pos)
	}
	if c, _ := f.Get("c"); c.Pos != (Pos{2, 1}) {
		t.Errorf("empty c at %v, want its key at 2:1", c.Pos)
	}
	if _, ok := f.Need("d"); ok || f.Has("d") || f.Str("d") != "" {
		t.Error("d is absent")
	}
	check(t, got, "1:1 MissingField: a thing needs `d`")

	if _, ok := r.Object(body(t, r, "[1]"), "a thing", known); ok {
		t.Error("a list is no mapping")
	}
	check(t, got, "1:1 InvalidParameterValue: a thing must be a mapping of keys to values")
	if _, ok := r.Object(&Node{Kind: Absent}, "a thing", known); ok {
		t.Error("nothing is no mapping")
	}
	check(t, got)
}

func TestScalar(t *testing.T) {
	r, got := reader(0)
	f, _ := r.Object(body(t, r, "a: [1]\nb: {c: 1}\nd: |\n  two\n  lines\n"), "x", []string{"a", "b", "d"})
	if s := f.Str("d"); s != "two\nlines" {
		t.Errorf("literal text %q", s)
	}
	f.Str("a")
	f.Str("b")
	check(t, got, "1:4 InvalidParameterValue: expected a single value, not a sequence",
		"2:4 InvalidParameterValue: expected a single value, not a mapping")
	if !r.NotScalar(Pos{1, 4}) || r.NotScalar(Pos{3, 4}) {
		t.Error("NotScalar must hold where Scalar found a list, and only there")
	}
	// The list is not a mapping either, but that place is reported.
	a, _ := f.Get("a")
	if _, ok := r.Object(a.Value, "a", nil); ok {
		t.Error("a list is no mapping")
	}
	check(t, got)
}

func TestAliases(t *testing.T) {
	r, got := reader(0)
	f, _ := r.Object(body(t, r, "a: &x [1]\nb: *x\n"), "x", []string{"a", "b"})
	if seq, ok := r.List(value(f, "b")); !ok || seq == nil || len(seq.Items) != 1 || seq.Pos() != (Pos{1, 7}) {
		t.Error("an alias reads as its anchor's value, where the anchor is")
	}
	check(t, got)

	if _, ok := r.Parse("a: *y\nb: &y 1\n", "the test"); ok {
		t.Error("an alias before its anchor must fail")
	}
	check(t, got, "1:4 SyntaxError: alias *y names no anchor defined before it")

	// Refused: the alias reads as nothing.
	r.NoAliases = "no aliases here"
	f, _ = r.Object(body(t, r, "a: &x [1]\nb: *x\n"), "x", []string{"a", "b"})
	if seq, ok := r.List(value(f, "b")); !ok || seq != nil {
		t.Error("a refused alias reads as nothing")
	}
	check(t, got, "2:4 SyntaxError: no aliases here")
}

// TestAliasBomb: aliases of aliases may not make a small file stand for
// more values than sglab will read.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for k := 1; k < 10; k++ {
		fmt.Fprintf(&b, "a%d: &a%d [", k, k)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", k-1)
		}
		b.WriteString("]\n")
	}
	r, got := reader(0)
	if _, ok := r.Parse(b.String(), "the test"); ok {
		t.Fatal("ten billion values from 400 bytes must be refused")
	}
	if len(*got) == 0 || !strings.Contains((*got)[0], "stand for more than") {
		t.Errorf("reported %q", *got)
	}
}

func TestList(t *testing.T) {
	r, got := reader(0)
	f, _ := r.Object(body(t, r, "a: [1, 2]\nb:\nc: 3\n"), "x", []string{"a", "b", "c"})
	if seq, ok := r.List(value(f, "a")); !ok || len(seq.Items) != 2 {
		t.Error("a is a list of two")
	}
	if seq, ok := r.List(value(f, "b")); !ok || seq != nil {
		t.Error("b is empty")
	}
	if _, ok := r.List(value(f, "c")); ok {
		t.Error("c is no list")
	}
	check(t, got)
}

func TestSuggest(t *testing.T) {
	known := []string{"source", "ports", "protocol"}
	for key, want := range map[string]string{
		"soruce":   " (did you mean `source`?)",
		"port":     " (did you mean `ports`?)",
		"protcol":  " (did you mean `protocol`?)",
		"nothing":  " (it takes source, ports, protocol)",
		"sourcexx": " (did you mean `source`?)",
	} {
		if got := Suggest(key, known); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", key, got, want)
		}
	}
}

// value is the node of key's value.
func value(f Fields, key string) *Node {
	field, _ := f.Get(key)
	return field.Value
}
