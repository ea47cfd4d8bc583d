package awsjson

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/sglab/sglab/engine"
)

// runningStates are the instance states in which its interfaces carry
// traffic (pending becomes running by itself).
var runningStates = map[string]bool{"running": true, "pending": true, "": true}

// buildMachines makes a machine of every network interface: security
// groups attach to interfaces, not to instances.
func (b *builder) buildMachines() {
	for _, id := range b.enisOrder {
		e := b.enis[id]
		if i := b.instances[e.instanceID]; i != nil {
			i.hasENI = true
		}
	}
	// An instance printed without its interfaces (an old or trimmed
	// describe-instances) is one machine with the instance's own fields.
	for _, id := range sortedKeys(b.instances) {
		i := b.instances[id]
		if i.hasENI {
			continue
		}
		j := eniJSON{NetworkInterfaceID: i.id, VpcID: i.vpc, PrivateIPAddress: i.private, Groups: i.groups, InterfaceType: "interface"}
		if i.public != "" {
			j.Association = &association{PublicIP: i.public}
		}
		if i.ipv6 != "" {
			j.Ipv6Addresses = []ipv6Address{{Ipv6Address: i.ipv6}}
		}
		b.enis[i.id] = &eni{eniJSON: j, instanceID: i.id, deviceIndex: 0}
		b.enisOrder = append(b.enisOrder, i.id)
	}
	ids := slices.Clone(b.enisOrder)
	slices.Sort(ids)
	for _, id := range ids {
		if m := b.machine(b.enis[id]); m != nil {
			b.machines = append(b.machines, m)
		}
	}
}

// machine turns one interface into a machine, or says why it cannot.
func (b *builder) machine(e *eni) *machine {
	id := e.NetworkInterfaceID
	inst := b.instances[e.instanceID]
	m := &machine{id: id, vpc: e.VpcID}
	m.what = b.describe(e, inst)
	skip := func(format string, args ...any) *machine {
		why := fmt.Sprintf(format, args...)
		b.warn(id, "left out: %s", why)
		b.skipped = append(b.skipped, fmt.Sprintf("%s (%s): left out: %s", clean(id), m.what, why))
		return nil
	}
	if inst != nil && !runningStates[inst.state] {
		return skip("instance %s is %s, so nothing reaches it; its groups: %s", clean(inst.id), clean(inst.state), clean(groupIDs(e.Groups)))
	}
	if m.vpc == "" && inst != nil {
		m.vpc = inst.vpc
	}
	if !validID(m.vpc) {
		return skip("VpcId %s is not an AWS id", strqLine(m.vpc))
	}
	b.vpcOf(m.vpc)
	if len(e.Groups) == 0 {
		return skip("no security group applies to it (AWS filters a NAT gateway's or a Transit Gateway's traffic with none); every machine of the format has a group")
	}
	for _, g := range e.Groups {
		if b.groups[g.GroupID] == nil {
			return skip("its group %s is not in the input (add the describe-security-groups output)", clean(g.GroupID))
		}
		if !slices.Contains(m.groups, g.GroupID) {
			m.groups = append(m.groups, g.GroupID)
		}
	}
	primary := e.PrivateIPAddress
	var secondary []string
	for _, p := range e.PrivateIPAddresses {
		switch {
		case p.Primary && primary == "":
			primary = p.PrivateIPAddress
		case !p.Primary && p.PrivateIPAddress != primary:
			s := p.PrivateIPAddress
			if p.Association != nil && p.Association.PublicIP != "" {
				s += " (public " + p.Association.PublicIP + ")"
			}
			secondary = append(secondary, s)
		}
		if p.Primary && p.Association != nil && e.Association == nil {
			e.Association = p.Association
		}
	}
	a, err := netip.ParseAddr(primary)
	if err != nil || !a.Is4() {
		return skip("no private IPv4 address (%s); the format's machines have one", strqLine(primary))
	}
	m.private = a
	if len(secondary) > 0 {
		b.warn(id, "secondary private IPs %s left out: a machine of the format has one", clean(strings.Join(secondary, ", ")))
		m.comments = append(m.comments, "secondary private IPs left out: "+clean(strings.Join(secondary, ", ")))
	}
	if e.Association != nil && e.Association.PublicIP != "" {
		if p, err := netip.ParseAddr(e.Association.PublicIP); err == nil && p.Is4() {
			m.public = p
		} else {
			b.warn(id, "public IP %s is not an IPv4 address: left out", strqLine(e.Association.PublicIP))
		}
	}
	for k, v6 := range e.Ipv6Addresses {
		p, err := netip.ParseAddr(v6.Ipv6Address)
		if err != nil || !p.Is6() || p.Is4In6() || p.Zone() != "" {
			b.warn(id, "IPv6 address %s is not an IPv6 address: left out", strqLine(v6.Ipv6Address))
			continue
		}
		if k == 0 || !m.ipv6.IsValid() {
			m.ipv6 = p
			continue
		}
		b.warn(id, "IPv6 address %s left out: a machine of the format has one", p)
		m.comments = append(m.comments, "IPv6 address "+p.String()+" left out")
	}
	m.baseName = b.baseName(e, inst)
	return m
}

func groupIDs(gs []groupRef) string {
	ids := make([]string, len(gs))
	for k, g := range gs {
		ids[k] = g.GroupID
	}
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ", ")
}

// describe says what an interface is, for its comment.
func (b *builder) describe(e *eni, inst *instance) string {
	if inst != nil {
		s := "instance " + clean(inst.id)
		if inst.typ != "" {
			s += " (" + clean(inst.typ) + ")"
		}
		if e.deviceIndex > 0 {
			return "interface eth" + strconv.Itoa(e.deviceIndex) + " of " + s
		}
		return "primary interface of " + s
	}
	var parts []string
	if e.Description != "" {
		parts = append(parts, strqLine(e.Description))
	}
	if e.InterfaceType != "" {
		parts = append(parts, "type "+clean(e.InterfaceType))
	}
	if e.RequesterID != "" {
		parts = append(parts, "managed by "+clean(e.RequesterID))
	}
	if e.instanceID != "" {
		parts = append(parts, "attached to "+clean(e.instanceID))
	}
	if len(parts) == 0 {
		return "network interface"
	}
	return strings.Join(parts, ", ")
}

// baseName is the name a machine would have if nothing collided: the
// instance's Name tag or id for its primary interface; for other
// interfaces, a name made from their description and type (a load
// balancer's interfaces, one per zone, become alb-NAME, alb-NAME-2, …).
func (b *builder) baseName(e *eni, inst *instance) string {
	if inst != nil {
		n := inst.name
		if n == "" {
			n = inst.id
		}
		if e.deviceIndex > 0 {
			return n + "-eth" + strconv.Itoa(e.deviceIndex)
		}
		return n
	}
	if n := nameTag(e.TagSet); n != "" {
		return n
	}
	if n := nameTag(e.Tags); n != "" {
		return n
	}
	desc := e.Description
	switch {
	case strings.HasPrefix(desc, "ELB "):
		// "ELB my-classic", "ELB app/my-alb/50dc6c495c0c9188", "ELB net/…", "ELB gwy/…"
		rest := strings.TrimPrefix(desc, "ELB ")
		kind, name, ok := strings.Cut(rest, "/")
		if !ok {
			return "elb-" + rest
		}
		name, _, _ = strings.Cut(name, "/")
		prefix := map[string]string{"app": "alb", "net": "nlb", "gwy": "gwlb"}[kind]
		if prefix == "" {
			prefix = "elb"
		}
		return prefix + "-" + name
	case desc == "RDSNetworkInterface" || e.RequesterID == "amazon-rds":
		return "rds"
	case strings.HasPrefix(desc, "AWS Lambda VPC ENI-"):
		fn := strings.TrimPrefix(desc, "AWS Lambda VPC ENI-")
		if k := len(fn) - 37; k > 0 && fn[k] == '-' && isUUID(fn[k+1:]) {
			fn = fn[:k]
		}
		return "lambda-" + fn
	case strings.HasPrefix(desc, "Interface for NAT Gateway "):
		return strings.TrimPrefix(desc, "Interface for NAT Gateway ")
	case e.InterfaceType != "" && e.InterfaceType != "interface":
		return strings.ReplaceAll(e.InterfaceType, "_", "-")
	case desc != "":
		return desc
	}
	return ""
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for k, c := range s {
		switch k {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// nameMachines gives every machine a name the format accepts: unique
// among machines and hosts, no other machine's id, not an address, no
// control characters. Collisions are settled in id order.
func (b *builder) nameMachines() {
	taken := map[string]bool{}
	ids := map[string]bool{}
	for _, m := range b.machines {
		ids[m.id] = true
	}
	for _, m := range b.machines {
		base := m.baseName
		if base == "" || base == m.id {
			continue // the id names it
		}
		name, why := sanitizeName(base)
		switch {
		case name == "":
			b.rename(m.id, base, "", why+"; the machine goes by its id")
			continue
		case looksLikeAddress(name):
			name, why = "machine-"+name, "it reads as an IP address or CIDR, which a connection's from and to take as one"
		case ids[name] && name != m.id:
			name, why = name+"-"+strings.TrimPrefix(m.id, "eni-"), "it is the id of another machine"
		}
		for n := 2; taken[name] || (ids[name] && name != m.id); n++ {
			if n == 2 {
				why = "another machine has the name"
			}
			name = uniqueSuffix(name, n)
		}
		if name != base {
			b.rename(m.id, base, name, why)
		}
		taken[name] = true
		m.name = name
	}
}

func uniqueSuffix(name string, n int) string {
	if n > 2 {
		name = name[:strings.LastIndexByte(name, '-')]
	}
	return name + "-" + strconv.Itoa(n)
}

func (b *builder) rename(id, from, to, why string) {
	b.renames = append(b.renames, Rename{Resource: clean(id), From: from, To: to, Why: why})
}

// nameGroups gives every group a name the format accepts: AWS's name,
// unless it starts with sg-, reads as an address, holds control
// characters, or is taken in its VPC.
func (b *builder) nameGroups() {
	slices.SortFunc(b.groupList, func(x, y *group) int {
		return cmp.Or(cmp.Compare(x.vpc, y.vpc), cmp.Compare(rankDefault(x), rankDefault(y)), cmp.Compare(x.id, y.id))
	})
	taken := map[string]bool{}
	for _, g := range b.groupList {
		if g.awsName == "" {
			continue
		}
		name, why := sanitizeName(g.awsName)
		switch {
		case name == "":
			b.rename(g.id, g.awsName, "", why+"; the group goes by its id")
			continue
		case strings.HasPrefix(strings.ToLower(name), "sg-"):
			name, why = "group-"+name, "a name cannot start with sg- (AWS keeps that prefix for ids, and the format refuses it)"
		case looksLikeAddress(name):
			name, why = "group-"+name, "a name that reads as an IP address or CIDR is refused (a rule's source could mean either)"
		case name == "self":
			name, why = "group-self", "a rule's source `self` means the group that holds the rule"
		case name == engine.DefaultGroupName && !b.isDefaultGroup(g):
			name, why = "group-default", "only a VPC's default group is named default"
		}
		key := func(n string) string { return g.vpc + "\x00" + n }
		for n := 2; taken[key(name)]; n++ {
			why = "another group of " + g.vpc + " has the name"
			name = uniqueSuffix(name, n)
		}
		if name != g.awsName {
			b.rename(g.id, g.awsName, name, why)
		}
		taken[key(name)] = true
		g.name = name
	}
}

// isDefaultGroup reports whether g is its VPC's default group: AWS names
// it default, and only it.
func (b *builder) isDefaultGroup(g *group) bool { return g.awsName == engine.DefaultGroupName }

func rankDefault(g *group) int {
	if g.awsName == engine.DefaultGroupName {
		return 0
	}
	return 1
}

// inferListening says what runs on each machine. AWS's API cannot tell;
// the import takes each machine to listen on every tcp and udp port its
// groups open to it one by one (not ranges, not all traffic), so that a
// connection the groups allow to a service connects and `explain` tells
// a blocked port from an open one.
func (b *builder) inferListening() {
	var all []engine.Service // reused from one machine to the next
	for _, m := range b.machines {
		all = all[:0]
		for _, id := range m.groups {
			for _, r := range b.groups[id].in.items {
				if r.comment == "" && r.proto.HasPorts() && r.ports.Lo == r.ports.Hi {
					all = append(all, engine.Service{Protocol: r.proto, Port: r.ports.Lo})
				}
			}
		}
		slices.SortFunc(all, func(x, y engine.Service) int {
			return cmp.Or(cmp.Compare(x.Protocol, y.Protocol), cmp.Compare(x.Port, y.Port))
		})
		if all = slices.Compact(all); len(all) > 0 {
			m.listening = slices.Clone(all)
		}
	}
}

// setQuotas raises the format's quotas to what the account uses: AWS
// lets an account raise rules per group to 1,000 and groups per
// interface to 16.
func (b *builder) setQuotas() {
	q := engine.Quotas{RulesPerDirection: engine.DefaultRulesPerDirection, GroupsPerInstance: engine.DefaultGroupsPerInstance}
	for _, g := range b.groupList {
		for _, l := range []ruleList{g.in, g.out} {
			var n4, n6 int
			for _, r := range l.items {
				switch {
				case r.comment != "":
				case strings.Contains(r.peer, ":"):
					n6++
				case strings.Contains(r.peer, "/"):
					n4++
				default: // a group reference counts for both families
					n4++
					n6++
				}
			}
			q.RulesPerDirection = max(q.RulesPerDirection, n4, n6)
		}
	}
	for _, m := range b.machines {
		q.GroupsPerInstance = max(q.GroupsPerInstance, len(m.groups))
	}
	b.quotas = q
}

// addHosts adds the user's outside machines.
func (b *builder) addHosts(hosts []Host) error {
	names := map[string]bool{}
	for _, m := range b.machines {
		names[m.id], names[m.name] = true, true
	}
	for _, h := range hosts {
		switch {
		case h.Name == "":
			return fmt.Errorf("--host needs NAME=IP, with a name")
		case safeIndex(h.Name) >= 0:
			return fmt.Errorf("--host %s: a name cannot hold control characters", strqLine(h.Name))
		case looksLikeAddress(h.Name):
			return fmt.Errorf("--host %s: the name reads as an address; name it in words", strqLine(h.Name))
		case names[h.Name]:
			return fmt.Errorf("--host %s: a machine of the account or another host already has that name", strqLine(h.Name))
		case !h.IP.IsValid() || h.IP.Is4In6() || h.IP.Zone() != "":
			return fmt.Errorf("--host %s: needs an IPv4 or IPv6 address", strqLine(h.Name))
		}
		for _, v := range b.vpcList {
			for _, p := range append([]netip.Prefix{v.cidr()}, v.v6...) {
				if p.Contains(h.IP) {
					return fmt.Errorf("--host %s=%s: the address is inside %s's range %s; an outside host needs an address on the internet", h.Name, h.IP, v.id, p)
				}
			}
		}
		names[h.Name] = true
		b.hosts = append(b.hosts, h)
	}
	return nil
}
