package lab

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/internal/console"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/internal/tuitest"
)

func TestMain(m *testing.M) {
	tuitest.Setup()
	os.Exit(m.Run())
}

// newLab is a lab on the default world at w×h.
func newLab(t testing.TB, w, h int, opts ...Option) *Model {
	m := New(tuitest.Context(t), DefaultWorld(), opts...)
	m.SetSize(w, h)
	return m
}

// drive sends messages (key names, text to type, or messages) to m.
//
// Tests that drive the lab run on synctest's fake clock: after every key
// a form's text field waits half a second to blink (the blink itself is
// dropped, see tag), which the fake clock lets pass at once. A line form
// (accessible mode) keeps its questions on a coroutine that outlives a
// test; those tests keep the real clock.
func drive(m *Model, steps ...any) {
	for _, s := range steps {
		switch s := s.(type) {
		case string:
			tuitest.Drive(m, tuitest.Key(s))
		case []tea.Msg:
			tuitest.Drive(m, s...)
		case tea.Msg:
			tuitest.Drive(m, s)
		}
	}
}

func text(s string) []tea.Msg { return tuitest.Type(s) }

func mustContain(t *testing.T, m *Model, want ...string) {
	t.Helper()
	v := m.View()
	for _, w := range want {
		if !strings.Contains(v, w) {
			t.Fatalf("the view lacks %q:\n%s", w, v)
		}
	}
}

// selectThing selects r in the world tree, as the arrow keys would.
func selectThing(m *Model, r ref) {
	m.tree.selectRef(r)
	m.follow()
}

// says checks what a pane says, wherever its lines wrap.
func says(t *testing.T, pane string, want ...string) {
	t.Helper()
	if missing := tuitest.Missing(pane, want...); len(missing) > 0 {
		t.Fatalf("the pane lacks %q:\n%s", missing[0], pane)
	}
}

func connSays(t *testing.T, m *Model, want ...string) {
	t.Helper()
	says(t, m.conn.View(), want...)
}

// lastOutcome is the outcome of the connection fired last.
func lastOutcome(m *Model) engine.Outcome {
	if len(m.conn.history) == 0 {
		return engine.OutcomeNone
	}
	return m.conn.history[0].res.Outcome
}

// story builds the SSH-from-my-IP story: a group, an SSH rule from My IP,
// attached to web-1.
func story(t *testing.T, m *Model) {
	t.Helper()
	drive(m, "n", text("ssh-from-me"), "enter", text("SSH from my laptop"), "enter")
	if m.form != nil {
		t.Fatalf("the group form is still open:\n%s", m.View())
	}
	g := m.World().FindGroup("vpc-main", "ssh-from-me")
	if g == nil {
		t.Fatalf("no group was created:\n%s", m.View())
	}
	if m.focus != paneDetail || m.tree.selected() != (ref{kindGroup, g.ID}) {
		t.Fatalf("after creating a group the lab shows it: focus %d, selection %v", m.focus, m.tree.selected())
	}
	drive(m, "enter") // the cursor is on "+ Add inbound rule"
	mustContain(t, m, "Add inbound rule", "My IP", "203.0.113.10/32")
	drive(m, "enter", "enter", text("my laptop"), "enter")
	g = m.World().Group(g.ID)
	if len(g.Inbound) != 1 || g.Inbound[0].Peer.CIDR.String() != "203.0.113.10/32" || g.Inbound[0].Ports.Lo != 22 {
		t.Fatalf("inbound rules = %+v", g.Inbound)
	}
	drive(m, "g", "space", "enter")
	if got := m.World().Instance("web-1").Groups; len(got) != 2 || got[1] != g.ID {
		t.Fatalf("web-1's groups = %v:\n%s", got, m.View())
	}
}

func TestStoryConnectedTimeoutRefused(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newLab(t, 120, 40)
		drive(m, "f")
		if o := lastOutcome(m); o != engine.Timeout {
			t.Fatalf("before the story SSH times out, got %v", o)
		}
		story(t, m)
		drive(m, "f")
		if o := lastOutcome(m); o != engine.Connected {
			t.Fatalf("from your computer: %v", o)
		}
		connSays(t, m, "CONNECTED", "Inbound rule of ssh-from-me: SSH · TCP · 22 · 203.0.113.10/32 · my laptop")

		drive(m, "up", "up", "up", "right", "enter") // From: someone else's computer
		if o := lastOutcome(m); o != engine.Timeout {
			t.Fatalf("from someone else's computer: %v", o)
		}
		connSays(t, m, "ssh: connect to host 54.210.0.10 port 22: Connection timed out", "Dropped: no inbound rule of web-1's groups (default, ssh-from-me) matched")

		// Stop sshd on web-1.
		selectThing(m, ref{kindInstance, m.World().Instance("web-1").ID})
		drive(m, "s", "space", "enter", "enter")
		if l := m.World().Instance("web-1").Listening; len(l) != 0 {
			t.Fatalf("sshd still runs: %v", l)
		}
		m.setFocus(paneConn)
		h := m.conn.history // evaluated again at once, with no key pressed
		if len(h) != 2 || h[0].res.Outcome != engine.Timeout || h[1].res.Outcome != engine.Refused || h[1].prev != engine.Connected {
			t.Fatalf("history after stopping sshd: %v/%v (was %v)", h[0].res.Outcome, h[1].res.Outcome, h[1].prev)
		}
		drive(m, "down", "down", "down", "down", "enter") // fire your computer's again
		if o := lastOutcome(m); o != engine.Refused {
			t.Fatalf("after stopping sshd: %v", o)
		}
		if m.conn.row != 3 {
			t.Errorf("the cursor should follow the connection fired to the top of the history, it is on row %d", m.conn.row)
		}
		connSays(t, m, "ssh: connect to host 54.210.0.10 port 22: Connection refused", "Nobody listens:")
	})
}

func TestRuleFormKeepsInputAndShowsAWSError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newLab(t, 80, 24)
		story(t, m)
		m.setFocus(paneDetail)
		// A Custom TCP rule with a port out of range: the form stays, says why
		// next to the field, and keeps what was typed.
		drive(m, "a", typeSteps("Custom TCP"), "enter", text("70000"), "enter")
		if m.form == nil {
			t.Fatal("the form closed on a bad port")
		}
		mustContain(t, m, "70000", "InvalidParameterValue: port 70000 is out of range 0-65535")
		drive(m, "backspace", "backspace", "backspace", "backspace", "backspace", text("8080"), "enter", "enter", "enter")
		if m.form != nil {
			t.Fatalf("the form is still open:\n%s", m.View())
		}
		g := m.World().FindGroup("vpc-main", "ssh-from-me")
		if len(g.Inbound) != 2 || g.Inbound[1].Ports.Lo != 8080 {
			t.Fatalf("inbound = %+v", g.Inbound)
		}

		// The same rule again: AWS's duplicate error, under the last field.
		drive(m, "a", "enter", "enter", "enter")
		if m.form == nil {
			t.Fatal("a duplicate rule was accepted")
		}
		mustContain(t, m, "InvalidPermission.Duplicate")
		drive(m, "esc")
		if m.form != nil || len(m.World().FindGroup("vpc-main", "ssh-from-me").Inbound) != 2 {
			t.Fatal("esc did not cancel, or changed the world")
		}
	})
}

// TestSmallTruths is issue 8's item 7 in the lab: the ICMP type field's
// placeholder, a description AWS requires, the count of the groups
// ticked, and rules named by what they are rather than by an index.
func TestSmallTruths(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newLab(t, 120, 40)
		story(t, m)
		m.setFocus(paneDetail)
		drive(m, "a", typeSteps("Custom ICMP - IPv4"), "enter")
		mustContain(t, m, "ICMP type, or type/code", "type, or type/code (8, 3/4)")
		drive(m, "esc", "esc")

		drive(m, "n", text("web"), "enter", "enter")
		if m.form == nil {
			t.Fatal("a group without a description was created")
		}
		says(t, strings.Join(m.form.render(), "\n"), "MissingParameter: a security group needs a description")
		drive(m, "esc")

		m.setFocus(paneDetail)
		selectThing(m, ref{kindGroup, m.World().FindGroup("vpc-main", "ssh-from-me").ID})
		drive(m, "x")
		says(t, m.View(), "Deleted the inbound rule SSH · TCP · 22 · 203.0.113.10/32 · my laptop from ssh-from-me")
		for _, bad := range []string{"rule 0", "rule 1 "} {
			if strings.Contains(m.View(), bad) {
				t.Fatalf("a rule is named by its index:\n%s", m.View())
			}
		}
	})
}

// typeSteps is how many presses of → take the rule form's Type from SSH
// to name.
func typeSteps(name string) []tea.Msg {
	for k, t := range console.Types {
		if t.Name == name {
			return tuitest.Keys(strings.Split(strings.Repeat("right ", k), " ")[:k]...)
		}
	}
	panic("no rule type " + name)
}

func TestDeleteGroupRefusals(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newLab(t, 120, 40)
		selectThing(m, ref{kindGroup, engine.DefaultGroupID("vpc-main")})
		drive(m, "x")
		mustContain(t, m, "CannotDelete")
		story(t, m)
		m.setFocus(paneWorld)
		drive(m, "x")
		mustContain(t, m, "DependencyViolation")
		if m.World().FindGroup("vpc-main", "ssh-from-me") == nil {
			t.Fatal("an attached group was deleted")
		}
	})
}

func TestUndo(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newLab(t, 120, 40)
		story(t, m)
		m.setFocus(paneWorld)
		for range 3 { // attach, rule, group
			drive(m, "u")
		}
		if m.World().FindGroup("vpc-main", "ssh-from-me") != nil {
			t.Fatal("undo did not remove the group")
		}
		drive(m, "u")
		mustContain(t, m, "Nothing to undo.")
		for range 3 {
			drive(m, "ctrl+r")
		}
		if g := m.World().FindGroup("vpc-main", "ssh-from-me"); g == nil || len(m.World().InstancesWith(g.ID)) != 1 {
			t.Fatal("redo did not make the three changes again")
		}
		drive(m, "ctrl+r")
		mustContain(t, m, "Nothing to redo.")
		drive(m, "u", "n", text("other"), "enter", text("another group"), "enter")
		drive(m, "ctrl+r")
		mustContain(t, m, "Nothing to redo.") // a new change starts a new branch
	})
}

// TestUndoSaysTheStateItLeaves: undo and redo state how the world is
// afterwards, not what the change was (issue 8, item 4).
func TestUndoSaysTheStateItLeaves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newLab(t, 120, 40)
		story(t, m)
		drive(m, "g", "space", "enter") // the group's details: untick web-1
		says(t, m.View(), "ssh-from-me is now attached to nothing")
		drive(m, "u")
		says(t, m.View(), "Undone: ssh-from-me is attached to web-1 again.")
		drive(m, "ctrl+r")
		says(t, m.View(), "Redone: ssh-from-me is attached to nothing again.")
		drive(m, "u", "u")
		says(t, m.View(), "Undone: ssh-from-me is attached to nothing again.")
		drive(m, "u")
		says(t, m.View(), "Undone: ssh-from-me no longer has the inbound rule SSH · TCP · 22 · 203.0.113.10/32 · my laptop.")
		drive(m, "u")
		says(t, m.View(), "Undone: the security group ssh-from-me no longer exists.")
	})
}

// TestEscGoesBackOneLevel: esc goes from a pane back to the world tree
// and never leaves the lab; b leaves, and the help bar says so.
func TestEscGoesBackOneLevel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newLab(t, 120, 40, WithLeave("go back to the lesson"))
		story(t, m)
		if m.focus != paneDetail {
			t.Fatalf("the story ends in the group's details, not pane %d", m.focus)
		}
		_, cmd := m.Update(tuitest.Key("esc"))
		if m.focus != paneWorld || cmd != nil {
			t.Fatalf("esc in the details: focus %d, cmd %v", m.focus, cmd)
		}
		if _, cmd := m.Update(tuitest.Key("esc")); cmd != nil {
			t.Fatal("esc in the world tree leaves the lab")
		}
		mustContain(t, m, "press b to go back to the lesson")
		_, cmd = m.Update(tuitest.Key("b"))
		if cmd == nil {
			t.Fatal("b does not leave")
		}
		if _, ok := cmd().(common.BackMsg); !ok {
			t.Fatal("b does not go back")
		}
		var keys []string
		for _, b := range m.AnchoredHelp() { // kept on the help bar whatever its width
			keys = append(keys, b.Help().Key+" "+b.Help().Desc)
		}
		if !slices.Contains(keys, "b go back to the lesson") {
			t.Fatalf("the help bar does not name the key that leaves: %q", keys)
		}
	})
}

func TestScratchAutosavedAndRestored(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := tuitest.Context(t)
		m, err := OpenScratch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		m.SetSize(120, 40)
		story(t, m)
		drive(m, "f", "up", "up", "up", "right", "enter") // your computer, then someone else's
		if m.Unsaved() != "" {
			t.Fatal("the scratch lab is autosaved, never unsaved")
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		if same, _ := OpenScratch(ctx); same != m {
			t.Fatal("within one session the scratch lab opens again as it was left")
		}
		next := tuitest.Context(t) // the next run
		next.DataDir = ctx.DataDir
		again, err := OpenScratch(next)
		if err != nil {
			t.Fatal(err)
		}
		if again == m || again.World().FindGroup("vpc-main", "ssh-from-me") == nil {
			t.Fatalf("the scratch lab was not restored:\n%s", engine.Marshal(again.World()))
		}
		if got, want := again.conn.connections(), m.conn.connections(); len(want) < 2 || !slices.EqualFunc(got, want, again.conn.sameConn) {
			t.Errorf("the history of tests was not restored: got %v, want %v", got, want)
		}
	})
}

func TestCorruptScratchSetAside(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := tuitest.Context(t)
		path := filepath.Join(ctx.DataDir, ScratchFile)
		if err := os.WriteFile(path, []byte("version: 1\nvpcs: [oops\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := OpenScratch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		m.SetSize(120, 40)
		mustContain(t, m, "did not load", "starts fresh")
		if _, err := os.Stat(path + ".corrupt-20250314T150926"); err != nil {
			t.Fatalf("the corrupt file was not set aside: %v", err)
		}
		if m.World().Instance("web-1") == nil {
			t.Fatal("the lab did not start from the default world")
		}
	})
}

func TestTimeoutWaitsThenAnyKeySkips(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		now := tuitest.Epoch
		ctx := tuitest.Context(t)
		ctx.Now = func() time.Time { return now }
		ctx.Timeout = 3 * time.Second
		m := New(ctx, DefaultWorld())
		m.SetSize(120, 40)
		_, cmd := m.Update(tuitest.Key("f"))
		if cmd == nil || !m.conn.pending || !m.Capturing() {
			t.Fatal("a timeout does not wait")
		}
		mustContain(t, m, "waiting for 54.210.0.10 to answer… 3s", "any key skips")
		now = now.Add(1500 * time.Millisecond)
		m.Update(cmd()) // the spinner's tick
		mustContain(t, m, "answer… 2s")
		if strings.Contains(m.View(), "Connection timed out") {
			t.Fatal("the result shows before the wait is over")
		}
		m.Update(tuitest.Key("x"))
		if m.conn.pending {
			t.Fatal("a key did not skip the wait")
		}
		connSays(t, m, "TIMED OUT ssh: connect to host 54.210.0.10 port 22: Connection timed out")
		if _, cmd := m.Update(cmd()); cmd != nil {
			t.Fatal("the spinner keeps ticking after the wait")
		}
	})
}

func TestIdleLabSchedulesNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newLab(t, 120, 40)
		// Moving about, firing connections that do not time out, and every
		// form, text fields included (their cursor's blink is dropped, so
		// it wakes nothing): no timer.
		for _, k := range []string{"tab", "f", "tab", "down", "tab", "down", "up", "shift+tab", "shift+tab", "shift+tab",
			"n", "x", "enter", "d", "enter", "a", "esc", "i", "tab", "esc", "o", "esc", "tab", "tab", "tab", "down", "down", "s", "esc"} {
			if n := tuitest.Run(m, tuitest.Key(k)); n > 0 {
				t.Fatalf("key %q scheduled %d timers", k, n)
			}
		}
		if m.World().FindGroup("vpc-main", "x") == nil {
			t.Fatal("the keys did not reach the forms")
		}
	})
}

// fakeSide is a side panel that counts the worlds it is told about.
type fakeSide struct{ worlds int }

func (f *fakeSide) Init() tea.Cmd { return nil }
func (f *fakeSide) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(WorldChangedMsg); ok {
		f.worlds++
	}
	return f, nil
}
func (f *fakeSide) View() string              { return "GOALS" }
func (f *fakeSide) SetSize(int, int)          {}
func (f *fakeSide) ShortHelp() []key.Binding  { return nil }
func (f *fakeSide) FullHelp() [][]key.Binding { return nil }

func TestSidePanelAndOnChangeSeeEveryChange(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		side := &fakeSide{}
		var seen []*engine.World
		m := newLab(t, 140, 40, WithSidePanel("Goals", side), WithOnChange(func(w *engine.World) tea.Cmd {
			seen = append(seen, w)
			return nil
		}))
		mustContain(t, m, "Goals", "GOALS")
		story(t, m)
		drive(m, "u")
		if side.worlds != 4 || len(seen) != 4 {
			t.Fatalf("3 changes and an undo: the side panel saw %d, OnChange %d", side.worlds, len(seen))
		}
		if seen[3] != m.World() || seen[3].FindGroup("vpc-main", "ssh-from-me") == nil {
			t.Fatal("OnChange did not get the world after the undo")
		}
		m.SetSize(80, 24) // stacked: the side panel is one more pane
		m.setFocus(paneWorld)
		drive(m, "shift+tab")
		mustContain(t, m, "GOALS")
	})
}

func TestFileBackedLabAsksToSave(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "mine.yaml")
		m := newLab(t, 120, 40, WithPath(path))
		if m.Unsaved() != "" {
			t.Fatal("a fresh lab has nothing unsaved")
		}
		story(t, m)
		if m.Unsaved() != "the changes to mine.yaml" {
			t.Fatalf("Unsaved() = %q", m.Unsaved())
		}
		drive(m, "ctrl+s")
		if m.Unsaved() != "" {
			t.Fatal("ctrl+s did not save")
		}
		says(t, m.View(), "✓ Saved "+path) // the full path
		w, ds, err := engine.LoadFile(path)
		if err != nil || w == nil {
			t.Fatalf("the saved file does not load: %v %v", err, ds)
		}
		if w.FindGroup("vpc-main", "ssh-from-me") == nil {
			t.Fatal("the saved file lacks the group")
		}
	})
}

func TestSaveAsAndOpen(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		m := newLab(t, 120, 40)
		story(t, m)
		drive(m, "ctrl+s")
		mustContain(t, m, "Save the lab to a file")
		drive(m, "enter", "ctrl+u", text(filepath.Join(dir, "nowhere", "x.yaml")), "enter")
		mustContain(t, m, "there is no directory")
		drive(m, "ctrl+u", text(filepath.Join(dir, "story.yaml")), "enter")
		if m.form != nil || m.path == "" {
			t.Fatalf("save as did not save:\n%s", m.View())
		}
		fresh := newLab(t, 120, 40)
		drive(fresh, "o", text(filepath.Join(dir, "missing.yaml")), "enter")
		mustContain(t, fresh, "cannot read")
		drive(fresh, "ctrl+u", text(filepath.Join(dir, "story.yaml")), "enter")
		if fresh.World().FindGroup("vpc-main", "ssh-from-me") == nil {
			t.Fatalf("open did not load the file:\n%s", fresh.View())
		}
	})
}

func TestAttachBeyondFiveGroupsIsRefusedInline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := DefaultWorld()
		for k := range 5 {
			if _, err := w.CreateGroup(engine.Group{Name: fmt.Sprintf("g%d", k), VPC: "vpc-main", Description: "group"}); err != nil {
				t.Fatal(err)
			}
		}
		m := New(tuitest.Context(t), w)
		m.SetSize(120, 40)
		selectThing(m, ref{kindInstance, w.Instance("web-1").ID})
		drive(m, "g")
		for range 5 { // tick g0..g4 below the default group
			drive(m, "down", "space")
		}
		drive(m, "enter")
		if m.form == nil {
			t.Fatal("six groups were accepted")
		}
		says(t, strings.Join(m.form.render(), "\n"), "SecurityGroupsPerInterfaceLimitExceeded: that makes 6 security groups for web-1; an instance can have at most 5")
		drive(m, "space", "enter") // untick the last: five
		if m.form != nil || len(m.World().Instance("web-1").Groups) != 5 {
			t.Fatalf("five groups: %v\n%s", m.World().Instance("web-1").Groups, m.View())
		}
		// Detaching the last group is refused too.
		drive(m, "g", "space", "down", "space", "down", "space", "down", "space", "down", "space", "enter")
		if m.form == nil {
			t.Fatal("an instance was left without a group")
		}
		says(t, strings.Join(m.form.render(), "\n"), "InvalidParameterValue: web-1 must keep at least one security group")
	})
}

func TestScenarioConnectionsSeedTheHistoryWithTheirExpectations(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w, ds := engine.Parse("ssh.yaml", []byte(`version: 1
name: SSH from your computer only
vpcs: [{id: vpc-main, cidr: 10.0.0.0/16}]
security_groups:
  - {id: sg-ssh, name: ssh, vpc: vpc-main, inbound: [{protocol: tcp, ports: 22, source: 203.0.113.10/32}]}
instances:
  - {id: i-web1, name: web-1, vpc: vpc-main, private_ip: 10.0.1.10, public_ip: 54.210.0.10, security_groups: [sg-ssh], listening: [tcp/22]}
hosts:
  - {id: laptop, name: your computer, ip: 203.0.113.10}
  - {id: neighbour, ip: 198.51.100.7}
connections:
  - {from: laptop, to: web-1, port: 22, expect: connected}
  - {from: neighbour, to: 54.210.0.10, port: 22, expect: connected}
`))
		if w == nil {
			t.Fatal(ds)
		}
		m := New(tuitest.Context(t), w, WithPath("ssh.yaml"))
		m.SetSize(120, 40)
		if len(m.conn.history) != 2 {
			t.Fatalf("history = %d entries", len(m.conn.history))
		}
		m.setFocus(paneConn)
		says(t, m.conn.View(), "connected your computer → web-1 SSH 22 ✓ expected", "✗ expected connected")
		// Fire the failing check again from the history: it keeps its expectation.
		drive(m, "down", "down", "down", "down", "enter")
		connSays(t, m, "✗ expected connected (the scenario's expect)")
		if m.conn.history[0].conn.To != "54.210.0.10" || len(m.conn.history) != 2 {
			t.Fatalf("history = %+v", m.conn.history)
		}

		// While a timeout is waited out, its row gives no verdict yet.
		ctx := tuitest.Context(t)
		ctx.Timeout = 3 * time.Second
		m = New(ctx, w, WithPath("ssh.yaml"))
		m.SetSize(120, 40)
		m.setFocus(paneConn)
		drive(m, "down", "down", "down", "down", "enter")
		if !m.conn.pending {
			t.Fatal("the timeout is not waited out")
		}
		for _, line := range strings.Split(m.conn.View(), "\n") {
			if strings.Contains(line, "…") && strings.Contains(line, "SSH 22") && strings.Contains(line, "expected") {
				t.Errorf("the row being waited for gives its verdict: %q", line)
			}
		}
	})
}

// TestSavingSaysWhereAndAsksBeforeReplacing is issue 8's item 8: save-as
// offers a path in the directory it names, writes in a command (never in
// Update), says the full path it wrote, and asks before replacing a file.
func TestSavingSaysWhereAndAsksBeforeReplacing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		t.Chdir(dir)
		m := newLab(t, 120, 40)
		story(t, m)
		drive(m, "ctrl+s", "enter") // the format: a scenario
		path := filepath.Join(dir, "scratch-lab.yaml")
		form := strings.Join(m.form.render(), "\n")
		says(t, form, "Saved in "+dir+" unless you type another directory")
		offers(t, m, path) // the whole path, however the pane's width wraps it

		// The form's answer asks for a command; only the command writes.
		_, cmd := m.Update(saveAsMsg{path: path})
		if _, err := os.Stat(path); err == nil || cmd == nil {
			t.Fatal("Update wrote the file itself")
		}
		msg := cmd()
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("the command did not write the file: %v", err)
		}
		m.Update(msg)
		says(t, m.View(), "✓ Saved "+path)
		if m.Unsaved() != "" {
			t.Fatal("a saved lab still counts as unsaved")
		}

		// A second lab offers the same name: the form asks before replacing.
		other := newLab(t, 120, 40)
		drive(other, "ctrl+s", "enter", "enter")
		says(t, strings.Join(other.form.render(), "\n"), "scratch-lab.yaml exists already. Replace it?")
		drive(other, "enter") // "Keep it"
		if other.form != nil {
			t.Fatal("keeping the file left the form open")
		}
		says(t, other.View(), "Nothing saved: "+path+" is kept as it was.")
		drive(other, "ctrl+s", "enter", "enter", "shift+tab", "ctrl+u", text("other.yaml"), "enter")
		if other.form != nil {
			t.Fatalf("a new name did not save:\n%s", other.View())
		}
		if _, err := os.Stat(filepath.Join(dir, "other.yaml")); err != nil {
			t.Fatalf("a name typed alone is not saved in the directory the form named: %v\n%s", err, other.View())
		}
		says(t, other.View(), "Saved "+filepath.Join(dir, "other.yaml"))
		// Replacing, when asked for.
		third := newLab(t, 120, 40)
		drive(third, "ctrl+s", "enter", "enter", "left", "enter")
		if third.form != nil || third.path != path {
			t.Fatalf("Replace did not save:\n%s", third.View())
		}
		if w, _, _ := engine.LoadFile(path); w == nil || w.FindGroup("vpc-main", "ssh-from-me") != nil {
			t.Fatal("the file was not replaced")
		}
	})
}

// hintSide is a side panel with a hint key, like a challenge's goals.
type hintSide struct {
	fakeSide
	hints int
	keys  []key.Binding
}

func newHintSide() *hintSide {
	return &hintSide{keys: []key.Binding{bind([]string{"h"}, "h", "hint"), bind([]string{"s"}, "s", "show the solution")}}
}

func (h *hintSide) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if km, ok := msg.(tea.KeyMsg); ok && key.Matches(km, h.keys[0]) {
		h.hints++
	}
	return h, nil
}
func (h *hintSide) ShortHelp() []key.Binding  { return h.keys }
func (h *hintSide) FullHelp() [][]key.Binding { return [][]key.Binding{h.keys} }

// TestHintKeyWorksFromAnyPane: h opens the hints from any pane of a
// challenge's lab (issue 8, item 9), and shows the Goals pane; a key the
// lab binds itself (s) is never passed on.
func TestHintKeyWorksFromAnyPane(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		side := newHintSide()
		m := newLab(t, 120, 40, WithSidePanel("Goals", side))
		for _, p := range []paneID{paneWorld, paneDetail, paneConn, paneGrid} {
			m.setFocus(p)
			drive(m, "h")
			if m.focus != paneSide {
				t.Fatalf("h in pane %d does not show the goals", p)
			}
		}
		if side.hints != 4 {
			t.Fatalf("h reached the panel %d times, not 4", side.hints)
		}
		m.setFocus(paneWorld)
		selectThing(m, ref{kindGroup, engine.DefaultGroupID("vpc-main")}) // s does nothing on a group
		drive(m, "s")
		if m.focus == paneSide {
			t.Fatal("s, the lab's own key, went to the side panel")
		}
		var help []string
		for _, b := range m.ShortHelp() {
			help = append(help, b.Help().Key)
		}
		if !slices.Contains(help, "h") {
			t.Fatalf("the help bar does not offer h from the world tree: %q", help)
		}
	})
}
