package quiz

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/internal/console"
)

// Exhibit is the world a scenario question shows: its machines, and the
// rules of each security group as the AWS console lists them. It is plain
// strings, for the TUI to style and for `sglab quiz --print` to print.
type Exhibit struct {
	Machines Table        `json:"machines"`
	Groups   []GroupRules `json:"groups"`
	// ACLs are the network ACLs of the subnets the instances are in, when
	// the world has subnets.
	ACLs []ACLRules `json:"acls,omitempty"`
}

// ACLRules is one network ACL's two entry tables, in rule order, each
// ending with the * rule, as the console lists them, and the subnets it
// guards with the instances in each.
type ACLRules struct {
	ID       string         `json:"id"`
	Name     string         `json:"name"`
	Subnets  []SubnetMember `json:"subnets"`
	Inbound  Table          `json:"inbound"`
	Outbound Table          `json:"outbound"`
}

// SubnetMember is a subnet and the instances in it.
type SubnetMember struct {
	Subnet    string   `json:"subnet"`
	CIDR      string   `json:"cidr"`
	Instances []string `json:"instances"`
}

// Title names the ACL: by its name, as the console shows the default one,
// else by its id.
func (a ACLRules) Title() string {
	if a.Name != "" {
		return a.Name
	}
	return a.ID
}

// Guards says what the ACL guards: "on subnet-web (10.0.1.0/24): web-1,
// lb-1; subnet-app (10.0.2.0/24): app-1".
func (a ACLRules) Guards() string {
	parts := make([]string, len(a.Subnets))
	for k, s := range a.Subnets {
		parts[k] = s.Subnet + " (" + s.CIDR + "): " + strings.Join(s.Instances, ", ")
	}
	return "on " + strings.Join(parts, "; ")
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
	for _, a := range e.ACLs {
		for _, part := range []struct {
			dir string
			t   Table
		}{{"inbound", a.Inbound}, {"outbound", a.Outbound}} {
			lines = append(lines, "", "Network ACL "+a.Title()+": "+part.dir+" rules", "  "+a.Guards())
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
	// The network ACLs, where the world has subnets, each with the subnets
	// it guards and who is in them (a column more in the machines table
	// would not fit beside the question).
	var acls []*engine.NetworkACL
	guards := map[*engine.NetworkACL][]SubnetMember{}
	for _, i := range w.Instances {
		var groups []string
		for _, g := range w.GroupsOf(i) {
			groups = append(groups, g.Label())
		}
		e.Machines.Rows = append(e.Machines.Rows, []string{i.Label(), "instance", addr(i.PrivateIP), addr(i.PublicIP), strings.Join(groups, ", "), services(i.Listening)})
		sn := w.SubnetOf(i)
		if sn == nil {
			continue
		}
		a := w.ACLOf(sn.VPC, sn)
		if _, seen := guards[a]; !seen {
			acls = append(acls, a)
		}
		k := slices.IndexFunc(guards[a], func(m SubnetMember) bool { return m.Subnet == sn.Label() })
		if k < 0 {
			guards[a] = append(guards[a], SubnetMember{Subnet: sn.Label(), CIDR: sn.CIDR.String()})
			k = len(guards[a]) - 1
		}
		guards[a][k].Instances = append(guards[a][k].Instances, i.Label())
	}
	for _, h := range w.Hosts {
		e.Machines.Rows = append(e.Machines.Rows, []string{h.Label(), "outside host", "-", addr(h.IP), "-", services(h.Listening)})
	}
	for _, a := range acls {
		e.ACLs = append(e.ACLs, ACLRules{ID: a.ID, Name: a.Name, Subnets: guards[a],
			Inbound: ACLTable(w, a, engine.Inbound), Outbound: ACLTable(w, a, engine.Outbound)})
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

// RuleTable lists a group's rules of direction d as the console does, with
// "-" for an empty description so that every row has five cells of text.
func RuleTable(w *engine.World, g *engine.Group, d engine.Direction) Table {
	t := Table{Columns: console.Columns(d)}
	for _, r := range g.Rules(d) {
		row := console.Row(w, r)
		if row[4] == "" {
			row[4] = "-"
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// ruleText is a rule on one line, for a choice: "SSH, TCP, 22, source
// 203.0.113.10/32".
func ruleText(w *engine.World, d engine.Direction, r engine.Rule) string {
	row := console.Row(w, r)
	return row[0] + ", " + row[1] + ", " + row[2] + ", " + strings.ToLower(console.Columns(d)[3]) + " " + row[3]
}

// ACLTable lists a network ACL's entries of direction d as the console
// does: in rule order, then the * rules that deny the rest (the IPv6 one
// in a VPC with IPv6).
func ACLTable(w *engine.World, a *engine.NetworkACL, d engine.Direction) Table {
	peer := "Source"
	if d == engine.Outbound {
		peer = "Destination"
	}
	t := Table{Columns: []string{"Rule #", "Type", "Protocol", "Port range", peer, "Allow/Deny"}}
	for _, e := range a.Sorted(d) {
		r := engine.Rule{Protocol: e.Protocol, Ports: e.Ports, Peer: engine.CIDRPeer(e.CIDR)}
		typ := console.TypeName(r)
		if e.Protocol == engine.ProtoAll && e.CIDR.Addr().Is6() {
			typ = "All IPv6 traffic" // as the console names the default ACL's rule 101
		}
		t.Rows = append(t.Rows, []string{strconv.Itoa(e.Rule), typ, console.ProtocolName(e.Protocol),
			console.PortRange(e.Protocol, e.Ports), e.CIDR.String(), strings.ToUpper(e.Action.String())})
	}
	t.Rows = append(t.Rows, []string{"*", "All traffic", "All", "All", "0.0.0.0/0", "DENY"})
	if v := w.VPC(a.VPC); v != nil && v.IPv6CIDR.IsValid() {
		t.Rows = append(t.Rows, []string{"*", "All IPv6 traffic", "All", "All", "::/0", "DENY"})
	}
	return t
}

// entryText is an entry on one line, for a choice or an explanation:
// "allow tcp 80 from 0.0.0.0/0".
func entryText(e engine.ACLEntry, d engine.Direction) string {
	what := "all traffic"
	if e.Protocol != engine.ProtoAll {
		what = strings.ToLower(console.ProtocolName(e.Protocol))
		if e.Protocol.HasPorts() || (e.Protocol.IsICMP() && e.Ports != engine.AnyICMP) {
			what += " " + e.Ports.Format(e.Protocol)
		}
	}
	prep := "from"
	if d == engine.Outbound {
		prep = "to"
	}
	return e.Action.String() + " " + what + " " + prep + " " + e.CIDR.String()
}
