package engine

import "net/netip"

// path is step 1 of an evaluation: the addresses a packet carries, or why
// there are none.
type path struct {
	src, dst netip.Addr // the source as the destination sees it; the destination
	private  bool       // the packet stays inside one VPC
	why      unreachableCause
}

// route picks the addresses on both ends, following the format's rules.
func (r *Result) route() {
	if src, dst := r.From.Instance, r.To.Instance; src != nil && dst != nil && r.x.insts[r.from].vpc == r.x.insts[r.to].vpc &&
		(!r.To.Addr.IsValid() || r.To.Addr == dst.PrivateIP && dst.PrivateIP.Is4()) {
		// The common case, decided without a call: two instances of one
		// VPC, the destination named or written as its private IPv4
		// address, which is what routeToAddr would decide at more cost.
		r.SrcAddr, r.DstAddr, r.Private = src.PrivateIP, dst.PrivateIP, true
		return
	}
	var p path
	switch {
	case r.From.Addr.IsValid() && !r.From.known() && r.x.inAnyVPC(r.From.Addr):
		// A private address of no machine: nothing sends from it.
		p.why = privateFromOutside
	case r.To.Addr.IsValid():
		p = r.x.routeToAddr(&r.From, &r.To)
	default:
		p = routeNamed(&r.From, &r.To)
	}
	r.SrcAddr, r.DstAddr, r.Private, r.why = p.src, p.dst, p.private, p.why
}

// routeNamed routes to a destination named by id or name (an instance or a
// host): inside one VPC over the private addresses, otherwise over the
// internet, where the source's address family decides.
func routeNamed(from, to *Endpoint) (p path) {
	src, dst := from.Instance, to.Instance
	if src != nil && dst != nil && src.VPC == dst.VPC {
		return path{src: src.PrivateIP, dst: dst.PrivateIP, private: true}
	}
	// A host has one address, which decides the family; an instance uses
	// its public IPv4.
	if srcIP := from.internetAddr(); srcIP.Is6() {
		p.src, p.dst = srcIP, to.ipv6()
		if !p.dst.IsValid() {
			p.why = dstNoIPv6
		}
		return p
	}
	p.dst, p.src = to.publicIPv4(), from.publicIPv4()
	switch {
	case !p.dst.IsValid() && to.Host != nil:
		// An IPv6-only host: the source needs IPv6 too.
		p.dst, p.src = to.Host.IP, from.ipv6()
		if !p.src.IsValid() {
			p.why = srcNoIPv6
		}
	case !p.dst.IsValid():
		p.why = dstNoPublicIP
	case !p.src.IsValid():
		p.why = srcNoPublicIP
	}
	return p
}

// routeToAddr routes to a destination written as an address: it is used as
// given, and the source uses an address of the same kind.
func (x *compiled) routeToAddr(from, to *Endpoint) (p path) {
	a, dst := to.Addr, to.Instance
	p.dst = a
	switch {
	case !to.known():
		p.why = nobodyHasAddr
		if x.inAnyVPC(a) {
			p.why = privateFromOutside
		}
	case a.Is6():
		// IPv6 addresses are the same inside and outside a VPC: one of an
		// instance of the source's own VPC is a private path.
		p.src = from.ipv6()
		if !p.src.IsValid() {
			p.why = srcNoIPv6
			return p
		}
		p.private = dst != nil && from.Instance != nil && from.Instance.VPC == dst.VPC
	case dst != nil && a == dst.PrivateIP:
		if from.Instance == nil || from.Instance.VPC != dst.VPC {
			p.why = privateFromOutside
			return p
		}
		p.src, p.private = from.Instance.PrivateIP, true
	default:
		// A public IP or a host's IP: the packet leaves the VPC, so the
		// source is seen by its public address even inside one VPC.
		p.src = from.publicIPv4()
		if !p.src.IsValid() {
			p.why = srcNoPublicIP
		}
	}
	return p
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
