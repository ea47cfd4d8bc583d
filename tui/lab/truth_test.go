package lab

import (
	"net/netip"
	"strings"
	"testing"
	"testing/synctest"

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
			for p, port := range examPorts() {
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
	synctest.Test(t, func(t *testing.T) {
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
		// Looking around is no action: the flip stays highlighted.
		drive(m, "tab", "tab", "shift+tab")
		connSays(t, m, "↻ was timeout → now connected")
		// Firing another connection is: the flip reads as history then.
		m.setFocus(paneConn)
		m.conn.row = 0
		drive(m, "right", "enter") // from someone else's computer
		if strings.Contains(m.conn.View(), "↻") {
			t.Fatalf("the flip is still highlighted after the next action:\n%s", m.conn.View())
		}
		drive(m, "left") // back to your computer's connection
		connSays(t, m, "was timeout before a change to the world")

		drive(m, "u") // detach again: the verdict flips back, without a countdown
		truthful(t, m)
		if m.conn.pending {
			t.Fatal("a re-evaluation waits out a timeout")
		}
		connSays(t, m, "TIMED OUT", "↻ was connected → now timeout")
		drive(m, "ctrl+r")
		truthful(t, m)
		connSays(t, m, "CONNECTED", "↻ was timeout → now connected")
	})
}

// TestPickersShowTheConnectionDisplayed: a scenario's connections seed the
// history, and the pickers show the one whose result is on display;
// moving a picker away shows what enter would fire instead of a result
// that belongs to another connection.
func TestPickersShowTheConnectionDisplayed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
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
	})
}

// TestChallengeOpensOnItsFirstGoal: WithConnection puts the pickers on a
// connection before anything is fired.
func TestChallengeOpensOnItsFirstGoal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newLab(t, 120, 40, WithConnection(engine.Connection{From: "someone else's computer", To: "web-1", Protocol: engine.ProtoTCP, Port: 443}))
		connSays(t, m, "From ‹ someone else's computer ›", "Port ‹ HTTPS 443 ›")
		drive(m, "f")
		if c := m.conn.history[0].conn; c.Port != 443 || c.From != "neighbour" {
			t.Fatalf("f fired %+v, not the first goal's connection", c)
		}
	})
}

// TestPageDownReachesTheTrace: in a short pane, pgdown scrolls past the
// pickers to the trace, though the cursor stays on them.
func TestPageDownReachesTheTrace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newLab(t, 80, 24)
		drive(m, "f")
		if strings.Contains(m.conn.View(), "inbound  ") {
			t.Skip("the trace fits without scrolling")
		}
		for range 4 {
			drive(m, "pgdown")
		}
		says(t, m.conn.View(), "No inbound rule of default allows tcp/22")
		if !strings.Contains(m.conn.View(), "inbound ") {
			t.Fatalf("pgdown does not reach the trace:\n%s", m.conn.View())
		}
		drive(m, "down") // moving the cursor brings it back in view
		says(t, m.conn.View(), "> To ‹ web-1 ›")
	})
}

// TestComposerFiresEveryProtocol: udp, icmp and icmpv6 as well as tcp,
// in the clients' own words; a udp packet to a closed port is refused
// (issue 8, item 5).
func TestComposerFiresEveryProtocol(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := DefaultWorld()
		web := w.Instance("web-1")
		open, err := w.CreateGroup(engine.Group{Name: "open", VPC: "vpc-main", Description: "udp and ping from anywhere", Inbound: []engine.Rule{
			{Protocol: engine.ProtoUDP, Ports: engine.PortRange{Lo: 0, Hi: 65535}, Peer: engine.CIDRPeer(netip.MustParsePrefix("0.0.0.0/0"))},
			{Protocol: engine.ProtoICMP, Ports: engine.PortRange{Lo: -1, Hi: -1}, Peer: engine.CIDRPeer(netip.MustParsePrefix("0.0.0.0/0"))},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.AttachGroup(web.ID, open); err != nil {
			t.Fatal(err)
		}
		m := New(tuitest.Context(t), w)
		m.SetSize(120, 40)
		m.setFocus(paneConn)
		drive(m, "down", "down")
		for _, c := range []struct {
			steps   int // presses of → from SSH 22
			picker  string
			outcome engine.Outcome
			says    []string
		}{
			{5, "DNS udp 53", engine.Refused, []string{"$ dig @54.210.0.10 example.com", ";; communications error to 54.210.0.10#53: connection refused", "an ICMP port unreachable"}},
			{6, "ping (icmp)", engine.Connected, []string{"$ ping -c 1 54.210.0.10", "64 bytes from 54.210.0.10"}},
			{7, "ping -6 (icmpv6)", engine.Timeout, []string{"$ ping -6 -c 1", "100% packet loss", "allows icmpv6 echo"}},
		} {
			drive(m, "home") // the pickers' row stays: home is the history's
			m.conn.proto, m.conn.port, m.conn.typed = engine.ProtoTCP, 22, ""
			for range c.steps {
				drive(m, "right")
			}
			connSays(t, m, "Port ‹ "+c.picker+" ›")
			drive(m, "enter")
			if o := lastOutcome(m); o != c.outcome {
				t.Fatalf("%s: %v, want %v:\n%s", c.picker, o, c.outcome, m.conn.View())
			}
			connSays(t, m, c.says...)
			truthful(t, m)
		}
		// A typed port goes over udp after t: nc -u.
		drive(m, "left", "1", "2", "3", "t")
		connSays(t, m, "Port ‹ udp 123_ ›")
		drive(m, "enter")
		if c := m.conn.history[0].conn; c.Protocol != engine.ProtoUDP || c.Port != 123 || lastOutcome(m) != engine.Refused {
			t.Fatalf("fired %+v: %v", c, lastOutcome(m))
		}
		connSays(t, m, "$ nc -u -vz 54.210.0.10 123", "nc: connect to 54.210.0.10 port 123 (udp) failed: Connection refused")
	})
}

// TestIPv6URLsHaveBrackets: curl needs an IPv6 address in brackets.
func TestIPv6URLsHaveBrackets(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := engine.Connection{Protocol: engine.ProtoTCP, Port: 443}
		if got := clientCommand(c, "2600:1f18::10"); got != "curl -I https://[2600:1f18::10]/" {
			t.Errorf("clientCommand = %q", got)
		}
		c.Port = 80
		if got := clientCommand(c, "54.210.0.10"); got != "curl -I http://54.210.0.10/" {
			t.Errorf("clientCommand = %q", got)
		}
	})
}
