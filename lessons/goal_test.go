package lessons

import (
	"strings"
	"testing"

	"github.com/sglab/sglab/engine"
)

// twoVPCs is a world for goal and step tests: web-1 with web-sg and
// admin-ssh, app-1 with app-sg, and a second VPC whose groups are also
// named web-sg and admin-ssh.
const twoVPCs = `version: 1
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16 }
  - { id: vpc-b, cidr: 10.1.0.0/16, region: eu-west-1 }
security_groups:
  - id: sg-web
    name: web-sg
    vpc: vpc-a
    inbound:
      - { protocol: tcp, ports: 80, source: 0.0.0.0/0 }
  - id: sg-admin
    name: admin-ssh
    vpc: vpc-a
    inbound:
      - { protocol: tcp, ports: 22, source: 203.0.113.10/32 }
  - id: sg-app
    name: app-sg
    vpc: vpc-a
    inbound:
      - { protocol: tcp, ports: 8080, source: web-sg }
      - { protocol: tcp, ports: 8080, source: 10.0.1.10/32 }
  - { id: sg-web-b, name: web-sg, vpc: vpc-b }
  - { id: sg-spare-b, name: admin-ssh, vpc: vpc-b }
instances:
  - { id: i-web1, name: web-1, vpc: vpc-a, private_ip: 10.0.1.10, public_ip: 54.210.0.10, security_groups: [web-sg, admin-ssh], listening: [tcp/22, tcp/80] }
  - { id: i-app1, name: app-1, vpc: vpc-a, private_ip: 10.0.2.10, security_groups: [app-sg], listening: [tcp/8080] }
  - { id: i-b1, name: b-1, vpc: vpc-b, private_ip: 10.1.0.10, security_groups: [web-sg] }
hosts:
  - { id: laptop, name: your computer, ip: 203.0.113.10 }
  - { id: stranger, name: someone else's computer, ip: 198.51.100.7 }
`

func world(t *testing.T, src string) *engine.World {
	t.Helper()
	w, ds := engine.Parse("test.yaml", []byte(src))
	if w == nil {
		t.Fatalf("invalid test world:\n%s", ds.Error())
	}
	return w
}

// change returns a copy of w changed by f, which must succeed.
func change(t *testing.T, w *engine.World, f func(w *engine.World) error) *engine.World {
	t.Helper()
	c := w.Clone()
	if err := f(c); err != nil {
		t.Fatal(err)
	}
	return c
}

func rule(proto engine.Protocol, lo, hi int, cidr string) engine.Rule {
	p, _, err := engine.ParseCIDR(cidr)
	if err != nil {
		panic(err)
	}
	return engine.Rule{Protocol: proto, Ports: engine.PortRange{Lo: lo, Hi: hi}, Peer: engine.CIDRPeer(p)}
}

func TestStructuralGoals(t *testing.T) {
	w := world(t, twoVPCs)
	sshEverywhere := change(t, w, func(w *engine.World) error {
		return w.AddRule("sg-web", engine.Inbound, rule(engine.ProtoTCP, 22, 22, "203.0.113.10/32"))
	})
	allToWorld := change(t, w, func(w *engine.World) error {
		return w.AddRule("sg-web", engine.Inbound, rule(engine.ProtoAll, 0, 0, "::/0"))
	})
	tests := []struct {
		name string
		goal structural
		w    *engine.World
		why  string // empty when the goal is met
	}{
		{"attached", attachedGoal{"admin-ssh", "web-1"}, w, ""},
		{"attached by id", attachedGoal{"sg-admin", "i-web1"}, w, ""},
		{"not attached", attachedGoal{"app-sg", "web-1"}, w, "app-sg is not attached to web-1"},
		{"attached looks in the instance's VPC", attachedGoal{"web-sg", "b-1"}, w, ""},
		{"no such group", attachedGoal{"db-sg", "web-1"}, w, "there is no security group db-sg in web-1's VPC, vpc-a"},
		{"no such instance", attachedGoal{"web-sg", "web-9"}, w, "there is no instance web-9"},

		{"own group", ownGroupGoal{"web-1", 22}, w, ""},
		{"own group, also elsewhere", ownGroupGoal{"web-1", 22}, sshEverywhere, "web-sg also opens tcp/22 on web-1; the rule belongs in admin-ssh alone"},
		{"own group, all traffic counts", ownGroupGoal{"web-1", 22}, allToWorld, "web-sg also opens tcp/22"},
		{"own group for another port", ownGroupGoal{"web-1", 80}, w, ""},
		{"no own group", ownGroupGoal{"web-1", 443}, w, "no group attached to web-1 has inbound rules for tcp/443 and nothing else"},
		{"own group, no such instance", ownGroupGoal{"web-9", 22}, w, "there is no instance web-9"},

		{"not open to the world", notOpenGoal{22}, w, ""},
		{"open to the world", notOpenGoal{80}, w, "web-sg's inbound rule tcp 80 from 0.0.0.0/0 opens tcp/80 to the whole internet"},
		{"open to the world over IPv6", notOpenGoal{22}, allToWorld, "web-sg's inbound rule all traffic from ::/0 opens tcp/22"},

		{"references", referencesGoal{"app-sg", "web-sg", 8080}, w, ""},
		{"references, other port", referencesGoal{"app-sg", "web-sg", 8443}, w, "no inbound rule of app-sg allows tcp/8443 from the security group web-sg"},
		{"an address is not a reference", referencesGoal{"app-sg", "admin-ssh", 8080}, w, "no inbound rule of app-sg allows tcp/8080 from the security group admin-ssh"},
		{"references an ambiguous name", referencesGoal{"web-sg", "web-sg", 80}, w, "vpc-a and vpc-b each have a group named web-sg"},
		{"references, no such source", referencesGoal{"app-sg", "db-sg", 80}, w, "there is no security group db-sg in vpc-a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			met, why := tc.goal.check(tc.w)
			if met != (tc.why == "") || !strings.Contains(why, tc.why) || (met && why != "") {
				t.Errorf("got met=%v why=%q, want why %q", met, why, tc.why)
			}
		})
	}
}

func TestConnectionGoal(t *testing.T) {
	w := world(t, twoVPCs)
	c := &Challenge{Goals: []Goal{
		{Label: "you get in", Conn: &engine.Connection{From: "your computer", To: "web-1", Protocol: engine.ProtoTCP, Port: 22, Expect: engine.Connected}},
		{Label: "stranger times out", Conn: &engine.Connection{From: "someone else's computer", To: "web-1", Protocol: engine.ProtoTCP, Port: 22, Expect: engine.Timeout}},
		{Label: "stranger refused", Conn: &engine.Connection{From: "someone else's computer", To: "web-1", Protocol: engine.ProtoTCP, Port: 80, Expect: engine.Refused}},
		{Label: "app reached", Conn: &engine.Connection{From: "web-1", To: "app-1", Protocol: engine.ProtoTCP, Port: 9090, Expect: engine.Connected}},
	}}
	cl := c.Check(w)
	if cl.Met() != 2 || cl.Solved() {
		t.Fatalf("met %d goals", cl.Met())
	}
	if g := cl.Goals[0]; !g.Met || g.Why != "" || g.Result.Reason != engine.Allowed {
		t.Errorf("goal 1: %+v", g)
	}
	if g := cl.Goals[2]; g.Met || g.Why != `connected, not refused: it gets through. Inbound rule 1 of web-sg (tcp 80 0.0.0.0/0) lets tcp/80 from 198.51.100.7 in, and web-1 listens on tcp/80.` {
		t.Errorf("goal 3: %q", g.Why)
	}
	if g := cl.Goals[3]; g.Met || !strings.HasPrefix(g.Why, "timeout, not connected: the packet is dropped inbound. No inbound rule of app-sg allows tcp/9090") {
		t.Errorf("goal 4: %q", g.Why)
	}
	if first, ok := cl.FirstFailure(); !ok || first.Goal.Label != "stranger refused" {
		t.Errorf("first failure: %+v", first.Goal)
	}

	// A goal whose machine the learner removed fails; it does not panic.
	gone := change(t, w, func(w *engine.World) error { return w.TerminateInstance("web-1") })
	if g := c.Check(gone).Goals[0]; g.Met || !strings.Contains(g.Why, "the packet has no way there") {
		t.Errorf("goal without its instance: %+v", g)
	}
}

func TestHints(t *testing.T) {
	p, _ := loadOne(t, lessonText("hints", 1))
	c := p.Lessons[0].Challenges[0]
	c.Hints = []string{"first", "second"}
	start := c.Check(c.Start())
	h, ok := c.Hint(1, start)
	if !ok || h.Level != 1 || h.Text != "first" || h.Last {
		t.Errorf("hint 1: %+v", h)
	}
	if want := "a visitor → web-1 on tcp/80: connected: timeout, not connected: the packet is dropped inbound. No inbound rule of web-sg allows tcp/80 from 198.51.100.7."; h.Diagnosis != want {
		t.Errorf("diagnosis:\n got %q\nwant %q", h.Diagnosis, want)
	}
	if h, ok := c.Hint(2, start); !ok || !h.Last || h.Text != "second" {
		t.Errorf("hint 2: %+v", h)
	}
	for _, level := range []int{0, 3} {
		if _, ok := c.Hint(level, start); ok {
			t.Errorf("there is no hint %d", level)
		}
	}
	solved, err := c.SolvedWorld()
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := c.Hint(1, c.Check(solved)); h.Diagnosis != "" {
		t.Errorf("a solved world has nothing to diagnose: %q", h.Diagnosis)
	}
}

// TestAnyCorrectSolutionPasses checks lesson 4 with solutions other than
// the reference one: goals look at the world, not at how it was built, and
// only a least-privilege world passes.
func TestAnyCorrectSolutionPasses(t *testing.T) {
	b, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	c := b.Lessons[3].Challenges[0]
	ownGroup := change(t, c.Start(), func(w *engine.World) error {
		id, err := w.CreateGroup(engine.Group{Name: "my-ssh", VPC: "vpc-main", Description: "SSH from my computer",
			Inbound: []engine.Rule{rule(engine.ProtoTCP, 22, 22, "203.0.113.10")}})
		if err != nil {
			return err
		}
		return w.AttachGroup("web-1", id)
	})
	if first, failed := c.Check(ownGroup).FirstFailure(); failed {
		t.Errorf("SSH in a new group should pass; %q fails: %s", first.Goal.Label, first.Why)
	}
	wideRange := change(t, c.Start(), func(w *engine.World) error {
		return w.AddRule("web-sg", engine.Inbound, rule(engine.ProtoTCP, 20, 25, "203.0.113.8/29"))
	})
	if first, failed := c.Check(wideRange).FirstFailure(); !failed || !strings.Contains(first.Goal.Label, "next to yours") {
		t.Errorf("a /29 of ports 20-25 also lets in the computer next to yours and must fail there first: %+v", first)
	}
	toEveryone := change(t, c.Start(), func(w *engine.World) error {
		return w.AddRule("web-sg", engine.Inbound, rule(engine.ProtoTCP, 22, 22, "0.0.0.0/0"))
	})
	cl := c.Check(toEveryone)
	if first, _ := cl.FirstFailure(); cl.Solved() || !strings.HasPrefix(first.Why, "connected, not timeout") {
		t.Errorf("SSH open to everyone must fail on someone else's computer: %+v", first)
	}
}

// parseGoals reads a YAML list of goals against w.
func parseGoals(t *testing.T, src string, w *engine.World) ([]Goal, engine.Diagnostics) {
	t.Helper()
	var ds engine.Diagnostics
	r := &reader{file: "goals.yaml", diags: &ds}
	var goals []Goal
	items := r.parse(src, "goals").Items
	for k := range items {
		n := &items[k]
		if g, ok := parseGoal(r, n, w); ok {
			goals = append(goals, g)
		}
	}
	return goals, ds
}

func TestParseGoals(t *testing.T) {
	w := world(t, twoVPCs)
	goals, ds := parseGoals(t, `
- { attached: { group: admin-ssh, instance: web-1 } }
- { port-in-own-group: { instance: web-1, port: 22 }, label: SSH alone }
- { not-open-to-world: { port: 3389 } }
- { references: { group: app-sg, source: web-sg, port: 8080 } }
- { from: web-1, to: app-1, protocol: udp, port: 53, expect: timeout }
- { from: web-1, to: 203.0.113.10, protocol: icmp, expect: connected }
`, w)
	if ds.HasErrors() {
		t.Fatalf("unexpected errors:\n%s", ds.Error())
	}
	labels := []string{
		"admin-ssh is attached to web-1",
		"SSH alone",
		"no inbound rule opens tcp/3389 to the whole internet",
		"app-sg allows tcp/8080 from the members of web-sg",
		"web-1 → app-1 on udp/53: timeout",
		"web-1 → 203.0.113.10 on icmp echo: connected",
	}
	if len(goals) != len(labels) {
		t.Fatalf("got %d goals", len(goals))
	}
	for k, g := range goals {
		if g.Label != labels[k] {
			t.Errorf("goal %d: label %q, want %q", k+1, g.Label, labels[k])
		}
	}
	if cl := (&Challenge{Goals: goals}).Check(w); !cl.Solved() {
		first, _ := cl.FirstFailure()
		t.Errorf("every goal holds in the test world; %q does not: %s", first.Goal.Label, first.Why)
	}

	_, ds = parseGoals(t, `
- { references: { group: app-sg, port: 8080 } }
- { port-in-own-group: { instance: web-1, port: ssh } }
- { from: web-1, to: app-1, protocol: all, expect: timeout }
- { from: web-1, to: app-1, expect: timeout }
- [not, a, mapping]
`, w)
	for _, want := range []string{
		"goals.yaml:2:19: MissingField: the `references` goal needs `source`",
		"goals.yaml:3:49: InvalidParameterValue",
		"goals.yaml:4:39: InvalidParameterValue: a connection's protocol is tcp, udp, icmp or icmpv6",
		"goals.yaml:5:5: MissingField: a goal needs `port`",
		"goals.yaml:6:3: InvalidParameterValue: a goal must be a mapping",
	} {
		if !strings.Contains(ds.Error(), want) {
			t.Errorf("want %q in:\n%s", want, ds.Error())
		}
	}
}
