package quiz

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/sglab/sglab/engine"
)

// ScenarioKind is the question a generated scenario asks.
type ScenarioKind string

// The scenario questions.
const (
	AskOutcome ScenarioKind = "outcome" // what happens when X connects to Y, and why?
	AskRule    ScenarioKind = "rule"    // which rule lets it in?
	AskFix     ScenarioKind = "fix"     // which one rule, the narrowest, makes it work?
)

// ScenarioKinds lists the scenario questions.
var ScenarioKinds = []ScenarioKind{AskOutcome, AskRule, AskFix}

// Cause is what a scenario question turns on: why the connection ends
// the way it does.
type Cause string

// The causes.
const (
	CauseAllowed     Cause = "allowed"          // a rule lets it in and something listens
	CauseNoListener  Cause = "no-listener"      // let in, nothing listens: refused
	CauseInbound     Cause = "inbound-blocked"  // no inbound rule of the destination allows it
	CauseOutbound    Cause = "outbound-blocked" // no outbound rule of the source lets it out
	CauseUnreachable Cause = "unreachable"      // no address to reach (no public IP, no IPv6)
	CausePublicRef   Cause = "public-ip-reference"
	CauseStateful    Cause = "stateful-reply" // it works though the other side has no outbound rule
	// CauseACLInbound: the destination subnet's network ACL does not let
	// the request in; CauseACLReply: the server answers, and the ACL drops
	// the reply to the client's ephemeral port (acl.go).
	CauseACLInbound Cause = "acl-inbound-blocked"
	CauseACLReply   Cause = "acl-reply-blocked"
)

// Causes lists the causes.
var Causes = []Cause{CauseAllowed, CauseNoListener, CauseInbound, CauseOutbound, CauseUnreachable, CausePublicRef, CauseStateful, CauseACLInbound, CauseACLReply}

// Traffic is the kind of connection a question is about.
type Traffic string

// The kinds of traffic.
const (
	TrafficTCP    Traffic = "tcp"
	TrafficUDP    Traffic = "udp"
	TrafficICMP   Traffic = "icmp"
	TrafficICMPv6 Traffic = "icmpv6"
	TrafficIPv6   Traffic = "tcp-over-ipv6" // tcp from, or to, an IPv6 address
)

// Traffics lists the kinds of traffic.
var Traffics = []Traffic{TrafficTCP, TrafficUDP, TrafficICMP, TrafficICMPv6, TrafficIPv6}

// The levels of difficulty: the size of the world, how many rules its
// groups collect, and how many causes hide in it.
const (
	MinLevel     = 1
	MaxLevel     = 4
	DefaultLevel = 2
)

// LevelFor is the level of the next scenario question for a learner who
// has answered streak questions right in a row: one level up every three.
func LevelFor(streak int) int { return min(MinLevel+streak/3, MaxLevel) }

// Scenario is what a generated question is about, so that its answer can
// be re-checked by anyone: the world, the connection asked about, what
// the question turns on, and what each choice stands for.
type Scenario struct {
	Kind    ScenarioKind
	Cause   Cause
	Traffic Traffic
	Level   int
	World   *engine.World
	Conn    engine.Connection
	// Rules[k] is the rule choice k names (AskRule).
	Rules []engine.RuleRef
	// Fixes[k] is the rule choice k proposes to add (AskFix).
	Fixes []Fix
}

// Fix is a rule to add to a group, or, when ACL is set, an entry to add
// to that network ACL.
type Fix struct {
	Group     string
	Direction engine.Direction
	Rule      engine.Rule
	ACL       string
	Entry     engine.ACLEntry
}

// Apply returns a copy of w with the fix's rule (or entry) added; w is not
// changed.
func (f Fix) Apply(w *engine.World) (*engine.World, error) {
	c := w.Clone()
	var err error
	if f.ACL != "" {
		err = c.AddACLEntry(f.ACL, f.Direction, f.Entry)
	} else {
		err = c.AddRule(f.Group, f.Direction, f.Rule)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// generatorVersion starts every generated id. Review rebuilds a missed
// question from its id; a generator that builds different worlds from the
// same seed must get a new version, so that old ids stop matching instead
// of bringing back a different question.
const generatorVersion = "scn3"

func scenarioID(kind ScenarioKind, level int, seed uint64) string {
	return fmt.Sprintf("%s-%s-%d-%d", generatorVersion, kind, level, seed)
}

func parseScenarioID(id string) (ScenarioKind, int, uint64, bool) {
	parts := strings.Split(id, "-")
	if len(parts) != 4 || parts[0] != generatorVersion || !slices.Contains(ScenarioKinds, ScenarioKind(parts[1])) {
		return "", 0, 0, false
	}
	level, err1 := strconv.Atoi(parts[2])
	seed, err2 := strconv.ParseUint(parts[3], 10, 64)
	return ScenarioKind(parts[1]), level, seed, err1 == nil && err2 == nil && level >= MinLevel && level <= MaxLevel
}

// maxWorlds bounds the worlds tried for one question. Most questions find
// their connection in the first world; the tests show every seed they try
// finds one.
const maxWorlds = 60

// causeWeights are how often each kind of question turns on each cause:
// outbound rules and unreachable instances as often as missing inbound
// rules, so that a learner does not learn that every timeout is inbound.
var causeWeights = map[ScenarioKind]map[Cause]int{
	AskOutcome: {CauseAllowed: 10, CauseNoListener: 13, CauseInbound: 12, CauseOutbound: 16, CauseUnreachable: 20, CausePublicRef: 13, CauseStateful: 12,
		CauseACLInbound: 19, CauseACLReply: 21},
	AskRule: {CauseAllowed: 60, CauseNoListener: 20, CauseStateful: 20},
	AskFix:  {CauseInbound: 37, CauseOutbound: 30, CausePublicRef: 23, CauseACLReply: 16},
}

// trafficWeights are how often each kind of traffic is drawn.
var trafficWeights = map[Traffic]int{TrafficTCP: 43, TrafficUDP: 15, TrafficICMP: 14, TrafficICMPv6: 12, TrafficIPv6: 16}

// fits reports whether a cause can happen with traffic t: a ping is never
// refused, and a group reference over a public IP is an IPv4 story.
func fits(c Cause, t Traffic) bool {
	switch c {
	case CauseNoListener:
		return t != TrafficICMP && t != TrafficICMPv6
	case CausePublicRef:
		return t == TrafficTCP || t == TrafficUDP || t == TrafficICMP
	}
	return true
}

// draw picks a key of weights, in a fixed order, with probability
// proportional to its weight.
func draw[K ~string](r *rng, order []K, weights map[K]int) K {
	total := 0
	for _, k := range order {
		total += weights[k]
	}
	n := r.intn(total)
	for _, k := range order {
		if n < weights[k] {
			return k
		}
		n -= weights[k]
	}
	return order[len(order)-1]
}

// Generate builds the question of this kind and level for seed: a small
// world, one connection in it that turns on a cause drawn at random, and
// the question about it, answered by engine.Evaluate. The same kind, level
// and seed always give the same question.
func Generate(kind ScenarioKind, level int, seed uint64) (Question, error) {
	ask := map[ScenarioKind]func(*situation, *rng) (Question, bool){
		AskOutcome: askOutcome, AskRule: askRule, AskFix: askFix,
	}[kind]
	switch {
	case ask == nil:
		return Question{}, fmt.Errorf("a scenario question is outcome, rule or fix, not %q", kind)
	case level < MinLevel || level > MaxLevel:
		return Question{}, fmt.Errorf("the level is %d to %d, not %d", MinLevel, MaxLevel, level)
	}
	r := newRNG(seed)
	for range maxWorlds {
		cause := draw(r, Causes, causeWeights[kind])
		traffic := draw(r, Traffics, trafficWeights)
		if !fits(cause, traffic) {
			continue
		}
		p := planWorld(r, level, traffic, isACL(cause))
		sit, ok := stage(buildWorld(r, p, traffic), r, cause, traffic)
		if !ok {
			continue
		}
		sit.level = level
		q, ok := ask(sit, r)
		if !ok {
			continue
		}
		q.ID, q.Topic = scenarioID(kind, level, seed), Scenarios
		if q.Kind == "" {
			q.Kind = Single
		}
		q.Exhibit = NewExhibit(sit.w)
		q.Scenario.Kind, q.Scenario.Cause, q.Scenario.Traffic, q.Scenario.Level = kind, cause, traffic, level
		q.Scenario.World, q.Scenario.Conn = sit.w, sit.conn
		if q.Doc == "" {
			q.Doc = docFor(cause)
		}
		return q, nil
	}
	return Question{}, fmt.Errorf("no %s question found for level %d and seed %d", kind, level, seed)
}

// situation is one connection in one world, evaluated, and what the
// question turns on.
type situation struct {
	w       *engine.World
	conn    engine.Connection
	res     engine.Result
	cause   Cause
	traffic Traffic
	level   int
}

// candidate is a connection a question may ask about.
type candidate struct {
	conn    engine.Connection
	res     engine.Result
	traffic Traffic
}

// candidates lists the connections of w a question may ask about: from
// every host and instance to every other instance, by name and, from an
// instance, at its public IP; on every service the destination runs, and
// with a ping of each family; and from every instance to every host that
// runs a service. The flows a site really has (visitors to the front,
// each tier to the next, the admin to the bastion) come first.
func candidates(w *engine.World) []candidate {
	var froms []string
	for _, h := range w.Hosts {
		froms = append(froms, h.ID)
	}
	for _, i := range w.Instances {
		froms = append(froms, i.ID)
	}
	var out []candidate
	add := func(src engine.Endpoint, c engine.Connection) {
		if t, ok := trafficOf(src, c); ok {
			out = append(out, candidate{conn: c, res: engine.Evaluate(w, c), traffic: t})
		}
	}
	for _, from := range froms {
		src, _ := w.Endpoint(from)
		for _, dst := range w.Instances {
			if src.Instance == dst {
				continue
			}
			tos := []string{dst.ID}
			if src.Instance != nil && dst.PublicIP.IsValid() {
				tos = append(tos, dst.PublicIP.String())
			}
			kinds := []engine.Connection{{Protocol: engine.ProtoICMP}, {Protocol: engine.ProtoICMPv6}}
			for _, s := range dst.Listening {
				kinds = append(kinds, engine.Connection{Protocol: s.Protocol, Port: s.Port})
			}
			for _, to := range tos {
				for _, c := range kinds {
					c.From, c.To = from, to
					add(src, c)
				}
			}
		}
		if src.Instance == nil {
			continue
		}
		for _, h := range w.Hosts {
			for _, s := range h.Listening {
				add(src, engine.Connection{From: from, To: h.ID, Protocol: s.Protocol, Port: s.Port})
			}
		}
	}
	return out
}

// roleOf is the role an instance or host plays, from its name: "db" for
// db-1, "laptop" for the laptop.
func roleOf(e engine.Endpoint) string {
	name, _, _ := strings.Cut(e.Label(), "-")
	return name
}

// plausible reports whether a site really has this flow: visitors to the
// load balancer or the web tier, each tier to the next, every instance to
// DNS and to the update server, the admin's laptop to the bastion, the
// monitor pinging the front.
func plausible(c candidate) bool {
	from, to := roleOf(c.res.From), roleOf(c.res.To)
	switch from {
	case "visitor", "stranger":
		return to == "lb" || to == "web"
	case "laptop":
		return true // the administrator's, which calls everything
	case "monitor":
		return c.conn.Protocol.IsICMP()
	case "lb":
		return to == "web"
	case "web":
		return to == "app" || to == "db" || to == "dns" || to == "updates"
	case "app":
		return to == "db" || to == "cache" || to == "dns" || to == "updates"
	case "bastion":
		return c.conn.Port == 22
	}
	return to == "dns" || to == "updates"
}

// trafficOf classifies a connection: false for one that makes no sense,
// such as an IPv6 ping from a source without IPv6.
func trafficOf(src engine.Endpoint, c engine.Connection) (Traffic, bool) {
	v6 := src.Host != nil && src.Host.IP.Is6()
	has6 := v6 || src.Instance != nil && src.Instance.IPv6.IsValid()
	switch c.Protocol {
	case engine.ProtoICMP:
		return TrafficICMP, !v6
	case engine.ProtoICMPv6:
		return TrafficICMPv6, has6
	case engine.ProtoUDP:
		return TrafficUDP, !v6
	}
	if v6 {
		return TrafficIPv6, true
	}
	return TrafficTCP, true
}

// stage finds a connection of traffic t in w that turns on cause, making
// the one change to w the cause needs (a rule removed, a service stopped,
// an outbound list narrowed), and checks with the engine that it does.
func stage(w *engine.World, r *rng, cause Cause, t Traffic) (*situation, bool) {
	var pool []candidate
	for _, c := range candidates(w) {
		if c.traffic == t {
			pool = append(pool, c)
		}
	}
	shuffle(r, pool)
	// The flows a site really has first; the others when none of them
	// fits the cause.
	slices.SortStableFunc(pool, func(a, b candidate) int { return boolInt(plausible(b)) - boolInt(plausible(a)) })
	for _, c := range pool {
		if sit, ok := stageOne(w, r, cause, c); ok {
			sit.traffic = t
			return sit, true
		}
	}
	return nil, false
}

func stageOne(w *engine.World, r *rng, cause Cause, c candidate) (*situation, bool) {
	allowed := c.res.Reason == engine.Allowed
	dst := c.res.To.Instance
	src := c.res.From.Instance
	switch cause {
	case CauseAllowed:
		if !allowed {
			return nil, false
		}
	case CauseNoListener:
		if !allowed || dst == nil || !c.conn.Protocol.HasPorts() {
			return nil, false
		}
		w = w.Clone()
		must(w.StopService(dst.ID, engine.Service{Protocol: c.conn.Protocol, Port: c.conn.Port}))
	case CauseInbound:
		switch {
		case c.res.Reason == engine.InboundBlocked && !referenceOverPublicIP(w, c.res) && r.chance(50):
			// Blocked as the world is: someone the rules do not name.
		case allowed && dst != nil:
			w = removeMatched(w, c.conn, engine.Inbound)
		default:
			return nil, false
		}
	case CauseOutbound:
		switch {
		case src == nil:
			return nil, false
		case c.res.Reason == engine.OutboundBlocked:
		case allowed:
			w = narrowOutbound(w, src, c.conn)
		default:
			return nil, false
		}
	case CauseUnreachable:
		if c.res.Reason != engine.Unreachable || dst == nil || (c.conn.Protocol.HasPorts() && !c.res.To.Listens(c.conn.Protocol, c.conn.Port)) {
			return nil, false
		}
		// Give the source a rule of its own, so that the only thing that
		// stops it is the missing address.
		if h := c.res.From.Host; h != nil {
			w = w.Clone()
			rule := engine.Rule{Protocol: c.conn.Protocol, Ports: engine.PortRange{Lo: c.conn.Port, Hi: c.conn.Port},
				Peer: engine.CIDRPeer(netip.PrefixFrom(h.IP, h.IP.BitLen())), Description: "for " + h.Label()}
			if rule.Protocol.IsICMP() {
				rule.Ports = engine.AnyICMP
			}
			if w.AddRule(dst.Groups[0], engine.Inbound, rule) != nil {
				return nil, false
			}
		}
	case CausePublicRef:
		if !allowed || src == nil || !c.res.Private || !matchedByReference(w, c.conn) {
			return nil, false
		}
		w = withPublicIP(withPublicIP(w, src.ID), dst.ID)
		c.conn.To = w.Instance(dst.ID).PublicIP.String()
	case CauseACLInbound, CauseACLReply:
		var ok bool
		if w, ok = stageACL(w, r, cause, c); !ok {
			return nil, false
		}
	case CauseStateful:
		if !allowed || dst == nil || (src != nil && shareGroup(src, dst)) || !hasOutbound(w, dst) {
			return nil, false
		}
		w = w.Clone()
		for _, g := range w.GroupsOf(w.Instance(dst.ID)) {
			clearRules(w, g.ID, engine.Outbound)
		}
	}
	res := engine.Evaluate(w, c.conn)
	if !causeOf(w, res, cause) {
		return nil, false
	}
	return &situation{w: w, conn: c.conn, res: res, cause: cause}, true
}

// causeOf reports whether the engine's answer is the one cause stands for.
func causeOf(w *engine.World, res engine.Result, cause Cause) bool {
	switch cause {
	case CauseAllowed, CauseStateful:
		return res.Reason == engine.Allowed
	case CauseNoListener:
		return res.Reason == engine.NoListener
	case CauseInbound:
		return res.Reason == engine.InboundBlocked && !referenceOverPublicIP(w, res)
	case CauseOutbound:
		return res.Reason == engine.OutboundBlocked
	case CauseUnreachable:
		return res.Reason == engine.Unreachable
	case CausePublicRef:
		return res.Reason == engine.InboundBlocked && referenceOverPublicIP(w, res)
	case CauseACLInbound:
		return res.Reason == engine.ACLInboundBlocked
	case CauseACLReply:
		return res.Reason == engine.ACLReplyBlocked
	}
	return false
}

// removeMatched returns a copy of w without the rules of direction d that
// let c through, as the engine names them.
func removeMatched(w *engine.World, c engine.Connection, d engine.Direction) *engine.World {
	w = w.Clone()
	refs := slices.DeleteFunc(engine.Trace(w, c).Matched(), func(m engine.RuleRef) bool { return m.Direction != d })
	// Last first, so that the indices of the others stay put.
	slices.SortFunc(refs, func(a, b engine.RuleRef) int { return b.Index - a.Index })
	for _, ref := range refs {
		must(w.RemoveRule(ref.Group, d, ref.Index))
	}
	return w
}

// narrowOutbound returns a copy of w in which the groups of src let out
// only one kind of traffic, another than c's: HTTPS to anywhere, or DNS
// to the VPC when c is HTTPS itself.
func narrowOutbound(w *engine.World, src *engine.Instance, c engine.Connection) *engine.World {
	w = w.Clone()
	keep := engine.Rule{Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: 443, Hi: 443}, Peer: engine.CIDRPeer(anyIPv4), Description: "HTTPS out"}
	if c.Protocol == engine.ProtoTCP && c.Port == 443 {
		keep = engine.Rule{Protocol: engine.ProtoUDP, Ports: engine.PortRange{Lo: 53, Hi: 53}, Peer: engine.CIDRPeer(vpcCIDR), Description: "DNS out"}
	}
	for _, g := range w.GroupsOf(w.Instance(src.ID)) {
		clearRules(w, g.ID, engine.Outbound)
	}
	must(w.AddRule(src.Groups[0], engine.Outbound, keep))
	return w
}

// clearRules removes every rule of a group's direction d.
func clearRules(w *engine.World, group string, d engine.Direction) {
	for len(w.Group(group).Rules(d)) > 0 {
		must(w.RemoveRule(group, d, 0))
	}
}

// matchedByReference reports whether a rule that lets c in names a group.
func matchedByReference(w *engine.World, c engine.Connection) bool {
	ref, ok := engine.Evaluate(w, c).FirstMatch(engine.Inbound)
	return ok && w.Rule(ref).Peer.IsGroup()
}

// referenceOverPublicIP reports the classic surprise: the connection went
// over a public IP and was dropped inbound, though on the private path a
// group reference of the destination lets the same source in.
func referenceOverPublicIP(w *engine.World, res engine.Result) bool {
	_, ok := privateMatch(w, res)
	return ok
}

// privateMatch is the group-reference rule that would let a connection
// made over a public IP in, had it taken the private path.
func privateMatch(w *engine.World, res engine.Result) (engine.RuleRef, bool) {
	src, dst := res.From.Instance, res.To.Instance
	if res.Private || res.Reason != engine.InboundBlocked || src == nil || dst == nil || src.VPC != dst.VPC {
		return engine.RuleRef{}, false
	}
	private := res.Conn
	private.To = dst.ID
	in := engine.Evaluate(w, private)
	ref, ok := in.FirstMatch(engine.Inbound)
	if !ok || (in.Reason != engine.Allowed && in.Reason != engine.NoListener) || !w.Rule(ref).Peer.IsGroup() {
		return engine.RuleRef{}, false
	}
	return ref, true
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func shareGroup(a, b *engine.Instance) bool {
	return slices.ContainsFunc(a.Groups, func(g string) bool { return slices.Contains(b.Groups, g) })
}

func hasOutbound(w *engine.World, i *engine.Instance) bool {
	return slices.ContainsFunc(w.GroupsOf(i), func(g *engine.Group) bool { return len(g.Outbound) > 0 })
}
