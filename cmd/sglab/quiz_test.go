package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/sglab/sglab/quiz"
)

// runQuiz runs `sglab quiz ...` in process.
func runQuiz(args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	code = run(append([]string{"quiz"}, args...), &out, &errOut)
	return out.String(), errOut.String(), code
}

// TestQuizPrintIsReproducible: the same seed prints the same sheet, byte
// for byte, in text and in JSON; another seed another sheet.
func TestQuizPrintIsReproducible(t *testing.T) {
	for _, format := range [][]string{nil, {"--json"}} {
		args := append([]string{"--print", "--topic", "all", "--count", "8", "--seed", "4242"}, format...)
		a, errA, codeA := runQuiz(args...)
		b, _, codeB := runQuiz(args...)
		if codeA != 0 || codeB != 0 || errA != "" {
			t.Fatalf("%v: exit %d, %d: %s", args, codeA, codeB, errA)
		}
		if a != b {
			t.Errorf("%v printed two different sheets", args)
		}
		other, _, _ := runQuiz(append([]string{"--print", "--topic", "all", "--count", "8", "--seed", "4243"}, format...)...)
		if other == a {
			t.Errorf("seeds 4242 and 4243 printed the same sheet")
		}
	}
	text, _, _ := runQuiz("--print", "--count", "8", "--seed", "4242")
	if !strings.HasPrefix(text, "sglab quiz: 8 questions, topic all, seed 4242\n") || !strings.Contains(text, "\nAnswer key\n") {
		t.Errorf("the sheet's head or answer key is missing:\n%s", text)
	}
}

func TestQuizPrintJSON(t *testing.T) {
	out, _, code := runQuiz("--print", "--json", "--topic", "ports", "--count", "5", "--seed", "9")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var doc struct {
		Topic     string
		Count     int
		Seed      uint64
		Questions []struct {
			ID, Topic, Kind, Lesson, Prompt, Answer, Explanation string
			Choices                                              []string
			Correct                                              []int
			Accept                                               []string
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if doc.Topic != "ports" || doc.Count != 5 || doc.Seed != 9 || len(doc.Questions) != 5 {
		t.Fatalf("sheet %+v", doc)
	}
	for _, q := range doc.Questions {
		if q.Topic != "ports" || q.Prompt == "" || q.Explanation == "" || q.Lesson == "" || q.Answer == "" {
			t.Errorf("question %+v", q)
		}
		if (q.Kind == "typed") != (len(q.Accept) > 0) || (q.Kind == "typed") == (len(q.Correct) > 0) {
			t.Errorf("%s: a %s question with correct %v and accept %v", q.ID, q.Kind, q.Correct, q.Accept)
		}
	}
}

// TestQuizPrintDefaults: no --count prints an exam's worth, and no --seed
// picks one and says which, so the sheet can be printed again.
func TestQuizPrintDefaults(t *testing.T) {
	out, _, code := runQuiz("--print")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var seed uint64
	if _, err := fmt.Sscanf(out, "sglab quiz: 20 questions, topic all, seed %d\n", &seed); err != nil {
		t.Fatalf("the first line does not give the seed: %v\n%s", err, out)
	}
	again, _, _ := runQuiz("--print", "--seed", strconv.FormatUint(seed, 10))
	if again != out {
		t.Error("printing again with the announced seed gave another sheet")
	}
}

func TestQuizMisuse(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--mode", "bogus"}, `--mode is practice, drill, exam or review, not "bogus"`},
		{[]string{"--topic", "nat"}, `--topic is ports, concepts, scenarios or all, not "nat"`},
		{[]string{"--print", "--topic", "nat"}, `--topic is ports, concepts, scenarios or all, not "nat"`},
		{[]string{"--count", "0"}, "--count: the number of questions is 1 to 200, not 0"},
		{[]string{"--print", "--count", "0"}, "--count: the number of questions is 1 to 200, not 0"},
		{[]string{"--count", "500", "--topic", "scenarios"}, "1 to 200"},
		{[]string{"--count", "abc"}, `--count: "abc" is not a whole number`},
		{[]string{"--seed", "-3"}, `--seed: "-3" is not a whole number, 0 or more`},
		{[]string{"--print", "--topic", "concepts", "--count", "60"}, "ask for"},
		{[]string{"--mode", "exam", "--topic", "ports", "--count", "60"}, "the bank has"},
		{[]string{"--json"}, "--json goes with --print"},
		{[]string{"--print", "--mode", "exam"}, "--mode does not go with --print"},
		{[]string{"--mode", "drill", "--count", "5"}, "--count does not go with --mode drill"},
		{[]string{"--mode", "review", "--seed", "3"}, "--seed does not go with --mode review"},
		{[]string{"extra"}, `quiz takes no arguments, but was given "extra"`},
	} {
		out, errOut, code := runQuiz(tc.args...)
		if code != exitInvalid || out != "" || !strings.Contains(errOut, tc.want) {
			t.Errorf("sglab quiz %v: exit %d, stdout %q, stderr %q; want exit 2 and %q", tc.args, code, out, errOut, tc.want)
		}
	}
}

// TestQuizOpensTheTUI: without --print the checked options go to the TUI
// hook, defaults filled in; without a terminal the command says what to
// do instead.
func TestQuizOpensTheTUI(t *testing.T) {
	_, errOut, code := runQuiz("--mode", "exam", "--data-dir", t.TempDir())
	if code != exitInvalid || !strings.Contains(errOut, "needs a terminal") || !strings.Contains(errOut, "sglab quiz --print") {
		t.Errorf("without a terminal: exit %d, %q", code, errOut)
	}

	saved := openQuiz
	t.Cleanup(func() { openQuiz = saved })
	var got quiz.Options
	var gotDataDir string
	openQuiz = func(cmd *cobra.Command, o *tuiOptions, opts quiz.Options) error {
		got, gotDataDir = opts, o.dataDir
		return nil
	}
	for _, tc := range []struct {
		args []string
		want quiz.Options
	}{
		{[]string{"--mode", "exam", "--seed", "7"}, quiz.Options{Mode: quiz.ModeExam, Topic: quiz.AllTopics, Count: 20, Seed: 7}},
		{[]string{"--seed", "7"}, quiz.Options{Mode: quiz.ModePractice, Topic: quiz.AllTopics, Count: 10, Seed: 7}},
		{[]string{"--mode", "drill", "--topic", "ports", "--seed", "1"}, quiz.Options{Mode: quiz.ModeDrill, Topic: quiz.Ports, Seed: 1}},
		{[]string{"--mode", "exam", "--topic", "scenarios", "--count", "5", "--seed", "3"}, quiz.Options{Mode: quiz.ModeExam, Topic: quiz.Scenarios, Count: 5, Seed: 3}},
	} {
		got = quiz.Options{}
		if _, errOut, code := runQuiz(tc.args...); code != 0 || got != tc.want {
			t.Errorf("sglab quiz %v: exit %d (%s), options %+v, want %+v", tc.args, code, errOut, got, tc.want)
		}
	}
	got = quiz.Options{}
	if _, _, code := runQuiz("--mode", "review", "--data-dir", "/some/dir"); code != 0 || got.Mode != quiz.ModeReview || got.Count != 0 || gotDataDir != "/some/dir" {
		t.Errorf("review: exit %d, options %+v, data dir %q", code, got, gotDataDir)
	}
}
