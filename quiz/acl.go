package quiz

import (
	"net/netip"
	"slices"

	"github.com/sglab/sglab/engine"
)

// Subnets and network ACLs in scenario worlds. Some worlds put each tier
// in a subnet of its own, each with the VPC's default network ACL, which
// allows everything; a question that turns on a network ACL gives the
// destination's subnet a custom ACL, as a team would write one, with one
// mistake in it: the request's port missing inbound, an address denied
// ahead of the allow, or no outbound entry for the reply to the client's
// ephemeral port.

// tierSubnet is a subnet of the world's tiers.
type tierSubnet struct {
	id    string
	cidr  netip.Prefix
	cidr6 netip.Prefix
	roles []string
}

var tierSubnets = []tierSubnet{
	{"subnet-web", netip.MustParsePrefix("10.0.1.0/24"), netip.MustParsePrefix("2600:1f18:1234:5601::/64"), []string{"lb", "web", "bastion"}},
	{"subnet-app", netip.MustParsePrefix("10.0.2.0/24"), netip.MustParsePrefix("2600:1f18:1234:5602::/64"), []string{"app", "dns"}},
	{"subnet-db", netip.MustParsePrefix("10.0.3.0/24"), netip.MustParsePrefix("2600:1f18:1234:5603::/64"), []string{"db", "cache"}},
}

// subnetFor is the subnet a role's instances are launched into.
func subnetFor(role string) tierSubnet {
	for _, s := range tierSubnets {
		for _, r := range s.roles {
			if r == role {
				return s
			}
		}
	}
	return tierSubnets[0]
}

// addSubnets creates the tiers' subnets, with IPv6 ranges when the VPC
// has one.
func addSubnets(w *engine.World, v6 bool) {
	for _, s := range tierSubnets {
		sn := engine.Subnet{ID: s.id, VPC: vpcID, CIDR: s.cidr}
		if v6 {
			sn.IPv6CIDR = s.cidr6
		}
		_, err := w.CreateSubnet(sn)
		must(err)
	}
}

// isACL reports whether a cause is a network ACL's.
func isACL(c Cause) bool { return c == CauseACLInbound || c == CauseACLReply }

// The ACL mistakes a question can turn on.
const (
	aclPortMissing    = iota // inbound allows other ports, not the request's
	aclDenyFirst             // a deny for the client, numbered before the allow
	aclMirrorReply           // outbound allows the request's port instead of the client's
	aclNarrowReply           // outbound allows 49152-65535; a Linux client uses 32768
	aclNoICMPOutbound        // outbound has no ICMP entry for the echo reply
)

// stageACL gives the destination's subnet a custom network ACL that lets
// connection c through both ways, checks with the engine that it does,
// then makes the one mistake cause stands for. It is false when c does
// not cross into a subnet of the world, or the mistake cannot be made.
func stageACL(w *engine.World, r *rng, cause Cause, c candidate) (*engine.World, bool) {
	dst := c.res.To.Instance
	if c.res.Reason != engine.Allowed || dst == nil || len(w.Subnets) == 0 {
		return nil, false
	}
	sub := w.SubnetOf(dst)
	if sub == nil {
		return nil, false
	}
	src, v6 := c.res.SrcAddr, c.res.SrcAddr.Is6()
	every := anyIPv4
	if v6 {
		every = anyIPv6
	}
	// Who may send the request: everyone on a public path, the VPC on a
	// private one.
	from := every
	if c.res.Private {
		from = vpcCIDR
		if v6 {
			from = vpcCIDR6
		}
	}
	port := engine.PortRange{Lo: c.conn.Port, Hi: c.conn.Port}
	ephemeral := engine.PortRange{Lo: 1024, Hi: 65535}
	if c.conn.Protocol.IsICMP() {
		port, ephemeral = engine.AnyICMP, engine.AnyICMP
	}
	https := engine.PortRange{Lo: 443, Hi: 443}
	entry := func(n int, a engine.ACLAction, p engine.Protocol, pr engine.PortRange, cidr netip.Prefix) engine.ACLEntry {
		return engine.ACLEntry{Rule: n, Action: a, Protocol: p, Ports: pr, CIDR: cidr}
	}
	// Besides the request's own, an entry the team needed for something
	// else, which the question's connection must not lean on.
	other := https
	if c.conn.Protocol == engine.ProtoTCP && c.conn.Port == 443 {
		other = engine.PortRange{Lo: 80, Hi: 80}
	}
	in := []engine.ACLEntry{entry(100, engine.Allow, c.conn.Protocol, port, from), entry(110, engine.Allow, engine.ProtoTCP, other, every)}
	out := []engine.ACLEntry{entry(100, engine.Allow, c.conn.Protocol, ephemeral, every), entry(120, engine.Allow, engine.ProtoTCP, https, anyIPv4)}

	var mistakes []int
	switch cause {
	case CauseACLInbound:
		mistakes = []int{aclPortMissing}
		if c.res.From.Host != nil {
			mistakes = append(mistakes, aclDenyFirst)
		}
	case CauseACLReply:
		switch {
		case c.conn.Protocol.IsICMP():
			mistakes = []int{aclNoICMPOutbound}
		case c.res.SourcePort() < 49152:
			mistakes = []int{aclMirrorReply, aclNarrowReply}
		default:
			mistakes = []int{aclMirrorReply}
		}
	}
	good := w.Clone()
	name := "acl-" + sub.ID[len("subnet-"):]
	if _, err := good.CreateNetworkACL(engine.NetworkACL{ID: name, Name: name, VPC: vpcID, Inbound: in, Outbound: out}); err != nil {
		return nil, false
	}
	must(good.AssociateACL(sub.ID, name))
	if engine.Evaluate(good, c.conn).Reason != engine.Allowed {
		return nil, false
	}
	bad := good.Clone()
	switch pick(r, mistakes) {
	case aclPortMissing:
		must(bad.DeleteACLEntry(name, engine.Inbound, 100))
	case aclDenyFirst:
		must(bad.AddACLEntry(name, engine.Inbound, entry(90, engine.Deny, engine.ProtoAll, engine.PortRange{}, netip.PrefixFrom(src, src.BitLen()))))
	case aclMirrorReply:
		must(bad.ReplaceACLEntry(name, engine.Outbound, entry(100, engine.Allow, c.conn.Protocol, port, every)))
	case aclNarrowReply:
		must(bad.ReplaceACLEntry(name, engine.Outbound, entry(100, engine.Allow, c.conn.Protocol, engine.PortRange{Lo: 49152, Hi: 65535}, every)))
	case aclNoICMPOutbound:
		must(bad.DeleteACLEntry(name, engine.Outbound, 100))
	}
	return bad, true
}

// aclReplyFixes are the key, the entries that work but open more, and the
// mistakes, for a reply that the destination subnet's network ACL drops
// on its way out. The key is what AWS suggests for replies to every kind
// of client: tcp or udp to ports 1024-65535. The mistakes are a security
// group rule (stateful, so it changes nothing), the entry inbound, the
// request's port instead of the client's, and, for a Linux client, only
// the range Windows uses.
func aclReplyFixes(s *situation) (key Fix, wider, wrong []Fix) {
	res, c := s.res, s.conn
	d, _ := res.Dropped()
	a := s.w.NetworkACL(d.ACL)
	every := anyIPv4
	if res.SrcAddr.Is6() {
		every = anyIPv6
	}
	entry := func(dir engine.Direction, p engine.Protocol, pr engine.PortRange) Fix {
		return Fix{ACL: a.ID, Direction: dir, Entry: engine.ACLEntry{Rule: freeRule(a, dir), Action: engine.Allow, Protocol: p, Ports: pr, CIDR: every}}
	}
	ephemeral := engine.PortRange{Lo: 1024, Hi: 65535}
	key = entry(engine.Outbound, c.Protocol, ephemeral)
	wider = []Fix{entry(engine.Outbound, engine.ProtoAll, engine.PortRange{}), entry(engine.Outbound, c.Protocol, engine.AllPorts)}
	wrong = []Fix{
		{Group: res.To.Instance.Groups[0], Direction: engine.Outbound, Rule: engine.Rule{Protocol: c.Protocol, Ports: ephemeral, Peer: engine.CIDRPeer(every)}},
		entry(engine.Inbound, c.Protocol, ephemeral),
		entry(engine.Outbound, c.Protocol, engine.PortRange{Lo: c.Port, Hi: c.Port}),
	}
	if res.SourcePort() < 49152 {
		wrong = append(wrong, entry(engine.Outbound, c.Protocol, engine.PortRange{Lo: 49152, Hi: 65535}))
	}
	// An entry the ACL has already, under another number, is no choice.
	wrong = slices.DeleteFunc(wrong, func(f Fix) bool {
		return f.ACL != "" && slices.ContainsFunc(a.Entries(f.Direction), func(e engine.ACLEntry) bool {
			e.Rule = f.Entry.Rule
			return e == f.Entry
		})
	})
	return key, wider, wrong
}

// freeRule is a rule number between the ACL's entries of direction d
// that none has: 110, else the next free ten.
func freeRule(a *engine.NetworkACL, d engine.Direction) int {
	n := 110
	for {
		if _, taken := a.Entry(d, n); !taken {
			return n
		}
		n += 10
	}
}
