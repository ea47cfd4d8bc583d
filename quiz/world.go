package quiz

import (
	"net/netip"
	"slices"
	"strconv"

	"github.com/sglab/sglab/engine"
)

// The worlds of scenario questions are small sites built from roles: each
// instance is named after its role and carries its role's group (db-1 has
// db-sg), its services run, and the groups hold the rules such a site
// would have, group references between tiers included. A question then
// picks one connection in it and, for most causes, breaks one thing.

// role is a kind of instance in a scenario's world.
type role struct {
	name     string // instances are name-1, name-2
	group    string // the group's name; its id is "sg-" + name
	services []engine.Service
	public   int // the chance, in percent, of a public IPv4 address
}

func tcp(ports ...int) []engine.Service {
	var out []engine.Service
	for _, p := range ports {
		out = append(out, engine.Service{Protocol: engine.ProtoTCP, Port: p})
	}
	return out
}

var (
	roleLB      = role{name: "lb", group: "lb-sg", services: tcp(80, 443), public: 100}
	roleWeb     = role{name: "web", group: "web-sg", services: tcp(80, 443), public: 60}
	roleApp     = role{name: "app", group: "app-sg", services: tcp(8080), public: 40}
	roleDB      = role{name: "db", group: "db-sg", services: tcp(5432), public: 15}
	roleCache   = role{name: "cache", group: "cache-sg", services: tcp(6379), public: 10}
	roleDNS     = role{name: "dns", group: "dns-sg", services: []engine.Service{{Protocol: engine.ProtoUDP, Port: 53}, {Protocol: engine.ProtoTCP, Port: 53}}, public: 20}
	roleBastion = role{name: "bastion", group: "admin-ssh", services: tcp(22), public: 100}
)

func (r role) groupID() string { return "sg-" + r.name }

// sensitivePorts are the ports of databases, caches and log-ins: a
// question's keyed answer never opens one to every address.
var sensitivePorts = []int{22, 3306, 3389, 5432, 6379}

// The world's network: one VPC, with IPv6 when the question needs it.
// Hosts outside AWS use documentation addresses.
var (
	vpcCIDR  = netip.MustParsePrefix("10.0.0.0/16")
	vpcCIDR6 = netip.MustParsePrefix("2600:1f18:1234:5600::/56")
	anyIPv4  = netip.MustParsePrefix("0.0.0.0/0")
	anyIPv6  = netip.MustParsePrefix("::/0")
)

const vpcID = "vpc-quiz"

// The hosts: an administrator's laptop (the /32 of admin rules), a visitor
// and a stranger on the internet, a monitoring server that pings, an
// update server the instances call, and visitors over IPv6.
var (
	hostLaptop   = engine.Host{ID: "laptop", IP: netip.MustParseAddr("203.0.113.10")}
	hostVisitor  = engine.Host{ID: "visitor", IP: netip.MustParseAddr("198.51.100.7")}
	hostStranger = engine.Host{ID: "stranger", IP: netip.MustParseAddr("192.0.2.77")}
	hostMonitor  = engine.Host{ID: "monitor", IP: netip.MustParseAddr("198.51.100.20")}
	hostUpdates  = engine.Host{ID: "updates", IP: netip.MustParseAddr("192.0.2.80"), Listening: tcp(443)}
	hostVisitor6 = engine.Host{ID: "visitor-v6", IP: netip.MustParseAddr("2001:db8::7")}
	hostLaptop6  = engine.Host{ID: "laptop-v6", IP: netip.MustParseAddr("2001:db8:1::10")}
)

// plan is what a world will hold.
type plan struct {
	level int
	v6    bool
	// subnets puts each tier in a subnet of its own (acl.go).
	subnets bool
	roles   []role // one entry per instance, in launch order
	hosts   []engine.Host
}

// planWorld chooses the roles and hosts of a world: more of them at higher
// levels, and those that traffic t needs (a DNS server for udp, IPv6 for
// IPv6 traffic, a monitoring host for pings), and subnets for the tiers
// when acl says a network ACL is what the question turns on (and now and
// then otherwise, so that subnets are no tell).
func planWorld(r *rng, level int, t Traffic, acl bool) plan {
	p := plan{level: level, v6: t == TrafficICMPv6 || t == TrafficIPv6 || r.chance(15)}
	p.subnets = acl || r.chance(25)
	size := level + 1 + r.intn(2) // 2-3 instances at level 1, up to 5-6 at level 4
	p.roles = []role{roleWeb}
	if t == TrafficUDP {
		p.roles = append(p.roles, roleDNS)
	}
	candidates := []role{roleApp, roleDB, roleLB, roleBastion, roleCache, roleDNS}
	shuffle(r, candidates[2:]) // the tiers first, then the rest in any order
	for _, c := range candidates {
		if len(p.roles) >= size {
			break
		}
		if !slices.ContainsFunc(p.roles, func(x role) bool { return x.name == c.name }) && (c.name != "db" || p.has("app") || r.chance(30)) {
			p.roles = append(p.roles, c)
		}
	}
	if level >= 4 {
		p.roles = append(p.roles, roleWeb) // web-2
	}
	p.hosts = []engine.Host{hostLaptop, hostVisitor}
	if level >= 2 || r.chance(40) {
		p.hosts = append(p.hosts, hostStranger)
	}
	if t == TrafficICMP || r.chance(30) {
		p.hosts = append(p.hosts, hostMonitor)
	}
	if level >= 2 || r.chance(50) {
		p.hosts = append(p.hosts, hostUpdates)
	}
	if p.v6 {
		p.hosts = append(p.hosts, hostVisitor6)
		if r.chance(50) {
			p.hosts = append(p.hosts, hostLaptop6)
		}
	}
	return p
}

func (p plan) has(name string) bool {
	return slices.ContainsFunc(p.roles, func(x role) bool { return x.name == name })
}

func (p plan) hasHost(id string) bool {
	return slices.ContainsFunc(p.hosts, func(h engine.Host) bool { return h.ID == id })
}

// buildWorld builds the world of a plan, with the engine's own changes,
// which check every step.
func buildWorld(r *rng, p plan, t Traffic) *engine.World {
	w := engine.NewWorld("quiz scenario")
	vpc := engine.VPC{ID: vpcID, CIDR: vpcCIDR}
	if p.v6 {
		vpc.IPv6CIDR = vpcCIDR6
	}
	must(w.AddVPC(vpc))
	if p.subnets {
		addSubnets(w, p.v6)
	}
	for _, h := range p.hosts {
		_, err := w.AddHost(h)
		must(err)
	}
	made := map[string]bool{}
	for _, ro := range p.roles {
		if made[ro.name] {
			continue
		}
		made[ro.name] = true
		_, err := w.CreateGroup(engine.Group{ID: ro.groupID(), Name: ro.group, VPC: vpcID, Description: ro.name + " servers"})
		must(err)
	}
	addRules(w, r, p, t)
	count := map[string]int{}
	for _, ro := range p.roles {
		count[ro.name]++
		i := engine.Instance{ID: ro.name + "-" + strconv.Itoa(count[ro.name]), VPC: vpcID, Groups: []string{ro.groupID()},
			Listening: slices.Clone(ro.services)}
		range6 := vpcCIDR6
		if p.subnets {
			sub := subnetFor(ro.name)
			i.Subnet, range6 = sub.id, sub.cidr6
		}
		if r.chance(ro.public) {
			i.PublicIP = w.FreePublicIP()
		}
		if p.v6 && (ro.name == "lb" || ro.name == "web" || ro.name == "bastion" || r.chance(25)) {
			i.IPv6 = freeIPv6(w, range6)
		}
		// Administrators log in to the web and app servers too, once the
		// site is big enough to have an admin group.
		if made["bastion"] && (ro.name == "web" || ro.name == "app") && p.level >= 3 {
			i.Groups = append(i.Groups, roleBastion.groupID())
		}
		_, err := w.LaunchInstance(i)
		must(err)
	}
	return w
}

// addRules gives each group the rules its role would have, and at higher
// levels the odd extra rule that real groups collect.
func addRules(w *engine.World, r *rng, p plan, t Traffic) {
	in := func(g string, proto engine.Protocol, port int, peer engine.Peer, desc string) {
		rule := engine.Rule{Protocol: proto, Ports: engine.PortRange{Lo: port, Hi: port}, Peer: peer, Description: desc}
		if proto.IsICMP() {
			rule.Ports = engine.AnyICMP
		}
		if w.Group(g) != nil {
			must(w.AddRule(g, engine.Inbound, rule))
		}
	}
	cidr := func(a netip.Addr) engine.Peer { return engine.CIDRPeer(netip.PrefixFrom(a, a.BitLen())) }
	group := func(ro role) engine.Peer { return engine.GroupPeer(ro.groupID()) }
	everyone := func(g string, port int, desc string) {
		in(g, engine.ProtoTCP, port, engine.CIDRPeer(anyIPv4), desc)
		if p.v6 && r.chance(75) {
			in(g, engine.ProtoTCP, port, engine.CIDRPeer(anyIPv6), desc+" over IPv6")
		}
	}
	front := roleWeb
	if p.has("lb") {
		front = roleLB
		in(roleWeb.groupID(), engine.ProtoTCP, 80, group(roleLB), "from the load balancer")
	}
	everyone(front.groupID(), 443, "HTTPS from everyone")
	everyone(front.groupID(), 80, "HTTP from everyone")
	if p.hasHost(hostMonitor.ID) {
		in(front.groupID(), engine.ProtoICMP, 0, cidr(hostMonitor.IP), "pings from the monitor")
	}
	if p.v6 && (t == TrafficICMPv6 || r.chance(40)) {
		in(front.groupID(), engine.ProtoICMPv6, 0, engine.CIDRPeer(anyIPv6), "IPv6 pings")
	}
	in(roleApp.groupID(), engine.ProtoTCP, 8080, group(roleWeb), "from the web tier")
	dbClient := roleApp
	if !p.has("app") {
		dbClient = roleWeb
	}
	in(roleDB.groupID(), engine.ProtoTCP, 5432, group(dbClient), "PostgreSQL from the "+dbClient.name+" tier")
	in(roleCache.groupID(), engine.ProtoTCP, 6379, group(dbClient), "Redis from the "+dbClient.name+" tier")
	in(roleDNS.groupID(), engine.ProtoUDP, 53, engine.CIDRPeer(vpcCIDR), "DNS from the VPC")
	if r.chance(50) {
		in(roleDNS.groupID(), engine.ProtoTCP, 53, engine.CIDRPeer(vpcCIDR), "DNS over TCP from the VPC")
	}
	in(roleBastion.groupID(), engine.ProtoTCP, 22, cidr(hostLaptop.IP), "SSH from the admin's laptop")
	if p.hasHost(hostLaptop6.ID) {
		in(roleBastion.groupID(), engine.ProtoTCP, 22, cidr(hostLaptop6.IP), "SSH from the admin's laptop over IPv6")
	}
	// The database starts no connection of its own: a careful team removes
	// its outbound rule (replies still go back).
	if w.Group(roleDB.groupID()) != nil && p.level >= 2 && r.chance(40) {
		clearRules(w, roleDB.groupID(), engine.Outbound)
	}
	if p.level < 3 {
		return
	}
	// Rules a group collects over the years: near misses of the real ones.
	extras := []func(){
		func() {
			in(roleDB.groupID(), engine.ProtoTCP, 5432, engine.CIDRPeer(netip.MustParsePrefix("10.0.99.0/24")), "the old app subnet")
		},
		func() {
			in(roleApp.groupID(), engine.ProtoTCP, 8080, cidr(hostMonitor.IP), "health checks from the monitor")
		},
		func() {
			in(roleWeb.groupID(), engine.ProtoTCP, 8443, cidr(hostLaptop.IP), "admin panel from the laptop")
		},
		func() { in(roleWeb.groupID(), engine.ProtoUDP, 443, engine.CIDRPeer(anyIPv4), "HTTP/3 trial") },
		func() {
			in(roleCache.groupID(), engine.ProtoTCP, 6379, cidr(hostLaptop.IP), "debugging from the laptop")
		},
	}
	shuffle(r, extras)
	for _, f := range extras[:1+r.intn(p.level-1)] {
		f()
	}
}

// freeIPv6 is an address of an IPv6 range of the VPC that no instance has.
func freeIPv6(w *engine.World, in netip.Prefix) netip.Addr {
	a := in.Addr()
	for {
		a = a.Next()
		if !slices.ContainsFunc(w.Instances, func(i *engine.Instance) bool { return i.IPv6 == a }) {
			return a
		}
	}
}

// must stops on an error the generator can only cause through a bug: the
// worlds it builds are valid by construction, and the tests build
// thousands.
func must(err error) {
	if err != nil {
		panic("quiz: the scenario generator built an invalid world: " + err.Error())
	}
}

// withPublicIP returns a copy of w in which instance id has a public IPv4
// address, relaunched with everything else as it was.
func withPublicIP(w *engine.World, id string) *engine.World {
	i := w.Instance(id)
	if i.PublicIP.IsValid() {
		return w
	}
	c := w.Clone()
	ni := *c.Instance(id)
	ni.PublicIP = c.FreePublicIP()
	must(c.TerminateInstance(id))
	_, err := c.LaunchInstance(ni)
	must(err)
	return c
}
