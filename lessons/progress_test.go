package lessons

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sglab/sglab/internal/state"
)

func TestProgressRecords(t *testing.T) {
	p := &Progress{}
	if p.Status("a") != NotStarted || NotStarted.String() != "not started" {
		t.Fatal("a lesson with no record is not started")
	}
	p.Open("a")
	p.SetPage("a", 3)
	if p.Last != "a" || p.Status("a") != InProgress || p.Lesson("a").Page != 3 {
		t.Errorf("after Open and SetPage: %+v %+v", p, p.Lesson("a"))
	}

	solved := Checklist{Goals: []GoalStatus{{Met: true}, {Met: true}}}
	half := Checklist{Goals: []GoalStatus{{Met: true}, {Met: false}}}
	p.RecordCheck("a", "c1", solved)
	p.RecordCheck("a", "c1", half)
	if cp := p.Challenge("a", "c1"); !cp.Solved || cp.GoalsMet != 1 || cp.Goals != 2 {
		t.Errorf("a solved challenge stays solved while the count follows the world: %+v", cp)
	}
	p.RecordHint("a", "c1", 2)
	p.RecordHint("a", "c1", 1)
	p.RecordSolutionShown("a", "c1")
	if cp := p.Challenge("a", "c1"); cp.Hints != 2 || !cp.SolutionShown {
		t.Errorf("hints and solution: %+v", cp)
	}
	q := &Question{ID: "q1", Answer: 1}
	p.RecordAnswer("a", q, 0)
	p.RecordAnswer("a", q, 1)
	if a := p.Lesson("a").Answers["q1"]; a.Choice != 1 || !a.Correct {
		t.Errorf("the last answer counts: %+v", a)
	}

	p.Finish("a")
	p.Open("a")
	if p.Status("a") != Done {
		t.Error("opening a finished lesson again must not undo it")
	}
	p.Open("b")
	p.Reset("b")
	if p.Status("b") != NotStarted || p.Last != "" || p.Status("a") != Done {
		t.Errorf("Reset of one lesson: %+v", p)
	}
	p.ResetAll()
	if len(p.Lessons) != 0 || p.Last != "" {
		t.Errorf("ResetAll: %+v", p)
	}
}

func TestResume(t *testing.T) {
	course := &Course{}
	for _, id := range []string{"one", "two", "three"} {
		course.Lessons = append(course.Lessons, &Lesson{ID: id, Pages: make([]Page, 3)})
	}
	tests := []struct {
		name     string
		setup    func(p *Progress)
		lesson   string // empty for nil
		wantPage int
	}{
		{"a newcomer starts at the beginning", func(p *Progress) {}, "one", 0},
		{"where they left off", func(p *Progress) { p.Open("two"); p.SetPage("two", 2) }, "two", 2},
		{"after a finished lesson, the next one", func(p *Progress) { p.Open("two"); p.Finish("two") }, "three", 0},
		{"wrapping round to a lesson skipped", func(p *Progress) { p.Open("three"); p.Finish("three"); p.Finish("two") }, "one", 0},
		{"a page the lesson no longer has", func(p *Progress) { p.Open("one"); p.SetPage("one", 9) }, "one", 2},
		{"a lesson of a pack no longer loaded", func(p *Progress) { p.Open("gone"); p.Finish("one") }, "two", 0},
		{"everything done", func(p *Progress) { p.Finish("one"); p.Finish("two"); p.Finish("three") }, "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := &Progress{}
			tc.setup(p)
			l, page := p.Resume(course)
			switch {
			case tc.lesson == "" && l != nil:
				t.Errorf("got %s, want nothing to resume", l.ID)
			case tc.lesson != "" && (l == nil || l.ID != tc.lesson || page != tc.wantPage):
				t.Errorf("got %v page %d, want %s page %d", l, page, tc.lesson, tc.wantPage)
			}
		})
	}
	p := &Progress{}
	p.Finish("one")
	p.Open("two")
	if done, inProgress := p.Counts(course); done != 1 || inProgress != 1 {
		t.Errorf("counts: %d done, %d in progress", done, inProgress)
	}
}

func openStore(t *testing.T, dir string) (*state.Store, *[]string) {
	t.Helper()
	s, err := state.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var warnings []string
	s.Warn = func(msg string) { warnings = append(warnings, msg) }
	return s, &warnings
}

func TestProgressIsSaved(t *testing.T) {
	s, _ := openStore(t, t.TempDir())
	p, err := LoadProgress(s)
	if err != nil || len(p.Lessons) != 0 {
		t.Fatalf("no file means a clean start: %+v, %v", p, err)
	}
	if _, err := UpdateProgress(s, func(p *Progress) error { p.Open("a"); p.SetPage("a", 1); return nil }); err != nil {
		t.Fatal(err)
	}
	got, err := UpdateProgress(s, func(p *Progress) error { p.RecordHint("a", "c1", 1); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if got.Lesson("a").Page != 1 || got.Challenge("a", "c1").Hints != 1 {
		t.Errorf("an update must start from what is saved: %+v", got.Lesson("a"))
	}
	back, err := LoadProgress(s)
	if err != nil || back.Last != "a" || back.Challenge("a", "c1").Hints != 1 {
		t.Errorf("read back %+v, %v", back, err)
	}

	// A change that fails writes nothing.
	boom := fmt.Errorf("boom")
	if _, err := UpdateProgress(s, func(p *Progress) error { p.ResetAll(); return boom }); err != boom {
		t.Errorf("got %v", err)
	}
	if back, _ := LoadProgress(s); back.Last != "a" {
		t.Error("a failed update changed the file")
	}

	var env struct {
		Schema int `json:"schema"`
	}
	data, _ := os.ReadFile(s.Path(ProgressFile))
	if err := json.Unmarshal(data, &env); err != nil || env.Schema != progressSchema {
		t.Errorf("the file is not a schema %d document: %s", progressSchema, data)
	}
}

// TestProgressWriteIsAtomic checks that saving replaces the file rather
// than rewriting it in place: a reader holding the old file (here, a hard
// link to it) still sees the whole old content, never half of the new.
func TestProgressWriteIsAtomic(t *testing.T) {
	dir := t.TempDir()
	s, _ := openStore(t, dir)
	if _, err := UpdateProgress(s, func(p *Progress) error { p.Open("old"); return nil }); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(s.Path(ProgressFile))
	held := filepath.Join(dir, "held")
	if err := os.Link(s.Path(ProgressFile), held); err != nil {
		t.Skipf("hard links unavailable here: %v", err)
	}
	if _, err := UpdateProgress(s, func(p *Progress) error { p.Open("new"); return nil }); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(held); string(after) != string(before) {
		t.Error("the progress file was rewritten in place")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("a temporary file was left behind: %s", e.Name())
		}
	}
}

func TestCorruptProgressIsSetAside(t *testing.T) {
	for name, content := range map[string]string{
		"not JSON":         "{\"schema\": 2, \"data\": {\"lessons\": ",
		"wrong shape":      `{"schema": 2, "data": {"lessons": ["a"]}}`,
		"schema 0":         `{"schema": 0, "data": {"lessons": {}}}`,
		"no data envelope": `{"lessons": {}}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			s, warnings := openStore(t, dir)
			if err := os.WriteFile(s.Path(ProgressFile), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			p, err := LoadProgress(s)
			if err != nil || len(p.Lessons) != 0 {
				t.Fatalf("a corrupt file must give a clean start: %+v, %v", p, err)
			}
			if len(*warnings) != 1 || !strings.Contains((*warnings)[0], "sglab starts clean") {
				t.Errorf("warnings: %q", *warnings)
			}
			aside, _ := filepath.Glob(s.Path(ProgressFile) + ".corrupt-*")
			if len(aside) != 1 {
				t.Fatalf("the corrupt file was not set aside: %v", aside)
			}
			if kept, _ := os.ReadFile(aside[0]); string(kept) != content {
				t.Error("the file set aside is not the corrupt file")
			}
			if _, err := UpdateProgress(s, func(p *Progress) error { p.Open("a"); return nil }); err != nil {
				t.Errorf("saving after a corrupt file: %v", err)
			}
		})
	}
}

func TestProgressFromANewerSglabIsKept(t *testing.T) {
	s, _ := openStore(t, t.TempDir())
	content := `{"schema": 99, "data": {"lessons": {}}}`
	if err := os.WriteFile(s.Path(ProgressFile), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadProgress(s); err == nil || !strings.Contains(err.Error(), "newer sglab") {
		t.Errorf("got %v", err)
	}
	if data, _ := os.ReadFile(s.Path(ProgressFile)); string(data) != content {
		t.Error("a newer sglab's file must be left alone")
	}
}

// TestProgressSchemaUpgrade reads a file written with schema 1, which kept
// a done flag per lesson, and writes it back as schema 2.
func TestProgressSchemaUpgrade(t *testing.T) {
	fixture, err := os.ReadFile(filepath.Join("testdata", "progress-schema1.json"))
	if err != nil {
		t.Fatal(err)
	}
	s, warnings := openStore(t, t.TempDir())
	if err := os.WriteFile(s.Path(ProgressFile), fixture, 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := LoadProgress(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(*warnings) != 0 {
		t.Errorf("an old file is not a corrupt one: %q", *warnings)
	}
	first, second := p.Lesson("a-firewall-around-your-instance"), p.Lesson("inbound-and-outbound")
	if first.Status != Done || first.Page != 2 || second.Status != InProgress || second.Page != 1 || p.Last != "inbound-and-outbound" {
		t.Errorf("upgraded to %+v and %+v, last %q", first, second, p.Last)
	}
	if _, err := UpdateProgress(s, func(p *Progress) error { return nil }); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(s.Path(ProgressFile))
	if !strings.Contains(string(data), `"schema": 2`) || strings.Contains(string(data), `"done": true`) || !strings.Contains(string(data), `"status": "done"`) {
		t.Errorf("written back as:\n%s", data)
	}
}

// The concurrency test runs this test binary twice more, as two sglab
// processes saving progress at the same time.
const (
	childDirEnv    = "SGLAB_LESSONS_TEST_CHILD_DIR"
	childLessonEnv = "SGLAB_LESSONS_TEST_CHILD_LESSON"
	childUpdates   = 150
)

// TestProgressChildProcess is one of the two processes of
// TestConcurrentProcessesLoseNothing; run on its own, it does nothing.
func TestProgressChildProcess(t *testing.T) {
	dir, lesson := os.Getenv(childDirEnv), os.Getenv(childLessonEnv)
	if dir == "" {
		t.Skip("run by TestConcurrentProcessesLoseNothing")
	}
	s, err := state.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for k := range childUpdates {
		_, err := UpdateProgress(s, func(p *Progress) error {
			p.Open(lesson)
			p.RecordAnswer(lesson, &Question{ID: "q" + strconv.Itoa(k)}, k)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestConcurrentProcessesLoseNothing(t *testing.T) {
	dir := t.TempDir()
	lessons := []string{"lesson-a", "lesson-b"}
	var cmds []*exec.Cmd
	for _, l := range lessons {
		cmd := exec.Command(os.Args[0], "-test.run=^TestProgressChildProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), childDirEnv+"="+dir, childLessonEnv+"="+l)
		out := &strings.Builder{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("%s:\n%s", l, out)
			}
		})
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("child process: %v", err)
		}
	}
	s, warnings := openStore(t, dir)
	p, err := LoadProgress(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lessons {
		if n := len(p.Lesson(l).Answers); n != childUpdates {
			t.Errorf("%s has %d of its %d answers: updates were lost", l, n, childUpdates)
		}
	}
	if len(*warnings) != 0 {
		t.Errorf("warnings: %q", *warnings)
	}
}
