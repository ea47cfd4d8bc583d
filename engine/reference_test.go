package engine_test

import (
	"net/netip"
	"slices"

	"github.com/sglab/sglab/engine"
)

// The reference evaluator is a deliberately plain second reading of the
// contract's "How a connection is evaluated": the four steps in order, on
// the model types, with nothing shared with the engine's evaluation code.
// It is slow on purpose; the differential tests hold the engine to it.

// refEnd is one end of a connection: a machine, or an address nobody has.
type refEnd struct {
	inst *engine.Instance
	host *engine.Host
	addr netip.Addr // the literal, when the end was written as an address
}

func (e refEnd) same(o refEnd) bool {
	return (e.inst != nil && e.inst == o.inst) || (e.host != nil && e.host == o.host)
}

// refWorld is a world as the reference reads it. groups maps ids to groups:
// a plain lookup so that the reference can evaluate large worlds in the
// benchmarks; evaluation itself still scans every rule of every group.
type refWorld struct {
	w      *engine.World
	groups map[string]*engine.Group
}

func newRefWorld(w *engine.World) *refWorld {
	rw := &refWorld{w: w, groups: map[string]*engine.Group{}}
	for _, g := range w.Groups {
		rw.groups[g.ID] = g
	}
	return rw
}

// facts is what the steps find out about a connection.
type facts struct {
	reachable         bool
	src, dst          netip.Addr
	private           bool
	outbound, inbound bool // the source's groups let it out; the destination's let it in
	// The network ACLs: the source subnet's lets it out, the destination
	// subnet's lets it in, and both let the reply back (true where no ACL
	// is crossed).
	aclOut, aclIn, aclReply bool
	listening               bool
}

// decision turns the facts into a reason. refDecide is the contract's; the
// tests swap in broken ones to prove they would notice.
type decision func(facts) engine.Reason

// refDecide applies the steps in order: the first step that fails decides.
func refDecide(f facts) engine.Reason {
	switch {
	case !f.reachable:
		return engine.Unreachable
	case !f.outbound:
		return engine.OutboundBlocked
	case !f.aclOut:
		return engine.ACLOutboundBlocked
	case !f.aclIn:
		return engine.ACLInboundBlocked
	case !f.inbound:
		return engine.InboundBlocked
	case !f.aclReply:
		return engine.ACLReplyBlocked
	case !f.listening:
		return engine.NoListener
	}
	return engine.Allowed
}

// evaluate resolves the connection's ends by id, name or address, as the
// format reads them, and evaluates it.
func (rw *refWorld) evaluate(c engine.Connection) facts {
	from, ok1 := rw.resolve(c.From)
	to, ok2 := rw.resolve(c.To)
	if !ok1 || !ok2 {
		return facts{}
	}
	return rw.evaluateEnds(from, to, c)
}

// resolve finds what a connection's from or to names.
func (rw *refWorld) resolve(ref string) (refEnd, bool) {
	for _, i := range rw.w.Instances {
		if i.ID == ref || (i.Name != "" && i.Name == ref) {
			return refEnd{inst: i}, true
		}
	}
	for _, h := range rw.w.Hosts {
		if h.ID == ref || (h.Name != "" && h.Name == ref) {
			return refEnd{host: h}, true
		}
	}
	a, err := netip.ParseAddr(ref)
	if err != nil || a.Zone() != "" {
		return refEnd{}, false
	}
	e := refEnd{addr: a.Unmap()}
	for _, i := range rw.w.Instances {
		if i.PrivateIP == e.addr || i.PublicIP == e.addr || i.IPv6 == e.addr {
			e.inst = i
		}
	}
	for _, h := range rw.w.Hosts {
		if h.IP == e.addr {
			e.host = h
		}
	}
	return e, true
}

func (rw *refWorld) evaluateEnds(from, to refEnd, c engine.Connection) facts {
	f := rw.addresses(from, to)
	if !f.reachable {
		return f
	}
	// Step 2: outbound. Only an instance has groups; anything else sends freely.
	f.outbound = from.inst == nil || rw.allows(from.inst, engine.Outbound, c, f.dst, to.inst, f.private)
	// Steps 3 and 4: the network ACLs, where the packet crosses a subnet's
	// edge: the source's going out, the destination's coming in.
	crosses := !(f.private && from.inst != nil && to.inst != nil && rw.subnetKey(from.inst) == rw.subnetKey(to.inst))
	typ, code := 8, 0
	if c.Protocol == engine.ProtoICMPv6 {
		typ = 128
	}
	f.aclOut = !crosses || from.inst == nil || rw.aclAllows(from.inst, engine.Outbound, c.Protocol, c.Port, typ, code, f.dst)
	f.aclIn = !crosses || to.inst == nil || rw.aclAllows(to.inst, engine.Inbound, c.Protocol, c.Port, typ, code, f.src)
	// Step 5: inbound, with the source address as the destination sees it.
	f.inbound = to.inst == nil || rw.allows(to.inst, engine.Inbound, c, f.src, from.inst, f.private)
	// Step 7: the reply, protocol as asked, to the client's source port;
	// for a ping the echo reply.
	sport := c.SourcePort
	if sport == 0 {
		sport = 49152
		if from.inst != nil {
			sport = 32768
		}
	}
	rtyp := 0
	if c.Protocol == engine.ProtoICMPv6 {
		rtyp = 129
	}
	f.aclReply = !crosses || ((to.inst == nil || rw.aclAllows(to.inst, engine.Outbound, c.Protocol, sport, rtyp, 0, f.src)) &&
		(from.inst == nil || rw.aclAllows(from.inst, engine.Inbound, c.Protocol, sport, rtyp, 0, f.dst)))
	// Step 4: the service. A ping needs no listener.
	switch c.Protocol {
	case engine.ProtoICMP, engine.ProtoICMPv6:
		f.listening = true
	default:
		f.listening = slices.Contains(listening(to), engine.Service{Protocol: c.Protocol, Port: c.Port})
	}
	return f
}

func listening(e refEnd) []engine.Service {
	if e.inst != nil {
		return e.inst.Listening
	}
	if e.host != nil {
		return e.host.Listening
	}
	return nil
}

// addresses is step 1: which address each end uses, or unreachable.
func (rw *refWorld) addresses(from, to refEnd) facts {
	// An address nobody has inside a VPC is a private address of no
	// machine: nothing can send from it.
	if from.inst == nil && from.host == nil && rw.insideAVPC(from.addr) {
		return facts{}
	}
	if to.addr.IsValid() {
		return rw.addressesToLiteral(from, to)
	}
	// `to` names an instance or host.
	if from.inst != nil && to.inst != nil && from.inst.VPC == to.inst.VPC {
		return facts{reachable: true, src: from.inst.PrivateIP, dst: to.inst.PrivateIP, private: true}
	}
	// Over the internet. A host has one address, which decides the family:
	// IPv6 when either end is an IPv6 host or address, else public IPv4.
	v6 := internetAddr(from).Is6() || internetAddr(to).Is6()
	src, dst := publicAddr(from, v6), publicAddr(to, v6)
	return facts{reachable: src.IsValid() && dst.IsValid(), src: src, dst: dst}
}

// addressesToLiteral is step 1 for a `to` written as an address: it is used
// as given.
func (rw *refWorld) addressesToLiteral(from, to refEnd) facts {
	a := to.addr
	switch {
	case to.inst == nil && to.host == nil:
		return facts{} // an address nobody has
	case a.Is6():
		src := publicAddr(from, true)
		private := from.inst != nil && to.inst != nil && from.inst.VPC == to.inst.VPC
		return facts{reachable: src.IsValid(), src: src, dst: a, private: private}
	case to.inst != nil && a == to.inst.PrivateIP:
		// A private IP: only from an instance of the same VPC.
		if from.inst == nil || from.inst.VPC != to.inst.VPC {
			return facts{}
		}
		return facts{reachable: true, src: from.inst.PrivateIP, dst: a, private: true}
	}
	// A public IP or a host's IP: the packet leaves the VPC, so the source
	// is seen by its public address even inside one VPC.
	src := publicAddr(from, false)
	return facts{reachable: src.IsValid(), src: src, dst: a}
}

func (rw *refWorld) insideAVPC(a netip.Addr) bool {
	for _, v := range rw.w.VPCs {
		if v.CIDR.Contains(a) || (v.IPv6CIDR.IsValid() && v.IPv6CIDR.Contains(a)) {
			return true
		}
	}
	return false
}

// internetAddr is the one address of a host or of an address nobody has;
// instances have none of their own (they use public_ip or ipv6).
func internetAddr(e refEnd) netip.Addr {
	if e.host != nil {
		return e.host.IP
	}
	if e.inst == nil {
		return e.addr
	}
	return netip.Addr{}
}

// publicAddr is the address an end uses on the internet in one family.
func publicAddr(e refEnd, v6 bool) netip.Addr {
	var a netip.Addr
	switch {
	case e.inst != nil && v6:
		a = e.inst.IPv6
	case e.inst != nil:
		a = e.inst.PublicIP
	default:
		a = internetAddr(e)
	}
	if a.IsValid() && a.Is6() == v6 {
		return a
	}
	return netip.Addr{}
}

// allows reports whether some rule of some group attached to inst allows
// the connection in direction d with the other end at addr (the instance
// peer, if any).
func (rw *refWorld) allows(inst *engine.Instance, d engine.Direction, c engine.Connection, addr netip.Addr, peer *engine.Instance, private bool) bool {
	for _, id := range inst.Groups {
		g := rw.groups[id]
		if g == nil {
			continue
		}
		for _, r := range g.Rules(d) {
			if refProtocolMatches(r, c) && refPeerMatches(r, addr, peer, private) {
				return true
			}
		}
	}
	return false
}

// refProtocolMatches: `all` matches everything; otherwise the protocol must
// be the connection's, a tcp or udp port inside the range, and for pings the
// echo request's type and code (8/0, or 128/0 for icmpv6) must fit.
func refProtocolMatches(r engine.Rule, c engine.Connection) bool {
	if r.Protocol == engine.ProtoAll {
		return true
	}
	if r.Protocol != c.Protocol {
		return false
	}
	switch c.Protocol {
	case engine.ProtoTCP, engine.ProtoUDP:
		return r.Ports.Lo <= c.Port && c.Port <= r.Ports.Hi
	case engine.ProtoICMP:
		return (r.Ports.Lo == engine.AnyPort || r.Ports.Lo == 8) && (r.Ports.Hi == engine.AnyPort || r.Ports.Hi == 0)
	case engine.ProtoICMPv6:
		return (r.Ports.Lo == engine.AnyPort || r.Ports.Lo == 128) && (r.Ports.Hi == engine.AnyPort || r.Ports.Hi == 0)
	}
	return false
}

// refPeerMatches: a CIDR must hold the address; a group reference matches
// only on a private path, with the other end an instance that has the group.
func refPeerMatches(r engine.Rule, addr netip.Addr, peer *engine.Instance, private bool) bool {
	if r.Peer.Group != "" {
		return private && peer != nil && slices.Contains(peer.Groups, r.Peer.Group)
	}
	return r.Peer.CIDR.Contains(addr)
}

// subnetKey names the subnet an instance is in: the one it names, or the
// one of its VPC that holds its private IP, or its VPC's implicit one.
func (rw *refWorld) subnetKey(i *engine.Instance) string {
	if s := rw.subnet(i); s != nil {
		return s.ID
	}
	return i.VPC + " (implicit)"
}

func (rw *refWorld) subnet(i *engine.Instance) *engine.Subnet {
	for _, s := range rw.w.Subnets {
		if s.VPC == i.VPC && (s.ID == i.Subnet || (i.Subnet == "" && s.CIDR.Contains(i.PrivateIP))) {
			return s
		}
	}
	return nil
}

// aclAllows reads the entries of the instance's subnet's network ACL in
// ascending rule order; the first that matches decides, and none denies.
func (rw *refWorld) aclAllows(i *engine.Instance, d engine.Direction, p engine.Protocol, port, typ, code int, addr netip.Addr) bool {
	aclID := ""
	if s := rw.subnet(i); s != nil {
		aclID = s.NetworkACL
	}
	var acl *engine.NetworkACL
	for _, a := range rw.w.NetworkACLs {
		if a.VPC == i.VPC && ((aclID == "" && a.Name == "default") || a.ID == aclID) {
			acl = a
			break
		}
	}
	if acl == nil {
		return false
	}
	entries := slices.Clone(acl.Entries(d))
	slices.SortFunc(entries, func(a, b engine.ACLEntry) int { return a.Rule - b.Rule })
	for _, e := range entries {
		if refEntryMatches(e, p, port, typ, code) && e.CIDR.Contains(addr) {
			return e.Action == engine.Allow
		}
	}
	return false
}

func refEntryMatches(e engine.ACLEntry, p engine.Protocol, port, typ, code int) bool {
	switch {
	case e.Protocol == engine.ProtoAll:
		return true
	case e.Protocol != p:
		return false
	case p == engine.ProtoTCP || p == engine.ProtoUDP:
		return e.Ports.Lo <= port && port <= e.Ports.Hi
	case p == engine.ProtoICMP || p == engine.ProtoICMPv6:
		return (e.Ports.Lo == engine.AnyPort || e.Ports.Lo == typ) && (e.Ports.Hi == engine.AnyPort || e.Ports.Hi == code)
	}
	return false
}
