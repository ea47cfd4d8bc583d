package quiz

import (
	"bytes"
	"net/netip"
	"slices"
	"testing"

	"github.com/sglab/sglab/engine"
)

// scenarioSeeds is how many seeds the generator is checked over, for each
// kind of question.
const scenarioSeeds = 300

// refResult is what the reference evaluator finds.
type refResult struct {
	outcome engine.Outcome
	inbound []engine.RuleRef // every inbound rule that matched
}

// refEvaluate is a literal reading of the scenario format's "How a
// connection is evaluated", written against the world's plain fields and
// sharing no code with the engine, so that a bug in one shows up as a
// disagreement with the other. It covers what the generator produces: tcp
// connections from an instance or a host to an instance, named or by its
// IPv4 address.
func refEvaluate(t *testing.T, w *engine.World, c engine.Connection) refResult {
	t.Helper()
	if c.Protocol != engine.ProtoTCP {
		t.Fatalf("the reference evaluator reads tcp connections only, not %v", c.Protocol)
	}
	instance := func(ref string) *engine.Instance {
		for _, i := range w.Instances {
			if i.ID == ref || (i.Name != "" && i.Name == ref) {
				return i
			}
		}
		return nil
	}
	host := func(ref string) *engine.Host {
		for _, h := range w.Hosts {
			if h.ID == ref || (h.Name != "" && h.Name == ref) {
				return h
			}
		}
		return nil
	}
	timeout := refResult{outcome: engine.Timeout}

	// 1. Addresses.
	srcInst, srcHost := instance(c.From), host(c.From)
	if srcInst == nil && srcHost == nil {
		t.Fatalf("from %q names nothing", c.From)
	}
	srcPublic := func() netip.Addr {
		if srcInst != nil {
			return srcInst.PublicIP
		}
		return srcHost.IP
	}
	var dst *engine.Instance
	var src, dstAddr netip.Addr
	private := false
	if literal, err := netip.ParseAddr(c.To); err == nil {
		for _, i := range w.Instances {
			if i.PrivateIP == literal || i.PublicIP == literal {
				dst = i
			}
		}
		switch {
		case dst == nil:
			t.Fatalf("the generator asked about %s, which no instance has", literal)
		case literal == dst.PrivateIP:
			// A private IP: only from an instance of the same VPC.
			if srcInst == nil || srcInst.VPC != dst.VPC {
				return timeout
			}
			src, private = srcInst.PrivateIP, true
		default:
			// A public IP: the source is seen by its public address, even
			// inside one VPC.
			src = srcPublic()
		}
		dstAddr = literal
	} else {
		dst = instance(c.To)
		if dst == nil {
			t.Fatalf("to %q names no instance", c.To)
		}
		if srcInst != nil && srcInst.VPC == dst.VPC {
			src, dstAddr, private = srcInst.PrivateIP, dst.PrivateIP, true
		} else {
			src, dstAddr = srcPublic(), dst.PublicIP
		}
	}
	if !src.IsValid() || !dstAddr.IsValid() {
		return timeout // unreachable
	}
	if !src.Is4() || !dstAddr.Is4() {
		t.Fatalf("the reference evaluator reads IPv4 worlds only, not %s -> %s", src, dstAddr)
	}

	groupsOf := func(i *engine.Instance) []*engine.Group {
		var out []*engine.Group
		for _, id := range i.Groups {
			for _, g := range w.Groups {
				if g.ID == id {
					out = append(out, g)
				}
			}
		}
		return out
	}
	// A rule matches protocol, port, and the peer: an address range that
	// holds addr, or a group that peer has, on a private path only.
	matches := func(r engine.Rule, addr netip.Addr, peer *engine.Instance) bool {
		if r.Protocol != engine.ProtoAll && (r.Protocol != c.Protocol || c.Port < r.Ports.Lo || c.Port > r.Ports.Hi) {
			return false
		}
		if r.Peer.Group != "" {
			return private && peer != nil && slices.Contains(peer.Groups, r.Peer.Group)
		}
		return r.Peer.CIDR.Contains(addr)
	}

	// 2. Outbound.
	if srcInst != nil {
		allowed := false
		for _, g := range groupsOf(srcInst) {
			for _, r := range g.Outbound {
				allowed = allowed || matches(r, dstAddr, dst)
			}
		}
		if !allowed {
			return timeout
		}
	}
	// 3. Inbound.
	res := refResult{}
	for _, g := range groupsOf(dst) {
		for k, r := range g.Inbound {
			if matches(r, src, srcInst) {
				res.inbound = append(res.inbound, engine.RuleRef{Group: g.ID, Direction: engine.Inbound, Index: k})
			}
		}
	}
	if len(res.inbound) == 0 {
		return timeout
	}
	// 4. Service.
	res.outcome = engine.Refused
	if slices.Contains(dst.Listening, engine.Service{Protocol: c.Protocol, Port: c.Port}) {
		res.outcome = engine.Connected
	}
	return res
}

// TestReferenceEvaluator checks the checker on a hand-built world whose
// answers follow from the format's rules, and the engine agrees.
func TestReferenceEvaluator(t *testing.T) {
	w, ds := engine.Parse("ref.yaml", []byte(`
version: 1
vpcs: [{ id: vpc-main, cidr: 10.0.0.0/16 }]
security_groups:
  - id: sg-web
    vpc: vpc-main
    inbound:
      - { protocol: tcp, ports: 80, source: 0.0.0.0/0 }
      - { protocol: tcp, ports: 5432, source: sg-app }
  - id: sg-app
    vpc: vpc-main
    outbound:
      - { protocol: tcp, ports: 443, destination: 0.0.0.0/0 }
      - { protocol: tcp, ports: 5432, destination: 0.0.0.0/0 }
instances:
  - { id: web-1, vpc: vpc-main, private_ip: 10.0.1.10, public_ip: 54.210.0.10, security_groups: [sg-web], listening: [80, 5432] }
  - { id: app-1, vpc: vpc-main, private_ip: 10.0.1.11, public_ip: 54.210.0.11, security_groups: [sg-app] }
  - { id: db-1, vpc: vpc-main, private_ip: 10.0.1.12, security_groups: [sg-web] }
hosts:
  - { id: laptop, ip: 203.0.113.10 }
`))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	for _, tc := range []struct {
		from, to string
		port     int
		want     engine.Outcome
		rules    int // inbound rules that match
	}{
		{"laptop", "web-1", 80, engine.Connected, 1},
		{"laptop", "web-1", 22, engine.Timeout, 0},         // no rule
		{"laptop", "db-1", 80, engine.Timeout, 0},          // db-1 has no public IP
		{"web-1", "db-1", 80, engine.Refused, 1},           // private path, nothing listens
		{"app-1", "web-1", 5432, engine.Connected, 1},      // group reference, private path
		{"app-1", "web-1", 80, engine.Timeout, 0},          // app's outbound allows 443 and 5432 only
		{"app-1", "54.210.0.10", 5432, engine.Timeout, 0},  // public IP: the reference no longer matches
		{"laptop", "54.210.0.10", 80, engine.Connected, 1}, // a host to a public IP
		{"db-1", "54.210.0.10", 80, engine.Timeout, 0},     // no public IP to come from
		{"web-1", "10.0.1.12", 80, engine.Refused, 1},      // a private IP from the same VPC
		{"laptop", "10.0.1.12", 80, engine.Timeout, 0},     // a private IP from outside
	} {
		c := engine.Connection{From: tc.from, To: tc.to, Protocol: engine.ProtoTCP, Port: tc.port}
		got := refEvaluate(t, w, c)
		if got.outcome != tc.want || len(got.inbound) != tc.rules {
			t.Errorf("%s -> %s:%d: the reference says %v with %d rules, want %v with %d", tc.from, tc.to, tc.port, got.outcome, len(got.inbound), tc.want, tc.rules)
		}
		if e := engine.Evaluate(w, c); e.Outcome != tc.want {
			t.Errorf("%s -> %s:%d: the engine says %v, want %v", tc.from, tc.to, tc.port, e.Outcome, tc.want)
		}
	}
}

// TestScenarioQuestionsAreRight generates every kind of question over many
// seeds and re-checks each stated answer against the engine and against the
// reference evaluator.
func TestScenarioQuestionsAreRight(t *testing.T) {
	answers := map[engine.Outcome]int{}
	for seed := range uint64(scenarioSeeds) {
		for _, kind := range ScenarioKinds {
			q, err := Generate(kind, seed)
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			if err := q.Validate(); err != nil {
				t.Fatalf("%s: %v", q.ID, err)
			}
			s := q.Scenario
			if ds := engine.Validate(s.World); ds.HasErrors() {
				t.Fatalf("%s: the world is invalid: %v", q.ID, ds)
			}
			if q.Topic != Scenarios || s.Kind != kind || q.Exhibit == nil {
				t.Fatalf("%s: topic %q, kind %q, exhibit %v", q.ID, q.Topic, s.Kind, q.Exhibit != nil)
			}
			right := q.Correct[0]
			switch kind {
			case AskOutcome:
				answers[outcomes[right]]++
				checkOutcome(t, q)
			case AskRule:
				checkRule(t, q, right)
			case AskFix:
				checkFix(t, q, right)
			}
		}
	}
	// The generator draws the outcome first, so each answer is common: a
	// quiz whose answer is always "timeout" teaches nothing.
	for _, o := range outcomes {
		if answers[o] < scenarioSeeds/5 {
			t.Errorf("%v is the answer of %d outcome questions out of %d", o, answers[o], scenarioSeeds)
		}
	}
}

func checkOutcome(t *testing.T, q Question) {
	t.Helper()
	s := q.Scenario
	want := outcomes[q.Correct[0]]
	res := engine.Evaluate(s.World, s.Conn)
	if res.Outcome != want {
		t.Errorf("%s: the answer is %v, the engine says %v", q.ID, want, res.Outcome)
	}
	if ref := refEvaluate(t, s.World, s.Conn); ref.outcome != want {
		t.Errorf("%s: the answer is %v, the reference evaluator says %v", q.ID, want, ref.outcome)
	}
	if q.Explanation != res.Explanation() {
		t.Errorf("%s: the explanation is not the engine's:\n%s\n%s", q.ID, q.Explanation, res.Explanation())
	}
}

func checkRule(t *testing.T, q Question, right int) {
	t.Helper()
	s := q.Scenario
	if len(s.Rules) != len(q.Choices) {
		t.Fatalf("%s: %d choices for %d rules", q.ID, len(q.Choices), len(s.Rules))
	}
	ref := refEvaluate(t, s.World, s.Conn)
	if ref.outcome == engine.Timeout {
		t.Errorf("%s: asks which rule lets it in, but the reference evaluator says it times out", q.ID)
	}
	// Exactly the right choice's rule lets it in: the others do not match.
	for k, rule := range s.Rules {
		if slices.Contains(ref.inbound, rule) != (k == right) {
			t.Errorf("%s: choice %s (%s) matches per the reference evaluator: %v; right choice %s",
				q.ID, ChoiceLabel(k), q.Choices[k], slices.Contains(ref.inbound, rule), ChoiceLabel(right))
		}
	}
	if len(ref.inbound) != 1 {
		t.Errorf("%s: %d inbound rules match per the reference evaluator; the question needs exactly one", q.ID, len(ref.inbound))
	}
	var engineIn []engine.RuleRef
	for _, m := range engine.Evaluate(s.World, s.Conn).Matched() {
		if m.Direction == engine.Inbound {
			engineIn = append(engineIn, m)
		}
	}
	if !slices.Equal(engineIn, []engine.RuleRef{s.Rules[right]}) {
		t.Errorf("%s: the engine matched %v, the answer is %v", q.ID, engineIn, s.Rules[right])
	}
}

func checkFix(t *testing.T, q Question, right int) {
	t.Helper()
	s := q.Scenario
	if len(s.Fixes) != len(q.Choices) {
		t.Fatalf("%s: %d choices for %d fixes", q.ID, len(q.Choices), len(s.Fixes))
	}
	if ref := refEvaluate(t, s.World, s.Conn); ref.outcome != engine.Timeout {
		t.Errorf("%s: asks for a fix, but the reference evaluator says %v already", q.ID, ref.outcome)
	}
	before := engine.Marshal(s.World)
	for k, f := range s.Fixes {
		fixed, err := f.Apply(s.World)
		if err != nil {
			t.Fatalf("%s: choice %s cannot be applied: %v", q.ID, ChoiceLabel(k), err)
		}
		refOK := refEvaluate(t, fixed, s.Conn).outcome == engine.Connected
		engineOK := engine.Evaluate(fixed, s.Conn).Outcome == engine.Connected
		if refOK != (k == right) || engineOK != (k == right) {
			t.Errorf("%s: with choice %s (%s) the reference connects: %v, the engine: %v; right choice %s",
				q.ID, ChoiceLabel(k), q.Choices[k], refOK, engineOK, ChoiceLabel(right))
		}
	}
	if !bytes.Equal(before, engine.Marshal(s.World)) {
		t.Errorf("%s: applying a fix changed the question's world", q.ID)
	}
}

// TestGenerateIsDeterministic: the same kind and seed give the same
// question, world and all, so review can rebuild it from its id.
func TestGenerateIsDeterministic(t *testing.T) {
	for _, kind := range ScenarioKinds {
		for _, seed := range []uint64{0, 7, 1 << 40, ^uint64(0)} {
			a, errA := Generate(kind, seed)
			b, errB := Generate(kind, seed)
			if errA != nil || errB != nil {
				t.Fatal(errA, errB)
			}
			if !sameQuestion(a, b) || !bytes.Equal(engine.Marshal(a.Scenario.World), engine.Marshal(b.Scenario.World)) {
				t.Errorf("%s: two generations differ", a.ID)
			}
			back, ok := Lookup(a.ID)
			if !ok || !sameQuestion(a, back) {
				t.Errorf("Lookup(%q) did not rebuild the question", a.ID)
			}
		}
	}
	a, _ := Generate(AskOutcome, 1)
	b, _ := Generate(AskOutcome, 2)
	if sameQuestion(a, b) {
		t.Error("seeds 1 and 2 give the same question")
	}
}

func sameQuestion(a, b Question) bool {
	return a.ID == b.ID && a.Prompt == b.Prompt && slices.Equal(a.Choices, b.Choices) &&
		slices.Equal(a.Correct, b.Correct) && a.Explanation == b.Explanation &&
		slices.Equal(exhibitLines(a), exhibitLines(b))
}

func exhibitLines(q Question) []string {
	if q.Exhibit == nil {
		return nil
	}
	return q.Exhibit.Lines()
}

func TestGenerateRejectsUnknownKind(t *testing.T) {
	if _, err := Generate("maybe", 1); err == nil {
		t.Error("Generate accepted kind maybe")
	}
	for _, id := range []string{"scn9-outcome-1", "scn1-maybe-1", "scn1-outcome-x", "scn1-outcome", "no-such-question"} {
		if _, ok := Lookup(id); ok {
			t.Errorf("Lookup(%q) found a question", id)
		}
	}
}
