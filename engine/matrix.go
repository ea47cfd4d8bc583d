package engine

import (
	"net/netip"
	"slices"
)

// Matrix is the outcome of tcp connections from every instance and host to
// every other, on a set of ports: the lab's reachability view and the
// exposure report of large worlds.
type Matrix struct {
	Endpoints []Endpoint // instances, then hosts: sources and destinations alike
	Ports     []int
	cells     []Reason // [src][dst][port]
}

// At returns the reason (and so the outcome) of a tcp connection from
// endpoint src to endpoint dst on Ports[port]. It is ReasonNone when src
// and dst are the same machine.
func (m *Matrix) At(src, dst, port int) Reason {
	return m.cells[(src*len(m.Endpoints)+dst)*len(m.Ports)+port]
}

// BuildMatrix evaluates every pair of machines on the given tcp ports. It
// gives the same answers as Evaluate, from the same compiled rules and the
// same routing, but instead of scanning rules for each connection it turns
// each group's rules into bit sets of the machines they allow, once per
// port, so that a cell costs a few bit tests.
func BuildMatrix(w *World, ports []int) *Matrix {
	x := w.compiled()
	ep := make([]Endpoint, 0, len(x.instances)+len(x.hosts))
	for _, i := range x.instances {
		ep = append(ep, Endpoint{Instance: i})
	}
	for _, h := range x.hosts {
		ep = append(ep, Endpoint{Host: h})
	}
	m := &Matrix{Endpoints: ep, Ports: slices.Clone(ports), cells: make([]Reason, len(ep)*len(ep)*len(ports))}
	b := newMatrixBuilder(x, ep, ports)
	n, np := len(ep), len(ports)
	for s := range n {
		src := ep[s].Instance
		for d := range n {
			cell := m.cells[(s*n+d)*np : (s*n+d+1)*np]
			if s == d {
				continue
			}
			v := private
			// Two instances of one VPC, the common case, need no routing.
			if dst := ep[d].Instance; src == nil || dst == nil || src.VPC != dst.VPC {
				if routeNamed(&ep[s], &ep[d]).why != reachable {
					fill(cell, Unreachable)
					continue
				}
				v = public
			}
			if b.acls != nil {
				b.cellsWithACLs(cell, s, d, v)
				continue
			}
			for p := range np {
				switch {
				case ep[s].Instance != nil && !b.allows(s, Outbound, p, v, d):
					cell[p] = OutboundBlocked
				case ep[d].Instance != nil && !b.allows(d, Inbound, p, v, s):
					cell[p] = InboundBlocked
				case b.listens[d*np+p]:
					cell[p] = Allowed
				default:
					cell[p] = NoListener
				}
			}
		}
	}
	return m
}

// cellsWithACLs fills the cells of machine s to machine d in a world with
// network ACLs: the seven steps of the contract, in order.
func (b *matrixBuilder) cellsWithACLs(cell []Reason, s, d int, v view) {
	srcInst, dstInst := s < len(b.x.insts), d < len(b.x.insts)
	crosses := !(v == private && srcInst && dstInst && b.x.insts[s].subnet >= 0 && b.x.insts[s].subnet == b.x.insts[d].subnet)
	reply := b.np // the reply slot: to an instance's port 32768
	if !srcInst {
		reply++ // a host's: 49152
	}
	for p := range b.np {
		switch {
		case srcInst && !b.allows(s, Outbound, p, v, d):
			cell[p] = OutboundBlocked
		case crosses && srcInst && !b.aclAllows(s, Outbound, p, v, d):
			cell[p] = ACLOutboundBlocked
		case crosses && dstInst && !b.aclAllows(d, Inbound, p, v, s):
			cell[p] = ACLInboundBlocked
		case dstInst && !b.allows(d, Inbound, p, v, s):
			cell[p] = InboundBlocked
		case crosses && ((dstInst && !b.aclAllows(d, Outbound, reply, v, s)) || (srcInst && !b.aclAllows(s, Inbound, reply, v, d))):
			cell[p] = ACLReplyBlocked
		case b.listens[d*b.np+p]:
			cell[p] = Allowed
		default:
			cell[p] = NoListener
		}
	}
}

// aclAllows reports whether machine k's network ACL lets, in direction d
// on port slot p, a packet to or from machine peer in view v through.
func (b *matrixBuilder) aclAllows(k int, d Direction, p int, v view, peer int) bool {
	a := b.x.insts[k].acl
	if a < 0 {
		return false
	}
	set := b.acls[((int(a)*2+int(d))*(b.np+2)+p)*int(views)+int(v)]
	return set.has(b.orders[v].pos[peer])
}

// aclSets computes what each network ACL lets through, per direction, port
// slot (the matrix's ports, then the replies' ports 32768 and 49152) and
// view: the entries applied from the last to the first, each setting or
// clearing the machines its range holds, leave each machine as the first
// entry that matches it decides.
func (b *matrixBuilder) aclSets(ports []int) {
	x := b.x
	slots := append(slices.Clone(ports), DefaultLinuxSourcePort, DefaultOutsideSourcePort)
	b.acls = make([]bitset, len(x.acls)*2*len(slots)*int(views))
	for a := range x.acls {
		for d := range Direction(2) {
			entries := x.acls[a].entries[d]
			for p, port := range slots {
				key := keyOf(TCP(port))
				for v := range views {
					set := newBitset(len(b.orders[v].addrs))
					for k := len(entries) - 1; k >= 0; k-- {
						e := &entries[k]
						if !e.admits(key) || e.fam == noFamily {
							continue
						}
						lo, hi := b.orders[v].span(e.bounds())
						if x.entries[e.ref].allow {
							set.setRange(lo, hi)
						} else {
							set.clearRange(lo, hi)
						}
					}
					b.acls[((a*2+int(d))*len(slots)+p)*int(views)+int(v)] = set
				}
			}
		}
	}
}

func fill(cell []Reason, r Reason) {
	for k := range cell {
		cell[k] = r
	}
}

// view is which address of a machine a packet carries: its private IP on a
// path inside one VPC, its internet address (public IP, host IP) otherwise.
type view uint8

const (
	private view = iota
	public
	views
)

// bitset is a set of machines, in a view's address order.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) has(k int) bool { return k >= 0 && b[k>>6]&(1<<(k&63)) != 0 }

func (b bitset) set(k int) { b[k>>6] |= 1 << (k & 63) }

func (b bitset) or(o bitset) {
	for k := range b {
		b[k] |= o[k]
	}
}

// setRange sets members lo to hi-1.
func (b bitset) setRange(lo, hi int) { b.eachRange(lo, hi, func(w int, mask uint64) { b[w] |= mask }) }

// clearRange clears members lo to hi-1.
func (b bitset) clearRange(lo, hi int) {
	b.eachRange(lo, hi, func(w int, mask uint64) { b[w] &^= mask })
}

func (b bitset) eachRange(lo, hi int, fn func(w int, mask uint64)) {
	for lo < hi {
		w := lo >> 6
		end := min(hi, (w+1)<<6)
		mask := ^uint64(0) << (lo & 63)
		if end-(w<<6) < 64 {
			mask &= (1 << (end & 63)) - 1
		}
		fn(w, mask)
		lo = end
	}
}

// order is the machines sorted by one view's address, so that the machines
// inside a CIDR are one contiguous run.
type order struct {
	addrs []addrKey // sorted
	pos   []int     // machine -> position in addrs, -1 when it has none
}

// addrKey is an address in the matcher's 128-bit form, IPv4 before IPv6,
// for sorting and searching without netip's general comparison.
type addrKey struct {
	fam    uint8
	hi, lo uint64
}

func keyOfAddr(a netip.Addr) addrKey {
	hi, lo, fam := addr128(a)
	return addrKey{fam, hi, lo}
}

func (a addrKey) less(b addrKey) bool {
	if a.fam != b.fam {
		return a.fam < b.fam
	}
	if a.hi != b.hi {
		return a.hi < b.hi
	}
	return a.lo < b.lo
}

func newOrder(ep []Endpoint, addr func(Endpoint) netip.Addr) order {
	type entry struct {
		a addrKey
		k int
	}
	var es []entry
	for k, e := range ep {
		if a := addr(e); a.IsValid() {
			es = append(es, entry{keyOfAddr(a), k})
		}
	}
	slices.SortFunc(es, func(x, y entry) int {
		if x.a.less(y.a) {
			return -1
		}
		if y.a.less(x.a) {
			return 1
		}
		return 0
	})
	o := order{addrs: make([]addrKey, len(es)), pos: make([]int, len(ep))}
	for k := range o.pos {
		o.pos[k] = -1
	}
	for k, e := range es {
		o.addrs[k], o.pos[e.k] = e.a, k
	}
	return o
}

// span returns the positions of the addresses from first to last.
func (o order) span(first, last addrKey) (lo, hi int) {
	return o.search(func(a addrKey) bool { return a.less(first) }), o.search(func(a addrKey) bool { return !last.less(a) })
}

// search returns the first position whose address is not before, as the
// addresses are sorted.
func (o order) search(before func(addrKey) bool) int {
	lo, hi := 0, len(o.addrs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if before(o.addrs[m]) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

type matrixBuilder struct {
	x       *compiled
	orders  [views]order
	np      int
	allowed []bitset // [machine][direction][port][view], instances only
	listens []bool   // [machine][port]
	// acls is what each network ACL lets through, [acl][direction][port
	// slot][view]; nil in a world without subnets and ACLs.
	acls []bitset
}

func newMatrixBuilder(x *compiled, ep []Endpoint, ports []int) *matrixBuilder {
	np := len(ports)
	b := &matrixBuilder{x: x, np: np, listens: make([]bool, len(ep)*np), allowed: make([]bitset, len(ep)*2*np*int(views))}
	b.orders[private] = newOrder(ep, func(e Endpoint) netip.Addr {
		if e.Instance != nil {
			return e.Instance.PrivateIP
		}
		return netip.Addr{}
	})
	b.orders[public] = newOrder(ep, Endpoint.internetAddr)
	for k, e := range ep {
		for p, port := range ports {
			b.listens[k*np+p] = e.Listens(ProtoTCP, port)
		}
	}

	// Members of each group, in the private view: group references match
	// only there. Instances come first among the endpoints, in the
	// compiled world's order.
	members := make([]bitset, len(x.groups))
	for k := range x.insts {
		for _, g := range x.insts[k].groups {
			if members[g] == nil {
				members[g] = newBitset(len(b.orders[private].addrs))
			}
			members[g].set(b.orders[private].pos[k])
		}
	}

	// What each group allows, per direction, port and view, computed once
	// and shared by every instance the group is attached to.
	groupSets := make([][]bitset, len(x.groups))
	for g := range x.groups {
		groupSets[g] = b.groupAllows(x.grules[g], ports, members)
	}
	for k := range x.insts {
		for _, g := range x.insts[k].groups {
			sets := groupSets[g]
			for j := range sets {
				dst := &b.allowed[k*2*np*int(views)+j]
				if *dst == nil {
					*dst = slices.Clone(sets[j])
				} else {
					dst.or(sets[j])
				}
			}
		}
	}
	if x.hasACLs {
		b.aclSets(ports)
	}
	return b
}

// groupAllows turns a group's compiled rules into the sets of machines
// they allow, per direction, port and view. Which machines a rule's range
// holds depends on the view only, so it is found once per rule.
func (b *matrixBuilder) groupAllows(rules [2][]crule, ports []int, members []bitset) []bitset {
	sets := make([]bitset, 2*len(ports)*int(views))
	for k := range sets {
		sets[k] = newBitset(len(b.orders[view(k%int(views))].addrs))
	}
	for d := range Direction(2) {
		for k := range rules[d] {
			r := &rules[d][k]
			var spans [views][2]int
			if r.fam != 0 && r.fam != noFamily {
				first, last := r.bounds()
				for v := range views {
					spans[v][0], spans[v][1] = b.orders[v].span(first, last)
				}
			}
			for p, port := range ports {
				if !r.admits(keyOf(TCP(port))) {
					continue
				}
				for v := range views {
					set := sets[(int(d)*len(ports)+p)*int(views)+int(v)]
					switch g := r.group(); {
					case g >= 0 && v == private:
						if int(g) < len(members) && members[g] != nil {
							set.or(members[g])
						}
					case g < 0:
						set.setRange(spans[v][0], spans[v][1])
					}
				}
			}
		}
	}
	return sets
}

// allows reports whether machine k's groups allow, in direction d on port
// p, the machine peer seen in view v.
func (b *matrixBuilder) allows(k int, d Direction, p int, v view, peer int) bool {
	set := b.allowed[((k*2+int(d))*b.np+p)*int(views)+int(v)]
	return set != nil && set.has(b.orders[v].pos[peer])
}

// Count returns how many cells of each reason the matrix holds.
func (m *Matrix) Count() map[Reason]int {
	out := map[Reason]int{}
	for _, c := range m.cells {
		out[c]++
	}
	return out
}
