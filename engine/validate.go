package engine

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sglab/sglab/internal/safetext"
)

// Validate checks a world against the format and AWS's rules and returns
// every error and warning found, sorted by position. It checks a copy with
// the defaults applied and names resolved, as loading does; w itself is
// left as it is.
func Validate(w *World) Diagnostics {
	ds := w.copy().settle(nil, "")
	ds.sort()
	return ds
}

type validator struct {
	diags
	w      *World
	pos    *positions
	groups groupIndex
	ids    map[string]string // id -> kind, to report duplicates
	names  map[string]bool   // instance and host names
	addrs  map[netip.Addr]string
	// attached counts the instances each group is attached to.
	attached map[string]int
	// named holds the VPC and name of each named group seen so far;
	// subnetNames and aclNames the same for subnets and network ACLs.
	named, subnetNames, aclNames map[groupKey]bool
}

func validate(w *World, pos *positions, file string, groups groupIndex) Diagnostics {
	v := &validator{diags: diags{file: file}, w: w, pos: pos, groups: groups,
		ids:   make(map[string]string, len(w.VPCs)+len(w.Groups)+len(w.Instances)+len(w.Hosts)),
		names: map[string]bool{}, addrs: make(map[netip.Addr]string, 2*len(w.Instances)+len(w.Hosts)),
		attached: make(map[string]int, len(w.Groups)), named: make(map[groupKey]bool, len(w.Groups)),
		subnetNames: map[groupKey]bool{}, aclNames: map[groupKey]bool{}}
	for _, i := range w.Instances {
		for _, id := range i.Groups {
			v.attached[id]++
		}
	}
	v.text("name", w.Name, pos.world("name"))
	v.text("description", w.Description, pos.world("description"))
	v.text("region", w.Region, pos.world("region"))
	for _, vpc := range w.VPCs {
		v.id(vpc.ID, "VPC", pos.vpc(vpc, "id"))
		v.vpc(vpc)
	}
	for _, s := range w.Subnets {
		v.id(s.ID, "subnet", pos.subnet(s, "id"))
	}
	for _, a := range w.NetworkACLs {
		if a.ID == DefaultACLID(a.VPC) && safetext.Index(a.VPC) >= 0 {
			continue // a default ACL's id is its VPC's, already reported
		}
		v.id(a.ID, "network ACL", pos.acl(a, "id"))
	}
	for _, g := range w.Groups {
		if g.ID == DefaultGroupID(g.VPC) && safetext.Index(g.VPC) >= 0 {
			continue // a default group's id is its VPC's, already reported
		}
		v.id(g.ID, "security group", pos.group(g, "id"))
	}
	for _, i := range w.Instances {
		v.id(i.ID, "instance", pos.instance(i, "id"))
	}
	for _, h := range w.Hosts {
		v.id(h.ID, "host", pos.host(h, "id"))
	}
	v.machineNames()
	for k, s := range w.Subnets {
		v.subnet(s, k)
	}
	for _, a := range w.NetworkACLs {
		v.networkACL(a)
	}
	for _, g := range w.Groups {
		v.group(g)
	}
	for _, i := range w.Instances {
		v.instance(i)
	}
	for _, h := range w.Hosts {
		v.host(h)
	}
	for k, c := range w.Connections {
		v.connection(c, k)
	}
	return v.list
}

// id records an id, reporting it when it is already taken, or when it is
// not one line of printable text. It reports whether the id was new.
func (v *validator) id(id, kind string, p Pos) bool {
	if id == "" {
		return false
	}
	v.text("id", id, p)
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
		if i.Name != "" {
			check(i.ID, i.Name, v.pos.instance(i, "name"))
		}
	}
	for _, h := range v.w.Hosts {
		if h.Name != "" {
			check(h.ID, h.Name, v.pos.host(h, "name"))
		}
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
	v.vpcOf(g.VPC, v.pos.group(g, "vpc"))
	v.text("name", g.Name, v.pos.group(g, "name"))
	v.text("description", g.Description, v.pos.group(g, "description"))
	switch {
	case strings.HasPrefix(strings.ToLower(g.Name), "sg-"):
		v.add(v.pos.group(g, "name"), CodeInvalidValue, "group name %q cannot start with sg- (AWS keeps that prefix for group ids)", g.Name)
	case isAddress(g.Name):
		v.add(v.pos.group(g, "name"), CodeInvalidValue, "group name %q is an IP address or CIDR: a rule's source or destination that names it would mean two things", g.Name)
	}
	if isAddress(g.ID) {
		v.add(v.pos.group(g, "id"), CodeInvalidValue, "group id %q is an IP address or CIDR: a rule's source or destination that names it would mean two things", g.ID)
	}
	if g.Name != "" {
		key := groupKey{g.VPC, g.Name}
		if v.named[key] {
			v.add(v.pos.group(g, "name"), CodeGroupDuplicate, "the security group %q already exists in VPC %s", g.Name, g.VPC)
		}
		v.named[key] = true
	}
	for _, d := range []Direction{Inbound, Outbound} {
		v.rules(g, d)
	}
	if g.Name != DefaultGroupName && v.attached[g.ID] == 0 {
		v.warn(v.pos.group(g, "id"), "security group %s is attached to no instance", g.ID)
	}
}

func (v *validator) rules(g *Group, d Direction) {
	rules := g.Rules(d)
	var n4, n6 int
	for k, r := range rules {
		at := v.pos.rule(g, d, k, "")
		v.text("description", r.Description, v.pos.rule(g, d, k, "description"))
		if err := r.check(d); err != nil {
			v.add(at, err.Code, "%s", err.Message)
			continue
		}
		if r.Peer.IsGroup() && !v.groupPeer(g, d, r, v.pos.rule(g, d, k, d.peerField())) {
			continue // meant as an address: reported, and not counted as a rule
		}
		for _, prev := range rules[:k] {
			if sameRule(prev, r) {
				v.add(at, CodePermissionDup, "the specified rule \"%s\" already exists in %s %s rules", r.Summary(), g.ID, d)
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
			v.add(at, CodeRulesLimit, "%s has more than %d %s rules for one address family (quota rules_per_direction)",
				g.ID, v.w.Quotas.RulesPerDirection, d)
		}
		if d == Inbound && !r.Peer.IsGroup() && r.Peer.CIDR.Bits() == 0 {
			for _, port := range []int{22, 3389} {
				if r.Admits(TCP(port)) {
					v.warn(at, "%s opens port %d (%s) to the whole internet (%s)", g.ID, port, ServiceName(port), r.Peer.CIDR)
				}
			}
		}
	}
}

// groupPeer checks a rule's group reference. A reference that names no
// group and looks like an address was meant as one: it is reported as a
// bad address, and groupPeer returns false.
func (v *validator) groupPeer(g *Group, d Direction, r Rule, p Pos) bool {
	ref := v.groups.ids[r.Peer.Group]
	switch {
	case ref == nil && r.Peer.MeantAsAddress() != nil:
		v.add(p, CodeInvalidValue, "%s: %v", d.peerField(), r.Peer.MeantAsAddress())
		return false
	case ref == nil:
		v.add(p, CodeGroupNotFound, "the security group %q does not exist in VPC %s", r.Peer.Group, g.VPC)
	case ref.VPC != g.VPC:
		v.add(p, CodeGroupNotFound, "you have specified two resources that belong to different networks: %s is in %s, %s in %s",
			g.ID, g.VPC, ref.ID, ref.VPC)
	}
	return true
}

func (v *validator) instance(i *Instance) {
	at := func(field string) Pos { return v.pos.instance(i, field) }
	v.text("name", i.Name, at("name"))
	for _, a := range [...]struct {
		field string
		addr  netip.Addr
	}{{"private_ip", i.PrivateIP}, {"public_ip", i.PublicIP}, {"ipv6", i.IPv6}} {
		v.mapped(a.field, a.addr, at(a.field))
	}
	vpc := v.vpcOf(i.VPC, at("vpc"))
	if vpc != nil && i.PrivateIP.IsValid() && vpc.CIDR.IsValid() && !vpc.CIDR.Contains(i.PrivateIP) {
		v.add(at("private_ip"), CodeInvalidValue, "private_ip %s is not in VPC %s's range %s", i.PrivateIP, vpc.ID, vpc.CIDR)
	}
	if i.PublicIP.IsValid() {
		v.outsideVPCs(i.PublicIP, "public_ip", at("public_ip"))
	}
	if vpc != nil && i.IPv6.IsValid() {
		switch {
		case !vpc.IPv6CIDR.IsValid():
			v.add(at("ipv6"), CodeInvalidValue, "ipv6 %s: VPC %s has no ipv6_cidr", i.IPv6, vpc.ID)
		case !vpc.IPv6CIDR.Contains(i.IPv6):
			v.add(at("ipv6"), CodeInvalidValue, "ipv6 %s is not in VPC %s's range %s", i.IPv6, vpc.ID, vpc.IPv6CIDR)
		}
	}
	v.instanceSubnet(i, vpc)
	v.address(i.PrivateIP, i.ID, at("private_ip"))
	v.address(i.PublicIP, i.ID, at("public_ip"))
	v.address(i.IPv6, i.ID, at("ipv6"))
	v.instanceGroups(i, vpc, at("security_groups"))
}

// instanceGroups checks an instance's groups. Without a VPC (already
// reported) the groups cannot be told apart from another VPC's.
func (v *validator) instanceGroups(i *Instance, vpc *VPC, p Pos) {
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
	for k, id := range i.Groups {
		g := v.groups.ids[id]
		switch {
		case g == nil && v.namedAnywhere(id):
			v.add(p, CodeInvalidParameter, "security group %q belongs to another VPC; instance %s is in %s", id, i.ID, i.VPC)
		case g == nil:
			v.add(p, CodeGroupNotFound, "the security group %q does not exist in VPC %s", id, i.VPC)
		case g.VPC != i.VPC:
			v.add(p, CodeInvalidParameter, "security group %s is in %s and instance %s in %s: groups belong to one VPC", id, g.VPC, i.ID, i.VPC)
		case slices.Contains(i.Groups[:k], id):
			v.warn(p, "security group %s is listed twice on instance %s", id, i.ID)
		}
	}
}

// namedAnywhere reports whether some group of any VPC has this name.
func (v *validator) namedAnywhere(name string) bool {
	for k := range v.groups.names {
		if k.name == name {
			return true
		}
	}
	return false
}

// vpc checks what a VPC holds besides its id: its region, and ranges that
// a program (not a file, whose reader refuses them) could make IPv4-mapped.
func (v *validator) vpc(vpc *VPC) {
	v.text("region", vpc.Region, v.pos.vpc(vpc, "region"))
	for _, r := range [...]struct {
		field string
		p     netip.Prefix
	}{{"cidr", vpc.CIDR}, {"ipv6_cidr", vpc.IPv6CIDR}} {
		if r.p.Addr().Is4In6() {
			v.add(v.pos.vpc(vpc, r.field), CodeInvalidValue, "%s %s is an IPv4-mapped IPv6 range; write the IPv4 range", r.field, r.p)
		}
	}
}

// text refuses in a name, an id or a description what AWS refuses there
// and what must never reach a terminal: control characters (C0, C1, DEL,
// ESC), line breaks and tabs (each field is one line), the Unicode marks
// that reorder or hide text, and bytes that are not UTF-8.
func (v *validator) text(field, s string, p Pos) {
	k := safetext.Index(s)
	if k < 0 {
		return
	}
	what := "a control character"
	if r, size := utf8.DecodeRuneInString(s[k:]); r == utf8.RuneError && size <= 1 {
		what = "a byte that is not UTF-8"
	} else if r == '\n' || r == '\t' || r == '\r' {
		what = "a line break or a tab"
	}
	v.add(p, CodeInvalidValue, "%s %s holds %s at byte %d: names, ids and descriptions are one line of printable text", field, strconv.Quote(s), what, k)
}

// mapped refuses an IPv4-mapped IPv6 address, which a program (not a
// file, whose reader refuses it) could put in the model.
func (v *validator) mapped(field string, a netip.Addr, p Pos) {
	if a.Is4In6() {
		v.add(p, CodeInvalidValue, "%s %s is an IPv4-mapped IPv6 address; write the IPv4 address %s", field, a, a.Unmap())
	}
}

// isAddress reports whether s is an IP address or a CIDR as netip reads
// them: a group name or id like that would make a rule's source ambiguous.
func isAddress(s string) bool {
	if _, err := netip.ParseAddr(s); err == nil {
		return true
	}
	_, err := netip.ParsePrefix(s)
	return err == nil
}

func withArticle(noun string) string {
	if strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}

func (v *validator) host(h *Host) {
	v.text("name", h.Name, v.pos.host(h, "name"))
	v.mapped("ip", h.IP, v.pos.host(h, "ip"))
	if h.IP.IsValid() {
		v.outsideVPCs(h.IP, "ip", v.pos.host(h, "ip"))
		v.address(h.IP, h.ID, v.pos.host(h, "ip"))
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

// connection checks a connection's ends, k its index in the world (-1
// for one that is not in it). The ends are looked up the way evaluation
// looks them up, in the compiled form of the world.
func (v *validator) connection(c Connection, k int) {
	x := v.w.compiled()
	from, fromOK := x.resolve(c.From)
	to, toOK := x.resolve(c.To)
	for _, end := range [...]struct {
		field, ref string
		ok         bool
	}{{"from", c.From, fromOK}, {"to", c.To, toOK}} {
		switch _, err := ParseAddr(end.ref); {
		case end.ok:
		case err != nil && strings.Contains(err.Error(), "IPv4-mapped"):
			v.add(v.pos.connection(k, end.field), CodeInvalidValue, "%s: %v", end.field, err)
		default:
			v.add(v.pos.connection(k, end.field), CodeInstanceNotFound, "%q names no instance or host in this file, and is not an IP address", end.ref)
		}
	}
	if fromOK && toOK && from.sameMachine(to.Endpoint) {
		v.add(v.pos.connection(k, "to"), CodeInvalidValue, "a connection from %s to itself", c.From)
	}
}

// check reports the values a file could not hold: the protocol, the port
// and the expectation.
func (c Connection) check() *Error {
	switch {
	case !(c.Protocol.HasPorts() || c.Protocol.IsICMP()):
		return errorf(CodeInvalidValue, "a connection's protocol is tcp, udp, icmp or icmpv6, not %s", c.Protocol)
	case c.Protocol.HasPorts() && (c.Port < 0 || c.Port > 65535):
		return errorf(CodeInvalidValue, "port %d is out of range 0-65535", c.Port)
	case c.SourcePort < 0 || c.SourcePort > 65535:
		return errorf(CodeInvalidValue, "source_port %d is out of range 1-65535", c.SourcePort)
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
	v.connection(c, -1)
	if len(v.list) > 0 {
		return &Error{Code: v.list[0].Code, Message: v.list[0].Message}
	}
	return nil
}
