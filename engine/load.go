package engine

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/sglab/sglab/internal/yamlread"
)

// LoadFile reads and validates a scenario file. The world is nil when the
// file has errors; the diagnostics hold every error and warning found.
func LoadFile(path string) (*World, Diagnostics, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	w, ds := Parse(path, data)
	return w, ds, nil
}

// Parse reads and validates a scenario. file names the source in
// diagnostics. The world is nil when there is any error: nothing in a bad
// file is half-applied.
func Parse(file string, data []byte) (w *World, ds Diagnostics) {
	defer func() {
		// Bad input must never take the program down: whatever fails while
		// reading a file is reported against the file.
		if r := recover(); r != nil {
			w, ds = nil, Diagnostics{{File: file, Pos: Pos{1, 1}, Code: CodeSyntax, Message: fmt.Sprintf("sglab could not read this file (%v); please report it", r)}}
		}
	}()
	l := &loader{diags: diags{file: file}, pos: newPositions()}
	l.r = yamlread.Reader{
		// Straight to the list: add would drop the reader's own reports of
		// a list or mapping where a single value belongs.
		Report:     func(p yamlread.Pos, code, msg string) { l.diags.add(Pos(p), code, "%s", msg) },
		UnknownKey: l.unknownKey,
	}
	w = l.document(data)
	if w != nil {
		l.list = append(l.list, w.settle(l.pos, file)...)
	}
	l.list.sort()
	if w == nil || l.list.HasErrors() {
		return nil, l.list
	}
	return w, l.list
}

type loader struct {
	diags
	r   yamlread.Reader
	pos *positions
}

// record notes where an element of a kind with these keys was read from.
func (l *loader) record(m yamlread.Fields, keys []string) span {
	return l.pos.add(Pos(m.Pos), keys, func(key string) Pos {
		if f, ok := m.Get(key); ok {
			return Pos(f.Pos)
		}
		return Pos{}
	})
}

// add reports a problem. A list or mapping where a single value belongs is
// reported once, by the reader's Scalar: parsing the empty text that stands
// in for it would only report the same place again.
func (l *loader) add(p yamlread.Pos, code, format string, args ...any) {
	if code == CodeInvalidValue && l.r.NotScalar(p) {
		return
	}
	l.diags.add(Pos(p), code, format, args...)
}

func (l *loader) warn(p yamlread.Pos, format string, args ...any) {
	l.diags.warn(Pos(p), format, args...)
}

// unknownKey reports a key the scenario format does not have, with the
// closest one it has.
func (l *loader) unknownKey(what string, key ast.Node, name string, isText bool, known []string) {
	if !isText {
		name = strings.TrimSpace(key.String()) // a merge key (<<), a complex key
	}
	if name == "<<" {
		l.add(l.r.Pos(key), CodeUnknownField, "%s has a merge key (<<): the scenario format has none, write the fields out", what)
		return
	}
	l.add(l.r.Pos(key), CodeUnknownField, "%s has no field `%s`%s", what, name, yamlread.Suggest(name, known))
}

// document parses the YAML and reads the top level. It returns nil when the
// YAML itself is malformed.
func (l *loader) document(data []byte) *World {
	// A byte order mark says the file is UTF-8; it is no column of line 1.
	docs, ok := l.r.Parse(bytes.TrimPrefix(data, []byte("\ufeff")), "this file", parseYAML)
	if !ok {
		return nil
	}
	// %YAML or %TAG: it belongs to the document after it.
	docs = slices.DeleteFunc(docs, func(n ast.Node) bool { return n.Type() == ast.DirectiveType })
	if len(docs) > 1 {
		l.add(l.start(docs[1]), CodeSyntax, "a scenario file holds one YAML document")
		return nil
	}
	var body ast.Node
	if len(docs) == 1 {
		body = docs[0]
	}
	if !l.r.ResolveAliases(body) {
		return nil
	}
	w := &World{Version: 0, Region: DefaultRegion}
	if body == nil {
		l.add(l.r.Start(), CodeMissingField, "the file is empty: a scenario needs at least `version: 1`")
		return nil
	}
	m, ok := l.object(body, "the scenario", topKeys...)
	if !ok {
		return nil
	}
	l.pos.top = l.record(m, topKeys)
	w.Quotas = Quotas{RulesPerDirection: DefaultRulesPerDirection, GroupsPerInstance: DefaultGroupsPerInstance}
	if f, ok := m.Need("version"); ok {
		if s, ok := l.r.Scalar(f.Value); ok && s == "1" {
			w.Version = 1
		} else {
			l.add(f.Pos, CodeInvalidValue, "version must be 1 (this tool reads scenario format version 1)")
		}
	}
	w.Name = m.Str("name")
	w.Description = m.Str("description")
	if r := m.Str("region"); r != "" {
		w.Region = r
	}
	if f, ok := m.Get("quotas"); ok {
		l.quotas(f, &w.Quotas)
	}
	l.each(m, "vpcs", func(n ast.Node) {
		if v := l.vpc(n); v != nil {
			w.VPCs = append(w.VPCs, v)
		}
	})
	l.each(m, "security_groups", func(n ast.Node) {
		if g := l.group(n); g != nil {
			w.Groups = append(w.Groups, g)
		}
	})
	l.each(m, "instances", func(n ast.Node) {
		if i := l.instance(n); i != nil {
			w.Instances = append(w.Instances, i)
		}
	})
	l.each(m, "hosts", func(n ast.Node) {
		if h := l.host(n); h != nil {
			w.Hosts = append(w.Hosts, h)
		}
	})
	// A connection with a bad field is kept, so that validation still
	// reports its other problems; the world is discarded anyway.
	l.each(m, "connections", func(n ast.Node) {
		if c, s, ok := l.connection(n); ok {
			w.Connections = append(w.Connections, c)
			l.pos.conns = append(l.pos.conns, s)
		}
	})
	return w
}

func (l *loader) quotas(f yamlread.Field, q *Quotas) {
	m, ok := l.object(f.Value, "quotas", quotaKeys...)
	if !ok {
		return
	}
	l.pos.quotas = l.record(m, quotaKeys)
	read := func(key string, dst *int) {
		if f, ok := m.Get(key); ok {
			s, _ := l.r.Scalar(f.Value)
			n, err := parseNumber(s, 1000, key)
			if err != nil || n < 1 {
				l.add(f.Pos, CodeInvalidValue, "%s must be a whole number from 1 to 1000", key)
				return
			}
			*dst = n
		}
	}
	read("rules_per_direction", &q.RulesPerDirection)
	read("security_groups_per_instance", &q.GroupsPerInstance)
}

func (l *loader) vpc(n ast.Node) *VPC {
	m, ok := l.object(n, "a VPC", vpcKeys...)
	if !ok {
		return nil
	}
	v := &VPC{ID: l.id(m), Region: m.Str("region")}
	l.pos.vpcs[v] = l.record(m, vpcKeys)
	if f, ok := m.Need("cidr"); ok {
		v.CIDR = l.prefix(f, 4, "cidr")
	}
	if f, ok := m.Get("ipv6_cidr"); ok {
		v.IPv6CIDR = l.prefix(f, 6, "ipv6_cidr")
	}
	return v
}

// prefix reads a VPC range of one address family.
func (l *loader) prefix(f yamlread.Field, family int, key string) netip.Prefix {
	s, _ := l.r.Scalar(f.Value)
	p, changed, err := ParseCIDR(s)
	switch {
	case err != nil:
		l.add(f.Pos, CodeInvalidValue, "%s: %v", key, err)
		return netip.Prefix{}
	case family == 4 && !p.Addr().Is4(), family == 6 && !p.Addr().Is6():
		l.add(f.Pos, CodeInvalidValue, "%s %q is not an IPv%d range", key, s, family)
		return netip.Prefix{}
	case changed:
		l.warn(f.Pos, "%s %s has host bits set; it is stored as %s", key, s, p)
	}
	return p
}

func (l *loader) group(n ast.Node) *Group {
	m, ok := l.object(n, "a security group", groupKeys...)
	if !ok {
		return nil
	}
	g := &Group{ID: l.id(m), Name: m.Str("name"), VPC: l.ref(m, "vpc"), Description: m.Str("description")}
	gs := groupSpans{group: l.record(m, groupKeys)}
	gs.rules[Inbound] = l.rules(m, g, Inbound)
	if _, ok := m.Get("outbound"); ok {
		gs.rules[Outbound] = l.rules(m, g, Outbound)
		if g.Outbound == nil {
			g.Outbound = []Rule{}
		}
	} else {
		g.Outbound = nil // the AWS default, filled in once the VPC is known
	}
	l.pos.groups[g] = gs
	return g
}

// rules reads the rules of one direction into g and returns where each was.
func (l *loader) rules(m yamlread.Fields, g *Group, d Direction) []span {
	var spans []span
	l.each(m, d.String(), func(n ast.Node) {
		if r, s, ok := l.rule(n, d); ok {
			*g.rulesPtr(d) = append(*g.rulesPtr(d), r)
			spans = append(spans, s)
		}
	})
	return spans
}

// rule reads one rule with the one rule decoder, reporting each problem at
// its field. A rule with a problem is left out.
func (l *loader) rule(n ast.Node, d Direction) (Rule, span, bool) {
	m, ok := l.object(n, d.String()+" rule", ruleKeys[d]...)
	if !ok {
		return Rule{}, noSpan, false
	}
	text := RuleText{Description: m.Str("description")}
	protocol, hasProtocol := m.Need("protocol")
	if hasProtocol {
		text.Protocol, _ = l.r.Scalar(protocol.Value)
	}
	ports, hasPorts := m.Get("ports")
	if hasPorts {
		text.Ports, _ = l.r.Scalar(ports.Value)
		text.HasPorts = true
	}
	peer, hasPeer := m.Need(d.peerField())
	if hasPeer {
		text.Peer, _ = l.r.Scalar(peer.Value)
	}
	r, hostBits, errs := DecodeRule(d, text)
	ok = hasProtocol && hasPeer
	for _, e := range errs {
		if (e.Field == "protocol" && !hasProtocol) || (e.Field == d.peerField() && !hasPeer) {
			continue // missing, which Need has reported
		}
		p := m.Pos
		if f, has := m.Get(e.Field); has {
			p = f.Pos
		}
		l.add(p, e.Code, "%s", e.Msg)
		ok = false
	}
	if hostBits && hasPeer {
		l.warn(peer.Pos, "%s %s has host bits set; AWS stores it as %s", d.peerField(), text.Peer, r.Peer.CIDR)
	}
	if !ok {
		return Rule{}, noSpan, false
	}
	return r, l.record(m, ruleKeys[d]), true
}

func (l *loader) instance(n ast.Node) *Instance {
	m, ok := l.object(n, "an instance", instanceKeys...)
	if !ok {
		return nil
	}
	i := &Instance{ID: l.id(m), Name: m.Str("name"), VPC: l.ref(m, "vpc")}
	l.pos.instances[i] = l.record(m, instanceKeys)
	if f, ok := m.Need("private_ip"); ok {
		i.PrivateIP = l.addr(f, "private_ip")
		if i.PrivateIP.IsValid() && !i.PrivateIP.Is4() {
			l.add(f.Pos, CodeInvalidValue, "private_ip must be an IPv4 address; put an IPv6 address in `ipv6`")
			i.PrivateIP = netip.Addr{}
		}
	}
	if f, ok := m.Get("public_ip"); ok {
		i.PublicIP = l.addr(f, "public_ip")
		if i.PublicIP.IsValid() && !i.PublicIP.Is4() {
			l.add(f.Pos, CodeInvalidValue, "public_ip must be an IPv4 address; put an IPv6 address in `ipv6`")
			i.PublicIP = netip.Addr{}
		}
	}
	if f, ok := m.Get("ipv6"); ok {
		i.IPv6 = l.addr(f, "ipv6")
		if i.IPv6.IsValid() && !i.IPv6.Is6() {
			l.add(f.Pos, CodeInvalidValue, "ipv6 must be an IPv6 address")
			i.IPv6 = netip.Addr{}
		}
	}
	if f, ok := m.Get("security_groups"); ok {
		i.Groups = []string{}
		l.items(f, func(n ast.Node) {
			s, _ := l.r.Scalar(n)
			i.Groups = append(i.Groups, s)
		})
	}
	i.Listening = l.listening(m)
	return i
}

func (l *loader) addr(f yamlread.Field, key string) netip.Addr {
	s, _ := l.r.Scalar(f.Value)
	a, err := ParseAddr(s)
	if err != nil {
		l.add(f.Pos, CodeInvalidValue, "%s: %v", key, err)
	}
	return a
}

func (l *loader) listening(m yamlread.Fields) []Service {
	var out []Service
	l.each(m, "listening", func(n ast.Node) {
		s, _ := l.r.Scalar(n)
		svc, err := ParseService(s)
		if err != nil {
			l.add(l.r.Pos(n), CodeInvalidValue, "listening: %v", err)
			return
		}
		out = append(out, svc)
	})
	return out
}

func (l *loader) host(n ast.Node) *Host {
	m, ok := l.object(n, "a host", hostKeys...)
	if !ok {
		return nil
	}
	h := &Host{ID: l.id(m), Name: m.Str("name")}
	l.pos.hosts[h] = l.record(m, hostKeys)
	if f, ok := m.Need("ip"); ok {
		h.IP = l.addr(f, "ip")
	}
	h.Listening = l.listening(m)
	return h
}

func (l *loader) connection(n ast.Node) (c Connection, s span, ok bool) {
	m, ok := l.object(n, "a connection", connectionKeys...)
	if !ok {
		return Connection{}, noSpan, false
	}
	c = Connection{From: l.ref(m, "from"), To: l.ref(m, "to"), Protocol: ProtoTCP}
	s = l.record(m, connectionKeys)
	ok = c.From != "" && c.To != ""
	if f, has := m.Get("protocol"); has {
		s, _ := l.r.Scalar(f.Value)
		p, err := ParseProtocol(s)
		if err != nil || !(p.HasPorts() || p.IsICMP()) {
			l.add(f.Pos, CodeInvalidValue, "a connection's protocol is tcp, udp, icmp or icmpv6, not %q", s)
		}
		c.Protocol = p
	}
	if f, has := m.Get("port"); has && c.Protocol.HasPorts() {
		s, _ := l.r.Scalar(f.Value)
		p, err := ParsePort(s)
		if err != nil {
			l.add(f.Pos, CodeInvalidValue, "%v", err)
		}
		c.Port = p
	} else if !has && c.Protocol.HasPorts() {
		l.add(m.Pos, CodeMissingField, "a %s connection needs `port`", c.Protocol)
	}
	if f, has := m.Get("expect"); has {
		s, _ := l.r.Scalar(f.Value)
		o, valid := ParseOutcome(s)
		if !valid {
			l.add(f.Pos, CodeInvalidValue, "expect is connected, refused or timeout, not %q", s)
		}
		c.Expect = o
	}
	return c, s, ok
}

// id returns the element's required id.
func (l *loader) id(m yamlread.Fields) string {
	if _, ok := m.Need("id"); !ok {
		return ""
	}
	return l.ref(m, "id")
}

// ref returns a field that names something; an empty one is an error.
func (l *loader) ref(m yamlread.Fields, key string) string {
	f, ok := m.Get(key)
	if !ok {
		if key != "id" {
			m.Need(key)
		}
		return ""
	}
	s, _ := l.r.Scalar(f.Value)
	if s == "" {
		l.add(f.Pos, CodeInvalidValue, "`%s` is empty", key)
	}
	return s
}

// object reads a mapping with the given keys; any other key is reported.
func (l *loader) object(n ast.Node, what string, known ...string) (yamlread.Fields, bool) {
	m, ok := l.r.Object(n, what, known...)
	m.What = capitalize(what) // it starts a sentence: "A VPC needs `cidr`"
	return m, ok
}

// each calls fn for every item of the list under key, if present.
func (l *loader) each(m yamlread.Fields, key string, fn func(ast.Node)) {
	if f, ok := m.Get(key); ok {
		l.items(f, fn)
	}
}

func (l *loader) items(f yamlread.Field, fn func(ast.Node)) {
	seq, ok := l.r.List(f.Value)
	if !ok {
		l.add(f.Pos, CodeInvalidValue, "expected a list")
		return
	}
	if seq == nil {
		return
	}
	for k, item := range seq.Values {
		// An empty item ("- " and nothing) is reported at its dash: the
		// parser places the implicit null at whatever token comes next.
		if d := l.r.Deref(item); (d == nil || d.Type() == ast.NullType) && k < len(seq.Entries) && seq.Entries[k].Start != nil {
			tk := seq.Entries[k].Start.Position
			l.add(yamlread.Pos{Line: tk.Line, Col: tk.Column}, CodeInvalidValue, "empty list item: write its value after the dash")
			continue
		}
		fn(item)
	}
}

// start is where a node begins: for a block mapping, its first key (the
// parser places the mapping itself at the first colon).
func (l *loader) start(n ast.Node) yamlread.Pos {
	if m, ok := n.(*ast.MappingNode); ok && len(m.Values) > 0 {
		return l.r.Pos(m.Values[0].Key)
	}
	return l.r.Pos(n)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
