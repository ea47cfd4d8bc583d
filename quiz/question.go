// Package quiz is sglab's quiz: a bank of port and concept questions,
// scenario questions generated from small random worlds and answered by the
// engine, the four modes (practice, drill, exam, review) as state machines
// that know nothing of the screen, and the learner's quiz history in the
// state store.
//
// Nothing here draws anything: the TUI and `sglab quiz --print` render the
// questions, tables and results this package computes.
package quiz

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// Topic is what a question is about.
type Topic string

// The topics, and AllTopics for a quiz that mixes them.
const (
	Ports     Topic = "ports"
	Concepts  Topic = "concepts"
	Scenarios Topic = "scenarios"
	AllTopics Topic = "all"
)

// Topics lists the topics in the order results show them.
var Topics = []Topic{Ports, Concepts, Scenarios}

// ParseTopic reads ports, concepts, scenarios or all.
func ParseTopic(s string) (Topic, error) {
	t := Topic(strings.ToLower(strings.TrimSpace(s)))
	if t == AllTopics || slices.Contains(Topics, t) {
		return t, nil
	}
	return "", fmt.Errorf("the topic is ports, concepts, scenarios or all, not %q", s)
}

// Kind is how a question is answered.
type Kind string

// The kinds of question.
const (
	Single    Kind = "single"    // pick the one right choice
	TrueFalse Kind = "truefalse" // a statement, True or False
	// Multi is the exam's multiple response: "Select TWO" (or THREE) of
	// five or more choices, scored all or nothing, as the exam scores it.
	Multi Kind = "multi"
	Typed Kind = "typed" // type the answer
)

var kinds = []Kind{Single, TrueFalse, Multi, Typed}

// Lessons are the ids of the course's lessons, in course order. Every
// question links to one, so that a learner who gets it wrong knows where
// the idea is taught.
var Lessons = []string{
	"a-firewall-around-your-instance",    // 1
	"inbound-and-outbound",               // 2
	"anatomy-of-a-rule",                  // 3
	"ssh-from-your-computer-only",        // 4
	"many-to-many",                       // 5
	"one-vpc-one-region",                 // 6
	"timeout-versus-refused",             // 7
	"keep-ssh-in-its-own-group",          // 8
	"referencing-security-groups",        // 9
	"the-ports-to-know",                  // 10
	"stateful",                           // 11
	"references-match-private-addresses", // 12
	"behind-a-load-balancer",             // 13
	"who-is-responsible-for-what",        // 14
	"security-groups-and-network-acls",   // 15
	"capstone-three-tiers",               // 16
}

// Question is one question of the bank or of the scenario generator.
type Question struct {
	// ID is stable across runs: the bank's own ids, and for generated
	// questions an id the generator can rebuild the question from, so that
	// review can bring a missed question back days later.
	ID     string
	Topic  Topic
	Kind   Kind
	Lesson string // a lesson id of Lessons
	Prompt string
	// Exhibit is what a scenario question shows before its prompt: the
	// machines and their security groups' rules, console style.
	Exhibit *Exhibit
	// Choices are the options of Single, TrueFalse and Multi questions, and
	// Correct the indices of the right ones: exactly one, except for Multi.
	// Why[k] says in one line why choice k is right or wrong; it is shown
	// beside the choice once the question is answered.
	Choices []string
	Correct []int
	Why     []string
	// Accept lists the answers a Typed question accepts; the first is the
	// one shown as the answer.
	Accept      []string
	Explanation string
	// Doc is the AWS documentation page the answer rests on.
	Doc string
	// Scenario is set on generated questions: the world and what each
	// choice stands for, so that anyone can re-check the answer.
	Scenario *Scenario
}

// Response is a learner's answer: the chosen indices, or the typed text.
type Response struct {
	Choices []int
	Text    string
}

// Empty reports whether nothing was chosen or typed.
func (r Response) Empty() bool { return len(r.Choices) == 0 && strings.TrimSpace(r.Text) == "" }

// Check reports whether r is the right answer: the one correct choice, the
// exact set for Multi, or an accepted variant of the typed answer.
func (q *Question) Check(r Response) bool {
	if q.Kind == Typed {
		return slices.ContainsFunc(q.Accept, func(a string) bool { return sameAnswer(a, r.Text) })
	}
	got := slices.Clone(r.Choices)
	slices.Sort(got)
	return slices.Equal(slices.Compact(got), q.Correct)
}

// ChoiceLabel is the letter a choice is shown with: A, B, C...
func ChoiceLabel(i int) string { return string(rune('A' + i)) }

// Select is how many choices a Multi question asks for (the exam's
// "Select TWO"), and 1 for the other kinds that have choices.
func (q *Question) Select() int {
	if q.Kind == Multi {
		return len(q.Correct)
	}
	return 1
}

// SelectText is the exam's instruction for a Multi question: "Select
// TWO.", or "" for other kinds.
func (q *Question) SelectText() string {
	if q.Kind != Multi {
		return ""
	}
	return "Select " + strings.ToUpper(numberWords[min(q.Select(), len(numberWords)-1)]) + "."
}

var numberWords = []string{"none", "one", "two", "three", "four", "five"}

// shuffled returns a copy of q with its choices in an order drawn from r,
// their explanations and the right answers following them. True/false
// keeps its order: True, then False.
func (q Question) shuffled(r *rng) Question {
	if q.Kind == TrueFalse || len(q.Choices) < 2 {
		return q
	}
	order := make([]int, len(q.Choices))
	for k := range order {
		order[k] = k
	}
	shuffle(r, order)
	choices, why := make([]string, len(order)), make([]string, len(order))
	var correct []int
	for k, i := range order {
		choices[k] = q.Choices[i]
		if i < len(q.Why) {
			why[k] = q.Why[i]
		}
		if slices.Contains(q.Correct, i) {
			correct = append(correct, k)
		}
	}
	q.Choices, q.Why, q.Correct = choices, why, correct
	return q
}

// AnswerText is the right answer as a learner reads it: "B) 22", or the
// typed answer.
func (q *Question) AnswerText() string {
	if q.Kind == Typed {
		return q.Accept[0]
	}
	return q.choicesText(q.Correct)
}

// ResponseText is what the learner answered, as text.
func (q *Question) ResponseText(r Response) string {
	if r.Empty() {
		return "(no answer)"
	}
	if q.Kind == Typed {
		return strings.TrimSpace(r.Text)
	}
	return q.choicesText(r.Choices)
}

func (q *Question) choicesText(idx []int) string {
	parts := make([]string, 0, len(idx))
	for _, i := range idx {
		if i >= 0 && i < len(q.Choices) {
			parts = append(parts, ChoiceLabel(i)+") "+q.Choices[i])
		}
	}
	return strings.Join(parts, "; ")
}

// sameAnswer reports whether a typed answer got says the same as want. A
// CIDR compares as a CIDR; anything else compares word by word, ignoring
// case, punctuation and filler words, so that "22", "port 22" and "22/tcp"
// are all 22, and "SSH", "ssh" and "the SSH protocol" are all SSH.
func sameAnswer(want, got string) bool {
	if p, err := netip.ParsePrefix(want); err == nil {
		g, err := netip.ParsePrefix(strings.Join(strings.Fields(got), ""))
		return err == nil && g == p
	}
	n := normalize(got)
	return n != "" && n == normalize(want)
}

// fillers are words that add nothing to a typed answer about a port or a
// protocol.
var fillers = []string{"a", "an", "the", "port", "tcp", "number", "protocol"}

// normalize reduces a typed answer to its significant words, lower case,
// splitting letters from digits so that "port22" reads as "port 22".
func normalize(s string) string {
	var words []string
	var cur []rune
	flush := func() {
		if w := string(cur); w != "" && !slices.Contains(fillers, w) {
			words = append(words, w)
		}
		cur = cur[:0]
	}
	for _, c := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(c) || unicode.IsDigit(c):
			if len(cur) > 0 && unicode.IsDigit(cur[len(cur)-1]) != unicode.IsDigit(c) {
				flush()
			}
			cur = append(cur, c)
		default:
			flush()
		}
	}
	flush()
	return strings.Join(words, " ")
}

// idPattern matches a question's id; compiled at first use, not at every
// start of sglab.
var idPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`) })

// Validate checks that a question can be asked and has exactly one right
// answer (or one right set): every problem found, joined.
func (q *Question) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !idPattern().MatchString(q.ID) {
		bad("id %q is not lower-case letters, digits and dashes", q.ID)
	}
	if !slices.Contains(Topics, q.Topic) {
		bad("topic %q is not ports, concepts or scenarios", q.Topic)
	}
	if !slices.Contains(Lessons, q.Lesson) {
		bad("lesson %q is not a lesson id", q.Lesson)
	}
	if strings.TrimSpace(q.Prompt) == "" {
		bad("the prompt is empty")
	}
	if strings.TrimSpace(q.Explanation) == "" {
		bad("the explanation is empty")
	}
	if !strings.HasPrefix(q.Doc, "https://docs.aws.amazon.com/") && !strings.HasPrefix(q.Doc, "https://aws.amazon.com/") {
		bad("doc %q is not a page of AWS's documentation", q.Doc)
	}
	switch q.Kind {
	case Typed:
		if len(q.Choices) > 0 || len(q.Correct) > 0 {
			bad("a typed question has no choices")
		}
		if len(q.Accept) == 0 {
			bad("a typed question accepts no answer")
		}
		for _, a := range q.Accept {
			if _, err := netip.ParsePrefix(a); err != nil && normalize(a) == "" {
				bad("accepted answer %q is only filler words and would never match", a)
			}
		}
	case Single, TrueFalse, Multi:
		q.validateChoices(bad)
	default:
		bad("kind %q is not single, truefalse, multi or typed", q.Kind)
	}
	return errors.Join(errs...)
}

func (q *Question) validateChoices(bad func(string, ...any)) {
	switch {
	case q.Kind == TrueFalse && !slices.Equal(q.Choices, trueFalse):
		bad("a true/false question's choices are True and False, not %q", q.Choices)
	case q.Kind == Multi && len(q.Choices) < 5:
		bad("a multiple-response question has at least 5 choices, as the exam's do, not %d", len(q.Choices))
	case len(q.Choices) < 2:
		bad("a question needs at least 2 choices, not %d", len(q.Choices))
	}
	if len(q.Why) != len(q.Choices) {
		bad("%d choices but %d explanations: every choice says why it is right or wrong", len(q.Choices), len(q.Why))
	}
	for k, w := range q.Why {
		if strings.TrimSpace(w) == "" {
			bad("choice %s has no explanation", ChoiceLabel(k))
		}
	}
	seen := map[string]bool{}
	for _, c := range q.Choices {
		key := strings.ToLower(strings.Join(strings.Fields(c), " "))
		switch {
		case key == "":
			bad("a choice is empty")
		case seen[key]:
			bad("choice %q appears twice", c)
		}
		seen[key] = true
	}
	if len(q.Accept) > 0 {
		bad("only typed questions accept typed answers")
	}
	if !slices.IsSorted(q.Correct) || len(slices.Compact(slices.Clone(q.Correct))) != len(q.Correct) {
		bad("the correct choices %v are not sorted and distinct", q.Correct)
	}
	for _, i := range q.Correct {
		if i < 0 || i >= len(q.Choices) {
			bad("correct choice %d is out of range", i)
		}
	}
	switch {
	case q.Kind == Multi && (len(q.Correct) < 2 || len(q.Correct) > 3):
		bad("a multiple-response question asks for two or three choices, not %d", len(q.Correct))
	case q.Kind != Multi && len(q.Correct) != 1:
		bad("a %s question needs exactly one correct choice, not %d", q.Kind, len(q.Correct))
	}
}

var trueFalse = []string{"True", "False"}
