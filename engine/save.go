package engine

import (
	"bytes"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Marshal writes the world as a scenario file, version 1. Loading the
// result gives an equal world.
func Marshal(w *World) []byte {
	var b bytes.Buffer
	e := &emitter{b: &b}
	e.line(0, "version: 1")
	e.kv(0, "name", w.Name)
	e.kv(0, "description", w.Description)
	if w.Region != "" && w.Region != DefaultRegion {
		e.kv(0, "region", w.Region)
	}
	aclQuota := w.Quotas.aclRules() != DefaultACLRulesPerDirection
	if q := w.Quotas; q.RulesPerDirection != DefaultRulesPerDirection || q.GroupsPerInstance != DefaultGroupsPerInstance || aclQuota {
		e.line(0, "quotas:")
		e.line(1, "rules_per_direction: "+itoa(q.RulesPerDirection))
		e.line(1, "security_groups_per_instance: "+itoa(q.GroupsPerInstance))
		if aclQuota {
			e.line(1, "network_acl_rules_per_direction: "+itoa(q.ACLRulesPerDirection))
		}
	}
	e.section("vpcs", len(w.VPCs))
	for _, v := range w.VPCs {
		e.item("id", v.ID)
		e.kv(2, "cidr", prefixString(v.CIDR))
		e.kv(2, "ipv6_cidr", prefixString(v.IPv6CIDR))
		e.kv(2, "region", v.Region)
	}
	e.section("subnets", len(w.Subnets))
	for _, s := range w.Subnets {
		e.flow(1, pairs("id", s.ID, "name", s.Name, "vpc", s.VPC, "cidr", prefixString(s.CIDR),
			"ipv6_cidr", prefixString(s.IPv6CIDR), "network_acl", s.NetworkACL))
	}
	acls := slices.DeleteFunc(slices.Clone(w.NetworkACLs), w.isImplicitDefaultACL)
	e.section("network_acls", len(acls))
	for _, a := range acls {
		e.item("id", a.ID)
		e.kv(2, "name", a.Name)
		e.kv(2, "vpc", a.VPC)
		e.entries(a, Inbound)
		e.entries(a, Outbound)
	}
	groups := slices.DeleteFunc(slices.Clone(w.Groups), w.isImplicitDefault)
	e.section("security_groups", len(groups))
	for _, g := range groups {
		e.item("id", g.ID)
		e.kv(2, "name", g.Name)
		e.kv(2, "vpc", g.VPC)
		e.kv(2, "description", g.Description)
		e.rules(w, g, Inbound)
		if !sameRules(g.Outbound, DefaultOutbound(w.VPC(g.VPC))) {
			e.rules(w, g, Outbound)
		}
	}
	e.section("instances", len(w.Instances))
	for _, i := range w.Instances {
		e.item("id", i.ID)
		e.kv(2, "name", i.Name)
		e.kv(2, "vpc", i.VPC)
		e.kv(2, "subnet", i.Subnet)
		e.kv(2, "private_ip", addrString(i.PrivateIP))
		e.kv(2, "public_ip", addrString(i.PublicIP))
		e.kv(2, "ipv6", addrString(i.IPv6))
		e.list(2, "security_groups", i.Groups, true)
		e.list(2, "listening", services(i.Listening), false)
	}
	e.section("hosts", len(w.Hosts))
	for _, h := range w.Hosts {
		parts := pairs("id", h.ID, "name", h.Name, "ip", addrString(h.IP))
		if len(h.Listening) > 0 {
			parts = append(parts, "listening: "+flowList(services(h.Listening)))
		}
		e.flow(1, parts)
	}
	e.section("connections", len(w.Connections))
	for _, c := range w.Connections {
		kv := []string{"from", c.From, "to", c.To}
		if c.Protocol != ProtoTCP {
			kv = append(kv, "protocol", c.Protocol.String())
		}
		if c.Protocol.HasPorts() {
			kv = append(kv, "port", itoa(c.Port))
		}
		if c.SourcePort != 0 {
			kv = append(kv, "source_port", itoa(c.SourcePort))
		}
		kv = append(kv, "expect", c.Expect.String())
		e.flow(1, pairs(kv...))
	}
	return b.Bytes()
}

// isImplicitDefault reports whether g is a VPC's default group exactly as
// AWS creates it, which the file leaves out.
func (w *World) isImplicitDefault(g *Group) bool {
	if g.Name != DefaultGroupName {
		return false // the common case, decided without a lookup
	}
	v := w.VPC(g.VPC)
	if v == nil || g.ID != DefaultGroupID(v.ID) {
		return false
	}
	d := newDefaultGroup(v)
	return g.Name == d.Name && g.Description == d.Description &&
		sameRules(g.Inbound, d.Inbound) && sameRules(g.Outbound, d.Outbound)
}

func sameRules(a, b []Rule) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !sameRule(a[k], b[k]) || a[k].Description != b[k].Description || a[k].Peer.Self != b[k].Peer.Self {
			return false
		}
	}
	return true
}

// Save writes the world to path atomically: a temporary file in the same
// directory, then a rename, so a crash never leaves half a file.
func Save(w *World, path string) error {
	return WriteFileAtomic(path, Marshal(w), 0o644)
}

// WriteFileAtomic writes data to a temporary file beside path and renames
// it over path.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, perm)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

type emitter struct {
	b io.Writer
}

func (e *emitter) line(indent int, s string) {
	fmt.Fprintf(e.b, "%s%s\n", strings.Repeat("  ", indent), s)
}

// kv writes key: value, leaving out empty values.
func (e *emitter) kv(indent int, key, value string) {
	if value != "" {
		e.line(indent, key+": "+quote(value))
	}
}

func (e *emitter) section(key string, n int) {
	if n > 0 {
		e.line(0, "")
		e.line(0, key+":")
	}
}

// item starts a block mapping in a list.
func (e *emitter) item(key, value string) {
	e.line(1, "- "+key+": "+quote(value))
}

func (e *emitter) list(indent int, key string, values []string, always bool) {
	if len(values) == 0 && !always {
		return
	}
	e.line(indent, key+": "+flowList(values))
}

// flow writes a list item that is a one-line mapping.
func (e *emitter) flow(indent int, parts []string) {
	e.line(indent, "- { "+strings.Join(parts, ", ")+" }")
}

// pairs formats the key/value pairs whose value is not empty.
func pairs(kv ...string) []string {
	parts := make([]string, 0, len(kv)/2)
	for k := 0; k+1 < len(kv); k += 2 {
		if kv[k+1] != "" {
			parts = append(parts, kv[k]+": "+quote(kv[k+1]))
		}
	}
	return parts
}

func flowList(values []string) string { return "[" + strings.Join(quoteAll(values), ", ") + "]" }

func (e *emitter) rules(w *World, g *Group, d Direction) {
	rules := g.Rules(d)
	if len(rules) == 0 {
		if d == Outbound {
			e.line(2, "outbound: []")
		}
		return
	}
	e.line(2, d.String()+":")
	for _, r := range rules {
		kv := []string{"protocol", r.Protocol.String()}
		if r.Protocol.HasPorts() || (r.Protocol.IsICMP() && r.Ports != AnyICMP) {
			kv = append(kv, "ports", r.Ports.Format(r.Protocol))
		}
		kv = append(kv, d.peerField(), peerRef(w, g, r.Peer), "description", r.Description)
		e.flow(3, pairs(kv...))
	}
}

// entries writes a network ACL's entries of one direction, as they are
// stored (their order is kept; evaluation reads them by rule number).
func (e *emitter) entries(a *NetworkACL, d Direction) {
	entries := a.Entries(d)
	if len(entries) == 0 {
		return
	}
	e.line(2, d.String()+":")
	for _, x := range entries {
		kv := []string{"rule", itoa(x.Rule), "action", x.Action.String(), "protocol", x.Protocol.String()}
		if x.Protocol.HasPorts() || (x.Protocol.IsICMP() && x.Ports != AnyICMP) {
			kv = append(kv, "ports", x.Ports.Format(x.Protocol))
		}
		kv = append(kv, "cidr", prefixString(x.CIDR))
		e.flow(3, pairs(kv...))
	}
}

// peerRef spells a rule's peer so that it reads back as the same peer: a
// group by its id, or by its name where the id would read as something
// else (self, or an address).
func peerRef(w *World, g *Group, p Peer) string {
	if !p.IsGroup() || p.Self {
		return p.String()
	}
	readable := func(ref string) bool {
		_, _, err := ParseCIDR(ref)
		return ref != "self" && err != nil
	}
	if readable(p.Group) {
		return p.Group
	}
	if ref := w.Group(p.Group); ref != nil && readable(ref.Name) && w.FindGroup(g.VPC, ref.Name) == ref {
		return ref.Name
	}
	return p.Group
}

// plain matches the strings YAML reads back as themselves unquoted. Like
// the package's other patterns it is compiled at first use, not at every
// start of sglab.
var plain = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_.][A-Za-z0-9 _./'()@+-]*$`) })

// quote returns s as a YAML scalar that reads back as the same string.
func quote(s string) string {
	switch strings.ToLower(s) {
	case "", "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n":
		return strconv.Quote(s)
	}
	if plain().MatchString(s) && !strings.HasSuffix(s, " ") {
		return s
	}
	return strconv.Quote(s)
}

func quoteAll(list []string) []string {
	out := make([]string, len(list))
	for k, s := range list {
		out[k] = quote(s)
	}
	return out
}

func services(list []Service) []string {
	out := make([]string, len(list))
	for k, s := range list {
		out[k] = s.String()
	}
	return out
}

func addrString(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

func prefixString(p netip.Prefix) string {
	if !p.IsValid() {
		return ""
	}
	return p.String()
}
