package awsjson

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sglab/sglab/engine"
)

// emitter writes YAML line by line. Every value goes through quote and
// every comment through clean, so nothing from the input can end a
// comment or a scalar early.
type emitter struct {
	b bytes.Buffer
}

func (e *emitter) line(indent int, s string) {
	for range indent {
		e.b.WriteString("  ")
	}
	e.b.WriteString(s)
	e.b.WriteByte('\n')
}

func (e *emitter) blank() { e.b.WriteByte('\n') }

func (e *emitter) comment(indent int, text string) { e.line(indent, "# "+clean(text)) }

func (e *emitter) section(key string) {
	e.blank()
	e.line(0, key+":")
}

// item starts a block mapping in a list.
func (e *emitter) item(key, value string) { e.line(1, "- "+key+": "+quote(value)) }

// kv writes key: value, leaving out an empty value.
func (e *emitter) kv(indent int, key, value string) {
	if value != "" {
		e.line(indent, key+": "+quote(value))
	}
}

// flow writes a list item that is a one-line mapping of the pairs whose
// value is not empty.
func (e *emitter) flow(indent int, kv ...string) {
	parts := make([]string, 0, len(kv)/2)
	for k := 0; k+1 < len(kv); k += 2 {
		if kv[k+1] != "" {
			parts = append(parts, kv[k]+": "+quote(kv[k+1]))
		}
	}
	e.line(indent, "- { "+strings.Join(parts, ", ")+" }")
}

func flowList(values []string) string {
	q := make([]string, len(values))
	for k, v := range values {
		q[k] = quote(v)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// write writes the scenario.
func (b *builder) write() []byte {
	e := &emitter{}
	b.renamed = make(map[string]Rename, len(b.renames))
	for _, r := range b.renames {
		b.renamed[r.Resource] = r
	}
	e.b.Grow(256 * (len(b.machines) + len(b.groupList)))
	b.header(e)
	owners := sortedKeys(b.owners)
	name := "Imported AWS configuration"
	if len(owners) == 1 {
		name = "AWS account " + owners[0]
	}
	e.line(0, "version: 1")
	e.kv(0, "name", clean(name))
	e.kv(0, "description", fmt.Sprintf("Imported by sglab import from %d %s of AWS CLI output", len(b.sources), plural(len(b.sources), "file")))
	e.kv(0, "region", b.opt.Region)
	aclQuota := b.quotas.ACLRulesPerDirection > engine.DefaultACLRulesPerDirection
	if b.quotas.RulesPerDirection != engine.DefaultRulesPerDirection || b.quotas.GroupsPerInstance != engine.DefaultGroupsPerInstance || aclQuota {
		e.comment(0, "The account uses more than AWS's default quotas, which it may raise.")
		e.line(0, "quotas:")
		e.line(1, "rules_per_direction: "+strconv.Itoa(min(b.quotas.RulesPerDirection, 1000)))
		e.line(1, "security_groups_per_instance: "+strconv.Itoa(min(b.quotas.GroupsPerInstance, 1000)))
		if aclQuota {
			e.line(1, "network_acl_rules_per_direction: "+strconv.Itoa(b.quotas.ACLRulesPerDirection))
		}
	}
	b.writeVPCs(e)
	b.writeGroups(e)
	b.writeMachines(e)
	b.writeNetworkACLs(e)
	if len(b.hosts) > 0 {
		e.section("hosts")
		for _, h := range b.hosts {
			e.flow(1, "id", h.Name, "ip", h.IP.String())
		}
	}
	return e.b.Bytes()
}

func (b *builder) header(e *emitter) {
	e.comment(0, "Written by `sglab import` from AWS CLI output:")
	for _, s := range b.sources {
		e.comment(0, "  "+s.name+" ("+strings.Join(s.commands, ", ")+")")
	}
	e.comment(0, "Machines are network interfaces (security groups attach to interfaces): an")
	e.comment(0, "instance's primary interface is named after the instance, other interfaces")
	e.comment(0, "after their instance, description or type.")
	e.comment(0, "listening: AWS does not say what runs on a machine; each is taken to listen on")
	e.comment(0, "the tcp and udp ports its groups open to it one by one (not ranges or all traffic).")
	if n := len(b.warnings); n > 0 {
		e.comment(0, fmt.Sprintf("%d %s: what the format cannot hold stands as a comment where it was.", n, plural(n, "warning")))
	}
	if n := len(b.renames); n > 0 {
		e.comment(0, fmt.Sprintf("%d %s renamed: the AWS name stands as a comment above the new one.", n, plural(n, "name")))
	}
}

func (b *builder) writeVPCs(e *emitter) {
	if len(b.vpcList) == 0 {
		return
	}
	e.section("vpcs")
	for _, v := range b.vpcList {
		if v.name != "" {
			e.comment(1, "Name tag: "+strqLine(v.name))
		}
		for _, c := range v.comments {
			e.comment(1, c)
		}
		e.item("id", v.id)
		e.kv(2, "cidr", v.cidr().String())
		if v.ipv6().IsValid() {
			e.kv(2, "ipv6_cidr", v.ipv6().String())
		}
		e.kv(2, "region", v.region)
	}
}

func (b *builder) writeGroups(e *emitter) {
	if len(b.groupList) == 0 {
		return
	}
	e.section("security_groups")
	for _, g := range b.groupList {
		e.item("id", g.id)
		if r, ok := b.renamed[g.id]; ok {
			e.comment(2, "AWS name "+strqLine(r.From)+": "+r.Why)
		}
		if tag := nameTag(g.tags); tag != "" && tag != g.awsName {
			e.comment(2, "Name tag: "+strqLine(tag))
		}
		e.kv(2, "name", g.name)
		e.kv(2, "vpc", g.vpc)
		e.kv(2, "description", g.desc)
		b.writeRules(e, g, engine.Inbound, g.in)
		b.writeRules(e, g, engine.Outbound, g.out)
	}
}

// writeRules writes one direction in full, even when empty: an absent
// outbound key would mean AWS's default, which is not what AWS printed.
func (b *builder) writeRules(e *emitter, g *group, d engine.Direction, l ruleList) {
	peerKey := "source"
	if d == engine.Outbound {
		peerKey = "destination"
	}
	if l.rules == 0 {
		e.line(2, d.String()+": []")
	} else {
		e.line(2, d.String()+":")
	}
	for _, r := range l.items {
		if r.comment != "" {
			e.comment(3, r.comment)
			continue
		}
		ports := ""
		if r.proto.HasPorts() || (r.proto.IsICMP() && r.ports != engine.AnyICMP) {
			ports = r.ports.Format(r.proto)
		}
		e.flow(3, "protocol", r.proto.String(), "ports", ports, peerKey, r.peer, "description", r.desc)
	}
}

func (b *builder) writeMachines(e *emitter) {
	if len(b.machines)+len(b.skipped) == 0 {
		return
	}
	e.section("instances")
	slices.SortStableFunc(b.machines, func(x, y *machine) int {
		if c := strings.Compare(x.vpc, y.vpc); c != 0 {
			return c
		}
		return strings.Compare(x.label(), y.label())
	})
	for _, m := range b.machines {
		e.comment(1, m.id+": "+m.what)
		if r, ok := b.renamed[m.id]; ok {
			e.comment(1, "named "+strqLine(r.From)+" in AWS: "+r.Why)
		}
		for _, c := range m.comments {
			e.comment(1, c)
		}
		e.item("id", m.id)
		e.kv(2, "name", m.name)
		e.kv(2, "vpc", m.vpc)
		e.kv(2, "private_ip", m.private.String())
		if m.public.IsValid() {
			e.kv(2, "public_ip", m.public.String())
		}
		if m.ipv6.IsValid() {
			e.kv(2, "ipv6", m.ipv6.String())
		}
		e.line(2, "security_groups: "+flowList(m.groups))
		if len(m.listening) > 0 {
			svc := make([]string, len(m.listening))
			for k, s := range m.listening {
				svc[k] = s.String()
			}
			e.line(2, "listening: "+flowList(svc))
		}
	}
	for _, s := range b.skipped {
		e.comment(1, s)
	}
}

func (m *machine) label() string {
	if m.name != "" {
		return m.name
	}
	return m.id
}
