// Package awsjson turns what the AWS CLI v2 prints for describe-vpcs,
// describe-subnets, describe-security-groups, describe-security-group-rules,
// describe-instances, describe-network-interfaces and describe-network-acls
// into a scenario file (format version 1) that the engine loads.
//
// Files are recognised by their top-level key, never by name, and decoded
// with encoding/json into small structs of the fields used. Nothing is
// dropped silently: what the scenario format cannot express (prefix lists,
// groups of other accounts or peered VPCs, secondary addresses, stopped
// instances) becomes a warning naming the resource and a YAML comment where
// it stood; names the format refuses are mapped deterministically and the
// mapping is reported.
package awsjson

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/sglab/sglab/engine"
)

// Options change what Import writes.
type Options struct {
	// Region is the region of VPCs whose region neither a snapshot folder
	// nor an availability zone tells. Empty means us-east-1.
	Region string
	// Hosts are machines outside AWS to add (--host NAME=IP).
	Hosts []Host
}

// Host is an outside machine added to the scenario.
type Host struct {
	Name string
	IP   netip.Addr
}

// Warning is something the scenario could not say as AWS has it.
type Warning struct {
	Resource string // the AWS id (or file) it is about
	Message  string
}

func (w Warning) String() string {
	if w.Resource == "" {
		return w.Message
	}
	return w.Resource + ": " + w.Message
}

// Rename is a name the format refuses, and the name written instead.
type Rename struct {
	Resource string // the AWS id
	From, To string
	Why      string
}

// Result is a scenario written from AWS output.
type Result struct {
	YAML     []byte
	Warnings []Warning
	Renames  []Rename
	Stats    Stats
}

// Stats counts what the scenario holds.
type Stats struct {
	Files, VPCs, Groups, Rules, Machines, Hosts int
}

// Import reads the inputs and writes one scenario. It fails only when an
// input is not AWS CLI output (or a --host is unusable); everything else
// the format cannot hold is a warning.
func Import(inputs []Input, opt Options) (*Result, error) {
	b := newBuilder(opt)
	for _, in := range inputs {
		if err := b.read(in); err != nil {
			return nil, err
		}
	}
	if len(b.sources) == 0 {
		return nil, fmt.Errorf("none of the files is AWS CLI output of describe-vpcs, describe-subnets, describe-security-groups, " +
			"describe-security-group-rules, describe-instances, describe-network-interfaces or describe-network-acls")
	}
	b.build()
	if err := b.addHosts(opt.Hosts); err != nil {
		return nil, err
	}
	res := &Result{YAML: b.write(), Warnings: b.warnings, Renames: b.renames}
	res.Stats = Stats{Files: len(b.sources), VPCs: len(b.vpcList), Groups: len(b.groupList),
		Machines: len(b.machines), Hosts: len(b.hosts)}
	for _, g := range b.groupList {
		res.Stats.Rules += g.in.rules + g.out.rules
	}
	return res, nil
}

// source is one file read, for the header.
type source struct {
	name     string
	commands []string
}

type builder struct {
	opt      Options
	sources  []source
	warnings []Warning
	renames  []Rename

	vpcs      map[string]*vpc
	groups    map[string]*group
	sgRules   map[string][]sgRuleJSON // describe-security-group-rules, by group
	instances map[string]*instance
	enis      map[string]*eni
	enisOrder []string
	subnets   map[string]*subnet
	acls      map[string]*acl

	// Built:
	vpcList   []*vpc
	groupList []*group
	machines  []*machine
	skipped   []string // comments for machines left out
	hosts     []Host
	owners    map[string]bool
	quotas    engine.Quotas
	renamed   map[string]Rename
}

func newBuilder(opt Options) *builder {
	if opt.Region == "" {
		opt.Region = engine.DefaultRegion
	}
	return &builder{opt: opt,
		vpcs: map[string]*vpc{}, groups: map[string]*group{}, sgRules: map[string][]sgRuleJSON{},
		instances: map[string]*instance{}, enis: map[string]*eni{}, subnets: map[string]*subnet{},
		acls: map[string]*acl{}, owners: map[string]bool{}}
}

func (b *builder) warn(resource, format string, args ...any) {
	b.warnings = append(b.warnings, Warning{Resource: clean(resource), Message: fmt.Sprintf(format, args...)})
}

type vpc struct {
	id, name, region, owner string
	cidrs, v6               []netip.Prefix
	known                   bool // described by describe-vpcs
	comments                []string
}

type group struct {
	id, name, awsName, vpc, desc, owner string
	tags                                []tag
	in, out                             ruleList
	file                                string
	fromRules                           bool // only describe-security-group-rules described it
	perms, permsOut                     []permission
}

// ruleList is a group's rules of one direction, in AWS's order, with
// comments where a rule could not be written.
type ruleList struct {
	items []ruleItem
	rules int
	seen  map[ruleKey]bool
}

type ruleItem struct {
	proto   engine.Protocol
	ports   engine.PortRange
	peer    string // a CIDR, "self" or a group id
	desc    string
	comment string // set for a rule that is only a comment
}

type ruleKey struct {
	proto engine.Protocol
	ports engine.PortRange
	peer  string
}

type instance struct {
	id, name, state, az, vpc, typ string
	file                          string
	private, public, ipv6         string
	groups                        []groupRef
	hasENI                        bool
}

type eni struct {
	eniJSON
	instanceID  string
	deviceIndex int // -1 when unknown
	region      string
}

type machine struct {
	id, name, vpc         string
	private, public, ipv6 netip.Addr
	groups                []string
	listening             []engine.Service
	what                  string   // what the interface is, for a comment
	comments              []string // what the format could not hold
	baseName              string
}

// read decodes one file and keeps its records.
func (b *builder) read(in Input) error {
	doc, commands, others, err := decode(in)
	if err != nil {
		return err
	}
	for _, what := range others {
		b.warn(in.Name, "skipped its %s: sglab does not model them", what)
	}
	if len(commands) == 0 {
		if in.InDir || len(others) > 0 {
			if len(others) == 0 {
				b.warn(in.Name, "skipped: not output of a describe command sglab reads")
			}
			return nil
		}
		return fmt.Errorf("%s: not AWS CLI output of a describe command sglab reads (it has none of the keys Vpcs, Subnets, "+
			"SecurityGroups, SecurityGroupRules, Reservations, NetworkInterfaces, NetworkAcls)", in.Name)
	}
	b.sources = append(b.sources, source{name: in.Name, commands: commands})
	for _, v := range doc.Vpcs {
		b.addVPC(v, in)
	}
	for _, s := range doc.Subnets {
		b.addSubnet(s, in)
	}
	for _, g := range doc.SecurityGroups {
		b.addGroup(g, in)
	}
	for _, r := range doc.SecurityGroupRules {
		if !validID(r.GroupID) {
			b.warn(in.Name, "a security group rule whose GroupId %s is not an AWS id: skipped", strqLine(r.GroupID))
			continue
		}
		b.sgRules[r.GroupID] = append(b.sgRules[r.GroupID], r)
	}
	for _, res := range doc.Reservations {
		for _, i := range res.Instances {
			b.addInstance(i, res.OwnerID, in)
		}
	}
	for _, e := range doc.NetworkInterfaces {
		b.addENI(e, "", -1, in)
	}
	for _, a := range doc.NetworkAcls {
		b.addACL(a, in)
	}
	return nil
}

func (b *builder) vpcOf(id string) *vpc {
	v := b.vpcs[id]
	if v == nil {
		v = &vpc{id: id}
		b.vpcs[id] = v
	}
	return v
}

// noteRegion records where a VPC's region comes from: a snapshot folder
// first, then an availability zone.
func (b *builder) noteRegion(vpcID, fileRegion, az string) {
	if !validID(vpcID) {
		return
	}
	v := b.vpcOf(vpcID)
	if v.region != "" {
		return
	}
	if fileRegion != "" {
		v.region = fileRegion
	} else if r := regionOfZone(az); r != "" {
		v.region = r
	}
}

func (b *builder) addVPC(j vpcJSON, in Input) {
	if !validID(j.VpcID) {
		b.warn(in.Name, "a VPC whose VpcId %s is not an AWS id: skipped", strqLine(j.VpcID))
		return
	}
	v := b.vpcOf(j.VpcID)
	if v.known {
		return // the same VPC in two files
	}
	v.known, v.name, v.owner = true, nameTag(j.Tags), j.OwnerID
	b.noteRegion(j.VpcID, in.Region, "")
	add := func(s string) {
		p, err := netip.ParsePrefix(s)
		if err != nil || !p.Addr().Is4() {
			if s != "" {
				b.warn(j.VpcID, "CIDR block %q is not an IPv4 range: skipped", clean(s))
			}
			return
		}
		if !slices.Contains(v.cidrs, p.Masked()) {
			v.cidrs = append(v.cidrs, p.Masked())
		}
	}
	add(j.CidrBlock)
	for _, a := range j.CidrBlockAssociationSet {
		if a.CidrBlockState.State == "" || a.CidrBlockState.State == "associated" {
			add(a.CidrBlock)
		}
	}
	for _, a := range j.Ipv6CidrBlockAssociationSet {
		if a.Ipv6CidrBlockState.State != "" && a.Ipv6CidrBlockState.State != "associated" {
			continue
		}
		p, err := netip.ParsePrefix(a.Ipv6CidrBlock)
		if err != nil || !p.Addr().Is6() || p.Addr().Is4In6() {
			b.warn(j.VpcID, "IPv6 CIDR block %q is not an IPv6 range: skipped", clean(a.Ipv6CidrBlock))
			continue
		}
		if !slices.Contains(v.v6, p.Masked()) {
			v.v6 = append(v.v6, p.Masked())
		}
	}
}

func (b *builder) addGroup(j groupJSON, in Input) {
	if !validID(j.GroupID) {
		b.warn(in.Name, "a security group whose GroupId %s is not an AWS id: skipped", strqLine(j.GroupID))
		return
	}
	if prev := b.groups[j.GroupID]; prev != nil && !prev.fromRules {
		if prev.file != in.Name {
			b.warn(j.GroupID, "described again in %s: the first description (%s) is kept", clean(in.Name), clean(prev.file))
		}
		return
	}
	if j.VpcID == "" {
		b.warn(j.GroupID, "has no VpcId (an EC2-Classic group): skipped, since every group of the format belongs to a VPC")
		return
	}
	if !validID(j.VpcID) {
		b.warn(j.GroupID, "VpcId %s is not an AWS id: skipped", strqLine(j.VpcID))
		return
	}
	b.vpcOf(j.VpcID)
	b.noteRegion(j.VpcID, in.Region, "")
	if j.OwnerID != "" {
		b.owners[j.OwnerID] = true
	}
	desc, changed := sanitizeText(j.Description)
	if changed {
		b.warn(j.GroupID, "control characters in the description are written as _")
	}
	b.groups[j.GroupID] = &group{id: j.GroupID, awsName: j.GroupName, vpc: j.VpcID, desc: desc,
		owner: j.OwnerID, tags: j.Tags, file: in.Name, perms: j.IpPermissions, permsOut: j.IpPermissionsEgress}
}

func (b *builder) addInstance(j instanceJSON, owner string, in Input) {
	if !validID(j.InstanceID) {
		b.warn(in.Name, "an instance whose InstanceId %s is not an AWS id: skipped", strqLine(j.InstanceID))
		return
	}
	if owner != "" {
		b.owners[owner] = true
	}
	if _, dup := b.instances[j.InstanceID]; dup {
		return
	}
	vpcID := j.VpcID
	b.noteRegion(vpcID, in.Region, j.Placement.AvailabilityZone)
	b.instances[j.InstanceID] = &instance{id: j.InstanceID, name: nameTag(j.Tags), state: j.State.Name,
		az: j.Placement.AvailabilityZone, vpc: vpcID, typ: j.InstanceType, file: in.Name,
		private: j.PrivateIPAddress, public: j.PublicIPAddress, ipv6: j.Ipv6Address, groups: j.SecurityGroups}
	for _, e := range j.NetworkInterface {
		idx := -1
		if e.Attachment != nil && e.Attachment.DeviceIndex != nil {
			idx = *e.Attachment.DeviceIndex
		}
		if e.VpcID == "" {
			e.VpcID = vpcID
		}
		b.addENI(e, j.InstanceID, idx, in)
	}
}

// addENI keeps an interface, merging what describe-instances and
// describe-network-interfaces each say about it.
func (b *builder) addENI(j eniJSON, instanceID string, deviceIndex int, in Input) {
	if !validID(j.NetworkInterfaceID) {
		b.warn(in.Name, "a network interface whose NetworkInterfaceId %s is not an AWS id: skipped", strqLine(j.NetworkInterfaceID))
		return
	}
	if j.Attachment != nil {
		if instanceID == "" {
			instanceID = j.Attachment.InstanceID
		}
		if deviceIndex < 0 && j.Attachment.DeviceIndex != nil {
			deviceIndex = *j.Attachment.DeviceIndex
		}
	}
	b.noteRegion(j.VpcID, in.Region, j.AvailabilityZone)
	e := b.enis[j.NetworkInterfaceID]
	if e == nil {
		b.enis[j.NetworkInterfaceID] = &eni{eniJSON: j, instanceID: instanceID, deviceIndex: deviceIndex, region: in.Region}
		b.enisOrder = append(b.enisOrder, j.NetworkInterfaceID)
		return
	}
	// Fill in what the first record lacked.
	if e.instanceID == "" {
		e.instanceID = instanceID
	}
	if e.deviceIndex < 0 {
		e.deviceIndex = deviceIndex
	}
	fill := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	fill(&e.VpcID, j.VpcID)
	fill(&e.SubnetID, j.SubnetID)
	fill(&e.AvailabilityZone, j.AvailabilityZone)
	fill(&e.Description, j.Description)
	fill(&e.InterfaceType, j.InterfaceType)
	fill(&e.RequesterID, j.RequesterID)
	fill(&e.PrivateIPAddress, j.PrivateIPAddress)
	if e.Association == nil {
		e.Association = j.Association
	}
	if len(e.PrivateIPAddresses) == 0 {
		e.PrivateIPAddresses = j.PrivateIPAddresses
	}
	if len(e.Ipv6Addresses) == 0 {
		e.Ipv6Addresses = j.Ipv6Addresses
	}
	if len(e.Groups) == 0 {
		e.Groups = j.Groups
	}
	if len(e.TagSet) == 0 {
		e.TagSet = j.TagSet
	}
}

// build resolves everything read into VPCs, groups and machines.
func (b *builder) build() {
	b.buildGroups()
	b.buildMachines()
	b.buildVPCs()
	b.buildNetworkACLs()
	b.nameGroups()
	b.nameMachines()
	b.inferListening()
	b.setQuotas()
}

// buildGroups turns every group's permissions into rules. Group
// references need every group known, so this runs after all files.
func (b *builder) buildGroups() {
	// Groups only describe-security-group-rules knows about.
	for id := range b.sgRules {
		if b.groups[id] == nil {
			b.groups[id] = &group{id: id, fromRules: true}
		}
	}
	ids := sortedKeys(b.groups)
	for _, id := range ids {
		g := b.groups[id]
		if rules := b.sgRules[id]; len(rules) > 0 && (g.fromRules || (len(g.perms) == 0 && len(g.permsOut) == 0)) {
			g.perms, g.permsOut = nil, nil
			for _, r := range rules {
				p := r.permission()
				if r.IsEgress {
					g.permsOut = append(g.permsOut, p)
				} else {
					g.perms = append(g.perms, p)
				}
			}
		}
	}
	// A group only the rules describe has no VPC: take it from an
	// interface that has the group, or from a group it refers to.
	for _, id := range ids {
		g := b.groups[id]
		if g.vpc != "" {
			continue
		}
		g.vpc = b.vpcOfGroupUse(id)
		if g.vpc == "" {
			b.warn(id, "only describe-security-group-rules describes it and nothing tells its VPC: skipped (add the describe-security-groups output)")
			delete(b.groups, id)
			continue
		}
		b.warn(id, "only describe-security-group-rules describes it: its name and description are unknown; its VPC %s is where it is used", g.vpc)
	}
	for _, id := range sortedKeys(b.groups) {
		g := b.groups[id]
		g.in.seen, g.out.seen = map[ruleKey]bool{}, map[ruleKey]bool{}
		for _, p := range g.perms {
			b.flatten(g, engine.Inbound, p)
		}
		for _, p := range g.permsOut {
			b.flatten(g, engine.Outbound, p)
		}
		g.perms, g.permsOut = nil, nil
		g.in.seen, g.out.seen = nil, nil
		b.groupList = append(b.groupList, g)
	}
}

// vpcOfGroupUse finds the VPC of a group from where it is used.
func (b *builder) vpcOfGroupUse(id string) string {
	for _, eid := range b.enisOrder {
		e := b.enis[eid]
		for _, g := range e.Groups {
			if g.GroupID == id && e.VpcID != "" {
				return e.VpcID
			}
		}
	}
	for _, iid := range sortedKeys(b.instances) {
		i := b.instances[iid]
		for _, g := range i.groups {
			if g.GroupID == id && i.vpc != "" {
				return i.vpc
			}
		}
	}
	for _, rules := range b.sgRules {
		for _, r := range rules {
			if ref := r.ReferencedGroupInfo; ref != nil && ref.GroupID == id && ref.VpcID != "" {
				return ref.VpcID
			}
		}
	}
	return ""
}

// permission turns one rule of describe-security-group-rules into the
// IpPermissions shape, so both forms go through one flattening.
func (r sgRuleJSON) permission() permission {
	p := permission{IPProtocol: r.IPProtocol, FromPort: r.FromPort, ToPort: r.ToPort}
	switch {
	case r.CidrIpv4 != "":
		p.IPRanges = []ipRange{{CidrIP: r.CidrIpv4, Description: r.Description}}
	case r.CidrIpv6 != "":
		p.Ipv6Ranges = []ipv6Range{{CidrIpv6: r.CidrIpv6, Description: r.Description}}
	case r.PrefixListID != "":
		p.PrefixListIDs = []prefixList{{PrefixListID: r.PrefixListID, Description: r.Description}}
	case r.ReferencedGroupInfo != nil:
		ref := r.ReferencedGroupInfo
		p.UserIDGroupPairs = []groupPair{{GroupID: ref.GroupID, UserID: ref.UserID, VpcID: ref.VpcID,
			VpcPeeringConnectionID: ref.VpcPeeringConnectionID, PeeringStatus: ref.PeeringStatus, Description: r.Description}}
	}
	return p
}

// flatten writes one IpPermissions entry as one rule per peer.
func (b *builder) flatten(g *group, d engine.Direction, p permission) {
	list := &g.in
	if d == engine.Outbound {
		list = &g.out
	}
	proto, ports, err := protoPorts(p)
	if err != nil {
		b.warn(g.id, "%s rule skipped: %v", d, err)
		list.comment(fmt.Sprintf("skipped: %s (%v)", clean(permText(p)), err))
		return
	}
	what := proto.String()
	if proto.HasPorts() || (proto.IsICMP() && ports != engine.AnyICMP) {
		what += " " + ports.Format(proto)
	}
	for _, r := range p.IPRanges {
		b.cidrRule(g, d, list, proto, ports, r.CidrIP, r.Description, 4)
	}
	for _, r := range p.Ipv6Ranges {
		b.cidrRule(g, d, list, proto, ports, r.CidrIpv6, r.Description, 6)
	}
	for _, pl := range p.PrefixListIDs {
		b.warn(g.id, "%s rule %s %s prefix list %s skipped: sglab has no prefix lists", d, what, toFrom(d), clean(pl.PrefixListID))
		list.comment(fmt.Sprintf("skipped: %s %s prefix list %s%s (sglab has no prefix lists)", what, toFrom(d), clean(pl.PrefixListID), descNote(pl.Description)))
	}
	for _, pair := range p.UserIDGroupPairs {
		peer, why := b.pairPeer(g, pair)
		if why != "" {
			b.warn(g.id, "%s rule %s %s %s skipped: %s", d, what, toFrom(d), clean(pairText(pair)), why)
			list.comment(fmt.Sprintf("skipped: %s %s %s%s (%s)", what, toFrom(d), clean(pairText(pair)), descNote(pair.Description), why))
			continue
		}
		b.addRule(g, d, list, ruleItem{proto: proto, ports: ports, peer: peer, desc: pair.Description})
	}
	if len(p.IPRanges)+len(p.Ipv6Ranges)+len(p.PrefixListIDs)+len(p.UserIDGroupPairs) == 0 {
		b.warn(g.id, "%s permission %s names no source or destination: nothing to write", d, what)
		list.comment(fmt.Sprintf("skipped: %s with no source or destination", what))
	}
}

func toFrom(d engine.Direction) string {
	if d == engine.Outbound {
		return "to"
	}
	return "from"
}

func descNote(desc string) string {
	if desc == "" {
		return ""
	}
	return ", " + strqLine(desc)
}

func (l *ruleList) comment(text string) { l.items = append(l.items, ruleItem{comment: text}) }

func (b *builder) cidrRule(g *group, d engine.Direction, list *ruleList, proto engine.Protocol, ports engine.PortRange, s, desc string, family int) {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil || p.Addr().Zone() != "" || p.Addr().Is4In6() || (family == 4) != p.Addr().Is4() {
		b.warn(g.id, "%s rule with CIDR %q skipped: not an IPv%d range", d, clean(s), family)
		list.comment(fmt.Sprintf("skipped: CIDR %s is not an IPv%d range", strqLine(s), family))
		return
	}
	if p.Masked() != p {
		b.warn(g.id, "%s rule CIDR %s has host bits set; written as %s, as AWS stores it", d, p, p.Masked())
	}
	b.addRule(g, d, list, ruleItem{proto: proto, ports: ports, peer: p.Masked().String(), desc: desc})
}

func (b *builder) addRule(g *group, d engine.Direction, list *ruleList, r ruleItem) {
	if desc, changed := sanitizeText(r.desc); changed {
		b.warn(g.id, "control characters in the description of %s rule %s are written as _", d, ruleText(r))
		r.desc = desc
	}
	k := ruleKey{proto: r.proto, ports: r.ports, peer: r.peer}
	if list.seen[k] {
		b.warn(g.id, "%s rule %s given twice: written once", d, ruleText(r))
		list.comment("given twice in the input: " + ruleText(r))
		return
	}
	list.seen[k] = true
	list.items = append(list.items, r)
	list.rules++
}

func ruleText(r ruleItem) string {
	s := r.proto.String()
	if r.proto.HasPorts() || r.proto.IsICMP() {
		s += " " + r.ports.Format(r.proto)
	}
	return s + " " + r.peer
}

// pairPeer resolves a UserIdGroupPairs item to a group of the same VPC,
// or says why the format cannot hold it.
func (b *builder) pairPeer(g *group, p groupPair) (peer, why string) {
	switch {
	case p.UserID != "" && g.owner != "" && p.UserID != g.owner:
		return "", "a group of another AWS account (" + clean(p.UserID) + "); sglab models one account"
	case p.VpcPeeringConnectionID != "":
		return "", "a group of a peered VPC (" + clean(p.VpcPeeringConnectionID) + "); sglab has no VPC peering"
	case p.VpcID != "" && p.VpcID != g.vpc:
		return "", "a group of another VPC (" + clean(p.VpcID) + "); sglab has no VPC peering"
	}
	id := p.GroupID
	if id == "" && p.GroupName != "" {
		for _, o := range b.groups {
			if o.vpc == g.vpc && o.awsName == p.GroupName {
				id = o.id
			}
		}
		if id == "" {
			return "", "names group " + strqLine(p.GroupName) + " without an id, and no group of " + clean(g.vpc) + " has that name"
		}
	}
	if id == "" {
		return "", "names no group"
	}
	if id == g.id {
		return "self", ""
	}
	ref := b.groups[id]
	switch {
	case ref == nil:
		return "", "the input does not describe " + clean(id)
	case ref.vpc != g.vpc:
		return "", clean(id) + " is in another VPC (" + clean(ref.vpc) + ")"
	}
	return id, ""
}

func pairText(p groupPair) string {
	s := p.GroupID
	if s == "" {
		s = "group " + strqLine(p.GroupName)
	}
	if p.UserID != "" {
		s = p.UserID + "/" + s
	}
	return s
}

func permText(p permission) string {
	s := "protocol " + strqLine(p.IPProtocol)
	if p.FromPort != nil {
		s += fmt.Sprintf(" from %d", *p.FromPort)
	}
	if p.ToPort != nil {
		s += fmt.Sprintf(" to %d", *p.ToPort)
	}
	return s
}

// protoPorts reads IpProtocol, FromPort and ToPort as AWS means them:
// -1 is every protocol; for tcp and udp an absent or -1 port means every
// port; for icmp and icmpv6 FromPort is the type and ToPort the code, -1
// (or absent) meaning any; other protocols have no ports.
func protoPorts(p permission) (engine.Protocol, engine.PortRange, error) {
	proto, err := engine.ParseProtocol(p.IPProtocol)
	if err != nil || p.IPProtocol == "" {
		return 0, engine.PortRange{}, fmt.Errorf("IpProtocol %s is not a protocol", strqLine(p.IPProtocol))
	}
	val := func(v *int) int {
		if v == nil {
			return -1
		}
		return *v
	}
	from, to := val(p.FromPort), val(p.ToPort)
	switch {
	case proto.HasPorts():
		if from == -1 && (to == -1 || to == 65535) {
			return proto, engine.AllPorts, nil
		}
		if to == -1 {
			to = from
		}
		if from < 0 || to > 65535 || from > to {
			return 0, engine.PortRange{}, fmt.Errorf("ports %d-%d are not a range of 0-65535", from, to)
		}
		return proto, engine.PortRange{Lo: from, Hi: to}, nil
	case proto.IsICMP():
		if from < -1 || from > 255 || to < -1 || to > 255 {
			return 0, engine.PortRange{}, fmt.Errorf("icmp type %d code %d are not -1 or 0-255", from, to)
		}
		if from == -1 {
			return proto, engine.AnyICMP, nil
		}
		return proto, engine.PortRange{Lo: from, Hi: to}, nil
	}
	return proto, engine.PortRange{}, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
