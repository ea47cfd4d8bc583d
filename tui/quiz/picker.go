package quiz

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	qz "github.com/sglab/sglab/quiz"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/theme"
)

// picker asks one question: its prompt, then its choices with their
// letters, or a text field for a typed answer. It does not judge and does
// not decide what a key does: the screens say whether a letter answers
// at once (practice) or only chooses (the exam).
type picker struct {
	ctx    *common.Context
	st     *theme.Styles
	q      qz.Question
	cursor int
	// ticked are Multi's ticks, and in the exam the chosen answer of the
	// other kinds (shown as a radio button, and changeable).
	ticked []bool
	radio  bool
	input  textinput.Model
	// reveal is the feedback once answered: ✓ marks the right choices and
	// ✗ the wrong ones chosen.
	reveal  *qz.Feedback
	letters key.Binding
}

// pickerOpts says how a mode asks.
type pickerOpts struct {
	radio bool // choices stay open and show the chosen one: the exam
	// trueFalse lets t and f answer a true/false question. The exam uses
	// f to flag, so there a and b do.
	trueFalse bool
}

func newPicker(ctx *common.Context, q qz.Question, o pickerOpts) *picker {
	st := ctx.Styles
	p := &picker{ctx: ctx, st: st, q: q, ticked: make([]bool, len(q.Choices)), radio: o.radio}
	var keys []string
	for i := range q.Choices {
		l := qz.ChoiceLabel(i)
		keys = append(keys, strings.ToLower(l), l)
	}
	help := "a-" + strings.ToLower(qz.ChoiceLabel(max(len(q.Choices)-1, 0)))
	desc := "answer"
	switch {
	case q.Kind == qz.Multi:
		desc = "tick"
	case o.radio:
		desc = "choose"
	}
	if q.Kind == qz.TrueFalse {
		help = "a/b"
		if o.trueFalse {
			keys = append(keys, "t", "T", "f", "F")
			help = "t/f"
		}
	}
	p.letters = bind(keys, help, desc)
	if q.Kind == qz.Typed {
		p.input = newInput(st)
	}
	return p
}

// newInput is a text field in the app's styles (bubbles' own default to
// the global renderer) whose cursor does not blink: a blinking cursor
// redraws the screen twice a second while the learner thinks.
func newInput(st *theme.Styles) textinput.Model {
	in := textinput.New()
	in.Prompt = "> "
	in.Placeholder = "type your answer"
	in.CharLimit = 60
	in.PromptStyle = st.Accent
	in.TextStyle = st.Text
	in.PlaceholderStyle = st.Faint
	in.Cursor.Style = st.Renderer.NewStyle()
	in.Cursor.TextStyle = st.Text
	in.Cursor.SetMode(cursor.CursorStatic)
	return in
}

// focus gives a typed question's field the keyboard; other questions
// have no field.
func (p *picker) focus() {
	if p.q.Kind == qz.Typed {
		p.input.Focus()
	}
}

// typing reports whether the text field has the keyboard.
func (p *picker) typing() bool { return p.q.Kind == qz.Typed && p.input.Focused() && p.reveal == nil }

// choice returns the choice a key names, if it names one.
func (p *picker) choice(msg tea.KeyMsg) (int, bool) {
	if !key.Matches(msg, p.letters) {
		return 0, false
	}
	switch s := strings.ToLower(msg.String()); s {
	case "t":
		return 0, true // a true/false question's choices are always True, False
	case "f":
		return 1, true
	default:
		return int(s[0] - 'a'), true
	}
}

// move moves the cursor over the choices.
func (p *picker) move(back bool) {
	if n := len(p.q.Choices); n > 0 {
		if back {
			p.cursor = (p.cursor + n - 1) % n
		} else {
			p.cursor = (p.cursor + 1) % n
		}
	}
}

// toggle ticks or unticks choice i of a Multi question; elsewhere it
// makes i the chosen one.
func (p *picker) toggle(i int) {
	p.cursor = i
	if p.q.Kind == qz.Multi {
		p.ticked[i] = !p.ticked[i]
		return
	}
	for k := range p.ticked {
		p.ticked[k] = k == i
	}
}

// response is what the learner has chosen or typed so far.
func (p *picker) response() qz.Response {
	if p.q.Kind == qz.Typed {
		return qz.Response{Text: p.input.Value()}
	}
	var r qz.Response
	for i, t := range p.ticked {
		if t {
			r.Choices = append(r.Choices, i)
		}
	}
	return r
}

// restore shows an earlier answer again: the exam coming back to a
// question.
func (p *picker) restore(r qz.Response) {
	if p.q.Kind == qz.Typed {
		p.input.SetValue(r.Text)
		return
	}
	for _, i := range r.Choices {
		if i >= 0 && i < len(p.ticked) {
			p.ticked[i] = true
			p.cursor = i
		}
	}
}

// render draws the question in width cells: the prompt, a blank line, the
// choices (or the text field). It also returns the line the cursor is on,
// for a scrolling parent to keep in view.
func (p *picker) render(width int) (lines []string, cursorLine int) {
	st := p.st
	lines = para(st.Text, p.q.Prompt, width)
	if sel := p.q.SelectText(); sel != "" {
		lines = append(lines, st.Bold.Render(sel))
	}
	lines = append(lines, "")
	if p.q.Kind == qz.Typed {
		return append(lines, p.typedLine(width)), len(lines)
	}
	for i, c := range p.q.Choices {
		if i == p.cursor {
			cursorLine = len(lines)
		}
		right := p.reveal != nil && slices.Contains(p.q.Correct, i)
		chosen := p.ticked[i] || p.reveal != nil && slices.Contains(p.reveal.Response.Choices, i)
		if p.ctx.Accessible {
			lines = append(lines, p.spokenChoice(i, right, chosen, width)...)
			continue
		}
		lead, text := "  ", st.Text
		switch {
		case right:
			lead, text = st.OK.Render(theme.Pass)+" ", st.OK
		case p.reveal != nil && chosen:
			lead, text = st.Error.Render(theme.Fail)+" ", st.Error
		case p.reveal == nil && i == p.cursor:
			lead, text = st.Accent.Render(theme.Cursor)+" ", st.Bold
		}
		box := ""
		switch {
		case p.q.Kind == qz.Multi && chosen:
			box = "[x] "
		case p.q.Kind == qz.Multi:
			box = "[ ] "
		case p.radio && chosen:
			box = "(•) "
		case p.radio:
			box = "( ) "
		}
		head := lead + box + st.Key.Render(qz.ChoiceLabel(i)) + ") "
		lines = append(lines, hang(head, text, c, width)...)
		if p.reveal != nil && i < len(p.q.Why) {
			// Why this choice is right or wrong, under it, once answered.
			lines = append(lines, hang(strings.Repeat(" ", ansi.StringWidth(head)), st.Muted, p.q.Why[i], width)...)
		}
	}
	return lines, cursorLine
}

// spokenChoice is a choice in accessible mode: its letter, its text,
// then in words what a sighted reader sees in its marks and box (ticked,
// chosen, the right answer, yours), and once answered why.
func (p *picker) spokenChoice(i int, right, chosen bool, width int) []string {
	st := p.st
	lead, style := "  ", st.Text
	if p.reveal == nil && i == p.cursor {
		lead, style = st.Accent.Render(theme.Cursor)+" ", st.Bold
	}
	var said []string
	switch {
	case p.reveal != nil && right && chosen:
		said, style = append(said, "the right answer, yours"), st.OK
	case p.reveal != nil && right:
		said, style = append(said, "the right answer"), st.OK
	case p.reveal != nil && chosen:
		said, style = append(said, "your answer, wrong"), st.Error
	case chosen && p.q.Kind == qz.Multi:
		said = append(said, "ticked")
	case chosen && p.radio:
		said = append(said, "chosen")
	}
	text := p.q.Choices[i]
	if len(said) > 0 {
		text += " (" + strings.Join(said, ", ") + ")"
	}
	head := lead + st.Key.Render(qz.ChoiceLabel(i)) + ") "
	lines := hang(head, style, text, width)
	if p.reveal != nil && i < len(p.q.Why) {
		lines = append(lines, hang(strings.Repeat(" ", ansi.StringWidth(head)), st.Muted, p.q.Why[i], width)...)
	}
	return lines
}

// typedLine is the text field, or after answering what was typed, marked
// right or wrong.
func (p *picker) typedLine(width int) string {
	st := p.st
	if p.reveal != nil {
		mark := st.Error.Render(p.ctx.Mark(theme.Fail, "Wrong."))
		if p.reveal.Correct {
			mark = st.OK.Render(p.ctx.Mark(theme.Pass, "Right."))
		}
		return common.Fit(mark+" You answered: "+st.Bold.Render(p.reveal.Given), width)
	}
	p.input.Width = max(width-len("Answer: ")-len(p.input.Prompt)-1, 1)
	if !p.input.Focused() {
		// Without focus the field has no prompt of its own: say how to
		// get to it.
		v := p.input.Value()
		if v == "" {
			v = st.Faint.Render("(enter to type)")
		}
		return common.Fit("Answer: "+strings.Repeat(" ", len(p.input.Prompt))+v, width)
	}
	return common.Fit("Answer: "+p.input.View(), width)
}
