package quiz

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Sheet is a printed quiz: the questions, then the answer key. The same
// topic, count and seed give the same sheet, byte for byte, so a teacher
// can hand out one and a class can check it.
type Sheet struct {
	Topic     Topic
	Count     int
	Seed      uint64
	Questions []Question
}

// NewSheet picks the sheet's questions.
func NewSheet(topic Topic, count int, seed uint64) (Sheet, error) {
	qs, err := Pick(topic, count, seed)
	if err != nil {
		return Sheet{}, err
	}
	return Sheet{Topic: topic, Count: count, Seed: seed, Questions: qs}, nil
}

// wrapWidth is where the sheet wraps its prose; tables are not wrapped.
const wrapWidth = 78

// howTo says how to answer a question: "choose one", "select two".
func howTo(q Question) string {
	switch q.Kind {
	case TrueFalse:
		return "true or false"
	case Multi:
		return strings.ToLower(strings.TrimSuffix(q.SelectText(), "."))
	case Typed:
		return "type the answer"
	}
	return "choose one"
}

// WriteText prints the sheet as plain text.
func (s Sheet) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "sglab quiz: %d %s, topic %s, seed %d\n", len(s.Questions), plural(len(s.Questions), "question"), s.Topic, s.Seed)
	fmt.Fprintf(&b, "The same sheet again: sglab quiz --print --topic %s --count %d --seed %d\n", s.Topic, s.Count, s.Seed)
	for n, q := range s.Questions {
		fmt.Fprintf(&b, "\n%d. [%s; %s]\n", n+1, q.Topic, howTo(q))
		if q.Exhibit != nil {
			for _, l := range q.Exhibit.Lines() {
				b.WriteString(strings.TrimRight("   "+l, " ") + "\n")
			}
			b.WriteString("\n")
		}
		prompt := q.Prompt
		if q.Kind == Multi {
			prompt += " (" + q.SelectText() + ")"
		}
		wrap(&b, prompt, "   ", "   ")
		for k, c := range q.Choices {
			wrap(&b, ChoiceLabel(k)+") "+c, "   ", "      ")
		}
		if q.Kind == Typed {
			b.WriteString("   Answer: ____________________\n")
		}
	}
	b.WriteString("\nAnswer key\n")
	for n, q := range s.Questions {
		fmt.Fprintf(&b, "\n%d. %s\n", n+1, q.AnswerText())
		if q.Kind == Typed && len(q.Accept) > 1 {
			wrap(&b, "Also accepted: "+strings.Join(q.Accept[1:], ", "), "   ", "   ")
		}
		wrap(&b, q.Explanation, "   ", "   ")
		for k, why := range q.Why {
			wrap(&b, ChoiceLabel(k)+") "+why, "   ", "      ")
		}
		fmt.Fprintf(&b, "   Lesson: %s\n", q.Lesson)
		fmt.Fprintf(&b, "   AWS docs: %s\n", q.Doc)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// wrap writes text word-wrapped at wrapWidth, its first line indented by
// first and the others by rest (deeper under a choice's letter).
func wrap(b *strings.Builder, text, first, rest string) {
	line, empty := first, true
	for _, word := range strings.Fields(text) {
		switch {
		case empty:
		case len(line)+1+len(word) > wrapWidth:
			b.WriteString(line + "\n")
			line = rest
		default:
			line += " "
		}
		line += word
		empty = false
	}
	b.WriteString(line + "\n")
}

// sheetJSON is the sheet for tools: every question with its answer.
type sheetJSON struct {
	Topic     Topic          `json:"topic"`
	Count     int            `json:"count"`
	Seed      uint64         `json:"seed"`
	Questions []questionJSON `json:"questions"`
}

type questionJSON struct {
	Number      int      `json:"number"`
	ID          string   `json:"id"`
	Topic       Topic    `json:"topic"`
	Kind        Kind     `json:"kind"`
	Lesson      string   `json:"lesson"`
	Prompt      string   `json:"prompt"`
	Exhibit     *Exhibit `json:"exhibit,omitempty"`
	Choices     []string `json:"choices,omitempty"`
	Why         []string `json:"why,omitempty"`     // why each choice is right or wrong
	Select      int      `json:"select,omitempty"`  // multi: how many choices to select
	Correct     []int    `json:"correct,omitempty"` // indices into choices, from 0
	Accept      []string `json:"accept,omitempty"`  // typed: every accepted answer
	Answer      string   `json:"answer"`
	Explanation string   `json:"explanation"`
	Doc         string   `json:"doc"` // the AWS documentation page the answer rests on
}

// WriteJSON prints the sheet as one JSON document.
func (s Sheet) WriteJSON(w io.Writer) error {
	doc := sheetJSON{Topic: s.Topic, Count: s.Count, Seed: s.Seed, Questions: []questionJSON{}}
	for n, q := range s.Questions {
		doc.Questions = append(doc.Questions, questionJSON{Number: n + 1, ID: q.ID, Topic: q.Topic, Kind: q.Kind,
			Lesson: q.Lesson, Prompt: q.Prompt, Exhibit: q.Exhibit, Choices: q.Choices, Why: q.Why, Correct: q.Correct,
			Accept: q.Accept, Answer: q.AnswerText(), Explanation: q.Explanation, Doc: q.Doc})
		if q.Kind == Multi {
			doc.Questions[n].Select = q.Select()
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
