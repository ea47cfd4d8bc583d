package quiz

import (
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sglab/sglab/engine"
)

// Exhibit is the world a scenario question shows: its machines, and the
// rules of each security group as the AWS console lists them. It is plain
// strings, for the TUI to style and for `sglab quiz --print` to print.
type Exhibit struct {
	Machines Table        `json:"machines"`
	Groups   []GroupRules `json:"groups"`
}

// GroupRules is one security group's two rule tables.
type GroupRules struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Inbound  Table  `json:"inbound"`
	Outbound Table  `json:"outbound"`
}

// Title names the group the way the console does: "sg-web (web)".
func (g GroupRules) Title() string {
	if g.Name == "" || g.Name == g.ID {
		return g.ID
	}
	return g.ID + " (" + g.Name + ")"
}

// Table is a header and rows of cells.
type Table struct {
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
}

// Lines renders the table as aligned plain text, two spaces between
// columns, the header first. Trailing spaces are trimmed.
func (t Table) Lines() []string {
	widths := make([]int, len(t.Columns))
	for _, row := range append([][]string{t.Columns}, t.Rows...) {
		for k, cell := range row {
			widths[k] = max(widths[k], utf8.RuneCountInString(cell))
		}
	}
	lines := make([]string, 0, len(t.Rows)+1)
	for _, row := range append([][]string{t.Columns}, t.Rows...) {
		var b strings.Builder
		for k, cell := range row {
			if k > 0 {
				b.WriteString("  ")
			}
			b.WriteString(cell)
			b.WriteString(strings.Repeat(" ", widths[k]-utf8.RuneCountInString(cell)))
		}
		lines = append(lines, strings.TrimRight(b.String(), " "))
	}
	return lines
}

// Lines renders the whole exhibit as plain text: the machines, then each
// group's inbound and outbound rules.
func (e *Exhibit) Lines() []string {
	lines := append([]string{"Machines"}, indent(e.Machines.Lines())...)
	for _, g := range e.Groups {
		for _, part := range []struct {
			dir string
			t   Table
		}{{"inbound", g.Inbound}, {"outbound", g.Outbound}} {
			lines = append(lines, "", "Security group "+g.Title()+": "+part.dir+" rules")
			if len(part.t.Rows) == 0 {
				lines = append(lines, "  (none)")
				continue
			}
			lines = append(lines, indent(part.t.Lines())...)
		}
	}
	return lines
}

func indent(lines []string) []string {
	for k, l := range lines {
		lines[k] = "  " + l
	}
	return lines
}

// NewExhibit shows world w: every instance and host, and every security
// group attached to an instance (a VPC's unused default group would only
// be noise).
func NewExhibit(w *engine.World) *Exhibit {
	e := &Exhibit{Machines: Table{Columns: []string{"Name", "Kind", "Private IP", "Public IP", "Security groups", "Listening"}}}
	for _, i := range w.Instances {
		e.Machines.Rows = append(e.Machines.Rows, []string{i.Label(), "instance", addr(i.PrivateIP),
			addr(i.PublicIP), strings.Join(i.Groups, ", "), services(i.Listening)})
	}
	for _, h := range w.Hosts {
		e.Machines.Rows = append(e.Machines.Rows, []string{h.Label(), "outside host", "-", addr(h.IP), "-", services(h.Listening)})
	}
	for _, g := range w.Groups {
		if len(w.InstancesWith(g.ID)) == 0 {
			continue
		}
		e.Groups = append(e.Groups, GroupRules{ID: g.ID, Name: g.Name,
			Inbound: RuleTable(w, g, engine.Inbound), Outbound: RuleTable(w, g, engine.Outbound)})
	}
	return e
}

func addr(a netip.Addr) string {
	if !a.IsValid() {
		return "-"
	}
	return a.String()
}

// services lists what runs on a machine: "tcp/22, tcp/80", or "-".
func services(list []engine.Service) string {
	if len(list) == 0 {
		return "-"
	}
	parts := make([]string, len(list))
	for k, s := range list {
		parts[k] = s.String()
	}
	return strings.Join(parts, ", ")
}

// RuleColumns are the console's columns for rules of direction d.
func RuleColumns(d engine.Direction) []string {
	peer := "Source"
	if d == engine.Outbound {
		peer = "Destination"
	}
	return []string{"Type", "Protocol", "Port range", peer, "Description"}
}

// RuleTable lists a group's rules of direction d as the console does.
func RuleTable(w *engine.World, g *engine.Group, d engine.Direction) Table {
	t := Table{Columns: RuleColumns(d)}
	for _, r := range g.Rules(d) {
		t.Rows = append(t.Rows, RuleRow(w, r))
	}
	return t
}

// RuleRow is one rule as the console's columns show it: Type, Protocol,
// Port range, Source (or Destination), Description.
func RuleRow(w *engine.World, r engine.Rule) []string {
	desc := r.Description
	if desc == "" {
		desc = "-"
	}
	return []string{RuleType(r), protocolName(r.Protocol), portRange(r), peerName(w, r.Peer), desc}
}

// consoleTypes are the console's names for single TCP ports. The console
// has no FTP type: a rule for port 21 shows as Custom TCP, and so it does
// here.
var consoleTypes = map[int]string{
	22: "SSH", 25: "SMTP", 53: "DNS (TCP)", 80: "HTTP", 443: "HTTPS",
	3306: "MYSQL/Aurora", 3389: "RDP", 5432: "PostgreSQL",
}

// RuleType is the console's Type column: SSH, HTTP, All traffic, Custom TCP...
func RuleType(r engine.Rule) string {
	p := r.Protocol
	switch {
	case p == engine.ProtoAll:
		return "All traffic"
	case p.HasPorts() && r.Ports == engine.AllPorts:
		return "All " + strings.ToUpper(p.String())
	case p == engine.ProtoTCP && r.Ports.Lo == r.Ports.Hi && consoleTypes[r.Ports.Lo] != "":
		return consoleTypes[r.Ports.Lo]
	case p == engine.ProtoUDP && r.Ports == engine.PortRange{Lo: 53, Hi: 53}:
		return "DNS (UDP)"
	case p.HasPorts():
		return "Custom " + strings.ToUpper(p.String())
	case p.IsICMP():
		family := "IPv4"
		if p == engine.ProtoICMPv6 {
			family = "IPv6"
		}
		if r.Ports == engine.AnyICMP {
			return "All ICMP - " + family
		}
		return "Custom ICMP - " + family
	}
	return "Custom protocol"
}

func protocolName(p engine.Protocol) string {
	switch p {
	case engine.ProtoAll:
		return "All"
	case engine.ProtoICMPv6:
		return "ICMPv6"
	}
	return strings.ToUpper(p.String())
}

// portRange is the console's Port range column: "22", "8000 - 8999", "All".
func portRange(r engine.Rule) string {
	switch {
	case r.Protocol.HasPorts() && r.Ports.Lo != r.Ports.Hi:
		return strconv.Itoa(r.Ports.Lo) + " - " + strconv.Itoa(r.Ports.Hi)
	case r.Protocol.HasPorts() || r.Protocol.IsICMP():
		return strings.ReplaceAll(r.Ports.Format(r.Protocol), "all", "All")
	}
	return "All"
}

// peerName is the Source or Destination column: a CIDR, or a group as
// "sg-web / web".
func peerName(w *engine.World, p engine.Peer) string {
	if !p.IsGroup() {
		return p.CIDR.String()
	}
	if g := w.Group(p.Group); g != nil && g.Name != "" && g.Name != g.ID {
		return g.ID + " / " + g.Name
	}
	return p.Group
}

// ruleText is a rule on one line, for a choice: "SSH, TCP, 22, source
// 203.0.113.10/32".
func ruleText(w *engine.World, d engine.Direction, r engine.Rule) string {
	peer := "source "
	if d == engine.Outbound {
		peer = "destination "
	}
	return RuleType(r) + ", " + protocolName(r.Protocol) + ", " + portRange(r) + ", " + peer + peerName(w, r.Peer)
}
