package quiz

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"
)

// The bank is data: one YAML file per topic in bank/, written to be read
// by instructors. The loader turns each entry into a Question and refuses
// the whole bank if any entry is wrong, so a broken bank fails the tests
// instead of reaching a learner.
//
//go:embed bank/*.yaml
var bankFiles embed.FS

// bankFile is one file of the bank.
type bankFile struct {
	Topic Topic `yaml:"topic"`
	// Doc is the AWS page a question rests on when it names none.
	Doc string `yaml:"doc"`
	// Services is the port table the ports questions are checked against.
	Services  []service   `yaml:"services"`
	Questions []bankEntry `yaml:"questions"`
}

type service struct {
	Name    string   `yaml:"name"`
	Port    int      `yaml:"port"`
	Aliases []string `yaml:"aliases"`
}

// bankEntry is a question as the bank writes it: answers by their text,
// not their position, so that reordering choices cannot break a question.
type bankEntry struct {
	ID     string `yaml:"id"`
	Kind   Kind   `yaml:"kind"`
	Lesson string `yaml:"lesson"`
	// Asks marks a ports question whose answer follows from the service
	// table: "port" (the port of Service) or "service" (the services on
	// Port). The loader checks the stated answer against the table.
	Asks        string       `yaml:"asks"`
	Service     string       `yaml:"service"`
	Port        int          `yaml:"port"`
	Prompt      string       `yaml:"prompt"`
	Choices     []bankChoice `yaml:"choices"`
	Answer      string       `yaml:"answer"`  // single, truefalse, typed
	Answers     []string     `yaml:"answers"` // multi
	Accept      []string     `yaml:"accept"`  // typed: more accepted spellings
	Explanation string       `yaml:"explanation"`
	// WhyTrue and WhyFalse explain a true/false question's two answers.
	WhyTrue  string `yaml:"why_true"`
	WhyFalse string `yaml:"why_false"`
	Doc      string `yaml:"doc"`
}

// bankChoice is one choice and the line that says why it is right or
// wrong.
type bankChoice struct {
	Text string `yaml:"text"`
	Why  string `yaml:"why"`
}

// bank is the loaded question bank.
type bank struct {
	byTopic map[Topic][]Question
	byID    map[string]Question
}

// theBank is the embedded bank, loaded once. The tests load the same files,
// so an invalid bank never ships; a panic here means the binary was built
// from files the tests rejected.
var theBank = sync.OnceValue(func() *bank {
	b, err := loadBank(bankFiles)
	if err != nil {
		panic("quiz: the embedded question bank is invalid: " + err.Error())
	}
	return b
})

// loadBank reads every bank/*.yaml of fsys and reports every problem found.
func loadBank(fsys fs.FS) (*bank, error) {
	names, err := fs.Glob(fsys, "bank/*.yaml")
	if err != nil {
		return nil, err
	}
	b := &bank{byTopic: map[Topic][]Question{}, byID: map[string]Question{}}
	var errs []error
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var f bankFile
		if err := yaml.UnmarshalWithOptions(data, &f, yaml.DisallowUnknownField()); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		if f.Topic != Ports && f.Topic != Concepts {
			errs = append(errs, fmt.Errorf("%s: topic %q is not ports or concepts (scenario questions are generated)", name, f.Topic))
			continue
		}
		for _, e := range f.Questions {
			if e.Doc == "" {
				e.Doc = f.Doc
			}
			q, err := e.question(f.Topic, f.Services)
			if err == nil {
				err = q.Validate()
			}
			if err == nil && b.byID[q.ID].ID != "" {
				err = errors.New("the id is used twice")
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: question %q: %w", path.Base(name), e.ID, err))
				continue
			}
			b.byID[q.ID] = q
			b.byTopic[q.Topic] = append(b.byTopic[q.Topic], q)
		}
	}
	if len(b.byID) == 0 && len(errs) == 0 {
		errs = append(errs, errors.New("the bank has no questions"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return b, nil
}

// question turns an entry into a Question, checking a ports question's
// answer against the service table.
func (e bankEntry) question(topic Topic, services []service) (Question, error) {
	q := Question{ID: e.ID, Topic: topic, Kind: e.Kind, Lesson: e.Lesson, Prompt: e.Prompt,
		Explanation: e.Explanation, Doc: e.Doc}
	for _, c := range e.Choices {
		q.Choices = append(q.Choices, c.Text)
		q.Why = append(q.Why, c.Why)
	}
	if !slices.Contains(kinds, e.Kind) {
		return q, fmt.Errorf("kind %q is not single, truefalse, multi or typed", e.Kind)
	}
	answers := e.Answers
	switch {
	case e.Kind == Multi && e.Answer != "":
		return q, errors.New("a multi question lists its right choices in `answers`, not `answer`")
	case e.Kind != Multi && len(e.Answers) > 0:
		return q, errors.New("only a multi question has `answers`; use `answer`")
	case e.Kind == TrueFalse && len(e.Choices) > 0:
		return q, errors.New("a true/false question has no `choices`: they are True and False")
	case e.Kind != TrueFalse && (e.WhyTrue != "" || e.WhyFalse != ""):
		return q, errors.New("only a true/false question has `why_true` and `why_false`; other choices carry their own `why`")
	case e.Kind != Multi:
		answers = []string{e.Answer}
	}
	if e.Kind == TrueFalse {
		q.Choices, q.Why = trueFalse, []string{e.WhyTrue, e.WhyFalse}
		b, err := strconv.ParseBool(e.Answer)
		if err != nil {
			return q, fmt.Errorf("a true/false answer is true or false, not %q", e.Answer)
		}
		answers = []string{strconv.FormatBool(b)}
	}
	if e.Kind == Typed {
		q.Accept = append([]string{e.Answer}, e.Accept...)
	} else {
		for _, a := range answers {
			i := slices.IndexFunc(q.Choices, func(c string) bool { return strings.EqualFold(strings.TrimSpace(c), strings.TrimSpace(a)) })
			if i < 0 {
				return q, fmt.Errorf("answer %q is not one of the choices", a)
			}
			q.Correct = append(q.Correct, i)
		}
		slices.Sort(q.Correct)
	}
	if e.Asks != "" || e.Service != "" || e.Port != 0 {
		if topic != Ports {
			return q, errors.New("only ports questions use asks, service and port")
		}
		return q, e.checkFacts(&q, services)
	}
	return q, nil
}

// checkFacts derives the right answer of a ports question from the service
// table and checks that the bank states the same, so that exactly the
// choices the table makes right are right: no choice that is also true
// (SFTP on a "port 22" question), none missing. Typed answers accept every
// name of every service on the port.
func (e bankEntry) checkFacts(q *Question, services []service) error {
	find := func(name string) (service, bool) {
		for _, s := range services {
			if normalize(s.Name) == normalize(name) || slices.ContainsFunc(s.Aliases, func(a string) bool { return normalize(a) == normalize(name) }) {
				return s, true
			}
		}
		return service{}, false
	}
	var right func(choice string) (bool, error)
	switch e.Asks {
	case "port":
		s, ok := find(e.Service)
		if !ok {
			return fmt.Errorf("service %q is not in the service table", e.Service)
		}
		want := strconv.Itoa(s.Port)
		right = func(c string) (bool, error) {
			if _, err := strconv.Atoi(c); err != nil {
				return false, fmt.Errorf("choice %q is not a port number", c)
			}
			return c == want, nil
		}
		if q.Kind == Typed && q.Accept[0] != want {
			return fmt.Errorf("the table says %s uses port %s, not %s", s.Name, want, q.Accept[0])
		}
	case "service":
		if e.Port <= 0 {
			return errors.New("asks: service needs a port")
		}
		right = func(c string) (bool, error) {
			s, ok := find(c)
			if !ok {
				return false, fmt.Errorf("choice %q is not in the service table", c)
			}
			return s.Port == e.Port, nil
		}
		if q.Kind == Typed {
			ok, err := right(q.Accept[0])
			if err != nil || !ok {
				return fmt.Errorf("the table has no service %q on port %d", q.Accept[0], e.Port)
			}
			for _, s := range services {
				if s.Port != e.Port {
					continue
				}
				for _, name := range append([]string{s.Name}, s.Aliases...) {
					if !slices.Contains(q.Accept, name) {
						q.Accept = append(q.Accept, name)
					}
				}
			}
		}
	default:
		return fmt.Errorf("asks is port or service, not %q", e.Asks)
	}
	var derived []int
	for i, c := range q.Choices {
		ok, err := right(c)
		if err != nil {
			return err
		}
		if ok {
			derived = append(derived, i)
		}
	}
	if q.Kind != Typed && !slices.Equal(derived, q.Correct) {
		return fmt.Errorf("the service table makes %s right, the bank says %s", q.choicesText(derived), q.choicesText(q.Correct))
	}
	return nil
}
