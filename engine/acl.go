package engine

import (
	"fmt"
	"net/netip"
	"slices"
)

// Subnets and network ACLs: the second, stateless firewall of a VPC. A
// network ACL guards the subnets associated with it; its numbered entries
// allow or deny, the lowest number that matches decides, and a packet no
// entry matches is denied (AWS's `*` rule). Replies are not let back
// automatically: the reply is a packet of its own, to the client's
// source port, and the ACLs on its way judge it too.

// Defaults of subnets and network ACLs.
const (
	DefaultACLRulesPerDirection = 20
	// MinACLRule and MaxACLRule bound an entry's rule number; AWS keeps
	// 32767 for the `*` rule every ACL ends with.
	MinACLRule = 1
	MaxACLRule = 32766
	// DefaultLinuxSourcePort is the source port an instance's client uses
	// unless told otherwise (the start of Linux's ephemeral range),
	// DefaultOutsideSourcePort a host's or an address's (IANA's range, which
	// Windows and macOS use).
	DefaultLinuxSourcePort   = 32768
	DefaultOutsideSourcePort = 49152
)

// DefaultACLID is the id of the network ACL every VPC has implicitly.
func DefaultACLID(vpcID string) string { return vpcID + "/default-acl" }

// Subnet is a range of a VPC's addresses that one network ACL guards.
type Subnet struct {
	ID       string
	Name     string
	VPC      string
	CIDR     netip.Prefix
	IPv6CIDR netip.Prefix // invalid when the subnet has no IPv6 range
	// NetworkACL is the id of the ACL associated with the subnet; empty
	// means the VPC's default network ACL.
	NetworkACL string
}

// Label is how the subnet is named to a learner.
func (s *Subnet) Label() string {
	if s.Name != "" {
		return s.Name
	}
	return s.ID
}

// Contains reports whether an address is in the subnet's ranges.
func (s *Subnet) Contains(a netip.Addr) bool {
	return s.CIDR.Contains(a) || s.IPv6CIDR.Contains(a)
}

// NetworkACL is a network ACL of one VPC.
type NetworkACL struct {
	ID       string
	Name     string
	VPC      string
	Inbound  []ACLEntry
	Outbound []ACLEntry
}

// Label is how the ACL is named to a learner.
func (a *NetworkACL) Label() string {
	if a.Name != "" {
		return a.Name
	}
	return a.ID
}

// Entries returns the entries of one direction, in the order they were
// written (evaluation reads them by rule number; see Sorted).
func (a *NetworkACL) Entries(d Direction) []ACLEntry {
	if d == Outbound {
		return a.Outbound
	}
	return a.Inbound
}

func (a *NetworkACL) entriesPtr(d Direction) *[]ACLEntry {
	if d == Outbound {
		return &a.Outbound
	}
	return &a.Inbound
}

// Sorted returns the entries of one direction in ascending rule order: the
// order in which they are read, and in which the console lists them.
func (a *NetworkACL) Sorted(d Direction) []ACLEntry {
	out := slices.Clone(a.Entries(d))
	slices.SortStableFunc(out, func(x, y ACLEntry) int { return x.Rule - y.Rule })
	return out
}

// Entry returns the entry with rule number n in direction d.
func (a *NetworkACL) Entry(d Direction, n int) (ACLEntry, bool) {
	for _, e := range a.Entries(d) {
		if e.Rule == n {
			return e, true
		}
	}
	return ACLEntry{}, false
}

// ACLAction is what a network ACL entry does with the packets it matches.
type ACLAction uint8

// The two actions. The zero value is Deny, the safe one.
const (
	Deny ACLAction = iota
	Allow
)

func (a ACLAction) String() string {
	if a == Allow {
		return "allow"
	}
	return "deny"
}

// ParseACLAction reads allow or deny.
func ParseACLAction(s string) (ACLAction, bool) {
	switch s {
	case "allow":
		return Allow, true
	case "deny":
		return Deny, true
	}
	return Deny, false
}

// ACLEntry is one numbered entry of a network ACL. It is a comparable
// value. Protocol and Ports mean what they mean in a security-group rule.
type ACLEntry struct {
	Rule     int // 1-32766; the lowest that matches decides
	Action   ACLAction
	Protocol Protocol
	Ports    PortRange
	CIDR     netip.Prefix
}

// Admits reports whether the entry's protocol and ports match traffic t,
// whatever its address.
func (e ACLEntry) Admits(t Traffic) bool { return newFilter(e.Protocol, e.Ports).admits(keyOf(t)) }

// Summary describes an entry: "100 allow tcp 443 0.0.0.0/0".
func (e ACLEntry) Summary() string {
	r := Rule{Protocol: e.Protocol, Ports: e.Ports}
	return fmt.Sprintf("%d %s %s", e.Rule, e.Action, r.summary(e.CIDR.String()))
}

// check reports a value a file cannot hold but a program can build.
func (e ACLEntry) check() *Error {
	if e.Rule < MinACLRule || e.Rule > MaxACLRule {
		return errorf(CodeInvalidValue, "rule number %d is outside %d-%d", e.Rule, MinACLRule, MaxACLRule)
	}
	if e.Action != Allow && e.Action != Deny {
		return errorf(CodeInvalidValue, "an entry's action is allow or deny")
	}
	r := Rule{Protocol: e.Protocol, Ports: e.Ports, Peer: Peer{CIDR: e.CIDR}}
	if err := r.check(Inbound); err != nil {
		if err.Code == CodeMissingField {
			err.Message = "the entry needs a cidr"
		}
		return err
	}
	return nil
}

// DefaultACLEntries are the entries of a VPC's default network ACL, the
// same both ways: rule 100 allows all IPv4 traffic, and rule 101 all IPv6
// traffic when the VPC has an IPv6 range.
func DefaultACLEntries(v *VPC) []ACLEntry {
	entries := []ACLEntry{{Rule: 100, Action: Allow, Protocol: ProtoAll, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}
	if v != nil && v.IPv6CIDR.IsValid() {
		entries = append(entries, ACLEntry{Rule: 101, Action: Allow, Protocol: ProtoAll, CIDR: netip.MustParsePrefix("::/0")})
	}
	return entries
}

func newDefaultACL(v *VPC) *NetworkACL {
	return &NetworkACL{ID: DefaultACLID(v.ID), Name: DefaultGroupName, VPC: v.ID,
		Inbound: DefaultACLEntries(v), Outbound: DefaultACLEntries(v)}
}

// isImplicitDefaultACL reports whether a is a VPC's default ACL exactly as
// AWS creates it, which a file leaves out.
func (w *World) isImplicitDefaultACL(a *NetworkACL) bool {
	if a.Name != DefaultGroupName {
		return false
	}
	v := w.VPC(a.VPC)
	if v == nil || a.ID != DefaultACLID(v.ID) {
		return false
	}
	d := DefaultACLEntries(v)
	return slices.Equal(a.Inbound, d) && slices.Equal(a.Outbound, d)
}

// Subnet returns the subnet with this id, or nil.
func (w *World) Subnet(id string) *Subnet {
	for _, s := range w.Subnets {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// FindSubnet returns the subnet ref names in vpc (by id or name), or nil.
func (w *World) FindSubnet(vpc, ref string) *Subnet {
	if s := w.Subnet(ref); s != nil {
		return s
	}
	for _, s := range w.Subnets {
		if s.VPC == vpc && s.Name == ref && ref != "" {
			return s
		}
	}
	return nil
}

// NetworkACL returns the network ACL with this id, or nil.
func (w *World) NetworkACL(id string) *NetworkACL {
	for _, a := range w.NetworkACLs {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// FindNetworkACL returns the ACL ref names in vpc (by id or name), or nil.
func (w *World) FindNetworkACL(vpc, ref string) *NetworkACL {
	if a := w.NetworkACL(ref); a != nil {
		return a
	}
	for _, a := range w.NetworkACLs {
		if a.VPC == vpc && a.Name == ref && ref != "" {
			return a
		}
	}
	return nil
}

// DefaultACL returns the default network ACL of a VPC: the one named
// default.
func (w *World) DefaultACL(vpc string) *NetworkACL {
	for _, a := range w.NetworkACLs {
		if a.VPC == vpc && a.Name == DefaultGroupName {
			return a
		}
	}
	return nil
}

// SubnetOf returns the subnet an instance is in: the one it names, or the
// one of its VPC whose range holds its private IP. It is nil when the VPC
// declares no subnet (the instance is in the VPC's one implicit subnet).
func (w *World) SubnetOf(i *Instance) *Subnet {
	if i.Subnet != "" {
		return w.FindSubnet(i.VPC, i.Subnet)
	}
	for _, s := range w.Subnets {
		if s.VPC == i.VPC && s.CIDR.Contains(i.PrivateIP) {
			return s
		}
	}
	return nil
}

// ACLOf returns the network ACL that guards a subnet (nil: the implicit
// subnet of vpc).
func (w *World) ACLOf(vpc string, s *Subnet) *NetworkACL {
	if s != nil && s.NetworkACL != "" {
		return w.FindNetworkACL(s.VPC, s.NetworkACL)
	}
	if s != nil {
		vpc = s.VPC
	}
	return w.DefaultACL(vpc)
}

// SubnetsWith returns the subnets a network ACL guards, including, for a
// default ACL, the implicit subnet of a VPC that declares none (as nil).
func (w *World) SubnetsWith(aclID string) []*Subnet {
	a := w.NetworkACL(aclID)
	if a == nil {
		return nil
	}
	var out []*Subnet
	for _, s := range w.Subnets {
		if w.ACLOf(s.VPC, s) == a {
			out = append(out, s)
		}
	}
	return out
}
