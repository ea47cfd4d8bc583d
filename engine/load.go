package engine

import (
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"

	"github.com/sglab/sglab/internal/yamlread"
)

// DefaultMaxFileSize is the largest scenario file read unless told
// otherwise: hundreds of times the largest world anyone writes, and small
// enough that a stray file never takes the machine's memory.
const DefaultMaxFileSize = 64 << 20

// Option changes how a scenario is read.
type Option func(*options)

type options struct {
	maxFileSize int64
	fullYAML    bool
}

// MaxFileSize sets the largest file, in bytes, that LoadFile and Parse
// read; a larger one is an error at FILE:1:1. Zero or less means the
// default, DefaultMaxFileSize.
func MaxFileSize(n int64) Option {
	return func(o *options) {
		if n > 0 {
			o.maxFileSize = min(n, 1<<50) // more than any machine reads; no overflow past it
		}
	}
}

func newOptions(opts []Option) options {
	o := options{maxFileSize: DefaultMaxFileSize}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// LoadFile reads and validates a scenario file. The world is nil when the
// file has errors; the diagnostics hold every error and warning found. A
// file over the size limit is not read past it, whatever it is (a device
// or a pipe has no size to check first).
func LoadFile(path string, opts ...Option) (*World, Diagnostics, error) {
	o := newOptions(opts)
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	data, err := readLimited(f, o.maxFileSize)
	if err != nil {
		return nil, nil, err
	}
	w, ds := parseWith(path, data, o)
	return w, ds, nil
}

// readLimited reads f up to one byte past max. It reads into a string the
// size of the file when it has one: the decoder's texts share its memory,
// and a large file is held once.
func readLimited(f *os.File, max int64) (string, error) {
	var b strings.Builder
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		b.Grow(int(min(fi.Size(), max)) + 1) // one more, to see the end or the excess
	}
	if _, err := io.Copy(&b, io.LimitReader(f, max+1)); err != nil {
		return "", err
	}
	return b.String(), nil
}

// Parse reads and validates a scenario. file names the source in
// diagnostics. The world is nil when there is any error: nothing in a bad
// file is half-applied.
func Parse(file string, data []byte, opts ...Option) (w *World, ds Diagnostics) {
	defer func() {
		// Bad input must never take the program down: whatever fails while
		// reading a file is reported against the file. The fuzz test reads
		// files without this net, so that it sees any such failure.
		if r := recover(); r != nil {
			w, ds = nil, Diagnostics{{File: file, Pos: Pos{1, 1}, Code: CodeSyntax, Message: fmt.Sprintf("sglab could not read this file (%v); please report it", r)}}
		}
	}()
	return parseWith(file, string(data), newOptions(opts))
}

// parseWith is Parse without the safety net: the one path from bytes to a
// world, the YAML decoded into Nodes, the Nodes into the model and a table
// of positions, and the model settled (defaults, names, validation).
func parseWith(file, data string, o options) (*World, Diagnostics) {
	if int64(len(data)) > o.maxFileSize {
		return nil, Diagnostics{{File: file, Pos: Pos{1, 1}, Code: CodeInvalidValue,
			Message: fmt.Sprintf("the file is larger than %s, the most sglab reads (--max-file-size raises it)", sizeText(o.maxFileSize))}}
	}
	l := &loader{diags: diags{file: file}, pos: newPositions()}
	l.r = yamlread.Reader{
		// Straight to the list: add would drop the reader's own reports of
		// a list or mapping where a single value belongs.
		Report:     func(p yamlread.Pos, code, msg string) { l.diags.add(Pos(p), code, "%s", msg) },
		UnknownKey: l.unknownKey,
		Full:       o.fullYAML,
	}
	w := l.document(data)
	if w != nil {
		l.list = append(l.list, w.settle(l.pos, file)...)
	}
	l.list.sort()
	if w == nil || l.list.HasErrors() {
		return nil, l.list
	}
	return w, l.list
}

// sizeText writes a size in bytes the way people read one: 64 MiB.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

type loader struct {
	diags
	r   yamlread.Reader
	pos *positions
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
func (l *loader) unknownKey(what string, key *yamlread.Node, known []string) {
	if key.Kind == yamlread.Complex && key.Text == "<<" {
		l.add(key.Pos(), CodeUnknownField, "%s has a merge key (<<): the scenario format has none, write the fields out", what)
		return
	}
	l.add(key.Pos(), CodeUnknownField, "%s has no field `%s`%s", what, key.Text, yamlread.Suggest(key.Text, known))
}

// document decodes the YAML and reads the top level. It returns nil when
// the YAML itself is malformed.
func (l *loader) document(data string) *World {
	// A byte order mark says the file is UTF-8; it is no column of line 1.
	docs, ok := l.r.Parse(strings.TrimPrefix(data, "\ufeff"), "this file")
	if !ok {
		return nil
	}
	if len(docs) > 1 {
		l.add(docs[1].Start(), CodeSyntax, "a scenario file holds one YAML document")
		return nil
	}
	if len(docs) == 0 {
		l.add(l.r.Start(), CodeMissingField, "the file is empty: a scenario needs at least `version: 1`")
		return nil
	}
	w := &World{Version: 0, Region: DefaultRegion}
	m, ok := l.object(docs[0], "the scenario", topKeys)
	if !ok {
		return nil
	}
	l.pos.top = m.Node()
	w.Quotas = Quotas{RulesPerDirection: DefaultRulesPerDirection, GroupsPerInstance: DefaultGroupsPerInstance,
		ACLRulesPerDirection: DefaultACLRulesPerDirection}
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
	collect(l, m, "vpcs", l.vpc, &w.VPCs)
	collect(l, m, "subnets", l.subnet, &w.Subnets)
	collect(l, m, "network_acls", l.networkACL, &w.NetworkACLs)
	collect(l, m, "security_groups", l.group, &w.Groups)
	collect(l, m, "instances", l.instance, &w.Instances)
	collect(l, m, "hosts", l.host, &w.Hosts)
	// A connection with a bad field is kept, so that validation still
	// reports its other problems; the world is discarded anyway.
	l.each(m, "connections", func(n *yamlread.Node) {
		if c, at, ok := l.connection(n); ok {
			w.Connections = append(w.Connections, c)
			l.pos.conns = append(l.pos.conns, at)
		}
	})
	return w
}

func (l *loader) quotas(f yamlread.Field, q *Quotas) {
	m, ok := l.object(f.Value, "quotas", quotaKeys)
	if !ok {
		return
	}
	l.pos.quotas = m.Node()
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
	read("network_acl_rules_per_direction", &q.ACLRulesPerDirection)
}

func (l *loader) vpc(n *yamlread.Node) *VPC {
	m, ok := l.object(n, "a VPC", vpcKeys)
	if !ok {
		return nil
	}
	v := &VPC{ID: l.id(m), Region: m.Str("region")}
	l.pos.vpcs[v] = m.Node()
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

func (l *loader) group(n *yamlread.Node) *Group {
	m, ok := l.object(n, "a security group", groupKeys)
	if !ok {
		return nil
	}
	g := &Group{ID: l.id(m), Name: m.Str("name"), VPC: l.ref(m, "vpc"), Description: m.Str("description")}
	gs := groupNodes{group: m.Node()}
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
func (l *loader) rules(m yamlread.Fields, g *Group, d Direction) []*yamlread.Node {
	f, ok := m.Get(d.String())
	if !ok {
		return nil
	}
	var where []*yamlread.Node
	if seq, _ := l.r.List(f.Value); seq != nil {
		*g.rulesPtr(d) = make([]Rule, 0, len(seq.Items))
		where = make([]*yamlread.Node, 0, len(seq.Items))
	}
	l.items(f, func(n *yamlread.Node) {
		if r, at, ok := l.rule(n, d); ok {
			*g.rulesPtr(d) = append(*g.rulesPtr(d), r)
			where = append(where, at)
		}
	})
	return where
}

// rule reads one rule with the one rule decoder, reporting each problem at
// its field. A rule with a problem is left out.
func (l *loader) rule(n *yamlread.Node, d Direction) (Rule, *yamlread.Node, bool) {
	m, ok := l.object(n, ruleWhat[d], ruleKeys[d])
	if !ok {
		return Rule{}, nil, false
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
		return Rule{}, nil, false
	}
	return r, m.Node(), true
}

func (l *loader) instance(n *yamlread.Node) *Instance {
	m, ok := l.object(n, "an instance", instanceKeys)
	if !ok {
		return nil
	}
	i := &Instance{ID: l.id(m), Name: m.Str("name"), VPC: l.ref(m, "vpc")}
	l.pos.instances[i] = m.Node()
	if _, ok := m.Get("subnet"); ok {
		i.Subnet = l.ref(m, "subnet")
	}
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
		l.items(f, func(n *yamlread.Node) {
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
	l.each(m, "listening", func(n *yamlread.Node) {
		s, _ := l.r.Scalar(n)
		svc, err := ParseService(s)
		if err != nil {
			l.add(n.Pos(), CodeInvalidValue, "listening: %v", err)
			return
		}
		out = append(out, svc)
	})
	return out
}

func (l *loader) host(n *yamlread.Node) *Host {
	m, ok := l.object(n, "a host", hostKeys)
	if !ok {
		return nil
	}
	h := &Host{ID: l.id(m), Name: m.Str("name")}
	l.pos.hosts[h] = m.Node()
	if f, ok := m.Need("ip"); ok {
		h.IP = l.addr(f, "ip")
	}
	h.Listening = l.listening(m)
	return h
}

func (l *loader) connection(n *yamlread.Node) (c Connection, at *yamlread.Node, ok bool) {
	m, ok := l.object(n, "a connection", connectionKeys)
	if !ok {
		return Connection{}, nil, false
	}
	c = Connection{From: l.ref(m, "from"), To: l.ref(m, "to"), Protocol: ProtoTCP}
	at = m.Node()
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
	if f, has := m.Get("source_port"); has {
		c.SourcePort = l.sourcePort(f)
	}
	if f, has := m.Get("expect"); has {
		s, _ := l.r.Scalar(f.Value)
		o, valid := ParseOutcome(s)
		if !valid {
			l.add(f.Pos, CodeInvalidValue, "expect is connected, refused or timeout, not %q", s)
		}
		c.Expect = o
	}
	return c, at, ok
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
// what starts a sentence when it is capitalized: "A VPC needs `cidr`".
func (l *loader) object(n *yamlread.Node, what string, known []string) (yamlread.Fields, bool) {
	m, ok := l.r.Object(n, what, known)
	m.What = capitalized[what]
	if m.What == "" {
		m.What = capitalize(what)
	}
	return m, ok
}

// capitalized holds the capitalized names of the elements the loader reads,
// so that reading thousands of them makes no new strings.
var capitalized = map[string]string{}

func init() {
	for _, what := range []string{"the scenario", "quotas", "a VPC", "a subnet", "a network ACL", "a network ACL entry", "a security group", ruleWhat[Inbound], ruleWhat[Outbound], "an instance", "a host", "a connection"} {
		capitalized[what] = capitalize(what)
	}
}

// ruleWhat names a rule of each direction in messages.
var ruleWhat = [2]string{"inbound rule", "outbound rule"}

// each calls fn for every item of the list under key, if present.
func (l *loader) each(m yamlread.Fields, key string, fn func(*yamlread.Node)) {
	if f, ok := m.Get(key); ok {
		l.items(f, fn)
	}
}

// collect appends to list what read makes of every item under key,
// leaving out those read refused (it has reported why).
func collect[T any](l *loader, m yamlread.Fields, key string, read func(*yamlread.Node) *T, list *[]*T) {
	l.each(m, key, func(n *yamlread.Node) {
		if v := read(n); v != nil {
			*list = append(*list, v)
		}
	})
}

func (l *loader) items(f yamlread.Field, fn func(*yamlread.Node)) {
	seq, ok := l.r.List(f.Value)
	if !ok {
		l.add(f.Pos, CodeInvalidValue, "expected a list")
		return
	}
	if seq == nil {
		return
	}
	for k := range seq.Items {
		item := &seq.Items[k]
		// An empty item ("- " and nothing) is reported at its dash: the
		// value itself has no place of its own.
		if item.Empty() && item.Mark().Line > 0 {
			l.add(item.Mark(), CodeInvalidValue, "empty list item: write its value after the dash")
			continue
		}
		fn(item)
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
