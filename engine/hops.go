package engine

import (
	"fmt"
	"net/netip"
	"slices"
)

// The path a packet takes is a sequence of hops: the source's groups
// (outbound), the source subnet's network ACL (outbound), the destination
// subnet's network ACL (inbound), the destination's groups (inbound), the
// service, and the reply back through the destination's ACL (outbound)
// and the source's (inbound). This file holds the network ACL hops; the
// groups' are in eval.go.

// The phases of the network ACL hops.
const (
	PhaseACLOutbound Phase = "acl-out" // the source subnet's ACL, outbound
	PhaseACLInbound  Phase = "acl-in"  // the destination subnet's ACL, inbound
	PhaseReply       Phase = "reply"   // the reply, through both ACLs
)

// CodeSubnetACL is the Reachability Analyzer's code for a packet a network
// ACL drops.
const CodeSubnetACL = "SUBNET_ACL_RESTRICTION"

// Packet is one packet's addresses and ports as an ACL sees them: for
// icmp and icmpv6, Type and Code in place of ports.
type Packet struct {
	Protocol         Protocol
	Src, Dst         netip.Addr
	SrcPort, DstPort int // tcp and udp
	Type, Code       int // icmp and icmpv6
}

// ACLDecision is what one network ACL decided about one packet.
type ACLDecision struct {
	ACL       string    // the ACL's id
	Subnet    string    // the subnet's id; empty for a VPC's implicit subnet
	Direction Direction // Outbound: the packet leaves the subnet; Inbound: it enters
	Reply     bool      // the packet is the server's reply
	Packet    Packet
	// Rule is the number of the entry that decided; zero when no entry
	// matched and the `*` rule denied.
	Rule    int
	Allowed bool
}

// Peer is the address the ACL's entries were matched against: the
// destination going out, the source coming in.
func (d ACLDecision) Peer() netip.Addr {
	if d.Direction == Outbound {
		return d.Packet.Dst
	}
	return d.Packet.Src
}

// cacl is a network ACL compiled: per direction, its entries in ascending
// rule order as crules whose ref numbers the entry in compiled.entries.
type cacl struct {
	acl     *NetworkACL
	entries [2][]crule
	open    [2]bool // every packet passes: the hop can be skipped
}

// centry is what a compiled entry's ref points at.
type centry struct {
	rule  int32
	allow bool
}

// compileACLs compiles every network ACL and gives each instance its
// ACL and subnet.
func (x *compiled) compileACLs(w *World) {
	x.acls = make([]cacl, len(w.NetworkACLs))
	aclNum := make(map[string]int32, len(w.NetworkACLs))
	defaults := make(map[string]int32, len(w.VPCs))
	for k, a := range w.NetworkACLs {
		if _, dup := aclNum[a.ID]; !dup {
			aclNum[a.ID] = int32(k)
		}
		if _, dup := defaults[a.VPC]; !dup && a.Name == DefaultGroupName {
			defaults[a.VPC] = int32(k)
		}
		c := &x.acls[k]
		c.acl = a
		for _, d := range [...]Direction{Inbound, Outbound} {
			sorted := a.Sorted(d)
			c.entries[d] = make([]crule, len(sorted))
			for j := range sorted {
				e := &sorted[j]
				r := Rule{Protocol: e.Protocol, Ports: e.Ports, Peer: Peer{CIDR: e.CIDR}}
				c.entries[d][j] = compileRule(&r, -1, int32(len(x.entries)))
				x.entries = append(x.entries, centry{rule: int32(e.Rule), allow: e.Action == Allow})
			}
			c.open[d] = openEntries(sorted, w.VPC(a.VPC))
		}
	}
	findACL := func(vpc string, ref string) int32 {
		if ref == "" {
			if n, ok := defaults[vpc]; ok {
				return n
			}
			return -1
		}
		if n, ok := aclNum[ref]; ok && w.NetworkACLs[n].VPC == vpc {
			return n
		}
		for k, a := range w.NetworkACLs {
			if a.VPC == vpc && a.Name == ref {
				return int32(k)
			}
		}
		return -1
	}
	subnetACL := make([]int32, len(w.Subnets))
	for k, s := range w.Subnets {
		subnetACL[k] = findACL(s.VPC, s.NetworkACL)
	}
	vpcNum := make(map[string]int32, len(w.VPCs))
	for k, v := range w.VPCs {
		vpcNum[v.ID] = int32(k)
	}
	for k, i := range w.Instances {
		c := &x.insts[k]
		c.subnet, c.acl = -1, -1
		s := -1
		for j, sn := range w.Subnets {
			if sn.VPC != i.VPC {
				continue
			}
			if i.Subnet != "" && (sn.ID == i.Subnet || sn.Name == i.Subnet) || i.Subnet == "" && sn.CIDR.Contains(i.PrivateIP) {
				s = j
				if sn.ID == i.Subnet || i.Subnet == "" {
					break
				}
			}
		}
		switch {
		case s >= 0:
			c.subnet, c.acl = int32(s), subnetACL[s]
		case !slices.ContainsFunc(w.Subnets, func(sn *Subnet) bool { return sn.VPC == i.VPC }):
			// The VPC's one implicit subnet.
			if v, ok := vpcNum[i.VPC]; ok {
				c.subnet = int32(len(w.Subnets)) + v
			}
			c.acl = findACL(i.VPC, "")
		}
	}
	x.subnets = w.Subnets
	x.hasACLs = len(w.Subnets) > 0 || slices.ContainsFunc(w.NetworkACLs, func(a *NetworkACL) bool { return !w.isImplicitDefaultACL(a) })
}

// openEntries reports whether entries, in rule order, let every packet of
// the families the VPC has through.
func openEntries(sorted []ACLEntry, v *VPC) bool {
	open4, open6 := false, v == nil || !v.IPv6CIDR.IsValid()
	for _, e := range sorted {
		if !e.CIDR.IsValid() {
			continue
		}
		is4 := e.CIDR.Addr().Is4()
		if (is4 && open4) || (!is4 && open6) {
			continue
		}
		if e.Action == Deny {
			return false
		}
		if e.Protocol == ProtoAll && e.CIDR.Bits() == 0 {
			if is4 {
				open4 = true
			} else {
				open6 = true
			}
		}
	}
	return open4 && open6
}

// aclHop is one network ACL hop: instance number inst's ACL, direction d.
// It returns the decision and whether the hop was taken at all.
func (x *compiled) aclDecide(inst int32, d Direction, key trafficKey, peer netip.Addr) (allowed bool, rule int32) {
	a := x.insts[inst].acl
	if a < 0 {
		return false, 0
	}
	if n := firstMatch(x.acls[a].entries[d], key, keyOfAddr(peer), nil); n > 0 {
		e := x.entries[n-1]
		return e.allow, e.rule
	}
	return false, 0
}

// SourcePort is the client's source port the connection uses: its own,
// or the default for its kind of client (DefaultLinuxSourcePort for an
// instance, DefaultOutsideSourcePort for a host or an address).
func (r Result) SourcePort() int {
	switch {
	case r.Conn.SourcePort != 0:
		return r.Conn.SourcePort
	case r.From.Instance != nil:
		return DefaultLinuxSourcePort
	}
	return DefaultOutsideSourcePort
}

// replyTraffic is the reply's traffic: protocol as asked, to the client's
// port; for a ping, the echo reply.
func (r *Result) replyTraffic() Traffic {
	c := r.Conn
	switch c.Protocol {
	case ProtoICMP:
		return Traffic{Protocol: ProtoICMP, Port: 0}
	case ProtoICMPv6:
		return Traffic{Protocol: ProtoICMPv6, Port: 129}
	}
	return Traffic{Protocol: c.Protocol, Port: r.SourcePort()}
}

// aclsApply reports whether the packet crosses a subnet's edge: not on a
// private path between two machines of one subnet.
func (r *Result) aclsApply() bool {
	if !r.x.hasACLs {
		return false
	}
	if r.Private && r.from >= 0 && r.to >= 0 {
		s1, s2 := r.x.insts[r.from].subnet, r.x.insts[r.to].subnet
		return s1 < 0 || s1 != s2
	}
	return true
}

// aclHops runs the ACL hops of the way there (steps 3 and 4): it returns
// the reason when one drops the packet.
func (r *Result) aclHops(key trafficKey, trace bool) Reason {
	if r.from >= 0 && !r.aclHop(r.from, Outbound, false, key, trace) {
		return ACLOutboundBlocked
	}
	if r.to >= 0 && !r.aclHop(r.to, Inbound, false, key, trace) {
		return ACLInboundBlocked
	}
	return ReasonNone
}

// replyHops runs the reply's ACL hops (step 7).
func (r *Result) replyHops(trace bool) bool {
	key := keyOf(r.replyTraffic())
	if r.to >= 0 && !r.aclHop(r.to, Outbound, true, key, trace) {
		return false
	}
	return r.from < 0 || r.aclHop(r.from, Inbound, true, key, trace)
}

// aclHop judges the packet at instance number inst's subnet edge in
// direction d, recording the decision when it drops.
func (r *Result) aclHop(inst int32, d Direction, reply bool, key trafficKey, trace bool) bool {
	c := &r.x.insts[inst]
	if c.acl >= 0 && r.x.acls[c.acl].open[d] && !trace {
		return true
	}
	// Going out, the entries look at where the packet goes; coming in,
	// where it comes from. The reply goes from the destination back to the
	// source.
	peer := r.DstAddr
	if (d == Inbound) != reply {
		peer = r.SrcAddr
	}
	allowed, rule := r.x.aclDecide(inst, d, key, peer)
	if trace {
		r.traceACL(inst, d, reply, key, peer, allowed)
	}
	if !allowed {
		r.drop = aclDrop{acl: c.acl, rule: rule, d: d, reply: reply}
	}
	return allowed
}

// aclDrop is the ACL hop that dropped a packet.
type aclDrop struct {
	acl   int32
	rule  int32
	d     Direction
	reply bool
}

// Dropped returns the network ACL decision that dropped the connection,
// when the reason is an ACL's.
func (r Result) Dropped() (ACLDecision, bool) {
	if !r.Reason.IsACL() || r.x == nil {
		return ACLDecision{}, false
	}
	inst := r.to
	if (r.drop.d == Outbound) != r.drop.reply {
		inst = r.from
	}
	return r.decision(inst, r.drop.d, r.drop.reply, int(r.drop.rule), false), true
}

// ACLDecisions returns every network ACL decision taken on the
// connection's way, in order, the reply's included.
func (r Result) ACLDecisions() []ACLDecision {
	if r.x == nil {
		return nil
	}
	var out []ACLDecision
	for _, s := range r.traced().Trace {
		if s.ACL != nil {
			out = append(out, *s.ACL)
		}
	}
	return out
}

// Reply returns the reply packet: from the destination's address and
// port back to the client's source port. For a ping it is the echo reply.
func (r Result) Reply() Packet {
	t := r.replyTraffic()
	p := Packet{Protocol: t.Protocol, Src: r.DstAddr, Dst: r.SrcAddr}
	if t.Protocol.HasPorts() {
		p.SrcPort, p.DstPort = r.Conn.Port, t.Port
	} else {
		p.Type = t.Port
	}
	return p
}

// Request returns the packet the client sends.
func (r Result) Request() Packet {
	t := TrafficOf(r.Conn)
	p := Packet{Protocol: t.Protocol, Src: r.SrcAddr, Dst: r.DstAddr}
	if t.Protocol.HasPorts() {
		p.SrcPort, p.DstPort = r.SourcePort(), t.Port
	} else {
		p.Type, p.Code = t.Port, t.Code
	}
	return p
}

// decision describes instance number inst's ACL hop.
func (r Result) decision(inst int32, d Direction, reply bool, rule int, allowed bool) ACLDecision {
	dec := ACLDecision{Direction: d, Reply: reply, Rule: rule, Allowed: allowed, Packet: r.Request()}
	if reply {
		dec.Packet = r.Reply()
	}
	c := r.x.insts[inst]
	if c.acl >= 0 {
		dec.ACL = r.x.acls[c.acl].acl.ID
	}
	if c.subnet >= 0 && int(c.subnet) < len(r.x.subnets) {
		dec.Subnet = r.x.subnets[c.subnet].ID
	}
	return dec
}

// traceACL records one ACL hop: each entry read, in rule order, up to the
// one that decided, then the decision.
func (r *Result) traceACL(inst int32, d Direction, reply bool, key trafficKey, peer netip.Addr, allowed bool) {
	phase := PhaseACLOutbound
	if d == Inbound {
		phase = PhaseACLInbound
	}
	if reply {
		phase = PhaseReply
	}
	c := r.x.insts[inst]
	dec := r.decision(inst, d, reply, 0, allowed)
	if c.acl < 0 {
		step := Step{Phase: phase, Rule: -1, Code: CodeSubnetACL, ACL: &dec,
			Text: fmt.Sprintf("%s is in no subnet of its VPC: no network ACL lets the packet %s", r.x.instances[inst].Label(), d)}
		r.Trace = append(r.Trace, step)
		return
	}
	a := &r.x.acls[c.acl]
	addr := keyOfAddr(peer)
	sorted := a.acl.Sorted(d)
	prep := "to"
	if d == Inbound {
		prep = "from"
	}
	what := packetWhat(dec.Packet)
	where := a.acl.ID
	if dec.Subnet != "" {
		where += " (" + dec.Subnet + ")"
	}
	for k := range a.entries[d] {
		ok := a.entries[d][k].matches(key, addr, nil)
		e := sorted[k]
		verdict := "does not match"
		if ok {
			verdict = "matches"
		}
		r.Trace = append(r.Trace, Step{Phase: phase, Rule: -1, Match: ok && e.Action == Allow,
			Text: fmt.Sprintf("%s %s entry %s %s %s %s %s", a.acl.ID, d, e.Summary(), verdict, what, prep, peer)})
		if ok {
			dec.Rule = e.Rule
			break
		}
	}
	var text string
	switch {
	case dec.Rule == 0:
		text = fmt.Sprintf("%s %s: no entry matches %s %s %s, so the * rule denies it", where, d, what, prep, peer)
	case allowed:
		text = fmt.Sprintf("%s %s: rule %d allows %s %s %s", where, d, dec.Rule, what, prep, peer)
	default:
		text = fmt.Sprintf("%s %s: rule %d denies %s %s %s", where, d, dec.Rule, what, prep, peer)
	}
	if reply {
		text = "the reply " + replyPorts(dec.Packet) + ": " + text
	}
	step := Step{Phase: phase, Rule: -1, Match: allowed, ACL: &dec, Text: text}
	if !allowed {
		step.Code = CodeSubnetACL
		step.Text += ": the packet is dropped"
	}
	r.Trace = append(r.Trace, step)
}

// packetWhat names a packet's traffic: "tcp/443", "icmp type 0 code 0".
func packetWhat(p Packet) string {
	if p.Protocol.HasPorts() {
		return p.Protocol.String() + "/" + itoa(p.DstPort)
	}
	return fmt.Sprintf("%s type %d code %d", p.Protocol, p.Type, p.Code)
}

// replyPorts describes the reply's addresses and ports.
func replyPorts(p Packet) string {
	if p.Protocol.HasPorts() {
		return fmt.Sprintf("(%s %s port %d to %s port %d)", p.Protocol, p.Src, p.SrcPort, p.Dst, p.DstPort)
	}
	return fmt.Sprintf("(%s %s to %s)", packetWhat(p), p.Src, p.Dst)
}
