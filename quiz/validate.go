package quiz

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/sglab/sglab/internal/safetext"
	"github.com/sglab/sglab/internal/state"
)

// maxID bounds a question id in the quiz file; the bank's and the
// generator's are far shorter.
const maxID = 200

// Validate implements state.Validator: it drops each record of the quiz
// file that sglab could not have written: a question with no record
// (null), an id that is not one, a topic the quiz does not have, counts
// below zero or more right answers than answers, a Leitner box out of
// range, a past answer in no mode; a best drill whose key does not match
// it; an exam whose score does not add up. A history or an exam list
// longer than sglab keeps loses its oldest entries. Records of questions
// since taken out of the bank are kept, as lessons of a pack not loaded
// are: the review skips them (see NewReview).
func (p *Progress) Validate() []string {
	var dropped []string
	drop := func(format string, args ...any) { dropped = append(dropped, fmt.Sprintf(format, args...)) }
	if p.Questions == nil {
		p.Questions = map[string]*QuestionRecord{}
	}
	if p.Drills == nil {
		p.Drills = map[string]DrillBest{}
	}
	for _, id := range slices.Sorted(maps.Keys(p.Questions)) {
		rec := p.Questions[id]
		switch {
		case id == "" || len(id) > maxID || safetext.Index(id) >= 0:
			drop("a question id %s", state.Quote(id))
		case rec == nil:
			drop("question %s, which has no record (null)", state.Quote(id))
		case !slices.Contains(Topics, rec.Topic):
			drop("question %s, whose topic %s the quiz does not have", state.Quote(id), state.Quote(string(rec.Topic)))
		case !validScore(rec.Correct, rec.Answered):
			drop("question %s, with %d right of %d answers", state.Quote(id), rec.Correct, rec.Answered)
		case rec.Box < 0 || rec.Box > len(boxDays):
			drop("question %s, in Leitner box %d (there are %d)", state.Quote(id), rec.Box, len(boxDays))
		default:
			if n := len(rec.History); n > maxHistory {
				drop("the %d oldest answers to question %s (sglab keeps %d)", n-maxHistory, state.Quote(id), maxHistory)
				rec.History = slices.Delete(rec.History, 0, n-maxHistory)
			}
			if bad := slices.IndexFunc(rec.History, func(a AnswerRecord) bool { return !slices.Contains(Modes, a.Mode) }); bad >= 0 {
				drop("an answer to question %s in the mode %s", state.Quote(id), state.Quote(string(rec.History[bad].Mode)))
				rec.History = slices.DeleteFunc(rec.History, func(a AnswerRecord) bool { return !slices.Contains(Modes, a.Mode) })
			}
			continue
		}
		delete(p.Questions, id)
	}
	for _, key := range slices.Sorted(maps.Keys(p.Drills)) {
		d := p.Drills[key]
		valid := (d.Topic == AllTopics || slices.Contains(Topics, d.Topic)) && d.Seconds > 0 &&
			key == drillKey(d.Topic, time.Duration(d.Seconds)*time.Second) && validScore(d.Correct, d.Answered)
		if !valid {
			drop("the best drill %s", state.Quote(key))
			delete(p.Drills, key)
		}
	}
	if n := len(p.Exams); n > maxExams {
		drop("the %d oldest exams (sglab keeps %d)", n-maxExams, maxExams)
		p.Exams = slices.Delete(p.Exams, 0, n-maxExams)
	}
	p.Exams = slices.DeleteFunc(p.Exams, func(e ExamRecord) bool {
		valid := validScore(e.Score.Correct, e.Score.Total) && !slices.ContainsFunc(e.Topics, func(t TopicScore) bool {
			return !slices.Contains(Topics, t.Topic) || !validScore(t.Correct, t.Total)
		})
		if !valid {
			drop("the exam of %s, whose score does not add up", e.At.Format("2 Jan 2006 15:04"))
		}
		return !valid
	})
	return dropped
}

// validScore reports whether correct of total answers can be a count.
func validScore(correct, total int) bool { return correct >= 0 && correct <= total }
