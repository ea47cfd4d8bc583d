package lab

import (
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/internal/console"
	"github.com/sglab/sglab/tui/internal/tuitest"
)

// newAccessibleLab is newLab in accessible mode, at 80x24.
func newAccessibleLab(t *testing.T) *Model {
	ctx := tuitest.Accessible(t)
	m := New(ctx, DefaultWorld())
	m.SetSize(80, 24)
	return m
}

// answer types a line into the open line form and presses enter.
func answer(m *Model, line string) {
	drive(m, text(line), "enter")
}

// asks checks that a line form is open and shows want (in its frame), and
// no glyph that carries meaning.
func asks(t *testing.T, m *Model, want ...string) {
	t.Helper()
	if m.form == nil || m.form.lines == nil {
		t.Fatalf("no line form is open:\n%s", m.View())
	}
	v := m.View()
	says(t, strings.NewReplacer("┃", " ").Replace(v), want...)
	if g := tuitest.Glyphs(v); len(g) > 0 {
		t.Fatalf("glyphs %q on an accessible screen:\n%s", g, v)
	}
}

func closed(t *testing.T, m *Model, status string) {
	t.Helper()
	if m.form != nil {
		t.Fatalf("the form is still open:\n%s", m.View())
	}
	says(t, m.View(), status)
}

// Every form of the lab asks its questions as lines in accessible mode,
// with huh's own validation, AWS's errors by the question, and the world
// changed only when the last answer is in.
func TestAccessibleForms(t *testing.T) {
	m := newAccessibleLab(t)

	// A group: a name AWS refuses, then one it takes; a description.
	drive(m, "n")
	asks(t, m, "Create security group", "In vpc-main. A new group allows nothing in", "Security group name")
	answer(m, "sg-bad")
	asks(t, m, "InvalidParameterValue", "Security group name sg-bad") // the refused line, to correct
	drive(m, "ctrl+u")
	answer(m, "web-sg")
	asks(t, m, "Description")
	answer(m, "Web servers")
	closed(t, m, "Done: Created security group web-sg")

	// A rule: Custom ICMP asks for an ICMP type, under its own title.
	drive(m, "a")
	asks(t, m, "The rule so far:", "Enter alone keeps SSH.")
	answer(m, strconv.Itoa(1+indexOfType("Custom ICMP - IPv4")))
	asks(t, m, "ICMP type, or type/code", "Port range: not valid yet")
	answer(m, "8")
	asks(t, m, "Source", "Type: Custom ICMP - IPv4")
	drive(m, "shift+tab") // back to the ICMP type, its answer kept
	asks(t, m, "(back)", "ICMP type, or type/code 8")
	answer(m, "") // keeps 8
	answer(m, "")
	answer(m, "ping")
	closed(t, m, "Done: Added an inbound rule to web-sg: Type: Custom ICMP - IPv4")

	// web-1's groups: a multi-select, ticked by number, 0 to confirm.
	selectThing(m, ref{kindInstance, m.World().Instance("web-1").ID})
	drive(m, "g")
	asks(t, m, "Attached to web-1 (at most 5)", "1. default vpc-main/default (selected)", "2. web-sg", "0. Confirm selection")
	answer(m, "2")
	answer(m, "0")
	closed(t, m, "The security groups of web-1 are now default, web-sg")

	// Its services: stop SSH, start tcp/8080 by name.
	drive(m, "s")
	asks(t, m, "Running", "1. SSH tcp/22 (sshd) (selected)")
	answer(m, "1")
	answer(m, "0")
	asks(t, m, "Other services (optional)")
	answer(m, "tcp/8080")
	closed(t, m, "Services on web-1: tcp/8080")

	// A launch: the name to edit, the rest by number.
	drive(m, "i")
	asks(t, m, "Launch instance", "Name web-2")
	answer(m, "")
	asks(t, m, "Auto-assign public IP", "Enter alone keeps Enable.")
	answer(m, "2")
	answer(m, "0")
	answer(m, "0")
	closed(t, m, "Launched web-2")
	if i := m.World().Instance("web-2"); i == nil || i.PublicIP.IsValid() {
		t.Fatalf("web-2: %+v", i)
	}

	// A group with no instance in its VPC says so, and waits for enter.
	w := DefaultWorld()
	must(w.AddVPC(engine.VPC{ID: "vpc-empty", CIDR: netip.MustParsePrefix("10.9.0.0/16")}))
	id, err := w.CreateGroup(engine.Group{Name: "lonely", VPC: "vpc-empty", Description: "no one"})
	must(err)
	m2 := New(tuitest.Accessible(t), w)
	m2.SetSize(80, 24)
	selectThing(m2, ref{kindGroup, id})
	drive(m2, "g")
	asks(t, m2, "No instances in vpc-empty", "Press i to launch one first.", "Press enter to go on.")
	drive(m2, "enter")
	if m2.form != nil {
		t.Fatal("enter does not close a form of notes")
	}

	// Save as: a file that exists asks before replacing it.
	dir := t.TempDir()
	path := filepath.Join(dir, "lab.yaml")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	drive(m, "ctrl+s")
	asks(t, m, "Format", "Scenario (YAML)", "Terraform", "AWS CLI script", "CloudFormation")
	answer(m, "")
	drive(m, "ctrl+u")
	answer(m, path)
	asks(t, m, "lab.yaml exists already. Replace it? No keeps it and saves nothing; shift+tab goes back to the name. [y/N]")
	answer(m, "")
	closed(t, m, "Nothing saved")

	// Open: a file that is not there is refused by the question; esc
	// cancels, the world as it was.
	drive(m, "o")
	answer(m, filepath.Join(dir, "missing.yaml"))
	asks(t, m, "cannot read", "missing.yaml")
	drive(m, "esc")
	closed(t, m, "Nothing saved")
}

func indexOfType(name string) int {
	for k, t := range console.Types {
		if t.Name == name {
			return k
		}
	}
	panic("no rule type " + name)
}

// A timeout in accessible mode waits with one timer, not a spinner's frame
// after frame: nothing moves on screen while the client waits, and the
// result says how long it waited.
func TestAccessibleWaitIsOneTimer(t *testing.T) {
	m := newAccessibleLab(t)
	now := tuitest.Epoch
	m.env.ctx.Now = func() time.Time { return now }
	m.env.ctx.Timeout = 3 * time.Second
	if n := tuitest.Run(m, tuitest.Key("f")); n != 1 { // your computer to web-1 on SSH: it times out
		t.Fatalf("firing a timeout asked for %d timers, want the one that ends the wait", n)
	}
	says(t, m.conn.View(), "Waiting for 54.210.0.10 to answer… (any key skips)")
	// A timer that fires early asks for the rest of the wait, once.
	now = now.Add(time.Second)
	if n := tuitest.Run(m, spinner.TickMsg{ID: m.conn.spin.ID()}); n != 1 || !m.conn.pending {
		t.Fatalf("an early end of the wait: %d timers, pending %v", n, m.conn.pending)
	}
	now = now.Add(2 * time.Second)
	if n := tuitest.Run(m, spinner.TickMsg{ID: m.conn.spin.ID()}); n != 0 || m.conn.pending {
		t.Fatalf("the end of the wait: %d timers, pending %v", n, m.conn.pending)
	}
	says(t, m.conn.View(), "TIMED OUT after 3 s: ssh: connect to host 54.210.0.10 port 22: Connection timed out")
}

// A line form taller than its pane scrolls with pgup and pgdn, and
// drawing it changes nothing: the scroll is settled by Update.
func TestAccessibleFormScrollsAndViewOnlyDraws(t *testing.T) {
	ctx := tuitest.Accessible(t)
	m := New(ctx, DefaultWorld())
	m.SetSize(80, 12) // too short for the rule form's list of types
	drive(m, "n")
	answer(m, "web-sg")
	answer(m, "Web servers")
	drive(m, "a")
	if m.form == nil {
		t.Fatal("the rule form did not open")
	}
	before := m.View()
	off, note, top := m.form.off, m.form.note, m.form.top
	if again := m.View(); again != before || m.form.off != off || m.form.note != note || m.form.top != top {
		t.Fatal("drawing the form twice changed it")
	}
	if !strings.Contains(before, "page down") {
		t.Fatalf("a form taller than its pane does not say what it hides:\n%s", before)
	}
	drive(m, "pgdown")
	down := m.View()
	if down == before || m.form.note == "" {
		t.Fatalf("pgdn did not scroll, or does not say what is above:\n%s", down)
	}
	if again := m.View(); again != down {
		t.Fatal("drawing the scrolled form twice changed it")
	}
	drive(m, "pgup", "pgup", "pgup")
	if m.form.off != 0 || m.View() != before {
		t.Fatalf("pgup past the top does not come back to the question (offset %d):\n%s", m.form.off, m.View())
	}
}
