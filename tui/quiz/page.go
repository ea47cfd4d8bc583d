package quiz

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	qz "github.com/sglab/sglab/quiz"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/theme"
)

// Layout constants of a question page.
const (
	// wideWidth is where a scenario's exhibit moves beside the question
	// instead of below it.
	wideWidth = 120
	// questionColumn is the question's column beside an exhibit: enough
	// for a choice in two lines, leaving the tables their room.
	questionColumn = 46
	// textWidth bounds prose in a wide terminal, to keep it readable.
	textWidth = 76
	// minBox is the smallest useful box: its frame and three lines. With
	// less room, the whole page scrolls as one.
	minBox = 5
)

// scroller is a bubbles viewport over lines the page has drawn already,
// with the few moves the quiz needs.
type scroller struct{ vp viewport.Model }

func (s *scroller) set(lines []string, width, height int) {
	s.vp.Width, s.vp.Height = max(width, 0), max(height, 0)
	s.vp.SetContent(common.JoinLines(lines))
	s.vp.SetYOffset(s.vp.YOffset) // clamp to the new content
}

// scroll moves by a page for pgup/pgdn, and by a line for the other keys.
func (s *scroller) scroll(msg tea.KeyMsg) {
	n := 1
	switch msg.String() {
	case "pgup", "pgdown":
		n = max(s.vp.Height-1, 1)
	case "home":
		s.vp.GotoTop()
		return
	case "end":
		s.vp.GotoBottom()
		return
	}
	if backward(msg) {
		s.vp.ScrollUp(n)
	} else {
		s.vp.ScrollDown(n)
	}
}

// show scrolls the least that brings line y into view.
func (s *scroller) show(y int) {
	switch {
	case y < s.vp.YOffset:
		s.vp.SetYOffset(y)
	case y >= s.vp.YOffset+s.vp.Height:
		s.vp.SetYOffset(y - s.vp.Height + 1)
	}
}

func (s *scroller) lines() []string { return common.Lines(s.vp.View()) }

// scrolls reports whether there is more than fits.
func (s *scroller) scrolls() bool { return s.vp.TotalLineCount() > s.vp.Height }

// where says which lines show: "lines 4-12 of 30".
func (s *scroller) where() string {
	top := s.vp.YOffset + 1
	return fmt.Sprintf("lines %d-%d of %d", top, min(s.vp.YOffset+s.vp.Height, s.vp.TotalLineCount()), s.vp.TotalLineCount())
}

// page lays out a question: the question (prompt and choices) first, and
// a scrollable box with what does not fit beside it: a scenario's exhibit,
// and the feedback once answered when there is no room under the
// choices. At 120 columns and more the box stands beside the question;
// below that, under it. When not even a small box fits, the whole page
// scrolls as one, the cursor kept in view.
type page struct {
	ctx           *common.Context
	st            *theme.Styles
	pick          *picker
	feedback      *qz.Feedback
	width, height int

	// The layout, redone by refresh after every change.
	wide     bool
	textW    int
	question []string // the question, then the feedback when it fits under it
	box      scroller
	boxW     int  // the box's frame, as wide as the terminal below wideWidth
	boxed    bool // the box is there
	fbInBox  bool // the feedback is in the box, above the exhibit
	whole    bool // the page scrolls as one: question, feedback and exhibit in the box
	// cursorLine is the line of the cursor's choice in the question.
	cursorLine int
	// exhibit caches the exhibit's lines at exhibitW.
	exhibit  []string
	exhibitW int
}

func newPage(ctx *common.Context) *page { return &page{ctx: ctx, st: ctx.Styles} }

// ask shows a new question, the box back at its top.
func (g *page) ask(p *picker) {
	g.pick, g.feedback, g.exhibit = p, nil, nil
	g.box.vp.SetYOffset(0)
	g.refresh()
}

// answered shows the feedback, from its first line.
func (g *page) answered(fb qz.Feedback) {
	g.feedback = &fb
	g.pick.reveal = &fb
	g.pick.input.Blur()
	g.box.vp.SetYOffset(0)
	g.refresh()
}

func (g *page) setSize(w, h int) {
	g.width, g.height = w, h
	g.refresh()
}

func (g *page) exhibitLines(width int) []string {
	if g.exhibit == nil || g.exhibitW != width {
		g.exhibit, g.exhibitW = exhibitLines(g.ctx, g.pick.q.Exhibit, width), width
	}
	return g.exhibit
}

// refresh lays the page out again; the screens call it after every
// change, so that View only draws.
func (g *page) refresh() {
	if g.pick == nil || g.width <= 0 || g.height <= 0 {
		return
	}
	hasExhibit := g.pick.q.Exhibit != nil
	// Never beside the question in accessible mode: a screen reader reads
	// across the screen, mixing the two.
	g.wide = hasExhibit && g.width >= wideWidth && !g.ctx.Accessible
	g.textW = min(g.width-4, textWidth)
	boxW, boxH := g.width, 0
	if g.wide {
		g.textW = questionColumn - 4
		boxW = g.width - questionColumn
	}
	q, cursorLine := g.pick.render(g.textW)
	var fb []string
	if g.feedback != nil {
		fb = feedbackLines(g.ctx, *g.feedback, g.textW)
	}
	fits := len(fb) == 0 || len(q)+1+len(fb) <= g.height
	var content []string
	needBox := g.wide || hasExhibit || !fits
	switch {
	case g.wide:
		boxH = g.height
	case needBox:
		boxH = g.height - len(q) - 1
	}
	g.boxed = needBox
	g.whole = needBox && !g.wide && boxH < minBox
	inner := boxW - 4
	g.fbInBox = fb != nil && (!fits || g.boxed && !g.wide)
	if g.fbInBox {
		// The feedback goes in the box, above the exhibit, when it does
		// not fit under the choices or the exhibit takes that room.
		content = append(feedbackLines(g.ctx, *g.feedback, inner), "")
		fb = nil
	}
	if hasExhibit {
		content = append(content, g.exhibitLines(inner)...)
	}
	if g.whole {
		// No room for a box under the question: one box over the whole
		// page, the question first.
		boxH = g.height
		content = append(append(q, ""), content...)
		q = nil
	}
	if len(fb) > 0 {
		q = append(append(q, ""), fb...)
	}
	g.question, g.cursorLine, g.boxW = q, cursorLine, boxW
	g.box.set(content, inner, boxH-2)
}

// follow scrolls a page that scrolls as one to the cursor's choice.
func (g *page) follow() {
	if g.whole {
		g.box.show(g.cursorLine)
	}
}

// title names what the box holds, and which of its lines show when it
// scrolls.
func (g *page) title() string {
	t := "Exhibit"
	switch {
	case g.whole:
		t = "Question"
	case g.fbInBox && g.pick.q.Exhibit != nil:
		t = "Answer, then the exhibit"
	case g.fbInBox:
		t = "Answer"
	}
	if g.box.scrolls() {
		t += " · " + g.box.where()
	}
	return t
}

// scroll scrolls the box.
func (g *page) scroll(msg tea.KeyMsg) { g.box.scroll(msg) }

// scrolls reports whether the box has more than it shows.
func (g *page) scrolls() bool { return g.boxed && g.box.scrolls() }

// view draws the page in exactly width × height cells.
func (g *page) view() []string {
	if g.pick == nil || g.width <= 0 || g.height <= 0 {
		return common.Pad(nil, g.width, g.height)
	}
	var box []string
	if g.boxed {
		box = common.Frame(g.st, g.title(), g.box.lines(), g.boxW, g.box.vp.Height+2, false)
	}
	if g.wide {
		left := common.Pad(indent(clone(g.question)), questionColumn, g.height)
		return common.Beside(left, box)
	}
	lines := indent(clone(g.question))
	if len(lines) > 0 && g.boxed {
		lines = append(lines, "")
	}
	return common.Pad(append(lines, box...), g.width, g.height)
}

func clone(lines []string) []string { return append([]string(nil), lines...) }

// feedbackLines says whether the answer was right, what the right answer
// is, why, and which lesson teaches it.
func feedbackLines(ctx *common.Context, fb qz.Feedback, width int) []string {
	st := ctx.Styles
	lines := []string{st.OK.Render(ctx.Mark(theme.Pass+" ", "") + "Right.")}
	if !fb.Correct {
		lines = []string{st.Error.Render(ctx.Mark(theme.Fail+" ", "") + "Not quite.")}
		lines = append(lines, para(st.Text, "The answer is "+fb.Answer+".", width)...)
		lines = append(lines, para(st.Muted, "You answered "+fb.Given+".", width)...)
	}
	lines = append(lines, "")
	lines = append(lines, para(st.Text, fb.Explanation, width)...)
	lines = append(lines, "")
	lines = append(lines, hang(st.Muted.Render("Taught in "), st.Accent, lessonTitle(fb.Lesson), width)...)
	return append(lines, docLine(st, fb.Question.Doc, width)...)
}

// docLine names the AWS documentation page a question rests on, as text:
// an address too long for the line is broken after a slash, where a reader
// (and most terminals' selection) can put it back together.
func docLine(st *theme.Styles, doc string, width int) []string {
	if doc == "" {
		return nil
	}
	head := "AWS docs: "
	room := max(width-len(head), 20)
	var lines []string
	line := ""
	for rest := doc; rest != ""; {
		part := rest
		if k := strings.Index(rest[min(1, len(rest)):], "/"); k >= 0 {
			part = rest[:k+2]
		}
		rest = rest[len(part):]
		if line != "" && len(line)+len(part) > room {
			lines, line = append(lines, line), ""
		}
		line += part
	}
	lines = append(lines, line)
	for k, l := range lines {
		lines[k] = strings.Repeat(" ", len(head)) + st.Text.Render(l)
		if k == 0 {
			lines[k] = st.Muted.Render(head) + st.Text.Render(l)
		}
	}
	return lines
}
