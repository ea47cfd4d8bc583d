package engine

import (
	"net/netip"
)

// RuleRef points at one rule: the group, the direction, and the rule's
// index (from 0) in the group's list for that direction.
type RuleRef struct {
	Group     string
	Direction Direction
	Index     int
}

// Result is what happens to a connection, and why. It is a value: it
// refers to the world as it was when it was evaluated, so a result kept
// across a change to the world still explains what happened then, and
// Matched, FirstMatch and Explanation always agree with one another.
//
// Evaluate zeroes and returns a Result on every call, so its fields are
// laid out without padding: the bytes and the small numbers together,
// after the connection.
type Result struct {
	Conn    Connection
	Outcome Outcome
	Reason  Reason
	// Private is true when the packet stays inside one VPC, the only path on
	// which group-reference rules match.
	Private bool

	why  unreachableCause
	drop aclDrop
	// out and in are the numbers of the first rule that allowed each
	// direction, plus one (zero: none); from and to the instances'
	// numbers, -1 for a host or an address.
	out, in  int32
	from, to int32

	From, To Endpoint
	// SrcAddr is the source address as the destination sees it, DstAddr the
	// address the packet is sent to. Both are invalid when unreachable
	// before an address could be chosen.
	SrcAddr, DstAddr netip.Addr

	// Trace holds every step the engine took, when asked for with Trace.
	Trace []Step

	// x is the compiled world the result was evaluated in; it never
	// changes.
	x *compiled
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
	// ACL is set on the step that ends a network ACL hop: what the ACL
	// decided, by which entry, about which packet.
	ACL *ACLDecision
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
	w.compiled().evaluate(&r, &c, false)
	return r
}

// Trace evaluates c like Evaluate and records every step in Result.Trace.
func Trace(w *World, c Connection) (r Result) {
	w.compiled().evaluate(&r, &c, true)
	return r
}

// evaluate fills in r, the caller's zero Result, rather than returning
// one, so that the result is written once, in place. It takes c by
// pointer, as its 64 bytes passed by value go through the stack, and
// copies it into r only once the ends are found: copied at once, it would
// be read back 16 bytes at a time right after the 8-byte stores that
// spilled it, which the processor cannot forward and waits for.
func (x *compiled) evaluate(r *Result, c *Connection, trace bool) {
	x.resolveEnds(r, c.From, c.To)
	r.Conn = *c
	r.decide(trace)
}

// resolveEnds fills in the part of r that depends only on the
// connection's two ends: what they are and the path between them.
func (x *compiled) resolveEnds(r *Result, from, to string) {
	r.x = x
	// Both spellings are hashed before either is looked up, so that the
	// latencies of the two hashes overlap.
	h1, h2 := x.refs.hash(from), x.refs.hash(to)
	ok1 := x.resolveInto(from, h1, &r.From, &r.from)
	ok2 := x.resolveInto(to, h2, &r.To, &r.to)
	if !ok1 || !ok2 {
		r.why = noSuchEnd
	} else {
		r.route()
	}
}

// Ends are the two ends of a connection looked up once, for sweeping
// protocols and ports between them: the audit evaluates thousands of
// connections from one address to one instance, and the names and the
// path need finding only once. Its results are Evaluate's.
type Ends struct {
	base Result
}

// ResolveEnds looks up from and to in w as Evaluate does.
func ResolveEnds(w *World, from, to string) Ends {
	e := Ends{base: Result{Conn: Connection{From: from, To: to}}}
	w.compiled().resolveEnds(&e.base, from, to)
	return e
}

// Evaluate returns what Evaluate returns for the connection between the
// ends by this protocol and port.
func (e *Ends) Evaluate(p Protocol, port int) Result {
	r := e.base
	r.Conn.Protocol, r.Conn.Port = p, port
	r.decide(false)
	return r
}

// decide evaluates the connection whose ends resolveEnds filled in.
func (r *Result) decide(trace bool) {
	c := &r.Conn
	if trace {
		r.traceAddresses()
	}
	if r.why != reachable {
		r.finish(Unreachable, trace)
		return
	}
	key := keyOf(trafficOf(c.Protocol, c.Port))
	if r.from >= 0 {
		if r.out = r.check(Outbound, key, trace); r.out == 0 {
			r.finish(OutboundBlocked, trace)
			return
		}
	} else if trace {
		r.traceOutside(Outbound)
	}
	acls := r.aclsApply()
	if acls {
		if reason := r.aclHops(key, trace); reason != ReasonNone {
			r.finish(reason, trace)
			return
		}
	}
	if r.to >= 0 {
		if r.in = r.check(Inbound, key, trace); r.in == 0 {
			r.finish(InboundBlocked, trace)
			return
		}
	} else if trace {
		r.traceOutside(Inbound)
	}
	reason := NoListener
	if !c.Protocol.HasPorts() || listensOn(r.To.listening(), c.Protocol, c.Port) {
		reason = Allowed
	}
	if acls {
		// The server answered; the reply crosses the ACLs on its own.
		if trace {
			r.traceService(reason)
		}
		if !r.replyHops(trace) {
			reason = ACLReplyBlocked
		}
		r.finishTraced(reason, trace)
		return
	}
	r.finish(reason, trace)
}

func (r *Result) finish(reason Reason, trace bool) {
	if trace {
		r.traceService(reason)
	}
	r.finishTraced(reason, trace)
}

// finishTraced is finish once the service step is in the trace.
func (r *Result) finishTraced(reason Reason, trace bool) {
	r.Reason = reason
	r.Outcome = reason.Outcome()
	if trace {
		r.Trace = append(r.Trace, Step{Phase: PhaseVerdict, Rule: -1, Match: reason == Allowed,
			Text: r.Outcome.String() + " (" + reason.String() + "): " + r.Explanation()})
	}
}

// check returns the number, plus one, of the first rule of the instance on
// this side that allows the traffic in direction d, or zero. With a trace
// it looks at every rule, and records each.
func (r *Result) check(d Direction, key trafficKey, trace bool) int32 {
	self, other, addr := r.from, r.to, &r.DstAddr
	if d == Inbound {
		self, other, addr = r.to, r.from, &r.SrcAddr
	}
	a := keyOfAddr(*addr)
	var peer *cinst
	if r.Private && other >= 0 {
		peer = &r.x.insts[other]
	}
	if trace {
		return r.traceCheck(d, self, key, a, peer)
	}
	if kind := kindOf(r.Conn.Protocol); kind >= 0 {
		return firstMatch(r.x.insts[self].rules[d][kind], key, a, peer)
	}
	// A protocol no connection of a file carries: the groups' own rules.
	for _, g := range r.x.insts[self].groups {
		if n := firstMatch(r.x.grules[g][d], key, a, peer); n > 0 {
			return n
		}
	}
	return 0
}

// traceCheck is check looking at every rule of instance number self,
// group by group, and recording each in the trace.
func (r *Result) traceCheck(d Direction, self int32, key trafficKey, a addrKey, peer *cinst) int32 {
	x := r.x
	var first int32
	for _, g := range x.insts[self].groups {
		rules := x.grules[g][d]
		if len(rules) == 0 {
			r.Trace = append(r.Trace, Step{Phase: phaseOf(d), Group: x.groups[g].ID, Rule: -1, Code: CodeNoRules,
				Text: x.groups[g].ID + " has no " + d.String() + " rules"})
		}
		for k := range rules {
			ok := rules[k].matches(key, a, peer)
			r.traceRule(d, x.groups[g], k, ok)
			if ok && first == 0 {
				first = rules[k].ref + 1
			}
		}
	}
	if first == 0 {
		r.Trace = append(r.Trace, Step{Phase: phaseOf(d), Rule: -1, Code: CodeRulesMismatch,
			Text: "no " + d.String() + " rule matches: the packet is dropped"})
	}
	return first
}

func phaseOf(d Direction) Phase {
	if d == Outbound {
		return PhaseOutbound
	}
	return PhaseInbound
}

// Matched returns every rule that allowed the connection: outbound rules of
// the source's groups, then inbound rules of the destination's, in the
// world as it was when the result was taken. It is empty when the
// connection timed out.
func (r Result) Matched() []RuleRef {
	if r.Outcome == Timeout || r.Outcome == OutcomeNone {
		return []RuleRef{}
	}
	// The trace names every rule it looked at; the ones that matched are
	// the answer. Nothing guards a host, so a connection between hosts
	// has none.
	out := []RuleRef{}
	for _, s := range r.traced().Trace {
		if s.Match && s.Rule >= 0 && (s.Phase == PhaseOutbound || s.Phase == PhaseInbound) {
			out = append(out, RuleRef{Group: s.Group, Direction: directionOf(s.Phase), Index: s.Rule})
		}
	}
	return out
}

// traced returns r with its trace: r itself when it has one, otherwise
// its connection evaluated again, traced, in the world r was taken in.
func (r *Result) traced() *Result {
	if r.Trace != nil {
		return r
	}
	t := &Result{}
	r.x.evaluate(t, &r.Conn, true)
	return t
}

func directionOf(p Phase) Direction {
	if p == PhaseOutbound {
		return Outbound
	}
	return Inbound
}

// FirstMatch returns the first rule that allowed direction d, if any.
func (r Result) FirstMatch(d Direction) (RuleRef, bool) {
	n := r.in
	if d == Outbound {
		n = r.out
	}
	if n == 0 || r.x == nil {
		return RuleRef{}, false
	}
	return r.x.rules[n-1], true
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
