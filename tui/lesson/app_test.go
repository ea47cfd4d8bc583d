package lesson_test

// The course as the learner meets it: through the app's home screen.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/sglab/sglab/internal/state"
	"github.com/sglab/sglab/lessons"
	"github.com/sglab/sglab/tui/app"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/internal/tuitest"
)

func newApp(t *testing.T, ctx *common.Context, w, h int) *app.Model {
	t.Helper()
	m := app.New(ctx, nil)
	tuitest.Drive(m, tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

func screen(t *testing.T, m *app.Model, w, h int) string {
	t.Helper()
	v := m.View()
	if err := tuitest.CheckView(v, w, h); err != nil {
		t.Fatalf("%v\n%s", err, v)
	}
	return v
}

func shows(t *testing.T, v string, want ...string) {
	t.Helper()
	if missing := tuitest.Missing(v, want...); len(missing) > 0 {
		t.Fatalf("the screen lacks %q:\n%s", missing[0], v)
	}
}

// The course list for a newcomer and a challenge page, at the smallest
// usual terminal and a roomy one. Update the files with
// go test ./tui/lesson -run TestGolden -update.
func TestGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		w, h := size[0], size[1]
		t.Run(fmt.Sprintf("course/%dx%d", w, h), func(t *testing.T) {
			m := newApp(t, tuitest.Context(t), w, h)
			tuitest.Drive(m, tuitest.Key("enter"))
			golden.RequireEqual(t, []byte(screen(t, m, w, h)))
		})
		t.Run(fmt.Sprintf("lab/%dx%d", w, h), func(t *testing.T) { // a challenge's lab, with its goals
			m := newApp(t, tuitest.Context(t), w, h)
			labOf(t, m, "4", 1)
			golden.RequireEqual(t, []byte(screen(t, m, w, h)))
		})
		t.Run(fmt.Sprintf("page/%dx%d", w, h), func(t *testing.T) {
			m := newApp(t, tuitest.Context(t), w, h)
			tuitest.Drive(m, tuitest.Keys("enter", "down", "down", "down", "enter", "n")...)
			golden.RequireEqual(t, []byte(screen(t, m, w, h)))
		})
	}
}

// TestComeBackWhereYouLeftOff: quit on a page, start again, and one key
// on the home screen lands there.
func TestComeBackWhereYouLeftOff(t *testing.T) {
	ctx := tuitest.Context(t)
	m := newApp(t, ctx, 80, 24)
	tuitest.Drive(m, tuitest.Keys("enter", "enter", "n")...)
	shows(t, screen(t, m, 80, 24), "Lesson 1 · A firewall around your instance", "page 2 of 3")
	tuitest.Drive(m, tuitest.Key("q"))
	if err := m.Err(); err != nil {
		t.Fatal(err)
	}

	m = newApp(t, ctx, 80, 24)
	shows(t, screen(t, m, 80, 24), "> Course Continue where you left off: lesson 1, A firewall around your instance, page 2 of 3.")
	tuitest.Drive(m, tuitest.Key("enter"))
	shows(t, screen(t, m, 80, 24), "Lesson 1 · A firewall around your instance", "page 2 of 3", "Rules only allow")
	tuitest.Drive(m, tuitest.Key("esc"))
	shows(t, screen(t, m, 80, 24), "> ◐ 1 A firewall around your instance")
	tuitest.Drive(m, tuitest.Key("esc"))
	shows(t, screen(t, m, 80, 24), "> Course Continue where you left off: lesson 1")
}

func TestCorruptProgressWarnsAndStartsClean(t *testing.T) {
	ctx := tuitest.Context(t)
	if err := os.WriteFile(filepath.Join(ctx.DataDir, lessons.ProgressFile), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := newApp(t, ctx, 80, 24)
	tuitest.Drive(m, tea.WindowSizeMsg{Width: 100, Height: 30}) // the home screen is laid out again
	shows(t, screen(t, m, 100, 30), "Your saved progress could not be read and was set aside. 16 short lessons")
	tuitest.Drive(m, tuitest.Key("enter"))
	shows(t, screen(t, m, 100, 30), "0 done · 0 in progress", "! ", "progress.json was unreadable (it is not valid JSON); it was moved to")
	if aside, _ := filepath.Glob(filepath.Join(ctx.DataDir, lessons.ProgressFile+".corrupt-*")); len(aside) != 1 {
		t.Fatalf("set aside as %v", aside)
	}
	tuitest.Drive(m, tuitest.Key("esc"))
	if v := screen(t, m, 100, 30); strings.Contains(v, "set aside") {
		t.Fatalf("the warning outlives the visit to the course:\n%s", v)
	}
}

func TestPackLessonsComeAfterTheBuiltInOnes(t *testing.T) {
	dir := t.TempDir()
	lesson := "---\nid: workshop-web\ntitle: Open the workshop site\norder: 1\nsummary: Let the class in on port 80.\n" +
		"minutes: 3\nconcepts: [inbound rules]\n---\n\n# Open the site\n\nThe class cannot reach web-1.\n\n" +
		"```scenario start\nversion: 1\nvpcs:\n  - { id: vpc-main, cidr: 10.0.0.0/16 }\n" +
		"security_groups:\n  - { id: web-sg, name: web-sg, vpc: vpc-main }\n" +
		"instances:\n  - { id: i-web1, name: web-1, vpc: vpc-main, private_ip: 10.0.1.10, public_ip: 54.210.0.10, security_groups: [web-sg], listening: [tcp/80] }\n" +
		"hosts:\n  - { id: class, name: the class, ip: 198.51.100.7 }\n```\n\n" +
		"```challenge\ntitle: Let the class in\ntask: Open port 80 on web-sg.\nstart: start\n" +
		"goals:\n  - { from: the class, to: web-1, port: 80, expect: connected }\n" +
		"hints:\n  - Add an inbound rule to web-sg.\n" +
		"solution:\n  - add-rule: { group: web-sg, protocol: tcp, ports: 80, source: 0.0.0.0/0 }\n```\n"
	if err := os.WriteFile(filepath.Join(dir, "web.md"), []byte(lesson), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := tuitest.Context(t)
	course, ds := lessons.LoadCourse(dir)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	ctx.Course = course
	m := newApp(t, ctx, 80, 24)
	tuitest.Drive(m, tuitest.Keys("enter", "end")...)
	shows(t, screen(t, m, 80, 24), "Pack "+dir, "> ○ 17 Open the workshop site 3 min", "Let the class in on port 80.")
	tuitest.Drive(m, tuitest.Key("home"))
	shows(t, screen(t, m, 80, 24), "Built-in course", "> ○ 1 A firewall around your instance")
	tuitest.Drive(m, tuitest.Keys("end", "enter")...)
	shows(t, screen(t, m, 80, 24), "Lesson 17 · Open the workshop site", "Challenge · Let the class in")
}

// TestStory completes lesson 4 from the keyboard through a real Bubble Tea
// program: open the course, step through the pages, solve the challenge
// in the lab, see every goal ticked, answer the check question. The lesson
// is then done in the progress file.
func TestStory(t *testing.T) {
	ctx := tuitest.Context(t)
	ui := tuitest.Start(t, app.New(ctx, nil), 120, 40)

	ui.WaitFor("Start with lesson 1")
	ui.Keys("enter")
	ui.WaitFor("0 done · 0 in progress")
	ui.Keys("down", "down", "down", "enter")
	ui.WaitFor("is how you log in to a Linux instance")
	ui.Keys("n")
	ui.WaitFor("Challenge · SSH for you alone")
	ui.Keys("enter")
	ui.WaitFor("6 of 7 goals met")
	ui.Keys("down", "down", "enter") // web-sg, in the world tree
	// The rules pane focused: enter focuses it through a command, and an
	// a sent before that lands in the world tree.
	ui.WaitFor("┏━ Security group web-sg")
	ui.Keys("a")
	ui.Focused("Type") // SSH
	ui.Keys("enter")
	ui.Focused("Source") // My IP: your computer, 203.0.113.10/32
	ui.Keys("enter")
	ui.Focused("Description (optional)")
	ui.Keys("enter")
	ui.WaitFor("✓ Solved: every goal is") // the Goals pane sits beside the lab at 120x40
	ui.Keys("esc", "esc")                 // back to the world, then nowhere: esc never leaves the lab
	ui.WaitFor("press b to go back to the lesson")
	ui.Keys("b")
	ui.WaitFor("✓ Solved.")
	ui.Keys("n")
	ui.WaitFor("Why the others time out")
	ui.Keys("n")
	ui.WaitFor("Press a, b or c to answer.")
	ui.Keys("b")
	ui.WaitFor("✓ Right.")
	ui.Keys("n")
	ui.WaitFor("Lesson 4 done: SSH from your computer only")
	ui.Keys("q")
	final := ui.Final().(*app.Model)
	if err := final.Err(); err != nil {
		t.Fatal(err)
	}
	p := readProgress(t, ctx.DataDir)
	const id = "ssh-from-your-computer-only"
	if p.Status(id) != lessons.Done || !p.Challenge(id, "ssh-for-you-alone").Solved || !p.Lesson(id).Answers["question-1"].Correct {
		t.Fatalf("lesson 4 is not done in the progress file: %+v", p.Lesson(id))
	}
}

// readProgress is the progress saved in dir.
func readProgress(t *testing.T, dir string) *lessons.Progress {
	t.Helper()
	s, err := state.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := lessons.LoadProgress(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestHintFromTheWorldPane: in a challenge's lab, h from the world tree
// shows the first hint, through the app as a learner presses it.
func TestHintFromTheWorldPane(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		m := newApp(t, tuitest.Context(t), size[0], size[1])
		tuitest.Drive(m, tuitest.Keys("enter", "1", "enter", "n", "n", "enter")...)
		shows(t, screen(t, m, size[0], size[1]), "World")
		tuitest.Drive(m, tuitest.Key("h"))
		shows(t, screen(t, m, size[0], size[1]), "Hint 1 of 3")
	}
}

// labOf opens lesson n's challenge page and its lab, through the app.
func labOf(t *testing.T, m *app.Model, n string, pages int) {
	t.Helper()
	tuitest.Drive(m, tuitest.Keys("enter", n, "enter")...)
	for range pages {
		tuitest.Drive(m, tuitest.Key("n"))
	}
	tuitest.Drive(m, tuitest.Key("enter"))
}

// TestChallengeLabTellsTheTruth is issue 8's first two items in the
// course: a challenge's lab opens with the pickers on its first goal's
// connection (lesson 3 is about HTTPS, not SSH), and once solved its
// Connection pane says what the goals say, with no timeout left beside
// "Solved".
func TestChallengeLabTellsTheTruth(t *testing.T) {
	m := newApp(t, tuitest.Context(t), 120, 40)
	labOf(t, m, "3", 2)
	shows(t, screen(t, m, 120, 40), "Goals", "From ‹ an IPv4 visitor ›", "Port ‹ HTTPS 443 ›")

	m = newApp(t, tuitest.Context(t), 80, 24)
	labOf(t, m, "1", 2)
	shows(t, screen(t, m, 80, 24), "▸ Connection a visitor → web-1 HTTP 80: timeout")
	// web-sg, its rules, add HTTP from anywhere.
	tuitest.Drive(m, tuitest.Keys("down", "down", "enter", "a", "right", "enter", "down", "enter", "enter")...)
	v := screen(t, m, 80, 24)
	shows(t, v, "▸ Connection a visitor → web-1 HTTP 80: connected", "✓ Solved")
	if strings.Contains(v, "timeout") {
		t.Fatalf("a timeout is still on screen beside Solved:\n%s", v)
	}
}

// TestChallengeLabSurvivesLeaving: out of the lab, out of the lesson, back
// through the course: the same lab, undo history and all.
func TestChallengeLabSurvivesLeaving(t *testing.T) {
	m := newApp(t, tuitest.Context(t), 120, 40)
	labOf(t, m, "1", 2)
	tuitest.Drive(m, tuitest.Keys("down", "down", "enter", "a", "right", "enter", "down", "enter", "enter")...)
	shows(t, screen(t, m, 120, 40), "✓ Solved")
	tuitest.Drive(m, tuitest.Keys("b", "esc", "esc")...) // the lab, the lesson, the course
	shows(t, screen(t, m, 120, 40), "Learn AWS security groups by using them")
	tuitest.Drive(m, tuitest.Keys("enter")...) // the course resumes lesson 1 on its page
	tuitest.Drive(m, tuitest.Keys("enter", "u")...)
	shows(t, screen(t, m, 120, 40), "Undone: web-sg no longer has the inbound rule HTTP · TCP · 80 · 0.0.0.0/0.")
}
