package lessons

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// TestBuiltinCourseValidates holds the built-in course to the same checks
// as an instructor's pack: it loads without errors, every challenge's
// reference solution meets its goals, and no starting world already does.
func TestBuiltinCourseValidates(t *testing.T) {
	p, ds := builtin()
	for _, d := range ds {
		if !d.IsWarning() {
			t.Errorf("load: %s", d)
		}
	}
	if p == nil {
		t.Fatal("the built-in course did not load")
	}
	for _, d := range Validate(p) {
		t.Errorf("validate: %s", d)
	}
}

// TestBuiltinCourseCoversTheCurriculum checks the promises the course makes
// to learners: at least twelve lessons, each with a hands-on challenge
// that has hints and a reference solution, and one or two check questions.
func TestBuiltinCourseCoversTheCurriculum(t *testing.T) {
	p, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Lessons) < 12 {
		t.Fatalf("the course has %d lessons, want at least 12", len(p.Lessons))
	}
	for k, l := range p.Lessons {
		if l.Order != k+1 {
			t.Errorf("%s: order %d, want %d (the course is numbered without gaps)", l.File, l.Order, k+1)
		}
		if len(l.Challenges) == 0 {
			t.Errorf("%s: no challenge", l.File)
		}
		for _, c := range l.Challenges {
			if len(c.Hints) == 0 || len(c.Solution) == 0 {
				t.Errorf("%s: challenge %s has %d hints and %d solution steps", l.File, c.ID, len(c.Hints), len(c.Solution))
			}
		}
		if n := len(l.Questions); n < 1 || n > 2 {
			t.Errorf("%s: %d check questions, want 1 or 2", l.File, n)
		}
		if l.Pack != BuiltinName {
			t.Errorf("%s: pack %q", l.File, l.Pack)
		}
	}
	// The curriculum fixes what lessons 1 and 4 are.
	if l := p.Lessons[0]; l.Minutes > 5 {
		t.Errorf("lesson 1 is estimated at %d minutes; a newcomer must finish it in under five", l.Minutes)
	}
	if l := p.Lessons[3]; !strings.Contains(l.Title, "SSH from your computer only") {
		t.Errorf("lesson 4 is %q", l.Title)
	}
}

// TestDocumentedExampleIsValid keeps the example of docs/lesson-format.md
// a lesson that loads and validates, so the documentation cannot drift
// from the format.
func TestDocumentedExampleIsValid(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "lesson-format.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "````markdown\n")
	example, _, closed := strings.Cut(rest, "\n````\n")
	if !ok || !closed {
		t.Fatal("docs/lesson-format.md has no ````markdown example")
	}
	p, ds := LoadFS(fstest.MapFS{"example.md": {Data: []byte(example + "\n")}}, "docs")
	for _, d := range ds {
		t.Errorf("the documented example: %s", d)
	}
	if p == nil || t.Failed() {
		t.FailNow()
	}
	if vs := Validate(p); len(vs) > 0 {
		t.Errorf("the documented example does not validate:\n%s", vs)
	}
	l := p.Lessons[0]
	if len(l.Pages) != 2 || len(l.Challenges) != 1 || len(l.Questions) != 1 {
		t.Errorf("the example should show two pages, a challenge and a question")
	}
}
