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
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

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
func WithPath(path string) Option { return func(m *Model) { m.path = absolute(path) } }

// absolute is path made absolute, for messages that say where a file is.
func absolute(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

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

// WithConnection puts the Connection pane's pickers on conn, so that f
// fires it: a challenge opens on its first goal's connection.
func WithConnection(conn engine.Connection) Option { return func(m *Model) { m.conn.pick(conn) } }

// WithLeave names what the leave key does ("go back to the lesson"); the
// default is "leave the lab".
func WithLeave(what string) Option { return func(m *Model) { m.leave = what } }

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

	form    *form
	undo    []undoStep // the changes made, the last one last
	redo    []undoStep // the changes undone, the last one undone last
	leave   string     // what the leave key says it does
	path    string
	dirty   bool
	version int            // counts changes, so a save knows whether it wrote the latest
	saving  sync.WaitGroup // saves in flight
	saver   *autosaver
	title   string
	status  string
	kind    common.StatusKind

	width, height int
	wide          bool
	frames        map[paneID]size // frame sizes in the current layout
}

type size struct{ w, h int }

// undoStep is the world on the other side of one change, and how the
// world reads after undoing and after redoing it.
type undoStep struct {
	world      *engine.World
	undo, redo string
}

// maxUndo bounds the undo history; each step is a copy of the world.
const maxUndo = 100

// New returns a lab on world w. The lab owns w from now on.
func New(ctx *common.Context, w *engine.World, opts ...Option) *Model {
	e := &env{ctx: ctx, st: ctx.Styles, w: w}
	m := &Model{env: e, keys: newLabKeys(), title: w.Name, leave: "leave the lab", frames: map[paneID]size{}}
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
	m.keys.Leave.SetHelp("b", m.leave)
	// Served over SSH, the machine's files are the server's: a learner
	// neither reads nor writes them. Their lab is kept in the class's
	// store all the same.
	m.keys.Save.SetEnabled(!ctx.Remote)
	m.keys.Open.SetEnabled(!ctx.Remote)
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

// Capturing reports whether the lab takes every key: a form is open, a
// connection is waiting (any key skips the wait), or the focused pane
// takes text (the world's filter).
func (m *Model) Capturing() bool {
	return m.form != nil || m.conn.pending || common.IsCapturing(m.panes[m.focus])
}

// Unsaved names the changes that quitting would lose.
func (m *Model) Unsaved() string {
	if m.dirty && m.path != "" {
		return "the changes to " + filepath.Base(m.path)
	}
	return ""
}

// Close waits for saves in flight and writes a pending autosave before
// the program ends.
func (m *Model) Close() error {
	if m.form != nil {
		m.form.close()
	}
	m.saving.Wait()
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
	formMsg  struct{ f *form }
	focusMsg struct{ pane paneID }
	fireMsg  struct{ conn engine.Connection }
	// aimMsg puts a machine in the Connection pane's To picker, or its
	// From picker, so that f tests it: how a connection finds one machine
	// among thousands.
	aimMsg struct {
		id   string
		from bool
	}
	openWorldMsg struct {
		path string
		w    *engine.World
	}
	// saveAsMsg asks to save the lab at path, an absolute path, in
	// format; replace says the learner agreed to replace a file there.
	saveAsMsg struct {
		path    string
		replace bool
		format  saveFormat
	}
	// statusMsg puts a message in the status line.
	statusMsg struct {
		kind common.StatusKind
		text string
	}
	// savedMsg reports a save: version is the lab's version it wrote,
	// what is what it wrote ("the lab", or an export of its groups).
	savedMsg struct {
		path    string
		version int
		export  bool
		what    string
		err     error
	}
)

// done says what a change did, and where to look next. undo and redo
// state how the world is once the change is undone or redone ("ssh-from-me
// is attached to web-1 again"): a learner reads the result, not a replay
// of the change.
type done struct {
	status     string
	undo, redo string
	sel        ref    // select this in the world tree, if set
	focus      paneID // then focus this pane, if not paneWorld
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
	if m.conn.fired != fired && m.kind == common.StatusInfo {
		m.setStatus(common.StatusInfo, "") // a hint such as "press f to fire" is done with
	}
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
	case aimMsg:
		m.conn.aim(msg.id, msg.from)
		conn := m.conn.composedConn()
		m.setStatus(common.StatusInfo, "Next test: "+m.env.ctx.Route(m.conn.label(conn.From), m.conn.label(conn.To))+" "+
			portLabel(conn.Protocol, conn.Port)+". f fires it; the Connection pane changes the port.")
		return nil
	case spinner.TickMsg:
		return m.conn.tick(msg)
	case openWorldMsg:
		return m.open(msg.path, msg.w)
	case saveAsMsg:
		if msg.format.export != "" {
			// An export is a copy for AWS: the lab stays the file it was.
			return m.write(msg.path, msg.replace, msg.format)
		}
		m.path = msg.path
		m.saver = nil // a lab saved to a file is that file's now, not the scratch lab
		return m.save(msg.replace)
	case statusMsg:
		m.setStatus(msg.kind, msg.text)
		return nil
	case savedMsg:
		if msg.err != nil {
			m.setStatus(common.StatusErr, "Could not save: "+msg.err.Error())
			return nil
		}
		if msg.export {
			m.setStatus(common.StatusOK, "Wrote "+msg.what+" to "+msg.path)
			return nil
		}
		if msg.version == m.version {
			m.dirty = false
		}
		m.setStatus(common.StatusOK, "Saved "+msg.path+" · ctrl+s again exports it")
		return nil
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
	// The status line's advice names keys that type into the filter once
	// it opens: say what the keys do as the filter opens and closes.
	typing, filtered := m.tree.typing, m.tree.query != ""
	defer func() {
		switch t := m.tree; {
		case t.typing && !typing:
			m.setStatus(common.StatusInfo, "Filter the world: type part of a name, id, address or group. enter keeps the filter, esc clears it.")
		case typing && !t.typing && t.query != "":
			m.setStatus(common.StatusInfo, "Filter "+quoted(t.query)+" kept: "+t.matches()+". / changes it, esc clears it.")
		case (typing || filtered) && !t.typing && t.query == "":
			m.setStatus(common.StatusInfo, "The filter is cleared: the world tree shows everything.")
		}
	}()
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
	case key.Matches(msg, k.NewGroup):
		return openForm(newGroupForm(m.env, m.vpcOf(sel)))
	case key.Matches(msg, k.NewACL):
		return openForm(newACLForm(m.env, m.vpcOf(sel)))
	case key.Matches(msg, k.NewSubnet):
		return openForm(newSubnetForm(m.env, m.vpcOf(sel)))
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
	case key.Matches(msg, k.Redo):
		if m.redoLast() {
			return m.changed()
		}
	case key.Matches(msg, k.Back):
		if m.focus != paneWorld {
			m.setFocus(paneWorld)
			return nil
		}
		m.setStatus(common.StatusInfo, "You are at the top of the lab: press b to "+m.leave+".")
	case key.Matches(msg, k.Leave):
		return common.Back
	case key.Matches(msg, k.Save):
		if m.path == "" || !m.dirty {
			// Nothing to save to the lab's own file: save elsewhere, or export.
			return openForm(saveAsForm(m.env, m.suggestPath()))
		}
		return m.save(true) // the lab's own file
	case key.Matches(msg, k.Open):
		return openForm(openFileForm(m.env, m.Unsaved()))
	case key.Matches(msg, m.tree.keys.Filter):
		// From any pane: the filter is how to find one thing among many.
		m.setFocus(paneWorld)
		_, cmd := m.tree.Update(msg)
		return cmd
	case m.forwarded(msg):
		// A side panel's own key (h for a hint) works from any pane, and
		// shows the panel it acts on.
		m.setFocus(paneSide)
		_, cmd := m.side.Update(msg)
		return cmd
	}
	return nil
}

// forwarded reports whether msg is one of the side panel's keys that
// work from any pane.
func (m *Model) forwarded(msg tea.KeyMsg) bool {
	for _, b := range m.sideKeys() {
		if key.Matches(msg, b) {
			return true
		}
	}
	return false
}

// sideKeys are the side panel's keys that work from any pane: those of
// its short help that it uses now and the lab never does (s, say, is the
// lab's services key even where it does nothing).
func (m *Model) sideKeys() []key.Binding {
	if m.side == nil {
		return nil
	}
	var out []key.Binding
	for _, b := range m.side.ShortHelp() {
		if b.Enabled() && !slices.ContainsFunc(b.Keys(), func(k string) bool { return slices.Contains(m.keys.all(), k) }) {
			out = append(out, b)
		}
	}
	return out
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
	case kindSubnet:
		return w.Subnet(sel.id).VPC
	case kindACL:
		return w.NetworkACL(sel.id).VPC
	}
	if len(w.VPCs) > 0 {
		return w.VPCs[0].ID
	}
	return ""
}

// suggestPath is where save-as offers to write: a file named after the
// lab in the working directory, as an absolute path, so that the form
// names the directory it saves in.
func (m *Model) suggestPath() string {
	if m.path != "" {
		return m.path
	}
	name := strings.ToLower(strings.Join(strings.Fields(m.env.w.Name), "-"))
	if name == "" {
		name = "lab"
	}
	dir, err := os.Getwd()
	if err != nil {
		dir = m.env.ctx.DataDir
	}
	return filepath.Join(dir, name+".yaml")
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
	m.push(&m.undo, undoStep{world: m.env.w, undo: d.undo, redo: d.redo})
	m.redo = nil
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

// push adds a step to an undo or redo list, forgetting the oldest beyond
// maxUndo.
func (m *Model) push(list *[]undoStep, s undoStep) {
	*list = append(*list, s)
	if len(*list) > maxUndo {
		*list = slices.Delete(*list, 0, 1)
	}
}

// undoLast puts the world back as it was before the last change, and
// reports whether there was one.
func (m *Model) undoLast() bool {
	return m.travel(&m.undo, &m.redo, "Nothing to undo.", func(s undoStep) string { return "Undone: " + s.undo + "." })
}

// redoLast makes again the change undone last, and reports whether there
// was one.
func (m *Model) redoLast() bool {
	return m.travel(&m.redo, &m.undo, "Nothing to redo.", func(s undoStep) string { return "Redone: " + s.redo + "." })
}

// travel moves the world one step through its history: it takes the last
// step of from, keeps the world it leaves on to, and says how the world
// is now (or none, when from is empty).
func (m *Model) travel(from, to *[]undoStep, none string, says func(undoStep) string) bool {
	if len(*from) == 0 {
		m.setStatus(common.StatusInfo, none)
		return false
	}
	last := (*from)[len(*from)-1]
	*from = (*from)[:len(*from)-1]
	m.push(to, undoStep{world: m.env.w, undo: last.undo, redo: last.redo})
	m.env.w = last.world
	m.setStatus(common.StatusOK, says(last))
	return true
}

// changed brings every pane up to date with a new world, saves the
// scratch lab and tells whoever watches.
func (m *Model) changed() tea.Cmd {
	m.dirty = true
	m.version++
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
	m.undo, m.redo = nil, nil
	m.conn.seed(w.Connections)
	m.path, m.saver = absolute(path), nil
	m.title = w.Name
	if m.title == "" {
		m.title = filepath.Base(path)
	}
	cmd := m.changed()
	m.dirty = false
	m.setStatus(common.StatusOK, "Opened "+path)
	return cmd
}

// save writes the world to the lab's file in a command, off the UI
// goroutine. Unless replace is set, a file that appeared at the path in
// the meantime is left alone. Close waits for saves in flight.
func (m *Model) save(replace bool) tea.Cmd {
	return m.write(m.path, replace, saveFormats()[0])
}

// write writes the world to path in format f, as save does.
func (m *Model) write(path string, replace bool, f saveFormat) tea.Cmd {
	w, version := m.env.w, m.version // a world the lab has shown is never changed
	source := w.Name
	if source == "" {
		source = "the sglab lab"
	}
	m.setStatus(common.StatusInfo, "Saving "+path+"…")
	m.saving.Add(1)
	return func() tea.Msg {
		defer m.saving.Done()
		done := savedMsg{path: path, version: version, export: f.export != "", what: f.describe(w)}
		if _, err := os.Lstat(path); err == nil && !replace {
			done.err = fmt.Errorf("%s exists now; save again to choose", path)
			return done
		}
		done.err = f.writeFile(w, path, source)
		return done
	}
}

func (m *Model) closeForm() {
	m.form.close()
	m.form = nil
	m.layout()
}

func (m *Model) setFocus(p paneID) {
	if p != paneWorld {
		m.tree.stopTyping()
	}
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
	m.keys.NewACL.SetEnabled(hasVPC)
	m.keys.NewSubnet.SetEnabled(hasVPC)
	m.keys.Groups.SetEnabled(sel.kind == kindGroup || sel.kind == kindInstance)
	m.keys.Services.SetEnabled(sel.kind == kindInstance || sel.kind == kindHost)
	if m.wide {
		m.layout() // the details may want another height for what they show now
	}
	if m.focus == paneWorld {
		m.keys.Back.SetHelp("esc", "up a level")
	} else {
		m.keys.Back.SetHelp("esc", "back to the world")
	}
}

// Help: the open form's keys, or the focused pane's and then the lab's.

func (m *Model) ShortHelp() []key.Binding {
	switch {
	case m.conn.pending:
		return []key.Binding{m.keys.Skip}
	case m.form != nil:
		return append(m.form.keyBinds(), m.keys.Cancel)
	case m.tree.typing: // every other key types
		return m.tree.ShortHelp()
	}
	k := m.keys
	short := append(m.panes[m.focus].ShortHelp(), k.Fire)
	if m.focus != paneSide {
		short = append(short, m.sideKeys()...)
	}
	if m.focus != paneWorld {
		short = append(short, k.Back)
	}
	return append(short, k.Next, k.NewGroup, k.Groups, k.Services, k.Undo)
}

// AnchoredHelp is the way out of the lab, which the help bar always shows.
func (m *Model) AnchoredHelp() []key.Binding {
	if m.form != nil || m.conn.pending || m.tree.typing {
		return nil
	}
	return []key.Binding{m.keys.Leave}
}

func (m *Model) FullHelp() [][]key.Binding {
	if m.form != nil || m.conn.pending || m.tree.typing {
		return [][]key.Binding{m.ShortHelp()}
	}
	k := m.keys
	full := m.panes[m.focus].FullHelp()
	if side := m.sideKeys(); m.focus != paneSide && len(side) > 0 {
		full = append(full, side) // the root routes to the lab only the keys its help lists
	}
	if m.focus != paneWorld {
		full = append(full, []key.Binding{m.tree.keys.Filter})
	}
	if m.path == "" || !m.dirty { // see key: the form, with the export formats
		k.Save.SetHelp("ctrl+s", "save as/export")
	}
	return append(full,
		[]key.Binding{k.Next, k.Prev, k.Fire, k.Undo, k.Redo},
		[]key.Binding{k.NewGroup, k.Launch, k.Groups, k.Services, k.NewACL, k.NewSubnet},
		[]key.Binding{k.Save, k.Open, k.Back, k.Leave})
}

// Layout: side by side when there is room, stacked otherwise.

const (
	wideWidth  = 100 // below this the panes stack
	wideHeight = 28
	sideWidth  = 120 // room needed to keep a side panel beside the panes
)

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.layout()
}

func (m *Model) layout() {
	w, body := m.width, m.bodyHeight()
	// Accessible mode stacks the panes at any size: panes side by side
	// mix their lines for a screen reader, which reads across the screen.
	m.wide = !m.env.ctx.Accessible && w >= wideWidth && body >= wideHeight-2 && (m.side == nil || w >= sideWidth)
	clear(m.frames)
	if m.wide {
		// The rules and the connection read best up to about 100 columns;
		// a wider terminal's room goes to the world and the grid. A side
		// panel (a challenge's goals) takes a quarter, at least 28.
		main, left := w, min(max(w*2/5, 38), 60)
		if m.side != nil {
			sw := min(max(w*7/30, 28), 44)
			main -= sw
			left = min(max(main*9/20, 40), 60)
			m.frames[paneSide] = size{sw, body}
		}
		right := min(main-left, 100)
		left = main - right
		gridH := min(max(m.grid.wantHeight(left-4)+2, 6), body/2)
		// Focused, the details take what they need to show whole (an
		// instance's two merged tables) as long as the connection keeps
		// room for its result; the connection, focused, takes all the
		// details do not need.
		detailH := max(body*2/5, 10)
		switch m.focus {
		case paneDetail:
			detailH = max(min(m.detail.wantHeight(right-4)+2, body-14), detailH)
		case paneConn:
			detailH = max(min(m.detail.wantHeight(right-4)+2, detailH), 8)
		}
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
	body := p.render()
	note := ""
	if s, ok := p.(interface{ more() bool }); ok && s.more() {
		note = m.env.ctx.Mark("↓ more", "more below")
		if id != m.focus {
			note += ": tab here"
		}
	}
	return common.FrameNote(m.env.st, p.title(), note, body, f.w, f.h, id == m.focus)
}

func (m *Model) formView() []string {
	f := m.formFrame()
	body := m.form.render()
	return common.FrameNote(m.env.st, m.form.title, m.form.note, body, f.w, f.h, true)
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
			folded := st.Faint.Render(theme.Collapsed+" ") + st.PaneTitle.Render(p.title()) + st.Faint.Render("  "+p.summary())
			if m.env.ctx.Accessible {
				// Cut, the line would lose the end of its summary, which a
				// screen reader cannot see is missing: the title's details
				// ("Reachability · tcp 21 22 …") go first.
				name, _, _ := strings.Cut(p.title(), " · ")
				folded = st.PaneTitle.Render(name+": ") + st.Faint.Render(p.summary())
			}
			out = append(out, common.Fit(folded, m.width))
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
	return st.Title.Render("sglab lab") + st.Muted.Render(" · "+safe(m.title)+" · "+safe(where))
}

// statusLines is the last message, on at most two lines.
func (m *Model) statusLines() []string {
	return common.StatusLines(m.env.ctx, m.kind, m.status, m.width)
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
