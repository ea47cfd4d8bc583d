package engine

import (
	"encoding/binary"
	"net/netip"
)

// This file is the one place that decides whether a rule lets a packet
// through. Evaluation, the reachability matrix, validation's warnings and
// the lessons' goals all ask it; a new kind of rule (a network ACL entry:
// numbered, allow or deny, protocol, ports, CIDR) compiles to the same
// crule and is matched by the same code.

// Traffic is what a rule looks at in a packet besides its addresses: the
// protocol and, for tcp and udp, the destination port; for icmp and
// icmpv6, the type (in Port) and the code.
type Traffic struct {
	Protocol Protocol
	Port     int
	Code     int
}

// TCP is tcp traffic to port.
func TCP(port int) Traffic { return Traffic{Protocol: ProtoTCP, Port: port} }

// TrafficOf is the traffic of a test connection: for icmp and icmpv6, the
// echo request (type 8 or 128, code 0).
func TrafficOf(c Connection) Traffic { return trafficOf(c.Protocol, c.Port) }

// trafficOf is TrafficOf from the two fields of the connection it reads:
// evaluation gets them without copying the whole connection.
func trafficOf(p Protocol, port int) Traffic {
	t := Traffic{Protocol: p, Port: port}
	if p.IsICMP() {
		t.Port, t.Code = echoRequest(p)
	}
	return t
}

// echoRequest is the icmp type and code of a ping.
func echoRequest(p Protocol) (typ, code int) {
	if p == ProtoICMPv6 {
		return 128, 0
	}
	return 8, 0
}

// Admits reports whether the rule's protocol and ports let traffic t
// through, whatever its source or destination.
func (r Rule) Admits(t Traffic) bool { return newFilter(r.Protocol, r.Ports).admits(keyOf(t)) }

// The matcher reads a packet's protocol and ports as one 32-bit key: the
// protocol number in the high half, and in the low half a tcp or udp port,
// or an icmp type and code as type<<8|code. A filter is then one range of
// keys, whatever the protocol: a port range, a type with every code, one
// type and code, every packet of a protocol, or (`all`) every key. One
// subtraction and one comparison decide: a key of another protocol falls
// outside the range because no range crosses a protocol's 65,536 keys.

// trafficKey is a packet's key.
type trafficKey uint32

func keyOf(t Traffic) trafficKey {
	k := trafficKey(uint8(t.Protocol)) << 16
	switch {
	case t.Protocol.HasPorts():
		k |= trafficKey(clampPort(t.Port))
	case t.Protocol.IsICMP():
		k |= trafficKey(min(max(t.Port, 0), 255))<<8 | trafficKey(min(max(t.Code, 0), 255))
	}
	return k
}

// filter is a rule's protocol and ports as the matcher reads them: the
// first key let through, and how many keys after it are let through too.
type filter struct {
	lo, span uint32
}

func newFilter(p Protocol, r PortRange) filter {
	if p == ProtoAll {
		return filter{0, 0xffffffff}
	}
	proto := uint32(uint8(p)) << 16
	f := filter{proto, 0xffff} // every packet of the protocol
	switch {
	case p < 0 || p > 255:
		return filter{0xffffffff, 0} // no such protocol, which validation refuses: nothing
	case p.HasPorts():
		lo, hi := clampPort(r.Lo), clampPort(r.Hi)
		if hi < lo {
			return filter{0xffffffff, 0} // a backwards range, which validation refuses: nothing
		}
		f = filter{proto | uint32(lo), uint32(hi - lo)}
	case p.IsICMP() && r.Lo != AnyPort:
		f = filter{proto | uint32(min(max(r.Lo, 0), 255))<<8, 0xff}
		if r.Hi != AnyPort {
			f.lo |= uint32(min(max(r.Hi, 0), 255))
			f.span = 0
		}
	}
	return f
}

// noFamily marks a compiled rule whose range is missing: it matches nothing.
const noFamily = 0xff

// clampPort keeps a port of a rule that validation has not seen yet (the
// lab's, before a change is checked) from wrapping around.
func clampPort(n int) uint16 { return uint16(min(max(n, 0), 65535)) }

// admits reports whether the protocol and ports let a packet through.
func (f filter) admits(k trafficKey) bool { return uint32(k)-f.lo <= f.span }

// reaches reports whether the filter lets any packet of protocol p through.
func (f filter) reaches(p Protocol) bool {
	first := uint32(keyOf(Traffic{Protocol: p})) &^ 0xffff
	return f.lo <= first|0xffff && f.lo+f.span >= first
}

// crule is a rule compiled for matching, in 32 bytes: its filter, and its
// peer, either an address range in 128-bit form or a group number.
type crule struct {
	hi, lo uint64 // the range's first address, IPv4 in the low 32 bits; for a group reference, lo is the group's number
	filter
	bits uint8 // the prefix length counted in 128 bits (IPv4's plus 96)
	fam  uint8 // 4 or 6, or 0 for a group reference
	ref  int32 // the rule's number in the compiled world's rule table
}

// compileRule compiles a rule whose peer is group number group, or an
// address range when group is -1.
func compileRule(r *Rule, group int32, ref int32) crule {
	c := crule{filter: newFilter(r.Protocol, r.Ports), ref: ref}
	if group >= 0 {
		c.lo = uint64(group)
		return c
	}
	p := r.Peer.CIDR.Masked()
	c.hi, c.lo, c.fam = addr128(p.Addr())
	c.bits = uint8(p.Bits())
	switch c.fam {
	case 4:
		c.bits += 96
	case 0:
		c.fam = noFamily // a rule of a world being checked, without a range yet
	}
	return c
}

// group is the number of the group a rule references, or -1.
func (c *crule) group() int32 {
	if c.fam != 0 {
		return -1
	}
	return int32(c.lo)
}

// addr128 spreads an address over two words, with its family; IPv4 takes
// the low 32 bits, so that one comparison serves both families.
func addr128(a netip.Addr) (hi, lo uint64, fam uint8) {
	if a.Is4() {
		b := a.As4()
		return 0, uint64(binary.BigEndian.Uint32(b[:])), 4
	}
	return addr128v6(a)
}

func addr128v6(a netip.Addr) (hi, lo uint64, fam uint8) {
	if !a.Is6() {
		return 0, 0, 0
	}
	b := a.As16()
	return binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:]), 6
}

// A packet, as the rules of one side see it, is its traffic key, the
// other end's address, and the other end's instance when a group
// reference can match (a private path from or to an instance), nil
// otherwise. The matcher takes the three as arguments, not as one struct,
// so that they stay in registers.

// matches is the one decision: protocol and ports, then the peer.
func (c *crule) matches(key trafficKey, a addrKey, other *cinst) bool {
	return c.admits(key) && c.peerMatches(a, other)
}

func (c *crule) peerMatches(a addrKey, other *cinst) bool {
	if c.fam == 0 {
		return c.memberOf(other)
	}
	return c.fam == a.fam && c.holds(a.hi, a.lo)
}

// memberOf reports whether instance inst, if any, has the group the rule
// references: a group reference matches only such an instance, on a
// private path.
func (c *crule) memberOf(inst *cinst) bool {
	if inst == nil {
		return false
	}
	for _, g := range inst.groups {
		if uint64(g) == c.lo {
			return true
		}
	}
	return false
}

// holds reports whether the rule's range holds an address of its family:
// the address agrees with the range's first one on every bit the prefix
// fixes.
func (c *crule) holds(hi, lo uint64) bool {
	m := &prefixMasks[c.bits]
	return (hi^c.hi)&m[0]|(lo^c.lo)&m[1] == 0
}

// prefixMasks are, for each prefix length counted in 128 bits, the bits it
// fixes in an address's high and low word. holds and bounds read them
// rather than shifting by the length: a shift needs a branch for a word
// the prefix fixes wholly or not at all, and holds runs for every rule
// firstMatch looks at.
var prefixMasks = func() (m [129][2]uint64) {
	for b := range m {
		// A shift by 64 gives 0 in Go: no bit of that word is fixed.
		m[b] = [2]uint64{^uint64(0) << (64 - min(b, 64)), ^uint64(0) << (128 - max(b, 64))}
	}
	return m
}()

// firstMatch returns the number, plus one, of the first rule that lets the
// packet through, or zero: the loop an untraced evaluation spends its time
// in. It is matches, spelled out so that the common tests (protocol and
// port, then a range of the packet's family) run inline with the key and
// the address in registers.
func firstMatch(rules []crule, key trafficKey, a addrKey, other *cinst) int32 {
	for k := range rules {
		c := &rules[k]
		if !c.admits(key) {
			continue
		}
		if c.fam == a.fam {
			if c.holds(a.hi, a.lo) {
				return c.ref + 1
			}
		} else if c.fam == 0 && c.memberOf(other) {
			return c.ref + 1
		}
	}
	return 0
}

// bounds are the first and last address of a compiled rule's range.
func (c *crule) bounds() (first, last addrKey) {
	m := &prefixMasks[c.bits]
	return addrKey{c.fam, c.hi, c.lo}, addrKey{c.fam, c.hi | ^m[0], c.lo | ^m[1]}
}
