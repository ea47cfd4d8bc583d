package quiz

import (
	"fmt"
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	qz "github.com/sglab/sglab/quiz"
)

// The keys of a question answered at once: practice, review and drills.
// (The exam only chooses, as its answers can change until submitted.)

// answerKey handles a key: a letter answers (or ticks, for a pick-all
// question), ↑/↓ and space choose, enter answers with the cursor's choice
// or the ticks, and a typed question's field takes the keys while it has
// the focus. It returns the response when the key gave one.
func answerKey(g *page, msg tea.KeyMsg) (r qz.Response, answered bool, cmd tea.Cmd) {
	pk := g.pick
	defer g.refresh()
	if pk.q.Kind == qz.Typed {
		switch {
		case !pk.input.Focused() && key.Matches(msg, keyType):
			pk.input.Focus()
		case !pk.input.Focused() && key.Matches(msg, keyScroll):
			g.scroll(msg)
		case !pk.input.Focused():
		case key.Matches(msg, keyAnswer):
			return pk.response(), true, nil
		case key.Matches(msg, keyStop):
			pk.input.Blur()
		default:
			pk.input, cmd = pk.input.Update(msg)
		}
		return r, false, cmd
	}
	if i, ok := pk.choice(msg); ok {
		if pk.q.Kind != qz.Multi {
			return qz.Response{Choices: []int{i}}, true, nil
		}
		pk.toggle(i)
		return r, false, nil
	}
	switch {
	case key.Matches(msg, keyMove):
		pk.move(backward(msg))
		g.refresh()
		g.follow()
	case key.Matches(msg, keyTick) && pk.q.Kind == qz.Multi:
		pk.toggle(pk.cursor)
	case key.Matches(msg, keyAnswer) && pk.q.Kind == qz.Multi:
		return pk.response(), true, nil
	case key.Matches(msg, keyAnswer):
		return qz.Response{Choices: []int{pk.cursor}}, true, nil
	case key.Matches(msg, keyScroll):
		g.scroll(msg)
	}
	return r, false, nil
}

// answerKeys are the help's keys for answerKey, those needed most first:
// the help bar shows as many as fit, and ? all of them.
func answerKeys(g *page) []key.Binding {
	pk := g.pick
	var bs []key.Binding
	switch {
	case pk.typing():
		return []key.Binding{keyAnswer, keyStop}
	case pk.q.Kind == qz.Typed:
		bs = []key.Binding{keyType}
	case pk.q.Kind == qz.Multi:
		bs = []key.Binding{pk.letters, keyAnswer, keyTick, keyMove}
	default:
		bs = []key.Binding{pk.letters, keyMove, keyAnswer}
	}
	if g.scrolls() {
		bs = slices.Insert(bs, 1, keyScroll)
	}
	return bs
}

// noAnswerHint says what to do when enter came with nothing chosen.
func noAnswerHint(q qz.Question) string {
	if q.Kind == qz.Typed {
		return "Type an answer first, then press enter."
	}
	return "Tick " + countWord(q.Select()) + " with their letters or space, then press enter."
}

// selectHint says what is wrong with a Multi answer that ticks another
// number of choices than the question asks for; "" when the count is
// right. The exam asks for an exact number, and so does the quiz.
func selectHint(q qz.Question, r qz.Response) string {
	if q.Kind != qz.Multi || len(r.Choices) == q.Select() || len(r.Choices) == 0 {
		return ""
	}
	return fmt.Sprintf("%s Tick %s: %d %s ticked now.", q.SelectText(), countWord(q.Select()), len(r.Choices), plural(len(r.Choices), "is", "are"))
}

// countWord is "two choices".
func countWord(n int) string {
	return map[int]string{1: "one choice", 2: "two choices", 3: "three choices"}[n]
}

// retryQuestions are the questions of misses, for "review these misses
// now".
func retryQuestions(missed []qz.Missed) []qz.Question {
	qs := make([]qz.Question, len(missed))
	for k, m := range missed {
		qs[k] = m.Question
	}
	return qs
}
