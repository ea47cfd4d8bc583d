package engine

import "github.com/sglab/sglab/internal/yamlread"

// positions is where each part of a world was read from: the side table
// the loader fills and the diagnostics read. The model itself holds no
// positions, so its values stay plain, and a world changed after loading
// carries none that could be stale: a change settles without positions.
//
// The table points each element at the mapping it was read from; a
// field's place is looked up there only when a diagnostic needs it, so
// reading a file copies no positions at all.
type positions struct {
	top       *yamlread.Node // the document's top-level mapping
	quotas    *yamlread.Node
	vpcs      map[*VPC]*yamlread.Node
	subnets   map[*Subnet]*yamlread.Node
	acls      map[*NetworkACL]aclNodes
	groups    map[*Group]groupNodes
	instances map[*Instance]*yamlread.Node
	hosts     map[*Host]*yamlread.Node
	conns     []*yamlread.Node // by index in World.Connections
}

type groupNodes struct {
	group *yamlread.Node
	rules [2][]*yamlread.Node // by direction, then by the rule's index
}

// The keys of each kind of element, in the order the loader takes them.
// A rule's peer key is `source` inbound and `destination` outbound.
var (
	topKeys        = []string{"version", "name", "description", "region", "quotas", "vpcs", "subnets", "network_acls", "security_groups", "instances", "hosts", "connections"}
	quotaKeys      = []string{"rules_per_direction", "security_groups_per_instance", "network_acl_rules_per_direction"}
	vpcKeys        = []string{"id", "cidr", "ipv6_cidr", "region"}
	groupKeys      = []string{"id", "name", "vpc", "description", "inbound", "outbound"}
	ruleKeys       = [2][]string{{"protocol", "ports", "source", "description"}, {"protocol", "ports", "destination", "description"}}
	instanceKeys   = []string{"id", "name", "vpc", "subnet", "private_ip", "public_ip", "ipv6", "security_groups", "listening"}
	hostKeys       = []string{"id", "name", "ip", "listening"}
	connectionKeys = []string{"from", "to", "protocol", "port", "source_port", "expect"}
)

func newPositions() *positions {
	return &positions{vpcs: map[*VPC]*yamlread.Node{}, groups: map[*Group]groupNodes{},
		subnets: map[*Subnet]*yamlread.Node{}, acls: map[*NetworkACL]aclNodes{},
		instances: map[*Instance]*yamlread.Node{}, hosts: map[*Host]*yamlread.Node{}}
}

// at is where field of the element read from mapping n is: its value, or
// its key when the value is empty, or the element itself when the field
// was not written (or field is ""). It is the zero Pos for an element not
// read from a file.
func at(n *yamlread.Node, field string) Pos {
	if n == nil {
		return Pos{}
	}
	if f, ok := n.Field(field); ok && field != "" {
		return Pos(f.Pos)
	}
	return Pos(n.Start())
}

func (ps *positions) world(field string) Pos {
	if ps == nil {
		return Pos{}
	}
	return at(ps.top, field)
}

func (ps *positions) vpc(v *VPC, field string) Pos {
	if ps == nil {
		return Pos{}
	}
	return at(ps.vpcs[v], field)
}

func (ps *positions) group(g *Group, field string) Pos {
	if ps == nil {
		return Pos{}
	}
	return at(ps.groups[g].group, field)
}

func (ps *positions) rule(g *Group, d Direction, k int, field string) Pos {
	if ps == nil {
		return Pos{}
	}
	if rules := ps.groups[g].rules[d]; k < len(rules) {
		return at(rules[k], field)
	}
	return Pos{}
}

func (ps *positions) instance(i *Instance, field string) Pos {
	if ps == nil {
		return Pos{}
	}
	return at(ps.instances[i], field)
}

func (ps *positions) host(h *Host, field string) Pos {
	if ps == nil {
		return Pos{}
	}
	return at(ps.hosts[h], field)
}

func (ps *positions) connection(k int, field string) Pos {
	if ps == nil || k < 0 || k >= len(ps.conns) {
		return Pos{}
	}
	return at(ps.conns[k], field)
}
