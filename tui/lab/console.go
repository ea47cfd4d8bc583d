package lab

import (
	"fmt"
	"net/netip"

	"github.com/sglab/sglab/engine"
)

// ruleType is one entry of the AWS console's Type column: a name for a
// protocol and port range. The same table names existing rules and offers
// the presets of the rule form, so the two never disagree.
type ruleType struct {
	name   string
	proto  engine.Protocol
	ports  engine.PortRange
	custom bool // the learner types the port range (icmp: type/code)
	number bool // the learner types the protocol number
}

func port(p int) engine.PortRange { return engine.PortRange{Lo: p, Hi: p} }

// ruleTypes is in the form's order: the exam's presets first.
var ruleTypes = []ruleType{
	{name: "SSH", proto: engine.ProtoTCP, ports: port(22)},
	{name: "HTTP", proto: engine.ProtoTCP, ports: port(80)},
	{name: "HTTPS", proto: engine.ProtoTCP, ports: port(443)},
	{name: "RDP", proto: engine.ProtoTCP, ports: port(3389)},
	{name: "FTP", proto: engine.ProtoTCP, ports: port(21)},
	{name: "All traffic", proto: engine.ProtoAll},
	{name: "All ICMP - IPv4", proto: engine.ProtoICMP, ports: engine.AnyICMP},
	{name: "Custom TCP", proto: engine.ProtoTCP, custom: true},
	{name: "Custom UDP", proto: engine.ProtoUDP, custom: true},
	{name: "All TCP", proto: engine.ProtoTCP, ports: engine.AllPorts},
	{name: "All UDP", proto: engine.ProtoUDP, ports: engine.AllPorts},
	{name: "All ICMP - IPv6", proto: engine.ProtoICMPv6, ports: engine.AnyICMP},
	{name: "Custom ICMP - IPv4", proto: engine.ProtoICMP, custom: true},
	{name: "Custom ICMP - IPv6", proto: engine.ProtoICMPv6, custom: true},
	{name: "Custom protocol", number: true},
	{name: "SMTP", proto: engine.ProtoTCP, ports: port(25)},
	{name: "DNS (TCP)", proto: engine.ProtoTCP, ports: port(53)},
	{name: "DNS (UDP)", proto: engine.ProtoUDP, ports: port(53)},
	{name: "MYSQL/Aurora", proto: engine.ProtoTCP, ports: port(3306)},
	{name: "PostgreSQL", proto: engine.ProtoTCP, ports: port(5432)},
}

// typeIndex returns the ruleTypes entry that names r: the preset that
// matches exactly, else the custom entry of its protocol, else "Custom
// protocol".
func typeIndex(r engine.Rule) int {
	custom, number := -1, -1
	for k, t := range ruleTypes {
		switch {
		case t.number:
			number = k
		case t.proto != r.Protocol:
		case t.custom:
			if custom < 0 {
				custom = k
			}
		case r.Protocol == engine.ProtoAll || t.ports == r.Ports:
			return k
		}
	}
	if custom >= 0 {
		return custom
	}
	return number
}

// typeName is what the console's Type column says for r.
func typeName(r engine.Rule) string { return ruleTypes[typeIndex(r)].name }

// protoName is the console's Protocol column.
func protoName(p engine.Protocol) string {
	switch p {
	case engine.ProtoAll:
		return "All"
	case engine.ProtoTCP:
		return "TCP"
	case engine.ProtoUDP:
		return "UDP"
	case engine.ProtoICMP:
		return "ICMP"
	case engine.ProtoICMPv6:
		return "IPv6 ICMP"
	}
	return p.String()
}

// portsName is the console's Port range column.
func portsName(p engine.Protocol, r engine.PortRange) string {
	switch {
	case p.HasPorts() && r == engine.AllPorts:
		return "0 - 65535"
	case p.HasPorts() && r.Lo != r.Hi:
		return fmt.Sprintf("%d - %d", r.Lo, r.Hi)
	case p.HasPorts(), p.IsICMP() && r != engine.AnyICMP:
		return r.Format(p)
	}
	return "All"
}

// peerName is the console's Source or Destination column: a CIDR, or a
// group by name.
func peerName(w *engine.World, p engine.Peer) string {
	if !p.IsGroup() {
		return p.CIDR.String()
	}
	label := groupLabel(w, p.Group)
	if p.Self {
		return label + " (this group)"
	}
	return label + " (group)"
}

// groupLabel names a group by its name, or by id when it is gone.
func groupLabel(w *engine.World, id string) string {
	if g := w.Group(id); g != nil {
		return g.Label()
	}
	return id
}

// machineLabel names an instance or a host, or says id when it is gone.
func machineLabel(w *engine.World, id string) string {
	if e, ok := w.Endpoint(id); ok && (e.Instance != nil || e.Host != nil) {
		return e.Label()
	}
	return id
}

// ruleCells are a rule's cells in the console's column order.
func ruleCells(w *engine.World, r engine.Rule) []string {
	return []string{typeName(r), protoName(r.Protocol), portsName(r.Protocol, r.Ports), peerName(w, r.Peer), r.Description}
}

// ruleHeaders are the console's columns for direction d.
func ruleHeaders(d engine.Direction) []string {
	peer := "Source"
	if d == engine.Outbound {
		peer = "Destination"
	}
	return []string{"Type", "Protocol", "Port range", peer, "Description"}
}

// myIP is the address the console's "My IP" means: the learner's own
// computer, the host named "your computer", as a /32. It is invalid when
// the world has no such host.
func myIP(w *engine.World) netip.Prefix {
	if h := w.Host(yourComputer); h != nil {
		return netip.PrefixFrom(h.IP, h.IP.BitLen())
	}
	return netip.Prefix{}
}
