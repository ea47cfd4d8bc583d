package quiz

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sglab/sglab/internal/state"
)

func openQuizStore(t *testing.T) (*state.Store, *[]string) {
	t.Helper()
	st, err := state.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var warnings []string
	st.Warn = func(w string) { warnings = append(warnings, w) }
	return st, &warnings
}

func TestInvalidQuizRecordsAreDropped(t *testing.T) {
	tests := []struct {
		name, data, warning string
		check               func(t *testing.T, p *Progress)
	}{
		{
			// The file: it crashed `sglab progress`, the review and
			// the Quiz screen, and practice wrote the null back.
			name:    "a null question",
			data:    `{"questions": {"q1": null}}`,
			warning: `question "q1", which has no record (null)`,
			check: func(t *testing.T, p *Progress) {
				if len(p.Questions) != 0 {
					t.Errorf("questions %v", p.Questions)
				}
			},
		},
		{
			name:    "more right answers than answers",
			data:    `{"questions": {"ssh-port": {"topic": "ports", "answered": 1, "correct": 5}, "http-port": {"topic": "ports", "answered": 2, "correct": 1}}}`,
			warning: `question "ssh-port", with 5 right of 1 answers`,
			check: func(t *testing.T, p *Progress) {
				if len(p.Questions) != 1 || p.Questions["http-port"] == nil {
					t.Errorf("questions %v", p.Questions)
				}
			},
		},
		{
			name:    "a box past the last",
			data:    `{"questions": {"ssh-port": {"topic": "ports", "box": 9, "due": "2025-03-11T00:00:00Z"}}}`,
			warning: `question "ssh-port", in Leitner box 9 (there are 5)`,
		},
		{
			name:    "an unknown topic",
			data:    `{"questions": {"ssh-port": {"topic": "\u001b]0;pwned\u0007"}}}`,
			warning: `question "ssh-port", whose topic "\x1b]0;pwned\a" the quiz does not have`,
		},
		{
			name:    "a drill under the wrong key",
			data:    `{"drill_best": {"ports/60s": {"topic": "concepts", "seconds": 60, "correct": 3, "answered": 4}}}`,
			warning: `the best drill "ports/60s"`,
		},
		{
			name:    "an exam that does not add up",
			data:    `{"exams": [{"at": "2025-03-10T09:30:00Z", "score": {"correct": 3, "total": 2}}, {"at": "2025-03-11T09:30:00Z", "score": {"correct": 1, "total": 2}}]}`,
			warning: `the exam of 10 Mar 2025 09:30, whose score does not add up`,
			check: func(t *testing.T, p *Progress) {
				if len(p.Exams) != 1 || p.Exams[0].Score != (Score{1, 2}) {
					t.Errorf("exams %v", p.Exams)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, warnings := openQuizStore(t)
			content := `{"schema": 1, "data": ` + tt.data + `}`
			os.WriteFile(st.Path(FileName), []byte(content), 0o600)
			p, err := Load(st)
			if err != nil {
				t.Fatal(err)
			}
			if len(*warnings) != 1 || !strings.Contains((*warnings)[0], tt.warning) {
				t.Errorf("warnings %q, want one with %q", *warnings, tt.warning)
			}
			if tt.check != nil {
				tt.check(t, p)
			}
			usableQuiz(t, p, day1)
			if aside, _ := filepath.Glob(st.Path(FileName) + ".corrupt-*"); len(aside) != 1 {
				t.Errorf("the file as it was is not kept: %v", aside)
			}
		})
	}
}

func TestNullQuestionNeverWrittenBack(t *testing.T) {
	st, _ := openQuizStore(t)
	os.WriteFile(st.Path(FileName), []byte(`{"schema":1,"data":{"questions":{"q1":null}}}`), 0o600)
	err := Update(st, func(p *Progress) error { p.Record(attempt("ssh-port", Ports, true, day1)); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(st.Path(FileName)); bytes.Contains(data, []byte(`"q1"`)) || !bytes.Contains(data, []byte("ssh-port")) {
		t.Errorf("written back:\n%s", data)
	}
}

// FuzzQuizFile writes anything as quiz.json: it must load (what is valid
// of it) or be set aside, never crash; what loads must be usable by the
// quiz's menu, review and practice, and by `sglab progress`; and the file
// left on disk must read back the same, without a second warning.
func FuzzQuizFile(f *testing.F) {
	for _, seed := range []string{
		`{"schema":1,"data":{"questions":{"q1":null}}}`,
		`{"schema":1,"data":{"questions":{"ssh-port":{"topic":"ports","answered":3,"correct":1,"box":2,"due":"2025-03-11T00:00:00Z","history":[{"at":"2025-03-10T09:30:00Z","mode":"exam","correct":false}]}}}}`,
		`{"schema":1,"data":{"questions":{"v1-outcome-3":{"topic":"scenarios","answered":1,"box":1,"due":"2000-01-01T00:00:00Z"}}}}`,
		`{"schema":1,"data":{"drill_best":{"ports/60s":{"topic":"ports","seconds":60,"correct":4,"answered":5,"at":"2025-03-10T09:30:00Z"}},"exams":[{"at":"2025-03-10T09:30:00Z","score":{"correct":3,"total":4},"topics":[{"topic":"ports","correct":3,"total":4}]}]}}`,
		`{"schema":1,"data":{"questions":{"x":{"topic":"ports","box":-1,"answered":-2}}}}`,
		`{"schema":1,"data":null}`, `{"schema":1}`, `[1]`, `"quiz"`, `{"schema":2,"data":{}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st, warnings := openQuizStore(t)
		if err := os.WriteFile(st.Path(FileName), data, 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := Load(st)
		if err != nil {
			if strings.Contains(err.Error(), "newer sglab") {
				return
			}
			t.Fatalf("neither loaded nor set aside: %v", err)
		}
		before := len(*warnings)
		again, err := Load(st)
		if err != nil || len(*warnings) != before {
			t.Fatalf("reading the file left on disk: %v, warnings %q", err, (*warnings)[before:])
		}
		a, _ := json.Marshal(p)
		b, _ := json.Marshal(again)
		if !bytes.Equal(a, b) {
			t.Fatalf("read back differently:\n%s\n%s", a, b)
		}
		usableQuiz(t, p, day1)
		if err := Update(st, func(p *Progress) error { p.Record(attempt("ssh-port", Ports, false, day1)); return nil }); err != nil {
			t.Fatalf("saving on top: %v", err)
		}
	})
}

// usableQuiz runs what the quiz's screens and `sglab progress` do with a
// progress: the menu's facts, a whole review answered, the summary.
func usableQuiz(t *testing.T, p *Progress, now time.Time) {
	t.Helper()
	for _, later := range []time.Time{now, now.Add(days(400))} {
		clock := NewManualClock(later)
		r := NewReview(p, AllTopics, 0, clock)
		for q, ok := r.Current(); ok; q, ok = r.Current() {
			if _, err := r.Answer(wrong(q)); err != nil {
				t.Fatal(err)
			}
			r.Next()
		}
		for _, a := range r.Attempts() {
			p.Record(a)
		}
		p.NextDue(later)
		if err := p.Stats(later).Write(io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	for _, topic := range append([]Topic{AllTopics}, Topics...) {
		p.BestDrill(topic, DefaultDrillLength)
		NewReview(p, topic, 1, NewManualClock(now))
	}
	for _, ts := range p.Accuracy() {
		if ts.Correct < 0 || ts.Correct > ts.Total || ts.Percent() < 0 || ts.Percent() > 100 {
			t.Fatalf("accuracy %+v", ts)
		}
	}
	for _, e := range p.Exams {
		if e.Score.Percent() < 0 || e.Score.Percent() > 100 {
			t.Fatalf("exam %+v", e)
		}
	}
}
