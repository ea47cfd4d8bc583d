// Package lab is sglab's lab: a Bubble Tea screen where a learner builds a
// small AWS world by hand (security groups, rules, instances, services),
// fires test connections and watches them connect, get refused or time
// out. Every outcome and every reason comes from the engine; the lab only
// shows them.
//
// The lab is built on any *engine.World, so the lessons can open it on a
// challenge's starting world with a side panel of goals (WithSidePanel)
// and watch the world after each change (WithOnChange, WorldChangedMsg).
package lab

import (
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/theme"
)

// env is what the lab's panes share: the program context and the world
// as it is now. The lab replaces w on every change; panes read it when
// they draw.
type env struct {
	ctx *common.Context
	st  *theme.Styles
	w   *engine.World
}

// paneID names the lab's panes, in focus order.
type paneID int

const (
	paneWorld paneID = iota
	paneDetail
	paneConn
	paneGrid
	paneSide
)

// pane is one of the lab's panes.
type pane interface {
	common.Component
	title() string
	summary() string // one line for a pane folded away in the stacked layout
	render() []string
}

// WorldChangedMsg is sent to the side panel after every change to the
// world, undo included. Every change makes a new world and the lab never
// alters one it has shown, so World may be kept as a snapshot; it must
// not be changed.
type WorldChangedMsg struct{ World *engine.World }

// Option configures a lab.
type Option func(*Model)

// WithPath backs the lab by a scenario file: ctrl+s writes it, and quitting
// with changes not written asks first.
func WithPath(path string) Option { return func(m *Model) { m.path = path } }

// WithStatus shows a first message in the status line, such as a warning
// about a scratch file that did not load.
func WithStatus(msg string) Option { return func(m *Model) { m.setStatus(common.StatusWarn, msg) } }

// WithSidePanel adds a pane beside the lab's own, reached with tab like the
// others: a lesson's goals. It receives WorldChangedMsg after every change
// and every message the lab does not handle itself. A panel with a
// Summary() string method shows it on its one line when the stacked
// layout folds it away ("1 of 3 goals met").
func WithSidePanel(title string, p common.Component) Option {
	return func(m *Model) { m.side, m.sideTitle = p, title }
}

// WithOnChange calls f with the world after every change; the command it
// returns runs like any other.
func WithOnChange(f func(*engine.World) tea.Cmd) Option { return func(m *Model) { m.onChange = f } }

// Model is the lab screen. It implements common.Component.
type Model struct {
	env    *env
	keys   labKeys
	tree   *treePane
	detail *detailPane
	conn   *connPane
	grid   *gridPane
	panes  []pane
	focus  paneID

	side      common.Component
	sideTitle string
	onChange  func(*engine.World) tea.Cmd

	form   *form
	undo   []undoStep
	path   string
	dirty  bool
	saver  *autosaver
	title  string
	status string
	kind   common.StatusKind

	width, height int
	wide          bool
	frames        map[paneID]size // frame sizes in the current layout
}

type size struct{ w, h int }

// undoStep is the world before one change, and what the change was.
type undoStep struct {
	world *engine.World
	what  string
}

// maxUndo bounds the undo history; each step is a copy of the world.
const maxUndo = 100

// New returns a lab on world w. The lab owns w from now on.
func New(ctx *common.Context, w *engine.World, opts ...Option) *Model {
	e := &env{ctx: ctx, st: ctx.Styles, w: w}
	m := &Model{env: e, keys: newLabKeys(), title: w.Name, frames: map[paneID]size{}}
	m.tree = newTree(e)
	m.detail = newDetail(e)
	m.conn = newConn(e)
	m.conn.seed(w.Connections)
	m.grid = newGrid(e)
	m.panes = []pane{m.tree, m.detail, m.conn, m.grid}
	m.setStatus(common.StatusInfo, "Press f to fire a test connection, n to create a security group, tab to move between panes, ? for every key.")
	for _, o := range opts {
		o(m)
	}
	if m.side != nil {
		m.panes = append(m.panes, sidePane{m.side, m.sideTitle})
	}
	if m.title == "" {
		m.title = "Lab"
	}
	m.follow()
	return m
}

// World is the lab's world as it is now.
func (m *Model) World() *engine.World { return m.env.w }

func (m *Model) Init() tea.Cmd {
	if m.side != nil {
		return m.side.Init()
	}
	return nil
}

// Capturing reports whether the lab takes every key: a form is open, or a
// connection is waiting (any key skips the wait).
func (m *Model) Capturing() bool { return m.form != nil || m.conn.pending }

// Unsaved names the changes that quitting would lose.
func (m *Model) Unsaved() string {
	if m.dirty && m.path != "" {
		return "the changes to " + filepath.Base(m.path)
	}
	return ""
}

// Close writes a pending autosave before the program ends.
func (m *Model) Close() error {
	if m.saver == nil {
		return nil
	}
	return m.saver.Flush()
}

// Messages the panes and forms send to the lab.
type (
	// changeMsg asks the lab to change the world. do runs on a copy; only
	// if it succeeds does the copy replace the world, so a change that
	// fails halfway leaves nothing behind.
	changeMsg struct {
		do func(w *engine.World) (done, error)
	}
	formMsg      struct{ f *form }
	focusMsg     struct{ pane paneID }
	fireMsg      struct{ conn engine.Connection }
	openWorldMsg struct {
		path string
		w    *engine.World
	}
	saveAsMsg struct{ path string }
)

// done says what a change did, and where to look next.
type done struct {
	status string
	sel    ref    // select this in the world tree, if set
	focus  paneID // then focus this pane, if not paneWorld
}

func change(do func(w *engine.World) (done, error)) tea.Cmd {
	return func() tea.Msg { return changeMsg{do} }
}

func focus(p paneID) tea.Cmd { return func() tea.Msg { return focusMsg{p} } }

func openForm(f *form) tea.Cmd { return func() tea.Msg { return formMsg{f} } }

// Update routes a message: keys to the open form, else to the focused pane
// when it uses the key, else to the lab's own keys.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	fired := m.conn.fired
	cmd := m.update(msg)
	m.follow()
	if m.conn.fired != fired && m.saver != nil {
		// The scratch lab keeps its history of tests across runs.
		cmd = tea.Batch(cmd, m.saver.save(m.env.w, m.conn.connections()))
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.key(msg)
	case changeMsg:
		return m.apply(msg.do)
	case formMsg:
		m.form = msg.f
		m.layout()
		return m.form.init()
	case fromForm:
		if m.form == nil || msg.id != m.form.id {
			return nil // from a form that is gone
		}
		switch inner := msg.msg.(type) {
		case formDoneMsg:
			m.closeForm()
			return m.update(inner.then)
		case formCancelMsg:
			m.closeForm()
			return nil
		}
		return m.form.update(msg.msg)
	case focusMsg:
		m.setFocus(msg.pane)
		return nil
	case fireMsg:
		m.setFocus(paneConn)
		return m.conn.fire(msg.conn)
	case spinner.TickMsg:
		return m.conn.tick(msg)
	case openWorldMsg:
		return m.open(msg.path, msg.w)
	case saveAsMsg:
		m.path = msg.path
		m.saver = nil // a lab saved to a file is that file's now, not the scratch lab
		return m.save()
	case autosaveFailedMsg:
		m.setStatus(common.StatusErr, "Autosave failed: "+msg.err.Error())
		return nil
	case scratchMsg:
		return m.scratch(msg)
	}
	if m.side != nil {
		_, cmd := m.side.Update(msg)
		return cmd
	}
	return nil
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	if m.conn.pending {
		m.conn.skip()
		return nil
	}
	if m.form != nil {
		return m.form.update(msg)
	}
	p := m.panes[m.focus]
	if common.IsCapturing(p) || common.Wants(p, msg) {
		_, cmd := p.Update(msg)
		return cmd
	}
	m.follow()
	sel := m.tree.selected()
	switch k := m.keys; {
	case key.Matches(msg, k.Next):
		m.setFocus((m.focus + 1) % paneID(len(m.panes)))
	case key.Matches(msg, k.Prev):
		m.setFocus((m.focus + paneID(len(m.panes)) - 1) % paneID(len(m.panes)))
	case key.Matches(msg, k.Fire):
		m.setFocus(paneConn)
		return m.conn.fireComposed()
	case key.Matches(msg, k.Refire):
		m.setFocus(paneConn)
		m.conn.refireAll()
	case key.Matches(msg, k.NewGroup):
		return openForm(newGroupForm(m.env, m.vpcOf(sel)))
	case key.Matches(msg, k.Launch):
		return openForm(launchForm(m.env, m.vpcOf(sel)))
	case key.Matches(msg, k.Groups):
		if sel.kind == kindGroup {
			return openForm(groupInstancesForm(m.env, sel.id))
		}
		return openForm(instanceGroupsForm(m.env, sel.id))
	case key.Matches(msg, k.Services):
		return openForm(servicesForm(m.env, sel))
	case key.Matches(msg, k.Undo):
		if m.undoLast() {
			return m.changed()
		}
	case key.Matches(msg, k.Save):
		if m.path == "" {
			return openForm(saveAsForm(m.env, m.suggestPath()))
		}
		return m.save()
	case key.Matches(msg, k.Open):
		return openForm(openFileForm(m.env, m.Unsaved()))
	}
	return nil
}

// vpcOf is the VPC a new group or instance goes in: the selection's, else
// the first.
func (m *Model) vpcOf(sel ref) string {
	w := m.env.w
	switch sel.kind {
	case kindVPC:
		return sel.id
	case kindGroup:
		return w.Group(sel.id).VPC
	case kindInstance:
		return w.Instance(sel.id).VPC
	}
	if len(w.VPCs) > 0 {
		return w.VPCs[0].ID
	}
	return ""
}

func (m *Model) suggestPath() string {
	name := strings.ToLower(strings.Join(strings.Fields(m.env.w.Name), "-"))
	if name == "" {
		name = "lab"
	}
	return name + ".yaml"
}

// apply runs a change on a copy of the world and keeps the copy if the
// change succeeds; the engine's error, with AWS's code, goes to the
// status line otherwise.
func (m *Model) apply(do func(w *engine.World) (done, error)) tea.Cmd {
	next := m.env.w.Clone()
	d, err := do(next)
	if err != nil {
		m.setStatus(common.StatusErr, err.Error())
		return nil
	}
	m.undo = append(m.undo, undoStep{world: m.env.w, what: d.status})
	if len(m.undo) > maxUndo {
		m.undo = m.undo[1:]
	}
	m.env.w = next
	m.setStatus(common.StatusOK, d.status)
	cmd := m.changed()
	if d.sel.kind != kindNone {
		m.tree.selectRef(d.sel)
	}
	if d.focus != paneWorld {
		m.setFocus(d.focus)
	}
	return cmd
}

// undoLast puts the world back as it was before the last change, and
// reports whether there was one.
func (m *Model) undoLast() bool {
	if len(m.undo) == 0 {
		m.setStatus(common.StatusInfo, "Nothing to undo.")
		return false
	}
	last := m.undo[len(m.undo)-1]
	m.undo = m.undo[:len(m.undo)-1]
	m.env.w = last.world
	m.setStatus(common.StatusOK, "Undone: "+last.what)
	return true
}

// changed brings every pane up to date with a new world, saves the
// scratch lab and tells whoever watches.
func (m *Model) changed() tea.Cmd {
	m.dirty = true
	for _, p := range []interface{ refresh() }{m.tree, m.detail, m.conn, m.grid} {
		p.refresh()
	}
	var cmds []tea.Cmd
	if m.saver != nil {
		cmds = append(cmds, m.saver.save(m.env.w, m.conn.connections()))
	}
	if m.onChange != nil {
		cmds = append(cmds, m.onChange(m.env.w))
	}
	if m.side != nil {
		_, cmd := m.side.Update(WorldChangedMsg{World: m.env.w})
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

func (m *Model) open(path string, w *engine.World) tea.Cmd {
	m.env.w = w
	m.undo = nil
	m.conn.seed(w.Connections)
	m.path, m.saver = path, nil
	m.title = w.Name
	if m.title == "" {
		m.title = filepath.Base(path)
	}
	cmd := m.changed()
	m.dirty = false
	m.setStatus(common.StatusOK, "Opened "+path)
	return cmd
}

func (m *Model) save() tea.Cmd {
	if err := engine.Save(m.env.w, m.path); err != nil {
		m.setStatus(common.StatusErr, "Could not save: "+err.Error())
		return nil
	}
	m.dirty = false
	m.setStatus(common.StatusOK, "Saved "+m.path)
	return nil
}

func (m *Model) closeForm() {
	m.form = nil
	m.layout()
}

func (m *Model) setFocus(p paneID) {
	if int(p) < len(m.panes) && p != m.focus {
		m.focus = p
		m.layout() // the stacked layout unfolds the focused pane
	}
}

func (m *Model) setStatus(k common.StatusKind, s string) {
	before := len(m.statusLines())
	m.kind, m.status = k, s
	if len(m.statusLines()) != before {
		m.layout() // the status line takes one or two lines
	}
}

// follow keeps the detail pane on the tree's selection and the lab's keys
// in step with what they can act on.
func (m *Model) follow() {
	sel := m.tree.selected()
	m.detail.show(sel)
	hasVPC := len(m.env.w.VPCs) > 0
	m.keys.NewGroup.SetEnabled(hasVPC)
	m.keys.Launch.SetEnabled(hasVPC)
	m.keys.Groups.SetEnabled(sel.kind == kindGroup || sel.kind == kindInstance)
	m.keys.Services.SetEnabled(sel.kind == kindInstance || sel.kind == kindHost)
	m.keys.Refire.SetEnabled(len(m.conn.history) > 0)
}

// Help: the open form's keys, or the focused pane's and then the lab's.

func (m *Model) ShortHelp() []key.Binding {
	switch {
	case m.conn.pending:
		return []key.Binding{m.keys.Skip}
	case m.form != nil:
		return append(m.form.keyBinds(), m.keys.Cancel)
	}
	k := m.keys
	return append(m.panes[m.focus].ShortHelp(), k.Fire, k.Refire, k.Next, k.NewGroup, k.Groups, k.Services, k.Undo)
}

func (m *Model) FullHelp() [][]key.Binding {
	if m.form != nil || m.conn.pending {
		return [][]key.Binding{m.ShortHelp()}
	}
	k := m.keys
	return append(m.panes[m.focus].FullHelp(),
		[]key.Binding{k.Next, k.Prev, k.Fire, k.Refire, k.Undo},
		[]key.Binding{k.NewGroup, k.Launch, k.Groups, k.Services},
		[]key.Binding{k.Save, k.Open})
}

// Layout: side by side when there is room, stacked otherwise.

const (
	wideWidth  = 100 // below this the panes stack
	wideHeight = 28
	sideWidth  = 130 // room needed to keep a side panel beside the panes
)

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.layout()
}

func (m *Model) layout() {
	w, body := m.width, m.bodyHeight()
	m.wide = w >= wideWidth && body >= wideHeight-2 && (m.side == nil || w >= sideWidth)
	clear(m.frames)
	if m.wide {
		main := w
		if m.side != nil {
			sw := min(max(w/4, 28), 44)
			main -= sw
			m.frames[paneSide] = size{sw, body}
		}
		// The rules and the connection read best up to about 100 columns;
		// a wider terminal's room goes to the world and the grid.
		right := min(main-min(max(main*2/5, 48), 60), 100)
		left := main - right
		gridH := min(max(m.grid.wantHeight()+2, 6), body/2)
		detailH := max(body*2/5, 10)
		m.frames[paneWorld] = size{left, body - gridH}
		m.frames[paneGrid] = size{left, gridH}
		m.frames[paneDetail] = size{right, detailH}
		m.frames[paneConn] = size{right, body - detailH}
	} else {
		open := body - (len(m.panes) - 1) // every other pane folds to one line
		for k := range m.panes {
			m.frames[paneID(k)] = size{w, open}
		}
	}
	for k, p := range m.panes {
		f := m.frames[paneID(k)]
		p.SetSize(max(f.w-4, 0), max(f.h-2, 0))
	}
	if m.form != nil {
		f := m.formFrame()
		m.form.setSize(max(f.w-4, 0), max(f.h-2, 0))
	}
}

// formFrame is where an open form goes: over the detail and connection
// panes when side by side, over everything when stacked.
func (m *Model) formFrame() size {
	if m.wide {
		return size{m.frames[paneDetail].w, m.frames[paneDetail].h + m.frames[paneConn].h}
	}
	return size{m.width, m.bodyHeight()}
}

// bodyHeight is what the header and the status lines leave for the panes.
func (m *Model) bodyHeight() int { return max(m.height-1-len(m.statusLines()), 0) }

func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	lines := make([]string, 0, m.height)
	lines = append(lines, common.Fit(m.header(), m.width))
	lines = append(lines, m.body()...)
	for _, l := range m.statusLines() {
		lines = append(lines, common.Fit(l, m.width))
	}
	return common.JoinLines(lines)
}

func (m *Model) frame(id paneID) []string {
	p, f := m.panes[id], m.frames[id]
	return common.Frame(m.env.st, p.title(), p.render(), f.w, f.h, id == m.focus)
}

func (m *Model) formView() []string {
	f := m.formFrame()
	return common.Frame(m.env.st, m.form.title, m.form.render(), f.w, f.h, true)
}

func (m *Model) body() []string {
	if !m.wide {
		if m.form != nil {
			return m.formView()
		}
		var out []string
		for k, p := range m.panes {
			if paneID(k) == m.focus {
				out = append(out, m.frame(paneID(k))...)
				continue
			}
			st := m.env.st
			out = append(out, common.Fit(st.Faint.Render(theme.Collapsed+" ")+st.PaneTitle.Render(p.title())+st.Faint.Render("  "+p.summary()), m.width))
		}
		return out
	}
	left := append(m.frame(paneWorld), m.frame(paneGrid)...)
	right := m.formView
	if m.form == nil {
		right = func() []string { return append(m.frame(paneDetail), m.frame(paneConn)...) }
	}
	cols := [][]string{left, right()}
	if m.side != nil {
		cols = append(cols, m.frame(paneSide))
	}
	return common.Beside(cols...)
}

func (m *Model) header() string {
	st := m.env.st
	where := "not saved to a file"
	switch {
	case m.saver != nil:
		where = "autosaved"
	case m.path != "" && m.dirty:
		where = filepath.Base(m.path) + " · modified (ctrl+s saves)"
	case m.path != "":
		where = filepath.Base(m.path) + " · saved"
	}
	return st.Title.Render("sglab lab") + st.Muted.Render(" · "+m.title+" · "+where)
}

// statusLines is the last message, on at most two lines.
func (m *Model) statusLines() []string {
	return common.StatusLines(m.env.st, m.kind, m.status, m.width)
}

// sidePane adapts a side panel to the lab's panes.
type sidePane struct {
	common.Component
	name string
}

func (s sidePane) title() string { return s.name }
func (s sidePane) summary() string {
	if sm, ok := s.Component.(interface{ Summary() string }); ok {
		return sm.Summary()
	}
	return ""
}
func (s sidePane) render() []string { return common.Lines(s.View()) }
