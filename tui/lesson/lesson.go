package lesson

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/internal/safetext"
	"github.com/sglab/sglab/lessons"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/lab"
	"github.com/sglab/sglab/tui/theme"
)

// lessonView is one lesson: its pages, then its check questions one at a
// time, then the end, which marks the lesson done and offers the next.
type lessonView struct {
	l      *learner
	lesson *lessons.Lesson
	step   int // a page, then a question, then the end
	vp     viewport.Model
	keys   lessonKeys

	width, height int
	more          bool // the text is taller than the screen: say so
}

type lessonKeys struct {
	Next, Prev, Lab, NextLesson, Answer key.Binding
	scroll                              viewport.KeyMap
}

// textWidth bounds the lines of text: longer ones are hard to read.
const textWidth = 80

func newLesson(l *learner, ls *lessons.Lesson, page int) *lessonView {
	m := &lessonView{l: l, lesson: ls, step: page, vp: newViewport()}
	m.keys = lessonKeys{
		Next:       bind([]string{"right", "n"}, "→/n", "next"),
		Prev:       bind([]string{"left", "p"}, "←/p", "back"),
		Lab:        bind([]string{"enter", "c"}, "enter", "open the lab"),
		NextLesson: bind([]string{"enter"}, "enter", "next lesson"),
		Answer:     bind(nil, "", "answer"), // the letters of the question's choices: syncKeys sets them
		scroll:     m.vp.KeyMap,
	}
	return m
}

func (m *lessonView) pages() int { return len(m.lesson.Pages) }
func (m *lessonView) end() int   { return m.pages() + len(m.lesson.Questions) }

// page is the page on screen, or nil past the pages.
func (m *lessonView) page() *lessons.Page {
	if m.step < m.pages() {
		return &m.lesson.Pages[m.step]
	}
	return nil
}

// question is the question on screen, or nil.
func (m *lessonView) question() *lessons.Question {
	if k := m.step - m.pages(); k >= 0 && k < len(m.lesson.Questions) {
		return m.lesson.Questions[k]
	}
	return nil
}

// answer is the learner's answer to q, if any; q may be nil.
func (m *lessonView) answer(q *lessons.Question) (lessons.Answer, bool) {
	if q == nil {
		return lessons.Answer{}, false
	}
	a, ok := m.l.progress.Lesson(m.lesson.ID).Answers[q.ID]
	return a, ok
}

func (m *lessonView) next() *lessons.Lesson {
	if k := m.l.number(m.lesson); k < len(m.l.course.Lessons) {
		return m.l.course.Lessons[k]
	}
	return nil
}

// Init records that the lesson is open, where the learner resumes.
func (m *lessonView) Init() tea.Cmd {
	m.l.opened = m.lesson.ID
	id, page := m.lesson.ID, min(m.step, m.pages()-1)
	return tea.Batch(m.l.record(func(p *lessons.Progress) {
		p.Open(id)
		p.SetPage(id, page)
	}), m.renders())
}

func (m *lessonView) SetSize(w, h int) {
	m.width, m.height = w, h
	m.layout()
}

// Resized renders the text at the new width; the lesson is also laid out
// again when it comes back from the lab, with the lab's goals.
func (m *lessonView) Resized() tea.Cmd {
	m.layout()
	return m.renders()
}

func (m *lessonView) Close() error { return m.l.Close() }

// textW is the width the text is wrapped at.
func (m *lessonView) textW() int { return min(max(m.width-2*margin, 10), textWidth) }

// renders asks for the Markdown of this step and of the next, so that
// stepping on shows the page at once.
func (m *lessonView) renders() tea.Cmd {
	var cmds []tea.Cmd
	for _, step := range []int{m.step, m.step + 1} {
		for _, src := range m.markdownOf(step) {
			cmds = append(cmds, m.l.md.request(src, m.textW()))
		}
	}
	return tea.Batch(cmds...)
}

// markdownOf is the Markdown that step shows, made safe to draw.
func (m *lessonView) markdownOf(step int) []string {
	switch k := step - m.pages(); {
	case step < m.pages():
		return []string{safetext.Block(m.lesson.Pages[step].Markdown)}
	case k < len(m.lesson.Questions):
		q := m.lesson.Questions[k]
		return []string{safetext.Block(q.Prompt), safetext.Block(q.Explanation)}
	}
	return nil
}

func (m *lessonView) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.l.absorb(msg) {
		m.layout()
		return m, nil
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	m.syncKeys()
	k := m.keys
	switch {
	case key.Matches(km, k.Next) && k.Next.Enabled():
		return m, m.goTo(m.step + 1)
	case key.Matches(km, k.Prev) && k.Prev.Enabled():
		return m, m.goTo(m.step - 1)
	case key.Matches(km, k.Lab) && k.Lab.Enabled():
		return m, m.openLab(m.page().Challenge)
	case key.Matches(km, k.NextLesson) && k.NextLesson.Enabled():
		m.l.moved()
		w, h := m.width, m.height
		*m = *newLesson(m.l, m.next(), 0)
		m.SetSize(w, h)
		return m, m.Init()
	case key.Matches(km, k.Answer) && k.Answer.Enabled():
		return m, m.answerWith(km.String())
	}
	var cmd tea.Cmd
	m.vp, cmd = m.vp.Update(km)
	return m, cmd
}

// goTo shows another step and records it: the last page seen is where the
// learner resumes; reaching the end finishes the lesson.
func (m *lessonView) goTo(step int) tea.Cmd {
	m.step = step
	m.layout()
	m.vp.GotoTop()
	id, page := m.lesson.ID, min(step, m.pages()-1)
	change := func(p *lessons.Progress) { p.SetPage(id, page) }
	if step == m.end() {
		change = func(p *lessons.Progress) {
			p.SetPage(id, page)
			p.Finish(id)
		}
	}
	return tea.Batch(m.l.record(change), m.renders())
}

func (m *lessonView) answerWith(letter string) tea.Cmd {
	q := m.question()
	choice := slices.Index(answerKeys, letter)
	id := m.lesson.ID
	cmd := m.l.record(func(p *lessons.Progress) { p.RecordAnswer(id, q, choice) })
	m.layout()
	return cmd
}

func (m *lessonView) openLab(c *lessons.Challenge) tea.Cmd {
	m.l.moved()
	lb := m.lab(c)
	if lb == nil {
		w := c.Start()
		opts := []lab.Option{lab.WithSidePanel("Goals", newGoals(m.l, m.lesson, c, w)), lab.WithLeave("go back to the lesson")}
		for _, g := range c.Goals {
			if g.Conn != nil { // the pickers start on the first connection to make work
				opts = append(opts, lab.WithConnection(*g.Conn))
				break
			}
		}
		lb = lab.New(m.l.ctx, w, opts...)
		m.l.labs[labKey(m.lesson, c)] = lb
	}
	return common.Push(lb)
}

// lab is the lab the learner opened on challenge c in this session, or nil.
func (m *lessonView) lab(c *lessons.Challenge) *lab.Model { return m.l.labs[labKey(m.lesson, c)] }

func labKey(ls *lessons.Lesson, c *lessons.Challenge) string { return ls.ID + "/" + c.ID }

// syncKeys enables the keys that do something on this step.
func (m *lessonView) syncKeys() {
	k := &m.keys
	q := m.question()
	_, answered := m.answer(q)
	k.Prev.SetEnabled(m.step > 0)
	k.Next.SetEnabled(m.step < m.end() && (q == nil || answered))
	k.Lab.SetEnabled(m.page() != nil && m.page().Challenge != nil)
	k.NextLesson.SetEnabled(m.step == m.end() && m.next() != nil)
	k.Answer.SetEnabled(q != nil && !answered)
	if q != nil {
		letters := answerKeys[:len(q.Choices)]
		k.Answer.SetKeys(letters...)
		k.Answer.SetHelp(letters[0]+"–"+letters[len(letters)-1], "answer")
	}
	switch {
	case m.step == m.end()-1:
		k.Next.SetHelp("→/n", "finish")
	case m.step == m.pages()-1:
		k.Next.SetHelp("→/n", "questions")
	default:
		k.Next.SetHelp("→/n", "next")
	}
}

func (m *lessonView) ShortHelp() []key.Binding {
	m.syncKeys()
	k := m.keys
	return []key.Binding{k.Lab, k.NextLesson, k.Answer, k.Next, k.Prev, k.scroll.PageDown}
}

func (m *lessonView) FullHelp() [][]key.Binding {
	m.syncKeys()
	k := m.keys
	return [][]key.Binding{{k.Next, k.Prev, k.Lab, k.Answer, k.NextLesson}, scrollHelp(k.scroll)}
}

// Layout: a header, the text in a viewport, a line that says there is
// more below when there is, and the status line.

func (m *lessonView) layout() {
	if m.width <= 0 || m.height <= 0 {
		return
	}
	content := m.content()
	notes := len(m.l.note.lines(m.l.ctx, m.width-2*margin))
	room := max(m.height-2-notes, 1)
	m.more = len(content) > room
	if m.more {
		room = max(room-1, 1)
	}
	m.vp.Width, m.vp.Height = m.width, room
	m.vp.SetContent(common.JoinLines(content))
}

func (m *lessonView) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	st := m.l.ctx.Styles
	w := m.width - 2*margin
	where := "the end"
	switch {
	case m.page() != nil:
		where = fmt.Sprintf("page %d of %d", m.step+1, m.pages())
	case m.question() != nil:
		where = fmt.Sprintf("question %d of %d", m.step-m.pages()+1, len(m.lesson.Questions))
	}
	head := st.Title.Render(fmt.Sprintf("Lesson %d", m.l.number(m.lesson))) + st.Muted.Render(" · "+safe(m.lesson.Title))
	lines := []string{pad(spread(head, st.Muted.Render(where), w)), ""}
	lines = append(lines, common.Pad(common.Lines(m.vp.View()), m.width, m.vp.Height)...)
	if m.more {
		hint := fmt.Sprintf("%d%% · space for more", int(m.vp.ScrollPercent()*100))
		if m.vp.AtBottom() {
			hint = "the end of the page"
		}
		lines = append(lines, pad(spread("", st.Faint.Render(hint), w)))
	}
	for _, l := range m.l.note.lines(m.l.ctx, w) {
		lines = append(lines, pad(l))
	}
	return common.JoinLines(common.Pad(lines, m.width, m.height))
}

// pad indents a line by the screen's margin.
func pad(s string) string { return strings.Repeat(" ", margin) + s }

// content is what the viewport holds for this step.
func (m *lessonView) content() []string {
	var lines []string
	switch p, q := m.page(), m.question(); {
	case p != nil:
		lines = m.markdown(p.Markdown)
		if p.Challenge != nil {
			lines = append(append(lines, ""), m.challengeBox(p.Challenge)...)
		}
	case q != nil:
		lines = m.questionView(q)
	default:
		lines = m.endView()
	}
	for k := range lines {
		lines[k] = pad(lines[k])
	}
	return lines
}

// markdown is src rendered, or as written while the rendering is on its
// way. The text comes from a lesson file: control characters in it show
// escaped (safetext.Block), whatever the renderer does with them.
func (m *lessonView) markdown(src string) []string {
	return m.l.md.get(safetext.Block(src), m.textW())
}

// challengeBox shows a page's challenge: the task, the goals as the lab
// would show them now (the learner's lab when it is open in this
// session, else the starting world the lab opens on), and how to start.
func (m *lessonView) challengeBox(c *lessons.Challenge) []string {
	st := m.l.ctx.Styles
	w := m.textW() - 2
	lb := m.lab(c)
	var check lessons.Checklist
	if lb != nil {
		check = c.Check(lb.World())
	} else {
		check = c.Check(c.Start())
	}
	solved := m.l.progress.Challenge(m.lesson.ID, c.ID).Solved
	lines := []string{st.Heading.Render("Challenge · " + safe(c.Title))}
	lines = append(lines, wrap(inline(st, c.Task), w)...)
	lines = append(lines, "")
	for _, g := range check.Goals {
		lines = append(lines, goalLine(m.l.ctx, g.Goal.Label, g.Met, w)...)
	}
	var how string
	pass := m.l.ctx.Mark(theme.Pass+" ", "")
	switch {
	case solved && check.Solved():
		how = st.OK.Render(pass+"Solved.") + " " + st.Muted.Render("Press enter to open the lab again, n to go on.")
	case solved && lb != nil:
		how = st.OK.Render(pass+"Solved before.") + " " + st.Muted.Render("Your lab meets "+metCount(check)+" now. Press enter to go back to it, n to go on.")
	case solved:
		how = st.OK.Render(pass+"Solved on an earlier visit.") + " " + st.Muted.Render("The lab starts over from the beginning: press enter to open it, n to go on.")
	case lb != nil:
		how = st.Muted.Render(capital(metCount(check)) + ". Press enter to go back to the lab.")
	default:
		how = st.Key.Render("Press enter to open the lab.") + " " + st.Muted.Render(labHowTo(c.Start()))
	}
	lines = append(append(lines, ""), wrap(how, w)...)
	bar := st.Accent.Render("┃ ")
	for k := range lines {
		lines[k] = bar + lines[k]
	}
	return lines
}

// labHowTo is how a challenge on world w is done, for learners new to the
// lab: where w has subnets, the network ACLs may be what to change.
func labHowTo(w *engine.World) string {
	what := "a group in the World pane and press enter for its rules"
	if len(w.Subnets) > 0 {
		what = "a group or a network ACL in the World pane and press enter for its rules or entries"
	}
	return "In the lab, pick " + what + ", then a to add one; " +
		"the goals tick as soon as they are met, h gives a hint, and b comes back here."
}

// safe makes one line of text from a lesson file safe to draw.
func safe(s string) string { return safetext.Line(s) }

// capital makes the first letter of s a capital.
func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// goalLine is one goal of a checklist: ✓ when met, ○ while not, or in
// accessible mode the words "met" and "not met".
func goalLine(ctx *common.Context, label string, met bool, width int) []string {
	st := ctx.Styles
	mark := st.Faint.Render(ctx.Mark(markNotStarted+" ", "Not met: "))
	if met {
		mark = st.OK.Render(ctx.Mark(markDone+" ", "Met: "))
	}
	return hang(mark, st.Text.Render(safe(label)), width)
}

func (m *lessonView) questionView(q *lessons.Question) []string {
	ctx := m.l.ctx
	st := ctx.Styles
	w := m.textW()
	lines := []string{st.Heading.Render("Check question"), ""}
	lines = append(lines, m.markdown(q.Prompt)...)
	lines = append(lines, "")
	a, answered := m.answer(q)
	for c, choice := range q.Choices {
		choice = safe(choice)
		head := "  " + st.Key.Render(answerKeys[c]) + "  "
		text := st.Text.Render(choice)
		if ctx.Accessible {
			head = st.Key.Render(answerKeys[c]) + ") "
		}
		switch {
		case answered && c == q.Answer && ctx.Accessible:
			text = st.OK.Render(choice + " (the right answer" + map[bool]string{true: ", yours", false: ""}[a.Choice == c] + ")")
		case answered && c == q.Answer:
			head, text = st.OK.Render(theme.Pass+" ")+st.Key.Render(answerKeys[c])+"  ", st.OK.Render(choice)
		case answered && c == a.Choice && ctx.Accessible:
			text = st.Error.Render(choice + " (your answer, wrong)")
		case answered && c == a.Choice:
			head = st.Error.Render(theme.Fail+" ") + st.Key.Render(answerKeys[c]) + "  "
		}
		lines = append(lines, hang(head, text, w)...)
	}
	if !answered {
		letters := answerKeys[:len(q.Choices)]
		return append(lines, "", st.Muted.Render(fmt.Sprintf("Press %s or %s to answer.",
			strings.Join(letters[:len(letters)-1], ", "), letters[len(letters)-1])))
	}
	lines = append(lines, "")
	if a.Correct {
		lines = append(lines, st.OK.Render(ctx.Mark(theme.Pass+" ", "")+"Right."))
	} else {
		lines = append(lines, st.Error.Render(fmt.Sprintf("%sNot quite: the answer is %s.", ctx.Mark(theme.Fail+" ", ""), answerKeys[q.Answer])))
	}
	return append(lines, m.markdown(q.Explanation)...)
}

func (m *lessonView) endView() []string {
	ctx := m.l.ctx
	st := ctx.Styles
	w := m.textW()
	id := m.lesson.ID
	lines := []string{st.OK.Render(ctx.Mark(theme.Pass+" ", "")) + st.Heading.Render(fmt.Sprintf("Lesson %d done: %s", m.l.number(m.lesson), safe(m.lesson.Title))), ""}
	for _, c := range m.lesson.Challenges {
		cp := m.l.progress.Challenge(id, c.ID)
		how := st.Faint.Render(ctx.Mark(markNotStarted+" ", "")) + safe(c.Title) + st.Muted.Render(" (not solved yet: it is on page "+fmt.Sprint(m.pageOf(c)+1)+")")
		if cp.Solved {
			how = st.OK.Render(ctx.Mark(markDone+" ", "")) + safe(c.Title) + st.Muted.Render(" (solved)")
		}
		lines = append(lines, hang("Challenge  ", how, w)...)
	}
	if n := len(m.lesson.Questions); n > 0 {
		right := 0
		for _, q := range m.lesson.Questions {
			if a, ok := m.answer(q); ok && a.Correct {
				right++
			}
		}
		lines = append(lines, fmt.Sprintf("Questions  %d of %d right", right, n))
	}
	lines = append(lines, "")
	if next := m.next(); next != nil {
		lines = append(lines, wrap(fmt.Sprintf("Next: lesson %d, %s. %s", m.l.number(next), safe(next.Title),
			st.Key.Render("Press enter to start it.")), w)...)
		return append(lines, wrap(st.Muted.Render(safe(next.Summary)), w)...)
	}
	return append(lines, wrap("That was the last lesson of the course. Press esc for the list of lessons.", w)...)
}

func (m *lessonView) pageOf(c *lessons.Challenge) int {
	for k, p := range m.lesson.Pages {
		if p.Challenge == c {
			return k
		}
	}
	return 0
}
