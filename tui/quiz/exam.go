package quiz

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	qz "github.com/sglab/sglab/quiz"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/theme"
)

// The overview's marks: a question's state shows as a glyph, not only as
// a colour.
const (
	markAnswered   = "●"
	markUnanswered = "○"
	markFlagged    = "⚑"
)

// exam is a mock exam: N questions against a countdown, answers that can
// change, flags, an overview of every question, a confirmation before
// submitting, then the score per topic and every mistake explained. The
// clock ticks once a second until the exam is submitted; when it runs
// out, the exam submits itself.
type exam struct {
	screen
	x        *qz.Exam
	opts     qz.Options
	page     *page
	overview bool
	grid     int // the overview's cursor
	result   *qz.ExamResult
	doc      scroller
}

func newExam(e *env, qs []qz.Question, o qz.Options) *exam {
	m := &exam{screen: newScreen(e), x: qz.NewExam(qs, qz.ExamTime(len(qs)), e.clock), opts: o, page: newPage(e.ctx)}
	m.show()
	return m
}

// show puts the current question on the page, with its answer so far.
func (m *exam) show() {
	pk := newPicker(m.env.ctx, m.x.Current(), pickerOpts{radio: true})
	pk.restore(m.x.Response(m.x.Index()))
	m.page.ask(pk)
}

func (m *exam) Init() tea.Cmd { return tick(m.x, m.x.Remaining()) }

func (m *exam) SetSize(w, h int) {
	m.width, m.height = w, h
	m.layout()
}

func (m *exam) layout() {
	m.page.setSize(m.width, m.bodyHeight())
	if m.result != nil {
		m.summarize()
	}
}

// Capturing is true while the learner types an answer, and while the
// screen asks to confirm.
func (m *exam) Capturing() bool { return m.prompt != nil || m.result == nil && m.page.pick.typing() }

// Unsaved is the exam in progress: quitting asks first.
func (m *exam) Unsaved() string {
	if m.result == nil {
		return "the exam in progress"
	}
	return ""
}

func (m *exam) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.result == nil && m.x.Expired() {
		// The clock ran out since the last tick: nothing more counts.
		return m, m.submit()
	}
	if cmd, ok := m.asking(msg); ok {
		return m, cmd
	}
	switch msg := msg.(type) {
	case tickMsg:
		if msg.to != m.x || m.result != nil {
			return m, nil
		}
		return m, tick(m.x, m.x.Remaining())
	case savedMsg:
		m.saved(msg)
		if msg.value == m.x && msg.err == nil {
			m.resultStatus(true)
		}
		m.layout()
		return m, nil
	case tea.KeyMsg:
		switch {
		case m.result != nil:
			return m, m.resultKey(msg)
		case m.overview:
			return m, m.overviewKey(msg)
		}
		return m, m.questionKey(msg)
	}
	return m, nil
}

func (m *exam) questionKey(msg tea.KeyMsg) tea.Cmd {
	pk := m.page.pick
	if pk.typing() {
		switch {
		case key.Matches(msg, keyAnswer):
			pk.input.Blur()
			m.move(false)
		case key.Matches(msg, keyStop):
			pk.input.Blur()
		default:
			var cmd tea.Cmd
			pk.input, cmd = pk.input.Update(msg)
			return tea.Batch(cmd, m.record())
		}
		m.page.refresh()
		return nil
	}
	if i, ok := pk.choice(msg); ok {
		pk.toggle(i)
		return m.record()
	}
	switch {
	case key.Matches(msg, keyMove):
		pk.move(backward(msg))
		m.page.refresh()
		m.page.follow()
	case key.Matches(msg, keyTick) && pk.q.Kind != qz.Typed:
		pk.toggle(pk.cursor)
		return m.record()
	case key.Matches(msg, keyType) && pk.q.Kind == qz.Typed:
		pk.input.Focus()
		m.page.refresh()
	case key.Matches(msg, keyAnswer):
		if pk.q.Kind != qz.Multi && !pk.ticked[pk.cursor] {
			pk.toggle(pk.cursor)
			if cmd := m.record(); cmd != nil {
				return cmd
			}
		}
		m.move(false)
	case key.Matches(msg, keyGo):
		m.move(backward(msg))
	case key.Matches(msg, keyFlag):
		m.x.ToggleFlag()
	case key.Matches(msg, keyOverview):
		m.overview, m.grid = true, m.x.Index()
	case key.Matches(msg, keySubmit):
		m.confirmSubmit()
	case key.Matches(msg, keyScroll):
		m.page.scroll(msg)
	case key.Matches(msg, keyLeave):
		m.prompt = &confirm{question: "Leave the exam?", detail: []string{"It has not been submitted: nothing is scored or saved."},
			yes: "leave", no: "stay", onYes: func() tea.Cmd { return common.Back }}
	}
	return nil
}

// record gives the exam the answer on screen; nothing says whether it is
// right until the exam is submitted.
func (m *exam) record() tea.Cmd {
	m.page.refresh()
	if err := m.x.Answer(m.page.pick.response()); errors.Is(err, qz.ErrTimeUp) {
		return m.submit()
	} else if err != nil {
		m.setStatus(common.StatusErr, err.Error())
	}
	return nil
}

// move goes to the next or the previous question, if there is one.
func (m *exam) move(back bool) {
	moved := false
	if back {
		moved = m.x.Prev()
	} else {
		moved = m.x.Next()
	}
	if moved {
		m.show()
		return
	}
	if back {
		m.setStatus(common.StatusInfo, "This is the first question.")
	} else {
		m.setStatus(common.StatusInfo, "That was the last question: s submits, o shows them all.")
	}
}

func (m *exam) overviewKey(msg tea.KeyMsg) tea.Cmd {
	n, cols := m.x.Len(), m.gridColumns()
	switch {
	case key.Matches(msg, keyJump):
		m.overview = false
		if m.x.Goto(m.grid) == nil {
			m.show()
		}
	case key.Matches(msg, keyClose):
		m.overview = false
	case key.Matches(msg, keySubmit):
		m.confirmSubmit()
	case key.Matches(msg, keyGrid):
		step := 1
		switch msg.String() {
		case "up", "k", "down", "j":
			step = cols
		}
		if backward(msg) {
			step = -step
		}
		if g := m.grid + step; g >= 0 && g < n {
			m.grid = g
		}
	}
	return nil
}

func (m *exam) confirmSubmit() {
	var detail []string
	if un := m.x.Unanswered(); len(un) > 0 {
		detail = append(detail, fmt.Sprintf("%d %s no answer: %s. %s as wrong.", len(un),
			plural(len(un), "question has", "questions have"), numbers(un), plural(len(un), "It counts", "They count")))
	} else {
		detail = append(detail, "Every question has an answer.")
	}
	if fl := m.flagged(); len(fl) > 0 {
		detail = append(detail, fmt.Sprintf("Flagged for a second look: %s.", numbers(fl)))
	}
	m.prompt = &confirm{question: "Submit the exam?", detail: detail, yes: "submit", no: "keep working", onYes: m.submit}
}

func (m *exam) flagged() []int {
	var out []int
	for i := range m.x.Len() {
		if m.x.Flagged(i) {
			out = append(out, i)
		}
	}
	return out
}

// numbers lists questions as the learner sees them: "3, 7, 12".
func numbers(idx []int) string {
	parts := make([]string, len(idx))
	for k, i := range idx {
		parts[k] = strconv.Itoa(i + 1)
	}
	return strings.Join(parts, ", ")
}

// submit ends the exam, shows the result and records it.
func (m *exam) submit() tea.Cmd {
	res := m.x.Submit()
	m.result, m.prompt, m.overview = &res, nil, false
	m.page.pick.input.Blur()
	m.resultStatus(false)
	m.layout()
	x := m.x
	return m.env.rec.record(func(p *qz.Progress) any { p.RecordExam(res); return x })
}

// resultStatus says how the exam ended and, once written, that it is
// saved and when the misses come back.
func (m *exam) resultStatus(saved bool) {
	kind, msg := common.StatusInfo, ""
	if m.result.TimedOut {
		kind, msg = common.StatusWarn, "Time is up: the exam was submitted with the answers given."
	}
	if saved {
		if kind == common.StatusInfo {
			kind = common.StatusOK
		}
		msg += " Saved to your progress."
		if n := len(m.result.Missed); n > 0 {
			msg += fmt.Sprintf(" The %d %s you missed %s back for review tomorrow.",
				n, plural(n, "question", "questions"), plural(n, "comes", "come"))
		}
	}
	m.setStatus(kind, strings.TrimSpace(msg))
}

func (m *exam) resultKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, keyDone):
		return common.Back
	case key.Matches(msg, keyRetry) && len(m.result.Missed) > 0:
		return common.Push(newPractice(m.env, qz.NewRetry(retryQuestions(m.result.Missed), m.env.clock), m.opts.Topic))
	case key.Matches(msg, keyRead):
		m.doc.scroll(msg)
	}
	return nil
}

func (m *exam) summarize() {
	st := m.env.st
	w := min(m.width-4, textWidth)
	res := m.result
	lines := []string{st.Heading.Render("Score: " + scoreLine(res.Score))}
	took := res.Finished.Sub(res.Started)
	lines = append(lines, st.Muted.Render(fmt.Sprintf("Time: %s of %s", clock(took), clock(qz.ExamTime(m.x.Len())))), "")
	lines = append(lines, st.Heading.Render("By topic"))
	lines = append(lines, indent(topicBars(m.env.ctx, res.Topics, w-2))...)
	lines = append(lines, "")
	if n := len(res.Missed); n > 0 {
		lines = append(lines, st.Heading.Render(fmt.Sprintf("Missed (%d)", n))+st.Muted.Render(" · each comes back for review tomorrow · ")+
			st.Key.Render("m")+st.Muted.Render(" reviews them now"))
		lines = append(lines, missedLines(m.env.ctx, res.Missed, w)...)
	} else {
		lines = append(lines, st.OK.Render(m.env.ctx.Mark(theme.Pass+" ", "")+"No mistakes."))
	}
	again := fmt.Sprintf("sglab quiz --mode exam --seed %d", m.opts.Seed)
	if m.opts.Topic != qz.AllTopics {
		again += " --topic " + string(m.opts.Topic)
	}
	if m.opts.Count != qz.DefaultExamCount {
		again += fmt.Sprintf(" --count %d", m.opts.Count)
	}
	lines = append(lines, "")
	lines = append(lines, common.Wrap(st.Muted.Render("The same exam again, or for a class: ")+again, w)...)
	m.doc.set(indent(lines), m.width, m.bodyHeight())
}

func (m *exam) View() string {
	if m.result != nil {
		return m.draw("Exam · result", scoreLine(m.result.Score), m.doc.lines())
	}
	i := m.x.Index()
	left := fmt.Sprintf("Exam · question %d of %d", i+1, m.x.Len())
	if m.x.Flagged(i) {
		left += " " + m.env.ctx.Mark(markFlagged, "(flagged)")
	}
	right := fmt.Sprintf("%d answered · %d flagged · %s", m.x.Len()-len(m.x.Unanswered()), len(m.flagged()), m.countdown(m.x.Remaining()))
	if m.overview {
		return m.draw("Exam · overview", right, m.overviewLines())
	}
	return m.draw(left, right, m.page.view())
}

const cellWidth = 9 // "> 12 ●⚑" and a gap

// gridColumns is how many questions a row of the overview holds: one in
// accessible mode, where the overview is a list.
func (m *exam) gridColumns() int {
	if m.env.ctx.Accessible {
		return 1
	}
	return max((min(m.width-4, textWidth)+2)/cellWidth, 1)
}

func (m *exam) overviewLines() []string {
	st := m.env.st
	w := min(m.width-4, textWidth)
	if m.env.ctx.Accessible {
		return m.overviewList(w)
	}
	lines := []string{
		st.Muted.Render(markAnswered + " answered   " + markUnanswered + " no answer yet   " + markFlagged + " flagged"), "",
	}
	cols := m.gridColumns()
	var row strings.Builder
	for i := range m.x.Len() {
		cur := " "
		if i == m.grid {
			cur = st.Accent.Render(theme.Cursor)
		}
		mark, flag := st.Faint.Render(markUnanswered), " "
		if m.x.Answered(i) {
			mark = st.OK.Render(markAnswered)
		}
		if m.x.Flagged(i) {
			flag = st.Warn.Render(markFlagged)
		}
		num := fmt.Sprintf("%3d", i+1)
		if i == m.grid {
			num = st.Key.Render(num)
		}
		row.WriteString(cur + num + " " + mark + flag + "  ")
		if (i+1)%cols == 0 || i == m.x.Len()-1 {
			lines = append(lines, strings.TrimRight(row.String(), " "))
			row.Reset()
		}
	}
	q := m.x.Question(m.grid)
	lines = append(lines, "")
	lines = append(lines, hang(st.Bold.Render(fmt.Sprintf("%d. ", m.grid+1)), st.Text, q.Prompt, w)...)
	return indent(lines)
}

// overviewList is the overview in accessible mode: a line per question
// that says its state in words, as many as fit around the cursor's, then
// the cursor's question.
func (m *exam) overviewList(w int) []string {
	st := m.env.st
	q := m.x.Question(m.grid)
	after := append([]string{""}, hang(st.Bold.Render(fmt.Sprintf("%d. ", m.grid+1)), st.Text, q.Prompt, w)...)
	rows := max(m.bodyHeight()-len(after), 1)
	first := max(min(m.grid-rows/2, m.x.Len()-rows), 0)
	var lines []string
	for i := first; i < min(first+rows, m.x.Len()); i++ {
		state := "no answer yet"
		if m.x.Answered(i) {
			state = "answered"
		}
		if m.x.Flagged(i) {
			state += ", flagged"
		}
		lead := "  "
		if i == m.grid {
			lead = st.Accent.Render(theme.Cursor) + " "
		}
		lines = append(lines, fmt.Sprintf("%sQuestion %d: %s", lead, i+1, state))
	}
	return indent(append(lines, after...))
}

func (m *exam) ShortHelp() []key.Binding {
	switch {
	case m.prompt != nil:
		return m.askKeys()
	case m.result != nil:
		bs := []key.Binding{keyDone}
		if len(m.result.Missed) > 0 {
			bs = append(bs, keyRetry)
		}
		if m.doc.scrolls() {
			bs = append(bs, keyRead)
		}
		return bs
	case m.overview:
		return []key.Binding{keyJump, keySubmit, keyClose, keyGrid}
	}
	pk := m.page.pick
	if pk.typing() {
		next := keyAnswer
		next.SetHelp("enter", "next question")
		return []key.Binding{next, keyStop}
	}
	// The help bar shows as many as fit, so the keys needed most come
	// first; ? shows them all.
	bs := []key.Binding{pk.letters, keyGo, keySubmit, keyFlag, keyOverview}
	switch pk.q.Kind {
	case qz.Typed:
		bs[0] = keyType
	case qz.Multi:
		tick := keyTick
		tick.SetHelp("space", "tick")
		bs = append(bs, keyMove, tick)
	default:
		choose, next := keyTick, keyAnswer
		choose.SetHelp("space", "choose")
		next.SetHelp("enter", "choose and go on")
		bs = append(bs, keyMove, choose, next)
	}
	if m.page.scrolls() {
		bs = slices.Insert(bs, 1, keyScroll)
	}
	return bs
}

func (m *exam) FullHelp() [][]key.Binding {
	if m.result == nil && m.prompt == nil && !m.overview && !m.page.pick.typing() {
		return [][]key.Binding{m.ShortHelp(), {keyLeave}}
	}
	return [][]key.Binding{m.ShortHelp()}
}
