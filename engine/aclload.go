package engine

import (
	"net/netip"
	"strings"

	"github.com/sglab/sglab/internal/yamlread"
)

// Reading subnets and network ACLs from a scenario file.

var (
	subnetKeys = []string{"id", "name", "vpc", "cidr", "ipv6_cidr", "network_acl"}
	aclKeys    = []string{"id", "name", "vpc", "inbound", "outbound"}
	entryKeys  = []string{"rule", "action", "protocol", "ports", "cidr"}
)

// aclNodes is where a network ACL and each of its entries were read.
type aclNodes struct {
	acl     *yamlread.Node
	entries [2][]*yamlread.Node // by direction, then by the entry's index
}

func (l *loader) subnet(n *yamlread.Node) *Subnet {
	m, ok := l.object(n, "a subnet", subnetKeys)
	if !ok {
		return nil
	}
	s := &Subnet{ID: l.id(m), Name: m.Str("name"), VPC: l.ref(m, "vpc")}
	l.pos.subnets[s] = m.Node()
	if f, ok := m.Need("cidr"); ok {
		s.CIDR = l.prefix(f, 4, "cidr")
	}
	if f, ok := m.Get("ipv6_cidr"); ok {
		s.IPv6CIDR = l.prefix(f, 6, "ipv6_cidr")
	}
	if _, ok := m.Get("network_acl"); ok {
		s.NetworkACL = l.ref(m, "network_acl")
	}
	return s
}

func (l *loader) networkACL(n *yamlread.Node) *NetworkACL {
	m, ok := l.object(n, "a network ACL", aclKeys)
	if !ok {
		return nil
	}
	a := &NetworkACL{ID: l.id(m), Name: m.Str("name"), VPC: l.ref(m, "vpc")}
	nodes := aclNodes{acl: m.Node()}
	for _, d := range [...]Direction{Inbound, Outbound} {
		f, ok := m.Get(d.String())
		if !ok {
			continue
		}
		entries := a.entriesPtr(d)
		l.items(f, func(n *yamlread.Node) {
			if e, at, ok := l.entry(n); ok {
				*entries = append(*entries, e)
				nodes.entries[d] = append(nodes.entries[d], at)
			}
		})
	}
	l.pos.acls[a] = nodes
	return a
}

// entry reads one network ACL entry, reporting each problem at its field.
// An entry with a problem is left out.
func (l *loader) entry(n *yamlread.Node) (ACLEntry, *yamlread.Node, bool) {
	m, ok := l.object(n, "a network ACL entry", entryKeys)
	if !ok {
		return ACLEntry{}, nil, false
	}
	var e ACLEntry
	ok = true
	if f, has := m.Need("rule"); has {
		s, _ := l.r.Scalar(f.Value)
		k, err := parseNumber(s, 99999, "rule")
		if err != nil || k < MinACLRule || k > MaxACLRule {
			l.add(f.Pos, CodeInvalidValue, "rule %q is not a whole number from %d to %d (32767 is AWS's * rule)", s, MinACLRule, MaxACLRule)
			ok = false
		}
		e.Rule = k
	} else {
		ok = false
	}
	if f, has := m.Need("action"); has {
		s, _ := l.r.Scalar(f.Value)
		a, valid := ParseACLAction(s)
		if !valid {
			l.add(f.Pos, CodeInvalidValue, "action is allow or deny, not %q", s)
			ok = false
		}
		e.Action = a
	} else {
		ok = false
	}
	if f, has := m.Need("protocol"); has {
		s, _ := l.r.Scalar(f.Value)
		p, err := ParseProtocol(s)
		switch ports, hasPorts := m.Get("ports"); {
		case err != nil:
			l.add(f.Pos, CodeInvalidValue, "%v", err)
			ok = false
		case hasPorts:
			e.Protocol = p
			text, _ := l.r.Scalar(ports.Value)
			if e.Ports, err = ParsePorts(p, text); err != nil {
				l.add(ports.Pos, CodeInvalidValue, "%v", err)
				ok = false
			}
		case p.HasPorts():
			l.add(m.Pos, CodeMissingField, "a %s entry needs `ports` (a port, a range such as \"1024-65535\", or all)", p)
			ok = false
		default:
			e.Protocol = p
			if p.IsICMP() {
				e.Ports = AnyICMP
			}
		}
	} else {
		ok = false
	}
	if f, has := m.Need("cidr"); has {
		s, _ := l.r.Scalar(f.Value)
		p, changed, err := ParseCIDR(s)
		switch {
		case strings.TrimSpace(s) == "self":
			l.add(f.Pos, CodeInvalidValue, "cidr: a network ACL entry matches addresses only, not self (security groups reference groups; ACLs cannot)")
			ok = false
		case err != nil:
			l.add(f.Pos, CodeInvalidValue, "cidr: %v (a network ACL entry matches an IPv4 or IPv6 CIDR, never a security group)", err)
			ok = false
		case changed:
			l.warn(f.Pos, "cidr %s has host bits set; AWS stores it as %s", s, p)
		}
		e.CIDR = p
	} else {
		ok = false
	}
	if !ok {
		return ACLEntry{}, nil, false
	}
	return e, m.Node(), true
}

// sourcePort reads a connection's source_port.
func (l *loader) sourcePort(f yamlread.Field) int {
	s, _ := l.r.Scalar(f.Value)
	n, err := parseNumber(s, 99999, "source_port")
	if err != nil || n < 1 || n > 65535 {
		l.add(f.Pos, CodeInvalidValue, "source_port %q is not a port from 1 to 65535", s)
		return 0
	}
	return n
}

// The positions of subnets and network ACLs.

func (ps *positions) subnet(s *Subnet, field string) Pos {
	if ps == nil {
		return Pos{}
	}
	return at(ps.subnets[s], field)
}

func (ps *positions) acl(a *NetworkACL, field string) Pos {
	if ps == nil {
		return Pos{}
	}
	return at(ps.acls[a].acl, field)
}

func (ps *positions) entry(a *NetworkACL, d Direction, k int, field string) Pos {
	if ps == nil {
		return Pos{}
	}
	if entries := ps.acls[a].entries[d]; k < len(entries) {
		return at(entries[k], field)
	}
	return Pos{}
}

// checkSubnet validates a subnet: its VPC, its ranges, its ACL, and that
// it overlaps no earlier subnet of its VPC.
func (v *validator) subnet(s *Subnet, k int) {
	at := func(field string) Pos { return v.pos.subnet(s, field) }
	v.text("name", s.Name, at("name"))
	vpc := v.vpcOf(s.VPC, at("vpc"))
	for _, r := range [...]struct {
		field string
		p     netip.Prefix
	}{{"cidr", s.CIDR}, {"ipv6_cidr", s.IPv6CIDR}} {
		if r.p.Addr().Is4In6() {
			v.add(at(r.field), CodeInvalidValue, "%s %s is an IPv4-mapped IPv6 range; write the IPv4 range", r.field, r.p)
		}
	}
	if vpc != nil {
		if s.CIDR.IsValid() && !within(vpc.CIDR, s.CIDR) {
			v.add(at("cidr"), CodeSubnetRange, "the CIDR %s is invalid for VPC %s: it is not inside %s", s.CIDR, vpc.ID, vpc.CIDR)
		}
		switch {
		case s.IPv6CIDR.IsValid() && !vpc.IPv6CIDR.IsValid():
			v.add(at("ipv6_cidr"), CodeSubnetRange, "the IPv6 CIDR %s is invalid: VPC %s has no ipv6_cidr", s.IPv6CIDR, vpc.ID)
		case s.IPv6CIDR.IsValid() && !within(vpc.IPv6CIDR, s.IPv6CIDR):
			v.add(at("ipv6_cidr"), CodeSubnetRange, "the IPv6 CIDR %s is invalid for VPC %s: it is not inside %s", s.IPv6CIDR, vpc.ID, vpc.IPv6CIDR)
		}
	}
	for _, prev := range v.w.Subnets[:k] {
		if prev.VPC != s.VPC {
			continue
		}
		if s.CIDR.IsValid() && prev.CIDR.IsValid() && s.CIDR.Overlaps(prev.CIDR) {
			v.add(at("cidr"), CodeSubnetConflict, "the CIDR %s conflicts with %s's %s", s.CIDR, prev.ID, prev.CIDR)
			break
		}
	}
	for _, prev := range v.w.Subnets[:k] {
		if prev.VPC != s.VPC {
			continue
		}
		if s.IPv6CIDR.IsValid() && prev.IPv6CIDR.IsValid() && s.IPv6CIDR.Overlaps(prev.IPv6CIDR) {
			v.add(at("ipv6_cidr"), CodeSubnetConflict, "the IPv6 CIDR %s conflicts with %s's %s", s.IPv6CIDR, prev.ID, prev.IPv6CIDR)
			break
		}
	}
	if s.Name != "" && s.VPC != "" {
		key := groupKey{s.VPC, s.Name}
		if v.subnetNames[key] {
			v.add(at("name"), CodeDuplicateID, "a subnet named %q already exists in VPC %s", s.Name, s.VPC)
		}
		v.subnetNames[key] = true
	}
	if s.NetworkACL != "" && vpc != nil {
		if a := v.w.NetworkACL(s.NetworkACL); a == nil || a.VPC != s.VPC {
			v.add(at("network_acl"), CodeACLNotFound, "the network ACL %q does not exist in VPC %s", s.NetworkACL, s.VPC)
		}
	}
}

// within reports whether inner lies wholly inside outer.
func within(outer, inner netip.Prefix) bool {
	return outer.IsValid() && inner.Bits() >= outer.Bits() && outer.Contains(inner.Addr())
}

// networkACL validates an ACL: its VPC, name, and entries (numbers unique
// per direction, the quota per direction and family).
func (v *validator) networkACL(a *NetworkACL) {
	at := func(field string) Pos { return v.pos.acl(a, field) }
	v.text("name", a.Name, at("name"))
	v.vpcOf(a.VPC, at("vpc"))
	if a.Name != "" && a.VPC != "" {
		key := groupKey{a.VPC, a.Name}
		if v.aclNames[key] {
			v.add(at("name"), CodeDuplicateID, "a network ACL named %q already exists in VPC %s", a.Name, a.VPC)
		}
		v.aclNames[key] = true
	}
	quota := v.w.Quotas.aclRules()
	for _, d := range [...]Direction{Inbound, Outbound} {
		entries := a.Entries(d)
		var n4, n6 int
		seen := make(map[int]bool, len(entries))
		for k, e := range entries {
			if err := e.check(); err != nil {
				v.add(v.pos.entry(a, d, k, ""), err.Code, "%s", err.Message)
				continue
			}
			if seen[e.Rule] {
				v.add(v.pos.entry(a, d, k, "rule"), CodeACLEntryExists, "the network ACL entry identified by rule %d already exists in %s %s entries", e.Rule, a.ID, d)
			}
			seen[e.Rule] = true
			if e.CIDR.Addr().Is4() {
				n4++
				if n4 == quota+1 {
					v.add(v.pos.entry(a, d, k, ""), CodeACLEntryLimit, "%s has more than %d %s IPv4 entries (quota network_acl_rules_per_direction)", a.ID, quota, d)
				}
			} else {
				n6++
				if n6 == quota+1 {
					v.add(v.pos.entry(a, d, k, ""), CodeACLEntryLimit, "%s has more than %d %s IPv6 entries (quota network_acl_rules_per_direction)", a.ID, quota, d)
				}
			}
		}
	}
}

// instanceSubnet checks the subnet an instance names or is in by its
// address, and that its addresses are inside that subnet.
func (v *validator) instanceSubnet(i *Instance, vpc *VPC) {
	at := func(field string) Pos { return v.pos.instance(i, field) }
	if vpc == nil {
		return
	}
	var s *Subnet
	if i.Subnet != "" {
		if s = v.w.Subnet(i.Subnet); s == nil || s.VPC != i.VPC {
			v.add(at("subnet"), CodeSubnetNotFound, "the subnet %q does not exist in VPC %s", i.Subnet, i.VPC)
			return
		}
		if i.PrivateIP.IsValid() && !s.CIDR.Contains(i.PrivateIP) {
			v.add(at("private_ip"), CodeInvalidValue, "private_ip %s is not in subnet %s's range %s", i.PrivateIP, s.ID, s.CIDR)
		}
	} else {
		declares := false
		for _, sn := range v.w.Subnets {
			if sn.VPC != i.VPC {
				continue
			}
			declares = true
			if sn.CIDR.Contains(i.PrivateIP) {
				s = sn
				break
			}
		}
		if declares && s == nil && i.PrivateIP.IsValid() && vpc.CIDR.Contains(i.PrivateIP) {
			v.add(at("private_ip"), CodeInvalidValue, "private_ip %s is in no subnet of VPC %s: an instance is launched into a subnet", i.PrivateIP, i.VPC)
		}
	}
	if s != nil && i.IPv6.IsValid() && s.IPv6CIDR.IsValid() && !s.IPv6CIDR.Contains(i.IPv6) {
		v.add(at("ipv6"), CodeInvalidValue, "ipv6 %s is not in subnet %s's range %s", i.IPv6, s.ID, s.IPv6CIDR)
	}
}
