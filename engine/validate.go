package engine

import (
	"fmt"
	"net/netip"
	"strings"
)

// Validate checks a world against the format and AWS's rules and returns
// every error and warning found, sorted by position.
func Validate(w *World) Diagnostics {
	ds := validate(w, "")
	ds.sort()
	return ds
}

type validator struct {
	diags
	w      *World
	ids    map[string]string // id -> kind, to report duplicates
	names  map[string]bool   // instance and host names
	addrs  map[netip.Addr]string
	groups map[string]*Group
	// attached counts the instances each group is attached to.
	attached map[string]int
	// groupNames holds the VPC and name of each named group seen so far.
	groupNames map[string]bool
}

func validate(w *World, file string) Diagnostics {
	w.reindex()
	v := &validator{diags: diags{file: file}, w: w,
		ids: map[string]string{}, names: map[string]bool{}, addrs: map[netip.Addr]string{}, groups: map[string]*Group{},
		attached: map[string]int{}, groupNames: map[string]bool{}}
	for _, i := range w.Instances {
		for _, id := range i.Groups {
			v.attached[id]++
		}
	}
	for _, vpc := range w.VPCs {
		v.id(vpc.ID, "VPC", vpc.At("id"))
	}
	for _, g := range w.Groups {
		if v.id(g.ID, "security group", g.At("id")) {
			v.groups[g.ID] = g
		}
	}
	for _, i := range w.Instances {
		v.id(i.ID, "instance", i.At("id"))
	}
	for _, h := range w.Hosts {
		v.id(h.ID, "host", h.At("id"))
	}
	v.machineNames()
	for _, g := range w.Groups {
		v.group(g)
	}
	for _, i := range w.Instances {
		v.instance(i)
	}
	for _, h := range w.Hosts {
		v.host(h)
	}
	for _, c := range w.Connections {
		v.connection(c)
	}
	return v.list
}

// id records an id, reporting it when it is already taken. It reports
// whether the id was new.
func (v *validator) id(id, kind string, p Pos) bool {
	if id == "" {
		return false
	}
	if prev, ok := v.ids[id]; ok {
		v.add(p, CodeDuplicateID, "id %q is already used by %s; every id is unique across the file", id, withArticle(prev))
		return false
	}
	v.ids[id] = kind
	return true
}

// machineNames checks that instance and host names are unique and do not
// collide with another machine's id, since connections accept either.
func (v *validator) machineNames() {
	check := func(id, name string, p Pos) {
		if name == "" || name == id {
			return
		}
		if v.names[name] {
			v.add(p, CodeDuplicateID, "name %q is used by another instance or host", name)
			return
		}
		if kind := v.ids[name]; kind == "instance" || kind == "host" {
			v.add(p, CodeDuplicateID, "name %q is the id of another %s", name, kind)
			return
		}
		v.names[name] = true
	}
	for _, i := range v.w.Instances {
		check(i.ID, i.Name, i.At("name"))
	}
	for _, h := range v.w.Hosts {
		check(h.ID, h.Name, h.At("name"))
	}
}

func (v *validator) vpcOf(ref string, p Pos) *VPC {
	if ref == "" {
		return nil
	}
	vpc := v.w.VPC(ref)
	if vpc == nil {
		v.add(p, CodeVPCNotFound, "the VPC %q does not exist", ref)
	}
	return vpc
}

func (v *validator) group(g *Group) {
	v.vpcOf(g.VPC, g.At("vpc"))
	if strings.HasPrefix(strings.ToLower(g.Name), "sg-") {
		v.add(g.At("name"), CodeInvalidValue, "group name %q cannot start with sg- (AWS keeps that prefix for group ids)", g.Name)
	}
	if g.Name != "" {
		key := g.VPC + "\x00" + g.Name
		if v.groupNames[key] {
			v.add(g.At("name"), CodeGroupDuplicate, "the security group %q already exists in VPC %s", g.Name, g.VPC)
		}
		v.groupNames[key] = true
	}
	for _, d := range []Direction{Inbound, Outbound} {
		v.rules(g, d)
	}
	if g.Name != DefaultGroupName && v.attached[g.ID] == 0 {
		v.warn(g.At("id"), "security group %s is attached to no instance", g.ID)
	}
}

func (v *validator) rules(g *Group, d Direction) {
	rules := g.Rules(d)
	var n4, n6 int
	for k, r := range rules {
		if r.Peer.IsGroup() {
			v.groupPeer(g, r, d)
		}
		for _, prev := range rules[:k] {
			if sameRule(prev, r) {
				v.add(r.Pos, CodePermissionDup, "the specified rule \"%s\" already exists in %s %s rules", r.Summary(), g.ID, d)
				break
			}
		}
		v4, v6 := r.Peer.families()
		if v4 {
			n4++
		}
		if v6 {
			n6++
		}
		if (v4 && n4 == v.w.Quotas.RulesPerDirection+1) || (v6 && n6 == v.w.Quotas.RulesPerDirection+1) {
			v.add(r.Pos, CodeRulesLimit, "%s has more than %d %s rules for one address family (quota rules_per_direction)",
				g.ID, v.w.Quotas.RulesPerDirection, d)
		}
		if d == Inbound && !r.Peer.IsGroup() && r.Peer.CIDR.Bits() == 0 {
			for _, port := range []int{22, 3389} {
				if r.allowsPort(port) {
					v.warn(r.Pos, "%s opens port %d (%s) to the whole internet (%s)", g.ID, port, ServiceName(port), r.Peer.CIDR)
				}
			}
		}
	}
}

func (v *validator) groupPeer(g *Group, r Rule, d Direction) {
	p := r.Pos
	if r.Pos.IsValid() {
		p = r.At(d.peerField())
	}
	ref := v.groups[r.Peer.Group]
	switch {
	case ref == nil:
		v.add(p, CodeGroupNotFound, "the security group %q does not exist in VPC %s", r.Peer.Group, g.VPC)
	case ref.VPC != g.VPC:
		v.add(p, CodeGroupNotFound, "you have specified two resources that belong to different networks: %s is in %s, %s in %s",
			g.ID, g.VPC, ref.ID, ref.VPC)
	}
}

func (v *validator) instance(i *Instance) {
	vpc := v.vpcOf(i.VPC, i.At("vpc"))
	if vpc != nil && i.PrivateIP.IsValid() && vpc.CIDR.IsValid() && !vpc.CIDR.Contains(i.PrivateIP) {
		v.add(i.At("private_ip"), CodeInvalidValue, "private_ip %s is not in VPC %s's range %s", i.PrivateIP, vpc.ID, vpc.CIDR)
	}
	if i.PublicIP.IsValid() {
		v.outsideVPCs(i.PublicIP, "public_ip", i.At("public_ip"))
	}
	if vpc != nil && i.IPv6.IsValid() {
		switch {
		case !vpc.IPv6CIDR.IsValid():
			v.add(i.At("ipv6"), CodeInvalidValue, "ipv6 %s: VPC %s has no ipv6_cidr", i.IPv6, vpc.ID)
		case !vpc.IPv6CIDR.Contains(i.IPv6):
			v.add(i.At("ipv6"), CodeInvalidValue, "ipv6 %s is not in VPC %s's range %s", i.IPv6, vpc.ID, vpc.IPv6CIDR)
		}
	}
	v.address(i.PrivateIP, i.ID, i.At("private_ip"))
	v.address(i.PublicIP, i.ID, i.At("public_ip"))
	v.address(i.IPv6, i.ID, i.At("ipv6"))
	v.instanceGroups(i, vpc)
}

// instanceGroups checks an instance's groups. Without a VPC (already
// reported) the groups cannot be told apart from another VPC's.
func (v *validator) instanceGroups(i *Instance, vpc *VPC) {
	p := i.At("security_groups")
	if len(i.Groups) == 0 {
		v.add(p, CodeInvalidValue, "instance %s has an empty security_groups list: every instance has at least one group (leave the key out for the VPC's default group)", i.ID)
		return
	}
	if max := v.w.Quotas.GroupsPerInstance; len(i.Groups) > max {
		v.add(p, CodeGroupsLimit, "instance %s has %d security groups; the limit is %d per network interface", i.ID, len(i.Groups), max)
	}
	if vpc == nil {
		return
	}
	seen := map[string]bool{}
	for _, id := range i.Groups {
		g := v.groups[id]
		switch {
		case g == nil && v.w.groupNamedAnywhere(id):
			v.add(p, CodeInvalidParameter, "security group %q belongs to another VPC; instance %s is in %s", id, i.ID, i.VPC)
		case g == nil:
			v.add(p, CodeGroupNotFound, "the security group %q does not exist in VPC %s", id, i.VPC)
		case g.VPC != i.VPC:
			v.add(p, CodeInvalidParameter, "security group %s is in %s and instance %s in %s: groups belong to one VPC", id, g.VPC, i.ID, i.VPC)
		case seen[id]:
			v.warn(p, "security group %s is listed twice on instance %s", id, i.ID)
		}
		seen[id] = true
	}
}

func withArticle(noun string) string {
	if strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}

func (w *World) groupNamedAnywhere(name string) bool {
	for _, g := range w.Groups {
		if g.Name == name {
			return true
		}
	}
	return false
}

func (v *validator) host(h *Host) {
	if h.IP.IsValid() {
		v.outsideVPCs(h.IP, "ip", h.At("ip"))
		v.address(h.IP, h.ID, h.At("ip"))
	}
}

// outsideVPCs reports an internet address that falls inside a VPC's range.
func (v *validator) outsideVPCs(a netip.Addr, key string, p Pos) {
	for _, vpc := range v.w.VPCs {
		if vpc.CIDR.Contains(a) || vpc.IPv6CIDR.Contains(a) {
			v.add(p, CodeInvalidValue, "%s %s is inside VPC %s's range; addresses on the internet are outside every VPC", key, a, vpc.ID)
			return
		}
	}
}

func (v *validator) address(a netip.Addr, owner string, p Pos) {
	if !a.IsValid() {
		return
	}
	if prev, ok := v.addrs[a]; ok && prev != owner {
		v.add(p, CodeAddressInUse, "address %s is already in use by %s", a, prev)
		return
	}
	v.addrs[a] = owner
}

func (v *validator) connection(c Connection) {
	from, fromOK := v.w.endpointRef(c.From)
	to, toOK := v.w.endpointRef(c.To)
	if !fromOK {
		v.add(c.At("from"), CodeInstanceNotFound, "%q names no instance or host in this file, and is not an IP address", c.From)
	}
	if !toOK {
		v.add(c.At("to"), CodeInstanceNotFound, "%q names no instance or host in this file, and is not an IP address", c.To)
	}
	if fromOK && toOK && from.sameMachine(to) {
		v.add(c.At("to"), CodeInvalidValue, "a connection from %s to itself", c.From)
	}
}

// sameRule reports whether two rules are the same permission: protocol,
// ports and peer after canonicalization (descriptions do not count).
func sameRule(a, b Rule) bool {
	return a.Protocol == b.Protocol &&
		a.Ports.canonical(a.Protocol) == b.Ports.canonical(b.Protocol) &&
		a.Peer.CIDR == b.Peer.CIDR && a.Peer.Group == b.Peer.Group
}

// families reports which address families a rule counts against: a CIDR
// its own, a group reference both.
func (p Peer) families() (v4, v6 bool) {
	if p.IsGroup() {
		return true, true
	}
	return p.CIDR.Addr().Is4(), p.CIDR.Addr().Is6()
}

func (r Rule) allowsPort(port int) bool {
	switch {
	case r.Protocol == ProtoAll:
		return true
	case r.Protocol == ProtoTCP:
		return r.Ports.Lo <= port && port <= r.Ports.Hi
	}
	return false
}

// Summary describes a rule the way AWS error messages do: "tcp 22 0.0.0.0/0".
func (r Rule) Summary() string { return r.summary(r.Peer.String()) }

func (r Rule) summary(peer string) string {
	if r.Protocol == ProtoAll || !(r.Protocol.HasPorts() || r.Protocol.IsICMP()) {
		return fmt.Sprintf("%s %s", r.Protocol, peer)
	}
	return fmt.Sprintf("%s %s %s", r.Protocol, r.Ports.Format(r.Protocol), peer)
}

func (p Peer) String() string {
	switch {
	case p.Self:
		return "self"
	case p.IsGroup():
		return p.Group
	}
	return p.CIDR.String()
}

// check reports the values a file could not hold: the protocol, the port
// and the expectation.
func (c Connection) check() *Error {
	switch {
	case !(c.Protocol.HasPorts() || c.Protocol.IsICMP()):
		return errorf(CodeInvalidValue, "a connection's protocol is tcp, udp, icmp or icmpv6, not %s", c.Protocol)
	case c.Protocol.HasPorts() && (c.Port < 0 || c.Port > 65535):
		return errorf(CodeInvalidValue, "port %d is out of range 0-65535", c.Port)
	case c.Expect > Timeout:
		return errorf(CodeInvalidValue, "expect is connected, refused or timeout, not %d", c.Expect)
	}
	return nil
}

// ValidateConnection checks a connection the way a file's connection is
// checked: both ends must name something, and not the same machine.
func (w *World) ValidateConnection(c Connection) error {
	if err := c.check(); err != nil {
		return err
	}
	v := &validator{w: w}
	v.connection(c)
	if len(v.list) > 0 {
		return &Error{Code: v.list[0].Code, Message: v.list[0].Message}
	}
	return nil
}
