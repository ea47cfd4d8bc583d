package lab

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/internal/console"
	"github.com/sglab/sglab/tui/common"
)

// The details of a network ACL and of a subnet. An ACL's entries show as
// the AWS console lists them: by rule number, each with its Type,
// Protocol, Port range, Source (inbound) or Destination (outbound) and
// Allow/Deny, and last the `*` rule that denies whatever no entry
// matched. The learner adds, edits and deletes entries there; a subnet's
// details change which ACL it is associated with.

// aclColumns are the console's columns for the entries of direction d.
func aclColumns(d engine.Direction) []string {
	peer := "Source"
	if d == engine.Outbound {
		peer = "Destination"
	}
	return []string{"Rule #", "Type", "Protocol", "Port range", peer, "Allow/Deny"}
}

// aclRow is an entry's cells in the order of aclColumns.
func aclRow(e engine.ACLEntry) []string {
	r := engine.Rule{Protocol: e.Protocol, Ports: e.Ports}
	return []string{strconv.Itoa(e.Rule), console.TypeName(r), console.ProtocolName(e.Protocol),
		console.PortRange(e.Protocol, e.Ports), e.CIDR.String(), capital(e.Action.String())}
}

// starRows are the `*` rule's rows: it denies all IPv4 traffic, and all
// IPv6 traffic in a VPC with an IPv6 range.
func starRows(v *engine.VPC) [][]string {
	rows := [][]string{{"*", "All traffic", "All", "All", "0.0.0.0/0", "Deny"}}
	if v != nil && v.IPv6CIDR.IsValid() {
		rows = append(rows, []string{"*", "All traffic", "All", "All", "::/0", "Deny"})
	}
	return rows
}

// entryText says what an entry does, for the status line and undo:
// "allow HTTPS, TCP 443, from 0.0.0.0/0".
func entryText(e engine.ACLEntry, d engine.Direction) string {
	r := engine.Rule{Protocol: e.Protocol, Ports: e.Ports}
	what := console.TypeName(r)
	if e.Protocol != engine.ProtoAll {
		what += ", " + console.ProtocolName(e.Protocol) + " " + console.PortRange(e.Protocol, e.Ports)
	}
	prep := "from"
	if d == engine.Outbound {
		prep = "to"
	}
	return fmt.Sprintf("%s %s, %s %s", e.Action, what, prep, e.CIDR)
}

// aclRows are the selectable rows of an ACL's details: its entries in
// rule order, then the row that adds one, in each direction.
func aclRows(rows []ruleRow, a *engine.NetworkACL) []ruleRow {
	for _, dir := range []engine.Direction{engine.Inbound, engine.Outbound} {
		for k := range a.Entries(dir) {
			rows = append(rows, ruleRow{dir, k})
		}
		rows = append(rows, ruleRow{dir, -1})
	}
	return rows
}

// acl is the shown network ACL, or nil.
func (d *detailPane) acl() *engine.NetworkACL {
	if d.sel.kind != kindACL {
		return nil
	}
	return d.env.w.NetworkACL(d.sel.id)
}

// entryAt is the entry of the cursor's row, when it is on one.
func (d *detailPane) entryAt() (engine.Direction, engine.ACLEntry, bool) {
	a := d.acl()
	if a == nil || len(d.rows) == 0 || d.rows[d.cursor].index < 0 {
		return engine.Inbound, engine.ACLEntry{}, false
	}
	r := d.rows[d.cursor]
	return r.dir, a.Sorted(r.dir)[r.index], true
}

// networkKey handles the details' keys on an ACL or a subnet.
func (d *detailPane) networkKey(km tea.KeyMsg) tea.Cmd {
	if d.sel.kind == kindSubnet {
		if key.Matches(km, d.keys.Edit) {
			return openForm(associateForm(d.env, d.sel.id))
		}
		return nil
	}
	a := d.acl()
	if a == nil || len(d.rows) == 0 {
		return nil
	}
	dir, e, onEntry := d.entryAt()
	switch {
	case key.Matches(km, d.keys.Add):
		return openForm(aclEntryForm(d.env, a.ID, d.rows[d.cursor].dir, nil))
	case onEntry && key.Matches(km, d.keys.Edit):
		return openForm(aclEntryForm(d.env, a.ID, dir, &e))
	case onEntry && key.Matches(km, d.keys.Delete):
		id := a.ID
		return change(func(w *engine.World) (done, error) {
			name, what := aclLabel(w, id), entryText(e, dir)
			return done{status: fmt.Sprintf("Deleted %s rule %d of %s (%s)", dir, e.Rule, name, what),
				undo: fmt.Sprintf("%s has %s rule %d again (%s)", name, dir, e.Rule, what),
				redo: fmt.Sprintf("%s no longer has %s rule %d", name, dir, e.Rule)}, w.DeleteACLEntry(id, dir, e.Rule)
		})
	}
	return nil
}

// syncNetworkKeys names the details' keys for an ACL (entries) or a
// subnet (its association).
func (d *detailPane) syncNetworkKeys() {
	k := &d.keys
	if d.sel.kind == kindSubnet {
		k.Add.SetEnabled(false)
		k.Delete.SetEnabled(false)
		k.Edit.SetEnabled(d.env.w.Subnet(d.sel.id) != nil)
		k.Edit.SetHelp("enter/e", "change network ACL")
		return
	}
	_, _, onEntry := d.entryAt()
	has := d.acl() != nil
	k.Add.SetEnabled(has)
	k.Edit.SetEnabled(onEntry)
	k.Delete.SetEnabled(onEntry)
	k.Edit.SetHelp("enter/e", "edit entry")
	k.Delete.SetHelp("x", "delete entry")
	if has && !onEntry {
		k.Add.SetKeys("a", "enter")
		k.Add.SetHelp("a/enter", "add entry")
	} else {
		k.Add.SetKeys("a")
		k.Add.SetHelp("a", "add entry")
	}
}

// aclContent is an ACL's details: what it guards, then its inbound and
// outbound entries as the console's tables.
func (d *detailPane) aclContent(a *engine.NetworkACL) ([]string, int) {
	st, w := d.env.st, d.env.w
	id := safe(a.ID) + " · "
	if a.Label() == a.ID {
		id = ""
	}
	kind := ""
	if a.Name == engine.DefaultGroupName {
		kind = "the VPC's default network ACL · "
	}
	lines := d.wrap(st.Heading.Render(aclName(a)) + st.Muted.Render("  "+id+safe(a.VPC)+" · "+kind+"associated with "+guards(w, a)))
	lines = append(lines, d.wrap(st.Faint.Render("Stateless: the reply is judged too, by the other direction's entries. The lowest rule number that matches decides."))...)
	v := w.VPC(a.VPC)
	var headers, cells [][]string
	for _, dir := range []engine.Direction{engine.Inbound, engine.Outbound} {
		headers = append(headers, aclColumns(dir))
		for _, e := range a.Sorted(dir) {
			cells = append(cells, aclRow(e))
		}
	}
	cells = append(cells, starRows(v)...)
	tab := newTable(d.env.ctx, d.width-2, headers, cells...)
	cursorLine, k := -1, 0
	for _, dir := range []engine.Direction{engine.Inbound, engine.Outbound} {
		entries := a.Sorted(dir)
		cols := aclColumns(dir)
		lines = append(lines, "", st.Heading.Render(fmt.Sprintf("%s rules (%d)", capital(dir.String()), len(entries))))
		for _, l := range tab.header(cols) {
			lines = append(lines, "  "+st.Faint.Render(l))
		}
		// The entries and the add row are selectable; the * rule, between
		// them as the console lists it, is not.
		row := func(cells []string) {
			if k == d.cursor {
				cursorLine = len(lines)
			}
			lines = append(lines, selectable(st, cells, k == d.cursor, d.width)...)
			k++
		}
		for _, e := range entries {
			row(tab.row(cols, d.styledRow(aclRow(e))))
		}
		for _, star := range starRows(v) {
			for _, l := range tab.row(cols, star) {
				lines = append(lines, "  "+st.Muted.Render(l))
			}
		}
		add := fmt.Sprintf("+ Add %s entry", dir)
		if len(entries) == 0 {
			add = fmt.Sprintf("No %s entries: the * rule denies everything %s. + Add %s entry", dir, way(dir), dir)
		}
		row(common.Wrap(st.Accent.Render(add), d.width-2))
	}
	return lines, cursorLine
}

// subnetContent is a subnet's details: its range, its ACL and the
// instances in it.
func (d *detailPane) subnetContent(s *engine.Subnet) []string {
	st, w := d.env.st, d.env.w
	a := w.ACLOf(s.VPC, s)
	var in []string
	for _, i := range w.Instances {
		if w.SubnetOf(i) == s {
			in = append(in, safe(i.Label()))
		}
	}
	ranges := s.CIDR.String()
	if s.IPv6CIDR.IsValid() {
		ranges += " · " + s.IPv6CIDR.String()
	}
	id := safe(s.ID) + " · "
	if s.Label() == s.ID {
		id = ""
	}
	aclLine := st.Muted.Render("Network ACL: ") + aclName(a)
	if a != nil {
		aclLine += st.Muted.Render(" (" + entryCount(len(a.Inbound), engine.Inbound) + ", " + entryCount(len(a.Outbound), engine.Outbound) + ")")
	}
	var lines []string
	for _, text := range []string{
		st.Heading.Render(safe(s.Label())) + st.Muted.Render("  "+id+ranges+" · "+safe(s.VPC)),
		aclLine,
		st.Muted.Render("Instances in it: ") + orNothing(strings.Join(in, ", ")),
		"",
		st.Faint.Render("The network ACL judges every packet that enters or leaves this subnet, never traffic between two of its instances. e associates another ACL."),
	} {
		lines = append(lines, d.wrap(text)...)
	}
	return lines
}

// styledRow colours an entry's Allow or Deny; the word says it without
// colour.
func (d *detailPane) styledRow(cells []string) []string {
	last := len(cells) - 1
	if cells[last] == "Allow" {
		cells[last] = d.env.st.OK.Render(cells[last])
	} else {
		cells[last] = d.env.st.Error.Render(cells[last])
	}
	return cells
}
