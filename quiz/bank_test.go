package quiz

import (
	"github.com/sglab/sglab/lessons"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// TestBankIsValid loads the embedded bank, which checks every question,
// and checks that it covers what the course teaches.
func TestBankIsValid(t *testing.T) {
	b, err := loadBank(bankFiles)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[Topic]map[Kind]int{}
	lessons := map[string]bool{}
	for _, topic := range []Topic{Ports, Concepts} {
		kinds[topic] = map[Kind]int{}
		qs := b.byTopic[topic]
		// An exam of the default length on one topic must not run dry.
		if len(qs) < DefaultExamCount {
			t.Errorf("%s has %d questions, fewer than an exam's %d", topic, len(qs), DefaultExamCount)
		}
		for _, q := range qs {
			if err := q.Validate(); err != nil {
				t.Errorf("%s: %v", q.ID, err)
			}
			if strings.HasPrefix(q.ID, generatorVersion) {
				t.Errorf("%s: bank ids must not look like generated ones", q.ID)
			}
			kinds[topic][q.Kind]++
			lessons[q.Lesson] = true
		}
	}
	for topic, want := range map[Topic][]Kind{Ports: {Single, Typed, Multi, TrueFalse}, Concepts: {Single, TrueFalse, Multi}} {
		for _, k := range want {
			if kinds[topic][k] == 0 {
				t.Errorf("%s has no %s question", topic, k)
			}
		}
	}
	for _, l := range Lessons {
		if !lessons[l] {
			t.Errorf("no bank question links to lesson %s", l)
		}
	}
	// The trap the issue names: SFTP is SSH's port, not FTP's.
	q := b.byID["sftp-port"]
	if q.Topic != Ports || q.AnswerText() != "B) 22" || !slices.Contains(q.Choices, "21") || !strings.Contains(q.Why[0], "FTP") {
		t.Errorf("the SFTP trap is missing or wrong: %+v", q)
	}
}

// TestBankRejects feeds the loader broken banks: each must be refused with
// a message that says what is wrong.
func TestBankRejects(t *testing.T) {
	const doc = "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"
	ports := "topic: ports\ndoc: " + doc + "\nservices:\n" +
		"  - { name: FTP, port: 21 }\n  - { name: SSH, port: 22 }\n  - { name: SFTP, port: 22 }\n  - { name: RDP, port: 3389 }\n  - { name: HTTP, port: 80 }\n" +
		"questions:\n"
	concepts := "topic: concepts\ndoc: " + doc + "\nquestions:\n"
	// ch writes choices with their explanations.
	ch := func(texts ...string) string {
		var parts []string
		for _, s := range texts {
			parts = append(parts, "{ text: \""+s+"\", why: W }")
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	const tf = "why_true: T, why_false: F, "
	for _, tc := range []struct {
		name, file, want string
	}{
		{"answer not a choice", concepts + `  - { id: a, kind: single, lesson: a-firewall-around-your-instance, prompt: P, choices: ` + ch("x", "y") + `, answer: z, explanation: E }`,
			`answer "z" is not one of the choices`},
		{"duplicate choices", concepts + `  - { id: a, kind: single, lesson: a-firewall-around-your-instance, prompt: P, choices: ` + ch("x", " X ") + `, answer: x, explanation: E }`,
			`appears twice`},
		{"a choice without its why", concepts + `  - { id: a, kind: single, lesson: a-firewall-around-your-instance, prompt: P, choices: [{ text: x, why: W }, { text: y }], answer: x, explanation: E }`,
			`choice B has no explanation`},
		{"a true/false without its whys", concepts + `  - { id: a, kind: truefalse, lesson: a-firewall-around-your-instance, prompt: P, answer: true, why_true: T, explanation: E }`,
			`choice B has no explanation`},
		{"whys for true and false on a single", concepts + `  - { id: a, kind: single, lesson: a-firewall-around-your-instance, prompt: P, choices: ` + ch("x", "y") + `, answer: x, ` + tf + `explanation: E }`,
			"only a true/false question has `why_true`"},
		{"no doc", "topic: concepts\nquestions:\n" + `  - { id: a, kind: truefalse, lesson: a-firewall-around-your-instance, prompt: P, answer: true, ` + tf + `explanation: E }`,
			`doc "" is not a page of AWS's documentation`},
		{"a doc elsewhere", concepts + `  - { id: a, kind: truefalse, lesson: a-firewall-around-your-instance, prompt: P, answer: true, ` + tf + `explanation: E, doc: "https://example.com/aws" }`,
			`is not a page of AWS's documentation`},
		{"no explanation", concepts + `  - { id: a, kind: single, lesson: a-firewall-around-your-instance, prompt: P, choices: ` + ch("x", "y") + `, answer: x }`,
			`explanation is empty`},
		{"no prompt", concepts + `  - { id: a, kind: single, lesson: a-firewall-around-your-instance, choices: ` + ch("x", "y") + `, answer: x, explanation: E }`,
			`prompt is empty`},
		{"unknown lesson", concepts + `  - { id: a, kind: single, lesson: nat-gateways, prompt: P, choices: ` + ch("x", "y") + `, answer: x, explanation: E }`,
			`lesson "nat-gateways" is not a lesson id`},
		{"two answers to a single", concepts + `  - { id: a, kind: single, lesson: a-firewall-around-your-instance, prompt: P, choices: ` + ch("x", "y") + `, answers: [x, y], explanation: E }`,
			"only a multi question has `answers`"},
		{"answer on a multi", concepts + `  - { id: a, kind: multi, lesson: a-firewall-around-your-instance, prompt: P, choices: ` + ch("v", "w", "x", "y", "z") + `, answer: x, explanation: E }`,
			"not `answer`"},
		{"choices on a true/false", concepts + `  - { id: a, kind: truefalse, lesson: a-firewall-around-your-instance, prompt: P, choices: ` + ch("Yes", "No") + `, answer: true, explanation: E }`,
			"has no `choices`"},
		{"multi with one answer", concepts + `  - { id: a, kind: multi, lesson: a-firewall-around-your-instance, prompt: P, choices: ` + ch("v", "w", "x", "y", "z") + `, answers: [x], explanation: E }`,
			`asks for two or three choices, not 1`},
		{"multi with four choices", concepts + `  - { id: a, kind: multi, lesson: a-firewall-around-your-instance, prompt: P, choices: ` + ch("w", "x", "y", "z") + `, answers: [x, y], explanation: E }`,
			`at least 5 choices`},
		{"true/false answer", concepts + `  - { id: a, kind: truefalse, lesson: a-firewall-around-your-instance, prompt: P, answer: maybe, ` + tf + `explanation: E }`,
			`true or false, not "maybe"`},
		{"typed answer of filler words", concepts + `  - { id: a, kind: typed, lesson: a-firewall-around-your-instance, prompt: P, answer: the port, explanation: E }`,
			`only filler words`},
		{"unknown kind", concepts + `  - { id: a, kind: essay, lesson: a-firewall-around-your-instance, prompt: P, answer: x, explanation: E }`,
			`kind "essay"`},
		{"bad id", concepts + `  - { id: "Bad Id", kind: truefalse, lesson: a-firewall-around-your-instance, prompt: P, answer: true, ` + tf + `explanation: E }`,
			`is not lower-case letters`},
		{"duplicate id", concepts +
			"  - { id: a, kind: truefalse, lesson: a-firewall-around-your-instance, prompt: P, answer: true, " + tf + "explanation: E }\n" +
			"  - { id: a, kind: truefalse, lesson: a-firewall-around-your-instance, prompt: Q, answer: true, " + tf + "explanation: E }",
			`the id is used twice`},
		{"typo in a key", concepts + `  - { id: a, kind: truefalse, lesson: a-firewall-around-your-instance, prompt: P, answer: true, ` + tf + `explanaton: E }`,
			`unknown field "explanaton"`},
		{"generated topic", "topic: scenarios\nquestions: []\n", `scenario questions are generated`},
		{"wrong port for a service", ports + `  - { id: a, kind: single, lesson: the-ports-to-know, asks: port, service: SFTP, prompt: P, choices: ` + ch("21", "80") + `, answer: "21", explanation: E }`,
			`the service table makes`},
		{"two right services", ports + `  - { id: a, kind: single, lesson: the-ports-to-know, asks: service, port: 22, prompt: P, choices: ` + ch("SSH", "SFTP", "FTP") + `, answer: SSH, explanation: E }`,
			`the service table makes A) SSH; B) SFTP right`},
		{"a right service missing from a multi", ports + `  - { id: a, kind: multi, lesson: ports, asks: service, port: 22, prompt: P, choices: ` + ch("SSH", "SFTP", "FTP", "RDP", "HTTP") + `, answers: [SSH, FTP], explanation: E }`,
			`the service table makes`},
		{"typed port disagrees", ports + `  - { id: a, kind: typed, lesson: ports, asks: port, service: SFTP, prompt: P, answer: "21", explanation: E }`,
			`the table says SFTP uses port 22, not 21`},
		{"typed service disagrees", ports + `  - { id: a, kind: typed, lesson: ports, asks: service, port: 21, prompt: P, answer: SSH, explanation: E }`,
			`no service "SSH" on port 21`},
		{"unknown service", ports + `  - { id: a, kind: single, lesson: the-ports-to-know, asks: port, service: Gopher, prompt: P, choices: ` + ch("70", "80") + `, answer: "70", explanation: E }`,
			`service "Gopher" is not in the service table`},
		{"facts on a concept", concepts + `  - { id: a, kind: single, lesson: the-ports-to-know, asks: port, service: SSH, prompt: P, choices: ` + ch("22", "80") + `, answer: "22", explanation: E }`,
			`only ports questions use asks`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadBank(fstest.MapFS{"bank/test.yaml": {Data: []byte(tc.file)}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestBankLengthBias: the right answer of a single-choice question is not
// the one to guess by its length. With four choices, chance is a quarter;
// the bank must stay close to it.
func TestBankLengthBias(t *testing.T) {
	longest, total := 0, 0
	for _, q := range theBank().byID {
		if q.Kind != Single {
			continue
		}
		total++
		if isLongest(q.Choices, q.Correct[0]) {
			longest++
			t.Logf("%s: the right answer is the longest", q.ID)
		}
	}
	if share := float64(longest) / float64(total); share > 0.3 {
		t.Errorf("the right answer is the longest choice in %d of %d single-choice questions (%.0f%%), more than 30%%", longest, total, 100*share)
	}
}

// isLongest reports whether choice i is strictly longer than every other.
func isLongest(choices []string, i int) bool {
	for k, c := range choices {
		if k != i && len(c) >= len(choices[i]) {
			return false
		}
	}
	return true
}

// TestEveryQuestionSetsItsOwnScene: a question is asked alone (shuffled
// into a quiz, brought back by review days later), so it never leans on
// another one.
func TestEveryQuestionSetsItsOwnScene(t *testing.T) {
	for _, q := range theBank().byID {
		for _, lean := range []string{"same situation", "as above", "previous question", "the same instance"} {
			if strings.Contains(strings.ToLower(q.Prompt), lean) {
				t.Errorf("%s leans on another question: %q", q.ID, q.Prompt)
			}
		}
	}
}

// TestChoicesAreShuffledPerSeed: the bank's order of choices is not the
// order a learner sees, and the right answer's position varies with the
// seed; true/false stays True, False.
func TestChoicesAreShuffledPerSeed(t *testing.T) {
	positions := map[int]int{}
	n := 0
	for seed := range uint64(200) {
		qs, err := Pick(Concepts, 10, seed)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			bankQ := theBank().byID[q.ID]
			if q.Kind == TrueFalse && !slices.Equal(q.Choices, trueFalse) {
				t.Fatalf("%s: a true/false question was shuffled: %v", q.ID, q.Choices)
			}
			if q.Kind != Single {
				continue
			}
			n++
			positions[q.Correct[0]]++
			right := bankQ.Choices[bankQ.Correct[0]]
			if q.Choices[q.Correct[0]] != right || q.Why[q.Correct[0]] != bankQ.Why[bankQ.Correct[0]] {
				t.Fatalf("%s: the shuffle lost the answer or its explanation", q.ID)
			}
		}
	}
	for pos := range 4 {
		if share := float64(positions[pos]) / float64(n); share < 0.15 || share > 0.35 {
			t.Errorf("the right answer is choice %s in %.0f%% of single-choice questions", ChoiceLabel(pos), 100*share)
		}
	}
}

// TestBankDerivesTypedServiceAnswers: a typed "which service is on port N"
// accepts every name of every service the table puts on N.
func TestBankDerivesTypedServiceAnswers(t *testing.T) {
	q := theBank().byID["port-22-typed"]
	for _, ok := range []string{"SSH", "secure shell", "SFTP", "ssh file transfer protocol"} {
		if !q.Check(Response{Text: ok}) {
			t.Errorf("%q is not accepted for port 22", ok)
		}
	}
	if q.Check(Response{Text: "FTP"}) {
		t.Error("FTP is accepted for port 22")
	}
}

func TestTypedAnswers(t *testing.T) {
	for _, tc := range []struct {
		accept   []string
		yes, not []string
	}{
		{[]string{"22"}, []string{"22", " port 22 ", "22/tcp", "TCP 22", "port22", "Port: 22."}, []string{"21", "222", "udp 22", "", "port", "22 23"}},
		{[]string{"SSH", "Secure Shell"}, []string{"ssh", "SSH", "the SSH protocol", "secure-shell"}, []string{"sh", "ftp", "ssh2"}},
		{[]string{"HTTPS", "HTTP over TLS"}, []string{"https", "http over tls"}, []string{"http", "tls"}},
		{[]string{"0.0.0.0/0"}, []string{"0.0.0.0/0", " 0.0.0.0 / 0 "}, []string{"0.0.0.0", "0.0.0.0/32", "::/0", "anywhere", "0.0.0.0.0"}},
	} {
		q := Question{Kind: Typed, Accept: tc.accept}
		for _, s := range tc.yes {
			if !q.Check(Response{Text: s}) {
				t.Errorf("%v does not accept %q", tc.accept, s)
			}
		}
		for _, s := range tc.not {
			if q.Check(Response{Text: s}) {
				t.Errorf("%v accepts %q", tc.accept, s)
			}
		}
	}
}

func TestCheckChoices(t *testing.T) {
	multi := Question{Kind: Multi, Choices: []string{"a", "b", "c", "d", "e"}, Correct: []int{0, 2}}
	if multi.Select() != 2 || multi.SelectText() != "Select TWO." {
		t.Errorf("multi asks %d: %q", multi.Select(), multi.SelectText())
	}
	for _, tc := range []struct {
		got  []int
		want bool
	}{
		{[]int{0, 2}, true},
		{[]int{2, 0}, true},
		{[]int{2, 0, 2}, true}, // a choice ticked twice is still one choice
		{[]int{0}, false},
		{[]int{0, 1, 2}, false},
		{nil, false},
	} {
		if got := multi.Check(Response{Choices: tc.got}); got != tc.want {
			t.Errorf("multi %v: %v, want %v", tc.got, got, tc.want)
		}
	}
	single := Question{Kind: Single, Choices: []string{"a", "b"}, Correct: []int{1}}
	if !single.Check(Response{Choices: []int{1}}) || single.Check(Response{Choices: []int{0}}) || single.Check(Response{Choices: []int{0, 1}}) {
		t.Error("a single-choice question is checked wrong")
	}
	if got := multi.AnswerText(); got != "A) a; C) c" {
		t.Errorf("AnswerText = %q", got)
	}
	if got := multi.ResponseText(Response{}); got != "(no answer)" {
		t.Errorf("ResponseText of nothing = %q", got)
	}
}

func TestParseTopicAndMode(t *testing.T) {
	for _, s := range []string{"ports", "Concepts", " scenarios ", "all"} {
		if _, err := ParseTopic(s); err != nil {
			t.Error(err)
		}
	}
	if _, err := ParseTopic("nat"); err == nil || !strings.Contains(err.Error(), `not "nat"`) {
		t.Errorf("ParseTopic(nat) = %v", err)
	}
	for _, s := range []string{"practice", "drill", "EXAM", "review"} {
		if _, err := ParseMode(s); err != nil {
			t.Error(err)
		}
	}
	if _, err := ParseMode("test"); err == nil {
		t.Error("ParseMode(test) succeeded")
	}
}

// TestLessonsAndBankDoNotRepeat: a learner who has just answered a
// lesson's check question does not meet it again, reworded a little, in
// the quiz. Questions are compared by the words of their prompt and right
// answer.
func TestLessonsAndBankDoNotRepeat(t *testing.T) {
	// The measure must catch the pair this test was written for: lesson 2's
	// question and the bank's old new-group-defaults.
	if sim := jaccard(contentWords("You create a security group, add no rules, and attach it to an instance. What can the instance do? Nothing can come in, and the instance can start connections to anywhere."),
		contentWords("You create a new security group and add no rules. What does it allow? Nothing in; all traffic out")); sim <= 0.34 {
		t.Fatalf("the measure misses a known duplicate (%.2f)", sim)
	}
	course, err := lessons.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range course.Lessons {
		for _, lq := range l.Questions {
			a := contentWords(lq.Prompt + " " + lq.Choices[lq.Answer])
			for _, bq := range theBank().byID {
				b := contentWords(bq.Prompt + " " + bq.AnswerText())
				if sim := jaccard(a, b); sim > 0.34 {
					t.Errorf("%s/%s and the bank's %s are near duplicates (%.2f):\n  %s\n  %s", l.ID, lq.ID, bq.ID, sim, lq.Prompt, bq.Prompt)
				}
			}
		}
	}
}

// contentWords are the words of s that carry meaning, lower case.
func contentWords(s string) map[string]bool {
	stop := map[string]bool{"a": true, "an": true, "the": true, "to": true, "of": true, "is": true, "it": true, "in": true, "on": true,
		"and": true, "or": true, "for": true, "from": true, "what": true, "which": true, "does": true, "do": true, "you": true,
		"your": true, "its": true, "with": true, "that": true, "this": true, "by": true, "at": true, "be": true, "can": true, "b": true, "c": true, "d": true}
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '/' || r == '.')
	}) {
		if w = strings.Trim(w, "."); w != "" && !stop[w] {
			out[w] = true
		}
	}
	return out
}

func jaccard(a, b map[string]bool) float64 {
	both := 0
	for w := range a {
		if b[w] {
			both++
		}
	}
	if all := len(a) + len(b) - both; all > 0 {
		return float64(both) / float64(all)
	}
	return 0
}
