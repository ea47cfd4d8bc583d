package app

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/internal/tuitest"
	"github.com/sglab/sglab/tui/lab"
	"github.com/sglab/sglab/tui/quiz"
)

func TestMain(m *testing.M) {
	tuitest.Setup()
	os.Exit(m.Run())
}

func newApp(t testing.TB, w, h int, start func(ctx *common.Context) common.Component) *Model {
	ctx := tuitest.Context(t)
	var s common.Component
	if start != nil {
		s = start(ctx)
	}
	m := New(ctx, s)
	// As a program's end does: an open line form's questions end too,
	// which a test on synctest's fake clock waits for.
	t.Cleanup(func() { m.Close() })
	tuitest.Drive(m, tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

func fileLab(path string) func(ctx *common.Context) common.Component {
	return func(ctx *common.Context) common.Component {
		return lab.New(ctx, lab.DefaultWorld(), lab.WithPath(path))
	}
}

func view(t *testing.T, m *Model, w, h int) string {
	t.Helper()
	v := m.View()
	if err := tuitest.CheckView(v, w, h); err != nil {
		t.Fatalf("%v\n%s", err, v)
	}
	return v
}

func TestGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		name := fmt.Sprintf("%dx%d", size[0], size[1])
		t.Run("home/"+name, func(t *testing.T) {
			m := newApp(t, size[0], size[1], nil)
			m.ctx.DataDir = "/home/learner/.local/state/sglab" // the golden file names it
			golden.RequireEqual(t, []byte(view(t, m, size[0], size[1])))
		})
		t.Run("help/"+name, func(t *testing.T) {
			m := onEntry(newApp(t, size[0], size[1], nil), "Lab")
			tuitest.Drive(m, tuitest.Keys("enter", "?")...)
			golden.RequireEqual(t, []byte(view(t, m, size[0], size[1])))
		})
	}
}

// onEntry puts the home screen's cursor on the entry titled title.
func onEntry(m *Model, title string) *Model {
	for k, e := range m.home.entries {
		if e.Title == title {
			m.home.cursor = k
		}
	}
	return m
}

// TestHomeOpensTheLabAndBComesBack: esc never leaves the lab (it goes
// back within it); b does, and the lab is found again as it was left,
// undo history included.
func TestHomeOpensTheLabAndBComesBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := onEntry(newApp(t, 80, 24, nil), "Lab")
		if !strings.Contains(m.View(), "> Lab") {
			t.Fatalf("home lacks the lab entry:\n%s", m.View())
		}
		tuitest.Drive(m, tuitest.Key("enter"))
		lb, ok := m.top().(*lab.Model)
		if !ok {
			t.Fatalf("enter did not open the lab:\n%s", m.View())
		}
		if v := m.View(); !strings.Contains(v, "b leave the lab") || strings.Contains(v, "esc back") {
			t.Fatalf("the help bar does not name the way out:\n%s", v)
		}
		tuitest.Drive(m, tuitest.Keys("esc", "esc", "esc")...)
		if m.top() != lb {
			t.Fatal("esc left the lab")
		}
		tuitest.Drive(m, tuitest.Key("b"))
		if m.top() != m.home {
			t.Fatal("b did not come back home")
		}
		// The scratch lab was saved on the way out.
		if _, err := os.Stat(filepath.Join(m.ctx.DataDir, lab.ScratchFile)); err == nil {
			t.Fatal("an untouched scratch lab should not be written")
		}
		// A change, out, back in: the same lab, and undo still undoes it.
		tuitest.Drive(m, tuitest.Key("enter"), tuitest.Key("n"))
		tuitest.Drive(m, tuitest.Type("web")...)
		tuitest.Drive(m, tuitest.Keys("enter")...)
		tuitest.Drive(m, tuitest.Type("web servers")...)
		tuitest.Drive(m, tuitest.Keys("enter", "b", "enter", "u")...)
		if m.top() != lb || lb.World().FindGroup("vpc-main", "web") != nil {
			t.Fatalf("the undo history did not survive leaving the lab:\n%s", m.View())
		}
		if v := m.View(); !strings.Contains(v, "Undone: the security group web no longer exists.") {
			t.Fatalf("undo does not say what it did:\n%s", v)
		}
	})
}

// TestLeavingAFileLabAsksFirst: leaving a lab with changes not written to
// its file asks, as quitting does.
func TestLeavingAFileLabAsksFirst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "mine.yaml")
		m := newApp(t, 120, 40, fileLab(path))
		tuitest.Drive(m, tuitest.Keys("n")...)
		tuitest.Drive(m, tuitest.Type("web")...)
		tuitest.Drive(m, tuitest.Keys("enter")...)
		tuitest.Drive(m, tuitest.Type("web servers")...)
		tuitest.Drive(m, tuitest.Keys("enter", "b")...)
		if v := view(t, m, 120, 40); !strings.Contains(v, "Leave and lose the changes to mine.yaml?") || m.top() == m.home {
			t.Fatalf("b left without asking:\n%s", v)
		}
		tuitest.Drive(m, tuitest.Key("n"))
		if m.top() == m.home {
			t.Fatal("n left")
		}
		tuitest.Drive(m, tuitest.Keys("b", "y")...)
		if m.top() != m.home {
			t.Fatal("y did not leave")
		}
	})
}

// TestPanicWhileDrawingSaysSoAtOnce: a screen whose View panics shows the
// way out in the same frame, not a blank screen (issue 9, item 10).
func TestPanicWhileDrawingSaysSoAtOnce(t *testing.T) {
	m := newApp(t, 80, 24, func(*common.Context) common.Component { return panicky{} })
	if v := m.View(); !strings.Contains(v, "sglab hit an internal error (boom \\x1b[2J). Press any key to quit.") {
		t.Fatalf("a panic while drawing shows:\n%q", v)
	}
	if _, cmd := m.Update(tuitest.Key("x")); cmd == nil {
		t.Fatal("a key after the panic does not quit")
	} else if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("a key after the panic does not quit")
	}
}

// panicky is a screen that panics when drawn, with an escape in the value.
type panicky struct{}

func (panicky) Init() tea.Cmd                         { return nil }
func (p panicky) Update(tea.Msg) (tea.Model, tea.Cmd) { return p, nil }
func (panicky) View() string                          { panic("boom \x1b[2J") }
func (panicky) SetSize(int, int)                      {}
func (panicky) ShortHelp() []key.Binding              { return nil }
func (panicky) FullHelp() [][]key.Binding             { return nil }

func TestRunesReadTogetherAreSeparateKeys(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newApp(t, 80, 24, nil)
		tuitest.Drive(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jj")})
		if !strings.Contains(m.View(), "> Quiz") {
			t.Fatalf("\"jj\" read at once moves down twice, to the third entry:\n%s", m.View())
		}
		// A text field takes them whole: typing "nn" names the group "nn".
		m = onEntry(newApp(t, 80, 24, nil), "Lab")
		tuitest.Drive(m, tuitest.Key("enter"), tuitest.Key("n"), tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("nn")}, tuitest.Key("enter"),
			tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("nn")}, tuitest.Key("enter"))
		if l, ok := m.top().(*lab.Model); !ok || l.World().FindGroup("vpc-main", "nn") == nil {
			t.Fatalf("the group was not named from the burst:\n%s", m.View())
		}
	})
}

func TestTooSmallSaysHowMuchRoomItNeeds(t *testing.T) {
	for _, size := range [][2]int{{59, 30}, {100, 17}, {20, 5}, {1, 1}} {
		m := newApp(t, size[0], size[1], nil)
		v := view(t, m, size[0], size[1])
		if size[0] >= 30 && !strings.Contains(strings.Join(strings.Fields(v), " "), "at least 60×18") {
			t.Fatalf("%dx%d:\n%s", size[0], size[1], v)
		}
	}
}

func TestQuitAsksFirstWhenUnsaved(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "mine.yaml")
		m := newApp(t, 120, 40, fileLab(path))
		if _, cmd := m.Update(tuitest.Key("q")); cmd == nil {
			t.Fatal("with nothing unsaved, q quits at once")
		}
		m = newApp(t, 120, 40, fileLab(path))
		tuitest.Drive(m, tuitest.Keys("n")...)
		tuitest.Drive(m, tuitest.Type("web")...)
		tuitest.Drive(m, tuitest.Keys("enter")...)
		tuitest.Drive(m, tuitest.Type("web servers")...)
		tuitest.Drive(m, tuitest.Keys("enter")...)
		if _, cmd := m.Update(tuitest.Key("q")); cmd != nil || m.confirm == "" {
			t.Fatal("q quit without asking")
		}
		if v := view(t, m, 120, 40); !strings.Contains(v, "Quit and lose the changes to mine.yaml?") {
			t.Fatalf("no question:\n%s", v)
		}
		tuitest.Drive(m, tuitest.Key("n"))
		if m.confirm != "" {
			t.Fatal("n did not cancel")
		}
		if _, cmd := m.Update(tuitest.Key("ctrl+c")); cmd != nil || m.confirm == "" {
			t.Fatal("ctrl+c quit without asking")
		}
		if _, cmd := m.Update(tuitest.Key("y")); cmd == nil {
			t.Fatal("y did not quit")
		} else if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Fatal("y did not quit")
		}
	})
}

func TestHelpBarKeepsItsOwnKeys(t *testing.T) {
	m := newApp(t, 60, 20, func(ctx *common.Context) common.Component { return lab.New(ctx, lab.DefaultWorld()) })
	lines := strings.Split(m.View(), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "? more keys") || !strings.Contains(last, "q quit") || !strings.Contains(last, "b leave the lab") {
		t.Fatalf("the help bar lost ?, q or the way out of the lab: %q", last)
	}
}

// TestStory drives the whole SSH-from-my-IP story with keys through a real
// Bubble Tea program: create a group, add SSH from My IP, attach it, fire
// from your computer (connected) and from someone else's (timeout), stop
// sshd and fire again (refused).
func TestStory(t *testing.T) {
	ctx := tuitest.Context(t)
	ui := tuitest.Start(t, onEntry(New(ctx, nil), "Lab"), 120, 40)
	ui.WaitFor("Lab")
	ui.Keys("enter")
	ui.WaitFor("Scratch lab")
	ui.Keys("n")
	ui.Focused("Security group name")
	ui.Type("ssh-from-me")
	ui.Keys("enter")
	ui.Focused("Description")
	ui.Type("SSH from my laptop")
	ui.Keys("enter")
	ui.WaitFor("Created security group ssh-from-me")
	ui.Keys("enter")
	ui.Focused("Type")
	ui.Keys("enter")
	ui.Focused("Source")
	ui.Keys("enter")
	ui.Focused("Description (optional)")
	ui.Type("my laptop")
	ui.Keys("enter")
	ui.WaitFor("Added an inbound rule to ssh-from-me")
	ui.Keys("g")
	ui.Focused("Instances with ssh-from-me")
	ui.Keys("space", "enter")
	ui.WaitFor("ssh-from-me is now attached to web-1")
	ui.Keys("f")
	ui.WaitFor("CONNECTED")
	ui.Keys("right", "enter")
	ui.WaitFor("TIMED OUT")
	ui.Keys("tab", "tab", "down", "s") // the world tree: from the group down to web-1
	ui.Focused("Running")
	ui.Keys("space", "enter")
	ui.Focused("Other services")
	ui.Keys("enter")
	ui.WaitFor("Services on web-1: nothing", "was connected → now refused") // the history, evaluated again at once
	ui.Keys("tab", "tab", "down", "down", "down", "down", "enter")
	ui.WaitFor("REFUSED")
	ui.Keys("q")
	final := ui.Final().(*Model)
	if err := final.Err(); err != nil {
		t.Fatal(err)
	}
	w, _, err := engine.LoadFile(filepath.Join(ctx.DataDir, lab.ScratchFile))
	if err != nil || w == nil {
		t.Fatalf("the scratch lab was not saved: %v", err)
	}
	if g := w.FindGroup("vpc-main", "ssh-from-me"); g == nil || len(g.Inbound) != 1 || len(w.Instance("web-1").Listening) != 0 {
		t.Fatalf("the saved lab is not the story's:\n%s", engine.Marshal(w))
	}
}

// checked wraps the app and checks every frame it would draw.
type checked struct {
	*Model
	width, height int
	problems      []string
	seen          map[string]int
}

func (c *checked) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if s, ok := msg.(tea.WindowSizeMsg); ok {
		c.width, c.height = s.Width, s.Height
	}
	_, cmd := c.Model.Update(msg)
	c.seen[fmt.Sprintf("%T capturing=%v", c.top(), common.IsCapturing(c.top()))]++
	if c.crash != nil {
		c.problems = append(c.problems, fmt.Sprintf("panic after %#v: %v\n%s", msg, c.crash.Value, c.crash.Stack))
		return c, tea.Quit
	}
	if v := c.View(); c.width > 0 && len(c.problems) < 3 {
		if err := tuitest.CheckView(v, c.width, c.height); err != nil {
			c.problems = append(c.problems, fmt.Sprintf("after %#v: %v\n%s", msg, err, v))
		}
	}
	return c, cmd
}

// TestRandomKeysAndResizes sends 10,000 random key presses and resizes
// across every screen; the app must never panic and every frame must fit
// the terminal.
func TestRandomKeysAndResizes(t *testing.T) {
	t.Chdir(t.TempDir()) // "save as" writes relative paths here
	ctx := tuitest.Context(t)
	ctx.Timeout = 50 * time.Millisecond
	c := &checked{Model: New(ctx, nil), seen: map[string]int{}}
	tm := teatest.NewTestModel(t, c, teatest.WithInitialTermSize(80, 24))
	names := []string{"up", "down", "left", "right", "enter", "tab", "shift+tab", "esc", "space", "backspace",
		"home", "end", "pgup", "pgdown", "delete", "ctrl+s", "ctrl+z", "?", "n", "a", "e", "x", "g", "s", "i", "f", "r", "u", "o",
		"h", "j", "k", "l", "0", "2", "8", "/", "-", ".", "y", "z", "b", "ctrl+r", "t"}
	rng := rand.New(rand.NewPCG(1, 2))
	for k := range 10000 {
		switch {
		case k%250 == 0:
			tm.Send(tea.WindowSizeMsg{Width: 20 + rng.IntN(200), Height: 5 + rng.IntN(60)})
		case k%97 == 0:
			tm.Send(tea.WindowSizeMsg{Width: 80, Height: 24})
		case k%1000 == 501: // the quiz, last on the home screen, is rarely reached by chance
			menu, err := quiz.Menu(ctx)
			if err != nil {
				t.Fatal(err)
			}
			tm.Send(common.PushMsg{Screen: menu})
		default:
			tm.Send(tuitest.Key(names[rng.IntN(len(names))]))
		}
	}
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC}) // the second answers "quit and lose…?"
	final := tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second)).(*checked)
	if len(final.problems) > 0 {
		t.Fatal(strings.Join(final.problems, "\n"))
	}
	for _, screen := range []string{"*app.home capturing=false", "*lab.Model capturing=false", "*lab.Model capturing=true", "*quiz.menu capturing=false",
		"*lesson.course capturing=false", "*lesson.lessonView capturing=false"} {
		if final.seen[screen] < 100 {
			t.Errorf("the keys hardly reached %s: %v", screen, final.seen)
		}
	}
	// Which quiz mode the random keys open, and for how long, depends on
	// when each screen's command lands (a loaded machine saw a drill take
	// only 3 keys, another run no exam at all): the keys must reach the
	// quiz's modes, whichever they are.
	inQuiz := 0
	for screen, n := range final.seen {
		if strings.HasPrefix(screen, "*quiz.") && !strings.HasPrefix(screen, "*quiz.menu") {
			inQuiz += n
		}
	}
	if inQuiz < 20 {
		t.Errorf("the keys hardly reached the quiz's modes: %v", final.seen)
	}
}
