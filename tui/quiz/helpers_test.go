package quiz

import (
	"os"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	qz "github.com/sglab/sglab/quiz"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/internal/tuitest"
)

func TestMain(m *testing.M) {
	tuitest.Setup()
	os.Exit(m.Run())
}

// testEnv is a quiz env on a fresh state directory, its clock a manual
// one the test moves.
func testEnv(t testing.TB) (*env, *qz.ManualClock) {
	t.Helper()
	ctx := tuitest.Context(t)
	clk := qz.NewManualClock(tuitest.Epoch)
	ctx.Now = clk.Now
	e, err := newEnv(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return e, clk
}

// open starts a quiz on e at w×h.
func open(t testing.TB, e *env, o qz.Options, w, h int) common.Component {
	t.Helper()
	s, err := e.start(o)
	if err != nil {
		t.Fatal(err)
	}
	s.SetSize(w, h)
	tuitest.Drive(s, nil)
	return s
}

// drive sends key names, and text to type as "type:text".
func drive(m tea.Model, keys ...string) {
	for _, k := range keys {
		if len(k) > 5 && k[:5] == "type:" {
			tuitest.Drive(m, tuitest.Type(k[5:])...)
			continue
		}
		tuitest.Drive(m, tuitest.Key(k))
	}
}

func view(t *testing.T, m tea.Model, w, h int) string {
	t.Helper()
	v := m.View()
	if err := tuitest.CheckView(v, w, h); err != nil {
		t.Fatalf("%v\n%s", err, v)
	}
	return v
}
