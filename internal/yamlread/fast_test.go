package yamlread

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fast decoder must read every file sglab ships and writes, and give
// the tree the full parser gives; the fuzz test below holds it to that on
// every input it accepts. Run it for real with
//
//	go test -run='^$' -fuzz=FuzzFastPath -fuzztime=5m ./internal/yamlread

// projectYAML returns the YAML the project ships: example scenarios, the
// engine's fixtures, and the YAML parts of the course's lessons.
func projectYAML(t testing.TB) map[string][]byte {
	out := map[string][]byte{}
	for _, pattern := range []string{"../../examples/scenarios/*.yaml", "../../engine/testdata/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out[f] = data
		}
	}
	lessons, _ := filepath.Glob("../../lessons/course/*.md")
	for _, f := range lessons {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for k, part := range yamlParts(string(data)) {
			out[f+"#"+itoa(k)] = []byte(part)
		}
	}
	if len(out) < 20 {
		t.Fatalf("only %d YAML files found", len(out))
	}
	return out
}

// yamlParts returns a lesson's front matter and the bodies of its fenced
// blocks, which lesson files write in YAML.
func yamlParts(md string) []string {
	var parts []string
	lines := strings.Split(md, "\n")
	var cur []string
	in := false
	for k, line := range lines {
		switch {
		case k == 0 && line == "---":
			in = true
		case in && (line == "---" || strings.HasPrefix(line, "```")):
			parts = append(parts, strings.Join(cur, "\n")+"\n")
			cur, in = nil, false
		case !in && (line == "```challenge" || line == "```question" || strings.HasPrefix(line, "```scenario ")):
			in = true
		case in:
			cur = append(cur, line)
		}
	}
	return parts
}

// full parses data with the full parser alone and returns its one
// document (nil for none) and what it reported.
func full(data []byte) (*Node, []string, bool) {
	r, got := reader(0)
	r.Full = true
	docs, ok := r.Parse(string(data), "the test")
	if len(docs) > 1 {
		return nil, *got, false
	}
	if len(docs) == 0 {
		return nil, *got, ok
	}
	return docs[0], *got, ok
}

// sameAsFull fails unless the fast decoder's tree is the full parser's.
func sameAsFull(t *testing.T, name string, data []byte, fast *Node) {
	t.Helper()
	want, reported, ok := full(data)
	switch {
	case !ok || len(reported) > 0:
		t.Fatalf("%s: the fast decoder reads what the full parser refuses (%v):\n%s", name, reported, data)
	case (fast == nil) != (want == nil):
		t.Fatalf("%s: fast decoder found a document: %v, the full parser: %v", name, fast != nil, want != nil)
	case fast != nil && !equal(fast, want):
		t.Fatalf("%s: the trees differ:\n%s\nfast:\n%s\nfull:\n%s", name, data, dump(fast), dump(want))
	}
}

func TestFastPathReadsTheProjectsFiles(t *testing.T) {
	for name, data := range projectYAML(t) {
		fast, ok := decodeFast(string(data))
		if !ok {
			t.Errorf("%s: the fast decoder declines it", name)
			continue
		}
		sameAsFull(t, name, data, fast)
	}
}

func TestFastPathMatchesFullParser(t *testing.T) {
	for _, src := range fastSeeds {
		fast, ok := decodeFast(src)
		if !ok {
			t.Errorf("the fast decoder declines %q", src)
			continue
		}
		sameAsFull(t, src, []byte(src), fast)
	}
}

// fastSeeds are documents of the subset, with the places where the full
// parser puts things that are easy to get wrong.
var fastSeeds = []string{
	"a: 1\nb:\nc: \"x y\"\nd: 'it''s'\ne: ~\nf: null\n",
	"a:\n  - x\n  -\n  - { p: 1, q: \"z\" }\n  - [a, b]\n  -\nb: 1\n",
	"a: { s: \"::/0\", t: \"2600:1f18::/56\" }\nb: ::/0\nc: [\"::/0\", \"a:b\"]\nd: 2600:1f18::/56\n",
	"- a: 1\n  b: 2\n- c\n",
	"x: ünï\ny: { n: ünïcode, ip: 1.2.3.4 }\n",
	"a: -1\nb: -x\nc: x #c\nd: x#c\n",
	"a: x  #c\nb:  y\nc: someone else's computer\nd: \"a # b\"\ne: {}\nf: []\ng: { }\n",
	"- \n- x\n",
	"a:\n  -   x\n  -   k: v\n      l: w\n",
	"vpcs:\n- id: a\n  cidr: b\n- id: c\nhosts: []\n",
	"a: {x: 1,}\nb: [1,]\nc: { x: [ 1, 2 ], y: {z: w} }\n",
	"a: x\n# comment\n   # indented comment\nb: y\n",
	"{version: 1, vpcs: [{id: a, cidr: \"10.0.0.0/16\"}]}",
	"[a, b]\n",
	"a: 1",
	"a:",
	"a:\n",
	"- a\n-\n",
	"- ",
	"x:\n  a:\n",
	"x:\n  a:\ny: 1\n",
	"x: [a,\n  b]\n",
	"x: [a\n  , b]\n",
	"x:\n - [a, # c\n   b]\n",
	"a: \"say \\\"hi\\\", a\\\\b, c\\/d, e\\nf\\tg\"\n",
	"ports: 1024-65535\np2: \"3/4\"\nx: 'a'   # c\n",
	"true: 1\n12: x\nk-1: v\n",
	"a:\n\n  b:\n    - 1\n\n    - 2\n",
}

func FuzzFastPath(f *testing.F) {
	for _, data := range projectYAML(f) {
		f.Add(data)
	}
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, deep := tooDeep(string(data)); deep {
			return
		}
		fast, ok := decodeFast(string(data))
		if !ok {
			return
		}
		sameAsFull(t, "input", data, fast)
	})
}

func TestTooDeep(t *testing.T) {
	tests := []struct {
		src  string
		deep bool
		at   Pos
	}{
		{strings.Repeat("[", 64) + strings.Repeat("]", 64), false, Pos{}},
		{strings.Repeat("[", 65) + strings.Repeat("]", 65), true, Pos{1, 65}},
		{"a: " + strings.Repeat("{b: ", 70), true, Pos{1, 130}},
		{strings.Repeat("- ", 70) + "x", true, Pos{1, 127}},
		{"x: \"" + strings.Repeat("[", 100) + "\"\n", false, Pos{}},
		{"x: '" + strings.Repeat("[", 100) + "'\n", false, Pos{}},
		{"x: a" + strings.Repeat("[", 100) + "\n", false, Pos{}},
		{"x: |\n  " + strings.Repeat("[", 100) + "\ny: 1\n", false, Pos{}},
		{"# " + strings.Repeat("[", 100) + "\n", false, Pos{}},
		{"x: 'it''s " + strings.Repeat("[", 10) + "'\ny: " + strings.Repeat("[", 70), true, Pos{2, 67}},
	}
	for _, tt := range tests {
		p, deep := tooDeep(tt.src)
		if deep != tt.deep || p != tt.at {
			t.Errorf("tooDeep(%.40q...) = %v, %v; want %v, %v", tt.src, p, deep, tt.at, tt.deep)
		}
	}
	// A parser takes the lines after a tag, an anchor or an empty dash for
	// its value, even at the same indentation: those nest; empty items of
	// one list do not.
	if _, deep := tooDeep(strings.Repeat("a: !t\n", 70)); !deep {
		t.Error("70 keys each ending in a tag must be too deep")
	}
	if _, deep := tooDeep(strings.Repeat("a:\n-\n", 40)); !deep {
		t.Error("40 keys each holding a list whose empty item holds the next key must be too deep")
	}
	if _, deep := tooDeep("a:\n" + strings.Repeat("-\n", 200) + "- x\n"); deep {
		t.Error("200 empty items of one list are not deep")
	}
	// Indentation nests too.
	var b strings.Builder
	for k := range 70 {
		b.WriteString(strings.Repeat(" ", k) + "k:\n")
	}
	if _, deep := tooDeep(b.String()); !deep {
		t.Error("70 levels of block mappings must be too deep")
	}
}

// treeDepth is how many collections nest in n.
func treeDepth(n *Node) int {
	d := 0
	for k := range n.Items {
		d = max(d, treeDepth(&n.Items[k]))
	}
	if n.Kind == Mapping || n.Kind == Sequence {
		d++
	}
	return d
}

// FuzzDepth: the depth check never counts fewer levels than a document
// the full parser reads has.
func FuzzDepth(f *testing.F) {
	for _, data := range projectYAML(f) {
		f.Add(data)
	}
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte("a: [[1, [2]], {b: [c]}]\n- - - x\n"))
	f.Add([]byte("? [a, [b]]\n: [c]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, deep := tooDeep(string(data)); deep {
			return
		}
		doc, _, ok := full(data)
		if !ok || doc == nil {
			return
		}
		d := treeDepth(doc)
		if d == 0 {
			return // a single value: nothing nests
		}
		s := depthScan{data: string(data), line: 1, limit: d - 1}
		if _, deep := s.run(); !deep {
			t.Fatalf("the document nests %d levels, but the depth check counts fewer:\n%s", d, data)
		}
	})
}

// TestFastPathDeclines: what is outside the subset goes to the full
// parser, which reads it or reports it.
func TestFastPathDeclines(t *testing.T) {
	for _, src := range []string{
		"a: &x 1\nb: *x\n", "a: !!str 1\n", "a: 1\n---\nb: 2\n", "--- \na: 1\n", "%YAML 1.2\n---\na: 1\n",
		"a: |\n  text\n", "a: >\n  text\n", "a: b\n  c\n", "a:\tb\n", "a: b\r\n", "a: 1\na: 2\n",
		"a: b: c\n", "? a\n: b\n", "\"a\": 1\n", "a: \"x\ny\"\n", "a: \"\\x41\"\n", "a: [1,\n2]\n",
		"  a: 1\n", "a:\n  b: 1\n c: 2\n", "a: - 1\n", "- - x\n", "a: 1 \n", "a: {b: 1\n", "null: 1\n",
		"a: <<\n", "a: @b\n", "a: [::/0]\n", "{0: [:0]}", "{0: [0:0]}", "a: [a:b]\n", "a: `b`\n", "\ufeffa: 1\n", "a: 1\u2028b: 2\n",
	} {
		if _, ok := decodeFast(src); ok {
			t.Errorf("the fast decoder reads %q", src)
		}
	}
}
