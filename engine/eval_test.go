package engine_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sglab/sglab/engine"
)

// evalWorld exercises every step of "How a connection is evaluated": two
// VPCs (one with IPv6), group references, self, the implicit default group,
// a group with `outbound: []`, instances with and without public IPs and
// IPv6, and hosts of both families.
const evalWorld = `version: 1
name: evaluation
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16, ipv6_cidr: "2600:1f18:a::/56" }
  - { id: vpc-b, cidr: 10.1.0.0/16 }
security_groups:
  - id: sg-web
    name: web
    vpc: vpc-a
    inbound:
      - { protocol: tcp, ports: 80, source: 0.0.0.0/0 }
      - { protocol: tcp, ports: 80, source: "::/0" }
      - { protocol: tcp, ports: 22, source: 203.0.113.10 }
      - { protocol: tcp, ports: 8080, source: app }
      - { protocol: icmp, ports: 8, source: 10.0.0.0/16 }
      - { protocol: icmpv6, source: "::/0" }
      - { protocol: udp, ports: 53, source: 10.0.0.0/16 }
      - { protocol: tcp, ports: 443, source: 0.0.0.0/0 }
      - { protocol: icmp, ports: 3/4, source: 0.0.0.0/0 }
  - id: sg-app
    name: app
    vpc: vpc-a
    inbound:
      - { protocol: tcp, ports: 9000, source: self }
    outbound:
      - { protocol: tcp, ports: 8080, destination: web }
      - { protocol: tcp, ports: 80, destination: 0.0.0.0/0 }
  - id: sg-locked
    name: locked
    vpc: vpc-a
    inbound: [{ protocol: all, source: 0.0.0.0/0 }]
    outbound: []
  - id: sg-b
    vpc: vpc-b
    inbound: [{ protocol: tcp, ports: 80, source: 0.0.0.0/0 }]
instances:
  - { id: i-web, name: web-1, vpc: vpc-a, private_ip: 10.0.1.10, public_ip: 54.210.0.10, ipv6: "2600:1f18:a::10", security_groups: [web], listening: [tcp/22, tcp/80, tcp/8080, udp/53] }
  - { id: i-app, name: app-1, vpc: vpc-a, private_ip: 10.0.2.10, public_ip: 54.210.0.20, security_groups: [app], listening: [tcp/9000] }
  - { id: i-app2, name: app-2, vpc: vpc-a, private_ip: 10.0.2.11, ipv6: "2600:1f18:a::11", security_groups: [app] }
  - { id: i-worker, name: worker, vpc: vpc-a, private_ip: 10.0.2.12, public_ip: 54.210.0.22, security_groups: [app, default], listening: [tcp/9000] }
  - { id: i-locked, vpc: vpc-a, private_ip: 10.0.3.10, public_ip: 54.210.0.30, security_groups: [locked], listening: [tcp/80] }
  - { id: i-def, vpc: vpc-a, private_ip: 10.0.4.10, public_ip: 54.210.0.40 }
  - { id: i-def2, vpc: vpc-a, private_ip: 10.0.4.11, listening: [tcp/22] }
  - { id: i-b, name: b-1, vpc: vpc-b, private_ip: 10.1.0.10, public_ip: 54.211.0.10, security_groups: [sg-b], listening: [tcp/80] }
  - { id: i-b2, vpc: vpc-b, private_ip: 10.1.0.11, security_groups: [sg-b], listening: [tcp/80] }
hosts:
  - { id: laptop, name: your computer, ip: 203.0.113.10, listening: [tcp/22] }
  - { id: other, ip: 198.51.100.7 }
  - { id: v6host, ip: "2001:db8::7", listening: [tcp/80] }
`

func tcp(from, to string, port int) engine.Connection {
	return engine.Connection{From: from, To: to, Protocol: engine.ProtoTCP, Port: port}
}

func udp(from, to string, port int) engine.Connection {
	return engine.Connection{From: from, To: to, Protocol: engine.ProtoUDP, Port: port}
}

func ping(from, to string) engine.Connection {
	return engine.Connection{From: from, To: to, Protocol: engine.ProtoICMP}
}

func ping6(from, to string) engine.Connection {
	return engine.Connection{From: from, To: to, Protocol: engine.ProtoICMPv6}
}

func TestEvaluate(t *testing.T) {
	w := mustLoad(t, evalWorld)
	tests := []struct {
		name     string
		conn     engine.Connection
		want     engine.Reason
		src, dst string // addresses used, when the connection is reachable
		private  bool
	}{
		// Step 1: addresses.
		{"internet to a public ip by name", tcp("laptop", "web-1", 22), engine.Allowed, "203.0.113.10", "54.210.0.10", false},
		{"ids and names alike", tcp("your computer", "i-web", 22), engine.Allowed, "203.0.113.10", "54.210.0.10", false},
		{"same vpc by name uses private addresses", tcp("app-1", "web-1", 8080), engine.Allowed, "10.0.2.10", "10.0.1.10", true},
		{"another vpc goes over the internet", tcp("b-1", "web-1", 80), engine.Allowed, "54.211.0.10", "54.210.0.10", false},
		{"private ip literal from the same vpc", tcp("app-1", "10.0.1.10", 8080), engine.Allowed, "10.0.2.10", "10.0.1.10", true},
		{"public ip literal leaves the vpc", tcp("app-1", "54.210.0.10", 80), engine.Allowed, "54.210.0.20", "54.210.0.10", false},
		{"host ip literal", tcp("i-web", "203.0.113.10", 22), engine.Allowed, "54.210.0.10", "203.0.113.10", false},
		{"ipv6 host to an instance by name", tcp("v6host", "web-1", 80), engine.Allowed, "2001:db8::7", "2600:1f18:a::10", false},
		{"ipv6 literal", tcp("v6host", "2600:1f18:a::10", 80), engine.Allowed, "2001:db8::7", "2600:1f18:a::10", false},
		{"instance to an ipv6 host", tcp("web-1", "v6host", 80), engine.Allowed, "2600:1f18:a::10", "2001:db8::7", false},
		{"ipv6 literal inside one vpc", tcp("app-2", "2600:1f18:a::10", 8080), engine.Allowed, "2600:1f18:a::11", "2600:1f18:a::10", true},
		{"a from address stands for its machine", tcp("203.0.113.10", "web-1", 22), engine.Allowed, "203.0.113.10", "54.210.0.10", false},
		{"an unknown internet address can send", tcp("198.51.100.99", "web-1", 80), engine.Allowed, "198.51.100.99", "54.210.0.10", false},
		{"destination without a public ip", tcp("web-1", "i-b2", 80), engine.Unreachable, "", "", false},
		{"source without a public ip", tcp("i-b2", "web-1", 80), engine.Unreachable, "", "", false},
		{"source without a public ip to a public literal", tcp("app-2", "54.210.0.10", 80), engine.Unreachable, "", "", false},
		{"private ip from the internet", tcp("laptop", "10.0.1.10", 80), engine.Unreachable, "", "", false},
		{"private ip of another vpc", tcp("b-1", "10.0.1.10", 80), engine.Unreachable, "", "", false},
		{"address nobody has", tcp("laptop", "203.0.113.99", 80), engine.Unreachable, "", "", false},
		{"private address nobody has", tcp("web-1", "10.0.9.9", 80), engine.Unreachable, "", "", false},
		{"from a private address nobody has", tcp("10.0.9.9", "web-1", 80), engine.Unreachable, "", "", false},
		{"from a private address nobody has to a literal", tcp("10.0.9.9", "54.210.0.10", 80), engine.Unreachable, "", "", false},
		{"ipv6 target from a source without ipv6", tcp("laptop", "2600:1f18:a::10", 80), engine.Unreachable, "", "", false},
		{"ipv6 target from an instance without ipv6", tcp("app-1", "2600:1f18:a::10", 8080), engine.Unreachable, "", "", false},
		{"ipv6 host to an instance without ipv6", tcp("v6host", "app-1", 80), engine.Unreachable, "", "", false},
		{"instance without ipv6 to an ipv6 host", tcp("app-1", "v6host", 80), engine.Unreachable, "", "", false},
		{"ipv4 host to an ipv6 host", tcp("laptop", "v6host", 80), engine.Unreachable, "", "", false},
		{"unknown name", tcp("laptop", "nobody", 80), engine.Unreachable, "", "", false},

		// Step 2: outbound.
		{"outbound: [] lets nothing out", tcp("i-locked", "web-1", 80), engine.OutboundBlocked, "10.0.3.10", "10.0.1.10", true},
		{"no outbound rule for the port", tcp("app-1", "web-1", 22), engine.OutboundBlocked, "10.0.2.10", "10.0.1.10", true},
		{"outbound group reference needs the destination in the group", tcp("app-1", "i-def", 8080), engine.OutboundBlocked, "10.0.2.10", "10.0.4.10", true},
		{"outbound group reference never matches a public ip", tcp("app-1", "54.210.0.10", 8080), engine.OutboundBlocked, "54.210.0.20", "54.210.0.10", false},
		{"outbound key absent: all traffic out", tcp("web-1", "laptop", 22), engine.Allowed, "54.210.0.10", "203.0.113.10", false},
		{"outbound: [] blocks the internet too", tcp("i-locked", "other", 80), engine.OutboundBlocked, "54.210.0.30", "198.51.100.7", false},

		// Step 3: inbound.
		{"no inbound rule for the source", tcp("other", "web-1", 22), engine.InboundBlocked, "198.51.100.7", "54.210.0.10", false},
		{"inbound group reference never matches a public ip", tcp("worker", "54.210.0.10", 8080), engine.InboundBlocked, "54.210.0.22", "54.210.0.10", false},
		{"inbound group reference on the private path", tcp("worker", "web-1", 8080), engine.Allowed, "10.0.2.12", "10.0.1.10", true},
		{"self admits the group's members", tcp("worker", "app-1", 9000), engine.Allowed, "10.0.2.12", "10.0.2.10", true},
		{"self admits nobody else", tcp("i-def", "app-1", 9000), engine.InboundBlocked, "10.0.4.10", "10.0.2.10", true},
		{"default group admits its members", tcp("i-def", "i-def2", 22), engine.Allowed, "10.0.4.10", "10.0.4.11", true},
		{"default group admits nobody else", tcp("laptop", "i-def", 22), engine.InboundBlocked, "203.0.113.10", "54.210.0.40", false},
		{"groups of an instance are a union", tcp("i-def", "worker", 9000), engine.Allowed, "10.0.4.10", "10.0.2.12", true},
		{"udp rule", udp("i-def", "web-1", 53), engine.Allowed, "10.0.4.10", "10.0.1.10", true},
		{"udp rule does not allow tcp", tcp("i-def", "web-1", 53), engine.InboundBlocked, "10.0.4.10", "10.0.1.10", true},
		{"tcp rule does not allow udp", udp("laptop", "web-1", 80), engine.InboundBlocked, "203.0.113.10", "54.210.0.10", false},
		{"icmp echo type 8", ping("i-def", "web-1"), engine.Allowed, "10.0.4.10", "10.0.1.10", true},
		{"icmp type 3/4 is not an echo", ping("laptop", "web-1"), engine.InboundBlocked, "203.0.113.10", "54.210.0.10", false},
		{"icmpv6 all", ping6("v6host", "web-1"), engine.Allowed, "2001:db8::7", "2600:1f18:a::10", false},
		{"icmpv6 rule does not allow icmp", ping("v6host", "web-1"), engine.InboundBlocked, "2001:db8::7", "2600:1f18:a::10", false},
		{"all traffic", ping("laptop", "i-locked"), engine.Allowed, "203.0.113.10", "54.210.0.30", false},

		// Step 4: the service.
		{"nothing listens", tcp("other", "web-1", 443), engine.NoListener, "198.51.100.7", "54.210.0.10", false},
		{"nothing listens on a host", tcp("web-1", "other", 22), engine.NoListener, "54.210.0.10", "198.51.100.7", false},
		{"nothing listens on a udp port", udp("i-def", "i-def2", 22), engine.NoListener, "10.0.4.10", "10.0.4.11", true},
		{"tcp listener does not answer udp", udp("laptop", "i-locked", 80), engine.NoListener, "203.0.113.10", "54.210.0.30", false},
		{"a host answers pings", ping("web-1", "laptop"), engine.Allowed, "54.210.0.10", "203.0.113.10", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := engine.Evaluate(w, tt.conn)
			if r.Reason != tt.want || r.Outcome != tt.want.Outcome() {
				t.Fatalf("%s -> %s %s: got %s (%s), want %s (%s)\n%s", tt.conn.From, tt.conn.To, tt.conn.What(),
					r.Outcome, r.Reason, tt.want.Outcome(), tt.want, r.Explanation())
			}
			if tt.want != engine.Unreachable && (r.SrcAddr.String() != tt.src || r.DstAddr.String() != tt.dst || r.Private != tt.private) {
				t.Errorf("addresses %s -> %s private=%v, want %s -> %s private=%v", r.SrcAddr, r.DstAddr, r.Private, tt.src, tt.dst, tt.private)
			}
			traced := engine.Trace(w, tt.conn)
			if traced.Reason != r.Reason || traced.SrcAddr != r.SrcAddr || traced.DstAddr != r.DstAddr {
				t.Errorf("Trace says %s %s -> %s, Evaluate %s %s -> %s", traced.Reason, traced.SrcAddr, traced.DstAddr, r.Reason, r.SrcAddr, r.DstAddr)
			}
			checkTrace(t, traced)
		})
	}
}

// TestMatched checks the rules a result names: every rule that allowed the
// connection, outbound first, and none for a timeout.
func TestMatched(t *testing.T) {
	w := mustLoad(t, evalWorld)
	tests := []struct {
		conn engine.Connection
		want []engine.RuleRef
	}{
		{tcp("laptop", "web-1", 22), []engine.RuleRef{{Group: "sg-web", Direction: engine.Inbound, Index: 2}}},
		{tcp("app-1", "web-1", 8080), []engine.RuleRef{
			{Group: "sg-app", Direction: engine.Outbound, Index: 0},
			{Group: "sg-web", Direction: engine.Inbound, Index: 3}}},
		// Every allowing rule, across the union of groups.
		{tcp("i-def", "worker", 9000), []engine.RuleRef{
			{Group: "vpc-a/default", Direction: engine.Outbound, Index: 0},
			{Group: "vpc-a/default", Direction: engine.Inbound, Index: 0}}},
		{tcp("other", "web-1", 443), []engine.RuleRef{{Group: "sg-web", Direction: engine.Inbound, Index: 7}}},
		{tcp("other", "web-1", 22), []engine.RuleRef{}},
		{tcp("web-1", "i-b2", 80), []engine.RuleRef{}},
		// Nothing guards a host: connected, and no rule to name.
		{engine.Connection{From: "laptop", To: "other", Protocol: engine.ProtoICMP}, []engine.RuleRef{}},
	}
	for _, tt := range tests {
		r := engine.Evaluate(w, tt.conn)
		got := r.Matched()
		if got == nil || !slices.Equal(got, tt.want) {
			t.Errorf("%s -> %s %s: matched %#v, want %#v", tt.conn.From, tt.conn.To, tt.conn.What(), got, tt.want)
		}
		if traced := engine.Trace(w, tt.conn).Matched(); !slices.Equal(traced, got) {
			t.Errorf("%s -> %s %s: Trace matched %v, Evaluate %v", tt.conn.From, tt.conn.To, tt.conn.What(), traced, got)
		}
		for _, d := range []engine.Direction{engine.Outbound, engine.Inbound} {
			first, ok := r.FirstMatch(d)
			i := slices.IndexFunc(tt.want, func(m engine.RuleRef) bool { return m.Direction == d })
			if ok != (i >= 0) || (ok && first != tt.want[i]) {
				t.Errorf("%s -> %s: FirstMatch(%s) = %v, %v", tt.conn.From, tt.conn.To, d, first, ok)
			}
			if ok && w.Rule(first) == nil {
				t.Errorf("w.Rule(%v) = nil", first)
			}
		}
	}
}

// checkTrace verifies the shape of a trace: phases in the contract's
// order, ending in one verdict that agrees with the result.
func checkTrace(t *testing.T, r engine.Result) {
	t.Helper()
	order := []engine.Phase{engine.PhaseAddresses, engine.PhaseOutbound, engine.PhaseInbound, engine.PhaseService, engine.PhaseVerdict}
	last := 0
	for _, s := range r.Trace {
		k := slices.Index(order, s.Phase)
		if k < last {
			t.Fatalf("trace step %q (%s) comes after a %s step", s.Text, s.Phase, order[last])
		}
		last = k
		if s.Text == "" {
			t.Errorf("trace step of phase %s has no text", s.Phase)
		}
	}
	if len(r.Trace) < 2 || r.Trace[0].Phase != engine.PhaseAddresses {
		t.Fatalf("trace %v does not start with the addresses", r.Trace)
	}
	verdict := r.Trace[len(r.Trace)-1]
	if verdict.Phase != engine.PhaseVerdict || verdict.Match != (r.Reason == engine.Allowed) ||
		!strings.Contains(verdict.Text, r.Outcome.String()) || !strings.Contains(verdict.Text, r.Reason.String()) {
		t.Errorf("verdict step %+v does not say %s (%s)", verdict, r.Outcome, r.Reason)
	}
}

// TestTraceNamesEveryRule checks that explain's trace shows each rule of
// each group looked at, and which one matched.
func TestTraceNamesEveryRule(t *testing.T) {
	w := mustLoad(t, evalWorld)
	r := engine.Trace(w, tcp("other", "web-1", 443))
	var looked []int
	for _, s := range r.Trace {
		if s.Phase == engine.PhaseInbound && s.Group == "sg-web" && s.Rule >= 0 {
			looked = append(looked, s.Rule)
			if s.Match != (s.Rule == 7) {
				t.Errorf("inbound rule %d: match %v", s.Rule, s.Match)
			}
		}
	}
	if want := []int{0, 1, 2, 3, 4, 5, 6, 7, 8}; !slices.Equal(looked, want) {
		t.Errorf("trace looked at inbound rules %v of sg-web, want %v", looked, want)
	}
	locked := engine.Trace(w, tcp("i-locked", "web-1", 80))
	if !slices.ContainsFunc(locked.Trace, func(s engine.Step) bool {
		return s.Phase == engine.PhaseOutbound && s.Group == "sg-locked" && s.Code == engine.CodeNoRules
	}) {
		t.Errorf("trace of a group with outbound: [] does not say it has no rules: %v", locked.Trace)
	}
}

// TestEvaluateContractExample runs the contract's own example, including
// the explanation its JSON output shows.
func TestEvaluateContractExample(t *testing.T) {
	w := loadFixture(t, "contract-example.yaml")
	want := []struct {
		reason      engine.Reason
		explanation string
	}{
		{engine.Allowed, ""},
		{engine.InboundBlocked, "No inbound rule of sg-web or sg-ssh allows tcp/22 from 198.51.100.7."},
		{engine.NoListener, ""},
	}
	if len(w.Connections) != len(want) {
		t.Fatalf("%d connections, want %d", len(w.Connections), len(want))
	}
	for k, c := range w.Connections {
		r := engine.Evaluate(w, c)
		if r.Reason != want[k].reason || r.Outcome != c.Expect {
			t.Errorf("%s -> %s: %s (%s), want %s (%s)", c.From, c.To, r.Outcome, r.Reason, c.Expect, want[k].reason)
		}
		if want[k].explanation != "" && r.Explanation() != want[k].explanation {
			t.Errorf("explanation %q, want %q", r.Explanation(), want[k].explanation)
		}
	}
}

// TestFixtureExpectations: every scenario in testdata meets its own
// expectations.
func TestFixtureExpectations(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	for _, f := range files {
		w := loadFixture(t, filepath.Base(f))
		for _, c := range w.Connections {
			if r := engine.Evaluate(w, c); c.Expect != engine.OutcomeNone && r.Outcome != c.Expect {
				t.Errorf("%s: %s -> %s %s: %s (%s), expected %s", f, c.From, c.To, c.What(), r.Outcome, r.Reason, c.Expect)
			}
		}
	}
}

// TestExplanation checks that each kind of result explains itself with
// the facts a learner needs.
func TestExplanation(t *testing.T) {
	w := mustLoad(t, evalWorld)
	tests := []struct {
		conn engine.Connection
		says []string
	}{
		{tcp("laptop", "web-1", 22), []string{"Inbound rule 3 of sg-web", "203.0.113.10", "listens on tcp/22"}},
		{tcp("other", "web-1", 443), []string{"nothing on web-1 listens on tcp/443", "refused"}},
		{tcp("i-locked", "web-1", 80), []string{"No outbound rule of sg-locked allows tcp/80 to 10.0.1.10."}},
		{tcp("worker", "54.210.0.10", 8080), []string{"No inbound rule of sg-web allows tcp/8080 from 54.210.0.22.", "private addresses only"}},
		{tcp("web-1", "i-b2", 80), []string{"i-b2 has no public IP"}},
		{tcp("laptop", "203.0.113.99", 80), []string{"No machine in this world has the address 203.0.113.99."}},
		{tcp("v6host", "app-1", 80), []string{"app-1 has no IPv6 address"}},
		{ping("web-1", "laptop"), []string{"answers the ping"}},
		{tcp("laptop", "nobody", 80), []string{`"nobody" names no instance or host`}},
		{tcp("nobody", "laptop", 80), []string{`"nobody" names no instance or host`}},
	}
	for _, tt := range tests {
		got := engine.Evaluate(w, tt.conn).Explanation()
		for _, s := range tt.says {
			if !strings.Contains(got, s) {
				t.Errorf("%s -> %s %s: explanation %q does not say %q", tt.conn.From, tt.conn.To, tt.conn.What(), got, s)
			}
		}
	}
}

// TestResultIsAValue: a result keeps its meaning after the world changes.
// Its matched rules, first matches and explanation are those of the world
// it was taken in, and agree with one another.
func TestResultIsAValue(t *testing.T) {
	w := mustLoad(t, evalWorld)
	for _, c := range []engine.Connection{tcp("laptop", "web-1", 22), tcp("app-1", "web-1", 8080), tcp("other", "web-1", 443)} {
		r := engine.Evaluate(w, c)
		matched, expl := r.Matched(), r.Explanation()
		in, ok := r.FirstMatch(engine.Inbound)
		if !ok || len(matched) == 0 || matched[len(matched)-1].Direction != engine.Inbound {
			t.Fatalf("%s -> %s: want an inbound match, got %v %v", c.From, c.To, matched, ok)
		}
		if k := slices.IndexFunc(matched, func(m engine.RuleRef) bool { return m.Direction == engine.Inbound }); matched[k] != in {
			t.Errorf("%s -> %s: FirstMatch %v, but the first inbound rule Matched names is %v", c.From, c.To, in, matched[k])
		}
		rule := *w.Rule(in)
		// Take away the rule that let the connection in, and every rule
		// before it in its group: indexes shift, the rule is gone.
		for k := in.Index; k >= 0; k-- {
			if err := w.RemoveRule(in.Group, engine.Inbound, k); err != nil {
				t.Fatal(err)
			}
		}
		if engine.Evaluate(w, c).Outcome == r.Outcome && slices.Equal(engine.Evaluate(w, c).Matched(), matched) {
			t.Fatalf("%s -> %s: removing the rule changed nothing; the test proves nothing", c.From, c.To)
		}
		if got := r.Matched(); !slices.Equal(got, matched) {
			t.Errorf("%s -> %s: after the change Matched says %v, before %v", c.From, c.To, got, matched)
		}
		if got, _ := r.FirstMatch(engine.Inbound); got != in {
			t.Errorf("%s -> %s: after the change FirstMatch says %v, before %v", c.From, c.To, got, in)
		}
		if got := r.Explanation(); got != expl {
			t.Errorf("%s -> %s: after the change the explanation reads\n%s\nbefore\n%s", c.From, c.To, got, expl)
		}
		if !strings.Contains(expl, rule.Summary()) {
			t.Errorf("the explanation %q does not name the rule %s", expl, rule.Summary())
		}
		w = mustLoad(t, evalWorld)
	}
}

// TestRuleAdmits is the one matcher's protocol and port table.
func TestRuleAdmits(t *testing.T) {
	rule := func(p engine.Protocol, lo, hi int) engine.Rule {
		return engine.Rule{Protocol: p, Ports: engine.PortRange{Lo: lo, Hi: hi}}
	}
	icmp := func(typ, code int) engine.Traffic {
		return engine.Traffic{Protocol: engine.ProtoICMP, Port: typ, Code: code}
	}
	tests := []struct {
		rule engine.Rule
		t    engine.Traffic
		want bool
	}{
		{rule(engine.ProtoTCP, 22, 22), engine.TCP(22), true},
		{rule(engine.ProtoTCP, 22, 22), engine.TCP(23), false},
		{rule(engine.ProtoTCP, 1024, 65535), engine.TCP(65535), true},
		{rule(engine.ProtoTCP, 1024, 65535), engine.TCP(1023), false},
		{rule(engine.ProtoTCP, 0, 65535), engine.TCP(0), true},
		{rule(engine.ProtoTCP, 22, 22), engine.Traffic{Protocol: engine.ProtoUDP, Port: 22}, false},
		{rule(engine.ProtoUDP, 53, 53), engine.Traffic{Protocol: engine.ProtoUDP, Port: 53}, true},
		{rule(engine.ProtoAll, 0, 0), engine.TCP(8080), true},
		{rule(engine.ProtoAll, 0, 0), icmp(8, 0), true},
		{rule(47, 0, 0), engine.Traffic{Protocol: 47}, true},
		{rule(47, 0, 0), engine.TCP(47), false},
		{rule(engine.ProtoICMP, engine.AnyPort, engine.AnyPort), icmp(8, 0), true},
		{rule(engine.ProtoICMP, engine.AnyPort, engine.AnyPort), icmp(255, 255), true},
		{rule(engine.ProtoICMP, 8, engine.AnyPort), icmp(8, 0), true},
		{rule(engine.ProtoICMP, 8, engine.AnyPort), icmp(8, 255), true},
		{rule(engine.ProtoICMP, 8, engine.AnyPort), icmp(0, 0), false},
		{rule(engine.ProtoICMP, 3, 4), icmp(3, 4), true},
		{rule(engine.ProtoICMP, 3, 4), icmp(3, 3), false},
		{rule(engine.ProtoICMP, 3, 4), icmp(4, 4), false},
		{rule(engine.ProtoICMP, 8, 0), engine.Traffic{Protocol: engine.ProtoICMPv6, Port: 8}, false},
		{rule(engine.ProtoICMPv6, 128, 0), engine.TrafficOf(ping6("a", "b")), true},
		{rule(engine.ProtoICMP, 8, 0), engine.TrafficOf(ping("a", "b")), true},
		// A backwards range, which validation refuses, lets nothing through.
		{rule(engine.ProtoTCP, 80, 22), engine.TCP(50), false},
	}
	for _, tt := range tests {
		if got := tt.rule.Admits(tt.t); got != tt.want {
			t.Errorf("%s admits %+v = %v, want %v", tt.rule.Summary(), tt.t, got, tt.want)
		}
	}
}

// Rules and connections are plain comparable values: they can be map
// keys and compared with ==.
var (
	_ = map[engine.Rule]bool{}
	_ = map[engine.Connection]bool{}
)
