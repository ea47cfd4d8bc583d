package quiz

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func ids(qs []Question) []string {
	out := make([]string, len(qs))
	for k, q := range qs {
		out[k] = q.ID
	}
	return out
}

// TestPickIsDeterministic: a seed fixes the questions and their order, so
// a whole class gets the same quiz.
func TestPickIsDeterministic(t *testing.T) {
	for _, topic := range append([]Topic{AllTopics}, Topics...) {
		a, err := Pick(topic, 20, 2024)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Pick(topic, 20, 2024)
		if !slices.EqualFunc(a, b, sameQuestion) {
			t.Errorf("%s: the same seed gave different quizzes:\n%v\n%v", topic, ids(a), ids(b))
		}
		c, _ := Pick(topic, 20, 2025)
		if slices.Equal(ids(a), ids(c)) {
			t.Errorf("%s: seeds 2024 and 2025 gave the same quiz", topic)
		}
		seen := map[string]bool{}
		for _, q := range a {
			if topic != AllTopics && q.Topic != topic {
				t.Errorf("%s: a %s question", topic, q.Topic)
			}
			if seen[q.ID] {
				t.Errorf("%s: %s asked twice", topic, q.ID)
			}
			seen[q.ID] = true
		}
	}
}

// TestPickMixesTopics: a quiz on all topics draws from each, and keeps
// going on the others when one runs out.
func TestPickMixesTopics(t *testing.T) {
	// Enough questions to empty both banks, whatever their size: the
	// topic of each is drawn among those left.
	n := min(200, 3*(Capacity(Ports)+Capacity(Concepts)))
	qs, err := Pick(AllTopics, n, 8)
	if err != nil {
		t.Fatal(err)
	}
	per := map[Topic]int{}
	seen := map[string]bool{}
	for _, q := range qs {
		per[q.Topic]++
		if seen[q.ID] {
			t.Errorf("%s asked twice", q.ID)
		}
		seen[q.ID] = true
	}
	if per[Ports] != Capacity(Ports) || per[Concepts] != Capacity(Concepts) || per[Scenarios] < 20 {
		t.Errorf("%d questions on all topics: %v", n, per)
	}
}

func TestPickLimits(t *testing.T) {
	if _, err := Pick(Ports, Capacity(Ports), 1); err != nil {
		t.Errorf("the whole ports bank: %v", err)
	}
	_, err := Pick(Ports, Capacity(Ports)+1, 1)
	if err == nil || !strings.Contains(err.Error(), "ask for") {
		t.Errorf("more ports questions than the bank has: %v", err)
	}
	if _, err := Pick(Scenarios, MaxCount+1, 1); err == nil {
		t.Error("more than MaxCount questions")
	}
	if _, err := Pick(Scenarios, 0, 1); err == nil {
		t.Error("zero questions")
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, tc := range []struct {
		o    Options
		want string // empty: valid
	}{
		{Options{Mode: ModeExam, Topic: AllTopics, Count: 20}, ""},
		{Options{Mode: ModePractice, Topic: Concepts, Count: Capacity(Concepts)}, ""},
		{Options{Mode: ModeDrill, Topic: Ports}, ""},
		{Options{Mode: ModeReview, Topic: AllTopics}, ""},
		{Options{Mode: ModeReview, Topic: Ports, Count: 5}, ""},
		{Options{Mode: ModeDrill, Topic: Ports, Count: 5}, "a drill runs against the clock"},
		{Options{Mode: ModeExam, Topic: Ports, Count: Capacity(Ports) + 1}, "the bank has"},
		{Options{Mode: ModeExam, Topic: AllTopics, Count: 0}, "1 to 200"},
		{Options{Mode: ModeReview, Topic: AllTopics, Count: -1}, "1 to 200"},
		{Options{Mode: "test", Topic: AllTopics, Count: 1}, `mode is practice, drill, exam or review, not "test"`},
		{Options{Mode: ModeExam, Topic: "vpc", Count: 1}, `topic is ports, concepts, scenarios or all, not "vpc"`},
	} {
		err := tc.o.Validate()
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: %v, want %q", tc.o, err, tc.want)
		}
	}
}

func TestDefaultCount(t *testing.T) {
	if DefaultCount(ModeExam) != 20 || DefaultCount(ModePractice) != 10 || DefaultCount(ModeDrill) != 0 || DefaultCount(ModeReview) != 0 {
		t.Error("wrong default counts")
	}
	if ExamTime(20).Minutes() != 30 {
		t.Errorf("a 20-question exam lasts %v", ExamTime(20))
	}
}

// TestSheet: the same seed prints the same sheet, byte for byte, with the
// questions first and the answer key after them.
func TestSheet(t *testing.T) {
	print := func(seed uint64, asJSON bool) string {
		t.Helper()
		s, err := NewSheet(AllTopics, 12, seed)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if asJSON {
			err = s.WriteJSON(&b)
		} else {
			err = s.WriteText(&b)
		}
		if err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	text, again := print(31, false), print(31, false)
	doc1, doc2 := print(31, true), print(31, true)
	if text != again || doc1 != doc2 {
		t.Error("the same seed printed two different sheets")
	}
	if text == print(32, false) {
		t.Error("seeds 31 and 32 printed the same sheet")
	}
	questions, key, ok := strings.Cut(text, "\nAnswer key\n")
	if !ok || !strings.HasPrefix(questions, "sglab quiz: 12 questions, topic all, seed 31\n") ||
		!strings.Contains(questions, "--print --topic all --count 12 --seed 31") ||
		!strings.Contains(questions, "\n12. [") || !strings.Contains(key, "\n12. ") {
		t.Errorf("sheet layout:\n%s", text)
	}
	if !strings.Contains(key, "   AWS docs: https://docs.aws.amazon.com/") {
		t.Errorf("the answer key names no AWS page:\n%s", key)
	}
	for _, line := range strings.Split(text, "\n") {
		if strings.HasSuffix(line, " ") {
			t.Errorf("trailing space: %q", line)
		}
	}

	var doc struct {
		Seed      uint64
		Questions []struct {
			Number      int
			ID, Kind    string
			Prompt      string
			Choices     []string
			Why         []string
			Select      int
			Doc         string
			Correct     []int
			Accept      []string
			Answer      string
			Explanation string
			Exhibit     *Exhibit
		}
	}
	if err := json.Unmarshal([]byte(doc1), &doc); err != nil {
		t.Fatal(err)
	}
	qs, _ := Pick(AllTopics, 12, 31)
	if doc.Seed != 31 || len(doc.Questions) != 12 {
		t.Fatalf("JSON sheet: seed %d, %d questions", doc.Seed, len(doc.Questions))
	}
	for k, jq := range doc.Questions {
		q := qs[k]
		if jq.Number != k+1 || jq.ID != q.ID || jq.Answer != q.AnswerText() || !slices.Equal(jq.Correct, q.Correct) ||
			jq.Explanation != q.Explanation || (jq.Exhibit != nil) != (q.Exhibit != nil) ||
			!slices.Equal(jq.Why, q.Why) || jq.Doc != q.Doc || jq.Doc == "" || jq.Select != map[bool]int{true: len(q.Correct)}[q.Kind == Multi] {
			t.Errorf("JSON question %d differs from the quiz's: %+v", k+1, jq)
		}
		if q.Kind == Typed && !slices.Equal(jq.Accept, q.Accept) {
			t.Errorf("JSON question %d accepts %v, want %v", k+1, jq.Accept, q.Accept)
		}
	}
}

func TestWrap(t *testing.T) {
	var b strings.Builder
	wrap(&b, strings.Repeat("word ", 40), "   ", "      ")
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "   word") || !strings.HasPrefix(lines[1], "      word") {
		t.Errorf("wrapped:\n%s", b.String())
	}
	for _, l := range lines {
		if len(l) > wrapWidth {
			t.Errorf("a line of %d characters: %q", len(l), l)
		}
	}
}
