package quiz

import (
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

// The number of questions the menu offers, per mode. 65 is the AWS Cloud
// Practitioner exam's length.
var counts = map[qz.Mode][]int{
	qz.ModePractice: {5, 10, 20, 40},
	qz.ModeExam:     {10, 20, 40, 65},
}

// menu chooses a quiz: the mode, the topic and, for practice and exams,
// how many questions. Each line is a row of options; ↑/↓ picks the line,
// ←/→ the option, enter starts.
type menu struct {
	screen
	row   int // 0 mode, 1 topic, 2 count
	mode  int // index in qz.Modes
	topic int // index in menuTopics
	count map[qz.Mode]int
}

// menuTopics are the topics, everything first.
var menuTopics = append([]qz.Topic{qz.AllTopics}, qz.Topics...)

func newMenu(e *env) *menu {
	return &menu{screen: newScreen(e), count: map[qz.Mode]int{
		qz.ModePractice: qz.DefaultPracticeCount, qz.ModeExam: qz.DefaultExamCount,
	}}
}

func (m *menu) Init() tea.Cmd { return nil }

func (m *menu) SetSize(w, h int) { m.width, m.height = w, h }

func (m *menu) selMode() qz.Mode   { return qz.Modes[m.mode] }
func (m *menu) selTopic() qz.Topic { return menuTopics[m.topic] }

// counts are the numbers of questions the mode and topic allow: no more
// than the bank has, when it has an end.
func (m *menu) counts() []int {
	all := counts[m.selMode()]
	limit := qz.Capacity(m.selTopic())
	if limit < 0 {
		return all
	}
	var out []int
	for _, n := range all {
		if n <= limit {
			out = append(out, n)
		}
	}
	if len(out) < len(all) {
		out = append(out, limit) // and the whole bank
	}
	return out
}

// countChoice is the number of questions chosen for the mode, the nearest
// one allowed when the topic has fewer.
func (m *menu) countChoice() int {
	cs := m.counts()
	want := m.count[m.selMode()]
	if slices.Contains(cs, want) {
		return want
	}
	best := cs[0]
	for _, c := range cs {
		if c <= want {
			best = c
		}
	}
	return best
}

// rows is how many lines the menu has: the count only for the modes that
// take one.
func (m *menu) rows() int {
	if counts[m.selMode()] == nil {
		return 2
	}
	return 3
}

func (m *menu) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case savedMsg:
		// A write the screen it came from did not live to see.
		m.saved(msg)
	case tea.KeyMsg:
		return m, m.key(msg)
	}
	return m, nil
}

func (m *menu) key(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, keyRow):
		n := m.rows()
		if backward(msg) {
			m.row = (m.row + n - 1) % n
		} else {
			m.row = (m.row + 1) % n
		}
	case key.Matches(msg, keyChange):
		d := 1
		if backward(msg) {
			d = -1
		}
		switch m.row {
		case 0:
			m.mode = (m.mode + d + len(qz.Modes)) % len(qz.Modes)
			m.row = min(m.row, m.rows()-1)
		case 1:
			m.topic = (m.topic + d + len(menuTopics)) % len(menuTopics)
		case 2:
			cs := m.counts()
			k := slices.Index(cs, m.countChoice())
			m.count[m.selMode()] = cs[(k+d+len(cs))%len(cs)]
		}
	case key.Matches(msg, keyStart):
		return m.start()
	}
	return nil
}

func (m *menu) start() tea.Cmd {
	o := qz.Options{Mode: m.selMode(), Topic: m.selTopic(), Seed: seedAt(m.env.clock.Now())}
	if m.rows() == 3 {
		o.Count = m.countChoice()
	}
	s, err := m.env.start(o)
	if err != nil {
		m.setStatus(common.StatusErr, err.Error())
		return nil
	}
	m.setStatus(common.StatusInfo, "")
	return common.Push(s)
}

func (m *menu) View() string {
	st := m.env.st
	w := min(m.width-4, textWidth)
	lines := common.Wrap(st.Muted.Render("Test yourself on ports, on how security groups behave, and on scenarios answered by the same engine as the lab."), w)
	lines = append(lines, "")
	labelW := len("Questions")
	row := func(k int, label string, options []string, chosen int) {
		lead := "  "
		if k == m.row {
			lead = st.Accent.Render(theme.Cursor) + " "
		}
		line := lead + st.Bold.Render(common.Fit(label, labelW)) + "  "
		if m.env.ctx.Accessible {
			// The choice in words, then the others: brackets around the
			// chosen one mean nothing to a screen reader.
			others := slices.Delete(slices.Clone(options), chosen, chosen+1)
			line = lead + st.Bold.Render(label+": "+options[chosen]) + st.Muted.Render(" (or "+strings.Join(others, ", ")+")")
			lines = append(lines, common.Hang("", line, w)...)
			return
		}
		for i, o := range options {
			switch {
			case i == chosen && k == m.row:
				line += st.Selected.Render("["+o+"]") + " "
			case i == chosen:
				line += st.Bold.Render("["+o+"]") + " "
			default:
				line += " " + o + "  "
			}
		}
		lines = append(lines, common.Hang("", line, w)...)
	}
	modes := make([]string, len(qz.Modes))
	for i, md := range qz.Modes {
		modes[i] = modeName(md)
	}
	if n := len(m.env.progress.Reviewable(m.env.clock.Now())); n > 0 {
		modes[slices.Index(qz.Modes, qz.ModeReview)] += fmt.Sprintf(" (%d due)", n)
	}
	row(0, "Mode", modes, m.mode)
	topics := make([]string, len(menuTopics))
	for i, t := range menuTopics {
		topics[i] = topicName(t)
	}
	row(1, "Topic", topics, m.topic)
	if m.rows() == 3 {
		cs := m.counts()
		opts := make([]string, len(cs))
		for i, c := range cs {
			opts[i] = strconv.Itoa(c)
		}
		row(2, "Questions", opts, slices.Index(cs, m.countChoice()))
	}
	lines = append(lines, "")
	lines = append(lines, common.Wrap(m.describe(), w)...)
	if facts := m.history(); facts != "" {
		lines = append(lines, "")
		lines = append(lines, common.Wrap(st.Faint.Render(facts), w)...)
	}
	return m.draw("choose a quiz", "", indent(lines))
}

// describe says what the chosen mode does, with the numbers it will use.
func (m *menu) describe() string {
	now := m.env.clock.Now()
	switch m.selMode() {
	case qz.ModeDrill:
		return fmt.Sprintf("Drill: %s on the clock, as many questions as you can; a wrong answer ends your streak, and your best score is kept.", clock(qz.DefaultDrillLength))
	case qz.ModeExam:
		n := m.countChoice()
		return fmt.Sprintf("Exam: %d questions in %s. Answers can change and questions can be flagged until you submit; then the score per topic, and every mistake explained.", n, clock(qz.ExamTime(n)))
	case qz.ModeReview:
		if n := len(m.env.progress.Reviewable(now)); n > 0 {
			return fmt.Sprintf("Review: the %d %s you got wrong that %s due again, practice style.", n, plural(n, "question", "questions"), plural(n, "is", "are"))
		}
		if next, ok := m.env.progress.NextReviewable(now); ok {
			return "Review: nothing is due. The next question comes back " + dueText(next, now) + "."
		}
		return "Review: the questions you get wrong come back the next day, then after 2, 4, 8 and 16 days. Nothing is waiting yet."
	}
	return fmt.Sprintf("Practice: %d questions, one at a time; after each answer, whether it was right, why, and the lesson that teaches it.", m.countChoice())
}

// history recalls the last exam and the best drill, when there are.
func (m *menu) history() string {
	p := m.env.progress
	var facts []string
	if n := len(p.Exams); n > 0 {
		e := p.Exams[n-1]
		facts = append(facts, fmt.Sprintf("Last exam: %s on %s.", e.Score, e.At.Format("2 Jan 2006")))
	}
	if b, ok := p.BestDrill(m.selTopic(), qz.DefaultDrillLength); ok {
		facts = append(facts, fmt.Sprintf("Best drill on %s: %d right.", topicText(m.selTopic()), b.Correct))
	}
	return strings.Join(facts, " ")
}

func modeName(md qz.Mode) string {
	switch md {
	case qz.ModeDrill:
		return "Drill"
	case qz.ModeExam:
		return "Exam"
	case qz.ModeReview:
		return "Review"
	}
	return "Practice"
}

// topicText names a topic in running text: "ports", "all topics".
func topicText(t qz.Topic) string {
	if t == qz.AllTopics {
		return "all topics"
	}
	return string(t)
}

func topicName(t qz.Topic) string {
	switch t {
	case qz.Ports:
		return "Ports"
	case qz.Concepts:
		return "Concepts"
	case qz.Scenarios:
		return "Scenarios"
	}
	return "All"
}

func (m *menu) ShortHelp() []key.Binding { return []key.Binding{keyRow, keyChange, keyStart} }

func (m *menu) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
