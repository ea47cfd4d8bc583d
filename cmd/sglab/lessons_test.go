package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sglab/sglab/internal/state"
	"github.com/sglab/sglab/lessons"
)

// packLesson is a lesson for an instructor's pack: its challenge starts
// from start.yaml beside it.
const packLesson = `---
id: workshop-http
title: Open HTTP
order: 1
summary: Let visitors in on port 80.
minutes: 3
concepts: [inbound rules]
---

# Open HTTP

web-1 serves a website that nobody can reach.

` + "```challenge" + `
title: Let visitors in
task: Open port 80 on web-sg.
start: start.yaml
goals:
  - { from: a visitor, to: web-1, port: 80, expect: connected }
  - { exposure: { instance: web-1, inbound: [{ port: 80, from: anywhere }] } }
hints:
  - Add an inbound rule to web-sg.
solution:
  - add-rule: { group: web-sg, protocol: tcp, ports: 80, source: 0.0.0.0/0 }
` + "```" + `

` + "```question" + `
ask: Do security groups have deny rules?
choices: [yes, no]
answer: 2
explain: Rules only allow.
` + "```" + `
`

const packStart = `version: 1
vpcs:
  - { id: vpc-main, cidr: 10.0.0.0/16 }
security_groups:
  - { id: web-sg, name: web-sg, vpc: vpc-main }
instances:
  - { id: i-web1, name: web-1, vpc: vpc-main, private_ip: 10.0.1.10, public_ip: 54.210.0.10, security_groups: [web-sg], listening: [tcp/80] }
hosts:
  - { id: visitor, name: a visitor, ip: 198.51.100.7 }
`

// writePack writes a lesson pack of name/content pairs into a new directory.
func writePack(t *testing.T, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	for k := 0; k+1 < len(files); k += 2 {
		if err := os.WriteFile(filepath.Join(dir, files[k]), []byte(files[k+1]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// listJSON runs `lessons list --json` with extra arguments and decodes it.
func listJSON(t *testing.T, args ...string) []lessonJSON {
	t.Helper()
	out, errOut, code := sglab(t, ".", append(args, "lessons", "list", "--json")...)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	var doc struct{ Lessons []lessonJSON }
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return doc.Lessons
}

func TestLessonsList(t *testing.T) {
	out, errOut, code := sglab(t, ".", "lessons", "list")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	course, err := lessons.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "Built-in course\n  1  ○ not started  A firewall around your instance\n") {
		t.Errorf("the list should open with the course and its first lesson:\n%s", out)
	}
	for _, l := range course.Lessons {
		if !strings.Contains(out, l.Title) || !strings.Contains(out, l.ID+" · "+strings.Join(l.Concepts, ", ")) {
			t.Errorf("lesson %s is missing from:\n%s", l.ID, out)
		}
	}

	got := listJSON(t)
	if len(got) != len(course.Lessons) {
		t.Fatalf("%d lessons in JSON, want %d", len(got), len(course.Lessons))
	}
	first := got[0]
	if first.ID != course.Lessons[0].ID || first.Status != "not-started" || first.Pack != "built-in" ||
		len(first.Concepts) == 0 || first.Challenges != 1 || first.Pages == 0 || first.Minutes == 0 {
		t.Errorf("first lesson: %+v", first)
	}
}

// saveProgress writes progress into a new data directory.
func saveProgress(t *testing.T, change func(p *lessons.Progress)) string {
	t.Helper()
	dir := t.TempDir()
	s, err := state.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lessons.UpdateProgress(s, func(p *lessons.Progress) error { change(p); return nil }); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestLessonsListShowsProgress(t *testing.T) {
	course, _ := lessons.Builtin()
	first, fourth := course.Lessons[0], course.Lessons[3]
	dir := saveProgress(t, func(p *lessons.Progress) {
		p.Finish(first.ID)
		p.Open(fourth.ID)
	})
	got := listJSON(t, "--data-dir", dir)
	if got[0].Status != "done" || got[3].Status != "in-progress" || got[1].Status != "not-started" {
		t.Errorf("statuses: %s, %s, %s", got[0].Status, got[1].Status, got[3].Status)
	}
	out, _, _ := sglab(t, ".", "--data-dir", dir, "lessons", "list")
	if !strings.Contains(out, "  1  ✓ done         "+first.Title) || !strings.Contains(out, "  4  ◐ in progress  "+fourth.Title) {
		t.Errorf("text list:\n%s", out)
	}
}

func TestLessonsValidate(t *testing.T) {
	t.Run("the built-in course", func(t *testing.T) {
		out, errOut, code := sglab(t, ".", "lessons", "validate", filepath.Join("..", "..", "lessons", "course"))
		if code != 0 || strings.Contains(errOut, ": SolutionDoesNotMeetGoal") || !strings.Contains(out, fmt.Sprintf("%d lessons", builtinLessons(t))) {
			t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
	})
	t.Run("a valid pack", func(t *testing.T) {
		dir := writePack(t, "http.md", packLesson, "start.yaml", packStart, "README.md", "# Notes for the instructor")
		out, errOut, code := sglab(t, dir, "lessons", "validate", ".")
		if code != 0 || errOut != "" || out != ".: 1 lesson, 1 challenge: valid\n" {
			t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
	})
	t.Run("a broken pack", func(t *testing.T) {
		wrongSolution := strings.Replace(packLesson, "source: 0.0.0.0/0", "source: 203.0.113.0/24", 1)
		badScenario := strings.Replace(strings.Replace(packLesson, "id: workshop-http", "id: workshop-two", 1), "order: 1", "order: 2", 1)
		dir := writePack(t, "a.md", wrongSolution, "b.md", strings.Replace(badScenario, "start.yaml", "broken.yaml", 1),
			"start.yaml", packStart, "broken.yaml", strings.Replace(packStart, "10.0.0.0/16", "10.0.0.0/33", 1))
		out, errOut, code := sglab(t, dir, "lessons", "validate", ".")
		if code != 1 || out != "" {
			t.Errorf("exit %d, stdout %q; want exit 1 and nothing on stdout", code, out)
		}
		for _, want := range []string{
			"a.md:19:7: SolutionDoesNotMeetGoal: ",
			"broken.yaml:3:27: InvalidParameterValue: ",
			"b.md:17:8: InvalidParameterValue: the scenario file " + filepath.Join(".", "broken.yaml") + " has errors",
			".: 3 problems\n",
		} {
			if !strings.Contains(errOut, want) {
				t.Errorf("want %q in:\n%s", want, errOut)
			}
		}
	})
	t.Run("a directory that does not exist", func(t *testing.T) {
		_, errOut, code := sglab(t, t.TempDir(), "lessons", "validate", "nowhere")
		if code != 1 || !strings.HasPrefix(errOut, "nowhere: FileNotFound: ") {
			t.Errorf("exit %d, stderr:\n%s", code, errOut)
		}
	})
	t.Run("no directory given", func(t *testing.T) {
		_, errOut, code := sglab(t, ".", "lessons", "validate")
		if code != 2 || !strings.Contains(errOut, "missing DIR: the lesson pack to check\nUsage: sglab lessons validate DIR") {
			t.Errorf("exit %d, stderr:\n%s", code, errOut)
		}
	})
}

func TestPackFlag(t *testing.T) {
	dir := writePack(t, "http.md", packLesson, "start.yaml", packStart)
	got := listJSON(t, "--pack", dir)
	last := got[len(got)-1]
	if last.ID != "workshop-http" || last.Pack != dir || got[0].Pack != "built-in" {
		t.Errorf("the pack's lesson should come after the built-in ones: %+v", last)
	}
	out, _, _ := sglab(t, ".", "--pack", dir, "lessons", "list")
	if !strings.Contains(out, fmt.Sprintf("\nPack %s\n %2d  ○ not started  Open HTTP\n", dir, builtinLessons(t)+1)) {
		t.Errorf("text list:\n%s", out)
	}

	broken := writePack(t, "http.md", strings.Replace(packLesson, "title: Open HTTP\n", "", 1), "start.yaml", packStart)
	_, errOut, code := sglab(t, ".", "--pack", broken, "lessons", "list")
	if code != 2 || !strings.Contains(errOut, filepath.Join(broken, "http.md")+":2:1: MissingField: the front matter needs `title`") {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
}

func TestProgressCommand(t *testing.T) {
	course, _ := lessons.Builtin()
	first, fourth := course.Lessons[0], course.Lessons[3]
	c := fourth.Challenges[0]
	dir := saveProgress(t, func(p *lessons.Progress) {
		p.Open(first.ID)
		p.RecordAnswer(first.ID, first.Questions[0], first.Questions[0].Answer)
		p.Finish(first.ID)
		p.Open(fourth.ID)
		p.SetPage(fourth.ID, 1)
		p.RecordHint(fourth.ID, c.ID, 2)
		p.RecordSolutionShown(fourth.ID, c.ID)
	})

	out, errOut, code := sglab(t, ".", "--data-dir", dir, "progress")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	for _, want := range []string{
		fmt.Sprintf("Course: 1 of %d lessons done, 1 in progress.\n", len(course.Lessons)),
		`Next: lesson 4, "SSH from your computer only", page 2 of 3.`,
		"  1  ✓ done         " + first.Title + "\n                    page 1/3 · 0/1 challenge solved · 1/1 question right\n",
		"  4  ◐ in progress  " + fourth.Title + "\n                    page 2/3 · 0/1 challenge solved · 2 hints · 1 solution shown · 0/1 question right\n",
		"  5  ○ not started  ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in:\n%s", want, out)
		}
	}

	out, _, code = sglab(t, ".", "--data-dir", dir, "progress", "--json")
	var doc progressDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 {
		t.Fatalf("exit %d, %v:\n%s", code, err, out)
	}
	l4 := doc.Lessons[3]
	if doc.Total != len(course.Lessons) || doc.Done != 1 || doc.InProgress != 1 || doc.Resume == nil || *doc.Resume != (resumeJSON{Lesson: fourth.ID, Page: 2}) ||
		l4.Status != "in-progress" || l4.Page != 2 || len(l4.Challenges) != 1 || l4.Challenges[0].Hints != 2 || !l4.Challenges[0].SolutionShown ||
		!doc.Lessons[0].Questions[0].Correct || doc.Lessons[1].Status != "not-started" {
		t.Errorf("JSON: %+v", doc)
	}
}

func TestProgressOfANewcomer(t *testing.T) {
	out, errOut, code := sglab(t, ".", "--data-dir", filepath.Join(t.TempDir(), "new"), "progress")
	if code != 0 || errOut != "" || !strings.Contains(out, fmt.Sprintf("Course: 0 of %d lessons done, 0 in progress.\nNext: lesson 1, ", builtinLessons(t))) {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

func TestProgressFileProblems(t *testing.T) {
	t.Run("corrupt", func(t *testing.T) {
		dir := writePack(t, lessons.ProgressFile, "{ not json")
		out, errOut, code := sglab(t, ".", "--data-dir", dir, "progress")
		if code != 0 || !strings.Contains(out, fmt.Sprintf("0 of %d lessons done", builtinLessons(t))) ||
			!strings.HasPrefix(errOut, "sglab: warning: ") || !strings.Contains(errOut, "sglab starts clean") {
			t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
	})
	t.Run("from a newer sglab", func(t *testing.T) {
		dir := writePack(t, lessons.ProgressFile, `{"schema": 99, "data": {}}`)
		_, errOut, code := sglab(t, ".", "--data-dir", dir, "progress")
		if code != 2 || !strings.Contains(errOut, "written by a newer sglab") {
			t.Errorf("exit %d, stderr:\n%s", code, errOut)
		}
	})
}

// builtinLessons is the number of lessons in the built-in course.
func builtinLessons(t *testing.T) int {
	t.Helper()
	course, err := lessons.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return len(course.Lessons)
}
