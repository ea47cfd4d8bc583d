package lessons

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInvalidProgressRecordsAreDropped(t *testing.T) {
	const first = "a-firewall-around-your-instance"
	tests := []struct {
		name, data string
		warning    string // in the one warning
		check      func(t *testing.T, p *Progress)
	}{
		{
			name:    "a negative page",
			data:    `{"lessons": {"` + first + `": {"status": "in-progress", "page": -5}}, "last": "` + first + `"}`,
			warning: `lesson "` + first + `"'s page -5 (it starts again at its first page)`,
			check: func(t *testing.T, p *Progress) {
				if lp := p.Lesson(first); lp.Page != 0 || lp.Status != InProgress {
					t.Errorf("record %+v", lp)
				}
			},
		},
		{
			name:    "a null lesson",
			data:    `{"lessons": {"x": null, "` + first + `": {"status": "done"}}}`,
			warning: `lesson "x", which has no record (null)`,
			check: func(t *testing.T, p *Progress) {
				if _, ok := p.Lessons["x"]; ok || p.Status(first) != Done {
					t.Errorf("lessons %v", p.Lessons)
				}
			},
		},
		{
			name:    "an unknown status",
			data:    `{"lessons": {"a": {"status": "finished"}, "b": {"status": "done"}}}`,
			warning: `lesson "a", whose status "finished" is not in-progress or done`,
			check: func(t *testing.T, p *Progress) {
				if p.Status("a") != NotStarted || p.Status("b") != Done {
					t.Errorf("lessons %v", p.Lessons)
				}
			},
		},
		{
			name:    "a null challenge and negative hints",
			data:    `{"lessons": {"a": {"status": "in-progress", "challenges": {"c1": null, "c2": {"hints": -1}, "c3": {"goals_met": 1, "goals": 2}}}}}`,
			warning: `lesson "a"'s challenge "c1", which has no record (null), and 1 more`,
			check: func(t *testing.T, p *Progress) {
				if cs := p.Lesson("a").Challenges; len(cs) != 1 || cs["c3"] == nil {
					t.Errorf("challenges %v", cs)
				}
			},
		},
		{
			name:    "a negative choice",
			data:    `{"lessons": {"a": {"status": "done", "answers": {"q1": {"choice": -2}, "q2": {"choice": 1, "correct": true}}}}}`,
			warning: `lesson "a"'s answer to "q1", whose choice -2 is not one`,
			check: func(t *testing.T, p *Progress) {
				if as := p.Lesson("a").Answers; len(as) != 1 || !as["q2"].Correct {
					t.Errorf("answers %v", as)
				}
			},
		},
		{
			name:    "control characters in an id",
			data:    `{"last": "\u001b]52;c;Y3VybA==\u0007", "lessons": {"\u001b[2J": {"status": "done"}}}`,
			warning: `the last lesson opened, "\x1b]52;c;Y3VybA==\a", which is not a lesson id, and 1 more`,
			check: func(t *testing.T, p *Progress) {
				if p.Last != "" || len(p.Lessons) != 0 {
					t.Errorf("progress %+v", p)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, warnings := openStore(t, t.TempDir())
			content := `{"schema": 2, "data": ` + tt.data + `}`
			os.WriteFile(s.Path(ProgressFile), []byte(content), 0o600)
			p, err := LoadProgress(s)
			if err != nil {
				t.Fatal(err)
			}
			if len(*warnings) != 1 || !strings.Contains((*warnings)[0], tt.warning) {
				t.Errorf("warnings %q, want one with %q", *warnings, tt.warning)
			}
			tt.check(t, p)
			course, _ := LoadCourse()
			if l, page := p.Resume(course); l != nil && (page < 0 || page >= len(l.Pages)) {
				t.Errorf("resume on page %d of %d", page, len(l.Pages))
			}
			aside, _ := filepath.Glob(s.Path(ProgressFile) + ".corrupt-*")
			if len(aside) != 1 {
				t.Fatalf("the file as it was is not kept: %v", aside)
			}
			if kept, _ := os.ReadFile(aside[0]); string(kept) != content {
				t.Errorf("kept %s", kept)
			}
		})
	}
}

func TestProgressPageStaysInTheLesson(t *testing.T) {
	l := &Lesson{ID: "a", Pages: make([]Page, 3)}
	for page, want := range map[int]int{-4: 0, 0: 0, 2: 2, 9: 2} {
		p := &Progress{Lessons: map[string]*LessonProgress{"a": {Status: InProgress, Page: page}}}
		if got := p.Page(l); got != want {
			t.Errorf("page %d: Page = %d, want %d", page, got, want)
		}
	}
}

// FuzzProgressFile writes anything as progress.json: it must load (what is
// valid of it) or be set aside, never crash; what loads must be usable by
// everything that shows progress (the course list, resume, `sglab
// progress`) and by every change the course records; and the file left on
// disk must read back the same, without a second warning.
func FuzzProgressFile(f *testing.F) {
	for _, seed := range []string{
		`{"schema": 2, "data": {"lessons": {"a-firewall-around-your-instance": {"status": "in-progress", "page": -1}}}}`,
		`{"schema": 2, "data": {"last": "inbound-and-outbound", "lessons": {"inbound-and-outbound": {"status": "done", "page": 99, "challenges": {"c": {"goals_met": 3, "goals": 2}}}}}}`,
		`{"schema": 1, "data": {"lessons": {"a": {"page": 2, "done": true}, "b": null}}}`,
		`{"schema": 2, "data": null}`,
		`{"schema": 2, "data": {"lessons": {"a": {"status": "done", "answers": {"q": {"choice": 7}}}}}}`,
		`[]`, `null`, `{"schema": 3, "data": {}}`, `{"schema": 2, "data": {"lessons": []}}`,
	} {
		f.Add([]byte(seed))
	}
	course, ds := LoadCourse()
	if ds.HasErrors() {
		f.Fatal(ds)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		s, warnings := openStore(t, dir)
		if err := os.WriteFile(s.Path(ProgressFile), data, 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := LoadProgress(s)
		if err != nil {
			if strings.Contains(err.Error(), "newer sglab") {
				return // kept as it is, for the newer sglab
			}
			t.Fatalf("neither loaded nor set aside: %v", err)
		}
		usable(t, course, p)

		// What is on disk now reads back the same, and quietly.
		before := len(*warnings)
		again, err := LoadProgress(s)
		if err != nil || len(*warnings) != before {
			t.Fatalf("reading the file left on disk: %v, warnings %q", err, (*warnings)[before:])
		}
		a, _ := json.Marshal(p)
		b, _ := json.Marshal(again)
		if !bytes.Equal(a, b) {
			t.Fatalf("read back differently:\n%s\n%s", a, b)
		}

		// Every change the course makes can be saved on top of it.
		_, err = UpdateProgress(s, func(p *Progress) error {
			for _, l := range course.Lessons {
				p.Open(l.ID)
				p.SetPage(l.ID, p.Page(l)+1)
				for _, c := range l.Challenges {
					p.RecordHint(l.ID, c.ID, 1)
					p.RecordCheck(l.ID, c.ID, Checklist{Goals: make([]GoalStatus, len(c.Goals))})
				}
				for _, q := range l.Questions {
					p.RecordAnswer(l.ID, q, 0)
				}
			}
			return nil
		})
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("saving on top: %v", err)
		}
	})
}

// usable runs what the screens and `sglab progress` do with a progress.
func usable(t *testing.T, course *Course, p *Progress) {
	t.Helper()
	if l, page := p.Resume(course); l != nil && (page < 0 || page >= len(l.Pages)) {
		t.Fatalf("resume on page %d of %d pages", page, len(l.Pages))
	}
	done, started := p.Counts(course)
	if done < 0 || started < 0 || done+started > len(course.Lessons) {
		t.Fatalf("counts %d and %d of %d", done, started, len(course.Lessons))
	}
	for _, l := range course.Lessons {
		if page := p.Page(l); page < 0 || page >= len(l.Pages) {
			t.Fatalf("lesson %s on page %d of %d", l.ID, page, len(l.Pages))
		}
		for _, c := range l.Challenges {
			cp := p.Challenge(l.ID, c.ID)
			if cp.Hints < 0 || cp.GoalsMet < 0 || cp.GoalsMet > cp.Goals {
				t.Fatalf("challenge record %+v", cp)
			}
		}
		for id, a := range p.Lesson(l.ID).Answers {
			if a.Choice < 0 || !validID(id) {
				t.Fatalf("answer %q %+v", id, a)
			}
		}
	}
	for id := range p.Lessons {
		if !validID(id) || p.Lessons[id] == nil {
			t.Fatalf("lesson record %q: %+v", id, p.Lessons[id])
		}
	}
}
