package lesson_test

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/sglab/sglab/lessons"
	"github.com/sglab/sglab/tui/app"
	"github.com/sglab/sglab/tui/internal/tuitest"
)

// words checks an accessible screen: it fits, it shows want, and no glyph
// carries meaning on it.
func words(t *testing.T, m *app.Model, w, h int, want ...string) string {
	t.Helper()
	v := screen(t, m, w, h)
	shows(t, strings.NewReplacer("┃", " ", "│", " ").Replace(v), want...) // read across a frame's sides
	if g := tuitest.Glyphs(v); len(g) > 0 {
		t.Fatalf("glyphs %q on an accessible screen:\n%s", g, v)
	}
	return v
}

// TestAccessibleLesson1 does lesson 1 in accessible mode, every screen
// read as words: the course, the pages, the challenge's goals, the lab,
// its form asked a line at a time, the verdicts, the grid as a list, the
// check question and the end.
func TestAccessibleLesson1(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		w, h := size[0], size[1]
		ctx := tuitest.Accessible(t)
		m := newApp(t, ctx, w, h)
		words(t, m, w, h, "Start with lesson 1", "enter: open", "question mark: more keys")
		tuitest.Drive(m, tuitest.Key("enter"))
		words(t, m, w, h, "1. A firewall around your instance", "4 min, not started")
		tuitest.Drive(m, tuitest.Keys("enter", "n", "n")...)
		words(t, m, w, h, "Challenge · Let visitors in",
			"Not met: A visitor opens the website on web-1 (tcp/80)", "Met: The website is all that is open on web-1")
		tuitest.Drive(m, tuitest.Key("enter"))
		// One pane at a time, whatever the size: the others fold to a line of words.
		words(t, m, w, h, "World", "Connection: a visitor to web-1 HTTP 80: timeout",
			"Reachability: 0 connected, 5 refused, 5 timed out", "Goals: 1 of 2 goals met")

		tuitest.Drive(m, tuitest.Keys("down", "down", "enter", "a")...) // web-sg's rules, add one
		words(t, m, w, h, "Add inbound rule · web-sg", "2. HTTP", "Enter alone keeps SSH.", "Enter a number between 1 and 20:")
		tuitest.Drive(m, tuitest.Type("25")...)
		tuitest.Drive(m, tuitest.Key("enter"))
		words(t, m, w, h, "Invalid: must be a number between 1 and 20")
		tuitest.Drive(m, tuitest.Type("2")...) // a select's refused line is gone, as in a terminal
		tuitest.Drive(m, tuitest.Key("enter"))
		words(t, m, w, h, "Source", "1. Anywhere-IPv4 0.0.0.0/0", "Enter alone keeps Anywhere-IPv4 0.0.0.0/0.")
		tuitest.Drive(m, tuitest.Keys("enter", "enter")...) // anywhere, no description
		words(t, m, w, h, "Done: Added an inbound rule to web-sg: Type: HTTP, Protocol: TCP, Port range: 80, Source: 0.0.0.0/0",
			"Goals: Solved: both goals met.", "Connection: a visitor to web-1 HTTP 80: connected")

		tuitest.Drive(m, tuitest.Key("f"))
		words(t, m, w, h, "CONNECTED: HTTP/1.1 200 OK",
			"Allowed by: Inbound rule of web-sg: Type: HTTP, Protocol: TCP, Port range: 80, Source: 0.0.0.0/0")
		tuitest.Drive(m, tuitest.Keys("tab", "down", "down", "down", "down", "down", "down", "down")...)
		words(t, m, w, h, "a visitor to web-1: HTTP 80 connected (let in, and something listens)")
		tuitest.Drive(m, tuitest.Key("?"))
		words(t, m, w, h, "enter: fire this one", "up or k: up", "control r: redo")
		tuitest.Drive(m, tuitest.Keys("?", "b")...)
		words(t, m, w, h, "Solved. Press enter to open the lab again", "Met: A visitor opens the website on web-1 (tcp/80)")
		tuitest.Drive(m, tuitest.Key("n"))
		words(t, m, w, h, "Check question", "a) Your session is cut at once", "Press a, b, c or d to answer.")
		tuitest.Drive(m, tuitest.Key("b"))
		words(t, m, w, h, "b) New SSH attempts from your address now time out", "(the right answer, yours)", "Right.")
		tuitest.Drive(m, tuitest.Key("n"))
		words(t, m, w, h, "Lesson 1 done: A firewall around your instance", "Let visitors in (solved)", "Questions 1 of 1 right")
		tuitest.Drive(m, tuitest.Keys("esc")...)
		words(t, m, w, h, "1. A firewall around your instance", "4 min, done")
	}
}

// TestAccessibleTimeout: a timeout waits without a spinner or a countdown,
// says so in a plain line, and then says how long it waited.
func TestAccessibleTimeout(t *testing.T) {
	ctx := tuitest.Accessible(t)
	ctx.Timeout = 1
	m := newApp(t, ctx, 80, 24)
	labOf(t, m, "1", 2)
	tuitest.Drive(m, tuitest.Key("f"))
	// The wait is one timer, not a frame every tenth of a second; the
	// tests' clock stands still, so it is skipped with a key.
	v := words(t, m, 80, 24, "Waiting for 54.210.0.10 to answer… (any key skips)", "waiting…")
	if strings.Contains(v, "TIMED OUT") {
		t.Fatalf("the verdict shows before the wait is over:\n%s", v)
	}
	tuitest.Drive(m, tuitest.Key("x"))
	words(t, m, 80, 24, "TIMED OUT: curl: (7) Failed to connect")
}

// TestAccessibleStory does lesson 1 in accessible mode through a real
// Bubble Tea program, from the keyboard, reading only words: the form
// asks its questions a line at a time inside the running program, and
// the lesson ends solved and done in the progress file.
func TestAccessibleStory(t *testing.T) {
	ctx := tuitest.Accessible(t)
	ui := tuitest.Start(t, app.New(ctx, nil), 80, 24)

	ui.WaitFor("Start with lesson 1", "enter: open")
	ui.Keys("enter")
	ui.WaitFor("4 min, not started")
	ui.Keys("enter")
	ui.WaitFor("page 1 of 3")
	ui.Keys("n", "n")
	ui.WaitFor("Not met: A visitor opens the website on web-1 (tcp/80)")
	ui.Keys("enter")
	ui.WaitFor("Connection: a visitor to web-1 HTTP 80: timeout", "Goals: 1 of 2 goals met")
	ui.Keys("down", "down", "enter") // web-sg, in the world
	ui.WaitFor("Inbound rules (0)")
	ui.Keys("a")
	ui.WaitFor("Enter alone keeps SSH.", "Enter a number between 1 and 20:")
	ui.Type("2")
	ui.Keys("enter")
	ui.WaitFor("Enter alone keeps Anywhere-IPv4  0.0.0.0/0.", "Enter a number between 1 and 4:")
	ui.Keys("enter")
	ui.WaitFor("Description (optional)")
	ui.Keys("enter")
	ui.WaitFor("Goals: Solved: both goals met.")
	ui.Keys("f")
	ui.WaitFor("CONNECTED: HTTP/1.1 200 OK")
	ui.Keys("b")
	ui.WaitFor("Solved. Press enter to open the lab again", "Met: A visitor opens the website on web-1")
	ui.Keys("n")
	ui.WaitFor("Press a, b, c or d to answer.")
	ui.Keys("b")
	ui.WaitFor("(the right answer,", "Right.")
	ui.Keys("n")
	ui.WaitFor("Lesson 1 done: A firewall around your instance")
	ui.Keys("q")
	final := ui.Final().(*app.Model)
	if err := final.Err(); err != nil {
		t.Fatal(err)
	}
	if g := tuitest.Glyphs(final.View()); len(g) > 0 {
		t.Fatalf("glyphs %q on the last screen:\n%s", g, final.View())
	}
	p := readProgress(t, ctx.DataDir)
	const id = "a-firewall-around-your-instance"
	if p.Status(id) != lessons.Done || !p.Challenge(id, "open-the-website").Solved || !p.Lesson(id).Answers["question-1"].Correct {
		t.Fatalf("lesson 1 is not done in the progress file: %+v", p.Lesson(id))
	}
}

// The main screens in accessible mode at 80x24, on lesson 1. Update the
// files with go test ./tui/lesson -run TestAccessibleGolden -update.
func TestAccessibleGolden(t *testing.T) {
	toLab := []string{"enter", "enter", "n", "n", "enter"}
	solve := append(append([]string{}, toLab...), "down", "down", "enter", "a", "2", "enter", "enter", "enter")
	screens := []struct {
		name string
		keys []string
	}{
		{"home", nil},
		{"course", []string{"enter"}},
		{"challenge", []string{"enter", "enter", "n", "n"}},
		{"lab", toLab},
		{"help", append(append([]string{}, toLab...), "?")},
		{"rule-form", append(append([]string{}, toLab...), "down", "down", "enter", "a")},
		{"rule-form-source", append(append([]string{}, toLab...), "down", "down", "enter", "a", "2", "enter")},
		{"connected", append(append([]string{}, solve...), "f")},
		{"reachability", append(append([]string{}, solve...), "tab", "tab", "down", "down", "down", "down", "down", "down", "down")},
		{"goals", append(append([]string{}, solve...), "tab", "tab", "tab")},
		{"question", append(append([]string{}, solve...), "b", "n", "b")},
	}
	for _, s := range screens {
		t.Run(s.name, func(t *testing.T) {
			ctx := tuitest.Accessible(t)
			m := newApp(t, ctx, 80, 24)
			tuitest.Drive(m, tuitest.Keys(s.keys...)...)
			v := words(t, m, 80, 24)
			// The state directory is a temporary one: name it, and drop the
			// padding its length leaves.
			lines := strings.Split(strings.ReplaceAll(v, ctx.DataDir, "$SGLAB_HOME"), "\n")
			for k, l := range lines {
				lines[k] = strings.TrimRight(l, " ")
			}
			golden.RequireEqual(t, []byte(strings.Join(lines, "\n")))
		})
	}
}
