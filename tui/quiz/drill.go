package quiz

import (
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	qz "github.com/sglab/sglab/quiz"
	"github.com/sglab/sglab/tui/common"
)

// drill is a timed sprint: a start screen, then questions against the
// clock with the streak on screen, then the score and the best one. The
// clock ticks once a second while the drill runs, and not at all before
// or after.
type drill struct {
	screen
	topic  qz.Topic
	seed   uint64
	d      *qz.Drill // nil until started
	page   *page
	missed []qz.Missed
	over   *qz.DrillResult
	// best is what the store said of the drill once recorded: whether it
	// is the best, and the best before it.
	best    *drillSaved
	prev    qz.DrillBest
	hadPrev bool
	doc     scroller
}

// drillSaved is what recording a drill returns.
type drillSaved struct {
	d       *qz.Drill
	newBest bool
}

func newDrill(e *env, topic qz.Topic, seed uint64) *drill {
	m := &drill{screen: newScreen(e), topic: topic, seed: seed, page: newPage(e.ctx)}
	m.prev, m.hadPrev = e.progress.BestDrill(topic, qz.DefaultDrillLength)
	return m
}

func (m *drill) running() bool { return m.d != nil && m.over == nil }

func (m *drill) Init() tea.Cmd { return nil }

func (m *drill) SetSize(w, h int) {
	m.width, m.height = w, h
	m.layout()
}

func (m *drill) layout() {
	m.page.setSize(m.width, m.bodyHeight())
	if m.over != nil {
		m.summarize()
	}
}

// Capturing is true while the learner types an answer, and while the
// screen asks whether to leave.
func (m *drill) Capturing() bool { return m.prompt != nil || m.running() && m.page.pick.typing() }

// Unsaved is the drill in progress: quitting asks first.
func (m *drill) Unsaved() string {
	if m.running() {
		return "the drill in progress"
	}
	return ""
}

func (m *drill) start() tea.Cmd {
	m.d = qz.NewDrill(m.topic, m.seed, qz.DefaultDrillLength, m.env.clock)
	m.over, m.best, m.missed = nil, nil, nil
	m.prev, m.hadPrev = m.env.progress.BestDrill(m.topic, qz.DefaultDrillLength) // the one to beat
	m.setStatus(common.StatusInfo, "")
	m.ask()
	return tick(m.d, m.d.Remaining())
}

func (m *drill) ask() {
	pk := newPicker(m.env.ctx, m.d.Current(), pickerOpts{trueFalse: true})
	pk.focus()
	m.page.ask(pk)
}

func (m *drill) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if cmd, ok := m.asking(msg); ok {
		return m, cmd
	}
	switch msg := msg.(type) {
	case tickMsg:
		if msg.to != m.d || !m.running() {
			return m, nil // a tick of a drill that is over
		}
		if m.d.Over() {
			return m, m.finish()
		}
		return m, tick(m.d, m.d.Remaining())
	case savedMsg:
		m.saved(msg)
		if s, ok := msg.value.(drillSaved); ok && s.d == m.d && msg.err == nil {
			m.best = &s
		}
		m.layout()
		return m, nil
	case tea.KeyMsg:
		return m, m.key(msg)
	}
	return m, nil
}

func (m *drill) key(msg tea.KeyMsg) tea.Cmd {
	switch {
	case m.d == nil:
		if key.Matches(msg, keyStart) {
			return m.start()
		}
		return nil
	case m.over != nil:
		switch {
		case key.Matches(msg, keyAgain):
			m.seed++ // another set of questions, the same for everyone who started from one seed
			return m.start()
		case key.Matches(msg, keyDone):
			return common.Back
		case key.Matches(msg, keyRetry) && len(m.missed) > 0:
			return common.Push(newPractice(m.env, qz.NewRetry(retryQuestions(m.missed), m.env.clock), m.topic))
		case key.Matches(msg, keyRead):
			m.doc.scroll(msg)
		}
		return nil
	}
	if m.d.Over() {
		return m.finish()
	}
	pk := m.page.pick
	if key.Matches(msg, keyLeave) && !pk.typing() {
		m.prompt = &confirm{question: "Leave the drill?", detail: []string{"It has not finished, so it will not count as a drill; the answers you gave are kept for review."},
			yes: "leave", no: "keep going", onYes: m.leave}
		return nil
	}
	r, ok, cmd := answerKey(m.page, msg)
	if !ok {
		return cmd
	}
	return m.answer(r)
}

// leave records the answers of a drill left early, as practice would
// (so its misses come back in review), but no score, and goes back.
func (m *drill) leave() tea.Cmd {
	attempts := m.d.Result().Attempts
	if len(attempts) == 0 {
		return common.Back
	}
	return tea.Batch(m.env.rec.record(func(p *qz.Progress) any {
		for _, a := range attempts {
			p.Record(a)
		}
		return nil
	}), common.Back)
}

// answer has the answer judged, says right or wrong in the status line
// and moves on to the next question.
func (m *drill) answer(r qz.Response) tea.Cmd {
	q := m.d.Current()
	if hint := selectHint(q, r); hint != "" {
		m.setStatus(common.StatusInfo, hint)
		return nil
	}
	fb, err := m.d.Answer(r)
	switch {
	case errors.Is(err, qz.ErrTimeUp):
		return m.finish()
	case errors.Is(err, qz.ErrNoAnswer):
		m.setStatus(common.StatusInfo, noAnswerHint(q))
		return nil
	case err != nil:
		m.setStatus(common.StatusErr, err.Error())
		return nil
	}
	if fb.Correct {
		m.setStatus(common.StatusOK, "Last question: right, "+plainAnswer(q, qz.Response{Choices: q.Correct, Text: firstAccepted(q)})+".")
	} else {
		m.missed = append(m.missed, qz.Missed{Number: len(m.d.Result().Attempts), Feedback: fb})
		m.setStatus(common.StatusErr, fmt.Sprintf("Last question: the answer was %s, not %s.",
			plainAnswer(q, qz.Response{Choices: q.Correct, Text: firstAccepted(q)}), plainAnswer(q, r)))
	}
	m.ask()
	m.layout()
	return nil
}

// finish ends the drill and records it: its answers, and the best drill
// if this is one.
func (m *drill) finish() tea.Cmd {
	res := m.d.Result()
	m.over, m.prompt = &res, nil
	m.setStatus(common.StatusInfo, "")
	m.layout()
	d, at := m.d, m.env.clock.Now()
	return m.env.rec.record(func(p *qz.Progress) any {
		return drillSaved{d: d, newBest: p.RecordDrill(res, at)}
	})
}

func (m *drill) summarize() {
	st := m.env.st
	w := min(m.width-4, textWidth)
	res := m.over
	lines := []string{st.Heading.Render("Time! " + scoreLine(res.Score)), ""}
	lines = append(lines, fmt.Sprintf("Best streak: %d in a row.", res.BestStreak))
	switch {
	case m.best == nil:
		lines = append(lines, st.Muted.Render("Saving…"))
	case m.best.newBest && m.hadPrev:
		lines = append(lines, st.OK.Render(fmt.Sprintf("★ New best! %d right, before %d.", res.Score.Correct, m.prev.Correct)))
	case m.best.newBest:
		lines = append(lines, st.OK.Render(fmt.Sprintf("★ New best! %d right: the first drill %s.", res.Score.Correct, "on "+topicText(m.topic))))
	default:
		lines = append(lines, fmt.Sprintf("Best %s: %d right, on %s.", "on "+topicText(m.topic), m.prev.Correct, m.prev.At.Format("2 Jan 2006")))
	}
	if len(m.missed) > 0 {
		lines = append(lines, "", st.Heading.Render(fmt.Sprintf("Missed (%d)", len(m.missed)))+st.Muted.Render(" · ")+
			st.Key.Render("m")+st.Muted.Render(" reviews them now"))
		lines = append(lines, missedLines(m.env.ctx, m.missed, w)...)
	}
	m.doc.set(indent(lines), m.width, m.bodyHeight())
}

func (m *drill) View() string {
	left := "Drill · " + topicText(m.topic)
	switch {
	case m.d == nil:
		return m.draw(left, clock(qz.DefaultDrillLength), m.readyLines())
	case m.over != nil:
		return m.draw(left, "", m.doc.lines())
	}
	res := m.d.Result()
	right := fmt.Sprintf("streak %d · %d right · %s", m.d.Streak(), res.Score.Correct, m.countdown(m.d.Remaining()))
	return m.draw(left, right, m.page.view())
}

func (m *drill) readyLines() []string {
	st := m.env.st
	w := min(m.width-4, textWidth)
	lines := common.Wrap(fmt.Sprintf("%s %s: answer as many questions as you can. Each answer says at once whether it was right; a wrong one ends your streak.",
		clock(qz.DefaultDrillLength), "on "+topicText(m.topic)), w)
	lines = append(lines, "")
	if m.hadPrev {
		lines = append(lines, fmt.Sprintf("Your best %s: %d right, on %s.", "on "+topicText(m.topic), m.prev.Correct, m.prev.At.Format("2 Jan 2006")))
	} else {
		lines = append(lines, "No drill "+"on "+topicText(m.topic)+" yet.")
	}
	lines = append(lines, "", st.Muted.Render("Press ")+st.Key.Render("enter")+st.Muted.Render(" to start the clock."))
	return indent(lines)
}

func (m *drill) ShortHelp() []key.Binding {
	switch {
	case m.prompt != nil:
		return m.askKeys()
	case m.d == nil:
		return []key.Binding{keyStart}
	case m.over != nil:
		bs := []key.Binding{keyAgain, keyDone}
		if len(m.missed) > 0 {
			bs = append(bs, keyRetry)
		}
		if m.doc.scrolls() {
			bs = append(bs, keyRead)
		}
		return bs
	}
	return answerKeys(m.page)
}

func (m *drill) FullHelp() [][]key.Binding {
	if m.running() && m.prompt == nil && !m.page.pick.typing() {
		return [][]key.Binding{m.ShortHelp(), {keyLeave}}
	}
	return [][]key.Binding{m.ShortHelp()}
}

// plainAnswer is an answer as words, without the letters of a question
// no longer on screen: "21", "80, 443".
func plainAnswer(q qz.Question, r qz.Response) string {
	if q.Kind == qz.Typed {
		return "“" + strings.TrimSpace(r.Text) + "”"
	}
	var parts []string
	for _, i := range r.Choices {
		if i >= 0 && i < len(q.Choices) {
			parts = append(parts, q.Choices[i])
		}
	}
	return "“" + strings.Join(parts, ", ") + "”"
}

func firstAccepted(q qz.Question) string {
	if len(q.Accept) > 0 {
		return q.Accept[0]
	}
	return ""
}
