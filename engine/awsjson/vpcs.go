package awsjson

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// cidr is the one IPv4 range the format gives a VPC.
func (v *vpc) cidr() netip.Prefix {
	if len(v.cidrs) == 0 {
		return netip.Prefix{}
	}
	return cover(v.cidrs)
}

func (v *vpc) ipv6() netip.Prefix {
	if len(v.v6) == 0 {
		return netip.Prefix{}
	}
	return v.v6[0]
}

// cover returns the smallest prefix that holds every prefix given (all of
// one family).
func cover(ps []netip.Prefix) netip.Prefix {
	c := ps[0]
	for _, p := range ps[1:] {
		for !(c.Contains(p.Addr()) && c.Bits() <= p.Bits()) {
			c = netip.PrefixFrom(c.Addr(), c.Bits()-1).Masked()
		}
	}
	return c
}

// buildVPCs settles every VPC's ranges and region, and leaves out the
// addresses the format cannot hold.
func (b *builder) buildVPCs() {
	byVPC := map[string][]*machine{}
	for _, m := range b.machines {
		byVPC[m.vpc] = append(byVPC[m.vpc], m)
	}
	for _, id := range sortedKeys(b.vpcs) {
		v := b.vpcs[id]
		if v.region == "" {
			v.region = b.opt.Region
		}
		ms := byVPC[id]
		switch {
		case !v.known:
			b.guessRanges(v, ms)
		case len(v.cidrs) == 0:
			b.guessRanges(v, ms)
		case len(v.cidrs) > 1:
			list := make([]string, len(v.cidrs))
			for k, p := range v.cidrs {
				list[k] = p.String()
			}
			b.warn(id, "has %d IPv4 CIDR blocks (%s); the format gives a VPC one range: %s, the smallest that holds them all",
				len(v.cidrs), strings.Join(list, ", "), v.cidr())
			v.comments = append(v.comments, "CIDR blocks "+strings.Join(list, ", "))
		}
		if len(v.v6) > 1 {
			b.warn(id, "has %d IPv6 CIDR blocks; the format gives a VPC one: %s (addresses in the others are left out)", len(v.v6), v.v6[0])
			v.comments = append(v.comments, "IPv6 CIDR blocks left out: "+prefixList6(v.v6[1:]))
			v.v6 = v.v6[:1]
		}
		b.vpcList = append(b.vpcList, v)
	}
	b.checkAddresses()
}

func prefixList6(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for k, p := range ps {
		s[k] = p.String()
	}
	return strings.Join(s, ", ")
}

// guessRanges gives a VPC that describe-vpcs did not describe the
// smallest ranges that hold its machines' addresses.
func (b *builder) guessRanges(v *vpc, ms []*machine) {
	var v4, v6 []netip.Prefix
	for _, m := range ms {
		v4 = append(v4, netip.PrefixFrom(m.private, 32))
		if m.ipv6.IsValid() {
			v6 = append(v6, netip.PrefixFrom(m.ipv6, 64).Masked())
		}
	}
	for _, s := range b.subnets {
		if s.vpc == v.id && s.cidr.IsValid() {
			v4 = append(v4, s.cidr)
		}
		if s.vpc == v.id && s.ipv6.IsValid() {
			v6 = append(v6, s.ipv6)
		}
	}
	if len(v4) == 0 {
		v.cidrs = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}
		b.warn(v.id, "the input does not describe this VPC (add describe-vpcs) and nothing in it has an address: written with the range 10.0.0.0/16")
		v.comments = append(v.comments, "not described by the input: the range is a stand-in")
		return
	}
	c := cover(v4)
	if c.Bits() > 16 {
		c = netip.PrefixFrom(c.Addr(), 16).Masked()
	}
	v.cidrs = []netip.Prefix{c}
	if len(v6) > 0 && len(v.v6) == 0 {
		c6 := cover(v6)
		if c6.Bits() > 56 {
			c6 = netip.PrefixFrom(c6.Addr(), 56).Masked()
		}
		v.v6 = []netip.Prefix{c6}
	}
	b.warn(v.id, "the input does not describe this VPC (add describe-vpcs): its range is taken as %s, the smallest /16 or wider that holds its machines", c)
	v.comments = append(v.comments, "not described by the input: the ranges hold its machines' addresses")
}

// checkAddresses leaves out what the format refuses: an address two
// machines share (overlapping VPCs, often the default VPCs of two
// regions), a private IP outside its VPC, an IPv6 address outside the
// VPC's IPv6 range, a public IP inside a VPC's range.
func (b *builder) checkAddresses() {
	owner := map[netip.Addr]string{}
	kept := b.machines[:0]
	for _, m := range b.machines {
		v := b.vpcs[m.vpc]
		if !v.cidr().Contains(m.private) {
			b.warn(m.id, "left out: private IP %s is outside VPC %s's range %s", m.private, v.id, v.cidr())
			b.skipped = append(b.skipped, fmt.Sprintf("%s (%s): left out: private IP %s is outside %s", clean(m.id), m.what, m.private, v.cidr()))
			continue
		}
		if prev, ok := owner[m.private]; ok {
			b.warn(m.id, "left out: private IP %s is also %s's (overlapping VPCs; the format has one address space: import one region or VPC at a time)", m.private, prev)
			b.skipped = append(b.skipped, fmt.Sprintf("%s (%s): left out: %s is also %s's", clean(m.id), m.what, m.private, clean(prev)))
			continue
		}
		owner[m.private] = m.id
		if m.ipv6.IsValid() && (!v.ipv6().IsValid() || !v.ipv6().Contains(m.ipv6)) {
			b.warn(m.id, "IPv6 address %s left out: it is not in VPC %s's IPv6 range", m.ipv6, v.id)
			m.comments = append(m.comments, "IPv6 address "+m.ipv6.String()+" left out: outside the VPC's IPv6 range")
			m.ipv6 = netip.Addr{}
		}
		if m.ipv6.IsValid() {
			if prev, ok := owner[m.ipv6]; ok {
				b.warn(m.id, "IPv6 address %s left out: it is also %s's", m.ipv6, prev)
				m.ipv6 = netip.Addr{}
			} else {
				owner[m.ipv6] = m.id
			}
		}
		if m.public.IsValid() {
			for _, o := range b.vpcList {
				if o.cidr().Contains(m.public) {
					b.warn(m.id, "public IP %s left out: it is inside VPC %s's range", m.public, o.id)
					m.public = netip.Addr{}
					break
				}
			}
		}
		if m.public.IsValid() {
			if prev, ok := owner[m.public]; ok {
				b.warn(m.id, "public IP %s left out: it is also %s's", m.public, prev)
				m.public = netip.Addr{}
			} else {
				owner[m.public] = m.id
			}
		}
		kept = append(kept, m)
	}
	b.machines = slices.Clip(kept)
}
