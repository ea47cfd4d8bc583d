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
// gives the same answers as Evaluate, but instead of scanning rules for each
// connection it turns each group's rules into bit sets of the machines they
// allow, once per port, so that a cell costs a few bit tests.
func BuildMatrix(w *World, ports []int) *Matrix {
	w.index()
	ep := make([]Endpoint, 0, len(w.Instances)+len(w.Hosts))
	for _, i := range w.Instances {
		ep = append(ep, Endpoint{Instance: i})
	}
	for _, h := range w.Hosts {
		ep = append(ep, Endpoint{Host: h})
	}
	m := &Matrix{Endpoints: ep, Ports: slices.Clone(ports), cells: make([]Reason, len(ep)*len(ep)*len(ports))}
	b := newMatrixBuilder(w, ep, ports)
	n, np := len(ep), len(ports)
	for s := range n {
		for d := range n {
			cell := m.cells[(s*n+d)*np : (s*n+d+1)*np]
			if s == d {
				continue
			}
			r := Result{w: w, From: ep[s], To: ep[d]}
			r.route()
			if r.why != reachable {
				fill(cell, Unreachable)
				continue
			}
			v := public
			if r.Private {
				v = private
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
func (b bitset) setRange(lo, hi int) {
	for lo < hi {
		w := lo >> 6
		end := min(hi, (w+1)<<6)
		mask := ^uint64(0) << (lo & 63)
		if end-(w<<6) < 64 {
			mask &= (1 << (end & 63)) - 1
		}
		b[w] |= mask
		lo = end
	}
}

// order is the machines sorted by one view's address, so that the machines
// inside a CIDR are one contiguous run.
type order struct {
	addrs []netip.Addr // sorted
	pos   []int        // machine -> position in addrs, -1 when it has none
}

func newOrder(ep []Endpoint, addr func(Endpoint) netip.Addr) order {
	type entry struct {
		a netip.Addr
		k int
	}
	var es []entry
	for k, e := range ep {
		if a := addr(e); a.IsValid() {
			es = append(es, entry{a, k})
		}
	}
	slices.SortFunc(es, func(x, y entry) int { return x.a.Compare(y.a) })
	o := order{addrs: make([]netip.Addr, len(es)), pos: make([]int, len(ep))}
	for k := range o.pos {
		o.pos[k] = -1
	}
	for k, e := range es {
		o.addrs[k], o.pos[e.k] = e.a, k
	}
	return o
}

// span returns the positions of the addresses inside prefix p.
func (o order) span(p netip.Prefix) (lo, hi int) {
	first := p.Masked().Addr()
	lo, _ = slices.BinarySearchFunc(o.addrs, first, netip.Addr.Compare)
	hi = lo
	for hi < len(o.addrs) && p.Contains(o.addrs[hi]) {
		hi++
	}
	return lo, hi
}

type matrixBuilder struct {
	orders  [views]order
	np      int
	allowed []bitset // [machine][direction][port][view], instances only
	listens []bool   // [machine][port]
}

func newMatrixBuilder(w *World, ep []Endpoint, ports []int) *matrixBuilder {
	np := len(ports)
	b := &matrixBuilder{np: np, listens: make([]bool, len(ep)*np), allowed: make([]bitset, len(ep)*2*np*int(views))}
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
	// only there.
	members := map[string]bitset{}
	for k, e := range ep {
		if e.Instance == nil {
			continue
		}
		for _, id := range e.Instance.Groups {
			if members[id] == nil {
				members[id] = newBitset(len(b.orders[private].addrs))
			}
			members[id].set(b.orders[private].pos[k])
		}
	}

	// What each group allows, per direction, port and view, computed once
	// and shared by every instance the group is attached to.
	groupSets := map[*Group][]bitset{}
	for _, g := range w.Groups {
		groupSets[g] = b.groupAllows(g, ports, members)
	}
	for k, e := range ep {
		if e.Instance == nil {
			continue
		}
		for _, g := range w.idx.attached[e.Instance] {
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
	return b
}

func (b *matrixBuilder) groupAllows(g *Group, ports []int, members map[string]bitset) []bitset {
	sets := make([]bitset, 2*len(ports)*int(views))
	for d := range Direction(2) {
		for p, port := range ports {
			for v := range views {
				set := newBitset(len(b.orders[v].addrs))
				sets[(int(d)*len(ports)+p)*int(views)+int(v)] = set
				for k := range g.Rules(d) {
					r := &g.Rules(d)[k]
					if !r.allowsTCP(port) {
						continue
					}
					switch {
					case r.Peer.IsGroup() && v == private:
						if m := members[r.Peer.Group]; m != nil {
							set.or(m)
						}
					case !r.Peer.IsGroup():
						set.setRange(b.orders[v].span(r.Peer.CIDR))
					}
				}
			}
		}
	}
	return sets
}

func (r *Rule) allowsTCP(port int) bool {
	return r.Protocol == ProtoAll || (r.Protocol == ProtoTCP && r.Ports.Lo <= port && port <= r.Ports.Hi)
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
