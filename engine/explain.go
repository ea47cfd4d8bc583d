package engine

import (
	"fmt"
	"slices"
	"strings"
)

// ServiceName names the well-known service on a tcp port, or "".
func ServiceName(port int) string {
	switch port {
	case 21:
		return "FTP"
	case 22:
		return "SSH"
	case 25:
		return "SMTP"
	case 53:
		return "DNS"
	case 80:
		return "HTTP"
	case 443:
		return "HTTPS"
	case 3306:
		return "MySQL/Aurora"
	case 3389:
		return "RDP"
	case 5432:
		return "PostgreSQL"
	}
	return ""
}

// What names the traffic: "tcp/22", "icmp echo".
func (c Connection) What() string {
	if c.Protocol.HasPorts() {
		return c.Protocol.String() + "/" + itoa(c.Port)
	}
	return c.Protocol.String() + " echo"
}

// Explanation says in plain English what happened and why, naming the
// addresses as the destination saw them and groups by id, as AWS does.
func (r Result) Explanation() string { return r.explain(groupID, aclID) }

// ExplanationByName is Explanation naming groups as a learner knows them:
// by name where they have one ("web" rather than "sg-0003").
func (r Result) ExplanationByName() string { return r.explain((*Group).Label, (*NetworkACL).Label) }

func groupID(g *Group) string { return g.ID }

func aclID(a *NetworkACL) string { return a.ID }

func (r Result) explain(name func(*Group) string, aclName func(*NetworkACL) string) string {
	c := r.Conn
	switch r.Reason {
	case Allowed:
		if !c.Protocol.HasPorts() {
			return fmt.Sprintf("%s lets %s from %s in; %s answers the ping.", r.inboundBy(name), c.What(), r.SrcAddr, r.To.Label())
		}
		return fmt.Sprintf("%s lets %s from %s in, and %s listens on %s.", r.inboundBy(name), c.What(), r.SrcAddr, r.To.Label(), c.What())
	case NoListener:
		return fmt.Sprintf("%s lets %s from %s in, but nothing on %s listens on %s, so it answers at once: connection refused.",
			r.inboundBy(name), c.What(), r.SrcAddr, r.To.Label(), c.What())
	case OutboundBlocked:
		return fmt.Sprintf("No outbound rule of %s allows %s to %s.", r.groupList(r.from, name), c.What(), r.DstAddr) + r.referenceHint(Outbound, name)
	case InboundBlocked:
		return fmt.Sprintf("No inbound rule of %s allows %s from %s.", r.groupList(r.to, name), c.What(), r.SrcAddr) + r.referenceHint(Inbound, name)
	case Unreachable:
		return r.unreachableText()
	case ACLOutboundBlocked, ACLInboundBlocked, ACLReplyBlocked:
		return r.aclText(aclName)
	}
	return ""
}

// aclText explains a drop by a network ACL: which ACL, which way, which
// entry (or the * rule), and for a reply, its ports.
func (r Result) aclText(name func(*NetworkACL) string) string {
	d, _ := r.Dropped()
	if r.drop.acl >= 0 {
		d.ACL = name(r.x.acls[r.drop.acl].acl)
	}
	by := fmt.Sprintf("rule %d denies it", d.Rule)
	if d.Rule == 0 {
		by = "no entry matches it, so the * rule denies it"
	}
	acl := "network ACL " + d.ACL
	if d.Subnet != "" {
		acl += " of " + d.Subnet
	}
	p := d.Packet
	switch r.Reason {
	case ACLOutboundBlocked:
		return fmt.Sprintf("The %s lets no %s out to %s: %s.", acl, packetWhat(p), p.Dst, by)
	case ACLInboundBlocked:
		return fmt.Sprintf("The %s lets no %s in from %s: %s.", acl, packetWhat(p), p.Src, by)
	}
	answered := r.To.Label() + " answered"
	if r.Conn.Protocol.HasPorts() && !r.To.Listens(r.Conn.Protocol, r.Conn.Port) {
		answered = r.To.Label() + " answered with a reset"
	}
	way := "out"
	if d.Direction == Inbound {
		way = "in"
	}
	reply := fmt.Sprintf("the reply to port %d of %s", p.DstPort, p.Dst)
	if !p.Protocol.HasPorts() {
		reply = fmt.Sprintf("the reply (%s) to %s", packetWhat(p), p.Dst)
	}
	return fmt.Sprintf("%s, but the %s dropped %s on its way %s: %s. Network ACLs are stateless: the reply needs an entry of its own, so the client times out.",
		answered, acl, reply, way, by)
}

// inboundBy names the rule that let the packet in, or says that no group
// guards the destination.
func (r Result) inboundBy(name func(*Group) string) string {
	if r.in == 0 {
		return r.To.Label() + " has no security group (it is outside AWS), so it"
	}
	g, rule := r.x.rule(r.in - 1)
	peer := rule.Peer.String()
	if ref := r.x.group(rule.Peer.Group); ref != nil && !rule.Peer.Self {
		peer = name(ref)
	}
	s := fmt.Sprintf("Inbound rule %d of %s (%s)", r.x.rules[r.in-1].Index+1, name(g), rule.summary(peer)) // a person counts from 1
	if rule.Description != "" {
		s += fmt.Sprintf(" %q", rule.Description)
	}
	return s
}

// groupList names the groups of instance number i: "a, b or c".
func (r Result) groupList(i int32, name func(*Group) string) string {
	gs := r.x.insts[i].groups
	names := make([]string, len(gs))
	for k, g := range gs {
		names[k] = name(r.x.groups[g])
	}
	switch len(names) {
	case 0:
		return "its groups"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// referenceHint explains the classic surprise: a group-reference rule that
// would have matched on the private path does not match over a public IP.
func (r Result) referenceHint(d Direction, name func(*Group) string) string {
	if r.Private {
		return ""
	}
	self, other := r.to, r.from
	if d == Outbound {
		self, other = r.from, r.to
	}
	if self < 0 || other < 0 {
		return ""
	}
	theirs := r.x.insts[other].groups
	for _, g := range r.x.insts[self].groups {
		for _, c := range r.x.grules[g][d] {
			if c.group() >= 0 && slices.Contains(theirs, c.group()) {
				return fmt.Sprintf(" %s references %s, which %s has, but a group reference matches private addresses only, and this packet went over the public IP %s.",
					name(r.x.groups[g]), name(r.x.groups[c.group()]), r.x.instances[other].Label(), r.DstAddr)
			}
		}
	}
	return ""
}

func (r Result) unreachableText() string {
	from, to := r.From.Label(), r.To.Label()
	switch r.why {
	case noSuchEnd:
		ref := r.Conn.To
		if _, ok := r.x.resolve(r.Conn.From); !ok {
			ref = r.Conn.From
		}
		return fmt.Sprintf("%q names no instance or host in this world, and is not an IP address.", ref)
	case dstNoPublicIP:
		return fmt.Sprintf("%s has no public IP, so %s cannot reach it from outside its VPC: the packet never arrives.", to, from)
	case srcNoPublicIP:
		return fmt.Sprintf("%s has no public IP, so it cannot reach %s over the internet.", from, r.DstAddr)
	case dstNoIPv6:
		return fmt.Sprintf("%s has no IPv6 address, so %s (IPv6 only) cannot reach it.", to, from)
	case srcNoIPv6:
		return fmt.Sprintf("%s has no IPv6 address, so it cannot reach %s.", from, r.DstAddr)
	case privateFromOutside:
		return fmt.Sprintf("%s is a private address of another network: only instances of its own VPC can reach it.", r.DstAddr)
	case nobodyHasAddr:
		return fmt.Sprintf("No machine in this world has the address %s.", r.DstAddr)
	}
	return fmt.Sprintf("%s cannot reach %s.", from, to)
}

func (r *Result) traceAddresses() {
	step := Step{Phase: PhaseAddresses, Rule: -1, Match: r.why == reachable}
	switch {
	case r.why != reachable:
		step.Text = r.unreachableText()
		step.Code = CodeNoRoute
		if r.why == dstNoPublicIP {
			step.Code = CodeIGWPrivateIngress
		}
	case r.Private:
		step.Text = fmt.Sprintf("%s and %s are in the same VPC: the packet goes from %s to %s and stays inside the VPC, so group references can match.",
			r.From.Label(), r.To.Label(), r.SrcAddr, r.DstAddr)
	default:
		step.Text = fmt.Sprintf("The packet goes over the internet from %s to %s: %s sees the source as %s, and group references cannot match.",
			r.SrcAddr, r.DstAddr, r.To.Label(), r.SrcAddr)
	}
	r.Trace = append(r.Trace, step)
}

// traceOutside notes that no security group guards an end outside AWS in
// direction d: the source's outbound or the destination's inbound step.
func (r *Result) traceOutside(d Direction) {
	text := r.From.Label() + " is outside AWS: no security group checks what it sends."
	if d == Inbound {
		text = r.To.Label() + " is outside AWS: no security group checks what it receives. Replies come back to " +
			r.From.Label() + " because security groups are stateful."
	}
	r.Trace = append(r.Trace, Step{Phase: phaseOf(d), Rule: -1, Match: true, Text: text})
}

func (r *Result) traceRule(d Direction, g *Group, k int, ok bool) {
	rule := g.Rules(d)[k]
	peer := r.DstAddr
	prep := "to"
	if d == Inbound {
		peer, prep = r.SrcAddr, "from"
	}
	verdict := "does not match"
	if ok {
		verdict = "matches"
	}
	why := ""
	if !ok && rule.Peer.IsGroup() && !r.Private {
		why = " (group references match private addresses only)"
	}
	r.Trace = append(r.Trace, Step{Phase: phaseOf(d), Group: g.ID, Rule: k, Match: ok,
		Text: fmt.Sprintf("%s %s rule %d (%s) %s %s %s %s%s", g.ID, d, k+1, rule.Summary(), verdict, r.Conn.What(), prep, peer, why)})
}

func (r *Result) traceService(reason Reason) {
	if reason != Allowed && reason != NoListener {
		return
	}
	c := r.Conn
	text := fmt.Sprintf("%s answers the ping.", r.To.Label())
	if c.Protocol.HasPorts() {
		text = fmt.Sprintf("%s listens on %s.", r.To.Label(), c.What())
		if reason == NoListener {
			text = fmt.Sprintf("Nothing on %s listens on %s: it answers with a reset (tcp) or port unreachable (udp).", r.To.Label(), c.What())
		}
	}
	r.Trace = append(r.Trace, Step{Phase: PhaseService, Rule: -1, Match: reason == Allowed, Text: text})
}
