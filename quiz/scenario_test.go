package quiz

import (
	"bytes"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/sglab/sglab/engine"
)

// scenarioSeeds is how many seeds the generator is checked over, for each
// kind of question and each level.
const scenarioSeeds = 120

// refResult is what the reference evaluator finds.
type refResult struct {
	outcome engine.Outcome
	inbound []engine.RuleRef // every inbound rule that matched
}

// refEvaluate is a literal reading of the scenario format's "How a
// connection is evaluated", written against the world's plain fields and
// sharing no code with the engine, so that a bug in one shows up as a
// disagreement with the other. It covers what the generator produces:
// tcp, udp, icmp and icmpv6 from an instance or a host (IPv4 or IPv6) to
// an instance by name or at its public IP, and from an instance to a host.
func refEvaluate(t *testing.T, w *engine.World, c engine.Connection) refResult {
	t.Helper()
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
	// internet is the source's address on the internet in family v6 or not.
	internet := func(v6 bool) netip.Addr {
		switch {
		case srcHost != nil && srcHost.IP.Is6() == v6:
			return srcHost.IP
		case srcInst != nil && v6:
			return srcInst.IPv6
		case srcInst != nil:
			return srcInst.PublicIP
		}
		return netip.Addr{}
	}
	var dst *engine.Instance
	var dstHost *engine.Host
	var src, dstAddr netip.Addr
	private := false
	if literal, err := netip.ParseAddr(c.To); err == nil {
		for _, i := range w.Instances {
			if i.PrivateIP == literal || i.PublicIP == literal || i.IPv6 == literal {
				dst = i
			}
		}
		switch {
		case dst == nil:
			t.Fatalf("the generator asked about %s, which no instance has", literal)
		case literal == dst.PrivateIP:
			if srcInst == nil || srcInst.VPC != dst.VPC {
				return timeout
			}
			src, private = srcInst.PrivateIP, true
		case literal == dst.IPv6:
			src = internet(true)
			private = srcInst != nil && srcInst.VPC == dst.VPC
		default:
			// A public IP: the source is seen by its public address, even
			// inside one VPC.
			src = internet(false)
		}
		dstAddr = literal
	} else if dst = instance(c.To); dst != nil {
		switch {
		case srcInst != nil && srcInst.VPC == dst.VPC:
			src, dstAddr, private = srcInst.PrivateIP, dst.PrivateIP, true
		case srcHost != nil && srcHost.IP.Is6():
			src, dstAddr = srcHost.IP, dst.IPv6
		default:
			src, dstAddr = internet(false), dst.PublicIP
		}
	} else if dstHost = host(c.To); dstHost != nil {
		src, dstAddr = internet(dstHost.IP.Is6()), dstHost.IP
	} else {
		t.Fatalf("to %q names nothing", c.To)
	}
	if !src.IsValid() || !dstAddr.IsValid() {
		return timeout // unreachable
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
	// A rule matches the traffic (an echo request for icmp, the port for
	// tcp and udp) and the peer: an address range that holds addr, or a
	// group that peer has, on a private path only.
	matches := func(r engine.Rule, addr netip.Addr, peer *engine.Instance) bool {
		if r.Protocol != engine.ProtoAll {
			if r.Protocol != c.Protocol {
				return false
			}
			echo := map[engine.Protocol]int{engine.ProtoICMP: 8, engine.ProtoICMPv6: 128}[c.Protocol]
			switch {
			case c.Protocol.HasPorts() && (c.Port < r.Ports.Lo || c.Port > r.Ports.Hi):
				return false
			case c.Protocol.IsICMP() && r.Ports.Lo != engine.AnyPort && (r.Ports.Lo != echo || (r.Ports.Hi != engine.AnyPort && r.Ports.Hi != 0)):
				return false
			}
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
	// 3 and 4. The network ACLs, where the packet leaves the source's
	// subnet and enters the destination's: never between two machines of
	// one subnet over their private IPv4 or IPv6 addresses.
	srcSub, dstSub := refSubnet(w, srcInst), refSubnet(w, dst)
	crosses := srcInst == nil || dst == nil || srcSub != dstSub || (dstAddr != dst.PrivateIP && dstAddr != dst.IPv6)
	echo := map[engine.Protocol]int{engine.ProtoICMP: 8, engine.ProtoICMPv6: 128}[c.Protocol]
	reply := map[engine.Protocol]int{engine.ProtoICMP: 0, engine.ProtoICMPv6: 129}[c.Protocol]
	sourcePort := c.SourcePort
	if sourcePort == 0 {
		sourcePort = 49152
		if srcInst != nil {
			sourcePort = 32768
		}
	}
	if crosses && srcInst != nil && !refACL(w, srcInst.VPC, srcSub, engine.Outbound, c.Protocol, c.Port, echo, dstAddr) {
		return timeout
	}
	if crosses && dst != nil && !refACL(w, dst.VPC, dstSub, engine.Inbound, c.Protocol, c.Port, echo, src) {
		return timeout
	}
	// 3. Inbound.
	res := refResult{}
	listening := []engine.Service(nil)
	if dstHost != nil {
		listening = dstHost.Listening
	} else {
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
		listening = dst.Listening
	}
	// 4. Service.
	res.outcome = engine.Refused
	if c.Protocol.IsICMP() || slices.Contains(listening, engine.Service{Protocol: c.Protocol, Port: c.Port}) {
		res.outcome = engine.Connected
	}
	// 7. The reply, to the client's port, through the same ACLs the other
	// way: stateless, so it needs entries of its own.
	if crosses && dst != nil && !refACL(w, dst.VPC, dstSub, engine.Outbound, c.Protocol, sourcePort, reply, src) {
		return refResult{outcome: engine.Timeout, inbound: res.inbound}
	}
	if crosses && srcInst != nil && !refACL(w, srcInst.VPC, srcSub, engine.Inbound, c.Protocol, sourcePort, reply, dstAddr) {
		return refResult{outcome: engine.Timeout, inbound: res.inbound}
	}
	return res
}

// refSubnet is the subnet an instance is in: the one it names, or the one
// of its VPC that holds its private IP; nil for a host, or in a VPC that
// declares none (its one implicit subnet).
func refSubnet(w *engine.World, i *engine.Instance) *engine.Subnet {
	if i == nil {
		return nil
	}
	for _, s := range w.Subnets {
		if s.VPC == i.VPC && (s.ID == i.Subnet || (i.Subnet == "" && s.CIDR.Contains(i.PrivateIP))) {
			return s
		}
	}
	return nil
}

// refACL reports whether the network ACL of a subnet (the VPC's default
// one unless the subnet names another) lets a packet through in direction
// d: its entries in ascending rule order, the first that matches the
// protocol, the port (or icmp type) and the peer address decides, and
// none matching denies.
func refACL(w *engine.World, vpc string, sub *engine.Subnet, d engine.Direction, p engine.Protocol, port, icmpType int, peer netip.Addr) bool {
	var acl *engine.NetworkACL
	for _, a := range w.NetworkACLs {
		if a.VPC == vpc && ((sub != nil && sub.NetworkACL != "" && a.ID == sub.NetworkACL) || ((sub == nil || sub.NetworkACL == "") && a.Name == "default")) {
			acl = a
		}
	}
	if acl == nil {
		return true // no ACL at all: nothing to stop it
	}
	entries := slices.Clone(acl.Inbound)
	if d == engine.Outbound {
		entries = slices.Clone(acl.Outbound)
	}
	sort.SliceStable(entries, func(a, b int) bool { return entries[a].Rule < entries[b].Rule })
	for _, e := range entries {
		if e.Protocol != engine.ProtoAll {
			if e.Protocol != p {
				continue
			}
			switch {
			case p.HasPorts() && (port < e.Ports.Lo || port > e.Ports.Hi):
				continue
			case p.IsICMP() && e.Ports.Lo != engine.AnyPort && (e.Ports.Lo != icmpType || (e.Ports.Hi != engine.AnyPort && e.Ports.Hi != 0)):
				continue
			}
		}
		if e.CIDR.Contains(peer) {
			return e.Action == engine.Allow
		}
	}
	return false
}

// TestReferenceEvaluator checks the checker on a hand-built world whose
// answers follow from the format's rules, and the engine agrees.
func TestReferenceEvaluator(t *testing.T) {
	w, ds := engine.Parse("ref.yaml", []byte(`
version: 1
vpcs: [{ id: vpc-main, cidr: 10.0.0.0/16, ipv6_cidr: "2600:1f18:1234:5600::/56" }]
security_groups:
  - id: sg-web
    vpc: vpc-main
    inbound:
      - { protocol: tcp, ports: 80, source: 0.0.0.0/0 }
      - { protocol: tcp, ports: 5432, source: sg-app }
      - { protocol: icmp, source: 203.0.113.0/24 }
      - { protocol: tcp, ports: 443, source: "::/0" }
  - id: sg-app
    vpc: vpc-main
    outbound:
      - { protocol: tcp, ports: 443, destination: 0.0.0.0/0 }
      - { protocol: tcp, ports: 5432, destination: 0.0.0.0/0 }
  - id: sg-dns
    vpc: vpc-main
    inbound:
      - { protocol: udp, ports: 53, source: 10.0.0.0/16 }
instances:
  - { id: web-1, vpc: vpc-main, private_ip: 10.0.1.10, public_ip: 54.210.0.10, ipv6: "2600:1f18:1234:5600::10", security_groups: [sg-web], listening: [80, 5432, tcp/443] }
  - { id: app-1, vpc: vpc-main, private_ip: 10.0.1.11, public_ip: 54.210.0.11, security_groups: [sg-app] }
  - { id: db-1, vpc: vpc-main, private_ip: 10.0.1.12, security_groups: [sg-web] }
  - { id: dns-1, vpc: vpc-main, private_ip: 10.0.1.13, security_groups: [sg-dns], listening: [udp/53] }
hosts:
  - { id: laptop, ip: 203.0.113.10 }
  - { id: updates, ip: 192.0.2.80, listening: [443] }
  - { id: visitor-v6, ip: "2001:db8::7" }
`))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	for _, tc := range []struct {
		from, to string
		proto    engine.Protocol
		port     int
		want     engine.Outcome
		rules    int // inbound rules that match
	}{
		{"laptop", "web-1", engine.ProtoTCP, 80, engine.Connected, 1},
		{"laptop", "web-1", engine.ProtoTCP, 22, engine.Timeout, 0},         // no rule
		{"laptop", "db-1", engine.ProtoTCP, 80, engine.Timeout, 0},          // db-1 has no public IP
		{"web-1", "db-1", engine.ProtoTCP, 80, engine.Refused, 1},           // private path, nothing listens
		{"app-1", "web-1", engine.ProtoTCP, 5432, engine.Connected, 1},      // group reference, private path
		{"app-1", "web-1", engine.ProtoTCP, 80, engine.Timeout, 0},          // app's outbound allows 443 and 5432 only
		{"app-1", "54.210.0.10", engine.ProtoTCP, 5432, engine.Timeout, 0},  // public IP: the reference no longer matches
		{"laptop", "54.210.0.10", engine.ProtoTCP, 80, engine.Connected, 1}, // a host to a public IP
		{"db-1", "54.210.0.10", engine.ProtoTCP, 80, engine.Timeout, 0},     // no public IP to come from
		{"laptop", "web-1", engine.ProtoICMP, 0, engine.Connected, 1},       // a ping from the /24
		{"web-1", "dns-1", engine.ProtoUDP, 53, engine.Connected, 1},        // udp from the VPC's range
		{"web-1", "dns-1", engine.ProtoUDP, 54, engine.Timeout, 0},          // another port
		{"visitor-v6", "web-1", engine.ProtoTCP, 443, engine.Connected, 1},  // IPv6 from everyone
		{"visitor-v6", "web-1", engine.ProtoTCP, 80, engine.Timeout, 0},     // 0.0.0.0/0 is IPv4 only
		{"visitor-v6", "db-1", engine.ProtoTCP, 443, engine.Timeout, 0},     // db-1 has no IPv6 address
		{"app-1", "updates", engine.ProtoTCP, 443, engine.Connected, 0},     // out to a host
		{"db-1", "updates", engine.ProtoTCP, 443, engine.Timeout, 0},        // no public IP to come from
		{"visitor-v6", "web-1", engine.ProtoICMPv6, 0, engine.Timeout, 0},   // no rule for IPv6 pings
		{"laptop", "web-1", engine.ProtoICMPv6, 0, engine.Timeout, 0},       // the laptop has no IPv6
	} {
		c := engine.Connection{From: tc.from, To: tc.to, Protocol: tc.proto, Port: tc.port}
		got := refEvaluate(t, w, c)
		if got.outcome != tc.want || len(got.inbound) != tc.rules {
			t.Errorf("%s -> %s %s: the reference says %v with %d rules, want %v with %d", tc.from, tc.to, c.What(), got.outcome, len(got.inbound), tc.want, tc.rules)
		}
		if e := engine.Evaluate(w, c); e.Outcome != tc.want {
			t.Errorf("%s -> %s %s: the engine says %v, want %v", tc.from, tc.to, c.What(), e.Outcome, tc.want)
		}
	}
}

// generated is every question the checks below look at: each kind at each
// level, over scenarioSeeds seeds. It is built once for all the tests.
func generated(t *testing.T) []Question {
	t.Helper()
	if generatedOnce != nil {
		return generatedOnce
	}
	var out []Question
	for level := MinLevel; level <= MaxLevel; level++ {
		for seed := range uint64(scenarioSeeds) {
			for _, kind := range ScenarioKinds {
				q, err := Generate(kind, level, seed)
				if err != nil {
					t.Fatalf("level %d, seed %d: %v", level, seed, err)
				}
				out = append(out, q)
			}
		}
	}
	generatedOnce = out
	return out
}

var generatedOnce []Question

// indexWords are the ways a rule could be named by its position.
var indexWords = regexp.MustCompile(`(?i)\brule (#?\d+|number \d+)\b|\b(inbound|outbound) rule \d+`)

// namesByPosition reports whether text names a security-group rule by its
// position. A network ACL's entries are named by their rule numbers, as
// the console shows them, so "rule 100" is fine where an ACL of the world
// has an entry 100.
func namesByPosition(w *engine.World, text string) bool {
	numbers := map[string]bool{}
	for _, a := range w.NetworkACLs {
		for _, e := range append(slices.Clone(a.Inbound), a.Outbound...) {
			numbers[strconv.Itoa(e.Rule)] = true
		}
	}
	for _, m := range indexWords.FindAllString(text, -1) {
		if n := m[strings.LastIndexAny(m, " #")+1:]; !numbers[n] {
			return true
		}
	}
	return false
}

// TestScenarioQuestionsAreRight generates every kind of question at every
// level and re-checks each stated answer against the engine and against
// the reference evaluator, and what the question says about it.
func TestScenarioQuestionsAreRight(t *testing.T) {
	for _, q := range generated(t) {
		if err := q.Validate(); err != nil {
			t.Fatalf("%s: %v", q.ID, err)
		}
		s := q.Scenario
		if ds := engine.Validate(s.World); ds.HasErrors() {
			t.Fatalf("%s: the world is invalid: %v", q.ID, ds)
		}
		if q.Topic != Scenarios || q.Exhibit == nil || len(q.Correct) != 1 || len(q.Choices) < 3 {
			t.Fatalf("%s: topic %q, exhibit %v, %d right of %d choices", q.ID, q.Topic, q.Exhibit != nil, len(q.Correct), len(q.Choices))
		}
		res := engine.Evaluate(s.World, s.Conn)
		if !causeOf(s.World, res, s.Cause) {
			t.Errorf("%s: the question turns on %s, the engine says %s", q.ID, s.Cause, res.Reason)
		}
		if ref := refEvaluate(t, s.World, s.Conn); ref.outcome != res.Outcome {
			t.Errorf("%s: the engine says %v, the reference evaluator %v", q.ID, res.Outcome, ref.outcome)
		}
		for _, text := range append(append([]string{q.Prompt, q.Explanation}, q.Choices...), q.Why...) {
			if namesByPosition(s.World, text) {
				t.Errorf("%s names a rule by its position: %q", q.ID, text)
			}
		}
		if want := causeLessons[s.Cause]; s.Kind != AskFix && want != nil && !slices.Contains(want, q.Lesson) {
			t.Errorf("%s turns on %s but links lesson %s, not one of %v", q.ID, s.Cause, q.Lesson, want)
		}
		switch s.Kind {
		case AskOutcome:
			checkOutcome(t, q, res)
		case AskRule:
			checkRule(t, q)
		case AskFix:
			checkFix(t, q)
		}
	}
}

// causeLessons are the lessons that teach each cause.
var causeLessons = map[Cause][]string{
	CauseOutbound:    {"inbound-and-outbound"},
	CauseUnreachable: {"timeout-versus-refused"},
	CauseNoListener:  {"timeout-versus-refused"},
	CausePublicRef:   {"references-match-private-addresses"},
	CauseStateful:    {"stateful"},
	CauseInbound:     {"timeout-versus-refused", "anatomy-of-a-rule", "ssh-from-your-computer-only"},
	CauseACLInbound:  {"security-groups-and-network-acls"},
	CauseACLReply:    {"security-groups-and-network-acls"},
}

func checkOutcome(t *testing.T, q Question, res engine.Result) {
	t.Helper()
	says := func(c string) engine.Reason {
		switch {
		case strings.HasPrefix(c, "It connects"), strings.HasPrefix(c, "It gets an answer"), strings.HasPrefix(c, "The ping is answered"):
			return engine.Allowed
		case strings.HasPrefix(c, "It is refused"):
			return engine.NoListener
		case strings.Contains(c, "no inbound rule"):
			return engine.InboundBlocked
		case strings.Contains(c, "no outbound rule"):
			return engine.OutboundBlocked
		case strings.Contains(c, "has no address"):
			return engine.Unreachable
		case strings.Contains(c, "network ACL") && strings.Contains(c, "on the way in"):
			return engine.ACLInboundBlocked
		case strings.Contains(c, "network ACL") && strings.Contains(c, "drops the reply"):
			return engine.ACLReplyBlocked
		}
		return 0
	}
	for k, c := range q.Choices {
		if right := k == q.Correct[0]; right != (says(c) == res.Reason) {
			t.Errorf("%s: the engine says %s; choice %q (right: %v) says %s", q.ID, res.Reason, c, right, says(c))
		}
	}
}

func checkRule(t *testing.T, q Question) {
	t.Helper()
	s := q.Scenario
	if len(s.Rules) != len(q.Choices) {
		t.Fatalf("%s: %d choices for %d rules", q.ID, len(q.Choices), len(s.Rules))
	}
	ref := refEvaluate(t, s.World, s.Conn)
	if ref.outcome == engine.Timeout {
		t.Errorf("%s: asks which rule lets it in, but the reference evaluator says it times out", q.ID)
	}
	for k, rule := range s.Rules {
		if slices.Contains(ref.inbound, rule) != (k == q.Correct[0]) {
			t.Errorf("%s: choice %s (%s) matches per the reference evaluator: %v", q.ID, ChoiceLabel(k), q.Choices[k], slices.Contains(ref.inbound, rule))
		}
	}
	if len(ref.inbound) != 1 {
		t.Errorf("%s: %d inbound rules match per the reference evaluator; the question needs exactly one", q.ID, len(ref.inbound))
	}
}

func checkFix(t *testing.T, q Question) {
	t.Helper()
	s := q.Scenario
	if len(s.Fixes) != len(q.Choices) {
		t.Fatalf("%s: %d choices for %d fixes", q.ID, len(q.Choices), len(s.Fixes))
	}
	if ref := refEvaluate(t, s.World, s.Conn); ref.outcome != engine.Timeout {
		t.Errorf("%s: asks for a fix, but the reference evaluator says %v already", q.ID, ref.outcome)
	}
	before := engine.Marshal(s.World)
	key := s.Fixes[q.Correct[0]]
	if p := key.Rule.Peer; key.ACL == "" && !p.IsGroup() && p.CIDR.Bits() == 0 && slices.Contains(sensitivePorts, key.Rule.Ports.Lo) {
		t.Errorf("%s: the keyed fix opens port %d to everyone", q.ID, key.Rule.Ports.Lo)
	}
	for k, f := range s.Fixes {
		fixed, err := f.Apply(s.World)
		if err != nil {
			t.Fatalf("%s: choice %s cannot be applied: %v", q.ID, ChoiceLabel(k), err)
		}
		refOK := refEvaluate(t, fixed, s.Conn).outcome == engine.Connected
		engineOK := engine.Evaluate(fixed, s.Conn).Outcome == engine.Connected
		if refOK != engineOK {
			t.Errorf("%s: with choice %s the reference connects: %v, the engine: %v", q.ID, ChoiceLabel(k), refOK, engineOK)
		}
		if k == q.Correct[0] {
			if !engineOK {
				t.Errorf("%s: the keyed fix %q does not connect", q.ID, q.Choices[k])
			}
			continue
		}
		// A choice that works too must be strictly wider than the key: the
		// key is the narrowest rule that works.
		wide, narrow := f.Rule, key.Rule
		if key.ACL != "" {
			wide, narrow = entryRule(f.Entry), entryRule(key.Entry)
		}
		if engineOK && !(f.Group == key.Group && f.ACL == key.ACL && f.Direction == key.Direction && covers(s.World, wide, narrow) && !covers(s.World, narrow, wide)) {
			t.Errorf("%s: choice %s (%q) works and is not wider than the keyed fix %q", q.ID, ChoiceLabel(k), q.Choices[k], q.Choices[q.Correct[0]])
		}
	}
	if !bytes.Equal(before, engine.Marshal(s.World)) {
		t.Errorf("%s: applying a fix changed the question's world", q.ID)
	}
}

// covers reports whether rule wide allows everything rule narrow does: all
// of its traffic, from (or to) all of its peers. A group's peers are its
// members' private addresses. It reads the rules' fields, as a second
// opinion beside the engine's answers.
func covers(w *engine.World, wide, narrow engine.Rule) bool {
	switch {
	case wide.Protocol == engine.ProtoAll:
	case wide.Protocol != narrow.Protocol:
		return false
	case wide.Protocol.IsICMP():
		if wide.Ports != engine.AnyICMP && wide.Ports != narrow.Ports {
			return false
		}
	case wide.Protocol.HasPorts():
		if wide.Ports.Lo > narrow.Ports.Lo || wide.Ports.Hi < narrow.Ports.Hi {
			return false
		}
	}
	if narrow.Peer.IsGroup() {
		if wide.Peer.IsGroup() {
			return wide.Peer.Group == narrow.Peer.Group
		}
		for _, i := range w.InstancesWith(narrow.Peer.Group) {
			if !wide.Peer.CIDR.Contains(i.PrivateIP) {
				return false
			}
		}
		return true
	}
	return !wide.Peer.IsGroup() && wide.Peer.CIDR.Bits() <= narrow.Peer.CIDR.Bits() && wide.Peer.CIDR.Contains(narrow.Peer.CIDR.Addr())
}

// TestScenarioShares measures, over 1,000 seeds as a deck draws them (each
// kind in turn), how often each cause, kind of traffic and position of the
// right answer comes up, and holds them to bounds: outbound rules at least
// a tenth of the questions, every cause and every traffic common enough to
// be met in a session, the right answer's position near uniform, and its
// length no tell.
func TestScenarioShares(t *testing.T) {
	const n = 1000
	causes, traffics, positions := map[Cause]int{}, map[Traffic]int{}, map[int]int{}
	choices4, longest := 0, 0
	for seed := range uint64(n) {
		kind := ScenarioKinds[seed%uint64(len(ScenarioKinds))]
		q, err := Generate(kind, DefaultLevel, derive(7, seed))
		if err != nil {
			t.Fatal(err)
		}
		causes[q.Scenario.Cause]++
		traffics[q.Scenario.Traffic]++
		if len(q.Choices) == 4 {
			choices4++
			positions[q.Correct[0]]++
		}
		if isLongest(q.Choices, q.Correct[0]) {
			longest++
		}
	}
	share := func(k int) float64 { return float64(k) / n }
	report := func(name string, m map[string]int) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s %.1f%%", k, 100*share(m[k])))
		}
		t.Logf("%s over %d seeds: %s", name, n, strings.Join(parts, ", "))
	}
	cm, tm := map[string]int{}, map[string]int{}
	for k, v := range causes {
		cm[string(k)] = v
	}
	for k, v := range traffics {
		tm[string(k)] = v
	}
	report("causes", cm)
	report("traffic", tm)
	if s := share(causes[CauseOutbound]); s < 0.10 {
		t.Errorf("outbound rules are the cause of %.1f%% of questions, fewer than 10%%", 100*s)
	}
	for _, c := range Causes {
		if s := share(causes[c]); s < 0.04 {
			t.Errorf("%s is the cause of %.1f%% of questions, fewer than 4%%", c, 100*s)
		}
	}
	for _, tr := range Traffics {
		if s := share(traffics[tr]); s < 0.06 {
			t.Errorf("%s is the traffic of %.1f%% of questions, fewer than 6%%", tr, 100*s)
		}
	}
	if s := share(traffics[TrafficIPv6] + traffics[TrafficICMPv6]); s < 0.15 {
		t.Errorf("IPv6 traffic is %.1f%% of questions, fewer than 15%%", 100*s)
	}
	pm := map[string]int{}
	for pos := range 4 {
		pm[ChoiceLabel(pos)] = positions[pos]
		if s := float64(positions[pos]) / float64(choices4); s < 0.18 || s > 0.32 {
			t.Errorf("the right answer is choice %s in %.1f%% of four-choice questions", ChoiceLabel(pos), 100*s)
		}
	}
	t.Logf("the right answer's position over %d four-choice questions: A %d, B %d, C %d, D %d", choices4, pm["A"], pm["B"], pm["C"], pm["D"])
	t.Logf("the right answer is the longest choice in %.1f%% of questions", 100*share(longest))
	if s := share(longest); s > 0.35 {
		t.Errorf("the right answer is the longest choice in %.1f%% of questions, more than 35%%", 100*s)
	}
}

// TestLevelsGrowTheWorld: a higher level builds a bigger world, with more
// rules to read.
func TestLevelsGrowTheWorld(t *testing.T) {
	prev := 0.0
	for level := MinLevel; level <= MaxLevel; level++ {
		machines, rules := 0, 0
		for seed := range uint64(200) {
			q, err := Generate(AskOutcome, level, seed)
			if err != nil {
				t.Fatal(err)
			}
			machines += len(q.Scenario.World.Instances)
			for _, g := range q.Scenario.World.Groups {
				rules += len(g.Inbound)
			}
		}
		size := float64(machines+rules) / 200
		t.Logf("level %d: %.1f instances and %.1f inbound rules on average", level, float64(machines)/200, float64(rules)/200)
		if size <= prev {
			t.Errorf("level %d is no bigger than level %d", level, level-1)
		}
		prev = size
	}
	for streak, want := range []int{1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4} {
		if got := LevelFor(streak); got != want {
			t.Errorf("LevelFor(%d) = %d, want %d", streak, got, want)
		}
	}
}

// TestNamesMatchRoles: every instance is named after its role and carries
// its role's group, so db-1 is the database and has db-sg.
func TestNamesMatchRoles(t *testing.T) {
	for _, q := range generated(t)[:600] {
		for _, i := range q.Scenario.World.Instances {
			role, _, _ := strings.Cut(i.ID, "-")
			if i.Groups[0] != "sg-"+role {
				t.Fatalf("%s: %s carries %v, not %s's group", q.ID, i.ID, i.Groups, role)
			}
		}
	}
}

// TestGenerateIsDeterministic: the same kind, level and seed give the same
// question, world and all, so review can rebuild it from its id.
func TestGenerateIsDeterministic(t *testing.T) {
	for _, kind := range ScenarioKinds {
		for _, seed := range []uint64{0, 7, 1 << 40, ^uint64(0)} {
			a, errA := Generate(kind, 3, seed)
			b, errB := Generate(kind, 3, seed)
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
	a, _ := Generate(AskOutcome, 2, 1)
	b, _ := Generate(AskOutcome, 2, 2)
	if sameQuestion(a, b) {
		t.Error("seeds 1 and 2 give the same question")
	}
}

func sameQuestion(a, b Question) bool {
	return a.ID == b.ID && a.Prompt == b.Prompt && slices.Equal(a.Choices, b.Choices) && slices.Equal(a.Why, b.Why) &&
		slices.Equal(a.Correct, b.Correct) && a.Explanation == b.Explanation && a.Doc == b.Doc &&
		slices.Equal(exhibitLines(a), exhibitLines(b))
}

func exhibitLines(q Question) []string {
	if q.Exhibit == nil {
		return nil
	}
	return q.Exhibit.Lines()
}

func TestGenerateRejectsUnknownKindAndLevel(t *testing.T) {
	if _, err := Generate("maybe", 2, 1); err == nil {
		t.Error("Generate accepted kind maybe")
	}
	if _, err := Generate(AskOutcome, 9, 1); err == nil {
		t.Error("Generate accepted level 9")
	}
	for _, id := range []string{"scn1-outcome-1", "scn2-outcome-1", "scn2-maybe-2-1", "scn2-outcome-9-1", "scn2-outcome-2-x", "no-such-question"} {
		if _, ok := Lookup(id); ok {
			t.Errorf("Lookup(%q) found a question", id)
		}
	}
}
