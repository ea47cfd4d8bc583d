package lab

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/theme"
)

// kind is what a line of the world tree stands for.
type kind uint8

const (
	kindNone kind = iota // a heading or a detail line: not selectable
	kindVPC
	kindGroup
	kindInstance
	kindHost
)

// ref names one thing in the world: a VPC, group, instance or host.
type ref struct {
	kind kind
	id   string
}

// treeLine is one line of the world tree.
type treeLine struct {
	ref
	depth  int
	label  string // the name, emphasised
	info   string // addresses and counts, muted
	detail bool   // a "label: info" line about the thing above it
}

// treePane shows the world: VPCs with their groups and instances, and the
// hosts outside AWS. It owns the selection that the other panes follow.
type treePane struct {
	env           *env
	lines         []treeLine
	cursor, top   int // cursor indexes lines and is always on a selectable one
	width, height int
	keys          treeKeys
}

type treeKeys struct {
	Up, Down, Top, Bottom, PageUp, PageDown, Open, Delete key.Binding
}

func newTree(e *env) *treePane {
	mk := newMoveKeys()
	t := &treePane{env: e, keys: treeKeys{
		Up: mk.Up, Down: mk.Down, Top: mk.Top, Bottom: mk.Bottom, PageUp: mk.PageUp, PageDown: mk.PageDown,
		Open:   bind([]string{"enter"}, "enter", "open"),
		Delete: bind([]string{"x", "delete"}, "x", "delete"),
	}}
	t.refresh()
	return t
}

func (t *treePane) Init() tea.Cmd { return nil }

func (t *treePane) SetSize(w, h int) { t.width, t.height = w, h; t.scroll() }

func (t *treePane) title() string { return "World" }

func (t *treePane) summary() string {
	w := t.env.w
	return fmt.Sprintf("%s · %s · %s · %s outside AWS", plural(len(w.VPCs), "VPC"), plural(len(w.Groups), "group"),
		plural(len(w.Instances), "instance"), plural(len(w.Hosts), "host"))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// selected is the thing under the cursor.
func (t *treePane) selected() ref {
	if t.cursor < len(t.lines) {
		return t.lines[t.cursor].ref
	}
	return ref{}
}

// selectRef moves the cursor to r, if the tree shows it.
func (t *treePane) selectRef(r ref) {
	for k, l := range t.lines {
		if l.ref == r {
			t.cursor = k
			t.scroll()
			return
		}
	}
}

// refresh rebuilds the lines from the world, keeping the selection on the
// same thing when it still exists and near where it was otherwise.
func (t *treePane) refresh() {
	sel, at := t.selected(), t.cursor
	w := t.env.w
	t.lines = t.lines[:0]
	add := func(r ref, depth int, label, info string) {
		t.lines = append(t.lines, treeLine{ref: r, depth: depth, label: safe(label), info: safe(info)})
	}
	detail := func(depth int, label, info string) {
		t.lines = append(t.lines, treeLine{depth: depth, label: safe(label), info: safe(info), detail: true})
	}
	for _, v := range w.VPCs {
		add(ref{kindVPC, v.ID}, 0, v.ID, v.CIDR.String()+"  "+w.RegionOf(v))
		if v.IPv6CIDR.IsValid() {
			detail(1, "IPv6", v.IPv6CIDR.String())
		}
		add(ref{}, 1, "Security groups", "")
		for _, g := range w.Groups {
			if g.VPC == v.ID {
				add(ref{kindGroup, g.ID}, 2, g.Label(), groupInfo(t.env.ctx, g))
			}
		}
		add(ref{}, 1, "Instances", "")
		for _, i := range w.Instances {
			if i.VPC != v.ID {
				continue
			}
			add(ref{kindInstance, i.ID}, 2, i.Label(), ipv4Addrs(i))
			if i.IPv6.IsValid() {
				detail(3, "IPv6", i.IPv6.String())
			}
			labels := make([]string, 0, len(i.Groups))
			for _, g := range w.GroupsOf(i) {
				labels = append(labels, g.Label())
			}
			detail(3, "groups", strings.Join(labels, ", "))
			detail(3, "running", orNothing(shortServices(i.Listening)))
		}
	}
	if len(w.Hosts) > 0 {
		add(ref{}, 0, "Outside AWS", "no security groups")
		for _, h := range w.Hosts {
			info := h.IP.String()
			if len(h.Listening) > 0 {
				info += " · " + shortServices(h.Listening)
			}
			add(ref{kindHost, h.ID}, 1, h.Label(), info)
		}
	}
	t.cursor = -1
	for k, l := range t.lines {
		if l.ref == sel && sel.kind != kindNone {
			t.cursor = k
		}
	}
	if t.cursor < 0 {
		t.cursor = max(min(at, len(t.lines)-1), 0)
		t.settle(1)
	}
	t.scroll()
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
		for next >= 0 && next < len(t.lines) && t.lines[next].kind == kindNone {
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
			if t.lines[k].kind != kindNone {
				t.cursor = k
				t.scroll()
				return
			}
		}
	}
}

func (t *treePane) scroll() {
	if t.height <= 0 {
		return
	}
	t.top = min(t.top, t.cursor)
	if t.cursor >= t.top+t.height {
		t.top = t.cursor - t.height + 1
	}
	t.top = max(0, min(t.top, len(t.lines)-t.height))
}

func (t *treePane) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return t, nil
	}
	switch {
	case key.Matches(km, t.keys.Up):
		t.move(-1)
	case key.Matches(km, t.keys.Down):
		t.move(1)
	case key.Matches(km, t.keys.PageUp):
		t.move(-max(t.height-1, 1))
	case key.Matches(km, t.keys.PageDown):
		t.move(max(t.height-1, 1))
	case key.Matches(km, t.keys.Top):
		t.cursor = 0
		t.settle(1)
	case key.Matches(km, t.keys.Bottom):
		t.cursor = max(len(t.lines)-1, 0)
		t.settle(-1)
	case key.Matches(km, t.keys.Open):
		return t, focus(paneDetail)
	case key.Matches(km, t.keys.Delete):
		return t, t.delete()
	}
	return t, nil
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
	}
	return nil
}

func (t *treePane) ShortHelp() []key.Binding {
	t.syncKeys()
	return []key.Binding{t.keys.Open, t.keys.Delete}
}

func (t *treePane) FullHelp() [][]key.Binding {
	t.syncKeys()
	k := t.keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}, {k.Open, k.Delete}}
}

// syncKeys names the delete key after what it would do to the selection.
func (t *treePane) syncKeys() {
	switch t.selected().kind {
	case kindGroup:
		t.keys.Delete.SetHelp("x", "delete group")
		t.keys.Delete.SetEnabled(true)
	case kindInstance:
		t.keys.Delete.SetHelp("x", "terminate instance")
		t.keys.Delete.SetEnabled(true)
	default:
		t.keys.Delete.SetEnabled(false)
	}
}

func (t *treePane) View() string { return strings.Join(t.render(), "\n") }

// render draws the visible lines only, so a world of hundreds of
// instances costs no more than a small one.
func (t *treePane) render() []string {
	st := t.env.st
	end := min(t.top+t.height, len(t.lines))
	out := make([]string, 0, max(end-t.top, 0))
	for k := t.top; k < end; k++ {
		l := t.lines[k]
		indent := strings.Repeat("  ", l.depth)
		switch {
		case k == t.cursor:
			out = append(out, st.Selected.Render(common.Fit(theme.Cursor+" "+indent+l.label+"  "+l.info, t.width)))
		case l.detail:
			out = append(out, "  "+indent+st.Faint.Render(l.label+": ")+st.Muted.Render(l.info))
		case l.kind == kindNone:
			out = append(out, "  "+indent+st.Heading.Render(l.label)+"  "+st.Faint.Render(l.info))
		default:
			out = append(out, "  "+indent+st.Text.Render(l.label)+"  "+st.Muted.Render(l.info))
		}
	}
	return out
}
