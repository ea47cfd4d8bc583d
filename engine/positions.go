package engine

// positions is where each part of a world was read from: the side table
// the loader fills and the diagnostics read. The model itself holds no
// positions, so its values stay plain, and a world changed after loading
// carries none that could be stale: a change settles without positions.
//
// Each element has a span in one arena: the element's own position, then
// the position of each key of its kind's key list (zero when absent).
type positions struct {
	arena     []Pos
	top       span // the document's top-level keys
	quotas    span
	vpcs      map[*VPC]span
	groups    map[*Group]groupSpans
	instances map[*Instance]span
	hosts     map[*Host]span
	conns     []span // by index in World.Connections
}

// span is an element's place in the arena; noSpan for none.
type span int32

const noSpan span = -1

type groupSpans struct {
	group span
	rules [2][]span // by direction, then by the rule's index
}

// The keys of each kind of element, in the order the loader takes them.
// A rule's peer key is `source` inbound and `destination` outbound.
var (
	topKeys        = []string{"version", "name", "description", "region", "quotas", "vpcs", "security_groups", "instances", "hosts", "connections"}
	quotaKeys      = []string{"rules_per_direction", "security_groups_per_instance"}
	vpcKeys        = []string{"id", "cidr", "ipv6_cidr", "region"}
	groupKeys      = []string{"id", "name", "vpc", "description", "inbound", "outbound"}
	ruleKeys       = [2][]string{{"protocol", "ports", "source", "description"}, {"protocol", "ports", "destination", "description"}}
	instanceKeys   = []string{"id", "name", "vpc", "private_ip", "public_ip", "ipv6", "security_groups", "listening"}
	hostKeys       = []string{"id", "name", "ip", "listening"}
	connectionKeys = []string{"from", "to", "protocol", "port", "expect"}
)

func newPositions() *positions {
	return &positions{top: noSpan, quotas: noSpan, vpcs: map[*VPC]span{}, groups: map[*Group]groupSpans{},
		instances: map[*Instance]span{}, hosts: map[*Host]span{}}
}

// add records an element at p whose fields are at the positions fields
// gives for each of keys, and returns its span.
func (ps *positions) add(p Pos, keys []string, field func(key string) Pos) span {
	s := span(len(ps.arena))
	ps.arena = append(ps.arena, p)
	for _, k := range keys {
		ps.arena = append(ps.arena, field(k))
	}
	return s
}

// at is where field of the element at s is, or the element itself when
// the field was not read (or field is "").
func (ps *positions) at(s span, keys []string, field string) Pos {
	if ps == nil || s < 0 {
		return Pos{}
	}
	for k, key := range keys {
		if key == field {
			if p := ps.arena[int(s)+1+k]; p.IsValid() {
				return p
			}
			break
		}
	}
	return ps.arena[s]
}

func lookup[K comparable](m map[K]span, k K) span {
	if s, ok := m[k]; ok {
		return s
	}
	return noSpan
}

func (ps *positions) vpc(v *VPC, field string) Pos {
	if ps == nil {
		return Pos{}
	}
	return ps.at(lookup(ps.vpcs, v), vpcKeys, field)
}

func (ps *positions) group(g *Group, field string) Pos {
	if ps == nil {
		return Pos{}
	}
	s, ok := ps.groups[g]
	if !ok {
		return Pos{}
	}
	return ps.at(s.group, groupKeys, field)
}

func (ps *positions) rule(g *Group, d Direction, k int, field string) Pos {
	if ps == nil {
		return Pos{}
	}
	s, ok := ps.groups[g]
	if !ok || k >= len(s.rules[d]) {
		return Pos{}
	}
	return ps.at(s.rules[d][k], ruleKeys[d], field)
}

func (ps *positions) instance(i *Instance, field string) Pos {
	if ps == nil {
		return Pos{}
	}
	return ps.at(lookup(ps.instances, i), instanceKeys, field)
}

func (ps *positions) host(h *Host, field string) Pos {
	if ps == nil {
		return Pos{}
	}
	return ps.at(lookup(ps.hosts, h), hostKeys, field)
}

func (ps *positions) connection(k int, field string) Pos {
	if ps == nil || k >= len(ps.conns) {
		return Pos{}
	}
	return ps.at(ps.conns[k], connectionKeys, field)
}
