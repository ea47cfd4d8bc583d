package lab

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/theme"
)

// examPorts are the ports of the reachability grid: the ones the AWS
// Cloud Practitioner exam asks about.
func examPorts() []int { return []int{21, 22, 80, 443, 3389} }

// gridPane shows every source against every destination on the exam
// ports, one letter per port: C connected, R refused, T timeout. In a
// small world the engine builds the whole matrix once per change, and
// drawing only reads it; in a big one (an imported account of thousands
// of machines, whose matrix would take seconds and hundreds of megabytes)
// each cell is evaluated when it first shows, and kept until the world
// changes.
type gridPane struct {
	env           *env
	ports         []int                   // examPorts
	ends          []engine.Endpoint       // the machines: instances, then hosts
	m             *engine.Matrix          // the whole matrix, in a small world
	pairs         map[int][]engine.Reason // else: each pair of machines seen, every port
	lastPair      int
	last          []engine.Reason // pairs[lastPair]
	drawn         drawnLines      // rows drawn, but the cursor's
	drawnFor      gridView        // the view they were drawn for
	widest        int             // the widest row label, up to 30 cells
	row, col      int             // the cursor: source row, destination*len(ports)+port
	top, left     int             // the first source row and destination column shown
	first         int             // in accessible mode, the first line of the list shown
	width, height int
	keys          gridKeys
	letters       map[engine.Outcome][2]string // letters, plain and under the cursor
}

// gridView is what a row's line depends on beside the world: the first
// destination shown, the width of the labels, how many destinations show.
type gridView struct{ left, labels, dsts int }

// matrixCells is the largest matrix the grid builds whole: about 450
// machines on five ports, a few milliseconds of work.
const matrixCells = 1 << 20

type gridKeys struct {
	Up, Down, Left, Right, PageUp, PageDown, Fire key.Binding
}

func newGrid(e *env) *gridPane {
	mk := newMoveKeys()
	g := &gridPane{env: e, ports: examPorts(), keys: gridKeys{
		Up: mk.Up, Down: mk.Down, Left: mk.Left, Right: mk.Right, PageUp: mk.PageUp, PageDown: mk.PageDown,
		Fire: bind([]string{"enter"}, "enter", "fire this one"),
	}}
	if e.ctx.Accessible { // a list: see listLines
		g.keys.Left.SetHelp("←", "previous pair of machines")
		g.keys.Right.SetHelp("→", "next pair of machines")
	}
	// Styling a letter is the costly part of drawing a large grid, so each
	// kind of cell is styled once.
	st := e.st
	g.letters = map[engine.Outcome][2]string{}
	for o, letter := range map[engine.Outcome]string{engine.OutcomeNone: "·", engine.Connected: "C", engine.Refused: "R", engine.Timeout: "T"} {
		style := st.Faint
		if o != engine.OutcomeNone {
			style = outcomeStyle(st, o)
		}
		g.letters[o] = [2]string{style.Render(letter), style.Reverse(true).Render(letter)}
	}
	g.refresh()
	return g
}

func (g *gridPane) Init() tea.Cmd { return nil }

func (g *gridPane) SetSize(w, h int) { g.width, g.height = w, h; g.scroll() }

func (g *gridPane) refresh() {
	w := g.env.w
	g.ends = g.ends[:0]
	for _, i := range w.Instances {
		g.ends = append(g.ends, engine.Endpoint{Instance: i})
	}
	for _, h := range w.Hosts {
		g.ends = append(g.ends, engine.Endpoint{Host: h})
	}
	n := len(g.ends)
	g.m, g.pairs, g.last = nil, map[int][]engine.Reason{}, nil
	g.drawn.reset(g.height)
	if n*n*len(g.ports) <= matrixCells {
		g.m = engine.BuildMatrix(w, g.ports)
	}
	g.widest = 8
	for k, e := range g.ends {
		if g.widest >= 30 {
			break // labelWidth goes no wider
		}
		g.widest = max(g.widest, len(strconv.Itoa(k+1))+1+ansi.StringWidth(safe(e.Label())))
	}
	g.row = max(min(g.row, n-1), 0)
	g.col = max(min(g.col, n*len(g.ports)-1), 0)
	g.scroll()
}

// at is the reason (and so the outcome) of the connection from machine
// src to machine dst on ports[port]: from the matrix, or evaluated on
// every port when the pair first shows. A row draws a pair's ports one
// after the other: the last pair is at hand.
func (g *gridPane) at(src, dst, port int) engine.Reason {
	switch {
	case g.m != nil:
		return g.m.At(src, dst, port)
	case src == dst:
		return engine.ReasonNone
	}
	k := src*len(g.ends) + dst
	if k == g.lastPair && g.last != nil {
		return g.last[port]
	}
	rs, ok := g.pairs[k]
	if !ok {
		if len(g.pairs) >= 1<<14 {
			clear(g.pairs) // a learner who scrolled far: keep memory bounded
		}
		rs = make([]engine.Reason, len(g.ports))
		for p, port := range g.ports {
			rs[p] = engine.Evaluate(g.env.w, engine.Connection{From: endpointID(g.ends[src]), To: endpointID(g.ends[dst]),
				Protocol: engine.ProtoTCP, Port: port}).Reason
		}
		g.pairs[k] = rs
	}
	g.lastPair, g.last = k, rs
	return rs[port]
}

// wantHeight is the height that shows every row at width.
func (g *gridPane) wantHeight(width int) int {
	w := g.width
	g.width = width
	n := len(g.info())
	g.width = w
	return len(g.ends) + 2 + n
}

func (g *gridPane) title() string {
	long := "Reachability · tcp " + strings.Trim(fmt.Sprint(g.ports), "[]")
	if ansi.StringWidth(long) <= g.width-2 { // the frame's corners and padding
		return long
	}
	return "Reachability · tcp"
}

func (g *gridPane) summary() string {
	if g.m == nil {
		return fmt.Sprintf("%d machines: each cell is worked out as it shows", len(g.ends))
	}
	count := map[engine.Outcome]int{}
	for r, n := range g.m.Count() {
		if r != engine.ReasonNone {
			count[r.Outcome()] += n
		}
	}
	if g.env.ctx.Accessible {
		return fmt.Sprintf("%d connected, %d refused, %d timed out", count[engine.Connected], count[engine.Refused], count[engine.Timeout])
	}
	return fmt.Sprintf("C %d · R %d · T %d", count[engine.Connected], count[engine.Refused], count[engine.Timeout])
}

// labelWidth is the room for the row labels, the cursor mark and a gap
// before the cells: whole names when every destination still fits,
// shorter ones rather than hiding destinations, and whole names again
// when the destinations scroll anyway.
func (g *gridPane) labelWidth() int {
	full, blocks := min(g.widest, 30)+3, len(g.ends)*g.cellWidth()
	switch {
	case full+blocks <= g.width:
		return full
	case 12+blocks <= g.width:
		return g.width - blocks
	}
	return min(full, 19)
}

// cellWidth is one destination's block: a letter per port and a space.
func (g *gridPane) cellWidth() int { return len(g.ports) + 1 }

// visible is how many source rows and destination blocks fit.
func (g *gridPane) visible() (rows, dsts int) {
	return max(g.height-2-len(g.info()), 1), max((g.width-g.labelWidth())/g.cellWidth(), 1)
}

func (g *gridPane) scroll() {
	if g.env.ctx.Accessible {
		if len(g.ends) < 2 {
			return
		}
		at := g.cursorLine()
		g.setCursorLine(at)        // off the diagonal, which the list leaves out
		rows := max(g.height-1, 1) // the cursor's line may take two
		g.first = max(min(g.first, at), at-rows+1, 0)
		return
	}
	rows, dsts := g.visible()
	g.top = max(min(g.top, g.row), g.row-rows+1, 0)
	d := g.col / len(g.ports)
	g.left = max(min(g.left, d), d-dsts+1, 0)
}

func (g *gridPane) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok || len(g.ends) == 0 {
		return g, nil
	}
	n := len(g.ends)
	rows, _ := g.visible()
	if g.env.ctx.Accessible {
		// One line per cell: up and down go through them in order, left
		// and right from one pair of machines to the next.
		step := 0
		switch {
		case key.Matches(km, g.keys.Up):
			step = -1
		case key.Matches(km, g.keys.Down):
			step = 1
		case key.Matches(km, g.keys.Left):
			step = -len(g.ports)
		case key.Matches(km, g.keys.Right):
			step = len(g.ports)
		case key.Matches(km, g.keys.PageUp):
			step = -max(g.height-1, 1)
		case key.Matches(km, g.keys.PageDown):
			step = max(g.height-1, 1)
		}
		if step != 0 && n > 1 {
			g.setCursorLine(max(min(g.cursorLine()+step, g.listLen()-1), 0))
			g.scroll()
			return g, nil
		}
	}
	switch {
	case key.Matches(km, g.keys.Up):
		g.row = max(g.row-1, 0)
	case key.Matches(km, g.keys.Down):
		g.row = min(g.row+1, n-1)
	case key.Matches(km, g.keys.PageUp):
		g.row = max(g.row-rows, 0)
	case key.Matches(km, g.keys.PageDown):
		g.row = min(g.row+rows, n-1)
	case key.Matches(km, g.keys.Left):
		g.col = max(g.col-1, 0)
	case key.Matches(km, g.keys.Right):
		g.col = min(g.col+1, n*len(g.ports)-1)
	case key.Matches(km, g.keys.Fire):
		if conn, ok := g.cursorConn(); ok {
			return g, func() tea.Msg { return fireMsg{conn} }
		}
	}
	g.scroll()
	return g, nil
}

// cursorConn is the connection of the cell under the cursor.
func (g *gridPane) cursorConn() (engine.Connection, bool) {
	src, dst, p := g.row, g.col/len(g.ports), g.col%len(g.ports)
	if src == dst || len(g.ends) == 0 {
		return engine.Connection{}, false
	}
	return engine.Connection{From: endpointID(g.ends[src]), To: endpointID(g.ends[dst]),
		Protocol: engine.ProtoTCP, Port: g.ports[p]}, true
}

// endpointID is how a connection names an endpoint: the machine's id, or
// the address when no machine has it.
func endpointID(e engine.Endpoint) string {
	switch {
	case e.Instance != nil:
		return e.Instance.ID
	case e.Host != nil:
		return e.Host.ID
	}
	return e.Addr.String()
}

// In accessible mode the grid is a list, one line per cell: a source, a
// destination and a port, in that order. cells1 is how many lines it
// has; cursorLine and setCursorLine map the cursor to its line.

func (g *gridPane) listLen() int {
	n := len(g.ends)
	return n * max(n-1, 0) * len(g.ports)
}

// cellAt is the source, destination and port of list line k.
func (g *gridPane) cellAt(k int) (src, dst, port int) {
	n, np := len(g.ends), len(g.ports)
	src, k = k/((n-1)*np), k%((n-1)*np)
	dst, port = k/np, k%np
	if dst >= src {
		dst++ // a machine is not listed against itself
	}
	return src, dst, port
}

func (g *gridPane) cursorLine() int {
	n, np := len(g.ends), len(g.ports)
	if n < 2 {
		return 0
	}
	dst, port := g.col/np, g.col%np
	if dst == g.row { // on the diagonal, which the list leaves out
		dst = (dst + 1) % n
	}
	if dst > g.row {
		dst--
	}
	return (g.row*(n-1)+dst)*np + port
}

func (g *gridPane) setCursorLine(k int) {
	src, dst, port := g.cellAt(k)
	g.row, g.col = src, dst*len(g.ports)+port
}

// listLines is the visible part of the list, the cursor's line with the
// reason for its outcome.
func (g *gridPane) listLines() []string {
	st := g.env.st
	if len(g.ends) < 2 {
		return []string{st.Muted.Render("Nothing to connect yet: a connection needs two machines.")}
	}
	at := g.cursorLine()
	var lines []string
	for k := g.first; k < g.listLen() && len(lines) < g.height; k++ {
		src, dst, port := g.cellAt(k)
		r := g.at(src, dst, port)
		line := fmt.Sprintf("%s: %s %s", g.env.ctx.Route(safe(g.ends[src].Label()), safe(g.ends[dst].Label())),
			portLabel(engine.ProtoTCP, g.ports[port]), outcomeWords(r.Outcome()))
		if k != at {
			lines = append(lines, common.Fit("  "+line, g.width))
			continue
		}
		lines = append(lines, selectable(st, common.Wrap(line+" ("+reasonWords(r)+")", g.width-2), true, g.width)...)
	}
	return lines
}

// outcomeWords says an outcome as a sentence would.
func outcomeWords(o engine.Outcome) string {
	if o == engine.Timeout {
		return "timed out"
	}
	return o.String()
}

func (g *gridPane) ShortHelp() []key.Binding { return []key.Binding{g.keys.Fire} }

func (g *gridPane) FullHelp() [][]key.Binding {
	k := g.keys
	return [][]key.Binding{{k.Up, k.Down, k.Left, k.Right, k.PageUp, k.PageDown}, {k.Fire}}
}

func (g *gridPane) View() string { return strings.Join(g.render(), "\n") }

// render draws only the rows and blocks that fit, from pre-styled
// letters: a 200-machine world costs what fits on the screen.
func (g *gridPane) render() []string {
	st := g.env.st
	n := len(g.ends)
	if g.env.ctx.Accessible {
		return g.listLines()
	}
	if n == 0 {
		return []string{st.Muted.Render("Nothing to connect yet.")}
	}
	lw := g.labelWidth()
	rows, dsts := g.visible()
	np := len(g.ports)
	cd, cp := g.col/np, g.col%np

	var b strings.Builder
	b.WriteString(common.Fit("from ╲ to", lw))
	for d := g.left; d < min(g.left+dsts, n); d++ {
		b.WriteString(blockHead(d+1, d == cd, cp, g.cellWidth()))
	}
	lines := []string{st.Faint.Render(b.String())}

	if now := (gridView{g.left, lw, dsts}); now != g.drawnFor {
		g.drawn.reset(g.height)
		g.drawnFor = now
	}
	for s := g.top; s < min(g.top+rows, n); s++ {
		if s == g.row {
			lines = append(lines, g.rowLine(s, lw, dsts, cd, cp))
			continue
		}
		lines = append(lines, g.drawn.get(s, func() string { return g.rowLine(s, lw, dsts, -1, -1) }))
	}

	return append(append(lines, ""), g.info()...)
}

// rowLine draws source row s: its label, and its blocks from g.left, the
// cell at destination cd and port cp under the cursor (-1 for none).
func (g *gridPane) rowLine(s, lw, dsts, cd, cp int) string {
	var b strings.Builder
	label := fmt.Sprintf("%d %s", s+1, safe(g.ends[s].Label()))
	if s == g.row {
		b.WriteString(g.env.st.Bold.Render(common.Fit(theme.Cursor+" "+label, lw-1)) + " ")
	} else {
		b.WriteString(common.Fit("  "+label, lw-1) + " ")
	}
	for d := g.left; d < min(g.left+dsts, len(g.ends)); d++ {
		for p := range g.ports {
			under := 0
			if d == cd && p == cp {
				under = 1
			}
			b.WriteString(g.letters[g.at(s, d, p).Outcome()][under])
		}
		b.WriteByte(' ')
	}
	return b.String()
}

// blockHead is the header over destination n's block: its number, and a
// v over the cursor's port when the cursor is in the block, so that the
// cell under the cursor shows without colour (the row has its >).
func blockHead(n int, cursor bool, port, width int) string {
	num := strconv.Itoa(n)
	cells := []rune(strings.Repeat(" ", width))
	if !cursor {
		return num + string(cells[len(num):])
	}
	at := 0 // the number goes left of the v, or right of it when it cannot
	if port <= len(num) {
		at = port + 1
	}
	copy(cells[at:], []rune(num))
	cells[port] = 'v'
	return string(cells)
}

// info is the line under the grid: the cell under the cursor in words, or
// the legend.
func (g *gridPane) info() []string {
	st := g.env.st
	conn, ok := g.cursorConn()
	if !ok {
		return common.Wrap(st.Faint.Render("C connected · R refused · T timeout · each block: "+strings.Trim(fmt.Sprint(g.ports), "[]")), g.width)
	}
	cd, cp := g.col/len(g.ports), g.col%len(g.ports)
	r := g.at(g.row, cd, cp)
	return common.Wrap(fmt.Sprintf("%s → %s %s: %s %s", safe(g.ends[g.row].Label()), safe(g.ends[cd].Label()),
		portLabel(conn.Protocol, conn.Port), outcomeStyle(st, r.Outcome()).Render(r.Outcome().String()), st.Faint.Render("("+reasonWords(r)+")")), g.width)
}

// reasonWords says why a connection has its outcome, in words.
func reasonWords(r engine.Reason) string {
	switch r {
	case engine.Allowed:
		return "let in, and something listens"
	case engine.NoListener:
		return "let in, but nothing listens"
	case engine.InboundBlocked:
		return "no inbound rule lets it in"
	case engine.OutboundBlocked:
		return "no outbound rule lets it out"
	case engine.Unreachable:
		return "no address to reach it by"
	}
	return ""
}
