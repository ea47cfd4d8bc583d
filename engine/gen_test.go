package engine_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/sglab/sglab/engine"
)

// This file builds random but valid worlds, deterministically from a seed,
// for the differential, round-trip and benchmark tests. Worlds are built as
// model values, written with Marshal and read back with Parse, so that every
// world a test evaluates went through the loader like a user's file.

// probePorts are the ports rules and connections draw from: few enough that
// rules and connections meet often.
var probePorts = []int{22, 53, 80, 443, 3389, 8080}

// gen draws the parts of a random world.
type gen struct {
	r *rand.Rand
}

func newGen(seed uint64) *gen { return &gen{r: rand.New(rand.NewPCG(seed, seed^0x5eed))} }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func (g *gen) intn(n int) int { return g.r.IntN(n) }

func pick[T any](g *gen, list []T) T { return list[g.r.IntN(len(list))] }

// world returns a random valid world: one to three VPCs, some with IPv6,
// groups with random rules (CIDRs of the world's own addresses, group
// references, self), instances with and without public IPs and IPv6, hosts
// of both families, and random test connections.
func (g *gen) world(name string) *engine.World {
	w := engine.NewWorld(name)
	if g.chance(0.2) {
		w.Quotas.RulesPerDirection = 20 + g.intn(50)
		w.Quotas.GroupsPerInstance = 3 + g.intn(3)
	}
	for k := range 1 + g.intn(3) {
		v := &engine.VPC{ID: fmt.Sprintf("vpc-%d", k), CIDR: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(k), 0, 0}), 16)}
		if g.chance(0.5) {
			v.IPv6CIDR = netip.MustParsePrefix(fmt.Sprintf("2600:1f18:%x::/56", k+1))
		}
		if g.chance(0.2) {
			v.Region = "eu-west-1"
		}
		w.VPCs = append(w.VPCs, v)
	}
	for h := range g.intn(4) {
		host := &engine.Host{ID: fmt.Sprintf("host-%d", h), IP: netip.AddrFrom4([4]byte{198, 51, 100, byte(10 + h)})}
		if g.chance(0.3) {
			host.IP = netip.MustParseAddr(fmt.Sprintf("2001:db8::%x", 10+h))
		}
		if g.chance(0.5) {
			host.Name = fmt.Sprintf("laptop %d", h)
		}
		host.Listening = g.services()
		w.Hosts = append(w.Hosts, host)
	}
	for _, v := range w.VPCs {
		g.fillVPC(w, v)
	}
	if g.chance(0.6) {
		for _, v := range w.VPCs {
			g.network(w, v)
		}
	}
	for range g.intn(12) {
		if c, ok := g.connection(w); ok {
			c.Expect = engine.Outcome(g.intn(4))
			w.Connections = append(w.Connections, c)
		}
	}
	return w
}

// fillVPC adds a VPC's groups and instances. Rules are drawn after the
// instances, so that CIDRs can name the instances' own addresses.
func (g *gen) fillVPC(w *engine.World, v *engine.VPC) {
	var groups []*engine.Group
	for k := range 1 + g.intn(5) {
		grp := &engine.Group{ID: fmt.Sprintf("sg-%s-%d", v.ID, k), VPC: v.ID}
		if g.chance(0.6) {
			grp.Name = fmt.Sprintf("group-%d", k)
		}
		groups = append(groups, grp)
	}
	vpcIndex := slices.Index(w.VPCs, v)
	for k := range 1 + g.intn(6) {
		i := &engine.Instance{
			ID:        fmt.Sprintf("i-%s-%d", v.ID, k),
			VPC:       v.ID,
			PrivateIP: netip.AddrFrom4([4]byte{10, byte(vpcIndex), 1, byte(10 + k)}),
			Listening: g.services(),
		}
		if g.chance(0.5) {
			i.Name = fmt.Sprintf("web-%d-%d", vpcIndex, k)
		}
		if g.chance(0.6) {
			i.PublicIP = netip.AddrFrom4([4]byte{54, 210, byte(vpcIndex), byte(10 + k)})
		}
		if v.IPv6CIDR.IsValid() && g.chance(0.6) {
			a := v.IPv6CIDR.Addr().As16()
			a[15] = byte(10 + k)
			i.IPv6 = netip.AddrFrom16(a)
		}
		if g.chance(0.2) {
			i.Groups = []string{engine.DefaultGroupID(v.ID)}
		}
		for _, grp := range groups {
			if len(i.Groups) < 3 && g.chance(0.4) {
				i.Groups = append(i.Groups, grp.ID)
			}
		}
		if len(i.Groups) == 0 {
			i.Groups = []string{pick(g, groups).ID}
		}
		w.Instances = append(w.Instances, i)
	}
	broad, hosts := cidrPool(w, v)
	cidrs := append(broad, hosts...)
	for _, grp := range groups {
		grp.Inbound = g.rules(grp, groups, cidrs, g.intn(7))
		if g.chance(0.4) {
			grp.Outbound = g.rules(grp, groups, cidrs, g.intn(5))
			if grp.Outbound == nil {
				grp.Outbound = []engine.Rule{} // outbound: [], nothing allowed out
			}
		}
	}
	w.Groups = append(w.Groups, groups...)
}

// network gives a VPC, at random, subnets and network ACLs: none (the
// implicit subnet and default ACL), or two subnets that split its
// instances (at 10.k.1.10 to .15) and an empty third, each with the
// default ACL, a declared default, or custom ACLs with random entries.
func (g *gen) network(w *engine.World, v *engine.VPC) {
	if g.chance(0.25) {
		return
	}
	k := slices.Index(w.VPCs, v)
	var acls []*engine.NetworkACL
	broad, hosts := cidrPool(w, v)
	cidrs := append(broad, hosts...)
	for n := range g.intn(3) + 1 {
		a := &engine.NetworkACL{ID: fmt.Sprintf("acl-%s-%d", v.ID, n), VPC: v.ID}
		if n == 0 && g.chance(0.3) {
			a.Name = "default"
		} else if g.chance(0.4) {
			a.Name = fmt.Sprintf("acl-name-%d", n)
		}
		a.Inbound, a.Outbound = g.entries(cidrs), g.entries(cidrs)
		acls = append(acls, a)
	}
	w.NetworkACLs = append(w.NetworkACLs, acls...)
	if g.chance(0.2) {
		return // a declared default ACL, perhaps, guarding the implicit subnet
	}
	ranges := []string{"10.%d.1.8/30", "10.%d.1.12/30", "10.%d.2.0/24"}
	var subnets []*engine.Subnet
	for n, r := range ranges {
		s := &engine.Subnet{ID: fmt.Sprintf("subnet-%s-%d", v.ID, n), VPC: v.ID, CIDR: netip.MustParsePrefix(fmt.Sprintf(r, k))}
		if n == 0 && v.IPv6CIDR.IsValid() && g.chance(0.5) {
			s.IPv6CIDR = netip.PrefixFrom(v.IPv6CIDR.Addr(), 64)
		}
		if g.chance(0.3) {
			s.Name = fmt.Sprintf("subnet-name-%d", n)
		}
		if a := pick(g, acls); g.chance(0.7) && a.Name != "default" {
			s.NetworkACL = a.ID
			if a.Name != "" && g.chance(0.5) {
				s.NetworkACL = a.Name
			}
		}
		subnets = append(subnets, s)
	}
	w.Subnets = append(w.Subnets, subnets...)
	for _, i := range w.Instances {
		if i.VPC == v.ID && g.chance(0.3) {
			for _, s := range subnets {
				if s.CIDR.Contains(i.PrivateIP) {
					i.Subnet = s.ID
				}
			}
		}
	}
}

// entries draws a direction's network ACL entries, rule numbers unique.
func (g *gen) entries(cidrs []netip.Prefix) []engine.ACLEntry {
	var out []engine.ACLEntry
	numbers := g.r.Perm(30)
	for n := range g.intn(4) {
		e := engine.ACLEntry{Rule: 10 * (numbers[n] + 1), Action: engine.Allow, CIDR: pick(g, cidrs)}
		if g.chance(0.3) {
			e.Action = engine.Deny
		}
		e.Protocol = pick(g, []engine.Protocol{engine.ProtoTCP, engine.ProtoTCP, engine.ProtoUDP,
			engine.ProtoICMP, engine.ProtoICMPv6, engine.ProtoAll, engine.ProtoAll})
		switch {
		case e.Protocol.HasPorts():
			e.Ports = pick(g, []engine.PortRange{{22, 22}, {80, 80}, {443, 443}, {53, 53}, {1024, 65535},
				{32768, 60999}, {49152, 65535}, {32768, 32768}, {0, 1023}, engine.AllPorts})
		case e.Protocol.IsICMP():
			e.Ports = pick(g, []engine.PortRange{engine.AnyICMP, {8, engine.AnyPort}, {0, 0}, {128, 0}, {129, engine.AnyPort}})
		}
		out = append(out, e)
	}
	// Catch-alls after the drawn entries: the well-known ports only (the
	// classic ACL that forgets the replies' ephemeral ports), or everything.
	switch n := g.intn(10); {
	case n < 5:
		out = append(out, engine.ACLEntry{Rule: 400, Action: engine.Allow, Protocol: engine.ProtoTCP,
			Ports: engine.PortRange{Lo: 0, Hi: 10000}, CIDR: netip.MustParsePrefix("0.0.0.0/0")})
	case n < 8:
		out = append(out, engine.ACLEntry{Rule: 500, Action: engine.Allow, Protocol: engine.ProtoAll, CIDR: netip.MustParsePrefix("0.0.0.0/0")})
	}
	return out
}

// cidrPool is the CIDRs rules draw from: broad ranges (the whole internet,
// the VPC, ranges the world's addresses fall in) and each address a
// machine has.
func cidrPool(w *engine.World, v *engine.VPC) (broad, hosts []netip.Prefix) {
	broad = []netip.Prefix{
		netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0"),
		v.CIDR, netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("54.210.0.0/16"), netip.MustParsePrefix("2001:db8::/32"),
	}
	if v.IPv6CIDR.IsValid() {
		broad = append(broad, v.IPv6CIDR)
	}
	host := func(a netip.Addr) {
		if a.IsValid() {
			hosts = append(hosts, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	for _, i := range w.Instances {
		host(i.PrivateIP)
		host(i.PublicIP)
		host(i.IPv6)
	}
	for _, h := range w.Hosts {
		host(h.IP)
	}
	return broad, hosts
}

// rules draws n rules for a group, none a duplicate of another, with a few
// tries per rule before it settles for fewer.
func (g *gen) rules(self *engine.Group, groups []*engine.Group, cidrs []netip.Prefix, n int) []engine.Rule {
	var out []engine.Rule
	for try := 0; len(out) < n && try < 5*n; try++ {
		r := g.rule(self, groups, cidrs)
		if !slices.ContainsFunc(out, func(o engine.Rule) bool { return samePermission(o, r) }) {
			out = append(out, r)
		}
	}
	return out
}

func (g *gen) rule(self *engine.Group, groups []*engine.Group, cidrs []netip.Prefix) engine.Rule {
	r := engine.Rule{Protocol: pick(g, []engine.Protocol{
		engine.ProtoTCP, engine.ProtoTCP, engine.ProtoTCP, engine.ProtoUDP,
		engine.ProtoICMP, engine.ProtoICMPv6, engine.ProtoAll, 47,
	})}
	switch {
	case r.Protocol.HasPorts():
		r.Ports = pick(g, []engine.PortRange{{22, 22}, {80, 80}, {443, 443}, {53, 53}, {3389, 3389},
			{8080, 8080}, {0, 1023}, {1024, 65535}, {80, 443}, engine.AllPorts})
	case r.Protocol.IsICMP():
		r.Ports = pick(g, []engine.PortRange{engine.AnyICMP, {8, engine.AnyPort}, {8, 0}, {0, engine.AnyPort},
			{3, 4}, {128, engine.AnyPort}, {128, 0}})
	}
	switch n := g.intn(10); {
	case n < 6:
		r.Peer = engine.CIDRPeer(pick(g, cidrs))
	case n < 8:
		r.Peer = engine.GroupPeer(pick(g, groups).ID)
	case n < 9:
		r.Peer = engine.GroupPeer(engine.DefaultGroupID(self.VPC))
	default:
		r.Peer = engine.Peer{Group: self.ID, Self: true}
	}
	if g.chance(0.2) {
		r.Description = pick(g, []string{"from the office", "health checks", "yes", "a: b", "#1 rule", "a (b) [c] #d", "ünïcode"})
	}
	return r
}

// samePermission is the format's duplicate test: protocol, ports and peer.
func samePermission(a, b engine.Rule) bool {
	return a.Protocol == b.Protocol && a.Ports == b.Ports && a.Peer.CIDR == b.Peer.CIDR && a.Peer.Group == b.Peer.Group
}

func (g *gen) services() []engine.Service {
	var out []engine.Service
	for _, s := range []engine.Service{{engine.ProtoTCP, 22}, {engine.ProtoTCP, 80}, {engine.ProtoTCP, 443},
		{engine.ProtoUDP, 53}, {engine.ProtoTCP, 8080}, {engine.ProtoTCP, 3389}} {
		if g.chance(0.5) {
			out = append(out, s)
		}
	}
	return out
}

// refs lists every way a connection can name an end: ids, names, every
// address a machine has, and addresses nobody has, inside a VPC and out.
func refs(w *engine.World) []string {
	out := []string{"10.0.99.99", "10.1.99.99", "203.0.113.77", "2001:db8::99", "2600:1f18:1::99"}
	for _, i := range w.Instances {
		out = append(out, i.ID)
		if i.Name != "" {
			out = append(out, i.Name)
		}
		for _, a := range []netip.Addr{i.PrivateIP, i.PublicIP, i.IPv6} {
			if a.IsValid() {
				out = append(out, a.String())
			}
		}
	}
	for _, h := range w.Hosts {
		out = append(out, h.ID, h.IP.String())
		if h.Name != "" {
			out = append(out, h.Name)
		}
	}
	return out
}

// connection draws a connection between two different ends of w; false
// when it drew one machine twice.
func (g *gen) connection(w *engine.World) (engine.Connection, bool) {
	all := refs(w)
	c := engine.Connection{From: pick(g, all), To: pick(g, all),
		Protocol: pick(g, []engine.Protocol{engine.ProtoTCP, engine.ProtoTCP, engine.ProtoUDP, engine.ProtoICMP, engine.ProtoICMPv6})}
	if c.Protocol.HasPorts() {
		c.Port = pick(g, probePorts)
	}
	if g.chance(0.2) {
		c.SourcePort = pick(g, []int{1, 1024, 32768, 40000, 49152, 61000, 65535})
	}
	rw := newRefWorld(w)
	from, _ := rw.resolve(c.From)
	to, _ := rw.resolve(c.To)
	return c, !from.same(to) && c.From != c.To
}

// load writes w as a file and reads it back: the world tests evaluate.
func load(t testing.TB, w *engine.World) *engine.World {
	t.Helper()
	data := engine.Marshal(w)
	loaded, ds := engine.Parse("generated.yaml", data)
	if loaded == nil {
		t.Fatalf("generated world does not load:\n%s\n%s", ds.Error(), data)
	}
	return loaded
}

// scale sizes a benchmark world.
type scale struct {
	instances, groups  int
	minRules, maxRules int // inbound rules per group; outbound get a quarter
	perInstance        int // groups on each instance
	acls               bool
}

// scaleWorld builds the large worlds of the benchmarks: instances spread
// over four VPCs, groups whose rules name the world's addresses, broad
// ranges and other groups, perInstance groups on every instance, and a few
// hosts. The same scale always gives the same world. It panics on a world
// that does not load, which is a bug in this generator.
func scaleWorld(sc scale) *engine.World {
	g := newGen(42)
	w := engine.NewWorld("scale")
	const vpcs = 4
	for k := range vpcs {
		w.VPCs = append(w.VPCs, &engine.VPC{ID: fmt.Sprintf("vpc-%d", k),
			CIDR: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(k), 0, 0}), 16)})
	}
	for k := range sc.groups {
		w.Groups = append(w.Groups, &engine.Group{ID: fmt.Sprintf("sg-%05d", k), VPC: w.VPCs[k%vpcs].ID})
	}
	for k := range sc.instances {
		v := k % vpcs
		i := &engine.Instance{ID: fmt.Sprintf("i-%05d", k), VPC: w.VPCs[v].ID,
			PrivateIP: netip.AddrFrom4([4]byte{10, byte(v), byte(k >> 8), byte(k)}), Listening: g.services()}
		if g.chance(0.5) {
			i.PublicIP = netip.AddrFrom4([4]byte{54, 210, byte(k >> 8), byte(k)})
		}
		for len(i.Groups) < sc.perInstance {
			id := w.Groups[g.intn(sc.groups/vpcs)*vpcs+v].ID
			if !slices.Contains(i.Groups, id) {
				i.Groups = append(i.Groups, id)
			}
		}
		w.Instances = append(w.Instances, i)
	}
	for h := range 10 {
		w.Hosts = append(w.Hosts, &engine.Host{ID: fmt.Sprintf("host-%d", h), IP: netip.AddrFrom4([4]byte{198, 51, 100, byte(h)})})
	}
	// Each VPC's rules draw from broad ranges and a sample of addresses,
	// and reference a sample of the VPC's groups.
	pools := make([][]netip.Prefix, vpcs)
	peers := make([][]*engine.Group, vpcs)
	for v := range vpcs {
		broad, hosts := cidrPool(w, w.VPCs[v])
		pools[v] = append(broad, pickN(g, hosts, 64)...)
		for k := v; k < len(w.Groups); k += vpcs {
			peers[v] = append(peers[v], w.Groups[k])
		}
		peers[v] = pickN(g, peers[v], 16)
	}
	for k, grp := range w.Groups {
		v := k % vpcs
		grp.Inbound = g.rules(grp, peers[v], pools[v], sc.minRules+g.intn(sc.maxRules-sc.minRules+1))
		grp.Outbound = g.rules(grp, peers[v], pools[v], 1+g.intn(sc.maxRules/4+1))
	}
	if sc.acls {
		scaleACLs(g, w, pools)
	}
	data := engine.Marshal(w)
	loaded, ds := engine.Parse("scale.yaml", data)
	if loaded == nil {
		panic("scale world does not load: " + ds.Error())
	}
	return loaded
}

// scaleACLs gives each VPC of a scale world sixteen subnets (the /26s of
// 10.v.0.0/22, which hold all its instances) and three network ACLs of 12
// entries per direction: denies of single addresses, allows of ports and
// ranges, and the ephemeral ports' return entry on some; one subnet in
// four keeps the default ACL.
func scaleACLs(g *gen, w *engine.World, pools [][]netip.Prefix) {
	for v, vpc := range w.VPCs {
		var acls []string
		for k := range 3 {
			a := &engine.NetworkACL{ID: fmt.Sprintf("acl-%d-%d", v, k), VPC: vpc.ID}
			for _, d := range []engine.Direction{engine.Inbound, engine.Outbound} {
				var entries []engine.ACLEntry
				for n := range 11 {
					e := engine.ACLEntry{Rule: 10 * (n + 1), Action: engine.Allow, Protocol: engine.ProtoTCP, CIDR: pick(g, pools[v])}
					if !e.CIDR.Addr().Is4() {
						e.CIDR = netip.MustParsePrefix("0.0.0.0/0")
					}
					switch {
					case g.chance(0.3):
						e.Action, e.Protocol = engine.Deny, engine.ProtoAll
					default:
						p := pick(g, matrixPorts)
						e.Ports = engine.PortRange{Lo: p, Hi: p}
					}
					entries = append(entries, e)
				}
				if k < 2 {
					// https from the VPCs: connections that get through the
					// ACLs both ways, or whose reply one drops.
					entries = append(entries, engine.ACLEntry{Rule: 5, Action: engine.Allow, Protocol: engine.ProtoTCP,
						Ports: engine.PortRange{Lo: 443, Hi: 443}, CIDR: netip.MustParsePrefix("10.0.0.0/8")})
				}
				last := engine.ACLEntry{Rule: 200, Action: engine.Allow, Protocol: engine.ProtoTCP,
					Ports: engine.PortRange{Lo: 1024, Hi: 65535}, CIDR: netip.MustParsePrefix("0.0.0.0/0")}
				if g.chance(0.3) {
					last.Ports.Lo = 49152 // instances' replies to 32768 are dropped
				}
				*map[engine.Direction]*[]engine.ACLEntry{engine.Inbound: &a.Inbound, engine.Outbound: &a.Outbound}[d] = append(entries, last)
			}
			w.NetworkACLs = append(w.NetworkACLs, a)
			acls = append(acls, a.ID)
		}
		for k := range 16 {
			s := &engine.Subnet{ID: fmt.Sprintf("subnet-%d-%d", v, k), VPC: vpc.ID,
				CIDR: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(v), byte(k / 4), byte(64 * (k % 4))}), 26)}
			if k%4 < 3 {
				s.NetworkACL = acls[k%4]
			}
			w.Subnets = append(w.Subnets, s)
		}
	}
}

// pickN draws n elements of list (fewer if it is shorter), in list order.
func pickN[T any](g *gen, list []T, n int) []T {
	var out []T
	for k, x := range list {
		if g.intn(len(list)-k) < n-len(out) {
			out = append(out, x)
		}
	}
	return out
}
