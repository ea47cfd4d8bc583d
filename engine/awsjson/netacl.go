package awsjson

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// modelsNetworkACLs says whether the engine reads subnets and network
// ACLs. Until it does, the import keeps them as comments and warns; the
// subnets and ACLs are read, checked and described here already, so that
// turning this on is all that is left to map them.
const modelsNetworkACLs = false

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
	if err != nil || (e.RuleAction != "allow" && e.RuleAction != "deny") {
		ent.comment = fmt.Sprintf("rule %d skipped: %s", e.RuleNumber, clean(fmt.Sprint(err)))
		return ent
	}
	ent.proto = proto.String()
	if proto.HasPorts() || (proto.IsICMP() && ports.Lo >= 0) {
		ent.ports = ports.Format(proto)
	}
	return ent
}

// buildNetworkACLs settles which ACL guards each subnet. While the engine
// has no subnets, it warns that they were skipped.
func (b *builder) buildNetworkACLs() {
	for _, id := range sortedKeys(b.acls) {
		for _, s := range b.acls[id].subnets {
			if sub := b.subnets[s]; sub != nil {
				sub.acl = id
			}
		}
	}
	if !modelsNetworkACLs && len(b.subnets)+len(b.acls) > 0 {
		b.warn("", "%d %s and %d network %s skipped: sglab's engine does not model subnets and network ACLs yet, so nothing they drop is seen",
			len(b.subnets), plural(len(b.subnets), "subnet"), len(b.acls), plural(len(b.acls), "ACL"))
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// writeNetworkACLs writes the subnets and network ACLs: as comments while
// the engine does not model them.
func (b *builder) writeNetworkACLs(e *emitter) {
	if len(b.subnets)+len(b.acls) == 0 {
		return
	}
	if !modelsNetworkACLs {
		e.blank()
		e.comment(0, "Subnets and network ACLs: sglab does not model them yet, so they are listed here only.")
		for _, id := range sortedKeys(b.subnets) {
			s := b.subnets[id]
			e.comment(0, fmt.Sprintf("subnet %s%s in %s, %s, network ACL %s", clean(s.id), tagNote(s.name), clean(s.vpc), s.cidr, orNone(s.acl)))
		}
		for _, id := range sortedKeys(b.acls) {
			a := b.acls[id]
			e.comment(0, fmt.Sprintf("network ACL %s%s in %s: %d inbound and %d outbound entries", clean(a.id), tagNote(a.name), clean(a.vpc), len(a.in), len(a.out)))
		}
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

func tagNote(name string) string {
	if name == "" {
		return ""
	}
	return " (" + strqLine(name) + ")"
}

func orNone(id string) string {
	if id == "" {
		return "none named"
	}
	return clean(id)
}
