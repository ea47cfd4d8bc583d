package lesson

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/sglab/sglab/internal/state"
	"github.com/sglab/sglab/lessons"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/internal/tuitest"
	"github.com/sglab/sglab/tui/lab"
)

func TestMain(m *testing.M) {
	tuitest.Setup()
	os.Exit(m.Run())
}

// The lessons the tests use, from the built-in course.
const (
	lesson1   = "a-firewall-around-your-instance"
	lesson4   = "ssh-from-your-computer-only"
	sshForYou = "ssh-for-you-alone" // lesson 4's challenge
)

// setup returns a learner on the built-in course whose progress file
// holds what given records first.
func setup(t *testing.T, given func(p *lessons.Progress)) *learner {
	t.Helper()
	ctx := tuitest.Context(t)
	if given != nil {
		writeProgress(t, ctx.DataDir, given)
	}
	l, err := newLearner(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func writeProgress(t *testing.T, dir string, change func(p *lessons.Progress)) {
	t.Helper()
	s, err := state.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lessons.UpdateProgress(s, func(p *lessons.Progress) error { change(p); return nil }); err != nil {
		t.Fatal(err)
	}
}

// saved is the progress as the file holds it.
func saved(t *testing.T, l *learner) *lessons.Progress {
	t.Helper()
	p, err := lessons.LoadProgress(l.rec.persist.Store())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// exec runs cmd as Bubble Tea would and delivers what it sends to m.
func exec(m tea.Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			exec(m, c)
		}
	default:
		tuitest.Drive(m, msg)
	}
}

func drive(m tea.Model, keys ...string) { tuitest.Drive(m, tuitest.Keys(keys...)...) }

// openLesson opens a lesson on page as the root would: sized, then
// started, its commands run.
func openLesson(t *testing.T, l *learner, id string, page, w, h int) *lessonView {
	t.Helper()
	m := newLesson(l, l.course.Lesson(id), page)
	m.SetSize(w, h)
	exec(m, tea.Batch(m.Resized(), m.Init()))
	return m
}

func view(t *testing.T, m common.Component, w, h int) string {
	t.Helper()
	v := m.View()
	if err := tuitest.CheckView(v, w, h); err != nil {
		t.Fatalf("%v\n%s", err, v)
	}
	return v
}

func mustShow(t *testing.T, v string, want ...string) {
	t.Helper()
	if missing := tuitest.Missing(v, want...); len(missing) > 0 {
		t.Fatalf("the screen lacks %q:\n%s", missing[0], v)
	}
}

func TestCourseShowsStatusAndStartsOnTheResumeLesson(t *testing.T) {
	l := setup(t, func(p *lessons.Progress) {
		p.Open(lesson1)
		p.Finish(lesson1)
		p.Open(lesson4)
		p.SetPage(lesson4, 1)
	})
	c := newCourse(l)
	c.SetSize(80, 23)
	v := view(t, c, 80, 23)
	mustShow(t, v, "1 done · 1 in progress", "✓ 1 A firewall around your instance 4 min", "○ 2 Inbound and outbound",
		"> ◐ 4 SSH from your computer only 5 min", "Open port 22 to your own address")
	if c.cursor != 3 {
		t.Fatalf("the cursor is on lesson %d, not on the lesson to resume", c.cursor+1)
	}
}

func TestCourseResetsAfterAYes(t *testing.T) {
	l := setup(t, func(p *lessons.Progress) {
		p.Open(lesson1)
		p.Finish(lesson1)
		p.Open(lesson4)
	})
	c := newCourse(l)
	c.SetSize(80, 23)
	drive(c, "home", "r")
	if !c.Capturing() {
		t.Fatal("r does not ask first")
	}
	mustShow(t, view(t, c, 80, 23), "Reset your progress in lesson 1, A firewall around your instance? Press y to reset it, n to keep it.")
	drive(c, "n")
	if saved(t, l).Status(lesson1) != lessons.Done || c.Capturing() {
		t.Fatal("n reset the lesson, or kept asking")
	}
	drive(c, "r", "y")
	if p := saved(t, l); p.Status(lesson1) != lessons.NotStarted || p.Status(lesson4) != lessons.InProgress {
		t.Fatalf("r y should reset lesson 1 alone: %+v", p.Lessons)
	}
	mustShow(t, view(t, c, 80, 23), "○ 1 A firewall", "Your progress in A firewall around your instance is reset.")
	if c.syncKeys(); c.keys.Reset.Enabled() {
		t.Fatal("a lesson not started has nothing to reset, yet r is offered")
	}
	drive(c, "R", "esc")
	if saved(t, l).Status(lesson4) != lessons.InProgress {
		t.Fatal("esc answered yes")
	}
	drive(c, "R", "y")
	if p := saved(t, l); len(p.Lessons) != 0 {
		t.Fatalf("R y should reset everything: %+v", p.Lessons)
	}
	if c.syncKeys(); c.keys.ResetAll.Enabled() {
		t.Fatal("nothing is left to reset, yet R is offered")
	}
}

// TestStatusLinesStayWithTheirScreen: "Nothing was reset." is about the
// course list; it does not follow the learner into a lesson.
func TestStatusLinesStayWithTheirScreen(t *testing.T) {
	l := setup(t, func(p *lessons.Progress) { p.Open(lesson1) })
	c := newCourse(l)
	c.SetSize(80, 23)
	drive(c, "home", "r", "n")
	mustShow(t, view(t, c, 80, 23), "Nothing was reset.")
	_, cmd := c.Update(tuitest.Key("enter"))
	m := cmd().(common.PushMsg).Screen.(*lessonView)
	m.SetSize(80, 23)
	if v := view(t, m, 80, 23); strings.Contains(v, "Nothing was reset") {
		t.Fatalf("the course's status line followed the learner into the lesson:\n%s", v)
	}
}

func TestMetCountReadsNaturally(t *testing.T) {
	for _, c := range []struct {
		goals, met int
		want       string
	}{
		{1, 1, "the goal is met"}, {1, 0, "the goal is not met yet"},
		{2, 2, "both goals met"}, {2, 1, "1 of 2 goals met"},
		{3, 3, "all 3 goals met"}, {3, 0, "0 of 3 goals met"},
	} {
		cl := lessons.Checklist{Goals: make([]lessons.GoalStatus, c.goals)}
		for k := range c.met {
			cl.Goals[k].Met = true
		}
		if got := metCount(cl); got != c.want {
			t.Errorf("%d of %d: %q, want %q", c.met, c.goals, got, c.want)
		}
	}
}

// TestDigitsGoToALesson: 4 goes to lesson 4; 1 then 2 soon after, to
// lesson 12; a digit typed later starts a new number (issue 8, item 9).
func TestDigitsGoToALesson(t *testing.T) {
	l := setup(t, nil)
	now := tuitest.Epoch
	l.ctx.Now = func() time.Time { return now }
	c := newCourse(l)
	c.SetSize(80, 23)
	drive(c, "4")
	mustShow(t, view(t, c, 80, 23), "> ○ 4 SSH from your computer only")
	drive(c, "1", "2")
	if c.cursor != 11 {
		t.Fatalf("1 then 2 went to lesson %d, not 12", c.cursor+1)
	}
	now = now.Add(2 * time.Second)
	drive(c, "2")
	if c.cursor != 1 {
		t.Fatalf("a digit typed later went to lesson %d, not 2", c.cursor+1)
	}
	drive(c, "9", "9") // no lesson 99: the second 9 starts again
	if c.cursor != 8 {
		t.Fatalf("9 9 went to lesson %d, not 9", c.cursor+1)
	}
	drive(c, "0")
	if c.cursor != 8 {
		t.Fatal("0 moved the cursor")
	}
}

func TestCourseScrollsToKeepTheCursorInSight(t *testing.T) {
	l := setup(t, nil)
	c := newCourse(l)
	c.SetSize(60, 12)
	drive(c, "end")
	mustShow(t, view(t, c, 60, 12), "> ○ 16 Capstone: a three-tier site")
	drive(c, "home")
	mustShow(t, view(t, c, 60, 12), "> ○ 1 A firewall")
}

func TestLessonRendersMarkdownInACommandAndCachesIt(t *testing.T) {
	l := setup(t, nil)
	m := newLesson(l, l.course.Lesson(lesson4), 0)
	m.SetSize(80, 23)
	// Before the command runs, the page shows as it is written.
	mustShow(t, view(t, m, 80, 23), "The SSH server, `sshd`, listens")
	m.View()
	if len(l.md.done) != 0 {
		t.Fatal("View rendered Markdown")
	}
	cmd := m.Resized()
	if cmd == nil || m.Resized() != nil {
		t.Fatal("one command should render the page, once")
	}
	exec(m, cmd)
	mustShow(t, view(t, m, 80, 23), "The SSH server, sshd, listens")
	rendered := len(l.md.done)
	m.SetSize(80, 23)
	if m.Resized() != nil {
		t.Fatal("the same width rendered again")
	}
	m.SetSize(120, 39)
	if cmd := m.Resized(); cmd == nil {
		t.Fatal("a new width is not rendered")
	} else {
		exec(m, cmd)
	}
	if len(l.md.done) <= rendered {
		t.Fatal("the new width was not kept beside the first")
	}
}

func TestLessonStepsThroughPagesAndSavesThePage(t *testing.T) {
	l := setup(t, nil)
	m := openLesson(t, l, lesson4, 0, 80, 23)
	if p := saved(t, l); p.Last != lesson4 || p.Status(lesson4) != lessons.InProgress {
		t.Fatalf("opening the lesson is not recorded: %+v", p)
	}
	drive(m, "p")
	if m.step != 0 {
		t.Fatal("the first page has a page before it")
	}
	drive(m, "n")
	mustShow(t, view(t, m, 80, 23), "page 2 of 3", "Your turn: SSH for you alone", "Challenge · SSH for you alone",
		"○ Your computer logs in to web-1 over SSH", "✓ Nothing else gets in to web-1") // as the lab will show them
	if saved(t, l).Lesson(lesson4).Page != 1 {
		t.Fatal("the page is not saved")
	}
	drive(m, "right", "left", "p")
	mustShow(t, view(t, m, 80, 23), "page 1 of 3")
	if saved(t, l).Lesson(lesson4).Page != 0 {
		t.Fatal("going back is not saved")
	}
}

func TestLongPagesScroll(t *testing.T) {
	l := setup(t, nil)
	m := openLesson(t, l, lesson4, 1, 60, 12)
	v := view(t, m, 60, 12)
	mustShow(t, v, "space for more")
	if strings.Contains(v, "Press enter to open the lab") {
		t.Fatal("the end of the page fits in 12 lines?")
	}
	drive(m, " ", " ", " ", " ")
	mustShow(t, view(t, m, 60, 12), "the end of the page")
}

func TestGoalsTickAsTheWorldChangesAndSolvedIsRecorded(t *testing.T) {
	l := setup(t, nil)
	ls := l.course.Lesson(lesson4)
	c := ls.Challenge(sshForYou)
	g := newGoals(l, ls, c, c.Start())
	g.SetSize(76, 20)
	mustShow(t, g.View(), "○ Your computer logs in to web-1 over SSH", "✓ Someone else's computer times out", "6 of 7 goals met. Tab goes back")

	solved, err := c.SolvedWorld()
	if err != nil {
		t.Fatal(err)
	}
	exec(g, func() tea.Msg { return lab.WorldChangedMsg{World: solved} })
	mustShow(t, g.View(), "✓ Your computer logs in to web-1 over SSH", "✓ Solved: every goal is met. Press b to go back to the lesson.")
	mustShow(t, g.Summary(), "Solved: all 7 goals met")
	if cp := saved(t, l).Challenge(lesson4, sshForYou); !cp.Solved || cp.GoalsMet != 7 {
		t.Fatalf("solving is not recorded: %+v", cp)
	}

	// Undoing the fix unticks the goal; the challenge stays solved.
	exec(g, func() tea.Msg { return lab.WorldChangedMsg{World: c.Start()} })
	mustShow(t, g.View(), "○ Your computer logs in")
	if cp := saved(t, l).Challenge(lesson4, sshForYou); !cp.Solved || cp.GoalsMet != 6 {
		t.Fatalf("after the undo: %+v", cp)
	}
}

func TestOneGoalReadsAsOne(t *testing.T) {
	l := setup(t, nil)
	ls := l.course.Lesson(lesson1)
	// Lesson 1's challenge, down to its first goal.
	one := *ls.Challenges[0]
	one.Goals = one.Goals[:1]
	c := &one
	g := newGoals(l, ls, c, c.Start())
	g.SetSize(76, 20)
	mustShow(t, g.View(), "The goal is not met yet. Tab goes back to your world. Stuck? Press h for a hint.")
	solved, _ := c.SolvedWorld()
	exec(g, func() tea.Msg { return lab.WorldChangedMsg{World: solved} })
	mustShow(t, g.Summary(), "Solved: the goal is met.")
}

func TestHintsFollowTheEngineThenTheSolution(t *testing.T) {
	l := setup(t, nil)
	ls := l.course.Lesson(lesson4)
	c := ls.Challenge(sshForYou)
	g := newGoals(l, ls, c, c.Start())
	g.SetSize(76, 40)
	if drive(g, "s"); g.solution {
		t.Fatal("the solution is shown before the hints")
	}
	drive(g, "h")
	mustShow(t, g.View(), "Hint 1 of 3", "Your SSH packets are dropped inbound",
		"What fails now: Your computer logs in to web-1 over SSH: timeout, not connected: the packet is dropped inbound. No inbound rule of web-sg allows tcp/22 from 203.0.113.10.")
	drive(g, "h", "h", "h")
	v := g.View()
	mustShow(t, v, "Hint 3 of 3", "source 203.0.113.10/32", "Press s to see the solution")
	if strings.Contains(v, "Hint 4") || saved(t, l).Challenge(lesson4, sshForYou).Hints != 3 {
		t.Fatalf("three hints, recorded: %+v\n%s", saved(t, l).Challenge(lesson4, sshForYou), v)
	}
	drive(g, "s")
	mustShow(t, g.View(), "Solution", "1. Add an inbound rule to web-sg: tcp 22 from 203.0.113.10/32")
	if !saved(t, l).Challenge(lesson4, sshForYou).SolutionShown {
		t.Fatal("showing the solution is not recorded")
	}

	// Coming back to the challenge shows what was seen.
	again := newGoals(l, ls, c, c.Start())
	again.SetSize(76, 40)
	mustShow(t, again.View(), "Hint 3 of 3", "Solution")
}

func TestChallengeOpensTheLabAndComesBackWithItsGoals(t *testing.T) {
	l := setup(t, nil)
	m := openLesson(t, l, lesson4, 1, 80, 23)
	var push common.PushMsg
	if cmd := m.keyCmd("enter"); cmd == nil {
		t.Fatal("enter does not open the lab")
	} else if msg, ok := cmd().(common.PushMsg); !ok {
		t.Fatalf("enter sends %T, not a push", msg)
	} else {
		push = msg
	}
	lb := push.Screen.(*lab.Model)
	lb.SetSize(80, 23)
	mustShow(t, view(t, lb, 80, 23), "Goals 6 of 7 goals met · shift+tab: task, goals and hints")
	// Select web-sg, open it, add the rule the form suggests: SSH from My IP.
	drive(lb, "down", "down", "enter", "a", "enter", "enter", "enter")
	mustShow(t, view(t, lb, 80, 23), "Goals ✓ Solved: all 7 goals met")

	exec(m, m.Resized()) // back on top
	mustShow(t, view(t, m, 80, 23), "✓ Your computer logs in to web-1 over SSH", "✓ Nothing else gets in to web-1")
	if cmd := m.keyCmd("enter"); cmd == nil || cmd().(common.PushMsg).Screen != lb {
		t.Fatal("the lab does not continue where the learner left it")
	}
}

// keyCmd sends one key and returns the command the lesson answers with.
func (m *lessonView) keyCmd(k string) tea.Cmd {
	_, cmd := m.Update(tuitest.Key(k))
	return cmd
}

func TestQuestionsRecordAnswersAndTheEndFinishesTheLesson(t *testing.T) {
	l := setup(t, nil)
	m := openLesson(t, l, lesson4, 2, 80, 23)
	drive(m, "n")
	v := view(t, m, 80, 23)
	mustShow(t, v, "question 1 of 1", "Check question", "a sshd crashed on the instance.", "Press a, b or c to answer.")
	if m.syncKeys(); m.keys.Next.Enabled() {
		t.Fatal("the question can be skipped")
	}
	drive(m, "a")
	mustShow(t, view(t, m, 80, 23), "✗ a sshd crashed", "✓ b Your laptop now reaches the internet from another",
		"✗ Not quite: the answer is b.", "If sshd had crashed, the connection would be refused")
	if a := saved(t, l).Lesson(lesson4).Answers["question-1"]; a.Choice != 0 || a.Correct {
		t.Fatalf("the answer is not recorded: %+v", a)
	}
	drive(m, "b") // answered: the letters do nothing now
	if a := saved(t, l).Lesson(lesson4).Answers["question-1"]; a.Choice != 0 {
		t.Fatal("a second answer replaced the first")
	}
	drive(m, "n")
	mustShow(t, view(t, m, 80, 23), "✓ Lesson 4 done: SSH from your computer only", "○ SSH for you alone (not solved yet: it is on page 2)",
		"Questions 0 of 1 right", "Next: lesson 5, Many to many. Press enter to start it.")
	if saved(t, l).Status(lesson4) != lessons.Done {
		t.Fatal("reaching the end does not finish the lesson")
	}
	drive(m, "enter")
	mustShow(t, view(t, m, 80, 23), "Lesson 5 · Many to many", "page 1 of")
	if p := saved(t, l); p.Last != "many-to-many" || p.Status("many-to-many") != lessons.InProgress {
		t.Fatalf("the next lesson is not opened: %+v", p)
	}
}

func TestHomeSaysWhereTheLearnerContinues(t *testing.T) {
	ctx := tuitest.Context(t)
	desc, _ := Home(ctx)
	mustShow(t, desc, "16 short lessons", "Start with lesson 1: A firewall around your instance.")
	writeProgress(t, ctx.DataDir, func(p *lessons.Progress) { p.Open(lesson4); p.SetPage(lesson4, 1) })
	desc, open := Home(ctx)
	mustShow(t, desc, "Continue where you left off: lesson 4, SSH from your computer only, page 2 of 3. 0 of 16 lessons done.")
	screen, _ := open(ctx)
	if msg := screen.Init()(); msg.(common.PushMsg).Screen.(*lessonView).step != 1 {
		t.Fatal("opening the course does not land on the page left")
	}
	writeProgress(t, ctx.DataDir, func(p *lessons.Progress) { p.Finish(lesson4) })
	desc, _ = Home(ctx)
	mustShow(t, desc, "Next: lesson 5, Many to many. 1 of 16 lessons done.")
}

func TestRecorderWritesInOrderWhateverOrderItsCommandsRun(t *testing.T) {
	l := setup(t, nil)
	var cmds []tea.Cmd
	for page := range 3 {
		cmds = append(cmds, l.record(func(p *lessons.Progress) { p.SetPage(lesson4, page) }))
	}
	for k := len(cmds) - 1; k >= 0; k-- { // the last first: it writes all three
		if msg := cmds[k](); msg != nil {
			t.Fatalf("a good save says %#v", msg)
		}
	}
	if p := saved(t, l); p.Lesson(lesson4).Page != 2 {
		t.Fatalf("page %d saved, not the last one", p.Lesson(lesson4).Page)
	}
	l.record(func(p *lessons.Progress) { p.Finish(lesson4) }) // never run: Close writes it
	if err := l.Close(); err != nil || saved(t, l).Status(lesson4) != lessons.Done {
		t.Fatalf("Close did not write what was queued: %v", err)
	}
}

func TestSaveErrorsReachTheStatusLine(t *testing.T) {
	l := setup(t, nil)
	// A directory where the file should be: no save can read it, root or not.
	if err := os.Mkdir(filepath.Join(l.ctx.DataDir, lessons.ProgressFile), 0o755); err != nil {
		t.Fatal(err)
	}
	m := openLesson(t, l, lesson4, 0, 80, 23)
	mustShow(t, view(t, m, 80, 23), "✗ Your progress was not saved: read")
	if err := l.Close(); err != nil {
		t.Fatalf("nothing was left to write, yet: %v", err)
	}
	l.record(func(p *lessons.Progress) { p.Finish(lesson4) })
	if err := l.Close(); err == nil || !strings.Contains(err.Error(), "your progress was not saved") {
		t.Fatalf("Close hides the failure: %v", err)
	}
}

func TestInlineMarkdown(t *testing.T) {
	st := tuitest.Context(t).Styles
	for in, want := range map[string]string{
		"Add a rule to **web-sg** on `tcp/22`.": "Add a rule to web-sg on tcp/22.",
		"2 * 3 and a lone ` stay":               "2 * 3 and a lone ` stay",
		"**unclosed":                            "**unclosed",
	} {
		if got := inline(st, in); got != want {
			t.Errorf("inline(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNamesAreNotSplitAtTheirHyphens(t *testing.T) {
	if got := keepHyphens("- web-sg and app-1 -- x - y\n| --- |"); got != "- web\u2011sg and app\u20111 -- x - y\n| --- |" {
		t.Fatalf("keepHyphens = %q", got)
	}
	if lines := wrap("attach admin-ssh to web-1", 15); lines[1] != "admin-ssh to" {
		t.Fatalf("wrap split a name: %q", lines)
	}
}

// Every screen survives any size, the smallest included, and fills it.
func TestEverySizeFits(t *testing.T) {
	l := setup(t, func(p *lessons.Progress) { p.Open(lesson4) })
	ls := l.course.Lesson(lesson4)
	c := ls.Challenge(sshForYou)
	screens := []common.Component{newCourse(l), newLesson(l, ls, 1), newLesson(l, ls, 3), newLesson(l, ls, 4), newGoals(l, ls, c, c.Start())}
	for _, s := range screens {
		for _, size := range [][2]int{{0, 0}, {1, 1}, {10, 3}, {60, 18}, {80, 24}, {200, 60}} {
			s.SetSize(size[0], size[1])
			if r, ok := s.(common.Resizer); ok {
				exec(s, r.Resized())
			}
			v := s.View()
			if size[0] > 0 && size[1] > 0 {
				if err := tuitest.CheckView(v, size[0], size[1]); err != nil {
					t.Errorf("%T at %v: %v", s, size, err)
				}
			}
		}
	}
}

func TestKeysScheduleNoTimers(t *testing.T) {
	l := setup(t, nil)
	m := openLesson(t, l, lesson4, 0, 80, 23)
	for _, k := range []string{"n", "down", " ", "pgup", "left", "right", "right", "b", "n", "p"} {
		if n := tuitest.Run(m, tuitest.Key(k)); n > 0 {
			t.Fatalf("%q scheduled %d timers", k, n)
		}
	}
}

// The challenge card tells a learner new to the lab where to start: the
// groups, and the network ACLs where the challenge's world has subnets.
func TestChallengeCardSaysWhereToStart(t *testing.T) {
	l := setup(t, nil)
	groups := labHowTo(l.course.Lesson(lesson4).Challenge(sshForYou).Start())
	if !strings.Contains(groups, "pick a group in the World pane") || strings.Contains(groups, "network ACL") {
		t.Errorf("lesson 4's card: %q", groups)
	}
	acls := l.course.Lesson("security-groups-and-network-acls")
	if acls == nil {
		t.Fatal("no lesson security-groups-and-network-acls")
	}
	for _, id := range []string{"block-one-address", "return-rule", "deny-first"} {
		if got := labHowTo(acls.Challenge(id).Start()); !strings.Contains(got, "a group or a network ACL in the World pane") {
			t.Errorf("challenge %s's card: %q", id, got)
		}
	}
}
