package lessons

import (
	"fmt"
	"iter"
	"net/netip"
	"slices"
	"strings"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/internal/yamlread"
)

// The exposure goal says what may reach an instance, and what the instance
// may reach, and nothing else: it is how a challenge rejects a solution
// that works but opens too much (a /24 where a /32 was asked for, "All
// traffic" where one port was, a rule that also lets in the rest of the
// VPC). The engine answers every probe; the goal only decides which
// answers were allowed.
//
//	- exposure:
//	    instance: web-1
//	    inbound:
//	      - { port: 80, from: anywhere }
//	      - { port: 22, from: your computer }
//	    outbound: []          # web-1 starts no connection
//
// A direction left out is not checked; an empty list allows nothing.

// goalExposure is the goal's key in a lesson file.
const goalExposure = "exposure"

// anywhere is the peer of an allowance that every source (or destination)
// matches.
const anywhere = "anywhere"

type exposureGoal struct {
	instance string
	// in and out are what may reach the instance and what it may reach,
	// checked only when checkIn and checkOut say so.
	in, out           []allowance
	checkIn, checkOut bool
}

// allowance is one kind of traffic an exposure goal allows: a protocol, a
// port (for tcp and udp) and a peer, which is "anywhere", a host, an
// instance, or a security group (its members).
type allowance struct {
	proto engine.Protocol
	port  int
	peer  string
}

func (a allowance) String() string {
	what := a.proto.String() + "/" + fmt.Sprint(a.port)
	if !a.proto.HasPorts() {
		what = a.proto.String() + " echo"
	}
	return what
}

// parseExposure reads the fields of an exposure goal.
func parseExposure(r *reader, f fields) (exposureGoal, string, bool) {
	g := exposureGoal{instance: f.str("instance", true)}
	ok := g.instance != ""
	if !f.Has("inbound") && !f.Has("outbound") {
		r.errorf(f.start(), engine.CodeMissingField, "an exposure goal lists what may come in (`inbound`), what may go out (`outbound`), or both")
		ok = false
	}
	read := func(key, peerKey string) []allowance {
		var out []allowance
		for _, item := range f.list(key, false) {
			a, good := parseAllowance(r, item, key, peerKey)
			ok = ok && good
			out = append(out, a)
		}
		return out
	}
	if g.checkIn = f.Has("inbound"); g.checkIn {
		g.in = read("inbound", "from")
	}
	if g.checkOut = f.Has("outbound"); g.checkOut {
		g.out = read("outbound", "to")
	}
	return g, g.label(), ok
}

func parseAllowance(r *reader, n *yamlread.Node, key, peerKey string) (allowance, bool) {
	f, ok := r.object(n, "an item of `"+key+"`", "protocol", "port", peerKey)
	if !ok {
		return allowance{}, false
	}
	a := allowance{proto: engine.ProtoTCP, port: -1, peer: f.str(peerKey, true)}
	ok = a.peer != ""
	if f.Has("protocol") {
		p, err := engine.ParseProtocol(f.str("protocol", true))
		if err != nil || !(p.HasPorts() || p.IsICMP()) {
			r.errorf(f.at("protocol"), engine.CodeInvalidValue, "the protocol of an item of `%s` is tcp, udp, icmp or icmpv6", key)
			return allowance{}, false
		}
		a.proto = p
	}
	if a.proto.HasPorts() {
		s := f.str("port", true)
		if s == "" {
			return allowance{}, false
		}
		port, err := engine.ParsePort(s)
		if err != nil {
			r.errorf(f.at("port"), engine.CodeInvalidValue, "%v", err)
			return allowance{}, false
		}
		a.port = port
	} else if f.Has("port") {
		r.errorf(f.at("port"), engine.CodeInvalidValue, "%s has no ports: leave `port` out", a.proto)
		ok = false
	}
	return a, ok
}

// label is what the checklist shows when the lesson gives no label.
func (g exposureGoal) label() string {
	var parts []string
	if g.checkIn {
		if len(g.in) == 0 {
			parts = append(parts, "Nothing gets in to "+g.instance)
		} else {
			parts = append(parts, g.instance+" lets in only "+allowanceList(g.in, "from"))
		}
	}
	if g.checkOut {
		if len(g.out) == 0 {
			parts = append(parts, g.instance+" starts no connection")
		} else {
			parts = append(parts, g.instance+" reaches only "+allowanceList(g.out, "to"))
		}
	}
	return strings.Join(parts, "; ")
}

func allowanceList(as []allowance, prep string) string {
	words := make([]string, len(as))
	for k, a := range as {
		words[k] = a.String() + " " + prep + " " + a.peer
	}
	switch len(words) {
	case 1:
		return words[0]
	case 2:
		return words[0] + " and " + words[1]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// probe is one connection the goal tries, and who makes it, so that an
// allowance can be matched against the machine and not only its address.
type probe struct {
	conn engine.Connection
	who  string // the other end, for messages
	// host or other is the machine at the other end, when it is one.
	host  *engine.Host
	other *engine.Instance
}

func (g exposureGoal) check(w *engine.World) (bool, string) {
	i := w.Instance(g.instance)
	if i == nil {
		return false, fmt.Sprintf("there is no instance %s", g.instance)
	}
	for _, a := range append(slices.Clone(g.in), g.out...) {
		if a.peer != anywhere && w.Host(a.peer) == nil && w.Instance(a.peer) == nil && w.FindGroup(i.VPC, a.peer) == nil {
			return false, fmt.Sprintf("the exposure goal names %q, which is no host, instance or security group of %s's VPC (or write anywhere)", a.peer, i.Label())
		}
	}
	if g.checkIn {
		if why := g.leaks(w, i, engine.Inbound, g.in); why != "" {
			return false, why
		}
		// An instance without a public address is safe only by luck of
		// routing: its rules must hold if it ever gets one.
		if pw, pi := withPublicAddress(w, i); pw != nil {
			if why := g.leaks(pw, pi, engine.Inbound, g.in); why != "" {
				return false, fmt.Sprintf("%s has no public IP, but its groups are open anyway: were it given one, %s%s",
					i.Label(), strings.ToLower(why[:1]), why[1:])
			}
		}
	}
	if g.checkOut {
		if why := g.leaks(w, i, engine.Outbound, g.out); why != "" {
			return false, why
		}
	}
	return true, ""
}

// leaks tries every probe in direction d and says what got through that
// the allowances do not cover: the first, and how many more.
func (g exposureGoal) leaks(w *engine.World, i *engine.Instance, d engine.Direction, allow []allowance) string {
	first, n := "", 0
	for p := range probes(w, i, d, allow) {
		res := engine.Evaluate(w, p.conn)
		// A request whose reply a network ACL drops still arrived: the
		// client times out, but the instance received it (or sent it).
		if (res.Outcome == engine.Timeout && res.Reason != engine.ACLReplyBlocked) || allowed(w, i, p, allow) {
			continue
		}
		if n == 0 {
			first = leak(w, i, p, res, d)
		}
		n++
	}
	if n > 1 {
		first += fmt.Sprintf(" And %d more %s.", n-1, plural(n-1, "probe gets through", "probes get through"))
	}
	return first
}

// withPublicAddress returns a copy of w in which instance i has a public
// IPv4 address (and an IPv6 address, when its VPC has a range), or nil
// when i has them already.
func withPublicAddress(w *engine.World, i *engine.Instance) (*engine.World, *engine.Instance) {
	v := w.VPC(i.VPC)
	if i.PublicIP.IsValid() && (i.IPv6.IsValid() || v == nil || !v.IPv6CIDR.IsValid()) {
		return nil, nil
	}
	c := w.Clone()
	ni := *i
	if !ni.PublicIP.IsValid() {
		ni.PublicIP = c.FreePublicIP()
	}
	if !ni.IPv6.IsValid() && v != nil && v.IPv6CIDR.IsValid() {
		ni.IPv6 = freeIPv6(c, v.IPv6CIDR)
	}
	if c.TerminateInstance(i.ID) != nil {
		return nil, nil
	}
	if _, err := c.LaunchInstance(ni); err != nil {
		return nil, nil
	}
	return c, c.Instance(i.ID)
}

// freeIPv6 is an address of range r that no machine of w has.
func freeIPv6(w *engine.World, r netip.Prefix) netip.Addr {
	used := map[netip.Addr]bool{}
	for _, i := range w.Instances {
		used[i.IPv6] = true
	}
	a := r.Addr()
	for range 1 << 16 {
		if a = a.Next(); !used[a] {
			return a
		}
	}
	return netip.Addr{}
}

// leak says what got through that the goal does not allow, and by which
// rule, named by its content.
func leak(w *engine.World, i *engine.Instance, p probe, res engine.Result, d engine.Direction) string {
	what := p.conn.What()
	var s string
	if d == engine.Inbound {
		s = fmt.Sprintf("%s also gets in to %s on %s", p.who, i.Label(), what)
	} else {
		s = fmt.Sprintf("%s can also reach %s on %s", i.Label(), p.who, what)
	}
	if ref, ok := res.FirstMatch(d); ok {
		g := w.Group(ref.Group)
		s += fmt.Sprintf(", through %s's %s rule %s", g.Label(), d, ruleWords(w, *w.Rule(ref), d))
	}
	return s + "."
}

// ruleWords names a rule by its content: "tcp 22 from 203.0.113.0/24",
// "all traffic from web-sg".
func ruleWords(w *engine.World, r engine.Rule, d engine.Direction) string {
	peer := r.Peer.CIDR.String()
	if r.Peer.IsGroup() {
		peer = r.Peer.Group
		if g := w.Group(r.Peer.Group); g != nil {
			peer = g.Label()
		}
	}
	prep := "from"
	if d == engine.Outbound {
		prep = "to"
	}
	switch {
	case r.Protocol == engine.ProtoAll:
		return "all traffic " + prep + " " + peer
	case r.Protocol.HasPorts() || r.Protocol.IsICMP():
		return r.Protocol.String() + " " + r.Ports.Format(r.Protocol) + " " + prep + " " + peer
	}
	return r.Protocol.String() + " " + prep + " " + peer
}

// allowed reports whether an allowance of the goal covers what the probe
// got through with.
func allowed(w *engine.World, i *engine.Instance, p probe, allow []allowance) bool {
	for _, a := range allow {
		if a.proto != p.conn.Protocol || (a.proto.HasPorts() && a.port != p.conn.Port) {
			continue
		}
		if a.peer == anywhere {
			return true
		}
		switch {
		case p.host != nil && w.Host(a.peer) == p.host:
			return true
		case p.other != nil && w.Instance(a.peer) == p.other:
			return true
		case p.other != nil:
			if g := w.FindGroup(i.VPC, a.peer); g != nil && slices.Contains(p.other.Groups, g.ID) {
				return true
			}
		}
	}
	return false
}

// kinds are the kinds of traffic the goal tries in direction d: every
// tcp and udp port at either end of a range that a rule of i's groups
// opens (so a range one port too wide shows), the ports the goal allows
// and their neighbours, what i runs, a few ports people open by mistake,
// and a ping of each family.
func kinds(w *engine.World, i *engine.Instance, d engine.Direction, allow []allowance) []engine.Connection {
	type kind struct {
		p    engine.Protocol
		port int
	}
	set := map[kind]bool{{engine.ProtoICMP, 0}: true, {engine.ProtoICMPv6, 0}: true}
	add := func(p engine.Protocol, ports ...int) {
		for _, n := range ports {
			if n >= 0 && n <= 65535 {
				set[kind{p, n}] = true
			}
		}
	}
	for _, n := range []int{1, 22, 80, 443, 3389, 8080, 65535} {
		add(engine.ProtoTCP, n)
	}
	add(engine.ProtoUDP, 53, 65535)
	for _, a := range allow {
		if a.proto.HasPorts() {
			add(a.proto, a.port-1, a.port, a.port+1)
		}
	}
	for _, s := range i.Listening {
		add(s.Protocol, s.Port)
	}
	for _, g := range w.GroupsOf(i) {
		for _, r := range g.Rules(d) {
			switch {
			case r.Protocol.HasPorts():
				add(r.Protocol, r.Ports.Lo, r.Ports.Lo+1, r.Ports.Hi)
			case r.Protocol == engine.ProtoAll:
				add(engine.ProtoTCP, 2)
				add(engine.ProtoUDP, 2)
			}
		}
	}
	out := make([]engine.Connection, 0, len(set))
	for k := range set {
		out = append(out, engine.Connection{Protocol: k.p, Port: k.port})
	}
	// A fixed order, tcp first, so that the first leak reported is the
	// one a learner most likely made, and always the same.
	rank := []engine.Protocol{engine.ProtoTCP, engine.ProtoUDP, engine.ProtoICMP, engine.ProtoICMPv6}
	slices.SortFunc(out, func(a, b engine.Connection) int {
		if a.Protocol != b.Protocol {
			return slices.Index(rank, a.Protocol) - slices.Index(rank, b.Protocol)
		}
		return a.Port - b.Port
	})
	return out
}

// probes lists the connections the goal tries in direction d: from (or
// to) every host and every other instance, by name and, from instances,
// through i's public addresses; inbound also from an address inside every
// range a rule of i's groups names and from two addresses elsewhere on
// the internet; each with every kind of traffic kinds lists.
func probes(w *engine.World, i *engine.Instance, d engine.Direction, allow []allowance) iter.Seq[probe] {
	type end struct {
		ref   string
		who   string
		host  *engine.Host
		other *engine.Instance
	}
	var ends []end
	for _, h := range w.Hosts {
		ends = append(ends, end{ref: h.ID, who: h.Label(), host: h})
	}
	for _, o := range w.Instances {
		if o != i {
			ends = append(ends, end{ref: o.ID, who: o.Label(), other: o})
		}
	}
	if d == engine.Inbound {
		for _, n := range outsiders(w, i) {
			ends = append(ends, end{ref: n.addr.String(), who: n.who})
		}
	}
	kinds := kinds(w, i, d, allow)
	return func(yield func(probe) bool) {
		for _, e := range ends {
			// By name, the engine picks the path: private inside the VPC, over
			// the internet from outside. Instances may also take the public
			// path, where group references stop matching and address rules
			// start to.
			targets := []string{i.ID}
			if e.other != nil {
				targets = []string{i.ID, i.PublicIP.String(), i.IPv6.String()}
				if d == engine.Outbound {
					targets = []string{e.other.ID, e.other.PublicIP.String(), e.other.IPv6.String()}
				}
			} else if d == engine.Outbound {
				targets = []string{e.ref}
			}
			for _, t := range targets {
				if t == "invalid IP" {
					continue // no such address
				}
				for _, c := range kinds {
					c.From, c.To = e.ref, t
					if d == engine.Outbound {
						c.From = i.ID
					}
					if !yield(probe{conn: c, who: e.who, host: e.host, other: e.other}) {
						return
					}
				}
			}
		}
	}
}

// outsider is an address outside AWS that no machine has.
type outsider struct {
	addr netip.Addr
	who  string
}

// outsiders returns an address inside every address range an inbound
// rule of i's groups names (a rule for a range is open to whoever is
// there, machine of the world or not) and two addresses elsewhere on the
// internet, one per family. Addresses that a machine has or that lie in
// a VPC are left out: the machines are tried as themselves.
func outsiders(w *engine.World, i *engine.Instance) []outsider {
	used := map[netip.Addr]bool{}
	for _, h := range w.Hosts {
		used[h.IP] = true
	}
	for _, o := range w.Instances {
		used[o.PublicIP], used[o.IPv6] = true, true
	}
	var out []outsider
	add := func(a netip.Addr, who string) bool {
		if !a.IsValid() || used[a] || inVPC(w, a) {
			return false
		}
		used[a] = true
		out = append(out, outsider{a, who})
		return true
	}
	for _, g := range w.GroupsOf(i) {
		for _, r := range g.Inbound {
			p := r.Peer.CIDR
			if r.Peer.IsGroup() || !p.IsValid() {
				continue
			}
			for _, a := range inside(p) {
				if add(a, fmt.Sprintf("%s (inside the source %s of %s)", a, p, g.Label())) {
					break
				}
			}
		}
	}
	for _, s := range []string{"198.18.0.1", "2001:db8:ffff:ffff::1"} {
		a := netip.MustParseAddr(s)
		add(a, a.String()+" (elsewhere on the internet)")
	}
	return out
}

// inside returns a few addresses of range p to try: the second, the last
// but one and the middle one (the first and last are the range's own), or
// the one address of a /32 or /128.
func inside(p netip.Prefix) []netip.Addr {
	a := p.Masked().Addr()
	if p.Bits() == a.BitLen() {
		return []netip.Addr{a}
	}
	b := a.AsSlice()
	last := slices.Clone(b)
	for k := range last {
		if host := p.Bits() - 8*k; host < 8 {
			last[k] |= byte(0xff >> max(host, 0))
		}
	}
	mid := slices.Clone(b)
	mid[p.Bits()/8] |= 0x80 >> (p.Bits() % 8)
	l, _ := netip.AddrFromSlice(last)
	m, _ := netip.AddrFromSlice(mid)
	return []netip.Addr{a.Next(), l.Prev(), m}
}

func inVPC(w *engine.World, a netip.Addr) bool {
	for _, v := range w.VPCs {
		if v.CIDR.Contains(a) || v.IPv6CIDR.Contains(a) {
			return true
		}
	}
	return false
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
