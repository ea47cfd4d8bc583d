package engine

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
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
func Parse(file string, data []byte) (*World, Diagnostics) {
	l := &loader{diags: diags{file: file}, aliases: map[*ast.AliasNode]ast.Node{}, notScalar: map[Pos]bool{}}
	w := l.document(data)
	if w != nil {
		w.addImplicitDefaults()
		w.reindex() // for group lookups by id while resolving
		l.resolve(w)
		l.list = append(l.list, validate(w, file)...)
	}
	l.list.sort()
	if w == nil || l.list.HasErrors() {
		return nil, l.list
	}
	w.reindex()
	return w, l.list
}

type loader struct {
	diags
	// aliases maps each alias to the node its anchor names, resolved in
	// document order before the scenario is read in its own order.
	aliases map[*ast.AliasNode]ast.Node
	// notScalar holds where a list or mapping stood in place of a value.
	notScalar map[Pos]bool
}

// add reports a problem. A list or mapping where a single value belongs is
// reported once, by scalar: parsing the empty text that stands in for it
// would only report the same place again.
func (l *loader) add(p Pos, code, format string, args ...any) {
	if code == CodeInvalidValue && l.notScalar[p] {
		return
	}
	l.diags.add(p, code, format, args...)
}

// document parses the YAML and reads the top level. It returns nil when the
// YAML itself is malformed.
func (l *loader) document(data []byte) (w *World) {
	defer func() {
		// The YAML parser must never take the program down with it.
		if r := recover(); r != nil {
			l.add(Pos{1, 1}, CodeSyntax, "the YAML parser failed on this file: %v", r)
			w = nil
		}
	}()
	// A byte order mark says the file is UTF-8; it is no column of line 1.
	f, err := parseYAML(bytes.TrimPrefix(data, []byte("\ufeff")))
	if err != nil {
		l.syntaxError(err)
		return nil
	}
	var body ast.Node
	for _, doc := range f.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if _, ok := doc.Body.(*ast.DirectiveNode); ok {
			continue // %YAML or %TAG: it belongs to the document after it
		}
		if body != nil {
			l.add(start(doc.Body), CodeSyntax, "a scenario file holds one YAML document")
			return nil
		}
		body = doc.Body
	}
	if !l.resolveAliases(body) {
		return nil
	}
	w = &World{Version: 0, Region: DefaultRegion}
	if body == nil {
		l.add(Pos{1, 1}, CodeMissingField, "the file is empty: a scenario needs at least `version: 1`")
		return nil
	}
	m := l.object(body, "the scenario", "version", "name", "description", "region", "quotas",
		"vpcs", "security_groups", "instances", "hosts", "connections")
	if m.m == nil {
		return nil
	}
	w.Quotas = Quotas{RulesPerDirection: DefaultRulesPerDirection, GroupsPerInstance: DefaultGroupsPerInstance}
	if f, ok := m.need("version"); ok {
		if s, ok := l.scalar(f.node); ok && s == "1" {
			w.Version = 1
		} else {
			l.add(f.pos, CodeInvalidValue, "version must be 1 (this tool reads scenario format version 1)")
		}
	}
	w.Name = m.str(l, "name")
	w.Description = m.str(l, "description")
	if r := m.str(l, "region"); r != "" {
		w.Region = r
	}
	if f, ok := m.get("quotas"); ok {
		l.quotas(f, &w.Quotas)
	}
	l.list_(m, "vpcs", func(n ast.Node) {
		if v := l.vpc(n); v != nil {
			w.VPCs = append(w.VPCs, v)
		}
	})
	l.list_(m, "security_groups", func(n ast.Node) {
		if g := l.group(n); g != nil {
			w.Groups = append(w.Groups, g)
		}
	})
	l.list_(m, "instances", func(n ast.Node) {
		if i := l.instance(n); i != nil {
			w.Instances = append(w.Instances, i)
		}
	})
	l.list_(m, "hosts", func(n ast.Node) {
		if h := l.host(n); h != nil {
			w.Hosts = append(w.Hosts, h)
		}
	})
	// A connection with a bad field is kept, so that validation still
	// reports its other problems; the world is discarded anyway.
	l.list_(m, "connections", func(n ast.Node) {
		if c, ok := l.connection(n); ok {
			w.Connections = append(w.Connections, c)
		}
	})
	return w
}

func (l *loader) syntaxError(err error) {
	var se *yaml.SyntaxError
	if errors.As(err, &se) && se.Token != nil {
		l.add(Pos{se.Token.Position.Line, se.Token.Position.Column}, CodeSyntax, "%s", se.Message)
		return
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	l.add(Pos{1, 1}, CodeSyntax, "%s", strings.TrimSpace(msg))
}

func (l *loader) quotas(f field, q *Quotas) {
	m := l.object(f.node, "quotas", "rules_per_direction", "security_groups_per_instance")
	if m.m == nil {
		return
	}
	q.Pos = f.pos
	read := func(key string, dst *int) {
		if f, ok := m.get(key); ok {
			s, _ := l.scalar(f.node)
			n, err := parseNumber(s, 1000, key)
			if err != nil || n < 1 {
				l.add(f.pos, CodeInvalidValue, "%s must be a whole number from 1 to 1000", key)
				return
			}
			*dst = n
			q.setField(key, f.pos)
		}
	}
	read("rules_per_direction", &q.RulesPerDirection)
	read("security_groups_per_instance", &q.GroupsPerInstance)
}

func (l *loader) vpc(n ast.Node) *VPC {
	m := l.object(n, "a VPC", "id", "cidr", "ipv6_cidr", "region")
	if m.m == nil {
		return nil
	}
	v := &VPC{ID: m.id(l), Region: m.str(l, "region")}
	v.Source = m.source()
	if f, ok := m.need("cidr"); ok {
		v.CIDR = l.prefix(f, 4, "cidr")
	}
	if f, ok := m.get("ipv6_cidr"); ok {
		v.IPv6CIDR = l.prefix(f, 6, "ipv6_cidr")
	}
	return v
}

// prefix reads a VPC range of one address family.
func (l *loader) prefix(f field, family int, key string) netip.Prefix {
	s, _ := l.scalar(f.node)
	p, changed, err := ParseCIDR(s)
	switch {
	case err != nil:
		l.add(f.pos, CodeInvalidValue, "%s: %v", key, err)
		return netip.Prefix{}
	case family == 4 && !p.Addr().Is4(), family == 6 && !p.Addr().Is6():
		l.add(f.pos, CodeInvalidValue, "%s %q is not an IPv%d range", key, s, family)
		return netip.Prefix{}
	case changed:
		l.warn(f.pos, "%s %s has host bits set; it is stored as %s", key, s, p)
	}
	return p
}

func (l *loader) group(n ast.Node) *Group {
	m := l.object(n, "a security group", "id", "name", "vpc", "description", "inbound", "outbound")
	if m.m == nil {
		return nil
	}
	g := &Group{ID: m.id(l), Name: m.str(l, "name"), VPC: m.ref(l, "vpc"), Description: m.str(l, "description")}
	g.Source = m.source()
	l.rules(m, g, Inbound)
	if _, ok := m.get("outbound"); ok {
		l.rules(m, g, Outbound)
		if g.Outbound == nil {
			g.Outbound = []Rule{}
		}
	} else {
		g.Outbound = nil // the AWS default, filled in once the VPC is known
	}
	return g
}

func (l *loader) rules(m fields, g *Group, d Direction) {
	l.list_(m, d.String(), func(n ast.Node) {
		if r, ok := l.rule(n, d); ok {
			*g.rulesPtr(d) = append(*g.rulesPtr(d), r)
		}
	})
}

func (l *loader) rule(n ast.Node, d Direction) (Rule, bool) {
	m := l.object(n, d.String()+" rule", "protocol", "ports", d.peerField(), "description")
	if m.m == nil {
		return Rule{}, false
	}
	r := Rule{Description: m.str(l, "description")}
	r.Source = m.source()
	ok := true
	if f, has := m.need("protocol"); has {
		s, _ := l.scalar(f.node)
		p, err := ParseProtocol(s)
		if err != nil {
			l.add(f.pos, CodeInvalidValue, "%v", err)
			ok = false
		}
		r.Protocol = p
	} else {
		ok = false
	}
	if ok {
		f, has := m.get("ports")
		switch {
		case has:
			s, _ := l.scalar(f.node)
			pr, err := ParsePorts(r.Protocol, s)
			if err != nil {
				l.add(f.pos, CodeInvalidValue, "%v", err)
				ok = false
			}
			r.Ports = pr
		case r.Protocol.HasPorts():
			l.add(m.pos, CodeMissingField, "a %s rule needs `ports` (a port, a range such as \"1024-65535\", or all)", r.Protocol)
			ok = false
		case r.Protocol.IsICMP():
			r.Ports = AnyICMP
		}
	}
	if f, has := m.need(d.peerField()); has {
		s, _ := l.scalar(f.node)
		peer, changed, err := parsePeer(s)
		switch {
		case err != nil:
			l.add(f.pos, CodeInvalidValue, "%s: %v", d.peerField(), err)
			ok = false
		case changed:
			l.warn(f.pos, "%s %s has host bits set; AWS stores it as %s", d.peerField(), s, peer.CIDR)
		}
		r.Peer = peer
	} else {
		ok = false
	}
	return r, ok
}

// parsePeer reads a rule's source or destination: a CIDR, "self", or a
// group reference (left as written; the loader resolves it once every group
// is known).
func parsePeer(s string) (p Peer, changed bool, err error) {
	s = strings.TrimSpace(s)
	if s == "self" {
		return Peer{Self: true}, false, nil
	}
	if looksLikeAddress(s) {
		pr, changed, err := ParseCIDR(s)
		if err != nil {
			return Peer{}, false, err
		}
		return Peer{CIDR: pr}, changed, nil
	}
	if s == "" {
		return Peer{}, false, errors.New("empty: write a CIDR such as 0.0.0.0/0, a security group, or self")
	}
	return Peer{Group: s}, false, nil
}

// looksLikeAddress tells an address range, possibly mistyped, from a
// group's id or name: before any prefix length, an IPv4 address is digits
// and dots and an IPv6 address has colons. A group id such as
// vpc-main/default (a VPC's default group) holds a slash but is neither.
func looksLikeAddress(s string) bool {
	addr, _, _ := strings.Cut(s, "/")
	return strings.Contains(addr, ":") || (addr != "" && strings.Trim(addr, "0123456789.") == "")
}

func (l *loader) instance(n ast.Node) *Instance {
	m := l.object(n, "an instance", "id", "name", "vpc", "private_ip", "public_ip", "ipv6", "security_groups", "listening")
	if m.m == nil {
		return nil
	}
	i := &Instance{ID: m.id(l), Name: m.str(l, "name"), VPC: m.ref(l, "vpc")}
	i.Source = m.source()
	if f, ok := m.need("private_ip"); ok {
		i.PrivateIP = l.addr(f, "private_ip")
		if i.PrivateIP.IsValid() && !i.PrivateIP.Is4() {
			l.add(f.pos, CodeInvalidValue, "private_ip must be an IPv4 address; put an IPv6 address in `ipv6`")
			i.PrivateIP = netip.Addr{}
		}
	}
	if f, ok := m.get("public_ip"); ok {
		i.PublicIP = l.addr(f, "public_ip")
		if i.PublicIP.IsValid() && !i.PublicIP.Is4() {
			l.add(f.pos, CodeInvalidValue, "public_ip must be an IPv4 address; put an IPv6 address in `ipv6`")
			i.PublicIP = netip.Addr{}
		}
	}
	if f, ok := m.get("ipv6"); ok {
		i.IPv6 = l.addr(f, "ipv6")
		if i.IPv6.IsValid() && !i.IPv6.Is6() {
			l.add(f.pos, CodeInvalidValue, "ipv6 must be an IPv6 address")
			i.IPv6 = netip.Addr{}
		}
	}
	if f, ok := m.get("security_groups"); ok {
		i.Groups = []string{}
		l.items(f, func(n ast.Node) {
			s, _ := l.scalar(n)
			i.Groups = append(i.Groups, s)
		})
	} else {
		i.Groups = []string{DefaultGroupName}
	}
	i.Listening = l.listening(m)
	return i
}

func (l *loader) addr(f field, key string) netip.Addr {
	s, _ := l.scalar(f.node)
	a, err := ParseAddr(s)
	if err != nil {
		l.add(f.pos, CodeInvalidValue, "%s: %v", key, err)
	}
	return a
}

func (l *loader) listening(m fields) []Service {
	var out []Service
	l.list_(m, "listening", func(n ast.Node) {
		s, _ := l.scalar(n)
		svc, err := ParseService(s)
		if err != nil {
			l.add(pos(n), CodeInvalidValue, "listening: %v", err)
			return
		}
		out = append(out, svc)
	})
	return out
}

func (l *loader) host(n ast.Node) *Host {
	m := l.object(n, "a host", "id", "name", "ip", "listening")
	if m.m == nil {
		return nil
	}
	h := &Host{ID: m.id(l), Name: m.str(l, "name")}
	h.Source = m.source()
	if f, ok := m.need("ip"); ok {
		h.IP = l.addr(f, "ip")
	}
	h.Listening = l.listening(m)
	return h
}

func (l *loader) connection(n ast.Node) (c Connection, ok bool) {
	m := l.object(n, "a connection", "from", "to", "protocol", "port", "expect")
	if m.m == nil {
		return Connection{}, false
	}
	c = Connection{From: m.ref(l, "from"), To: m.ref(l, "to"), Protocol: ProtoTCP}
	c.Source = m.source()
	ok = c.From != "" && c.To != ""
	if f, has := m.get("protocol"); has {
		s, _ := l.scalar(f.node)
		p, err := ParseProtocol(s)
		if err != nil || !(p.HasPorts() || p.IsICMP()) {
			l.add(f.pos, CodeInvalidValue, "a connection's protocol is tcp, udp, icmp or icmpv6, not %q", s)
		}
		c.Protocol = p
	}
	if f, has := m.get("port"); has && c.Protocol.HasPorts() {
		s, _ := l.scalar(f.node)
		p, err := ParsePort(s)
		if err != nil {
			l.add(f.pos, CodeInvalidValue, "%v", err)
		}
		c.Port = p
	} else if !has && c.Protocol.HasPorts() {
		l.add(m.pos, CodeMissingField, "a %s connection needs `port`", c.Protocol)
	}
	if f, has := m.get("expect"); has {
		s, _ := l.scalar(f.node)
		o, valid := ParseOutcome(s)
		if !valid {
			l.add(f.pos, CodeInvalidValue, "expect is connected, refused or timeout, not %q", s)
		}
		c.Expect = o
	}
	return c, ok
}

// field is one key of a mapping: where it is and what it holds.
type field struct {
	pos  Pos // of the value, or of the key when the value is empty
	node ast.Node
}

// fields is a mapping read by object: known keys only, and where it starts.
type fields struct {
	pos  Pos
	what string
	m    map[string]field
	l    *loader
}

func (m fields) get(key string) (field, bool) {
	f, ok := m.m[key]
	return f, ok
}

// need returns a required field, reporting MissingField when it is absent.
func (m fields) need(key string) (field, bool) {
	f, ok := m.m[key]
	if !ok {
		m.l.add(m.pos, CodeMissingField, "%s needs `%s`", m.what, key)
	}
	return f, ok
}

func (m fields) str(l *loader, key string) string {
	f, ok := m.m[key]
	if !ok {
		return ""
	}
	s, _ := l.scalar(f.node)
	return s
}

// id returns the element's required id.
func (m fields) id(l *loader) string {
	if _, ok := m.need("id"); !ok {
		return ""
	}
	return m.ref(l, "id")
}

// ref returns a field that names something; an empty one is an error.
func (m fields) ref(l *loader, key string) string {
	f, ok := m.m[key]
	if !ok {
		if key != "id" {
			m.need(key)
		}
		return ""
	}
	s, _ := l.scalar(f.node)
	if s == "" {
		l.add(f.pos, CodeInvalidValue, "`%s` is empty", key)
	}
	return s
}

func (m fields) source() Source {
	s := Source{Pos: m.pos}
	for k, f := range m.m {
		s.setField(k, f.pos)
	}
	return s
}

// object reads a mapping with the given keys; any other key is reported.
func (l *loader) object(n ast.Node, what string, known ...string) fields {
	n = l.deref(n)
	var pairs []*ast.MappingValueNode
	switch v := n.(type) {
	case *ast.MappingNode:
		pairs = v.Values
	case *ast.MappingValueNode:
		pairs = []*ast.MappingValueNode{v}
	default:
		l.add(pos(n), CodeInvalidValue, "%s must be a mapping of keys to values", what)
		return fields{}
	}
	m := fields{pos: pos(n), what: capitalize(what), m: make(map[string]field, len(pairs)), l: l}
	if len(pairs) > 0 {
		m.pos = pos(pairs[0].Key)
	}
	for _, kv := range pairs {
		key, ok := l.text(kv.Key)
		if !ok {
			key = strings.TrimSpace(kv.Key.String()) // a merge key (<<), a complex key
		}
		switch {
		case key == "<<":
			l.add(pos(kv.Key), CodeUnknownField, "%s has a merge key (<<): the scenario format has none, write the fields out", what)
			continue
		case !slices.Contains(known, key):
			l.add(pos(kv.Key), CodeUnknownField, "%s has no field `%s`%s", what, key, suggest(key, known))
			continue
		}
		f := field{pos: pos(kv.Key), node: kv.Value}
		if v := l.deref(kv.Value); v != nil && v.Type() != ast.NullType {
			f.pos = pos(v)
		}
		m.m[key] = f
	}
	return m
}

// list_ calls each for every item of the sequence under key, if present.
func (l *loader) list_(m fields, key string, each func(ast.Node)) {
	if f, ok := m.get(key); ok {
		l.items(f, each)
	}
}

func (l *loader) items(f field, each func(ast.Node)) {
	n := l.deref(f.node)
	switch v := n.(type) {
	case *ast.SequenceNode:
		for k, item := range v.Values {
			// An empty item ("- " and nothing) is reported at its dash: the
			// parser places the implicit null at whatever token comes next.
			if d := l.deref(item); (d == nil || d.Type() == ast.NullType) && k < len(v.Entries) && v.Entries[k].Start != nil {
				tk := v.Entries[k].Start.Position
				l.add(Pos{tk.Line, tk.Column}, CodeInvalidValue, "empty list item: write its value after the dash")
				continue
			}
			each(item)
		}
	case *ast.NullNode, nil:
	default:
		l.add(f.pos, CodeInvalidValue, "expected a list")
	}
}

// scalar returns a scalar's text; false for mappings and sequences, which
// are reported.
func (l *loader) scalar(n ast.Node) (string, bool) {
	s, ok := l.text(n)
	if !ok {
		n = l.deref(n)
		l.diags.add(pos(n), CodeInvalidValue, "expected a single value, not a %s", strings.ToLower(n.Type().String()))
		l.notScalar[pos(n)] = true
	}
	return s, ok
}

// text is scalar without the report.
func (l *loader) text(n ast.Node) (string, bool) {
	n = l.deref(n)
	switch v := n.(type) {
	case nil, *ast.NullNode:
		return "", true
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		if v.Value == nil {
			return "", true
		}
		return strings.TrimRight(v.Value.Value, "\n"), true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return n.GetToken().Value, true
	}
	return "", false
}

// resolveAliases finds the node each alias stands for: the anchor of that
// name defined last before it, as YAML reads them. The scenario is read in
// its own order (VPCs before groups, whatever the file's order), so aliases
// are resolved first, in the file's order. An alias that names no anchor
// before it, or the node that holds it, is a SyntaxError.
func (l *loader) resolveAliases(body ast.Node) bool {
	anchors := map[string]ast.Node{}
	ok := true
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		switch v := n.(type) {
		case *ast.MappingNode:
			for _, kv := range v.Values {
				walk(kv)
			}
		case *ast.MappingValueNode:
			walk(v.Key)
			walk(v.Value)
		case *ast.SequenceNode:
			for _, item := range v.Values {
				walk(item)
			}
		case *ast.TagNode:
			walk(v.Value)
		case *ast.AnchorNode:
			// The anchor counts only once its node is complete: an alias
			// inside the node it names would make the node endless.
			walk(v.Value)
			anchors[v.Name.GetToken().Value] = v.Value
		case *ast.AliasNode:
			name := v.Value.GetToken().Value
			target, found := anchors[name]
			if !found {
				l.add(pos(v), CodeSyntax, "alias *%s names no anchor defined before it", name)
				ok = false
			}
			l.aliases[v] = target
		}
	}
	walk(body)
	return ok
}

// deref follows anchors, aliases and tags to the node they stand for.
func (l *loader) deref(n ast.Node) ast.Node {
	for range 64 {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.AliasNode:
			n = l.aliases[v]
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
	return nil
}

// start is where a node begins: for a block mapping, its first key (the
// parser places the mapping itself at the first colon).
func start(n ast.Node) Pos {
	if m, ok := n.(*ast.MappingNode); ok && len(m.Values) > 0 {
		return pos(m.Values[0].Key)
	}
	return pos(n)
}

func pos(n ast.Node) Pos {
	if n == nil {
		return Pos{1, 1}
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return Pos{1, 1}
	}
	return Pos{tk.Position.Line, tk.Position.Column}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// suggest names the known key closest to a typo such as `soruce`.
func suggest(key string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if d := editDistance(key, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return fmt.Sprintf(" (it takes %s)", strings.Join(known, ", "))
	}
	return fmt.Sprintf(" (did you mean `%s`?)", best)
}

// editDistance is the optimal string alignment distance, so that a swap of
// two neighbouring letters counts as one edit.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
