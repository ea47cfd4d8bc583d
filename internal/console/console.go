// Package console names security group rules the way the AWS console's
// rule tables do: Type, Protocol, Port range, Source or Destination,
// Description. The lab's tables and rule form, the quiz's exhibits and its
// answer choices all use it, so a rule reads the same everywhere.
package console

import (
	"fmt"

	"github.com/sglab/sglab/engine"
)

// Type is one entry of the console's Type column: a name for a protocol
// and port range. The same table names existing rules and offers the
// presets of the lab's rule form, so the two never disagree.
type Type struct {
	Name     string
	Protocol engine.Protocol
	Ports    engine.PortRange
	Custom   bool // the learner types the port range (icmp: type/code)
	Number   bool // the learner types the protocol number
}

func port(p int) engine.PortRange { return engine.PortRange{Lo: p, Hi: p} }

// Types is in the rule form's order: the exam's presets first. FTP is not
// a type of the real console (a rule for port 21 is Custom TCP there); it
// is here because it is one of the exam's ports.
var Types = []Type{
	{Name: "SSH", Protocol: engine.ProtoTCP, Ports: port(22)},
	{Name: "HTTP", Protocol: engine.ProtoTCP, Ports: port(80)},
	{Name: "HTTPS", Protocol: engine.ProtoTCP, Ports: port(443)},
	{Name: "RDP", Protocol: engine.ProtoTCP, Ports: port(3389)},
	{Name: "FTP", Protocol: engine.ProtoTCP, Ports: port(21)},
	{Name: "All traffic", Protocol: engine.ProtoAll},
	{Name: "All ICMP - IPv4", Protocol: engine.ProtoICMP, Ports: engine.AnyICMP},
	{Name: "Custom TCP", Protocol: engine.ProtoTCP, Custom: true},
	{Name: "Custom UDP", Protocol: engine.ProtoUDP, Custom: true},
	{Name: "All TCP", Protocol: engine.ProtoTCP, Ports: engine.AllPorts},
	{Name: "All UDP", Protocol: engine.ProtoUDP, Ports: engine.AllPorts},
	{Name: "All ICMP - IPv6", Protocol: engine.ProtoICMPv6, Ports: engine.AnyICMP},
	{Name: "Custom ICMP - IPv4", Protocol: engine.ProtoICMP, Custom: true},
	{Name: "Custom ICMP - IPv6", Protocol: engine.ProtoICMPv6, Custom: true},
	{Name: "Custom protocol", Number: true},
	{Name: "SMTP", Protocol: engine.ProtoTCP, Ports: port(25)},
	{Name: "DNS (TCP)", Protocol: engine.ProtoTCP, Ports: port(53)},
	{Name: "DNS (UDP)", Protocol: engine.ProtoUDP, Ports: port(53)},
	{Name: "MYSQL/Aurora", Protocol: engine.ProtoTCP, Ports: port(3306)},
	{Name: "PostgreSQL", Protocol: engine.ProtoTCP, Ports: port(5432)},
}

// TypeIndex returns the Types entry that names r: the preset that matches
// exactly, else the custom entry of its protocol, else "Custom protocol".
func TypeIndex(r engine.Rule) int {
	custom, number := -1, -1
	for k, t := range Types {
		switch {
		case t.Number:
			number = k
		case t.Protocol != r.Protocol:
		case t.Custom:
			if custom < 0 {
				custom = k
			}
		case r.Protocol == engine.ProtoAll || t.Ports == r.Ports:
			return k
		}
	}
	if custom >= 0 {
		return custom
	}
	return number
}

// TypeName is the Type column for r: SSH, HTTP, All traffic, Custom TCP...
func TypeName(r engine.Rule) string { return Types[TypeIndex(r)].Name }

// ProtocolName is the Protocol column.
func ProtocolName(p engine.Protocol) string {
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

// PortRange is the Port range column: "22", "8000 - 8999", "0 - 65535",
// an icmp type or type/code, or "All".
func PortRange(p engine.Protocol, r engine.PortRange) string {
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

// Peer is the Source or Destination column: a CIDR, or a group by name.
func Peer(w *engine.World, p engine.Peer) string {
	if !p.IsGroup() {
		return p.CIDR.String()
	}
	label := p.Group
	if g := w.Group(p.Group); g != nil {
		label = g.Label()
	}
	if p.Self {
		return label + " (this group)"
	}
	return label + " (group)"
}

// Columns are the console's columns for rules of direction d.
func Columns(d engine.Direction) []string {
	peer := "Source"
	if d == engine.Outbound {
		peer = "Destination"
	}
	return []string{"Type", "Protocol", "Port range", peer, "Description"}
}

// Row is a rule's cells in the order of Columns.
func Row(w *engine.World, r engine.Rule) []string {
	return []string{TypeName(r), ProtocolName(r.Protocol), PortRange(r.Protocol, r.Ports), Peer(w, r.Peer), r.Description}
}
