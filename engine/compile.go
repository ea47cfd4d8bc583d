package engine

import (
	"net/netip"
	"slices"
)

// compiled is a world made ready for evaluation: ends looked up by id,
// name or address; groups numbered; each group's rules compiled into the
// matcher's flat form; and each instance's rules per direction laid out in
// one run, its groups in attachment order, so that evaluating a connection
// is two lookups and two scans of small structs.
//
// It is built once per version of the world and never changed after:
// every change to a world makes a new copy with a new compiled form, so a
// Result that points at one keeps its meaning whatever happens later.
type compiled struct {
	vpcs      []*VPC
	groups    []*Group // by group number: the world's order
	groupNum  map[string]int32
	instances []*Instance
	hosts     []*Host
	refs      refTable // instance and host ids, names and addresses as written
	addrs     map[netip.Addr]endRef

	// grules holds each group's compiled rules per direction, and insts
	// each instance's; both slice one arena each.
	grules [][2][]crule
	insts  []cinst
	// rules names each rule by its number: group, direction and index.
	rules []RuleRef

	// The network ACLs, compiled, and what their entries' refs point at;
	// hasACLs is false for a world that declares no subnet and no ACL
	// (every VPC's implicit default ACL lets everything through), whose
	// evaluation skips the ACL hops.
	acls    []cacl
	entries []centry
	subnets []*Subnet
	hasACLs bool
}

// endRef is an instance or a host by its number, the other -1, and which
// of its addresses a reference to it spells, if it spells one.
type endRef struct {
	inst, host int32
	by         addrField
}

// addrField is one of a machine's addresses.
type addrField uint8

const (
	noAddr addrField = iota
	privateIP
	publicIP
	ipv6Addr
	hostIP
)

// addr is the address n was spelled as, or the zero Addr for an id or a
// name.
func (x *compiled) addr(n endRef) netip.Addr {
	switch n.by {
	case noAddr:
	case privateIP:
		return x.instances[n.inst].PrivateIP
	case publicIP:
		return x.instances[n.inst].PublicIP
	case ipv6Addr:
		return x.instances[n.inst].IPv6
	case hostIP:
		return x.hosts[n.host].IP
	}
	return netip.Addr{}
}

// cinst is one instance, compiled: its groups, and the union of their
// rules per direction and kind of traffic: for tcp, the rules for tcp and
// for all traffic, in their order, and so on. A connection scans only the
// rules that can be about it.
type cinst struct {
	groups []int32 // attached groups, resolved, each once, in attachment order
	rules  [2][trafficKinds][]crule
	// subnet numbers the instance's subnet (a declared one by its index,
	// a VPC's implicit one after them), acl its ACL; -1 when none.
	subnet, acl int32
	// vpc numbers the instance's VPC id, so that routing tells whether two
	// instances share a VPC without comparing strings.
	vpc int32
}

// The kinds of traffic a connection carries, each with its own run of
// rules per instance and direction.
const (
	kindTCP = iota
	kindUDP
	kindICMP
	kindICMPv6
	trafficKinds
)

// kindOf is the kind of traffic of a protocol, or -1 for one no connection
// carries.
func kindOf(p Protocol) int {
	switch p {
	case ProtoTCP:
		return kindTCP
	case ProtoUDP:
		return kindUDP
	case ProtoICMP:
		return kindICMP
	case ProtoICMPv6:
		return kindICMPv6
	}
	return -1
}

// kindProtocols is the protocol of each kind of traffic.
var kindProtocols = [trafficKinds]Protocol{ProtoTCP, ProtoUDP, ProtoICMP, ProtoICMPv6}

// compiled returns the world's compiled form, building it if the world
// has none (a world put together by hand rather than loaded or changed).
func (w *World) compiled() *compiled {
	if w.x == nil {
		w.compile()
	}
	return w.x
}

// compile builds the compiled form of w. Every world that Parse returns
// and every change leaves behind has one.
func (w *World) compile() {
	x := &compiled{
		vpcs:      slices.Clone(w.VPCs),
		groups:    slices.Clone(w.Groups),
		groupNum:  make(map[string]int32, len(w.Groups)),
		instances: slices.Clone(w.Instances),
		hosts:     slices.Clone(w.Hosts),
		refs:      newRefTable(5*len(w.Instances) + 3*len(w.Hosts)),
		addrs:     make(map[netip.Addr]endRef, 3*len(w.Instances)+len(w.Hosts)),
		grules:    make([][2][]crule, len(w.Groups)),
		insts:     make([]cinst, len(w.Instances)),
	}
	for k, g := range w.Groups {
		if _, dup := x.groupNum[g.ID]; !dup {
			x.groupNum[g.ID] = int32(k)
		}
	}
	x.compileGroups()
	// Every address as written canonically is looked up like a name, so
	// that a connection to an address costs no parsing; addresses first,
	// then names, then ids, so that an id wins over a name and a name over
	// an address if they ever collide.
	for k, i := range w.Instances {
		for _, f := range [...]struct {
			by addrField
			a  netip.Addr
		}{{privateIP, i.PrivateIP}, {publicIP, i.PublicIP}, {ipv6Addr, i.IPv6}} {
			if f.a.IsValid() {
				x.addrs[f.a] = endRef{int32(k), -1, noAddr}
				x.refs.set(f.a.String(), endRef{int32(k), -1, f.by})
			}
		}
	}
	for k, h := range w.Hosts {
		if h.IP.IsValid() {
			x.addrs[h.IP] = endRef{-1, int32(k), noAddr}
			x.refs.set(h.IP.String(), endRef{-1, int32(k), hostIP})
		}
	}
	for k, i := range w.Instances {
		if i.Name != "" {
			x.refs.set(i.Name, endRef{int32(k), -1, noAddr})
		}
	}
	for k, h := range w.Hosts {
		if h.Name != "" {
			x.refs.set(h.Name, endRef{-1, int32(k), noAddr})
		}
	}
	members := make([]int32, 0, len(w.Instances))
	vpcNum := make(map[string]int32, len(w.VPCs))
	for k, i := range w.Instances {
		if _, ok := vpcNum[i.VPC]; !ok {
			vpcNum[i.VPC] = int32(len(vpcNum))
		}
		x.insts[k].vpc = vpcNum[i.VPC]
		x.refs.set(i.ID, endRef{int32(k), -1, noAddr})
		start := len(members)
		for _, id := range i.Groups {
			if g, ok := x.groupNum[id]; ok && !slices.Contains(members[start:], g) {
				members = append(members, g)
			}
		}
		x.insts[k].groups = members[start:len(members):len(members)]
	}
	for k, h := range w.Hosts {
		x.refs.set(h.ID, endRef{-1, int32(k), noAddr})
	}
	x.layOutInstances()
	x.compileACLs(w)
	w.x = x
}

// compileGroups compiles every group's rules into one arena, numbering
// the rules as it goes.
func (x *compiled) compileGroups() {
	n := 0
	for _, g := range x.groups {
		n += len(g.Inbound) + len(g.Outbound)
	}
	arena := make([]crule, 0, n)
	x.rules = make([]RuleRef, 0, n)
	for k, g := range x.groups {
		for _, d := range [...]Direction{Inbound, Outbound} {
			start := len(arena)
			rules := g.Rules(d)
			for j := range rules {
				peer := int32(-1)
				if rules[j].Peer.IsGroup() {
					peer = x.groupNumOr(rules[j].Peer.Group)
				}
				arena = append(arena, compileRule(&rules[j], peer, int32(len(x.rules))))
				x.rules = append(x.rules, RuleRef{Group: g.ID, Direction: d, Index: j})
			}
			x.grules[k][d] = arena[start:len(arena):len(arena)]
		}
	}
}

// groupNumOr is a group's number; a reference to no group gets one no
// instance has, so that it never matches.
func (x *compiled) groupNumOr(id string) int32 {
	if g, ok := x.groupNum[id]; ok {
		return g
	}
	return int32(len(x.groups))
}

// layOutInstances copies each instance's groups' rules into one run per
// direction and kind of traffic, in attachment order: the union evaluation
// scans. A rule for all traffic is in every kind's run.
func (x *compiled) layOutInstances() {
	n := 0
	x.eachRun(func(*cinst, Direction, int, *crule) { n++ }, func(*cinst, Direction, int, int) {})
	arena := make([]crule, 0, n)
	start := 0
	x.eachRun(func(_ *cinst, _ Direction, _ int, r *crule) { arena = append(arena, *r) },
		func(c *cinst, d Direction, kind int, _ int) {
			c.rules[d][kind] = arena[start:len(arena):len(arena)]
			start = len(arena)
		})
}

// eachRun calls rule for every rule of every instance's run, in order, and
// end after each run.
func (x *compiled) eachRun(rule func(*cinst, Direction, int, *crule), end func(*cinst, Direction, int, int)) {
	for k := range x.insts {
		c := &x.insts[k]
		for _, d := range [...]Direction{Outbound, Inbound} {
			for kind, proto := range kindProtocols {
				for _, g := range c.groups {
					rules := x.grules[g][d]
					for j := range rules {
						if rules[j].reaches(proto) {
							rule(c, d, kind, &rules[j])
						}
					}
				}
				end(c, d, kind, k)
			}
		}
	}
}

// end is a connection's end as evaluation needs it: the public Endpoint,
// and the instance's number when it is an instance.
type end struct {
	Endpoint
	inst int32
}

// resolve finds a connection's from or to: an instance or host by id or
// name, or an IP address literal. An address keeps the machine that owns
// it, if any, and the address itself. An IPv4-mapped IPv6 address names
// nothing: the format refuses it wherever an address is expected.
func (x *compiled) resolve(ref string) (end, bool) {
	var e end
	ok := x.resolveInto(ref, x.refs.hash(ref), &e.Endpoint, &e.inst)
	return e, ok
}

// resolveInto is resolve writing into the caller's Endpoint and instance
// number, which evaluation keeps in its Result: the hot path copies no
// Endpoint around.
func (x *compiled) resolveInto(ref string, h uint64, e *Endpoint, inst *int32) bool {
	n, ok := x.refs.find(ref, h)
	switch {
	case ok:
		e.Addr = x.addr(n)
	case !couldBeAddr(ref):
		*inst = -1
		return false
	default:
		// An address written another way (2001:DB8::1), or nobody's.
		*inst = -1
		a, err := netip.ParseAddr(ref)
		if err != nil || a.Is4In6() {
			return false
		}
		e.Addr = a
		if n, ok = x.addrs[a]; !ok {
			return true
		}
	}
	*inst = n.inst
	switch {
	case n.inst >= 0:
		e.Instance = x.instances[n.inst]
	case n.host >= 0:
		e.Host = x.hosts[n.host]
	}
	return true
}

// couldBeAddr reports whether s is made of the characters of an IP address
// without a zone. Other names never reach netip.ParseAddr, whose error
// allocates: evaluating a connection to a name that names nothing must
// not allocate either.
func couldBeAddr(s string) bool {
	for i := range len(s) {
		switch c := s[i]; {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F', c == '.', c == ':':
		default:
			return false
		}
	}
	return s != ""
}

func (x *compiled) inAnyVPC(a netip.Addr) bool {
	for _, v := range x.vpcs {
		if v.CIDR.Contains(a) || v.IPv6CIDR.Contains(a) {
			return true
		}
	}
	return false
}

// rule returns the rule with this number.
func (x *compiled) rule(n int32) (*Group, *Rule) {
	ref := x.rules[n]
	g := x.groups[x.groupNum[ref.Group]]
	return g, &g.Rules(ref.Direction)[ref.Index]
}

// Endpoint is one end of a connection: an instance, a host, or an address
// that no machine of the world has (a computer somewhere on the internet).
type Endpoint struct {
	Instance *Instance
	Host     *Host
	Addr     netip.Addr // the address as written, when the end was given as one
}

func (e Endpoint) known() bool { return e.Instance != nil || e.Host != nil }

// sameMachine reports whether both ends are one instance or host, however
// each was written: by id, by name or by one of its addresses.
func (e Endpoint) sameMachine(o Endpoint) bool {
	return (e.Instance != nil && e.Instance == o.Instance) || (e.Host != nil && e.Host == o.Host)
}

// Label names the endpoint for a learner.
func (e Endpoint) Label() string {
	switch {
	case e.Instance != nil:
		return e.Instance.Label()
	case e.Host != nil:
		return e.Host.Label()
	}
	return e.Addr.String()
}

// listening returns what runs on the endpoint.
func (e *Endpoint) listening() []Service {
	switch {
	case e.Instance != nil:
		return e.Instance.Listening
	case e.Host != nil:
		return e.Host.Listening
	}
	return nil
}

// Listens reports whether something on the endpoint listens on protocol and port.
func (e Endpoint) Listens(p Protocol, port int) bool { return listensOn(e.listening(), p, port) }

// listensOn reports whether one of services is on protocol and port.
// Evaluation calls it on its Result's endpoint, which Listens would copy.
func listensOn(services []Service, p Protocol, port int) bool {
	for _, s := range services {
		if s.Protocol == p && s.Port == port {
			return true
		}
	}
	return false
}

// Endpoint resolves a connection's from or to, as the format reads them.
func (w *World) Endpoint(ref string) (Endpoint, bool) {
	e, ok := w.compiled().resolve(ref)
	return e.Endpoint, ok
}

// group returns the group with this id, or nil.
func (x *compiled) group(id string) *Group {
	if g, ok := x.groupNum[id]; ok {
		return x.groups[g]
	}
	return nil
}
