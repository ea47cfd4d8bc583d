package quiz

import (
	"errors"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	qz "github.com/sglab/sglab/quiz"
	"github.com/sglab/sglab/tui/common"
)

// practice asks questions one at a time, with the feedback right after
// each answer: the practice mode, and review, which is practice over the
// questions due again.
type practice struct {
	screen
	p      *qz.Practice
	topic  qz.Topic
	page   *page
	missed []qz.Missed
	doc    scroller // the summary, once done
}

func newPractice(e *env, p *qz.Practice, topic qz.Topic) *practice {
	m := &practice{screen: newScreen(e), p: p, topic: topic}
	m.page = newPage(e.ctx)
	m.ask()
	return m
}

// newReview starts a review of what is due now, at most limit questions
// (0: all).
func newReview(e *env, topic qz.Topic, limit int) *practice {
	return newPractice(e, qz.NewReview(e.progress, topic, limit, e.clock), topic)
}

// ask shows the current question, or the summary when there is none.
func (m *practice) ask() {
	q, ok := m.p.Current()
	if !ok {
		m.summarize()
		return
	}
	pk := newPicker(m.env.ctx, q, pickerOpts{trueFalse: true})
	pk.focus()
	m.page.ask(pk)
}

func (m *practice) Init() tea.Cmd { return nil }

func (m *practice) SetSize(w, h int) {
	m.width, m.height = w, h
	m.layout()
}

func (m *practice) layout() {
	m.page.setSize(m.width, m.bodyHeight())
	if m.p.Done() {
		m.summarize()
	}
}

// Capturing is true while the learner types an answer: letters are
// letters then, not keys.
func (m *practice) Capturing() bool { return !m.p.Done() && m.page.pick.typing() }

func (m *practice) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case savedMsg:
		m.saved(msg)
		m.layout() // the status may have grown to two lines
		return m, nil
	case tea.KeyMsg:
		return m, m.key(msg)
	}
	return m, nil
}

func (m *practice) key(msg tea.KeyMsg) tea.Cmd {
	if m.p.Done() {
		switch {
		case key.Matches(msg, keyDone):
			return common.Back
		case key.Matches(msg, keyRetry) && len(m.missed) > 0:
			return common.Push(newPractice(m.env, qz.NewRetry(retryQuestions(m.missed), m.env.clock), m.topic))
		case key.Matches(msg, keyRead):
			m.doc.scroll(msg)
		}
		return nil
	}
	if m.p.Answered() {
		switch {
		case key.Matches(msg, keyNext):
			m.p.Next()
			m.ask()
		case key.Matches(msg, keyScroll):
			m.page.scroll(msg)
		}
		return nil
	}
	r, ok, cmd := answerKey(m.page, msg)
	if !ok {
		return cmd
	}
	return m.answer(r)
}

// answer has the answer judged, shows the feedback and records it.
func (m *practice) answer(r qz.Response) tea.Cmd {
	if hint := selectHint(m.page.pick.q, r); hint != "" {
		m.setStatus(common.StatusInfo, hint)
		return nil
	}
	fb, err := m.p.Answer(r)
	if errors.Is(err, qz.ErrNoAnswer) {
		m.setStatus(common.StatusInfo, noAnswerHint(m.page.pick.q))
		return nil
	}
	if err != nil {
		m.setStatus(common.StatusErr, err.Error())
		return nil
	}
	m.setStatus(common.StatusInfo, "")
	if !fb.Correct {
		m.missed = append(m.missed, qz.Missed{Number: m.p.Index() + 1, Feedback: fb})
	}
	m.page.answered(fb)
	attempts := m.p.Attempts()
	last := attempts[len(attempts)-1]
	return m.env.rec.record(func(p *qz.Progress) any { p.Record(last); return nil })
}

// summarize lays out the summary that ends the session.
func (m *practice) summarize() {
	st := m.env.st
	w := min(m.width-4, textWidth)
	var lines []string
	switch {
	case m.p.Len() == 0:
		lines = m.nothingDue(w)
	default:
		score, topics := m.p.Score()
		title := "Practice done"
		if m.p.Mode() == qz.ModeReview {
			title = "Review done"
		}
		lines = append(lines, st.Heading.Render(title+": "+scoreLine(score)), "")
		if len(topics) > 1 {
			lines = append(lines, topicBars(m.env.ctx, topics, w)...)
			lines = append(lines, "")
		}
		var note string
		switch {
		case len(m.missed) > 0:
			note = fmt.Sprintf("The %d %s you missed %s back for review tomorrow; press m to review %s now.",
				len(m.missed), plural(len(m.missed), "question", "questions"), plural(len(m.missed), "comes", "come"), plural(len(m.missed), "it", "them"))
		case score.Total > 0:
			note = "No mistakes."
		default:
			note = "You skipped every question: nothing was recorded."
		}
		if m.p.Mode() == qz.ModeReview && score.Correct > 0 {
			note += " A question you got right comes back later each time (in 2, 4, 8, then 16 days), then leaves review."
		}
		lines = append(lines, common.Wrap(note, w)...)
		lines = append(lines, missedLines(m.env.ctx, m.missed, w)...)
	}
	m.doc.set(indent(lines), m.width, m.bodyHeight())
}

// nothingDue says that nothing is due, and when something will be.
func (m *practice) nothingDue(w int) []string {
	st := m.env.st
	now := m.env.clock.Now()
	lines := []string{st.Heading.Render("Nothing is due for review on " + topicText(m.topic) + "."), ""}
	next, ok := m.env.progress.NextReviewable(now)
	var text string
	switch {
	case ok:
		text = "The next question comes back " + dueText(next, now) + "."
	default:
		text = "Questions you get wrong in practice, drills and exams come back here the next day, then after 2, 4, 8 and 16 days while you keep getting them right."
	}
	return append(lines, common.Wrap(text, w)...)
}

func (m *practice) View() string {
	if m.p.Done() {
		return m.draw(m.what(), "", m.doc.lines())
	}
	score, _ := m.p.Score()
	right := ""
	if score.Total > 0 {
		right = fmt.Sprintf("%d of %d right", score.Correct, score.Total)
	}
	return m.draw(fmt.Sprintf("%s · question %d of %d", m.what(), m.p.Index()+1, m.p.Len()), right, m.page.view())
}

// what names the session: "Practice · ports".
func (m *practice) what() string {
	name := "Practice"
	if m.p.Mode() == qz.ModeReview {
		name = "Review"
	}
	return name + " · " + topicText(m.topic)
}

func (m *practice) ShortHelp() []key.Binding {
	switch {
	case m.p.Done():
		bs := []key.Binding{keyDone}
		if len(m.missed) > 0 {
			bs = append(bs, keyRetry)
		}
		if m.doc.scrolls() {
			bs = append(bs, keyRead)
		}
		return bs
	case m.p.Answered() && m.page.scrolls():
		return []key.Binding{keyNext, keyScroll}
	case m.p.Answered():
		return []key.Binding{keyNext}
	}
	return answerKeys(m.page)
}

func (m *practice) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
