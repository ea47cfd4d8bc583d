package engine

import (
	"net/netip"
	"slices"
)

// RuleRef points at one rule: the group, the direction, and the rule's
// index (from 0) in the group's list for that direction.
type RuleRef struct {
	Group     string
	Direction Direction
	Index     int
}

// Result is what happens to a connection, and why.
type Result struct {
	Conn    Connection
	Outcome Outcome
	Reason  Reason

	From, To Endpoint
	// SrcAddr is the source address as the destination sees it, DstAddr the
	// address the packet is sent to. Both are invalid when unreachable
	// before an address could be chosen.
	SrcAddr, DstAddr netip.Addr
	// Private is true when the packet stays inside one VPC, the only path on
	// which group-reference rules match.
	Private bool

	// Trace holds every step the engine took, when asked for with Trace.
	Trace []Step

	out, in       RuleRef // the first rule that allowed each direction
	hasOut, hasIn bool
	why           unreachableCause
	matched       []RuleRef // every allowing rule; filled only when tracing
	w             *World
}

// unreachableCause says why no address could be used.
type unreachableCause uint8

const (
	reachable unreachableCause = iota
	noSuchEnd
	dstNoPublicIP
	srcNoPublicIP
	dstNoIPv6
	srcNoIPv6
	privateFromOutside
	nobodyHasAddr
)

// Step is one thing the engine looked at while evaluating a connection.
type Step struct {
	Phase Phase
	Text  string
	// Group and Rule name the rule looked at (Rule is -1 for a step about a
	// whole group, and Group is empty for steps not about a group).
	Group string
	Rule  int
	Match bool
	// Code is the AWS VPC Reachability Analyzer explanation code that
	// describes this step, where one fits.
	Code string
}

// Phase is the part of the evaluation a step belongs to.
type Phase string

// The phases, in the order the engine goes through them.
const (
	PhaseAddresses Phase = "addresses"
	PhaseOutbound  Phase = "outbound"
	PhaseInbound   Phase = "inbound"
	PhaseService   Phase = "service"
	PhaseVerdict   Phase = "verdict"
)

// Reachability Analyzer explanation codes used in traces.
const (
	CodeRulesMismatch     = "ENI_SG_RULES_MISMATCH"
	CodeNoRules           = "SG_HAS_NO_RULES"
	CodeIGWPrivateIngress = "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"
	CodeNoRoute           = "NO_ROUTE_TO_DESTINATION"
)

// Evaluate returns what happens to connection c in world w. It allocates
// nothing; ask the result for Matched or Explanation when they are needed.
func Evaluate(w *World, c Connection) (r Result) {
	w.evaluate(&r, c, false)
	return r
}

// Trace evaluates c like Evaluate and records every step in Result.Trace.
func Trace(w *World, c Connection) (r Result) {
	w.evaluate(&r, c, true)
	return r
}

// evaluate fills in r, the caller's result, rather than returning one: a
// Result is large, and copying it is a fair part of evaluating.
func (w *World) evaluate(r *Result, c Connection, trace bool) {
	*r = Result{Conn: c, w: w}
	from, ok1 := w.endpointRef(c.From)
	to, ok2 := w.endpointRef(c.To)
	r.From, r.To = from, to
	if !ok1 || !ok2 {
		r.why = noSuchEnd
	} else {
		r.route()
	}
	if trace {
		r.traceAddresses()
	}
	if r.why != reachable {
		r.finish(Unreachable, trace)
		return
	}
	x := w.idx
	if src := from.Instance; src != nil {
		if r.out, r.hasOut = r.check(Outbound, x.attached[src], trace); !r.hasOut {
			r.finish(OutboundBlocked, trace)
			return
		}
	} else if trace {
		r.traceOutside(Outbound)
	}
	if dst := r.To.Instance; dst != nil {
		if r.in, r.hasIn = r.check(Inbound, x.attached[dst], trace); !r.hasIn {
			r.finish(InboundBlocked, trace)
			return
		}
	} else if trace {
		r.traceOutside(Inbound)
	}
	if !c.Protocol.HasPorts() || r.To.Listens(c.Protocol, c.Port) {
		r.finish(Allowed, trace)
	} else {
		r.finish(NoListener, trace)
	}
}

func (r *Result) finish(reason Reason, trace bool) {
	r.Reason = reason
	r.Outcome = reason.Outcome()
	if trace {
		r.traceService()
		r.Trace = append(r.Trace, Step{Phase: PhaseVerdict, Rule: -1, Match: reason == Allowed,
			Text: r.Outcome.String() + " (" + reason.String() + "): " + r.Explanation()})
	}
}

// route picks the addresses on both ends, following the format's rules.
// It fills r.To with the machine that owns an address literal.
func (r *Result) route() {
	from, to := r.From, r.To
	if from.Addr.IsValid() && !from.known() && r.w.inAnyVPC(from.Addr) {
		// A private address of no machine: nothing sends from it.
		r.why = privateFromOutside
		return
	}
	if to.Addr.IsValid() {
		r.routeToAddr()
		return
	}
	src, dst := from.Instance, to.Instance
	if src != nil && dst != nil && src.VPC == dst.VPC {
		r.SrcAddr, r.DstAddr, r.Private = src.PrivateIP, dst.PrivateIP, true
		return
	}
	// Over the internet: the source's family decides, since a host has one address.
	if srcIP := from.internetAddr(); srcIP.Is6() {
		r.DstAddr = to.ipv6()
		if !r.DstAddr.IsValid() {
			r.why = dstNoIPv6
		}
		r.SrcAddr = srcIP
		return
	}
	r.DstAddr = to.publicIPv4()
	r.SrcAddr = from.publicIPv4()
	switch {
	case !r.DstAddr.IsValid() && to.Host != nil:
		// An IPv6-only host: the source needs IPv6 too.
		r.DstAddr, r.SrcAddr = to.Host.IP, from.ipv6()
		if !r.SrcAddr.IsValid() {
			r.why = srcNoIPv6
		}
	case !r.DstAddr.IsValid():
		r.why = dstNoPublicIP
	case !r.SrcAddr.IsValid():
		r.why = srcNoPublicIP
	}
}

// routeToAddr handles a destination written as an address: it is used as
// given, and the source uses an address of the same kind.
func (r *Result) routeToAddr() {
	a, from := r.To.Addr, r.From
	r.DstAddr = a
	dst := r.To.Instance
	switch {
	case !r.To.known():
		r.why = nobodyHasAddr
		if r.w.inAnyVPC(a) {
			r.why = privateFromOutside
		}
	case a.Is6():
		r.SrcAddr = from.ipv6()
		if !r.SrcAddr.IsValid() {
			r.why = srcNoIPv6
		}
		r.Private = dst != nil && from.Instance != nil && from.Instance.VPC == dst.VPC
	case dst != nil && a == dst.PrivateIP:
		if from.Instance == nil || from.Instance.VPC != dst.VPC {
			r.why = privateFromOutside
			return
		}
		r.SrcAddr, r.Private = from.Instance.PrivateIP, true
	default:
		// A public IP or a host's IP: the packet leaves the VPC, so the
		// source is seen by its public address even inside one VPC.
		r.SrcAddr = from.publicIPv4()
		if !r.SrcAddr.IsValid() {
			r.why = srcNoPublicIP
		}
	}
}

func (w *World) inAnyVPC(a netip.Addr) bool {
	for _, v := range w.VPCs {
		if v.CIDR.Contains(a) || v.IPv6CIDR.Contains(a) {
			return true
		}
	}
	return false
}

// internetAddr is the address a host or outside address uses; for an
// instance, its public IPv4.
func (e Endpoint) internetAddr() netip.Addr {
	switch {
	case e.Instance != nil:
		return e.Instance.PublicIP
	case e.Host != nil:
		return e.Host.IP
	}
	return e.Addr
}

func (e Endpoint) publicIPv4() netip.Addr {
	if a := e.internetAddr(); a.Is4() {
		return a
	}
	return netip.Addr{}
}

func (e Endpoint) ipv6() netip.Addr {
	if e.Instance != nil {
		return e.Instance.IPv6
	}
	if a := e.internetAddr(); a.Is6() {
		return a
	}
	return netip.Addr{}
}

// check looks for a rule of the groups that allows the connection in
// direction d. Without a trace it stops at the first match; with one, it
// looks at every rule and records each.
func (r *Result) check(d Direction, groups []*Group, trace bool) (RuleRef, bool) {
	p := probe{proto: r.Conn.Protocol, port: r.Conn.Port, addr: r.DstAddr, peer: r.To.Instance, private: r.Private}
	if p.proto.IsICMP() {
		p.port, p.code = echoRequest(p.proto)
	}
	if d == Inbound {
		p.addr, p.peer = r.SrcAddr, r.From.Instance
	}
	if !trace {
		return firstMatch(groups, d, &p)
	}
	var first RuleRef
	found := false
	for _, g := range groups {
		rules := g.Rules(d)
		if len(rules) == 0 {
			r.Trace = append(r.Trace, Step{Phase: phaseOf(d), Group: g.ID, Rule: -1, Code: CodeNoRules,
				Text: g.ID + " has no " + d.String() + " rules"})
		}
		for k := range rules {
			ok := rules[k].matches(&p)
			r.traceRule(d, g, k, ok)
			if !ok {
				continue
			}
			ref := RuleRef{Group: g.ID, Direction: d, Index: k}
			if !found {
				first, found = ref, true
			}
			r.matched = append(r.matched, ref)
		}
	}
	if !found {
		r.Trace = append(r.Trace, Step{Phase: phaseOf(d), Rule: -1, Code: CodeRulesMismatch,
			Text: "no " + d.String() + " rule matches: the packet is dropped"})
	}
	return first, found
}

// firstMatch returns the first rule of the groups that allows the probe in
// direction d: the loop every untraced evaluation spends its time in.
func firstMatch(groups []*Group, d Direction, p *probe) (RuleRef, bool) {
	for _, g := range groups {
		rules := g.Rules(d)
		for k := range rules {
			if rules[k].matches(p) {
				return RuleRef{Group: g.ID, Direction: d, Index: k}, true
			}
		}
	}
	return RuleRef{}, false
}

func phaseOf(d Direction) Phase {
	if d == Outbound {
		return PhaseOutbound
	}
	return PhaseInbound
}

// probe is what rules are matched against in one direction: the traffic,
// and the other end as this side sees it.
type probe struct {
	proto      Protocol
	port, code int        // a tcp or udp port; for a ping, the icmp type and code
	addr       netip.Addr // the other end's address
	peer       *Instance  // the other end, when it is an instance
	private    bool       // the path stays inside one VPC
}

// matches reports whether rule r allows the probe's traffic. A group
// reference matches only on a private path, from or to an instance that
// has the group.
func (r *Rule) matches(p *probe) bool {
	if r.Protocol != ProtoAll {
		if r.Protocol != p.proto {
			return false
		}
		switch {
		case p.proto.HasPorts():
			if p.port < r.Ports.Lo || p.port > r.Ports.Hi {
				return false
			}
		case p.proto.IsICMP():
			if (r.Ports.Lo != AnyPort && r.Ports.Lo != p.port) || (r.Ports.Hi != AnyPort && r.Ports.Hi != p.code) {
				return false
			}
		}
	}
	if r.Peer.IsGroup() {
		return p.private && p.peer != nil && slices.Contains(p.peer.Groups, r.Peer.Group)
	}
	return r.Peer.CIDR.Contains(p.addr)
}

// echoRequest is the icmp type and code of a ping.
func echoRequest(p Protocol) (typ, code int) {
	if p == ProtoICMPv6 {
		return 128, 0
	}
	return 8, 0
}

// Matched returns every rule that allowed the connection: outbound rules of
// the source's groups, then inbound rules of the destination's. It is empty
// when the connection timed out.
func (r Result) Matched() []RuleRef {
	if r.Outcome == Timeout || r.Outcome == OutcomeNone {
		return []RuleRef{}
	}
	if r.Trace == nil {
		r = Trace(r.w, r.Conn)
	}
	// Nothing guards a host, so a connection between hosts has no rule.
	return append([]RuleRef{}, r.matched...)
}

// FirstMatch returns the first rule that allowed direction d, if any.
func (r Result) FirstMatch(d Direction) (RuleRef, bool) {
	if d == Outbound {
		return r.out, r.hasOut
	}
	return r.in, r.hasIn
}

// Rule returns the rule a RuleRef points at, or nil.
func (w *World) Rule(ref RuleRef) *Rule {
	g := w.Group(ref.Group)
	if g == nil {
		return nil
	}
	rules := g.Rules(ref.Direction)
	if ref.Index < 0 || ref.Index >= len(rules) {
		return nil
	}
	return &rules[ref.Index]
}
