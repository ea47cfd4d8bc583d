package audit

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/sglab/sglab/engine"
)

// Exposure is what the internet reaches on one interface: every protocol
// and port range on which a packet from an internet address gets through
// the interface's groups (connected, or refused for want of a listener:
// either way the groups let it in).
type Exposure struct {
	Machine string // the instance's (interface's) id
	Name    string
	Open    []Open
}

// Open is one protocol and port range the internet reaches, and from where.
type Open struct {
	Protocol engine.Protocol  // tcp, udp, or icmp / icmpv6 for a ping
	Ports    engine.PortRange // tcp and udp; zero for a ping
	// From is the range of sources: 0.0.0.0/0 or ::/0 for anyone, or the
	// rule's public range that a source from it gets through by.
	From string
}

// Exposures computes, with the engine, what reaches each instance from
// the internet. It never reads what a rule allows to decide: every
// verdict is engine.Evaluate's. The rules only say where to look: the
// source ranges worth a probe (anyone, and each public range a rule
// names) and the port boundaries between which every rule's verdict is
// the same, so that one port stands for its whole segment.
func Exposures(w *engine.World) []Exposure {
	e := newExposer(w)
	var out []Exposure
	for _, m := range w.Instances {
		if open := e.machine(m); len(open) > 0 {
			out = append(out, Exposure{Machine: m.ID, Name: m.Name, Open: open})
		}
	}
	return out
}

type exposer struct {
	w          *engine.World
	anyone     [2]netip.Addr // an IPv4 and an IPv6 address that only /0 rules name
	anyoneText [2]string
	vpcs       []netip.Prefix
	owned      map[netip.Addr]bool
	cache      map[*engine.Group]*groupProbes
	// Buffers reused from one machine to the next.
	rules   []engine.Rule
	sources []source
}

func newExposer(w *engine.World) *exposer {
	e := &exposer{w: w, owned: map[netip.Addr]bool{}, cache: map[*engine.Group]*groupProbes{}}
	for _, v := range w.VPCs {
		e.vpcs = append(e.vpcs, v.CIDR)
		if v.IPv6CIDR.IsValid() {
			e.vpcs = append(e.vpcs, v.IPv6CIDR)
		}
	}
	for _, i := range w.Instances {
		e.owned[i.PublicIP], e.owned[i.PrivateIP], e.owned[i.IPv6] = true, true, true
	}
	var narrow []netip.Prefix
	for _, g := range w.Groups {
		for _, r := range g.Inbound {
			if !r.Peer.IsGroup() && r.Peer.CIDR.Bits() > 0 {
				narrow = append(narrow, r.Peer.CIDR)
			}
		}
	}
	// Network ACL entries name ranges too: a deny of one address must not
	// stand for anyone.
	for _, a := range w.NetworkACLs {
		for _, d := range []engine.Direction{engine.Inbound, engine.Outbound} {
			for _, x := range a.Entries(d) {
				if x.CIDR.Bits() > 0 {
					narrow = append(narrow, x.CIDR)
				}
			}
		}
	}
	e.anyone[0] = e.pickAnyone(narrow, netip.MustParseAddr("198.51.100.77"), 4)
	e.anyone[1] = e.pickAnyone(narrow, netip.MustParseAddr("2001:db8:5eed::77"), 6)
	e.anyoneText = [2]string{e.anyone[0].String(), e.anyone[1].String()}
	return e
}

// pickAnyone finds an internet address that no rule names except with a
// /0: a packet from it is a packet from "anyone".
func (e *exposer) pickAnyone(narrow []netip.Prefix, start netip.Addr, family int) netip.Addr {
	a := start
	for range 1 << 16 {
		if e.usable(a) && !slices.ContainsFunc(narrow, func(p netip.Prefix) bool { return p.Contains(a) }) {
			return a
		}
		a = step(a, family)
	}
	return start
}

// step moves to an address in another /8 (IPv4) or /16 (IPv6), so that a
// few steps leave any one rule's range.
func step(a netip.Addr, family int) netip.Addr {
	b := a.AsSlice()
	if family == 4 {
		b[0] += 37
		b[3]++
	} else {
		b[1] += 37
		b[15]++
	}
	n, _ := netip.AddrFromSlice(b)
	return n
}

// usable reports whether a is an internet address a probe can come from:
// outside every VPC and no instance's (a host's address is on the
// internet, so a packet from it is one from the internet).
func (e *exposer) usable(a netip.Addr) bool {
	return a.IsValid() && !e.owned[a] && !slices.ContainsFunc(e.vpcs, func(p netip.Prefix) bool { return p.Contains(a) })
}

// source is one probe: an address and the range it stands for.
type source struct {
	addr netip.Addr
	from string
}

// groupProbes is what one group contributes to every machine it is on:
// its rules with a CIDR (only those can let in a packet from the internet;
// a group reference matches private addresses only) and a probe address
// for each narrower range they name.
type groupProbes struct {
	rules   []engine.Rule
	sources []source
}

func (e *exposer) probes(g *engine.Group) *groupProbes {
	if gp, ok := e.cache[g]; ok {
		return gp
	}
	gp := &groupProbes{}
	for _, r := range g.Inbound {
		if r.Peer.IsGroup() || !e.fromInternet(r.Peer.CIDR) {
			continue
		}
		gp.rules = append(gp.rules, r)
		if p := r.Peer.CIDR; p.Bits() > 0 {
			if a := e.probeIn(p); a.IsValid() {
				gp.sources = append(gp.sources, source{a, p.String()})
			}
		}
	}
	e.cache[g] = gp
	return gp
}

// fromInternet reports whether a range holds any address outside the VPCs.
func (e *exposer) fromInternet(p netip.Prefix) bool {
	return !slices.ContainsFunc(e.vpcs, func(v netip.Prefix) bool { return v.Bits() <= p.Bits() && v.Contains(p.Addr()) })
}

func (e *exposer) machine(m *engine.Instance) []Open {
	rules, sources := e.rules[:0], e.sources[:0]
	sources = append(sources, source{e.anyone[0], "0.0.0.0/0"}, source{e.anyone[1], "::/0"})
	for _, g := range e.w.GroupsOf(m) {
		gp := e.probes(g)
		rules = append(rules, gp.rules...)
		for _, s := range gp.sources {
			if !slices.Contains(sources, s) {
				sources = append(sources, s)
			}
		}
	}
	e.rules, e.sources = rules, sources
	if len(rules) == 0 {
		return nil
	}
	// The network ACL of the machine's subnet lets in less than the groups
	// do, never more: its inbound entries' ports and ranges are more
	// places where a verdict can change.
	if acl := e.w.ACLOf(m.VPC, e.w.SubnetOf(m)); acl != nil {
		for _, x := range acl.Sorted(engine.Inbound) {
			if !e.fromInternet(x.CIDR) {
				continue
			}
			rules = append(rules, engine.Rule{Protocol: x.Protocol, Ports: x.Ports, Peer: engine.CIDRPeer(x.CIDR)})
			if x.CIDR.Bits() > 0 {
				if a := e.probeIn(x.CIDR); a.IsValid() && !slices.Contains(sources, source{a, x.CIDR.String()}) {
					sources = append(sources, source{a, x.CIDR.String()})
				}
			}
		}
		e.rules, e.sources = rules, sources
	}
	// Whether the machine has an address of each family to reach it on.
	var reachable [2]bool
	for k, a := range e.anyone {
		r := engine.Evaluate(e.w, engine.Connection{From: e.anyoneText[k], To: m.ID, Protocol: engine.ProtoTCP, Port: 1})
		reachable[k] = r.Reason != engine.Unreachable && a.IsValid()
	}
	if !reachable[0] && !reachable[1] {
		return nil
	}
	var open []Open
	cuts := map[engine.Protocol][]int{}
	for _, s := range sources {
		if !reachable[0] && s.addr.Is4() || !reachable[1] && s.addr.Is6() {
			continue
		}
		from := s.addr.String()
		ping := engine.ProtoICMP
		if s.addr.Is6() {
			ping = engine.ProtoICMPv6
		}
		r := engine.Evaluate(e.w, engine.Connection{From: from, To: m.ID, Protocol: ping})
		if r.Reason == engine.Unreachable {
			continue // no address of this family to reach it on
		}
		if r.Outcome != engine.Timeout {
			open = append(open, Open{Protocol: ping, From: s.from})
		}
		// The port boundaries of the rules that could match this source:
		// between two, every rule's verdict is the same.
		cuts[engine.ProtoTCP] = append(cuts[engine.ProtoTCP][:0], 0, 65536)
		cuts[engine.ProtoUDP] = append(cuts[engine.ProtoUDP][:0], 0, 65536)
		for _, r := range rules {
			if !r.Peer.CIDR.Contains(s.addr) {
				continue
			}
			if r.Protocol.HasPorts() {
				cuts[r.Protocol] = append(cuts[r.Protocol], r.Ports.Lo, r.Ports.Hi+1)
			}
		}
		for _, proto := range []engine.Protocol{engine.ProtoTCP, engine.ProtoUDP} {
			c := cuts[proto]
			slices.Sort(c)
			c = slices.Compact(c)
			start := -1
			for k := 0; k+1 < len(c); k++ {
				r := engine.Evaluate(e.w, engine.Connection{From: from, To: m.ID, Protocol: proto, Port: c[k]})
				reached := r.Outcome != engine.Timeout
				switch {
				case reached && start < 0:
					start = c[k]
				case !reached && start >= 0:
					open = append(open, Open{Protocol: proto, Ports: engine.PortRange{Lo: start, Hi: c[k] - 1}, From: s.from})
					start = -1
				}
			}
			if start >= 0 {
				open = append(open, Open{Protocol: proto, Ports: engine.PortRange{Lo: start, Hi: 65535}, From: s.from})
			}
		}
	}
	open = dropCovered(open)
	slices.SortStableFunc(open, func(x, y Open) int {
		return cmp.Or(cmp.Compare(x.Protocol, y.Protocol), cmp.Compare(x.Ports.Lo, y.Ports.Lo), cmp.Compare(x.From, y.From))
	})
	return open
}

// probeIn returns an internet address inside p to send from, or an invalid
// address when p holds none (a VPC's own range, say).
func (e *exposer) probeIn(p netip.Prefix) netip.Addr {
	first := p.Masked().Addr()
	if e.usable(first) {
		return first
	}
	if n := first.Next(); p.Contains(n) && e.usable(n) {
		return n
	}
	return netip.Addr{}
}

// dropCovered leaves out what a narrower source reaches where anyone of
// its address family reaches it too.
func dropCovered(open []Open) []Open {
	isAnyone := func(o Open) bool { return o.From == "0.0.0.0/0" || o.From == "::/0" }
	family := func(from string) bool { return netip.MustParsePrefix(from).Addr().Is4() }
	return slices.DeleteFunc(open, func(o Open) bool {
		if isAnyone(o) {
			return false
		}
		return slices.ContainsFunc(open, func(a Open) bool {
			return isAnyone(a) && a.Protocol == o.Protocol && family(a.From) == family(o.From) &&
				a.Ports.Lo <= o.Ports.Lo && o.Ports.Hi <= a.Ports.Hi
		})
	})
}
