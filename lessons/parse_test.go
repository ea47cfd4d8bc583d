package lessons

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sglab/sglab/engine"
)

// scenarioYAML is a small world: web-1 runs a website that web-sg does
// not open yet.
const scenarioYAML = `version: 1
vpcs:
  - { id: vpc-main, cidr: 10.0.0.0/16 }
security_groups:
  - { id: web-sg, name: web-sg, vpc: vpc-main }
instances:
  - { id: i-web1, name: web-1, vpc: vpc-main, private_ip: 10.0.1.10, public_ip: 54.210.0.10, security_groups: [web-sg], listening: [tcp/80] }
hosts:
  - { id: visitor, name: a visitor, ip: 198.51.100.7 }
`

// lessonText builds a lesson file whose challenge starts from the
// scenario block above.
func lessonText(id string, order int) string {
	return `---
id: ` + id + `
title: Open the website
order: ` + strconv.Itoa(order) + `
summary: Let visitors in.
minutes: 3
concepts: [inbound rules]
---

# First page

Some text.

` + "```yaml" + `
# a comment in ordinary code is not a page heading
a: 1
` + "```" + `

# Your turn

` + "```scenario start" + `
` + scenarioYAML + "```" + `

` + "```challenge" + `
title: Let visitors in
task: Open port 80.
start: start
goals:
  - { from: a visitor, to: web-1, port: 80, expect: connected }
hints:
  - Look at web-sg.
solution:
  - add-rule: { group: web-sg, protocol: tcp, ports: 80, source: 0.0.0.0/0 }
` + "```" + `

` + "```question" + `
ask: Is there a deny rule?
choices: [yes, no]
answer: 2
explain: Rules only allow.
` + "```" + `
`
}

func loadOne(t *testing.T, text string, extra ...string) (*Pack, engine.Diagnostics) {
	t.Helper()
	fsys := fstest.MapFS{"lesson.md": {Data: []byte(text)}}
	for k := 0; k+1 < len(extra); k += 2 {
		fsys[extra[k]] = &fstest.MapFile{Data: []byte(extra[k+1])}
	}
	return LoadFS(fsys, "pack")
}

func TestParseLesson(t *testing.T) {
	p, ds := loadOne(t, lessonText("open-the-website", 1))
	if ds.HasErrors() {
		t.Fatalf("unexpected errors:\n%s", ds)
	}
	if len(p.Lessons) != 1 {
		t.Fatalf("got %d lessons", len(p.Lessons))
	}
	l := p.Lessons[0]
	if l.ID != "open-the-website" || l.Title != "Open the website" || l.Order != 1 || l.Minutes != 3 ||
		l.Summary != "Let visitors in." || len(l.Concepts) != 1 || l.File != filepath.Join("pack", "lesson.md") {
		t.Errorf("front matter read as %+v", l)
	}
	if len(l.Pages) != 2 || l.Pages[0].Title != "First page" || l.Pages[1].Title != "Your turn" {
		t.Fatalf("pages: %+v", l.Pages)
	}
	if !strings.Contains(l.Pages[0].Markdown, "# a comment in ordinary code") {
		t.Errorf("the ordinary code block was lost from page 1:\n%s", l.Pages[0].Markdown)
	}
	if got := l.Pages[1].Markdown; got != "# Your turn\n" {
		t.Errorf("page 2 should keep only its heading once the lesson blocks are taken out, got %q", got)
	}
	c := l.Pages[1].Challenge
	if c == nil || l.Pages[0].Challenge != nil || len(l.Challenges) != 1 || l.Challenges[0] != c {
		t.Fatalf("the challenge should sit on page 2 only")
	}
	if c.ID != "challenge-1" || l.Challenge("challenge-1") != c {
		t.Errorf("challenge id %q, want the default challenge-1", c.ID)
	}
	if len(c.Goals) != 1 || c.Goals[0].Label != "a visitor → web-1 on tcp/80: connected" || c.Goals[0].Pos.Line != 38 {
		t.Errorf("goal: %+v", c.Goals[0])
	}
	if len(l.Questions) != 1 || l.Questions[0].ID != "question-1" || !l.Questions[0].Correct(1) || l.Questions[0].Correct(0) {
		t.Errorf("question: %+v", l.Questions[0])
	}
}

func TestStartFromFile(t *testing.T) {
	text := strings.Replace(lessonText("from-file", 1), "start: start", "start: scenarios/web.yaml", 1)
	text = strings.Replace(text, "```scenario start\n"+scenarioYAML+"```", "", 1)
	p, ds := loadOne(t, text, "scenarios/web.yaml", scenarioYAML)
	if ds.HasErrors() {
		t.Fatalf("unexpected errors:\n%s", ds)
	}
	if w := p.Lessons[0].Challenges[0].Start(); w.Instance("web-1") == nil {
		t.Error("the starting world was not read from the file")
	}
}

// TestStartIsACopy makes sure the lab cannot change a challenge's
// starting world by changing what Start returned.
func TestStartIsACopy(t *testing.T) {
	p, _ := loadOne(t, lessonText("copy", 1))
	c := p.Lessons[0].Challenges[0]
	w := c.Start()
	if err := c.Solution[0].Apply(w); err != nil {
		t.Fatal(err)
	}
	if c.Check(c.Start()).Solved() {
		t.Error("changing the world Start returned changed the starting world")
	}
}

// TestParseErrors checks that each kind of mistake is reported with its
// code at its place in the lesson file, and that the lesson is rejected.
func TestParseErrors(t *testing.T) {
	base := lessonText("bad", 1)
	tests := []struct {
		name     string
		old, new string // replaced in the lesson
		extra    []string
		want     string // FILE:LINE:COL: CODE, or a part of the message
	}{
		{"no front matter", "---\nid: bad", "id: bad", nil, "lesson.md:1:1: MissingField"},
		{"front matter never closed", "concepts: [inbound rules]\n---", "concepts: [inbound rules]", nil, "lesson.md:1:1: SyntaxError"},
		{"unknown front matter key", "summary:", "sumary:", nil, "lesson.md:5:1: UnknownField"},
		{"missing front matter key", "minutes: 3\n", "", nil, "lesson.md:2:1: MissingField: the front matter needs `minutes`"},
		{"bad id", "id: bad", "id: Bad_Id", nil, "lesson.md:2:5: InvalidParameterValue"},
		{"order not a number", "order: 1", "order: first", nil, "lesson.md:4:8: InvalidParameterValue"},
		{"text before the first page", "\n# First page", "\nstray words\n# First page", nil, "lesson.md:10:1: InvalidParameterValue: text before the first page"},
		{"scenario error at its line in the lesson", "cidr: 10.0.0.0/16", "cidr: 10.0.0.0/99", nil, "lesson.md:24:27: InvalidParameterValue"},
		{"scenario block without a name", "```scenario start", "```scenario", nil, "lesson.md:21:1: MissingField"},
		{"start names no block", "start: start", "start: begin", nil, "lesson.md:36:8: InvalidParameterValue: no ```scenario begin block"},
		{"start file missing", "start: start", "start: missing.yaml", nil, "lesson.md:36:8: FileNotFound"},
		{"start file outside the pack", "start: start", "start: ../x.yaml", nil, "lesson.md:36:8: InvalidParameterValue"},
		{"start file invalid", "start: start", "start: bad.yaml", []string{"bad.yaml", "version: 2\n"}, filepath.Join("pack", "bad.yaml") + ":1:10: InvalidParameterValue"},
		{"goal names nothing", "from: a visitor", "from: a vistor", nil, "lesson.md:38:7: InvalidInstanceID.NotFound"},
		{"goal without expect", ", expect: connected }", " }", nil, "lesson.md:38:7: MissingField"},
		{"goal with a bad outcome", "expect: connected", "expect: open", nil, "lesson.md:38:53: InvalidParameterValue"},
		{"goal mixing kinds", "- { from: a visitor,", "- { attached: { group: web-sg, instance: web-1 }, from: a visitor,", nil, "lesson.md:38:7: InvalidParameterValue: a goal is either"},
		{"structural goal without fields", "- { from: a visitor, to: web-1, port: 80, expect: connected }", "- { not-open-to-world: }", nil, "lesson.md:38:25: MissingField: the `not-open-to-world` goal is empty"},
		{"too many hints", "  - Look at web-sg.", "  - 1\n  - 2\n  - 3\n  - 4", nil, "lesson.md:40:3: InvalidParameterValue: a challenge has at most 3 hints"},
		{"no hints", "hints:\n  - Look at web-sg.", "hints: []", nil, "lesson.md:39:8: MissingField"},
		{"two operations in one step", "- add-rule: {", "- delete-group: { group: web-sg }\n    add-rule: {", nil, "lesson.md:42:5: InvalidParameterValue: a solution step is one operation"},
		{"unknown operation", "- add-rule:", "- add-rules:", nil, "lesson.md:42:5: UnknownField"},
		{"rule step with a bad port", "ports: 80, source", "ports: 80000, source", nil, "lesson.md:42:54: InvalidParameterValue"},
		{"inbound rule with a destination", "source: 0.0.0.0/0 }", "destination: 0.0.0.0/0 }", nil, "lesson.md:42:71: InvalidParameterValue: an inbound rule has a source"},
		{"bad peer", "source: 0.0.0.0/0 }", "source: 10.0.0.300/8 }", nil, "lesson.md:42:66: InvalidParameterValue"},
		{"answer out of range", "answer: 2", "answer: 3", nil, "lesson.md:48:9: InvalidParameterValue"},
		{"one choice", "choices: [yes, no]", "choices: [yes]", nil, "lesson.md:47:10: InvalidParameterValue: a question has 2 to 6 choices"},
		{"question block never closed", "explain: Rules only allow.\n```", "explain: Rules only allow.", nil, "lesson.md:45:1: SyntaxError"},
		{"challenge before the first page", "# First page\n", "```challenge\ntitle: x\n```\n# First page\n", nil, "lesson.md:10:1: InvalidParameterValue: a challenge belongs to a page"},
		{"YAML syntax error in a block", "title: Let visitors in", "title: [Let visitors in", nil, "lesson.md:35:1: SyntaxError"},
		{"alias", "task: Open port 80.", "task: *x", nil, "lesson.md:35:7: SyntaxError: aliases"},
		// Nesting that costs a YAML parser time and memory is refused before
		// any parser sees it, in the front matter and in every block.
		{"deep front matter", "concepts: [inbound rules]", "concepts: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000), nil,
			"lesson.md:7:74: SyntaxError: the front matter nests deeper than 64 levels"},
		{"deep block", "task: Open port 80.", "task: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000), nil,
			"lesson.md:35:70: SyntaxError: a challenge block nests deeper than 64 levels"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(base, tc.old) {
				t.Fatalf("the test lesson has no %q", tc.old)
			}
			p, ds := loadOne(t, strings.Replace(base, tc.old, tc.new, 1), tc.extra...)
			if !ds.HasErrors() {
				t.Fatalf("no error reported")
			}
			if len(p.Lessons) != 0 {
				t.Errorf("a lesson with errors was kept")
			}
			if !strings.Contains(ds.Error(), tc.want) {
				t.Errorf("want %q in:\n%s", tc.want, ds.Error())
			}
		})
	}
}

func TestTwoChallengesOnOnePage(t *testing.T) {
	base := lessonText("twice", 1)
	k := strings.Index(base, "```challenge")
	end := strings.Index(base[k:], "\n```\n") + k + 5
	block := base[k:end]
	_, ds := loadOne(t, base[:end]+strings.Replace(block, "title: Let", "id: again\ntitle: Let", 1)+base[end:])
	if !strings.Contains(ds.Error(), "already has a challenge") {
		t.Errorf("want a page-already-has-a-challenge error, got:\n%s", ds.Error())
	}
}

func TestUnusedScenarioIsAWarning(t *testing.T) {
	text := strings.Replace(lessonText("unused", 1), "# Your turn", "# Your turn\n\n```scenario spare\n"+scenarioYAML+"```", 1)
	p, ds := loadOne(t, text)
	if ds.HasErrors() || len(p.Lessons) != 1 {
		t.Fatalf("an unused scenario must not reject the lesson:\n%s", ds.Error())
	}
	if w := ds.Warnings(); len(w) != 1 || !strings.Contains(w[0].String(), `scenario "spare" is used by no challenge`) {
		t.Errorf("warnings: %v", w)
	}
}

func TestPackErrors(t *testing.T) {
	t.Run("duplicate ids and orders", func(t *testing.T) {
		fsys := fstest.MapFS{
			"a.md": {Data: []byte(lessonText("same", 1))},
			"b.md": {Data: []byte(lessonText("same", 1))},
		}
		_, ds := LoadFS(fsys, "pack")
		msg := ds.Error()
		if !strings.Contains(msg, "b.md:1:1: InvalidParameterValue: order 1 is already taken") ||
			!strings.Contains(msg, `b.md:1:1: DuplicateId: lesson id "same" is already used by `+filepath.Join("pack", "a.md")) {
			t.Errorf("got:\n%s", msg)
		}
	})
	t.Run("no lessons", func(t *testing.T) {
		_, ds := LoadFS(fstest.MapFS{"README.md": {Data: []byte("# not a lesson")}}, "pack")
		if !strings.Contains(ds.Error(), "pack: NoLessons") {
			t.Errorf("got:\n%s", ds.Error())
		}
	})
	t.Run("missing directory", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "nowhere")
		_, ds := LoadDir(dir)
		if !strings.Contains(ds.Error(), dir+": FileNotFound") {
			t.Errorf("got:\n%s", ds.Error())
		}
	})
	t.Run("a file, not a directory", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "lesson.md")
		if err := os.WriteFile(file, []byte(lessonText("x", 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		_, ds := LoadDir(file)
		if !strings.Contains(ds.Error(), "a lesson pack is a directory") {
			t.Errorf("got:\n%s", ds.Error())
		}
	})
}

func TestLoadCourseAddsPacksAfterTheBuiltinCourse(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("extra.md", lessonText("extra-lesson", 1))
	c, ds := LoadCourse(dir)
	if ds.HasErrors() {
		t.Fatalf("unexpected errors:\n%s", ds)
	}
	builtin, _ := Builtin()
	if len(c.Lessons) != len(builtin.Lessons)+1 || c.Lessons[len(c.Lessons)-1].ID != "extra-lesson" {
		t.Fatalf("the pack's lesson should come last, after %d built-in ones", len(builtin.Lessons))
	}
	if c.Lesson("extra-lesson").Pack != dir || c.Index("extra-lesson") != len(builtin.Lessons) || c.Lesson("nothing") != nil {
		t.Error("lookups by id are wrong")
	}

	// A pack that reuses a built-in id is left out, whole.
	write("clash.md", lessonText(builtin.Lessons[0].ID, 2))
	c, ds = LoadCourse(dir)
	if !strings.Contains(ds.Error(), "DuplicateId") || len(c.Lessons) != len(builtin.Lessons) {
		t.Errorf("a clashing pack was added (%d lessons):\n%s", len(c.Lessons), ds.Error())
	}
}

func TestHeading(t *testing.T) {
	for line, want := range map[string]string{
		"# Title":       "Title",
		"# Title #":     "Title",
		"# C#":          "C#",
		"#":             "",
		"#  spaced  ":   "spaced",
		"# Issue #42 #": "Issue #42",
	} {
		if got, ok := heading(line); !ok || got != want {
			t.Errorf("heading(%q) = %q, %v; want %q", line, got, ok, want)
		}
	}
	for _, line := range []string{"## Sub", "#hashtag", " # indented", "text"} {
		if _, ok := heading(line); ok {
			t.Errorf("%q is not a page heading", line)
		}
	}
}

func TestWindowsLineEnds(t *testing.T) {
	text := "\ufeff" + strings.ReplaceAll(lessonText("windows", 1), "\n", "\r\n")
	p, ds := loadOne(t, text)
	if ds.HasErrors() || len(p.Lessons) != 1 {
		t.Fatalf("a lesson saved on Windows should load:\n%s", ds.Error())
	}
	if md := p.Lessons[0].Pages[0].Markdown; strings.Contains(md, "\r") {
		t.Errorf("carriage returns left in the page: %q", md)
	}
}

// FuzzLoadLesson feeds the parser arbitrary lesson files: whatever the
// input, it must not panic, and it keeps a lesson exactly when it reports
// no error.
func FuzzLoadLesson(f *testing.F) {
	f.Add(lessonText("fuzz", 1))
	f.Add("---\nid: x\n---\n# P\n```challenge\nstart: s\n```\n")
	f.Add("---\n---\n```scenario s\nversion: 1\n```\n# P\n")
	f.Fuzz(func(t *testing.T, text string) {
		p, ds := loadOne(t, text)
		if kept := p != nil && len(p.Lessons) == 1; kept == ds.HasErrors() {
			t.Errorf("kept=%v with errors:\n%s", kept, ds.Error())
		}
	})
}
