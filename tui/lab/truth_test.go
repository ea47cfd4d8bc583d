package lab

import (
	"strings"
	"testing"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/tui/internal/tuitest"
)

// truthful checks that nothing the Connection pane shows contradicts the
// world as it is now: every history entry holds the engine's outcome for
// its connection in the lab's world, the result on display agrees with
// the grid's cell for the same connection, and the pickers show the
// connection whose result is displayed.
func truthful(t *testing.T, m *Model) {
	t.Helper()
	w := m.World()
	for k, s := range m.conn.history {
		if got := engine.Evaluate(w, s.conn).Outcome; s.res.Outcome != got {
			t.Fatalf("history row %d says %v, the world says %v:\n%s", k, s.res.Outcome, got, m.View())
		}
	}
	s, ok := m.conn.shown()
	if !ok {
		return
	}
	if !m.conn.sameConn(s.conn, m.conn.composedConn()) {
		t.Fatalf("the pickers show %+v above the result of %+v", m.conn.composedConn(), s.conn)
	}
	for src, e := range m.grid.m.Endpoints {
		for dst, f := range m.grid.m.Endpoints {
			for p, port := range examPorts {
				if src == dst || s.conn.Protocol != engine.ProtoTCP || s.conn.Port != port ||
					m.conn.machineID(s.conn.From) != endpointID(e) || m.conn.machineID(s.conn.To) != endpointID(f) {
					continue
				}
				if cell := m.grid.m.At(src, dst, p).Outcome(); cell != s.res.Outcome {
					t.Fatalf("the grid says %v, the Connection pane %v", cell, s.res.Outcome)
				}
			}
		}
	}
}

// TestVerdictFollowsEveryChange is issue 8's first story: fire SSH from
// your computer (timeout), open port 22 to My IP and attach the group:
// the pane shows the new verdict at once, says what flipped, and so do
// undo and redo.
func TestVerdictFollowsEveryChange(t *testing.T) {
	m := newLab(t, 120, 40)
	drive(m, "f")
	truthful(t, m)
	story(t, m)
	truthful(t, m)
	if o := lastOutcome(m); o != engine.Connected {
		t.Fatalf("after the fix the pane still says %v", o)
	}
	connSays(t, m, "CONNECTED", "↻ was timeout → now connected", "Inbound rule of ssh-from-me: SSH")
	if v := m.conn.View(); strings.Contains(v, "TIMED OUT") || strings.Contains(v, "No inbound rule of default allows") {
		t.Fatalf("the old verdict is still on screen:\n%s", v)
	}
	// The flip stays highlighted until the next action, then reads as history.
	drive(m, "tab")
	if strings.Contains(m.conn.View(), "↻") {
		t.Fatalf("the flip is still highlighted after the next key:\n%s", m.conn.View())
	}
	connSays(t, m, "was timeout")

	drive(m, "u") // detach again: the verdict flips back, without a countdown
	truthful(t, m)
	if m.conn.pending {
		t.Fatal("a re-evaluation waits out a timeout")
	}
	connSays(t, m, "TIMED OUT", "↻ was connected → now timeout")
	drive(m, "ctrl+r")
	truthful(t, m)
	connSays(t, m, "CONNECTED", "↻ was timeout → now connected")
}

// TestPickersShowTheConnectionDisplayed: a scenario's connections seed the
// history, and the pickers show the one whose result is on display;
// moving a picker away shows what enter would fire instead of a result
// that belongs to another connection.
func TestPickersShowTheConnectionDisplayed(t *testing.T) {
	w, ds := engine.Parse("web.yaml", []byte(`version: 1
name: web
vpcs: [{id: vpc-main, cidr: 10.0.0.0/16}]
security_groups:
  - {id: web-sg, name: web-sg, vpc: vpc-main}
instances:
  - {id: i-web1, name: web-1, vpc: vpc-main, private_ip: 10.0.1.10, public_ip: 54.210.0.10, security_groups: [web-sg], listening: [tcp/80]}
hosts:
  - {id: visitor, name: a visitor, ip: 198.51.100.7}
connections:
  - {from: a visitor, to: web-1, port: 80}
`))
	if w == nil {
		t.Fatal(ds)
	}
	m := New(tuitest.Context(t), w)
	m.SetSize(120, 40)
	truthful(t, m)
	connSays(t, m, "Port ‹ HTTP 80 ›", "curl -I http://54.210.0.10/")
	m.setFocus(paneConn)
	drive(m, "down", "down", "left") // the port picker to SSH 22
	truthful(t, m)
	connSays(t, m, "Port ‹ SSH 22 ›", "$ ssh ec2-user@54.210.0.10", "enter fires it")
	if strings.Contains(m.conn.View(), "curl") && !strings.Contains(m.conn.View(), "History") {
		t.Fatalf("the HTTP result shows under the SSH picker:\n%s", m.conn.View())
	}
	drive(m, "right") // back to HTTP 80: its result, kept up to date
	truthful(t, m)
	connSays(t, m, "TIMED OUT  curl: (7)")
}

// TestChallengeOpensOnItsFirstGoal: WithConnection puts the pickers on a
// connection before anything is fired.
func TestChallengeOpensOnItsFirstGoal(t *testing.T) {
	m := newLab(t, 120, 40, WithConnection(engine.Connection{From: "someone else's computer", To: "web-1", Protocol: engine.ProtoTCP, Port: 443}))
	connSays(t, m, "From ‹ someone else's computer ›", "Port ‹ HTTPS 443 ›")
	drive(m, "f")
	if c := m.conn.history[0].conn; c.Port != 443 || c.From != "neighbour" {
		t.Fatalf("f fired %+v, not the first goal's connection", c)
	}
}
