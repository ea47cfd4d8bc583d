package quiz

import (
	"github.com/charmbracelet/bubbles/help"
	"os"
	"slices"
	"strings"
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

// seedFor finds a seed whose first question on topic is of kind k, so a
// test can ask for a typed or a pick-all question.
func seedFor(t testing.TB, topic qz.Topic, k qz.Kind) (uint64, qz.Question) {
	t.Helper()
	for seed := uint64(1); seed < 1000; seed++ {
		qs, err := qz.Pick(topic, 1, seed)
		if err != nil {
			t.Fatal(err)
		}
		if qs[0].Kind == k {
			return seed, qs[0]
		}
	}
	t.Fatalf("no seed gives a %s question first on %s", k, topic)
	return 0, qz.Question{}
}

// letter is the key that picks choice i.
func letter(i int) string { return strings.ToLower(qz.ChoiceLabel(i)) }

// wrong is a wrong choice of a single-answer question.
func wrong(q qz.Question) int {
	for i := range q.Choices {
		if !slices.Contains(q.Correct, i) {
			return i
		}
	}
	panic("every choice is right")
}

// stored reads the learner's progress back from the store.
func stored(t testing.TB, e *env) *qz.Progress {
	t.Helper()
	p, _, err := e.rec.load()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func has(t *testing.T, v string, want ...string) {
	t.Helper()
	for _, w := range tuitest.Missing(v, want...) {
		t.Errorf("the view lacks %q:\n%s", w, v)
	}
}

func lacks(t *testing.T, v string, unwanted ...string) {
	t.Helper()
	flat := tuitest.Flat(v)
	for _, w := range unwanted {
		if strings.Contains(flat, w) {
			t.Errorf("the view shows %q:\n%s", w, v)
		}
	}
}

// helpText is the help bar's keys of a screen, "key desc" each.
func helpText(m help.KeyMap) string {
	var parts []string
	for _, b := range m.ShortHelp() {
		parts = append(parts, b.Help().Key+" "+b.Help().Desc)
	}
	return strings.Join(parts, " • ")
}
