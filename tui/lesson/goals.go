package lesson

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/lessons"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/lab"
	"github.com/sglab/sglab/tui/theme"
)

// goals is the panel beside a challenge's lab: the task, the goals
// ticking as the engine finds them met, the hints, then the solution.
type goals struct {
	l      *learner
	lesson *lessons.Lesson
	c      *lessons.Challenge
	check  lessons.Checklist
	// recorded is the count of goals met as last recorded, so that only a
	// change in the count is written.
	recorded int
	hints    int  // shown so far
	solution bool // shown
	vp       viewport.Model
	keys     goalsKeys
}

type goalsKeys struct {
	Hint, Solution key.Binding
	scroll         viewport.KeyMap
}

// newGoals is the panel for challenge c of lesson ls, whose lab starts on
// w. The hints and the solution the learner saw before are shown again.
func newGoals(l *learner, ls *lessons.Lesson, c *lessons.Challenge, w *engine.World) *goals {
	cp := l.progress.Challenge(ls.ID, c.ID)
	g := &goals{l: l, lesson: ls, c: c, check: c.Check(w), hints: min(cp.Hints, len(c.Hints)), solution: cp.SolutionShown, vp: newViewport()}
	// What the learner's progress last recorded: the class board reads
	// it, so a lab that opens with goals already met records them (Init).
	g.recorded = cp.GoalsMet
	if cp.Goals == 0 {
		g.recorded = -1 // never checked
	}
	g.keys = goalsKeys{
		Hint:     bind([]string{"h"}, "h", "hint"),
		Solution: bind([]string{"s"}, "s", "show the solution"),
		scroll:   g.vp.KeyMap,
	}
	return g
}

func (g *goals) Init() tea.Cmd { return g.record() }

func (g *goals) SetSize(w, h int) {
	g.vp.Width, g.vp.Height = w, h
	g.refresh()
}

// Summary is the panel's line when the lab folds it away.
func (g *goals) Summary() string {
	st := g.l.ctx.Styles
	if g.check.Solved() {
		return st.OK.Render(g.l.ctx.Mark(theme.Pass+" ", "") + "Solved: " + metCount(g.check) + ". b goes back to the lesson.")
	}
	return metCount(g.check) + " · shift+tab: task, goals and hints"
}

func (g *goals) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if g.l.absorb(msg) {
		g.refresh()
		return g, nil
	}
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case lab.WorldChangedMsg:
		cmd = g.checkWorld(msg.World)
	case tea.KeyMsg:
		g.syncKeys()
		id, cid := g.lesson.ID, g.c.ID
		switch {
		case key.Matches(msg, g.keys.Hint) && g.keys.Hint.Enabled():
			g.hints++
			level := g.hints
			cmd = g.l.record(func(p *lessons.Progress) { p.RecordHint(id, cid, level) })
			g.refresh()
			g.vp.GotoBottom() // the new hint is last
		case key.Matches(msg, g.keys.Solution) && g.keys.Solution.Enabled():
			g.solution = true
			cmd = g.l.record(func(p *lessons.Progress) { p.RecordSolutionShown(id, cid) })
			g.refresh()
			g.vp.GotoBottom()
		default:
			g.vp, cmd = g.vp.Update(msg)
		}
	}
	return g, cmd
}

// checkWorld checks the goals against the learner's world, through the
// engine, and records the result when the count of goals met changes.
func (g *goals) checkWorld(w *engine.World) tea.Cmd {
	g.check = g.c.Check(w)
	g.refresh()
	return g.record()
}

// record records the goals met when their count differs from the one
// recorded last.
func (g *goals) record() tea.Cmd {
	if g.check.Met() == g.recorded {
		return nil
	}
	g.recorded = g.check.Met()
	id, cid, cl := g.lesson.ID, g.c.ID, g.check
	return g.l.record(func(p *lessons.Progress) { p.RecordCheck(id, cid, cl) })
}

func (g *goals) syncKeys() {
	g.keys.Hint.SetEnabled(g.hints < len(g.c.Hints) && !g.check.Solved())
	g.keys.Solution.SetEnabled(g.hints == len(g.c.Hints) && !g.solution)
	if g.hints > 0 {
		g.keys.Hint.SetHelp("h", "next hint")
	}
}

func (g *goals) ShortHelp() []key.Binding {
	g.syncKeys()
	return []key.Binding{g.keys.Hint, g.keys.Solution}
}

func (g *goals) FullHelp() [][]key.Binding {
	g.syncKeys()
	return [][]key.Binding{{g.keys.Hint, g.keys.Solution}, scrollHelp(g.keys.scroll)}
}

func (g *goals) View() string { return g.vp.View() }

// refresh lays the panel's text out again.
func (g *goals) refresh() {
	w := g.vp.Width
	if w <= 0 {
		return
	}
	st := g.l.ctx.Styles
	lines := wrap(st.Heading.Render(safe(g.c.Title)), w)
	lines = append(lines, wrap(inline(st, g.c.Task), w)...)
	lines = append(lines, "")
	for _, s := range g.check.Goals {
		lines = append(lines, goalLine(g.l.ctx, s.Goal.Label, s.Met, w)...)
	}
	lines = append(lines, "")
	if g.check.Solved() {
		lines = append(lines, wrap(st.OK.Render(g.l.ctx.Mark(theme.Pass+" ", "")+"Solved: every goal is met.")+" "+
			st.Text.Render("Press b to go back to the lesson."), w)...)
	} else {
		text := capital(metCount(g.check)) + ". Tab goes back to your world."
		switch {
		case g.hints == 0:
			text += " Stuck? Press h for a hint."
		case g.hints < len(g.c.Hints):
			text += " Press h for the next hint."
		}
		lines = append(lines, wrap(st.Muted.Render(text), w)...)
	}
	for k := range g.hints {
		h, _ := g.c.Hint(k+1, g.check)
		lines = append(lines, "", st.Heading.Render(fmt.Sprintf("Hint %d of %d", h.Level, len(g.c.Hints))))
		lines = append(lines, wrap(inline(st, h.Text), w)...)
		if h.Level == g.hints && h.Diagnosis != "" {
			lines = append(lines, "")
			lines = append(lines, wrap(st.Warn.Render("What fails now: ")+st.Muted.Render(safe(h.Diagnosis)), w)...)
		}
	}
	switch {
	case g.solution:
		lines = append(lines, "", st.Heading.Render("Solution"))
		for k, s := range g.c.Solution {
			lines = append(lines, hang(fmt.Sprintf("%d. ", k+1), st.Text.Render(safe(s.Text)), w)...)
		}
	case g.hints == len(g.c.Hints):
		lines = append(append(lines, ""), wrap(st.Muted.Render("Still stuck? Press s to see the solution."), w)...)
	}
	if n := g.l.note; n.kind == common.StatusErr || n.kind == common.StatusWarn {
		lines = append(append(lines, ""), n.lines(g.l.ctx, w)...)
	}
	g.vp.SetContent(common.JoinLines(lines))
}

// inline styles the Markdown that tasks and hints use within a sentence,
// **strong** and `code`. They are drawn in the lab's side panel, which
// the lab sizes without a command to render glamour's blocks in. The
// text comes from a lesson file: it is made safe to draw first.
func inline(st *theme.Styles, s string) string {
	s = safe(s)
	var b strings.Builder
	for {
		i := strings.IndexAny(s, "*`")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		delim, style := "`", st.Accent
		if s[i] == '*' {
			if !strings.HasPrefix(s[i:], "**") {
				b.WriteString(s[:i+1])
				s = s[i+1:]
				continue
			}
			delim, style = "**", st.Bold
		}
		rest := s[i+len(delim):]
		j := strings.Index(rest, delim)
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(style.Render(rest[:j]))
		s = rest[j+len(delim):]
	}
}

// metCount says how many goals cl meets: "2 of 3 goals met".
func metCount(cl lessons.Checklist) string {
	n := len(cl.Goals)
	if n == 1 {
		if cl.Met() == 1 {
			return "the goal is met"
		}
		return "the goal is not met yet"
	}
	switch {
	case n == 2 && cl.Met() == 2:
		return "both goals met"
	case cl.Met() == n:
		return fmt.Sprintf("all %d goals met", n)
	}
	return fmt.Sprintf("%d of %d goals met", cl.Met(), n)
}
