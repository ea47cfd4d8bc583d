package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sglab/sglab/internal/class"
	"github.com/sglab/sglab/lessons"
)

// A class of two: Ana finished lesson 1 with a hint; Bo's name is a
// formula, which a spreadsheet must show as text.
func exportClass(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	db, err := class.OpenDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ana, err := db.Enrol("SHA256:ana", "Ana Lima")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Enrol("SHA256:bo", "=HYPERLINK(\"http://x\")"); err != nil {
		t.Fatal(err)
	}
	course, ds := lessons.LoadCourse()
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	first := course.Lessons[0]
	if _, err := lessons.UpdateProgress(db.Store(ana.ID), func(p *lessons.Progress) error {
		p.RecordHint(first.ID, first.Challenges[0].ID, 1)
		p.Finish(first.ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestClassExportJSON(t *testing.T) {
	dir := exportClass(t)
	var out, errb bytes.Buffer
	if code := run([]string{"class", "export", "--class", dir, "--format", "json"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rows []exportLearner
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows, want one per learner", len(rows))
	}
	var ana exportLearner
	for _, r := range rows {
		if r.Fingerprint == "SHA256:ana" {
			ana = r
		}
	}
	if ana.Name != "Ana Lima" || ana.LessonsDone != 1 || ana.Hints != 1 || ana.Lessons[0].Status != "done" || ana.Lessons[1].Status != "not-started" {
		t.Fatalf("Ana's row: %+v", ana)
	}
}

func TestClassExportCSVOpensInASpreadsheet(t *testing.T) {
	dir := exportClass(t)
	var out, errb bytes.Buffer
	if code := run([]string{"class", "export", "--class", dir, "--format", "csv"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "\r\n") {
		t.Fatal("the CSV's lines do not end in CRLF (RFC 4180)")
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 {
		t.Fatalf("%d records, want a header and two learners", len(recs))
	}
	head := recs[0]
	col := func(name string) int {
		for k, h := range head {
			if h == name {
				return k
			}
		}
		t.Fatalf("no column %q in %q", name, head)
		return -1
	}
	for _, r := range recs[1:] {
		if len(r) != len(head) {
			t.Fatalf("a row of %d cells under %d headings", len(r), len(head))
		}
		switch r[col("fingerprint")] {
		case "SHA256:ana":
			if r[col("name")] != "Ana Lima" || r[col("lessons_done")] != "1" || r[col("hints_used")] != "1" || r[col("lesson 1: a-firewall-around-your-instance")] != "done" {
				t.Fatalf("Ana's row: %q", r)
			}
		case "SHA256:bo":
			if name := r[col("name")]; !strings.HasPrefix(name, "'") {
				t.Fatalf("a formula name is exported as %q: a spreadsheet would run it", name)
			}
		default:
			t.Fatalf("an unknown learner: %q", r)
		}
	}
}

func TestClassExportNeedsAClass(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"class", "export", "--class", t.TempDir(), "--format", "json"}, &out, &errb); code == 0 || !strings.Contains(errb.String(), "holds no class") {
		t.Fatalf("exit %d, %q", code, errb.String())
	}
}
