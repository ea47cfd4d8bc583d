package awsjson

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/sglab/sglab/engine"
)

type subnet struct {
	id, name, vpc, az string
	cidr, ipv6        netip.Prefix
	acl               string
}

type acl struct {
	id, name, vpc string
	isDefault     bool
	in, out       []aclEntry
	subnets       []string
}

type aclEntry struct {
	rule               int
	allow              bool
	proto, ports, cidr string
	comment            string // set for an entry that is only a comment
	isDefaultCatchAll  bool   // AWS's * rule (32767), which every ACL has
}

func (b *builder) addSubnet(j subnetJSON, in Input) {
	if j.SubnetID == "" || b.subnets[j.SubnetID] != nil {
		return
	}
	s := &subnet{id: j.SubnetID, name: nameTag(j.Tags), vpc: j.VpcID, az: j.AvailabilityZone}
	if p, err := netip.ParsePrefix(j.CidrBlock); err == nil && p.Addr().Is4() {
		s.cidr = p.Masked()
	}
	for _, a := range j.Ipv6CidrBlockAssociationSet {
		if p, err := netip.ParsePrefix(a.Ipv6CidrBlock); err == nil && p.Addr().Is6() && !s.ipv6.IsValid() {
			s.ipv6 = p.Masked()
		}
	}
	b.noteRegion(j.VpcID, in.Region, j.AvailabilityZone)
	b.subnets[j.SubnetID] = s
}

func (b *builder) addACL(j aclJSON, in Input) {
	if j.NetworkAclID == "" || b.acls[j.NetworkAclID] != nil {
		return
	}
	a := &acl{id: j.NetworkAclID, name: nameTag(j.Tags), vpc: j.VpcID, isDefault: j.IsDefault}
	b.noteRegion(j.VpcID, in.Region, "")
	entries := slices.Clone(j.Entries)
	slices.SortStableFunc(entries, func(x, y aclEntryJSON) int { return x.RuleNumber - y.RuleNumber })
	for _, e := range entries {
		ent := aclEntryOf(e)
		if e.Egress {
			a.out = append(a.out, ent)
		} else {
			a.in = append(a.in, ent)
		}
	}
	for _, as := range j.Associations {
		a.subnets = append(a.subnets, as.SubnetID)
	}
	b.acls[j.NetworkAclID] = a
}

// aclEntryOf reads one entry as the format writes it. Protocol and ports
// mean what they mean in security-group rules; AWS's catch-all entry
// 32767 (the * rule) is implied by the format and kept only as a comment.
func aclEntryOf(e aclEntryJSON) aclEntry {
	ent := aclEntry{rule: e.RuleNumber, allow: strings.EqualFold(e.RuleAction, "allow")}
	if e.RuleNumber == 32767 {
		ent.isDefaultCatchAll = true
		return ent
	}
	p := permission{IPProtocol: e.Protocol}
	switch {
	case e.PortRange != nil:
		p.FromPort, p.ToPort = e.PortRange.From, e.PortRange.To
	case e.IcmpTypeCode != nil:
		p.FromPort, p.ToPort = e.IcmpTypeCode.Type, e.IcmpTypeCode.Code
	}
	proto, ports, err := protoPorts(p)
	ent.cidr = e.CidrBlock
	if ent.cidr == "" {
		ent.cidr = e.Ipv6CidrBlock
	}
	if err == nil && e.RuleAction != "allow" && e.RuleAction != "deny" {
		err = fmt.Errorf("action %s is neither allow nor deny", strqLine(e.RuleAction))
	}
	if err != nil {
		ent.comment = fmt.Sprintf("rule %d skipped: %s", e.RuleNumber, clean(err.Error()))
		return ent
	}
	ent.proto = proto.String()
	if proto.HasPorts() || (proto.IsICMP() && ports.Lo >= 0) {
		ent.ports = ports.Format(proto)
	}
	return ent
}

// buildNetworkACLs settles which ACL guards each subnet, and leaves out
// what the format refuses, each with a warning: a subnet outside its VPC's
// range or overlapping another, an IPv6 range outside the VPC's, a name
// two subnets or ACLs of one VPC share, a second entry with one rule
// number, and a machine in no subnet the input describes.
func (b *builder) buildNetworkACLs() {
	b.settleACLs()
	for _, id := range sortedKeys(b.acls) {
		for _, s := range b.acls[id].subnets {
			if sub := b.subnets[s]; sub != nil && sub.vpc == b.acls[id].vpc {
				sub.acl = id
			}
		}
	}
	b.settleSubnets()
	b.placeMachines()
}

// settleACLs keeps the ACLs of the file's VPCs, one default per VPC, names
// unique within a VPC, and one entry per rule number and direction.
func (b *builder) settleACLs() {
	names := map[[2]string]bool{}
	defaults := map[string]bool{}
	for _, id := range sortedKeys(b.acls) {
		a := b.acls[id]
		switch {
		case b.vpcs[a.vpc] == nil || !validID(a.id):
			b.warn(a.id, "network ACL left out: its id or VPC cannot stand in the format")
			delete(b.acls, id)
			continue
		case a.isDefault && defaults[a.vpc]:
			b.warn(a.id, "a second default network ACL of VPC %s: kept as an ordinary one", a.vpc)
			a.isDefault = false
		}
		if a.isDefault {
			defaults[a.vpc] = true
			a.name = "default"
		} else if a.name != "" {
			name, _ := sanitizeName(a.name)
			if name == "" || name == "default" || names[[2]string{a.vpc, name}] {
				b.warn(a.id, "Name tag %s left out: another network ACL of VPC %s has it (or it is the default ACL's)", strqLine(a.name), a.vpc)
				name = ""
			}
			a.name = name
		}
		if a.name != "" {
			names[[2]string{a.vpc, a.name}] = true
		}
		for _, list := range []*[]aclEntry{&a.in, &a.out} {
			seen := map[int]bool{}
			for k := range *list {
				ent := &(*list)[k]
				if ent.isDefaultCatchAll {
					continue
				}
				if ent.comment != "" {
					b.warn(a.id, "%s", ent.comment)
					continue
				}
				p, _, err := engine.ParseCIDR(ent.cidr)
				switch {
				case err != nil:
					ent.comment = fmt.Sprintf("rule %d skipped: %s", ent.rule, clean(err.Error()))
				case ent.rule < engine.MinACLRule || ent.rule > engine.MaxACLRule:
					ent.comment = fmt.Sprintf("rule %d skipped: a rule number is 1-32766", ent.rule)
				case seen[ent.rule]:
					ent.comment = fmt.Sprintf("rule %d skipped: a second entry with that number", ent.rule)
				default:
					ent.cidr = p.String()
					seen[ent.rule] = true
				}
				if ent.comment != "" {
					b.warn(a.id, "%s", ent.comment)
				}
			}
		}
		b.raiseACLQuota(a)
	}
}

// raiseACLQuota raises the format's entry quota to what an ACL uses (AWS
// lets an account raise it to 40).
func (b *builder) raiseACLQuota(a *acl) {
	for _, list := range [][]aclEntry{a.in, a.out} {
		var n4, n6 int
		for _, ent := range list {
			if ent.isDefaultCatchAll || ent.comment != "" {
				continue
			}
			if p, err := netip.ParsePrefix(ent.cidr); err == nil && p.Addr().Is4() {
				n4++
			} else {
				n6++
			}
		}
		if n := max(n4, n6); n > max(b.quotas.ACLRulesPerDirection, engine.DefaultACLRulesPerDirection) {
			b.quotas.ACLRulesPerDirection = min(n, 1000)
		}
	}
}

// settleSubnets keeps the subnets whose ranges the format accepts.
func (b *builder) settleSubnets() {
	var kept []*subnet
	names := map[[2]string]bool{}
	for _, id := range sortedKeys(b.subnets) {
		s := b.subnets[id]
		v := b.vpcs[s.vpc]
		var why string
		switch {
		case v == nil || !validID(s.id):
			why = "its id or VPC cannot stand in the format"
		case !s.cidr.IsValid():
			why = "it has no IPv4 range"
		case !within(v.cidr(), s.cidr):
			why = fmt.Sprintf("its range %s is outside VPC %s's %s", s.cidr, v.id, v.cidr())
		}
		for _, o := range kept {
			if why == "" && o.vpc == s.vpc && o.cidr.Overlaps(s.cidr) {
				why = fmt.Sprintf("its range %s overlaps %s's %s", s.cidr, o.id, o.cidr)
			}
		}
		if why != "" {
			b.warn(s.id, "subnet left out: %s", why)
			delete(b.subnets, id)
			continue
		}
		if s.ipv6.IsValid() && !within(v.ipv6(), s.ipv6) {
			b.warn(s.id, "IPv6 range %s left out: it is not inside VPC %s's IPv6 range", s.ipv6, v.id)
			s.ipv6 = netip.Prefix{}
		}
		for _, o := range kept {
			if s.ipv6.IsValid() && o.vpc == s.vpc && o.ipv6.IsValid() && o.ipv6.Overlaps(s.ipv6) {
				b.warn(s.id, "IPv6 range %s left out: it overlaps %s's", s.ipv6, o.id)
				s.ipv6 = netip.Prefix{}
			}
		}
		if s.name != "" {
			name, _ := sanitizeName(s.name)
			if name == "" || names[[2]string{s.vpc, name}] {
				b.warn(s.id, "Name tag %s left out: another subnet of VPC %s has it", strqLine(s.name), s.vpc)
				name = ""
			}
			s.name = name
			names[[2]string{s.vpc, name}] = name != ""
		}
		if b.acls[s.acl] == nil {
			s.acl = "" // the VPC's default ACL
		}
		kept = append(kept, s)
	}
}

// placeMachines leaves out a machine of a VPC with subnets that is in
// none of them (its subnet is not in the input), and an IPv6 address
// outside its subnet's IPv6 range.
func (b *builder) placeMachines() {
	kept := b.machines[:0]
	for _, m := range b.machines {
		has, in := false, (*subnet)(nil)
		for _, id := range sortedKeys(b.subnets) {
			s := b.subnets[id]
			if s.vpc != m.vpc {
				continue
			}
			has = true
			if s.cidr.Contains(m.private) {
				in = s
			}
		}
		if has && in == nil {
			b.warn(m.id, "left out: private IP %s is in no subnet of the input (add its describe-subnets output)", m.private)
			b.skipped = append(b.skipped, fmt.Sprintf("%s (%s): left out: %s is in no subnet of the input", clean(m.id), m.what, m.private))
			continue
		}
		if in != nil && m.ipv6.IsValid() && in.ipv6.IsValid() && !in.ipv6.Contains(m.ipv6) {
			b.warn(m.id, "IPv6 address %s left out: it is not in subnet %s's IPv6 range", m.ipv6, in.id)
			m.ipv6 = netip.Addr{}
		}
		kept = append(kept, m)
	}
	b.machines = slices.Clip(kept)
}

// within reports whether inner lies wholly inside outer.
func within(outer, inner netip.Prefix) bool {
	return outer.IsValid() && inner.IsValid() && inner.Bits() >= outer.Bits() && outer.Contains(inner.Addr())
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// writeNetworkACLs writes the subnets and network ACLs; AWS's * rule of
// each ACL stands as a comment, since the format implies it.
func (b *builder) writeNetworkACLs(e *emitter) {
	if len(b.subnets)+len(b.acls) == 0 {
		return
	}
	e.section("subnets")
	for _, id := range sortedKeys(b.subnets) {
		s := b.subnets[id]
		e.item("id", s.id)
		e.kv(2, "name", s.name)
		e.kv(2, "vpc", s.vpc)
		e.kv(2, "cidr", s.cidr.String())
		if s.ipv6.IsValid() {
			e.kv(2, "ipv6_cidr", s.ipv6.String())
		}
		e.kv(2, "network_acl", s.acl)
	}
	e.section("network_acls")
	for _, id := range sortedKeys(b.acls) {
		a := b.acls[id]
		e.item("id", a.id)
		name := a.name
		if a.isDefault {
			name = "default"
		}
		e.kv(2, "name", name)
		e.kv(2, "vpc", a.vpc)
		for _, dir := range []struct {
			key     string
			entries []aclEntry
		}{{"inbound", a.in}, {"outbound", a.out}} {
			e.line(2, dir.key+":"+emptyList(dir.entries))
			for _, ent := range dir.entries {
				switch {
				case ent.isDefaultCatchAll:
					e.comment(3, "* (32767): deny all, implied by the format")
				case ent.comment != "":
					e.comment(3, ent.comment)
				default:
					action := "deny"
					if ent.allow {
						action = "allow"
					}
					e.flow(3, "rule", fmt.Sprint(ent.rule), "action", action, "protocol", ent.proto, "ports", ent.ports, "cidr", ent.cidr)
				}
			}
		}
	}
}

func emptyList(entries []aclEntry) string {
	for _, e := range entries {
		if !e.isDefaultCatchAll && e.comment == "" {
			return ""
		}
	}
	return " []"
}
