// Package engine is sglab's evaluator: the world model (VPCs, security
// groups, rules, instances, outside hosts), validation that follows AWS's
// rules, and the evaluation of test connections with a step-by-step trace.
//
// Everything else in sglab (the lab, the lessons, the quiz and the command
// line) asks this package what happens to a connection; nothing else decides
// whether a packet passes. The file format it reads and writes is the
// scenario format, version 1.
package engine

import (
	"net/netip"
)

// Pos is a position in a scenario file, 1-based. The zero Pos means the
// element was not read from a file (the lab built it). The model itself
// holds no positions: the loader keeps them in a side table (Positions)
// for the diagnostics, so that values stay plain and comparable.
type Pos struct {
	Line, Col int
}

// IsValid reports whether p points into a file.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Defaults of the format and of AWS.
const (
	DefaultRegion            = "us-east-1"
	DefaultRulesPerDirection = 60
	DefaultGroupsPerInstance = 5
	DefaultGroupName         = "default"
)

// World is one scenario: a small AWS world and its test connections.
type World struct {
	Version     int
	Name        string
	Description string
	Region      string
	Quotas      Quotas

	VPCs        []*VPC
	Subnets     []*Subnet     // declared subnets; a VPC without any has one implicit subnet
	NetworkACLs []*NetworkACL // every VPC's default ACL (implicit or declared) and the others
	Groups      []*Group
	Instances   []*Instance
	Hosts       []*Host
	Connections []Connection

	x *compiled // the world made ready for evaluation; see compile
}

// Quotas are the limits AWS enforces on groups and rules.
type Quotas struct {
	RulesPerDirection int
	GroupsPerInstance int
	// ACLRulesPerDirection limits a network ACL's entries per direction
	// and address family; zero means the default, 20.
	ACLRulesPerDirection int
}

// aclRules is the network ACL quota in force.
func (q Quotas) aclRules() int {
	if q.ACLRulesPerDirection <= 0 {
		return DefaultACLRulesPerDirection
	}
	return q.ACLRulesPerDirection
}

// VPC is a virtual network in one region.
type VPC struct {
	ID       string
	Region   string // empty means the world's region
	CIDR     netip.Prefix
	IPv6CIDR netip.Prefix // invalid when the VPC has no IPv6 range
}

// DefaultGroupID is the id of the security group every VPC has implicitly.
func DefaultGroupID(vpcID string) string { return vpcID + "/" + DefaultGroupName }

// Direction is inbound (ingress) or outbound (egress).
type Direction uint8

// The two directions of a security group.
const (
	Inbound Direction = iota
	Outbound
)

func (d Direction) String() string {
	if d == Outbound {
		return "outbound"
	}
	return "inbound"
}

// peerField is the key a rule uses for its peer in this direction.
func (d Direction) peerField() string {
	if d == Outbound {
		return "destination"
	}
	return "source"
}

// Group is a security group. It belongs to one VPC.
type Group struct {
	ID          string
	Name        string
	VPC         string
	Description string
	Inbound     []Rule
	Outbound    []Rule
}

// Rules returns the rules of one direction.
func (g *Group) Rules(d Direction) []Rule {
	if d == Outbound {
		return g.Outbound
	}
	return g.Inbound
}

func (g *Group) rulesPtr(d Direction) *[]Rule {
	if d == Outbound {
		return &g.Outbound
	}
	return &g.Inbound
}

// Label is how the group is named to a learner: its name when it has one.
func (g *Group) Label() string {
	if g.Name != "" {
		return g.Name
	}
	return g.ID
}

// Rule allows traffic in one direction. Rules only allow; there is no deny.
// A Rule is a comparable value: two rules are the same rule exactly when
// they are ==.
type Rule struct {
	Protocol    Protocol
	Ports       PortRange
	Peer        Peer
	Description string
}

// Peer is the other end a rule allows: an address range or a security group.
type Peer struct {
	CIDR  netip.Prefix // valid when the peer is an address range
	Group string       // the group's id when the peer is a security group
	Self  bool         // written as "self": Group is the group holding the rule
}

// IsGroup reports whether the peer is a security group reference.
func (p Peer) IsGroup() bool { return p.Group != "" }

// CIDRPeer returns a peer for an address range, host bits cleared.
func CIDRPeer(p netip.Prefix) Peer { return Peer{CIDR: p.Masked()} }

// GroupPeer returns a peer that references a security group by id.
func GroupPeer(id string) Peer { return Peer{Group: id} }

// Instance is an EC2 instance: one network interface with a private IPv4
// address, optionally a public IPv4 and an IPv6 address.
type Instance struct {
	ID        string
	Name      string
	VPC       string
	PrivateIP netip.Addr
	PublicIP  netip.Addr // invalid when the instance has none
	IPv6      netip.Addr // invalid when the instance has none
	// Subnet names the instance's subnet (id; a file may give its name);
	// empty means the subnet of its VPC whose range holds PrivateIP.
	Subnet    string
	Groups    []string // group ids, in attachment order
	Listening []Service
}

// Label is how the instance is named to a learner.
func (i *Instance) Label() string {
	if i.Name != "" {
		return i.Name
	}
	return i.ID
}

// Host is a machine outside AWS: your laptop, a classmate's, a website.
type Host struct {
	ID        string
	Name      string
	IP        netip.Addr
	Listening []Service
}

// Label is how the host is named to a learner.
func (h *Host) Label() string {
	if h.Name != "" {
		return h.Name
	}
	return h.ID
}

// Service is something listening on a protocol and port.
type Service struct {
	Protocol Protocol // tcp or udp
	Port     int
}

func (s Service) String() string { return s.Protocol.String() + "/" + itoa(s.Port) }

// Connection is a test connection from one end to another. It is a
// comparable value.
type Connection struct {
	From, To string   // an instance or host (id or name), or an IP address
	Protocol Protocol // tcp, udp, icmp or icmpv6
	Port     int      // for tcp and udp
	Expect   Outcome  // OutcomeNone when nothing is expected
	// SourcePort is the client's ephemeral port, which the reply goes
	// back to; zero means the default (see SourcePortOf).
	SourcePort int
}

// HasPort reports whether the connection's protocol uses ports.
func (c Connection) HasPort() bool { return c.Protocol.HasPorts() }

// Outcome is what the client sees.
type Outcome uint8

// Outcomes of a connection.
const (
	OutcomeNone Outcome = iota
	Connected
	Refused
	Timeout
)

var outcomeNames = [...]string{"", "connected", "refused", "timeout"}

func (o Outcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return ""
}

// ParseOutcome reads connected, refused or timeout.
func ParseOutcome(s string) (Outcome, bool) {
	for i, n := range outcomeNames {
		if i > 0 && n == s {
			return Outcome(i), true
		}
	}
	return OutcomeNone, false
}

// Reason says why the outcome is what it is.
type Reason uint8

// Reasons, each implying one outcome.
const (
	ReasonNone Reason = iota
	Allowed
	NoListener
	InboundBlocked
	OutboundBlocked
	Unreachable
	// ACLOutboundBlocked: the source subnet's network ACL dropped the
	// packet on its way out; ACLInboundBlocked: the destination subnet's,
	// on its way in; ACLReplyBlocked: the server answered, and an ACL
	// dropped the reply (the destination's outbound or the source's
	// inbound).
	ACLOutboundBlocked
	ACLInboundBlocked
	ACLReplyBlocked
)

var reasonNames = [...]string{"", "allowed", "no-listener", "inbound-blocked", "outbound-blocked", "unreachable",
	"acl-outbound-blocked", "acl-inbound-blocked", "acl-reply-blocked"}

// IsACL reports whether a network ACL is the reason.
func (r Reason) IsACL() bool { return r >= ACLOutboundBlocked && r <= ACLReplyBlocked }

func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return ""
}

// Outcome is the outcome the reason implies.
func (r Reason) Outcome() Outcome {
	switch r {
	case Allowed:
		return Connected
	case NoListener:
		return Refused
	case InboundBlocked, OutboundBlocked, Unreachable, ACLOutboundBlocked, ACLInboundBlocked, ACLReplyBlocked:
		return Timeout
	}
	return OutcomeNone
}
