package quiz

import (
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
	if q.Topic != Ports || q.AnswerText() != "B) 22" || !slices.Contains(q.Choices, "21") {
		t.Errorf("the SFTP trap is missing or wrong: %+v", q)
	}
}

// TestBankRejects feeds the loader broken banks: each must be refused with
// a message that says what is wrong.
func TestBankRejects(t *testing.T) {
	ports := "topic: ports\nservices:\n" +
		"  - { name: FTP, port: 21 }\n  - { name: SSH, port: 22 }\n  - { name: SFTP, port: 22 }\n  - { name: RDP, port: 3389 }\n" +
		"questions:\n"
	concepts := "topic: concepts\nquestions:\n"
	for _, tc := range []struct {
		name, file, want string
	}{
		{"answer not a choice", concepts + `  - { id: a, kind: single, lesson: a-firewall-around-your-instance, prompt: P, choices: [x, y], answer: z, explanation: E }`,
			`answer "z" is not one of the choices`},
		{"duplicate choices", concepts + `  - { id: a, kind: single, lesson: a-firewall-around-your-instance, prompt: P, choices: [x, " X "], answer: x, explanation: E }`,
			`appears twice`},
		{"no explanation", concepts + `  - { id: a, kind: single, lesson: a-firewall-around-your-instance, prompt: P, choices: [x, y], answer: x }`,
			`explanation is empty`},
		{"no prompt", concepts + `  - { id: a, kind: single, lesson: a-firewall-around-your-instance, choices: [x, y], answer: x, explanation: E }`,
			`prompt is empty`},
		{"unknown lesson", concepts + `  - { id: a, kind: single, lesson: nat-gateways, prompt: P, choices: [x, y], answer: x, explanation: E }`,
			`lesson "nat-gateways" is not a lesson id`},
		{"two answers to a single", concepts + `  - { id: a, kind: single, lesson: a-firewall-around-your-instance, prompt: P, choices: [x, y], answers: [x, y], explanation: E }`,
			"only a multi question has `answers`"},
		{"answer on a multi", concepts + `  - { id: a, kind: multi, lesson: a-firewall-around-your-instance, prompt: P, choices: [x, y, z], answer: x, explanation: E }`,
			"not `answer`"},
		{"choices on a true/false", concepts + `  - { id: a, kind: truefalse, lesson: a-firewall-around-your-instance, prompt: P, choices: [Yes, No], answer: true, explanation: E }`,
			"has no `choices`"},
		{"multi without answers", concepts + `  - { id: a, kind: multi, lesson: a-firewall-around-your-instance, prompt: P, choices: [x, y, z], explanation: E }`,
			`at least one correct choice`},
		{"true/false answer", concepts + `  - { id: a, kind: truefalse, lesson: a-firewall-around-your-instance, prompt: P, answer: maybe, explanation: E }`,
			`true or false, not "maybe"`},
		{"typed answer of filler words", concepts + `  - { id: a, kind: typed, lesson: a-firewall-around-your-instance, prompt: P, answer: the port, explanation: E }`,
			`only filler words`},
		{"unknown kind", concepts + `  - { id: a, kind: essay, lesson: a-firewall-around-your-instance, prompt: P, answer: x, explanation: E }`,
			`kind "essay"`},
		{"bad id", concepts + `  - { id: "Bad Id", kind: truefalse, lesson: a-firewall-around-your-instance, prompt: P, answer: true, explanation: E }`,
			`is not lower-case letters`},
		{"duplicate id", concepts +
			"  - { id: a, kind: truefalse, lesson: a-firewall-around-your-instance, prompt: P, answer: true, explanation: E }\n" +
			"  - { id: a, kind: truefalse, lesson: a-firewall-around-your-instance, prompt: Q, answer: true, explanation: E }",
			`the id is used twice`},
		{"typo in a key", concepts + `  - { id: a, kind: truefalse, lesson: a-firewall-around-your-instance, prompt: P, answer: true, explanaton: E }`,
			`unknown field "explanaton"`},
		{"generated topic", "topic: scenarios\nquestions: []\n", `scenario questions are generated`},
		{"wrong port for a service", ports + `  - { id: a, kind: single, lesson: the-ports-to-know, asks: port, service: SFTP, prompt: P, choices: ["21", "80"], answer: "21", explanation: E }`,
			`the service table makes`},
		{"two right services", ports + `  - { id: a, kind: single, lesson: the-ports-to-know, asks: service, port: 22, prompt: P, choices: [SSH, SFTP, FTP], answer: SSH, explanation: E }`,
			`the service table makes A) SSH; B) SFTP right`},
		{"a right service missing from a multi", ports + `  - { id: a, kind: multi, lesson: ports, asks: service, port: 22, prompt: P, choices: [SSH, SFTP, FTP], answers: [SSH], explanation: E }`,
			`the service table makes`},
		{"typed port disagrees", ports + `  - { id: a, kind: typed, lesson: ports, asks: port, service: SFTP, prompt: P, answer: "21", explanation: E }`,
			`the table says SFTP uses port 22, not 21`},
		{"typed service disagrees", ports + `  - { id: a, kind: typed, lesson: ports, asks: service, port: 21, prompt: P, answer: SSH, explanation: E }`,
			`no service "SSH" on port 21`},
		{"unknown service", ports + `  - { id: a, kind: single, lesson: the-ports-to-know, asks: port, service: Gopher, prompt: P, choices: ["70", "80"], answer: "70", explanation: E }`,
			`service "Gopher" is not in the service table`},
		{"facts on a concept", concepts + `  - { id: a, kind: single, lesson: the-ports-to-know, asks: port, service: SSH, prompt: P, choices: ["22", "80"], answer: "22", explanation: E }`,
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
	multi := Question{Kind: Multi, Choices: []string{"a", "b", "c", "d"}, Correct: []int{0, 2}}
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
