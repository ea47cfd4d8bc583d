package yamlread

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml/ast"
)

// reader returns a Reader of YAML that starts after offset lines, and the
// problems it reports, as "LINE:COL CODE: message".
func reader(offset int) (*Reader, *[]string) {
	var got []string
	r := &Reader{Offset: offset}
	r.Report = func(p Pos, code, msg string) {
		got = append(got, fmt.Sprintf("%d:%d %s: %s", p.Line, p.Col, code, msg))
	}
	r.UnknownKey = func(what string, key ast.Node, name string, isText bool, known []string) {
		p := r.Pos(key)
		got = append(got, fmt.Sprintf("%d:%d unknown %q %v in %s", p.Line, p.Col, name, isText, what))
	}
	return r, &got
}

// body parses src, which must hold one document.
func body(t *testing.T, r *Reader, src string) ast.Node {
	t.Helper()
	docs, ok := r.Parse([]byte(src), "the test", nil)
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
	if docs, ok := r.Parse([]byte("a: 1\n---\nb: 2\n"), "the test", nil); !ok || len(docs) != 2 {
		t.Errorf("two documents: got %d, ok %v", len(docs), ok)
	}
	for _, empty := range []string{"", "---\n", "# a comment\n"} {
		if docs, ok := r.Parse([]byte(empty), "the test", nil); !ok || len(docs) != 0 {
			t.Errorf("%q: got %d documents, ok %v; want none", empty, len(docs), ok)
		}
	}
	check(t, got)

	// The offset moves a syntax error to its line in the whole file.
	if _, ok := r.Parse([]byte("a: 1\nb: [\n"), "the test", nil); ok {
		t.Error("a syntax error must fail")
	}
	if len(*got) != 1 || !strings.HasPrefix((*got)[0], "12:") || !strings.Contains((*got)[0], CodeSyntax) {
		t.Errorf("syntax error reported as %q, want it on line 12", *got)
	}
	*got = nil

	boom := func([]byte) (*ast.File, error) { panic("boom") }
	if _, ok := r.Parse([]byte("a: 1"), "the test", boom); ok {
		t.Error("a panicking parser must fail")
	}
	check(t, got, "11:1 SyntaxError: the YAML parser failed on the test: boom")
}

func TestObject(t *testing.T) {
	r, got := reader(0)
	n := body(t, r, "b: 1\nc:\n<<: {x: 1}\nzz: 2\na: !!str text\n")
	f, ok := r.Object(n, "a thing", "a", "b", "c")
	if !ok {
		t.Fatal("a mapping must read")
	}
	check(t, got, `3:1 unknown "" false in a thing`, `4:1 unknown "zz" true in a thing`)
	var names []string
	for _, field := range f.All() {
		names = append(names, field.Name)
	}
	if !slices.Equal(names, []string{"b", "c", "a"}) || f.Len != 5 || f.Pos != (Pos{1, 1}) {
		t.Errorf("keys %v of %d at %v, want [b c a] of 5 at 1:1", names, f.Len, f.Pos)
	}
	// A value is found past its tag; an empty one at its key.
	if a, _ := f.Get("a"); a.Pos != r.Pos(a.Value.(*ast.TagNode).Value) || f.Str("a") != "text" {
		t.Errorf("a is %q at %v, want text at the text, past its tag", f.Str("a"), a.Pos)
	}
	if c, _ := f.Get("c"); c.Pos != (Pos{2, 1}) {
		t.Errorf("empty c at %v, want its key at 2:1", c.Pos)
	}
	if _, ok := f.Need("d"); ok || f.Has("d") || f.Str("d") != "" {
		t.Error("d is absent")
	}
	check(t, got, "1:1 MissingField: a thing needs `d`")

	if _, ok := r.Object(body(t, r, "[1]"), "a thing"); ok {
		t.Error("a list is no mapping")
	}
	check(t, got, "1:1 InvalidParameterValue: a thing must be a mapping of keys to values")
	if _, ok := r.Object(nil, "a thing"); ok {
		t.Error("nothing is no mapping")
	}
	check(t, got)
}

func TestScalar(t *testing.T) {
	r, got := reader(0)
	f, _ := r.Object(body(t, r, "a: [1]\nb: {c: 1}\nd: |\n  two\n  lines\n"), "x", "a", "b", "d")
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
	if _, ok := r.Object(a.Value, "a"); ok {
		t.Error("a list is no mapping")
	}
	check(t, got)
}

func TestAliases(t *testing.T) {
	r, got := reader(0)
	n := body(t, r, "a: &x [1]\nb: *x\n")
	f, _ := r.Object(n, "x", "a", "b")
	// Not resolved: refused.
	r.NoAliases = "no aliases here"
	if seq, ok := r.List(value(f, "b")); !ok || seq != nil {
		t.Error("a refused alias reads as nothing")
	}
	check(t, got, "2:4 SyntaxError: no aliases here")

	if !r.ResolveAliases(n) {
		t.Fatal("the alias names an anchor")
	}
	if seq, ok := r.List(value(f, "b")); !ok || len(seq.Values) != 1 {
		t.Error("a resolved alias reads as its anchor's node")
	}
	check(t, got)

	if r.ResolveAliases(body(t, r, "a: *y\nb: &y 1\n")) {
		t.Error("an alias before its anchor must fail")
	}
	check(t, got, "1:4 SyntaxError: alias *y names no anchor defined before it")
}

func TestList(t *testing.T) {
	r, got := reader(0)
	f, _ := r.Object(body(t, r, "a: [1, 2]\nb:\nc: 3\n"), "x", "a", "b", "c")
	if seq, ok := r.List(value(f, "a")); !ok || len(seq.Values) != 2 {
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
func value(f Fields, key string) ast.Node {
	field, _ := f.Get(key)
	return field.Value
}
