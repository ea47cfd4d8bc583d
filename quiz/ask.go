package quiz

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/internal/console"
)

// The three scenario questions. Each is built from a situation the
// engine has evaluated; every choice's explanation is the engine's answer
// to that choice, and rules are named by their content, as the console
// shows them, never by a position in a list.

// What a question's choices say and why, before they are shuffled.
type option struct {
	text, why string
	right     bool
}

// finish puts the options in an order drawn from r and fills in the
// question's choices, explanations and right answer.
func finish(q *Question, r *rng, opts []option) {
	shuffle(r, opts)
	for k, o := range opts {
		q.Choices = append(q.Choices, o.text)
		q.Why = append(q.Why, o.why)
		if o.right {
			q.Correct = append(q.Correct, k)
		}
	}
}

// verdict is one answer to "what happens?".
type verdict int

const (
	vConnected verdict = iota
	vRefused
	vInbound
	vOutbound
	vUnreachable
	vReply    // the misconception: the reply needs an outbound rule in a security group
	vACLIn    // the destination subnet's network ACL drops the request
	vACLReply // the destination subnet's network ACL drops the reply
)

// askOutcome asks what happens to a connection, and why. The choices are
// what can happen to it, each with its reason; the right one is the
// engine's.
func askOutcome(s *situation, r *rng) (Question, bool) {
	res := s.res
	right := map[engine.Reason]verdict{engine.Allowed: vConnected, engine.NoListener: vRefused, engine.InboundBlocked: vInbound,
		engine.OutboundBlocked: vOutbound, engine.Unreachable: vUnreachable, engine.ACLInboundBlocked: vACLIn,
		engine.ACLReplyBlocked: vACLReply}[res.Reason]
	// The other answers, the likeliest mistake for this cause first.
	others := map[Cause][]verdict{
		CauseAllowed:     {vRefused, vInbound, vReply, vOutbound, vUnreachable},
		CauseNoListener:  {vConnected, vInbound, vUnreachable, vOutbound},
		CauseInbound:     {vRefused, vConnected, vOutbound, vUnreachable},
		CauseOutbound:    {vInbound, vConnected, vRefused, vReply},
		CauseUnreachable: {vInbound, vConnected, vRefused, vOutbound},
		CausePublicRef:   {vConnected, vOutbound, vRefused, vUnreachable},
		CauseStateful:    {vReply, vInbound, vRefused, vOutbound},
		CauseACLInbound:  {vInbound, vACLReply, vRefused, vConnected},
		CauseACLReply:    {vReply, vConnected, vACLIn, vInbound, vRefused},
	}[s.cause]
	ping := s.conn.Protocol.IsICMP()
	opts := []option{{text: verdictText(s, right), why: explain(s.w, res), right: true}}
	for _, v := range others {
		switch {
		case len(opts) == 4:
		case v == vRefused && ping, v == vOutbound && res.From.Instance == nil, v == vReply && res.To.Instance == nil,
			(v == vACLIn || v == vACLReply) && subnetOf(s.w, res.To) == nil:
		default:
			opts = append(opts, option{text: verdictText(s, v), why: whyNot(s, v)})
		}
	}
	if len(opts) < 3 {
		return Question{}, false
	}
	q := Question{
		Lesson:      lessonFor(s),
		Prompt:      "What happens when " + action(s) + "?",
		Explanation: explain(s.w, res) + statefulNote(s),
		Scenario:    &Scenario{},
	}
	finish(&q, r, opts)
	return q, true
}

// verdictText is an answer to "what happens?", in words.
func verdictText(s *situation, v verdict) string {
	src, dst := s.res.From.Label(), s.res.To.Label()
	switch v {
	case vConnected:
		switch s.conn.Protocol {
		case engine.ProtoICMP, engine.ProtoICMPv6:
			return "The ping is answered: " + dst + " lets it in."
		case engine.ProtoUDP:
			return "It gets an answer: " + dst + " lets it in, and something listens."
		}
		return "It connects: " + dst + " lets it in, and something listens."
	case vRefused:
		return "It is refused at once: it gets in, but nothing listens on " + s.conn.What() + "."
	case vInbound:
		return "It times out: no inbound rule of " + dst + "'s groups lets it in."
	case vOutbound:
		return "It times out: no outbound rule of " + src + "'s groups lets it out."
	case vUnreachable:
		return "It times out: " + src + " has no address it can reach " + dst + " at."
	case vACLIn:
		return "It times out: the network ACL of " + dst + "'s subnet drops it on the way in."
	case vACLReply:
		return "It times out: " + dst + " answers, but the network ACL of its subnet drops the reply."
	}
	return "It times out: the reply needs an outbound rule in " + dst + "'s security groups, and there is none."
}

// whyNot says why answer v is wrong in this situation.
func whyNot(s *situation, v verdict) string {
	res := s.res
	switch v {
	case vConnected:
		if res.Reason == engine.NoListener {
			return "Nothing on " + res.To.Label() + " listens on " + s.conn.What() + ", so it answers with a refusal."
		}
		if res.Reason == engine.ACLReplyBlocked {
			return "The answer never arrives: " + clause(explain(s.w, res))
		}
		return "No answer ever comes: " + clause(explain(s.w, res))
	case vRefused:
		if res.Outcome == engine.Connected {
			return res.To.Label() + " listens on " + s.conn.What() + ", so it answers."
		}
		return "A refusal is an answer, and none comes: the packet is dropped on the way."
	case vInbound:
		switch res.Reason {
		case engine.OutboundBlocked:
			return "It never gets that far: it is stopped as it leaves " + res.From.Label() + "."
		case engine.Unreachable:
			return "The rules never see it: " + clause(explain(s.w, res))
		case engine.ACLOutboundBlocked, engine.ACLInboundBlocked:
			return "The security groups never see it: " + clause(explain(s.w, res))
		}
		if ref, ok := res.FirstMatch(engine.Inbound); ok {
			return ruleName(s.w, ref) + " lets it in."
		}
		return res.To.Label() + " is outside AWS, with no security group to stop it."
	case vOutbound:
		if res.Reason == engine.Unreachable {
			return "It never leaves: " + clause(explain(s.w, res))
		}
		if ref, ok := res.FirstMatch(engine.Outbound); ok {
			return ruleName(s.w, ref) + " lets it out."
		}
		return res.From.Label() + "'s groups let it out."
	case vUnreachable:
		return res.To.Label() + " can be reached: the packet goes to " + res.DstAddr.String() + "."
	case vACLIn:
		if d, ok := aclDecision(res, engine.Inbound, false); ok {
			return aclRuleName(s.w, d) + " lets it in."
		}
		return "It never gets that far: " + clause(explain(s.w, res))
	case vACLReply:
		if d, ok := aclDecision(res, engine.Outbound, true); ok {
			return aclRuleName(s.w, d) + " lets the reply out."
		}
		return "No reply is ever sent: " + clause(explain(s.w, res))
	}
	return "Security groups are stateful: the reply to a connection they let in always goes back, whatever the outbound rules say."
}

// subnetOf is the subnet of an instance, or nil for a host or an instance
// of a VPC that declares none.
func subnetOf(w *engine.World, e engine.Endpoint) *engine.Subnet {
	if e.Instance == nil {
		return nil
	}
	return w.SubnetOf(e.Instance)
}

// aclDecision is the network ACL decision of the destination's subnet in
// direction d, on the request or on the reply, that let the packet pass.
func aclDecision(res engine.Result, d engine.Direction, reply bool) (engine.ACLDecision, bool) {
	for _, dec := range res.ACLDecisions() {
		if dec.Direction == d && dec.Reply == reply && dec.Allowed {
			return dec, true
		}
	}
	return engine.ACLDecision{}, false
}

// aclRuleName names the entry that decided: "acl-public's inbound rule
// 100 (allow tcp 80 from 0.0.0.0/0)".
func aclRuleName(w *engine.World, d engine.ACLDecision) string {
	a := w.NetworkACL(d.ACL)
	e, ok := a.Entry(d.Direction, d.Rule)
	if !ok {
		return a.Label() + "'s " + d.Direction.String() + " * rule"
	}
	return fmt.Sprintf("%s's %s rule %d (%s)", a.Label(), d.Direction, e.Rule, entryText(e, d.Direction))
}

// statefulNote adds the point of a stateful question to its explanation.
func statefulNote(s *situation) string {
	if s.cause != CauseStateful {
		return ""
	}
	return fmt.Sprintf(" %s's groups have no outbound rule, and the reply goes back all the same: security groups are stateful.", s.res.To.Label())
}

// askRule asks which inbound rule lets a connection in. The other choices
// are the destination's other inbound rules; when it has fewer than three,
// near misses are added to its group first (the same port from someone
// else, the same source on another port, the other protocol), and the
// engine confirms that exactly one rule matches.
func askRule(s *situation, r *rng) (Question, bool) {
	w, res := s.w, s.res
	dst := res.To.Instance
	if dst == nil || s.cause == CausePublicRef {
		return Question{}, false
	}
	w = withNearMisses(w, s.conn, res, r)
	matched := inboundMatches(w, s.conn)
	if len(matched) != 1 {
		return Question{}, false
	}
	var others []engine.RuleRef
	for _, g := range w.GroupsOf(w.Instance(dst.ID)) {
		for k := range g.Inbound {
			if ref := (engine.RuleRef{Group: g.ID, Direction: engine.Inbound, Index: k}); ref != matched[0] {
				others = append(others, ref)
			}
		}
	}
	if len(others) < 2 {
		return Question{}, false
	}
	shuffle(r, others)
	refs := append(others[:min(3, len(others))], matched[0])
	s.w = w
	res = engine.Evaluate(w, s.conn)
	opts := make([]option, len(refs))
	for k, ref := range refs {
		opts[k] = option{text: ruleChoice(w, ref), right: ref == matched[0]}
		if opts[k].right {
			opts[k].why = "It matches: " + explain(w, res)
		} else {
			opts[k].why = ruleMiss(w, s.conn, res, ref)
		}
	}
	shuffle(r, opts)
	q := Question{
		Lesson:      lessonFor(s),
		Explanation: explain(w, res) + statefulNote(s),
		Scenario:    &Scenario{},
	}
	q.Prompt = fmt.Sprintf("When %s, it %s. Which inbound rule lets it in?", action(s), map[bool]string{true: "gets an answer", false: "is refused at once"}[res.Reason == engine.Allowed])
	for k, o := range opts {
		q.Choices, q.Why = append(q.Choices, o.text), append(q.Why, o.why)
		q.Scenario.Rules = append(q.Scenario.Rules, refFor(w, refs, o.text))
		if o.right {
			q.Correct = []int{k}
		}
	}
	return q, true
}

// refFor finds which of refs a choice's text names.
func refFor(w *engine.World, refs []engine.RuleRef, text string) engine.RuleRef {
	for _, ref := range refs {
		if ruleChoice(w, ref) == text {
			return ref
		}
	}
	panic("quiz: a rule choice names no rule")
}

// inboundMatches are the inbound rules that let c in, as the engine finds
// them.
func inboundMatches(w *engine.World, c engine.Connection) []engine.RuleRef {
	return slices.DeleteFunc(engine.Trace(w, c).Matched(), func(m engine.RuleRef) bool { return m.Direction != engine.Inbound })
}

// withNearMisses returns w with rules added to the destination's first
// group until it has four inbound rules, each a near miss of the
// connection that the engine confirms does not match it.
func withNearMisses(w *engine.World, c engine.Connection, res engine.Result, r *rng) *engine.World {
	dst := w.Instance(res.To.Instance.ID)
	count := 0
	for _, g := range w.GroupsOf(dst) {
		count += len(g.Inbound)
	}
	if count >= 4 {
		return w
	}
	w = w.Clone()
	g := dst.Groups[0]
	port := engine.PortRange{Lo: c.Port, Hi: c.Port}
	other := engine.PortRange{Lo: c.Port + 1, Hi: c.Port + 1}
	if c.Port == 0 || c.Port == 65535 {
		other = engine.PortRange{Lo: 8443, Hi: 8443}
	}
	srcPeer := engine.CIDRPeer(netip.PrefixFrom(res.SrcAddr, res.SrcAddr.BitLen()))
	stranger := engine.CIDRPeer(netip.PrefixFrom(hostStranger.IP, 32))
	if res.SrcAddr.Is6() {
		stranger = engine.CIDRPeer(netip.MustParsePrefix("2001:db8:ff::/48"))
	}
	flip := map[engine.Protocol]engine.Protocol{engine.ProtoTCP: engine.ProtoUDP, engine.ProtoUDP: engine.ProtoTCP, engine.ProtoICMP: engine.ProtoTCP, engine.ProtoICMPv6: engine.ProtoTCP}[c.Protocol]
	misses := []engine.Rule{
		{Protocol: c.Protocol, Ports: port, Peer: stranger, Description: "an old partner"},
		{Protocol: flip, Ports: port, Peer: srcPeer, Description: "the other protocol"},
		{Protocol: engine.ProtoTCP, Ports: other, Peer: srcPeer, Description: "a second service"},
	}
	if c.Protocol.IsICMP() {
		misses[0].Ports = engine.AnyICMP
		misses[1].Ports = engine.PortRange{Lo: 7, Hi: 7}
	}
	if !res.SrcAddr.IsValid() {
		return w
	}
	shuffle(r, misses)
	for _, m := range misses {
		if count >= 4 {
			break
		}
		if w.AddRule(g, engine.Inbound, m) == nil {
			count++
		}
	}
	return w
}

// ruleMiss says why a rule does not let the connection in, having the
// engine try the rule's source with the connection's traffic, and the
// rule's traffic from anywhere.
func ruleMiss(w *engine.World, c engine.Connection, res engine.Result, ref engine.RuleRef) string {
	rule := *w.Rule(ref)
	traffic := rule
	traffic.Protocol, traffic.Ports = c.Protocol, engine.PortRange{Lo: c.Port, Hi: c.Port}
	if c.Protocol.IsICMP() {
		traffic.Ports = engine.AnyICMP
	}
	anyone := rule
	anyone.Peer = engine.CIDRPeer(anyIPv4)
	if res.SrcAddr.Is6() {
		anyone.Peer = engine.CIDRPeer(anyIPv6)
	}
	peerOK := alone(w, c, ref, traffic)
	trafficOK := alone(w, c, ref, anyone)
	var parts []string
	if !trafficOK {
		parts = append(parts, "it is for "+ruleTraffic(rule)+", and this is "+c.What())
	}
	if !peerOK {
		switch {
		case rule.Peer.IsGroup() && !res.Private:
			parts = append(parts, "its source is a group, which matches private addresses only, and this comes from "+res.SrcAddr.String())
		case rule.Peer.IsGroup():
			parts = append(parts, "its source is the group "+console.Peer(w, rule.Peer)+", which "+res.From.Label()+" does not have")
		default:
			parts = append(parts, "its source "+rule.Peer.CIDR.String()+" does not hold "+res.SrcAddr.String())
		}
	}
	if len(parts) == 0 {
		return "It does not match this connection."
	}
	return "It does not match: " + strings.Join(parts, "; ") + "."
}

// alone reports whether rule, as the only inbound rule of the
// destination, would let c in: the engine's answer for one rule.
func alone(w *engine.World, c engine.Connection, ref engine.RuleRef, rule engine.Rule) bool {
	t := w.Clone()
	dst, _ := t.Endpoint(c.To)
	for _, g := range t.GroupsOf(dst.Instance) {
		clearRules(t, g.ID, engine.Inbound)
	}
	if t.AddRule(ref.Group, engine.Inbound, rule) != nil {
		return false
	}
	return engine.Evaluate(t, c).Outcome != engine.Timeout
}

// askFix asks which one rule, added, makes a blocked connection work while
// opening the least. The right choice is the narrowest rule that works: a
// group reference on a private path, the source's own /32 (or /128)
// otherwise; never a database, cache or log-in port opened to everyone.
// The others are wider rules that work too, and the classic mistakes
// (the wrong direction, port, protocol or group, a reference over a
// public path), each added to a copy of the world for the engine to say
// what then happens.
func askFix(s *situation, r *rng) (Question, bool) {
	res := s.res
	switch {
	case res.To.Instance == nil && s.cause != CauseOutbound:
		return Question{}, false
	case s.cause == CauseACLReply && !s.conn.Protocol.HasPorts():
		return Question{}, false // an echo reply has no ephemeral port to open
	}
	key, wider, wrong := fixCandidates(s)
	fixed, err := key.Apply(s.w)
	if err != nil {
		return Question{}, false
	}
	if engine.Evaluate(fixed, s.conn).Outcome != engine.Connected {
		return Question{}, false
	}
	var works, fails []option
	var fixes = map[string]Fix{}
	try := func(f Fix) (option, bool) {
		text := fixText(s.w, f)
		if _, dup := fixes[text]; dup {
			return option{}, false
		}
		after, err := f.Apply(s.w)
		if err != nil {
			return option{}, false // AWS would refuse it: not a choice
		}
		fixes[text] = f
		out := engine.Evaluate(after, s.conn)
		return option{text: text, why: fixWhy(s.w, after, out, f, key, len(fixes) == 1)}, out.Outcome == engine.Connected
	}
	k, _ := try(key)
	k.right = true
	for _, f := range wider {
		if o, ok := try(f); ok {
			works = append(works, o)
		}
	}
	for _, f := range wrong {
		if o, ok := try(f); !ok && o.text != "" {
			fails = append(fails, o)
		}
	}
	shuffle(r, works)
	shuffle(r, fails)
	opts := []option{k}
	if len(works) > 0 {
		opts = append(opts, works[0])
	}
	opts = append(opts, fails[:min(4-len(opts), len(fails))]...)
	if len(opts) < 4 {
		return Question{}, false
	}
	q := Question{
		Lesson: fixLesson(s, key),
		Prompt: fmt.Sprintf("When %s, it times out. Which one rule, added, makes it work while opening the least?", action(s)),
		Explanation: "As it is, " + clause(explain(s.w, res)) + " The narrowest fix is to " + lowerFirst(fixText(s.w, key)) + ". With it, " +
			explain(fixed, engine.Evaluate(fixed, s.conn)),
		Scenario: &Scenario{},
	}
	if key.ACL != "" {
		acl := s.w.NetworkACL(key.ACL).Label()
		q.Prompt = fmt.Sprintf("When %s, it times out, though %s answers. Which one entry, added, lets the answers out to every kind of client while opening the least?",
			action(s), res.To.Label())
		q.Explanation = "As it is, " + clause(explain(s.w, res)) + " The client picks the port the answer goes to: many Linux kernels use 32768-61000, " +
			"Windows 49152-65535, NAT gateways and load balancers 1024-65535. So " + acl + " needs an outbound entry that allows " +
			strings.TrimPrefix(entryText(key.Entry, engine.Outbound), "allow ") + ", as AWS suggests. With it, " + explain(fixed, engine.Evaluate(fixed, s.conn))
	}
	shuffle(r, opts)
	for i, o := range opts {
		q.Choices, q.Why = append(q.Choices, o.text), append(q.Why, o.why)
		q.Scenario.Fixes = append(q.Scenario.Fixes, fixes[o.text])
		if o.right {
			q.Correct = []int{i}
		}
	}
	return q, true
}

// fixCandidates are the key, the rules that work but open more, and the
// mistakes, for a situation whose connection times out.
func fixCandidates(s *situation) (key Fix, wider, wrong []Fix) {
	if s.cause == CauseACLReply {
		return aclReplyFixes(s) // acl.go
	}
	res, c := s.res, s.conn
	ports := engine.PortRange{Lo: c.Port, Hi: c.Port}
	if c.Protocol.IsICMP() {
		ports = engine.AnyICMP
	}
	rule := func(p engine.Protocol, pr engine.PortRange, peer engine.Peer) engine.Rule {
		return engine.Rule{Protocol: p, Ports: pr, Peer: peer}
	}
	host := func(a netip.Addr) engine.Peer { return engine.CIDRPeer(netip.PrefixFrom(a, a.BitLen())) }
	widen := func(a netip.Addr) engine.Peer {
		if a.Is6() {
			return engine.CIDRPeer(netip.PrefixFrom(a, 64).Masked())
		}
		return engine.CIDRPeer(netip.PrefixFrom(a, 24).Masked())
	}
	world := func(a netip.Addr) engine.Peer {
		if a.Is6() {
			return engine.CIDRPeer(anyIPv6)
		}
		return engine.CIDRPeer(anyIPv4)
	}
	otherPort := engine.PortRange{Lo: c.Port + 1, Hi: c.Port + 1}
	otherProto := map[engine.Protocol]engine.Protocol{engine.ProtoTCP: engine.ProtoUDP, engine.ProtoUDP: engine.ProtoTCP}[c.Protocol]
	src, dst := res.From.Instance, res.To.Instance

	if s.cause == CauseOutbound {
		g := src.Groups[0]
		peer := host(res.DstAddr)
		if res.Private && dst != nil {
			peer = engine.GroupPeer(dst.Groups[0])
		}
		key = Fix{Group: g, Direction: engine.Outbound, Rule: rule(c.Protocol, ports, peer)}
		wider = []Fix{
			{Group: g, Direction: engine.Outbound, Rule: rule(engine.ProtoAll, engine.PortRange{}, world(res.DstAddr))},
			{Group: g, Direction: engine.Outbound, Rule: rule(c.Protocol, ports, world(res.DstAddr))},
		}
		if dst != nil {
			wrong = append(wrong, Fix{Group: dst.Groups[0], Direction: engine.Inbound, Rule: rule(c.Protocol, ports, host(res.SrcAddr))})
			wrong = append(wrong, Fix{Group: dst.Groups[0], Direction: engine.Outbound, Rule: rule(c.Protocol, ports, host(res.SrcAddr))})
		}
		if c.Protocol.HasPorts() {
			wrong = append(wrong, Fix{Group: g, Direction: engine.Outbound, Rule: rule(c.Protocol, otherPort, peer)},
				Fix{Group: g, Direction: engine.Outbound, Rule: rule(otherProto, ports, peer)})
		}
		return key, wider, wrong
	}

	g := dst.Groups[0]
	peer := host(res.SrcAddr)
	if res.Private && src != nil {
		peer = engine.GroupPeer(src.Groups[0])
	}
	key = Fix{Group: g, Direction: engine.Inbound, Rule: rule(c.Protocol, ports, peer)}
	wider = []Fix{
		{Group: g, Direction: engine.Inbound, Rule: rule(engine.ProtoAll, engine.PortRange{}, peer)},
		{Group: g, Direction: engine.Inbound, Rule: rule(c.Protocol, ports, world(res.SrcAddr))},
	}
	if res.Private {
		wider = append(wider, Fix{Group: g, Direction: engine.Inbound, Rule: rule(c.Protocol, ports, engine.CIDRPeer(vpcCIDR))})
	} else {
		wider = append(wider, Fix{Group: g, Direction: engine.Inbound, Rule: rule(c.Protocol, ports, widen(res.SrcAddr))})
	}
	wrong = []Fix{{Group: g, Direction: engine.Outbound, Rule: rule(c.Protocol, ports, peer)}}
	if c.Protocol.HasPorts() {
		wrong = append(wrong, Fix{Group: g, Direction: engine.Inbound, Rule: rule(c.Protocol, otherPort, peer)},
			Fix{Group: g, Direction: engine.Inbound, Rule: rule(otherProto, ports, peer)})
	}
	if src != nil {
		if res.Private && src.PublicIP.IsValid() {
			wrong = append(wrong, Fix{Group: g, Direction: engine.Inbound, Rule: rule(c.Protocol, ports, host(src.PublicIP))})
		}
		if !res.Private {
			wrong = append(wrong, Fix{Group: g, Direction: engine.Inbound, Rule: rule(c.Protocol, ports, host(src.PrivateIP))})
			for _, sg := range src.Groups {
				wrong = append(wrong, Fix{Group: g, Direction: engine.Inbound, Rule: rule(c.Protocol, ports, engine.GroupPeer(sg))})
			}
		}
	}
	for _, h := range []engine.Host{hostStranger, hostMonitor, hostVisitor} {
		if h.IP != res.SrcAddr && h.IP.Is4() == res.SrcAddr.Is4() {
			wrong = append(wrong, Fix{Group: g, Direction: engine.Inbound, Rule: rule(c.Protocol, ports, host(h.IP))})
			break
		}
	}
	return key, wider, wrong
}

// fixWhy says what adding a fix does: it works and is the narrowest, it
// works but opens more than the key, or what the engine says still
// happens.
func fixWhy(w, after *engine.World, out engine.Result, f, key Fix, isKey bool) string {
	if out.Outcome != engine.Connected {
		return "Still " + outcomeWords(out.Outcome) + ": " + clause(explain(after, out))
	}
	if f.ACL != "" {
		allows := strings.TrimPrefix(entryText(f.Entry, f.Direction), "allow ")
		switch {
		case isKey:
			return "It works, and lets out " + allows + " only: the answers to every kind of client."
		case f.Entry.Protocol == engine.ProtoAll:
			return "It works, but it also lets out every other protocol and port: more than the answers need."
		}
		return "It works, but it also lets out " + allows + ", the ports below 1024 too: more than the answers need."
	}
	if isKey {
		prep := map[engine.Direction]string{engine.Inbound: "from", engine.Outbound: "to"}[f.Direction]
		peer := console.Peer(w, f.Rule.Peer)
		if f.Rule.Peer.IsGroup() {
			peer = "the members of " + w.Group(f.Rule.Peer.Group).Label()
		}
		return "It works, and opens " + ruleTraffic(f.Rule) + " " + prep + " " + peer + " only: the narrowest rule that does."
	}
	return "It works, but it also lets through " + extra(f.Rule, key.Rule) + ": more than this connection needs."
}

// extra says what a wider rule opens beyond the key's.
func extra(wide, key engine.Rule) string {
	var parts []string
	if wide.Protocol == engine.ProtoAll && key.Protocol != engine.ProtoAll {
		parts = append(parts, "every protocol and port")
	}
	switch p := wide.Peer; {
	case p.IsGroup():
	case p.CIDR.Bits() == 0:
		parts = append(parts, "every "+map[bool]string{true: "IPv4", false: "IPv6"}[p.CIDR.Addr().Is4()]+" address on the internet")
	case p.CIDR == vpcCIDR:
		parts = append(parts, "every address of the VPC, "+vpcCIDR.String())
	case key.Peer.IsGroup() || p.CIDR.Bits() < key.Peer.CIDR.Bits():
		parts = append(parts, "the whole range "+p.CIDR.String())
	}
	if len(parts) == 0 {
		return "more"
	}
	return strings.Join(parts, ", from ")
}

// fixLesson is the lesson that teaches a fix's point.
func fixLesson(s *situation, key Fix) string {
	switch {
	case key.ACL != "":
		return "security-groups-and-network-acls"
	case s.cause == CausePublicRef:
		return "references-match-private-addresses"
	case key.Direction == engine.Outbound:
		return "inbound-and-outbound"
	case key.Rule.Peer.IsGroup() && key.Rule.Peer.Group == roleLB.groupID():
		return "behind-a-load-balancer"
	case key.Rule.Peer.IsGroup():
		return "referencing-security-groups"
	case slices.Contains([]int{22, 3389}, key.Rule.Ports.Lo) && key.Rule.Protocol == engine.ProtoTCP:
		return "ssh-from-your-computer-only"
	}
	return "anatomy-of-a-rule"
}

// lessonFor is the lesson that teaches what a situation turns on.
func lessonFor(s *situation) string {
	res := s.res
	switch s.cause {
	case CauseOutbound:
		return "inbound-and-outbound"
	case CauseUnreachable, CauseNoListener:
		return "timeout-versus-refused"
	case CausePublicRef:
		return "references-match-private-addresses"
	case CauseStateful:
		return "stateful"
	case CauseACLInbound, CauseACLReply:
		return "security-groups-and-network-acls"
	case CauseInbound:
		switch {
		case res.SrcAddr.Is6():
			return "anatomy-of-a-rule"
		case res.From.Host != nil && slices.Contains([]int{22, 3389}, s.conn.Port) && s.conn.Protocol == engine.ProtoTCP:
			return "ssh-from-your-computer-only"
		}
		return "timeout-versus-refused"
	}
	if ref, ok := res.FirstMatch(engine.Inbound); ok {
		if p := s.w.Rule(ref).Peer; p.IsGroup() && !p.Self {
			if p.Group == roleLB.groupID() {
				return "behind-a-load-balancer"
			}
			return "referencing-security-groups"
		}
	}
	return "anatomy-of-a-rule"
}

// The AWS pages the questions rest on.
const (
	docRules      = "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"
	docTracking   = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-connection-tracking.html"
	docConnecting = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/TroubleshootingInstancesConnecting.html"
	docNACLRules  = "https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html"
	docEphemeral  = "https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html"
)

func docFor(c Cause) string {
	switch c {
	case CauseACLInbound:
		return docNACLRules
	case CauseACLReply:
		return docEphemeral
	case CauseStateful:
		return docTracking
	case CauseUnreachable:
		return docConnecting
	}
	return docRules
}

// action says what the connection does: "laptop connects to db-1 on TCP
// port 5432 (PostgreSQL)", "monitor pings web-1", "app-1 sends a UDP
// query to dns-1 on port 53 (DNS)".
func action(s *situation) string {
	c, res := s.conn, s.res
	to := target(s.w, c.To)
	src := res.From.Label()
	// Where network ACLs stand, the client's port decides the reply's
	// fate, so the question says it.
	if c.Protocol.HasPorts() && len(s.w.Subnets) > 0 {
		src += fmt.Sprintf(" (from port %d)", res.SourcePort())
	}
	switch c.Protocol {
	case engine.ProtoICMP:
		return src + " pings " + to
	case engine.ProtoICMPv6:
		return src + " pings " + to + " over IPv6"
	case engine.ProtoUDP:
		return src + " sends a UDP packet to " + to + " on port " + portName(c.Port)
	}
	if s.traffic == TrafficIPv6 {
		return src + " connects to " + to + " over IPv6 on TCP port " + portName(c.Port)
	}
	return src + " connects to " + to + " on TCP port " + portName(c.Port)
}

// portName is a port and the service on it: "5432 (PostgreSQL)".
func portName(port int) string {
	if name := engine.ServiceName(port); name != "" {
		return fmt.Sprintf("%d (%s)", port, name)
	}
	return fmt.Sprint(port)
}

// target names a connection's destination in a prompt: "web-1", or
// "web-1's public IP 54.210.0.10".
func target(w *engine.World, to string) string {
	a, err := netip.ParseAddr(to)
	if err != nil {
		return to
	}
	e, _ := w.Endpoint(to)
	return e.Label() + "'s public IP " + a.String()
}

// clause makes a sentence of explain a clause after a colon: "No inbound
// rule..." becomes "no inbound rule...". Names keep their case.
func clause(s string) string {
	for _, w := range []string{"No ", "A ", "The "} {
		if strings.HasPrefix(s, w) {
			return strings.ToLower(w[:1]) + s[1:]
		}
	}
	return s
}

func lowerFirst(s string) string { return strings.ToLower(s[:1]) + s[1:] }

// outcomeWords is an outcome after "Still": "times out", "is refused".
func outcomeWords(o engine.Outcome) string {
	switch o {
	case engine.Timeout:
		return "times out"
	case engine.Refused:
		return "is refused"
	}
	return "connects"
}

// explain says what happened to a connection and why, naming rules by
// their content: "db-sg's inbound rule PostgreSQL, TCP, 5432, source
// app-sg (group) lets tcp/5432 from 10.0.2.10 in, and db-1 listens on
// tcp/5432."
func explain(w *engine.World, res engine.Result) string {
	c := res.Conn
	dst := res.To.Label()
	in := func() string {
		if ref, ok := res.FirstMatch(engine.Inbound); ok {
			return fmt.Sprintf("%s lets %s from %s in", ruleName(w, ref), c.What(), res.SrcAddr)
		}
		return dst + " is outside AWS, with no security group, so it takes " + c.What()
	}
	switch res.Reason {
	case engine.Allowed:
		if c.Protocol.IsICMP() {
			return in() + ", and " + dst + " answers the ping."
		}
		return in() + ", and " + dst + " listens on " + c.What() + "."
	case engine.NoListener:
		return in() + ", but nothing on " + dst + " listens on " + c.What() + ", so it answers at once: connection refused."
	case engine.OutboundBlocked:
		return fmt.Sprintf("No outbound rule of %s allows %s to %s%s.", groupList(w, res.From.Instance), c.What(), res.DstAddr, ruleList(w, res.From.Instance, engine.Outbound))
	case engine.InboundBlocked:
		s := fmt.Sprintf("No inbound rule of %s allows %s from %s.", groupList(w, res.To.Instance), c.What(), res.SrcAddr)
		if ref, ok := privateMatch(w, res); ok {
			s += fmt.Sprintf(" On the private path %s would let it in, as %s has that group; but a group reference matches private addresses only, and this packet went to the public IP %s, so %s sees %s's public address.",
				ruleName(w, ref), res.From.Label(), res.DstAddr, dst, res.From.Label())
		}
		return s
	}
	return res.ExplanationByName()
}

// ruleName names a rule by its group and content: "db-sg's inbound rule
// PostgreSQL, TCP, 5432, source app-sg (group)".
func ruleName(w *engine.World, ref engine.RuleRef) string {
	return w.Group(ref.Group).Label() + "'s " + ref.Direction.String() + " rule " + ruleText(w, ref.Direction, *w.Rule(ref))
}

// ruleChoice is a rule as a choice: "db-sg: PostgreSQL, TCP, 5432, source
// app-sg (group)".
func ruleChoice(w *engine.World, ref engine.RuleRef) string {
	return w.Group(ref.Group).Label() + ": " + ruleText(w, ref.Direction, *w.Rule(ref))
}

// ruleTraffic is what a rule is for, without its peer: "TCP 22", "all
// traffic", "ICMP".
func ruleTraffic(r engine.Rule) string {
	if r.Protocol == engine.ProtoAll {
		return "all traffic"
	}
	if r.Protocol.HasPorts() {
		return strings.ToLower(console.ProtocolName(r.Protocol)) + "/" + r.Ports.Format(r.Protocol)
	}
	return console.ProtocolName(r.Protocol)
}

// groupList names an instance's groups: "web-sg", "web-sg or admin-ssh".
func groupList(w *engine.World, i *engine.Instance) string {
	var names []string
	for _, g := range w.GroupsOf(i) {
		names = append(names, g.Label())
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// ruleList lists an instance's rules of direction d, for an explanation:
// " (its outbound rules: HTTPS, TCP, 443, destination 0.0.0.0/0)", or
// " (it has none)".
func ruleList(w *engine.World, i *engine.Instance, d engine.Direction) string {
	var rules []string
	for _, g := range w.GroupsOf(i) {
		for _, r := range g.Rules(d) {
			rules = append(rules, ruleText(w, d, r))
		}
	}
	if len(rules) == 0 {
		return ": its groups have no " + d.String() + " rule at all"
	}
	return "; its " + d.String() + " rules allow only " + strings.Join(rules, "; ")
}

// fixText is a fix as a choice: "Add to db-sg an inbound rule: PostgreSQL,
// TCP, 5432, source app-sg (group)".
func fixText(w *engine.World, f Fix) string {
	if f.ACL != "" {
		return fmt.Sprintf("Add to %s an %s entry: rule %d, %s", w.NetworkACL(f.ACL).Label(), f.Direction, f.Entry.Rule, entryText(f.Entry, f.Direction))
	}
	return "Add to " + w.Group(f.Group).Label() + " an " + f.Direction.String() + " rule: " + ruleText(w, f.Direction, f.Rule)
}

// entryRule reads an entry as a rule whose peer is its CIDR.
func entryRule(e engine.ACLEntry) engine.Rule {
	return engine.Rule{Protocol: e.Protocol, Ports: e.Ports, Peer: engine.CIDRPeer(e.CIDR)}
}
