package lab

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/theme"
)

// kind is what a thing of the world is.
type kind uint8

const (
	kindNone kind = iota // nothing: a heading or a detail line is not selectable
	kindVPC
	kindGroup
	kindInstance
	kindHost
	kindSubnet
	kindACL
)

// ref names one thing in the world: a VPC, group, instance, host,
// subnet or network ACL.
type ref struct {
	kind kind
	id   string
}

// lineKind is what a line of the world tree shows about its thing.
type lineKind uint8

const (
	saysVPC       lineKind = iota // a VPC: its id, range and region
	saysVPCIPv6                   // the VPC's IPv6 range, under it
	saysGroups                    // the heading of a VPC's security groups
	saysInstances                 // the heading of a VPC's instances
	saysGroup                     // a security group and its rule counts
	saysInstance                  // an instance and its IPv4 addresses
	saysIPv6                      // an instance's IPv6 address, under it
	saysAttached                  // an instance's groups, under it
	saysRunning                   // an instance's services, under it
	saysOutside                   // the heading of the hosts outside AWS
	saysHost                      // a host, its address and services
	saysInSubnet                  // an instance's subnet and its ACL, under it
	saysSubnets                   // the heading of a VPC's subnets
	saysSubnet                    // a subnet, its range and its ACL
	saysACLs                      // the heading of a VPC's network ACLs
	saysACL                       // a network ACL and its entry counts
)

// treeLine is one line of the world tree: the thing it is about (a
// *engine.VPC, *engine.Group, *engine.Instance or *engine.Host; nil for
// the outside heading) and what it says about it. Its text is made only
// when it is drawn, so that a world of thousands of instances costs no
// more to draw than a small one.
type treeLine struct {
	thing any
	says  lineKind
	match bool // the thing matches the filter, or there is none; a VPC shown for what it holds does not
}

// ref is the thing the line selects, or none for a heading or a detail.
func (l treeLine) ref() ref {
	switch l.says {
	case saysVPC:
		return ref{kindVPC, l.thing.(*engine.VPC).ID}
	case saysGroup:
		return ref{kindGroup, l.thing.(*engine.Group).ID}
	case saysInstance:
		return ref{kindInstance, l.thing.(*engine.Instance).ID}
	case saysHost:
		return ref{kindHost, l.thing.(*engine.Host).ID}
	case saysSubnet:
		return ref{kindSubnet, l.thing.(*engine.Subnet).ID}
	case saysACL:
		return ref{kindACL, l.thing.(*engine.NetworkACL).ID}
	}
	return ref{}
}

func (l treeLine) selectable() bool {
	switch l.says {
	case saysVPC, saysGroup, saysInstance, saysHost, saysSubnet, saysACL:
		return true
	}
	return false
}

func (l treeLine) depth() int {
	switch l.says {
	case saysVPC, saysOutside:
		return 0
	case saysGroup, saysInstance, saysSubnet, saysACL:
		return 2
	case saysIPv6, saysAttached, saysRunning, saysInSubnet:
		return 3
	}
	return 1
}

// treePane shows the world: VPCs with their groups and instances, and the
// hosts outside AWS. It owns the selection that the other panes follow.
//
// A filter (/) keeps the things whose names, ids, addresses or groups
// match what the learner types, with the VPC and heading they sit under.
// The learner's selection stays on what they chose as long as the filter
// shows it, and comes back to it when the filter lets it through again.
type treePane struct {
	env           *env
	sections      []section
	lines         []treeLine // the lines shown: the whole world, or what the filter keeps
	drawn         drawnLines // by index in lines
	cursor, top   int        // cursor indexes lines and is on a selectable one when there is one
	chosen        ref        // what the learner selected last
	width, height int
	keys          treeKeys

	input                     textinput.Model // the filter as it is typed
	typing                    bool            // the filter's input has the keys
	query                     string          // the filter applied; "" shows everything
	shown                     int             // things that match the filter
	hostHay                   []string        // what the filter matches each host on
	keptGroups, keptInstances []kept          // build's scratch
}

type treeKeys struct {
	Up, Down, Top, Bottom, PageUp, PageDown, Open, Delete key.Binding
	Filter, Clear, Done, Move, To, From                   key.Binding
}

func newTree(e *env) *treePane {
	mk := newMoveKeys()
	t := &treePane{env: e, keys: treeKeys{
		Up: mk.Up, Down: mk.Down, Top: mk.Top, Bottom: mk.Bottom, PageUp: mk.PageUp, PageDown: mk.PageDown,
		Open:   bind([]string{"enter"}, "enter", "open"),
		Delete: bind([]string{"x", "delete"}, "x", "delete"),
		Filter: bind([]string{"/"}, "/", "filter"),
		Clear:  bind([]string{"esc"}, "esc", "clear filter"),
		Done:   bind([]string{"enter"}, "enter", "done"),
		// While the filter is typed: the move keys without their letters.
		Move: bind([]string{"up", "down", "pgup", "pgdown"}, "↑/↓", "move"),
		To:   bind([]string{"t"}, "t", "test to it"),
		From: bind([]string{"T"}, "T", "test from it"),
	}}
	t.input = textinput.New()
	t.input.Prompt = e.ctx.Mark("/ ", "Filter: ")
	t.input.Placeholder = "name, id, address or group"
	t.input.CharLimit = 100
	t.input.PromptStyle = e.st.Accent
	t.input.TextStyle = e.st.Text
	t.input.PlaceholderStyle = e.st.Faint
	t.input.Cursor.Style = e.st.Renderer.NewStyle()
	t.input.Cursor.TextStyle = e.st.Text
	// A blinking cursor would redraw the lab twice a second while idle.
	t.input.Cursor.SetMode(cursor.CursorStatic)
	t.refresh()
	return t
}

func (t *treePane) Init() tea.Cmd { return nil }

func (t *treePane) SetSize(w, h int) {
	t.width, t.height = w, h
	t.drawn.reset(h)
	t.scroll()
}

func (t *treePane) title() string { return "World" }

func (t *treePane) summary() string {
	w := t.env.w
	s := fmt.Sprintf("%s · %s · %s · %s outside AWS", plural(len(w.VPCs), "VPC"), plural(len(w.Groups), "group"),
		plural(len(w.Instances), "instance"), plural(len(w.Hosts), "host"))
	if t.query != "" {
		s = "filter " + quoted(t.query) + ": " + t.matches() + " · " + s
	}
	return s
}

// matches says how many things the filter lets through.
func (t *treePane) matches() string { return fmt.Sprintf("%d of %d match", t.shown, t.things()) }

// things counts what the world tree can select.
func (t *treePane) things() int {
	w := t.env.w
	n := len(w.VPCs) + len(w.Groups) + len(w.Instances) + len(w.Hosts)
	for k := range t.sections {
		n += len(t.sections[k].subnets) + len(t.sections[k].acls)
	}
	return n
}

func quoted(s string) string { return "“" + safe(s) + "”" }

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Capturing reports whether the filter's input takes every key.
func (t *treePane) Capturing() bool { return t.typing }

// selected is the thing under the cursor.
func (t *treePane) selected() ref {
	if t.cursor < len(t.lines) {
		return t.lines[t.cursor].ref()
	}
	return ref{}
}

// selectRef moves the cursor to r. A thing the filter hides is what the
// learner wants to see now (a group just created): the filter goes.
func (t *treePane) selectRef(r ref) {
	t.chosen = r
	if t.query != "" && t.find(r) < 0 {
		t.clearFilter()
		return
	}
	t.place(t.cursor)
}

// find is the index of r's line, or -1.
func (t *treePane) find(r ref) int {
	if r.kind == kindNone {
		return -1
	}
	for k, l := range t.lines {
		if l.selectable() && l.ref() == r {
			return k
		}
	}
	return -1
}

// refresh rebuilds the lines from the world, keeping the selection on the
// same thing when it still exists and near where it was otherwise.
func (t *treePane) refresh() {
	w := t.env.w
	t.hostHay = nil // the hay is made again for this world on the next filter
	t.sections = t.sections[:0]
	at := make(map[string]int, len(w.VPCs))
	for k, v := range w.VPCs {
		at[v.ID] = k
		t.sections = append(t.sections, section{vpc: v})
	}
	for _, g := range w.Groups {
		if k, ok := at[g.VPC]; ok {
			t.sections[k].groups = append(t.sections[k].groups, g)
		}
	}
	for _, i := range w.Instances {
		if k, ok := at[i.VPC]; ok {
			t.sections[k].instances = append(t.sections[k].instances, i)
		}
	}
	gatherNetwork(w, t.sections, at)
	t.build()
	t.place(t.cursor)
}

// section is a VPC and its groups and instances, gathered once per world,
// with what the filter matches each on (see hay), made on the first filter.
type section struct {
	vpc       *engine.VPC
	groups    []*engine.Group
	instances []*engine.Instance
	// subnets and acls are listed only when the VPC uses them (see
	// gatherNetwork): a world without subnets looks as it always did.
	subnets []*engine.Subnet
	acls    []*engine.NetworkACL
	hay     struct {
		vpc               string
		groups, instances []string
		subnets, acls     []string
	}
}

// build lays out the lines the filter keeps: every VPC with a match, its
// headings and its matching groups and instances (the whole VPC when the
// VPC itself matches), then the hosts that match.
func (t *treePane) build() {
	var terms []string
	if t.query != "" {
		terms = strings.Fields(strings.ToLower(t.query))
		t.makeHay()
	}
	matches := func(hay string) bool {
		for _, term := range terms {
			if !strings.Contains(hay, term) {
				return false
			}
		}
		return true
	}
	t.lines, t.shown = t.lines[:0], 0
	t.drawn.reset(t.height)
	for k := range t.sections {
		s := &t.sections[k]
		v, whole := s.vpc, matches(s.hay.vpc)
		// The groups and instances shown: all of a VPC that matches, each
		// counted as a match only if it matches too.
		gs, is := t.keptGroups[:0], t.keptInstances[:0]
		for n := range s.groups {
			if m := matches(hayAt(s.hay.groups, n)); m || whole {
				gs = append(gs, kept{n, m})
			}
		}
		for n := range s.instances {
			if m := matches(hayAt(s.hay.instances, n)); m || whole {
				is = append(is, kept{n, m})
			}
		}
		t.keptGroups, t.keptInstances = gs, is
		subnets, acls := keptNetwork(s, whole, matches)
		if !whole && len(gs) == 0 && len(is) == 0 && len(subnets) == 0 && len(acls) == 0 {
			continue
		}
		t.add(v, saysVPC, whole)
		if v.IPv6CIDR.IsValid() {
			t.add(v, saysVPCIPv6, false)
		}
		if whole || len(gs) > 0 {
			t.add(v, saysGroups, false)
		}
		for _, g := range gs {
			t.add(s.groups[g.n], saysGroup, g.match)
		}
		if whole || len(is) > 0 {
			t.add(v, saysInstances, false)
		}
		for _, i := range is {
			x := s.instances[i.n]
			t.add(x, saysInstance, i.match)
			if x.IPv6.IsValid() {
				t.add(x, saysIPv6, false)
			}
			t.add(x, saysAttached, false)
			t.add(x, saysRunning, false)
			if s.networked() {
				t.add(x, saysInSubnet, false)
			}
		}
		t.buildNetwork(s, whole, subnets, acls)
	}
	outside := false
	for n, h := range t.env.w.Hosts {
		if !matches(hayAt(t.hostHay, n)) {
			continue
		}
		if !outside {
			t.add(nil, saysOutside, false)
			outside = true
		}
		t.add(h, saysHost, true)
	}
}

// hayAt is the nth of hay, or nothing before the hay is made (with no
// filter, when everything matches).
func hayAt(hay []string, n int) string {
	if n < len(hay) {
		return hay[n]
	}
	return ""
}

// kept is the nth group or instance of a section that the filter shows,
// and whether it matches itself.
type kept struct {
	n     int
	match bool
}

func (t *treePane) add(thing any, s lineKind, match bool) {
	l := treeLine{thing: thing, says: s, match: match}
	if l.match {
		t.shown++
	}
	t.lines = append(t.lines, l)
}

// place puts the cursor on the learner's choice when the tree shows it.
// Otherwise a filter puts it on the first match, and a change to the
// world near where it was (at), which is then the choice.
func (t *treePane) place(at int) {
	if k := t.find(t.chosen); k >= 0 && t.lines[k].match {
		t.cursor = k
	} else if t.query != "" {
		t.cursor = max(slices.IndexFunc(t.lines, func(l treeLine) bool { return l.match }), 0)
		t.settle(1)
	} else {
		t.cursor = max(min(at, len(t.lines)-1), 0)
		t.settle(1)
		t.chosen = t.selected()
	}
	t.scroll()
}

// makeHay makes what the filter matches each thing on, once per world:
// in lower case, its name, id and addresses, and an instance's groups'
// names and ids.
func (t *treePane) makeHay() {
	w := t.env.w
	if t.hostHay != nil || len(w.Hosts) == 0 && len(t.sections) == 0 {
		return
	}
	hay := func(thing any) string { return strings.ToLower(haystack(w, thing)) }
	for k := range t.sections {
		s := &t.sections[k]
		s.hay.vpc = hay(s.vpc)
		s.hay.groups = make([]string, len(s.groups))
		for n, g := range s.groups {
			s.hay.groups[n] = hay(g)
		}
		s.hay.instances = make([]string, len(s.instances))
		for n, i := range s.instances {
			s.hay.instances[n] = hay(i)
		}
		s.hay.subnets = make([]string, len(s.subnets))
		for n, x := range s.subnets {
			s.hay.subnets[n] = hay(x)
		}
		s.hay.acls = make([]string, len(s.acls))
		for n, a := range s.acls {
			s.hay.acls[n] = hay(a)
		}
	}
	t.hostHay = make([]string, len(w.Hosts))
	for n, h := range w.Hosts {
		t.hostHay[n] = hay(h)
	}
}

func haystack(w *engine.World, thing any) string {
	var parts []string
	switch x := thing.(type) {
	case *engine.VPC:
		parts = append(parts, x.ID, x.CIDR.String(), w.RegionOf(x))
		if x.IPv6CIDR.IsValid() {
			parts = append(parts, x.IPv6CIDR.String())
		}
	case *engine.Group:
		parts = append(parts, x.Label(), x.Name, x.ID)
	case *engine.Instance:
		parts = append(parts, x.Label(), x.ID, addrs(x))
		for _, g := range w.GroupsOf(x) {
			parts = append(parts, g.Label(), g.ID)
		}
	case *engine.Host:
		parts = append(parts, x.Label(), x.ID, x.IP.String())
	case *engine.Subnet:
		parts = append(parts, x.Label(), x.ID, x.CIDR.String())
		if a := w.ACLOf(x.VPC, x); a != nil {
			parts = append(parts, a.Label(), a.ID)
		}
	case *engine.NetworkACL:
		parts = append(parts, x.Label(), x.ID)
	}
	return strings.Join(parts, "\n") // no term spans two parts
}

func groupInfo(ctx *common.Context, g *engine.Group) string {
	id := g.ID
	if g.Name == engine.DefaultGroupName || g.Label() == g.ID {
		id = "" // the default group's id only repeats its VPC; a label that is the id needs no repeat
	}
	rules := fmt.Sprintf("%d in · %d out", len(g.Inbound), len(g.Outbound))
	if ctx.Accessible {
		rules = plural(len(g.Inbound), "inbound rule") + ", " + plural(len(g.Outbound), "outbound rule")
	}
	return strings.TrimSpace(id + "  " + rules)
}

// addrs is every address of an instance: "10.0.1.10 · 54.210.0.10 ·
// 2600:1f18::10".
func addrs(i *engine.Instance) string {
	if i.IPv6.IsValid() {
		return ipv4Addrs(i) + " · " + i.IPv6.String()
	}
	return ipv4Addrs(i)
}

// ipv4Addrs is an instance's private and public IPv4 addresses.
func ipv4Addrs(i *engine.Instance) string {
	if i.PublicIP.IsValid() {
		return i.PrivateIP.String() + " · " + i.PublicIP.String()
	}
	return i.PrivateIP.String()
}

func services(list []engine.Service) string {
	if len(list) == 0 {
		return "nothing"
	}
	out := make([]string, len(list))
	for k, s := range list {
		out[k] = serviceLabel(s)
	}
	return strings.Join(out, ", ")
}

func orNothing(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

// shortServices names services without their daemons: "HTTPS tcp/443".
func shortServices(list []engine.Service) string {
	out := make([]string, len(list))
	for k, s := range list {
		out[k] = serviceName(s)
	}
	return strings.Join(out, ", ")
}

// move moves the cursor delta selectable lines down (up when negative),
// stopping at the ends.
func (t *treePane) move(delta int) {
	step, n := 1, delta
	if delta < 0 {
		step, n = -1, -delta
	}
	k := t.cursor
	for ; n > 0; n-- {
		next := k + step
		for next >= 0 && next < len(t.lines) && !t.lines[next].selectable() {
			next += step
		}
		if next < 0 || next >= len(t.lines) {
			break
		}
		k = next
	}
	t.cursor = k
	t.scroll()
}

// settle puts the cursor on the nearest selectable line in direction step
// (1 or -1), or the other way when there is none.
func (t *treePane) settle(step int) {
	for _, s := range []int{step, -step} {
		for k := t.cursor; k >= 0 && k < len(t.lines); k += s {
			if t.lines[k].selectable() {
				t.cursor = k
				t.scroll()
				return
			}
		}
	}
}

// listHeight is the room for lines: the pane less the filter's line.
func (t *treePane) listHeight() int {
	if t.typing || t.query != "" {
		return max(t.height-1, 0)
	}
	return t.height
}

func (t *treePane) scroll() {
	h := t.listHeight()
	if h <= 0 {
		return
	}
	t.top = min(t.top, t.cursor)
	if t.cursor >= t.top+h {
		t.top = t.cursor - h + 1
	}
	t.top = max(0, min(t.top, len(t.lines)-h))
}

func (t *treePane) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return t, nil
	}
	if t.typing {
		return t, t.typed(km)
	}
	t.syncKeys() // a key does only what the selection allows
	var cmd tea.Cmd
	switch {
	case t.navigate(km):
	case key.Matches(km, t.keys.Open):
		cmd = focus(paneDetail)
	case key.Matches(km, t.keys.Delete):
		cmd = t.delete()
	case key.Matches(km, t.keys.Filter):
		t.typing = true
		t.input.SetValue(t.query)
		t.input.CursorEnd()
		t.scroll()
		return t, t.input.Focus()
	case key.Matches(km, t.keys.Clear):
		t.clearFilter()
		return t, nil
	case key.Matches(km, t.keys.To), key.Matches(km, t.keys.From):
		id, from := t.selected().id, key.Matches(km, t.keys.From)
		cmd = func() tea.Msg { return aimMsg{id: id, from: from} }
	}
	t.choose()
	return t, cmd
}

// navigate moves the cursor for a move key, and reports whether km was one.
func (t *treePane) navigate(km tea.KeyMsg) bool {
	switch {
	case key.Matches(km, t.keys.Up):
		t.move(-1)
	case key.Matches(km, t.keys.Down):
		t.move(1)
	case key.Matches(km, t.keys.PageUp):
		t.move(-max(t.listHeight()-1, 1))
	case key.Matches(km, t.keys.PageDown):
		t.move(max(t.listHeight()-1, 1))
	case key.Matches(km, t.keys.Top):
		t.cursor = 0
		t.settle(1)
	case key.Matches(km, t.keys.Bottom):
		t.cursor = max(len(t.lines)-1, 0)
		t.settle(-1)
	default:
		return false
	}
	return true
}

// choose makes what the learner moved to or acted on their choice.
func (t *treePane) choose() {
	if sel := t.selected(); sel.kind != kindNone {
		t.chosen = sel
	}
}

// typed handles a key while the filter is typed: enter keeps the filter,
// esc clears it, the arrows and page keys still move through the matches
// (their letters type), and every other key edits the filter, which the
// tree follows as it changes.
func (t *treePane) typed(km tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(km, t.keys.Clear):
		t.clearFilter()
		return nil
	case key.Matches(km, t.keys.Done):
		t.stopTyping()
		return nil
	case key.Matches(km, t.keys.Move):
		t.navigate(km)
		t.choose()
		return nil
	}
	var cmd tea.Cmd
	t.input, cmd = t.input.Update(km)
	if q := strings.TrimSpace(t.input.Value()); q != t.query {
		t.query = q
		t.build()
		t.place(t.cursor)
	}
	return cmd
}

// stopTyping leaves the filter's input, keeping the filter; what the
// cursor is on is the learner's choice now.
func (t *treePane) stopTyping() {
	if t.typing {
		t.choose()
		t.typing = false
		t.input.Blur()
		t.scroll()
	}
}

// clearFilter shows the whole world again, on the learner's choice.
func (t *treePane) clearFilter() {
	t.typing, t.query = false, ""
	t.input.Blur()
	t.input.SetValue("")
	t.build()
	t.place(t.cursor)
}

// delete deletes the selected group or terminates the selected instance.
// The engine refuses what AWS refuses (the default group, a group in use).
func (t *treePane) delete() tea.Cmd {
	sel := t.selected()
	switch sel.kind {
	case kindGroup:
		return change(func(w *engine.World) (done, error) {
			name := groupLabel(w, sel.id)
			return done{status: "Deleted security group " + name, undo: "the security group " + name + " is back",
				redo: "the security group " + name + " is deleted again"}, w.DeleteGroup(sel.id)
		})
	case kindInstance:
		return change(func(w *engine.World) (done, error) {
			name := machineLabel(w, sel.id)
			return done{status: "Terminated " + name, undo: name + " is running again", redo: name + " is terminated again"},
				w.TerminateInstance(sel.id)
		})
	case kindSubnet, kindACL:
		return deleteNetwork(sel)
	}
	return nil
}

func (t *treePane) ShortHelp() []key.Binding {
	t.syncKeys()
	k := t.keys
	if t.typing {
		return []key.Binding{k.Done, k.Clear, k.Move}
	}
	return []key.Binding{k.Open, k.Filter, k.Clear, k.To, k.Delete}
}

func (t *treePane) FullHelp() [][]key.Binding {
	t.syncKeys()
	k := t.keys
	if t.typing {
		return [][]key.Binding{{k.Done, k.Clear, k.Move}}
	}
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}, {k.Open, k.Delete, k.To, k.From}, {k.Filter, k.Clear}}
}

// syncKeys names the delete key after what it would do to the selection,
// and enables what the selection and the filter allow.
func (t *treePane) syncKeys() {
	sel := t.selected().kind
	switch sel {
	case kindGroup:
		t.keys.Delete.SetHelp("x", "delete group")
		t.keys.Delete.SetEnabled(true)
	case kindInstance:
		t.keys.Delete.SetHelp("x", "terminate instance")
		t.keys.Delete.SetEnabled(true)
	case kindSubnet:
		t.keys.Delete.SetHelp("x", "delete subnet")
		t.keys.Delete.SetEnabled(true)
	case kindACL:
		t.keys.Delete.SetHelp("x", "delete network ACL")
		t.keys.Delete.SetEnabled(true)
	default:
		t.keys.Delete.SetEnabled(false)
	}
	t.keys.Open.SetEnabled(sel != kindNone)
	machine := sel == kindInstance || sel == kindHost
	t.keys.To.SetEnabled(machine)
	t.keys.From.SetEnabled(machine)
	t.keys.Clear.SetEnabled(t.typing || t.query != "")
	if t.query != "" && !t.typing {
		t.keys.Filter.SetHelp("/", "edit filter")
	} else {
		t.keys.Filter.SetHelp("/", "filter")
	}
}

func (t *treePane) View() string { return strings.Join(t.render(), "\n") }

// render draws the filter's line and the visible lines only: a world of
// thousands of instances costs what fits on the screen.
func (t *treePane) render() []string {
	st := t.env.st
	out := make([]string, 0, t.height)
	if t.typing || t.query != "" {
		out = append(out, t.filterLine())
	}
	if t.query != "" && len(t.lines) == 0 {
		return append(out, common.Wrap(st.Muted.Render("Nothing matches "+quoted(t.query)+". esc clears the filter."), t.width)...)
	}
	end := min(t.top+t.listHeight(), len(t.lines))
	for k := t.top; k < end; k++ {
		l := t.lines[k]
		if k == t.cursor && l.selectable() {
			label, info := t.text(l)
			out = append(out, st.Selected.Render(common.Fit(theme.Cursor+" "+strings.Repeat("  ", l.depth())+label+"  "+info, t.width)))
			continue
		}
		out = append(out, t.drawn.get(k, func() string { return t.draw(l) }))
	}
	return out
}

// draw draws a line the cursor is not on.
func (t *treePane) draw(l treeLine) string {
	st := t.env.st
	label, info := t.text(l)
	indent := "  " + strings.Repeat("  ", l.depth())
	switch {
	case l.says == saysVPCIPv6 || l.says == saysIPv6 || l.says == saysAttached || l.says == saysRunning || l.says == saysInSubnet:
		return indent + st.Faint.Render(label+": ") + st.Muted.Render(info)
	case !l.selectable():
		return indent + st.Heading.Render(label) + "  " + st.Faint.Render(info)
	}
	return indent + st.Text.Render(label) + "  " + st.Muted.Render(info)
}

// filterLine is the filter being typed, or the filter applied and how
// many things it shows.
func (t *treePane) filterLine() string {
	st := t.env.st
	count := ""
	if t.query != "" {
		count = st.Faint.Render("  " + t.matches())
	}
	if t.typing {
		// The input pads its text to its width: leave the count room.
		t.input.Width = max(t.width-ansi.StringWidth(t.input.Prompt)-1-ansi.StringWidth(count), 1)
		return common.Fit(t.input.View()+count, t.width)
	}
	return common.Fit(st.Accent.Render(t.input.Prompt+safe(t.query))+count, t.width)
}

// text is a line's label (the name, emphasised) and info (addresses and
// counts, muted), safe to draw.
func (t *treePane) text(l treeLine) (label, info string) {
	w := t.env.w
	switch x := l.thing.(type) {
	case *engine.VPC:
		switch l.says {
		case saysVPCIPv6:
			return "IPv6", x.IPv6CIDR.String()
		case saysGroups:
			return "Security groups", ""
		case saysInstances:
			return "Instances", ""
		case saysSubnets:
			return "Subnets", ""
		case saysACLs:
			return "Network ACLs", ""
		}
		return safe(x.ID), x.CIDR.String() + "  " + safe(w.RegionOf(x))
	case *engine.Group:
		return safe(x.Label()), safe(groupInfo(t.env.ctx, x))
	case *engine.Instance:
		switch l.says {
		case saysIPv6:
			return "IPv6", x.IPv6.String()
		case saysAttached:
			labels := make([]string, 0, len(x.Groups))
			for _, g := range w.GroupsOf(x) {
				labels = append(labels, safe(g.Label()))
			}
			return "groups", strings.Join(labels, ", ")
		case saysRunning:
			return "running", orNothing(shortServices(x.Listening))
		case saysInSubnet:
			return "subnet", subnetOfText(w, x)
		}
		return safe(x.Label()), ipv4Addrs(x)
	case *engine.Host:
		info := x.IP.String()
		if len(x.Listening) > 0 {
			info += " · " + shortServices(x.Listening)
		}
		return safe(x.Label()), info
	case *engine.Subnet:
		return safe(x.Label()), subnetInfo(w, x)
	case *engine.NetworkACL:
		return safe(x.Label()), aclInfo(t.env.ctx, w, x)
	}
	return "Outside AWS", "no security groups"
}
