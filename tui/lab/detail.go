package lab

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/internal/console"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/theme"
)

// detailPane shows what the world tree has selected. For a security group
// it shows the inbound and outbound rules as the AWS console lays them out
// and lets the learner add, edit and delete them; for an instance, the
// rules of all its groups merged, which is what AWS applies.
type detailPane struct {
	env           *env
	sel           ref
	rows          []ruleRow // a group's selectable rows
	cursor, top   int
	width, height int
	keys          detailKeys
	lines         []string // the last render, for scrolling
	cursorLine    int      // the line the cursor is on in lines
	madeFor       madeFor  // what lines and cursorLine were made for
}

// madeFor is what the pane's content depends on: the world (which the lab
// never changes once shown), the selection, the width and the cursor. The
// content is made again only when one of them changes, however many
// times the lab asks for it between two keys.
type madeFor struct {
	w             *engine.World
	sel           ref
	width, cursor int
}

// ruleRow is a rule of the shown group, or (index -1) the row that adds
// one in its direction.
type ruleRow struct {
	dir   engine.Direction
	index int
}

type detailKeys struct {
	Up, Down, Add, Edit, Delete key.Binding
}

func newDetail(e *env) *detailPane {
	mk := newMoveKeys()
	return &detailPane{env: e, keys: detailKeys{
		Up: mk.Up, Down: mk.Down,
		Add:    bind([]string{"a"}, "a", "add rule"),
		Edit:   bind([]string{"enter", "e"}, "enter/e", "edit rule"),
		Delete: bind([]string{"x", "delete"}, "x", "delete rule"),
	}}
}

func (d *detailPane) Init() tea.Cmd { return nil }

func (d *detailPane) SetSize(w, h int) { d.width, d.height = w, h }

// show follows the tree's selection.
func (d *detailPane) show(sel ref) {
	if sel != d.sel {
		d.sel, d.cursor, d.top = sel, 0, 0
	}
	d.refresh()
}

// refresh keeps the cursor on a row that still exists.
func (d *detailPane) refresh() {
	d.rows = d.rows[:0]
	if a := d.acl(); a != nil {
		d.rows = aclRows(d.rows, a)
	}
	if g := d.group(); g != nil {
		for _, dir := range []engine.Direction{engine.Inbound, engine.Outbound} {
			for k := range g.Rules(dir) {
				d.rows = append(d.rows, ruleRow{dir, k})
			}
			d.rows = append(d.rows, ruleRow{dir, -1})
		}
	}
	d.cursor = max(min(d.cursor, len(d.rows)-1), 0)
}

// group is the shown group, or nil when the selection is not a group.
func (d *detailPane) group() *engine.Group {
	if d.sel.kind != kindGroup {
		return nil
	}
	return d.env.w.Group(d.sel.id)
}

func (d *detailPane) title() string {
	w := d.env.w
	switch d.sel.kind {
	case kindGroup:
		if g := w.Group(d.sel.id); g != nil {
			return "Security group " + safe(g.Label())
		}
	case kindInstance:
		if i := w.Instance(d.sel.id); i != nil {
			return "Instance " + safe(i.Label())
		}
	case kindHost:
		if h := w.Host(d.sel.id); h != nil {
			return safe(h.Label())
		}
	case kindVPC:
		return "VPC " + safe(d.sel.id)
	case kindSubnet:
		if s := w.Subnet(d.sel.id); s != nil {
			return "Subnet " + safe(s.Label())
		}
	case kindACL:
		if a := w.NetworkACL(d.sel.id); a != nil {
			return "Network ACL " + aclName(a)
		}
	}
	return "Details"
}

func (d *detailPane) summary() string {
	w := d.env.w
	switch d.sel.kind {
	case kindGroup:
		if g := w.Group(d.sel.id); g != nil {
			return fmt.Sprintf("%s inbound, %s outbound", plural(len(g.Inbound), "rule"), plural(len(g.Outbound), "rule"))
		}
	case kindInstance:
		if i := w.Instance(d.sel.id); i != nil {
			return fmt.Sprintf("%s · running %s", plural(len(i.Groups), "group"), services(i.Listening))
		}
	case kindHost:
		if h := w.Host(d.sel.id); h != nil {
			return h.IP.String() + " · running " + services(h.Listening)
		}
	case kindVPC:
		if v := w.VPC(d.sel.id); v != nil {
			return vpcRanges(v) + " · " + safe(w.RegionOf(v))
		}
	case kindSubnet:
		if s := w.Subnet(d.sel.id); s != nil {
			return subnetInfo(w, s)
		}
	case kindACL:
		if a := w.NetworkACL(d.sel.id); a != nil {
			return entryCount(len(a.Inbound), engine.Inbound) + ", " + entryCount(len(a.Outbound), engine.Outbound) + " · " + guards(w, a)
		}
	}
	return ""
}

func (d *detailPane) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return d, nil
	}
	d.syncKeys()
	g := d.group()
	switch {
	case key.Matches(km, d.keys.Up):
		if len(d.rows) > 0 {
			d.cursor = max(d.cursor-1, 0)
		} else {
			d.top = max(d.top-1, 0)
		}
	case key.Matches(km, d.keys.Down):
		if len(d.rows) > 0 {
			d.cursor = min(d.cursor+1, len(d.rows)-1)
		} else {
			d.top = max(min(d.top+1, len(d.lines)-d.height), 0)
		}
	case d.sel.kind == kindACL || d.sel.kind == kindSubnet:
		return d, d.networkKey(km)
	case g == nil:
	case key.Matches(km, d.keys.Add):
		return d, openForm(ruleForm(d.env, g.ID, d.rows[d.cursor].dir, -1))
	case key.Matches(km, d.keys.Edit):
		r := d.rows[d.cursor]
		return d, openForm(ruleForm(d.env, g.ID, r.dir, r.index))
	case key.Matches(km, d.keys.Delete):
		r, id := d.rows[d.cursor], g.ID
		return d, change(func(w *engine.World) (done, error) {
			what, name := ruleText(d.env.ctx, w, r.dir, w.Group(id).Rules(r.dir)[r.index]), groupLabel(w, id)
			return done{status: fmt.Sprintf("Deleted the %s rule %s from %s", r.dir, what, name),
				undo: fmt.Sprintf("%s has the %s rule %s again", name, r.dir, what),
				redo: fmt.Sprintf("%s no longer has the %s rule %s", name, r.dir, what)}, w.RemoveRule(id, r.dir, r.index)
		})
	}
	return d, nil
}

// syncKeys enables what the cursor's row allows: on a rule, edit and
// delete; on a "+ Add" row, enter adds.
func (d *detailPane) syncKeys() {
	if d.sel.kind == kindACL || d.sel.kind == kindSubnet {
		d.syncNetworkKeys()
		return
	}
	d.keys.Add.SetHelp("a", "add rule")
	d.keys.Edit.SetHelp("enter/e", "edit rule")
	d.keys.Delete.SetHelp("x", "delete rule")
	isGroup := d.group() != nil
	onRule := isGroup && len(d.rows) > 0 && d.rows[d.cursor].index >= 0
	d.keys.Add.SetEnabled(isGroup)
	d.keys.Edit.SetEnabled(onRule)
	d.keys.Delete.SetEnabled(onRule)
	if isGroup && !onRule {
		d.keys.Add.SetKeys("a", "enter")
		d.keys.Add.SetHelp("a/enter", "add rule")
	} else {
		d.keys.Add.SetKeys("a")
		d.keys.Add.SetHelp("a", "add rule")
	}
}

func (d *detailPane) ShortHelp() []key.Binding {
	d.syncKeys()
	return []key.Binding{d.keys.Add, d.keys.Edit, d.keys.Delete}
}

func (d *detailPane) FullHelp() [][]key.Binding {
	return [][]key.Binding{{d.keys.Up, d.keys.Down}, d.ShortHelp()}
}

func (d *detailPane) View() string { return strings.Join(d.render(), "\n") }

// more reports whether the content goes on below what the pane shows.
func (d *detailPane) more() bool { return d.top+d.height < len(d.lines) }

// wantHeight is how many lines the pane's content takes at width.
func (d *detailPane) wantHeight(width int) int {
	w := d.width
	d.width = width
	n := len(d.made())
	d.width = w
	return n
}

// made is the pane's lines at its width, made again only when what they
// show has changed.
func (d *detailPane) made() []string {
	now := madeFor{d.env.w, d.sel, d.width, d.cursor}
	if d.madeFor != now || d.lines == nil {
		d.lines, d.cursorLine = d.content()
		d.madeFor = now
	}
	return d.lines
}

func (d *detailPane) render() []string {
	d.made()
	if d.cursorLine >= 0 { // keep the cursor in view
		d.top = min(d.top, d.cursorLine)
		if d.cursorLine >= d.top+d.height {
			d.top = d.cursorLine - d.height + 1
		}
	}
	d.top = max(min(d.top, len(d.lines)-d.height), 0)
	return d.lines[d.top:min(d.top+d.height, len(d.lines))]
}

// content is every line of the pane, and the line the cursor is on (-1
// when there is no cursor).
func (d *detailPane) content() ([]string, int) {
	w := d.env.w
	switch d.sel.kind {
	case kindGroup:
		if g := w.Group(d.sel.id); g != nil {
			return d.groupContent(g)
		}
	case kindInstance:
		if i := w.Instance(d.sel.id); i != nil {
			return d.instanceContent(i), -1
		}
	case kindHost:
		if h := w.Host(d.sel.id); h != nil {
			return d.hostContent(h), -1
		}
	case kindVPC:
		if v := w.VPC(d.sel.id); v != nil {
			return d.vpcContent(v), -1
		}
	case kindSubnet:
		if s := w.Subnet(d.sel.id); s != nil {
			return d.subnetContent(s), -1
		}
	case kindACL:
		if a := w.NetworkACL(d.sel.id); a != nil {
			return d.aclContent(a)
		}
	}
	return d.wrap(d.env.st.Muted.Render("Select a VPC, a security group, an instance or a host in the world.")), -1
}

func (d *detailPane) wrap(text string) []string { return common.Wrap(text, d.width) }

func (d *detailPane) groupContent(g *engine.Group) ([]string, int) {
	st, w := d.env.st, d.env.w
	attached := "attached to nothing yet (press g to attach it)"
	if users := attachedTo(w, g.ID); users != "nothing" {
		attached = "attached to " + users
	}
	id := safe(g.ID) + " · "
	if g.ID == g.Label() {
		id = "" // said already
	}
	lines := d.wrap(st.Heading.Render(safe(g.Label())) + st.Muted.Render("  "+id+safe(g.VPC)+" · "+attached))
	if g.Description != "" {
		lines = append(lines, d.wrap(st.Muted.Render(safe(g.Description)))...)
	}
	var headers, cells [][]string
	for _, dir := range []engine.Direction{engine.Inbound, engine.Outbound} {
		headers = append(headers, console.Columns(dir))
		for _, r := range g.Rules(dir) {
			cells = append(cells, consoleRow(w, r))
		}
	}
	tab := newTable(d.env.ctx, d.width-2, headers, cells...)
	cursorLine, k := -1, 0
	for _, dir := range []engine.Direction{engine.Inbound, engine.Outbound} {
		rules := g.Rules(dir)
		lines = append(lines, "", st.Heading.Render(fmt.Sprintf("%s rules (%d)", capital(dir.String()), len(rules))))
		if len(rules) > 0 {
			for _, l := range tab.header(console.Columns(dir)) {
				lines = append(lines, "  "+st.Faint.Render(l))
			}
		}
		add := fmt.Sprintf("+ Add %s rule", dir)
		if len(rules) == 0 {
			add = fmt.Sprintf("No %s rules: nothing is allowed %s. + Add %s rule", dir, way(dir), dir)
		}
		rows := make([][]string, 0, len(rules)+1)
		for _, r := range rules {
			rows = append(rows, tab.row(console.Columns(dir), consoleRow(w, r)))
		}
		rows = append(rows, common.Wrap(st.Accent.Render(add), d.width-2))
		for _, row := range rows {
			if k == d.cursor {
				cursorLine = len(lines)
			}
			lines = append(lines, selectable(d.env.st, row, k == d.cursor, d.width)...)
			k++
		}
	}
	return lines, cursorLine
}

// selectable draws a selectable row of one or more lines, marked and
// highlighted when the cursor is on it.
func selectable(st *theme.Styles, row []string, selected bool, width int) []string {
	out := make([]string, len(row))
	for k, l := range row {
		switch {
		case !selected:
			out[k] = "  " + l
		case k == 0:
			out[k] = st.Selected.Render(common.Fit(theme.Cursor+" "+l, width))
		default:
			out[k] = st.Selected.Render(common.Fit("  "+l, width))
		}
	}
	return out
}

// way is the short word for a direction: in, out.
func way(d engine.Direction) string {
	if d == engine.Outbound {
		return "out"
	}
	return "in"
}

func capital(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

func (d *detailPane) instanceContent(i *engine.Instance) []string {
	st, w := d.env.st, d.env.w
	groups := w.GroupsOf(i)
	labels := make([]string, len(groups))
	for k, g := range groups {
		labels[k] = safe(g.Label())
	}
	ipv6 := ""
	if i.IPv6.IsValid() {
		ipv6 = st.Muted.Render(" · IPv6 ") + i.IPv6.String()
	}
	var lines []string
	for _, text := range []string{
		st.Heading.Render(safe(i.Label())) + st.Muted.Render("  "+safe(i.ID)+" · "+safe(i.VPC)),
		st.Muted.Render("private ") + i.PrivateIP.String() + st.Muted.Render(" · public ") + orNone(i.PublicIP.IsValid(), i.PublicIP.String()) + ipv6,
		st.Muted.Render(fmt.Sprintf("Security groups (%d of %d): ", len(groups), w.Quotas.GroupsPerInstance)) + strings.Join(labels, ", "),
		st.Muted.Render("Running: ") + services(i.Listening),
	} {
		lines = append(lines, d.wrap(text)...)
	}
	if vpcNetworked(w, i.VPC) {
		lines = append(lines, d.wrap(st.Muted.Render("Subnet: ")+subnetOfText(w, i))...)
	}
	// The merged tables name each rule's group and leave out the Protocol
	// column, which the Type already says, to keep room for the rest.
	without := func(cells []string) []string { return append(cells[:1:1], cells[2:]...) }
	for _, dir := range []engine.Direction{engine.Inbound, engine.Outbound} {
		cells := [][]string{append([]string{"Group"}, without(console.Columns(dir))...)}
		for _, g := range groups {
			for _, r := range g.Rules(dir) {
				cells = append(cells, append([]string{safe(g.Label())}, without(consoleRow(w, r))...))
			}
		}
		tab := newTable(d.env.ctx, d.width-2, cells[:1], cells[1:]...)
		lines = append(lines, "", st.Heading.Render(capital(dir.String())+" rules of all its groups, merged"))
		for _, l := range tab.header(cells[0]) {
			lines = append(lines, "  "+st.Faint.Render(l))
		}
		for _, c := range cells[1:] {
			for _, l := range tab.row(cells[0], c) {
				lines = append(lines, "  "+l)
			}
		}
		if len(cells) == 1 {
			lines = append(lines, "  "+st.Muted.Render("none: nothing is allowed "+way(dir)))
		}
	}
	lines = append(lines, "")
	return append(lines, d.wrap(st.Faint.Render("AWS merges the rules of every group attached: a packet passes if any rule allows it. g changes the groups, s the services."))...)
}

// vpcRanges is a VPC's address ranges: "10.0.0.0/16 · 2600:1f18::/56".
func vpcRanges(v *engine.VPC) string {
	if v.IPv6CIDR.IsValid() {
		return v.CIDR.String() + " · " + v.IPv6CIDR.String()
	}
	return v.CIDR.String()
}

func orNone(ok bool, s string) string {
	if ok {
		return s
	}
	return "none"
}

func (d *detailPane) hostContent(h *engine.Host) []string {
	st := d.env.st
	var lines []string
	for _, text := range []string{
		st.Heading.Render(safe(h.Label())) + st.Muted.Render("  "+h.IP.String()),
		st.Muted.Render("A machine outside AWS: no security group checks what it sends or receives."),
		st.Muted.Render("Running: ") + services(h.Listening),
		"",
		st.Faint.Render("s starts or stops services on it."),
	} {
		lines = append(lines, d.wrap(text)...)
	}
	return lines
}

func (d *detailPane) vpcContent(v *engine.VPC) []string {
	st, w := d.env.st, d.env.w
	groups, instances := 0, 0
	for _, g := range w.Groups {
		if g.VPC == v.ID {
			groups++
		}
	}
	for _, i := range w.Instances {
		if i.VPC == v.ID {
			instances++
		}
	}
	counts := plural(groups, "security group") + " · " + plural(instances, "instance")
	if vpcNetworked(w, v.ID) {
		counts += " · " + vpcNetworkCounts(w, v.ID)
	}
	var lines []string
	for _, text := range []string{
		st.Heading.Render(safe(v.ID)) + st.Muted.Render("  "+vpcRanges(v)+" · "+safe(w.RegionOf(v))),
		st.Muted.Render(counts),
		"",
		st.Faint.Render("A security group belongs to one VPC and guards the instances it is attached to. n creates a group here, i launches an instance."),
	} {
		lines = append(lines, d.wrap(text)...)
	}
	return lines
}
