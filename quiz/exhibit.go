package quiz

import (
	"net/netip"
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
		var groups []string
		for _, g := range w.GroupsOf(i) {
			groups = append(groups, g.Label())
		}
		e.Machines.Rows = append(e.Machines.Rows, []string{i.Label(), "instance", addr(i.PrivateIP),
			addr(i.PublicIP), strings.Join(groups, ", "), services(i.Listening)})
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
