package lesson

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/sglab/sglab/lessons"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/theme"
)

// Status marks, readable without colour.
const (
	markDone       = theme.Pass
	markInProgress = "◐"
	markNotStarted = "○"
)

// course is the list of lessons with the learner's progress in each.
type course struct {
	l      *learner
	rows   []row
	cursor int // indexes the course's lessons
	top    int // the first row shown
	// resume is the lesson to open on top as soon as the course opens.
	resume *lessonView
	// confirm is the lesson a reset would forget ("" for every lesson),
	// while asking; asking says whether it is asking.
	confirm string
	asking  bool
	keys    courseKeys
	// number is the lesson number typed so far, and when its last digit
	// came: a second digit soon after makes it two-digit ("12").
	number string
	typed  time.Time

	width, height int
}

// row is a line of the list: a lesson, or the name of a pack.
type row struct {
	lesson  int // index in the course; -1 for a heading
	heading string
}

type courseKeys struct {
	Up, Down, Top, Bottom, Number, Open, Reset, ResetAll, Yes, No key.Binding
}

func newCourse(l *learner) *course {
	c := &course{l: l, keys: courseKeys{
		Up:       bind([]string{"up", "k"}, "↑/k", "up"),
		Down:     bind([]string{"down", "j"}, "↓/j", "down"),
		Top:      bind([]string{"home", "g"}, "home", "first"),
		Bottom:   bind([]string{"end", "G"}, "end", "last"),
		Number:   bind(strings.Split("0123456789", ""), "1-9", "go to lesson"),
		Open:     bind([]string{"enter"}, "enter", "open"),
		Reset:    bind([]string{"r"}, "r", "reset lesson"),
		ResetAll: bind([]string{"R"}, "R", "reset all"),
		Yes:      bind([]string{"y", "Y"}, "y", "reset"),
		No:       bind([]string{"n", "N", "esc"}, "n", "keep"),
	}}
	packs := 0
	for k, ls := range l.course.Lessons {
		if k == 0 || ls.Pack != l.course.Lessons[k-1].Pack {
			packs++
			c.rows = append(c.rows, row{lesson: -1, heading: packTitle(ls.Pack)})
		}
		c.rows = append(c.rows, row{lesson: k})
	}
	if packs == 1 { // the built-in course alone needs no heading
		c.rows = c.rows[1:]
	}
	if ls, _ := l.progress.Resume(l.course); ls != nil {
		c.cursor = l.course.Index(ls.ID)
	}
	return c
}

func packTitle(pack string) string {
	if pack == lessons.BuiltinName {
		return "Built-in course"
	}
	return "Pack " + safe(pack)
}

func (c *course) Init() tea.Cmd {
	if r := c.resume; r != nil {
		c.resume = nil
		return common.Push(r)
	}
	return nil
}

// Resized puts the cursor on the lesson the learner just left, when the
// course comes back on top.
func (c *course) Resized() tea.Cmd {
	if k := c.l.course.Index(c.l.opened); k >= 0 {
		c.cursor = k
		c.l.opened = ""
		c.l.moved()
	}
	c.scroll()
	return nil
}

func (c *course) SetSize(w, h int) {
	c.width, c.height = w, h
	c.scroll()
}

// Capturing: while asking whether to reset, every key answers.
func (c *course) Capturing() bool { return c.asking }

func (c *course) Close() error { return c.l.Close() }

func (c *course) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if c.l.absorb(msg) {
		return c, nil
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return c, nil
	}
	if c.asking {
		c.asking = false
		if key.Matches(km, c.keys.Yes) {
			return c, c.reset()
		}
		c.l.note = note{"Nothing was reset.", common.StatusInfo}
		return c, nil
	}
	c.syncKeys()
	n := len(c.l.course.Lessons)
	switch k := c.keys; {
	case key.Matches(km, k.Up):
		c.cursor = max(c.cursor-1, 0)
	case key.Matches(km, k.Down):
		c.cursor = min(c.cursor+1, n-1)
	case key.Matches(km, k.Top):
		c.cursor = 0
	case key.Matches(km, k.Bottom):
		c.cursor = n - 1
	case key.Matches(km, k.Number):
		c.jump(km.String())
		c.scroll()
		return c, nil
	case key.Matches(km, k.Open):
		c.l.moved()
		ls := c.l.course.Lessons[c.cursor]
		page := 0
		if lp := c.l.progress.Lesson(ls.ID); lp.Status == lessons.InProgress {
			page = min(lp.Page, len(ls.Pages)-1)
		}
		return c, common.Push(newLesson(c.l, ls, page))
	case key.Matches(km, k.Reset) && k.Reset.Enabled():
		ls := c.l.course.Lessons[c.cursor]
		c.asking, c.confirm = true, ls.ID
		c.l.note = note{fmt.Sprintf("Reset your progress in lesson %d, %s? Press y to reset it, n to keep it.", c.cursor+1, ls.Title), common.StatusWarn}
	case key.Matches(km, k.ResetAll) && k.ResetAll.Enabled():
		c.asking, c.confirm = true, ""
		c.l.note = note{"Reset your progress in every lesson? Press y to reset it all, n to keep it.", common.StatusWarn}
	}
	c.scroll()
	return c, nil
}

// numberWindow is how soon a second digit must follow the first to make a
// two-digit lesson number.
const numberWindow = time.Second

// jump puts the cursor on the lesson whose number is being typed: "4"
// goes to lesson 4, "1" then "2" soon after to lesson 12.
func (c *course) jump(digit string) {
	now := c.l.ctx.Now()
	number := digit
	if c.number != "" && now.Sub(c.typed) < numberWindow {
		number = c.number + digit
	}
	k, err := strconv.Atoi(number)
	if err != nil || k < 1 || k > len(c.l.course.Lessons) {
		number = digit // too far for two digits: start again with this one
		k, err = strconv.Atoi(digit)
	}
	c.number, c.typed = number, now
	if err == nil && k >= 1 && k <= len(c.l.course.Lessons) {
		c.cursor = k - 1
	}
}

func (c *course) reset() tea.Cmd {
	if c.confirm == "" {
		c.l.note = note{"Your progress in every lesson is reset.", common.StatusOK}
		return c.l.record(func(p *lessons.Progress) { p.ResetAll() })
	}
	id := c.confirm
	c.l.note = note{fmt.Sprintf("Your progress in %s is reset.", c.l.course.Lesson(id).Title), common.StatusOK}
	return c.l.record(func(p *lessons.Progress) { p.Reset(id) })
}

func (c *course) ShortHelp() []key.Binding {
	if c.asking {
		return []key.Binding{c.keys.Yes, c.keys.No}
	}
	c.syncKeys()
	k := c.keys
	return []key.Binding{k.Up, k.Down, k.Open, k.Reset, k.ResetAll}
}

func (c *course) FullHelp() [][]key.Binding {
	if c.asking {
		return [][]key.Binding{c.ShortHelp()}
	}
	c.syncKeys()
	k := c.keys
	return [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom, k.Number}, {k.Open, k.Reset, k.ResetAll}}
}

// syncKeys offers a reset only where there is something to reset.
func (c *course) syncKeys() {
	done, started := c.l.progress.Counts(c.l.course)
	c.keys.ResetAll.SetEnabled(done+started > 0)
	c.keys.Reset.SetEnabled(c.l.progress.Status(c.l.course.Lessons[c.cursor].ID) != lessons.NotStarted)
}

// Layout: a header, the list, then the selected lesson's summary and the
// status line. The list scrolls when the terminal is too short for it.

const margin = 2

func (c *course) inner() int { return max(c.width-2*margin, 10) }

func (c *course) details() []string {
	st := c.l.ctx.Styles
	ls := c.l.course.Lessons[c.cursor]
	lines := []string{""}
	for _, s := range wrap(safe(ls.Summary), c.inner()) {
		lines = append(lines, st.Text.Render(s))
	}
	for _, s := range wrap(safe(strings.Join(ls.Concepts, " · ")), c.inner()) {
		lines = append(lines, st.Faint.Render(s))
	}
	return append(lines, "")
}

// listHeight is how many rows of the list fit.
func (c *course) listHeight() int {
	return max(c.height-2-len(c.details())-len(c.l.note.lines(c.l.ctx, c.inner())), 1)
}

// scroll keeps the cursor's row in sight.
func (c *course) scroll() {
	if c.width <= 0 {
		return
	}
	at := 0
	for k, r := range c.rows {
		if r.lesson == c.cursor {
			at = k
		}
	}
	first := at
	if at > 0 && c.rows[at-1].lesson < 0 {
		first-- // keep the pack's heading in sight with its first lesson
	}
	h := c.listHeight()
	c.top = min(c.top, first)
	if at >= c.top+h { // the cursor's row wins when both do not fit
		c.top = at - h + 1
	}
	c.top = max(min(c.top, len(c.rows)-h), 0)
}

func (c *course) View() string {
	if c.width <= 0 || c.height <= 0 {
		return ""
	}
	st := c.l.ctx.Styles
	done, started := c.l.progress.Counts(c.l.course)
	left := st.Title.Render("Course") + st.Muted.Render(fmt.Sprintf(" · %d lessons", len(c.l.course.Lessons)))
	right := st.Muted.Render(fmt.Sprintf("%d done · %d in progress", done, started))
	lines := []string{spread(left, right, c.inner()), ""}

	for _, r := range c.rows[c.top:min(c.top+c.listHeight(), len(c.rows))] {
		lines = append(lines, c.rowView(r))
	}
	lines = append(lines, c.details()...)
	lines = append(lines, c.l.note.lines(c.l.ctx, c.inner())...)
	for k := range lines {
		lines[k] = strings.Repeat(" ", margin) + lines[k]
	}
	return common.JoinLines(common.Pad(lines, c.width, c.height))
}

func (c *course) rowView(r row) string {
	st := c.l.ctx.Styles
	if r.lesson < 0 {
		return st.Heading.Render(r.heading)
	}
	ls := c.l.course.Lessons[r.lesson]
	mark := st.Faint.Render(markNotStarted)
	status := "not started"
	switch c.l.progress.Status(ls.ID) {
	case lessons.Done:
		mark, status = st.OK.Render(markDone), "done"
	case lessons.InProgress:
		mark, status = st.Warn.Render(markInProgress), "in progress"
	}
	minutes := fmt.Sprintf("%d min", ls.Minutes)
	title := fmt.Sprintf("%2d  %s", r.lesson+1, safe(ls.Title))
	if c.l.ctx.Accessible {
		// The status in words after the lesson, whose number and title a
		// screen reader should say first.
		mark, title = "", fmt.Sprintf("%2d. %s", r.lesson+1, safe(ls.Title))
		minutes += ", " + status
	}
	titleW := c.inner() - 4 - len(minutes) - 2
	if r.lesson == c.cursor {
		return theme.Cursor + " " + mark + " " + st.Selected.Render(common.Fit(title, titleW)) + "  " + st.Muted.Render(minutes)
	}
	return "  " + mark + " " + st.Text.Render(common.Fit(title, titleW)) + "  " + st.Faint.Render(minutes)
}

// spread puts left and right at either end of width cells; left is cut
// to make room.
func spread(left, right string, width int) string {
	rw := ansi.StringWidth(right)
	if rw+2 > width {
		return common.Fit(left, width)
	}
	return common.Fit(left, width-rw-1) + " " + right
}
