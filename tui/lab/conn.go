package lab

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/theme"
)

// connPane fires test connections: pick a source, a destination and a
// port, fire, and see what the client would print, why, and every step
// the engine took. Recent connections stay in a history that can be fired
// again after a change, to watch the same test flip.
type connPane struct {
	env  *env
	keys connKeys

	machines []string // ids of the instances, then the hosts
	from, to string
	proto    engine.Protocol
	port     int
	typed    string // digits typed for a port not in the presets
	// srcPort is the client's source port typed ("" = the default); the
	// row that sets it shows when a VPC uses network ACLs (which judge
	// the reply sent back to it) or the learner asks for it (p).
	srcPort string
	srcRow  bool
	row     int   // 0 from, 1 to, 2 port, 3 source port when shown, then history entry k at histRow()+k
	err     error // why the composed connection cannot be fired

	history []shot // most recent first; history[0] is the one shown
	fired   int    // counts connections fired, so the lab can save the history
	pending bool   // a timeout is being waited out
	until   time.Time
	spin    spinner.Model
	waited  bool // the result shown was waited out in full

	top, width, height int
	cursorLine         int
	total              int  // lines in the last render, for "more"
	paged              bool // scrolled by page: the cursor may be out of view
}

// shot is one fired connection and what became of it.
type shot struct {
	conn    engine.Connection
	res     engine.Result
	expl    string   // the engine's explanation
	rules   []string // the rules that let it through, as the console shows them
	blocker string   // for a drop: the instance and groups with no matching rule
	// prev is the outcome the connection had before a change to the world
	// flipped it, kept until it is fired again; fresh marks a flip made by
	// the latest change, highlighted until the learner's next action.
	prev  engine.Outcome
	fresh bool
}

// newShot evaluates conn in w and describes the result while w is the
// world it was evaluated in.
func newShot(e *env, conn engine.Connection) shot {
	w := e.w
	s := shot{conn: conn, res: engine.Trace(w, conn)}
	s.expl = safe(s.res.ExplanationByName())
	if i := blockedAt(s.res); i != nil {
		s.blocker = fmt.Sprintf("%s's groups (%s)", safe(i.Label()), groupList(w, i.Groups))
	}
	for _, d := range []engine.Direction{engine.Outbound, engine.Inbound} {
		ref, ok := s.res.FirstMatch(d)
		if !ok {
			continue
		}
		if rule := w.Rule(ref); rule != nil {
			s.rules = append(s.rules, fmt.Sprintf("%s rule of %s: %s", capital(d.String()), groupLabel(w, ref.Group), ruleText(e.ctx, w, d, *rule)))
		}
	}
	return s
}

// maxHistory is how many connections the history keeps.
const maxHistory = 12

// portPreset is one stop of the port picker.
type portPreset struct {
	proto engine.Protocol
	port  int
}

// portPresets are the ports the port picker cycles through: the exam's,
// DNS over udp, and ping over IPv4 and IPv6. Digits type any other port.
func portPresets() []portPreset {
	return []portPreset{
		{engine.ProtoTCP, 22}, {engine.ProtoTCP, 80}, {engine.ProtoTCP, 443}, {engine.ProtoTCP, 3389},
		{engine.ProtoTCP, 21}, {engine.ProtoUDP, 53}, {engine.ProtoICMP, 0}, {engine.ProtoICMPv6, 0},
	}
}

type connKeys struct {
	Up, Down, Change, Digit, Erase, Transport, Fire, PageUp, PageDown key.Binding
	SourcePort                                                        key.Binding
}

func newConn(e *env) *connPane {
	mk := newMoveKeys()
	c := &connPane{env: e, proto: engine.ProtoTCP, port: 22, keys: connKeys{
		Up: mk.Up, Down: mk.Down,
		Change: bind([]string{"left", "right"}, "←/→", "change"),
		Digit:  bind(strings.Split("0123456789", ""), "0-9", "type a port"),
		Erase:  bind([]string{"backspace"}, "backspace", "erase digit"),
		// The port picker's transport: a typed port is tcp or udp.
		Transport:  bind([]string{"t"}, "t", "tcp/udp"),
		Fire:       bind([]string{"enter"}, "enter", "fire"),
		SourcePort: bind([]string{"p"}, "p", "source port"),
		PageUp:     mk.PageUp,
		PageDown:   mk.PageDown,
	}}
	c.refresh()
	return c
}

func (c *connPane) Init() tea.Cmd { return nil }

func (c *connPane) SetSize(w, h int) { c.width, c.height = w, h }

func (c *connPane) title() string { return "Connection" }

func (c *connPane) summary() string {
	conn := c.composedConn()
	what := c.env.ctx.Route(c.label(conn.From), c.label(conn.To)) + " " + portLabel(conn.Protocol, conn.Port)
	if s, ok := c.shown(); ok {
		return what + ": " + s.res.Outcome.String()
	}
	if len(c.history) == 0 {
		return "nothing fired yet: press f"
	}
	return what + ": not fired yet"
}

// refresh follows a change to the world: machines come and go, history
// entries whose machines are gone are dropped, and every other entry is
// evaluated again, at once, so that no verdict on screen is older than
// the world.
func (c *connPane) refresh() {
	w := c.env.w
	c.machines = c.machines[:0]
	for _, i := range w.Instances {
		c.machines = append(c.machines, i.ID)
	}
	for _, h := range w.Hosts {
		c.machines = append(c.machines, h.ID)
	}
	if !c.has(c.from) {
		c.from = ""
		switch h := w.Host(yourComputer); {
		case h != nil:
			c.from = h.ID
		case len(w.Hosts) > 0:
			c.from = w.Hosts[0].ID
		case len(c.machines) > 1: // an imported account has no hosts unless asked
			c.from = c.machines[0]
		}
	}
	if !c.has(c.to) || c.to == c.from {
		c.to = ""
		for _, id := range c.machines {
			if id != c.from {
				c.to = id
				break
			}
		}
	}
	kept := c.history[:0]
	for _, s := range c.history {
		_, fromOK := w.Endpoint(s.conn.From)
		_, toOK := w.Endpoint(s.conn.To)
		if fromOK && toOK {
			kept = append(kept, s)
		}
	}
	c.history = kept
	c.reevaluate()
	c.row = min(c.row, c.histRow()-1+len(c.history))
}

// reevaluate evaluates every connection of the history in the world as it
// is now, and marks the ones whose outcome the change flipped: they stay
// highlighted until the learner's next action (a change or a connection
// fired), however they move about meanwhile to look. It never acts out a
// timeout: this is the same test seen again, not a new one.
func (c *connPane) reevaluate() {
	for k, old := range c.history {
		now := newShot(c.env, old.conn)
		now.prev = old.prev
		if now.res.Outcome != old.res.Outcome {
			now.prev, now.fresh = old.res.Outcome, true
		}
		c.history[k] = now
	}
}

// calm ends the highlight of the flips the last change made.
func (c *connPane) calm() {
	for k := range c.history {
		c.history[k].fresh = false
	}
}

// seed fills the history with a scenario's own test connections, so that
// a file an instructor wrote opens with its checks ready to fire again.
func (c *connPane) seed(conns []engine.Connection) {
	c.history = c.history[:0]
	for _, conn := range conns[:min(len(conns), maxHistory)] {
		c.history = append(c.history, newShot(c.env, conn))
	}
	c.row = min(c.row, c.histRow()-1)
	if len(c.history) > 0 {
		c.pick(c.history[0].conn)
	}
}

// pick puts the pickers on conn.
func (c *connPane) pick(conn engine.Connection) {
	c.from, c.to = c.machineID(conn.From), c.machineID(conn.To)
	c.proto, c.port, c.typed, c.err = conn.Protocol, conn.Port, "", nil
	c.srcPort = ""
	if conn.SourcePort != 0 {
		c.srcPort, c.srcRow = strconv.Itoa(conn.SourcePort), true
	}
	c.refresh()
}

// aim puts machine id in the To picker, or the From picker; a machine
// cannot connect to itself, so when it is already the other end the two
// ends swap.
func (c *connPane) aim(id string, from bool) {
	if !c.has(id) {
		return
	}
	end, other := &c.to, &c.from
	if from {
		end, other = other, end
	}
	if *other == id {
		*other = *end
	}
	*end = id
	c.err = nil
}

func (c *connPane) has(id string) bool {
	for _, m := range c.machines {
		if m == id && id != "" {
			return true
		}
	}
	return false
}

func (c *connPane) label(id string) string { return machineLabel(c.env.w, id) }

// machineID is the id of the machine ref names (a file's connections may
// name machines by name or address), or ref itself.
func (c *connPane) machineID(ref string) string {
	if e, ok := c.env.w.Endpoint(ref); ok && (e.Instance != nil || e.Host != nil) {
		return endpointID(e)
	}
	return ref
}

// composed is the connection the composer describes.
func (c *connPane) composed() (engine.Connection, error) {
	conn := engine.Connection{From: c.from, To: c.to, Protocol: c.proto, Port: c.port}
	if c.typed != "" {
		p, err := engine.ParsePort(c.typed)
		if err != nil {
			return conn, &engine.Error{Code: engine.CodeInvalidValue, Message: err.Error()}
		}
		conn.Protocol, conn.Port = c.transport(), p
	}
	if c.srcPort != "" {
		p, err := strconv.Atoi(c.srcPort)
		if err != nil || p < 1 || p > 65535 {
			return conn, &engine.Error{Code: engine.CodeInvalidValue, Message: "a source port is 1-65535"}
		}
		conn.SourcePort = p
	}
	if conn.From == "" || conn.To == "" {
		return conn, &engine.Error{Code: engine.CodeInstanceNotFound, Message: "a connection needs two machines: launch an instance first"}
	}
	return conn, nil
}

// composedConn is the connection the pickers show, as far as it is one.
func (c *connPane) composedConn() engine.Connection {
	conn, _ := c.composed()
	return conn
}

// sameConn reports whether a and b are the same test, whether they name
// their machines by id, by name or (for a machine of the world) by address.
func (c *connPane) sameConn(a, b engine.Connection) bool {
	return c.machineID(a.From) == c.machineID(b.From) && c.machineID(a.To) == c.machineID(b.To) &&
		a.Protocol == b.Protocol && (a.Port == b.Port || !a.Protocol.HasPorts()) && a.SourcePort == b.SourcePort
}

// shown is the history entry of the connection the pickers show: the
// result on display. There is none when that connection was not fired.
func (c *connPane) shown() (shot, bool) {
	conn, err := c.composed()
	if err != nil {
		return shot{}, false
	}
	for _, s := range c.history {
		if c.sameConn(s.conn, conn) {
			return s, true
		}
	}
	return shot{}, false
}

// transport is the protocol a typed port goes over: the picker's, when it
// has ports, else tcp.
func (c *connPane) transport() engine.Protocol {
	if c.proto.HasPorts() {
		return c.proto
	}
	return engine.ProtoTCP
}

// fireComposed fires the connection the composer describes.
func (c *connPane) fireComposed() tea.Cmd {
	conn, err := c.composed()
	if err != nil {
		c.err = err
		return nil
	}
	return c.fire(conn)
}

// fire evaluates conn and shows it. A timeout is acted out: a spinner and
// a countdown run for the context's Timeout before the result shows, the
// way a real client hangs; any key skips the wait. In accessible mode a
// plain line says the client waits, with nothing moving, and the result
// says how long it waited.
func (c *connPane) fire(conn engine.Connection) tea.Cmd {
	if err := c.env.w.ValidateConnection(conn); err != nil {
		c.err = err
		return nil
	}
	c.record(conn)
	c.pick(conn)
	c.top, c.paged, c.waited = 0, false, false
	if c.history[0].res.Outcome != engine.Timeout || c.env.ctx.Timeout <= 0 {
		return nil
	}
	c.pending = true
	c.until = c.env.ctx.Now().Add(c.env.ctx.Timeout)
	c.spin = spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(c.env.st.Timeout))
	return c.wait()
}

// wait is the next tick of a wait: the spinner's next frame, or in
// accessible mode the end of the wait.
func (c *connPane) wait() tea.Cmd {
	if !c.env.ctx.Accessible {
		return c.spin.Tick
	}
	id := c.spin.ID()
	return tea.Tick(c.until.Sub(c.env.ctx.Now()), func(t time.Time) tea.Msg { return spinner.TickMsg{ID: id, Time: t} })
}

// connections are the history's connections, most recent first: what the
// scratch lab saves as its scenario's connections and seeds the history
// with when it opens again.
func (c *connPane) connections() []engine.Connection {
	out := make([]engine.Connection, len(c.history))
	for k, s := range c.history {
		out[k] = s.conn
	}
	return out
}

// record evaluates conn and puts it first in the history. Firing it again
// is a new test: what a change flipped before is history now.
func (c *connPane) record(conn engine.Connection) {
	c.fired++
	c.calm()
	at := slices.IndexFunc(c.history, func(s shot) bool { return c.sameConn(s.conn, conn) })
	if at >= 0 {
		conn.Expect = c.history[at].conn.Expect // a file's expectation stays with its connection
		c.history = slices.Delete(c.history, at, at+1)
	}
	s := newShot(c.env, conn)
	c.history = append([]shot{s}, c.history...)
	if len(c.history) > maxHistory {
		c.history = c.history[:maxHistory]
	}
}

// blockedAt is the instance whose groups dropped r, or nil.
func blockedAt(r engine.Result) *engine.Instance {
	switch r.Reason {
	case engine.InboundBlocked:
		return r.To.Instance
	case engine.OutboundBlocked:
		return r.From.Instance
	}
	return nil
}

// tick advances the wait; once it is over the ticks stop, so an idle lab
// redraws nothing.
func (c *connPane) tick(msg spinner.TickMsg) tea.Cmd {
	if !c.pending || msg.ID != c.spin.ID() {
		return nil
	}
	if !c.env.ctx.Now().Before(c.until) {
		c.pending, c.waited = false, true
		return nil
	}
	if c.env.ctx.Accessible {
		return c.wait()
	}
	var cmd tea.Cmd
	c.spin, cmd = c.spin.Update(msg)
	return cmd
}

func (c *connPane) skip() { c.pending = false }

func (c *connPane) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return c, nil
	}
	c.syncKeys()
	last := c.histRow() - 1 + len(c.history)
	switch {
	case key.Matches(km, c.keys.SourcePort):
		c.srcRow, c.row = true, 3
	case c.row == 3 && c.showSrc() && c.srcKey(km):
	case key.Matches(km, c.keys.Up):
		c.row = max(c.row-1, 0)
	case key.Matches(km, c.keys.Down):
		c.row = min(c.row+1, last)
	case key.Matches(km, c.keys.Change):
		if km.String() == "left" {
			c.cycle(-1)
		} else {
			c.cycle(1)
		}
	case key.Matches(km, c.keys.Digit):
		if c.typed == "" {
			c.proto = c.transport()
		}
		if len(c.typed) < 5 {
			c.typed += km.String()
		}
		c.err = nil
	case key.Matches(km, c.keys.Transport):
		c.toggleTransport()
	case key.Matches(km, c.keys.Erase):
		c.typed = c.typed[:len(c.typed)-1]
		c.err = nil
	case key.Matches(km, c.keys.Fire):
		if h := c.histRow(); c.row >= h {
			cmd := c.fire(c.history[c.row-h].conn)
			c.row = c.histRow() // the connection fired moves to the top of the history: follow it
			return c, cmd
		}
		return c, c.fireComposed()
	case key.Matches(km, c.keys.PageUp):
		c.top, c.paged = max(c.top-c.height/2, 0), c.top-c.height/2 > 0
		return c, nil
	case key.Matches(km, c.keys.PageDown):
		c.top, c.paged = c.top+c.height/2, true
		return c, nil
	}
	c.paged = false // any other key brings the cursor back in view
	return c, nil
}

// cycle changes the field on the cursor's row to its next or previous
// value.
func (c *connPane) cycle(delta int) {
	c.err = nil
	switch c.row {
	case 0:
		c.from = c.step(c.from, delta)
	case 1:
		c.to = c.step(c.to, delta)
	case 2:
		presets := portPresets()
		k := -1
		for i, p := range presets {
			if c.typed == "" && p.proto == c.proto && (p.port == c.port || !p.proto.HasPorts()) {
				k = i
			}
		}
		if k < 0 && delta < 0 {
			k = 0 // from a typed port, either way starts the presets
		}
		k = (k + delta + len(presets)) % len(presets)
		c.proto, c.port, c.typed = presets[k].proto, presets[k].port, ""
	}
}

// toggleTransport switches the port on the picker between tcp and udp.
func (c *connPane) toggleTransport() {
	c.err = nil
	if c.transport() == engine.ProtoUDP {
		c.proto = engine.ProtoTCP
	} else {
		c.proto = engine.ProtoUDP
	}
}

func (c *connPane) step(id string, delta int) string {
	if len(c.machines) == 0 {
		return id
	}
	k := 0
	for i, m := range c.machines {
		if m == id {
			k = i
		}
	}
	return c.machines[(k+delta+len(c.machines))%len(c.machines)]
}

func (c *connPane) syncKeys() {
	onPort := c.row == 2
	c.keys.Change.SetEnabled(c.row < c.histRow())
	onSrc := c.row == 3 && c.showSrc()
	c.keys.Digit.SetEnabled(onPort || onSrc)
	c.keys.Erase.SetEnabled(onPort && c.typed != "" || onSrc && c.srcPort != "")
	c.keys.Transport.SetEnabled(onPort && (c.proto.HasPorts() || c.typed != ""))
	if c.row >= c.histRow() {
		c.keys.Fire.SetHelp("enter", "fire again")
	} else {
		c.keys.Fire.SetHelp("enter", "fire")
	}
}

func (c *connPane) ShortHelp() []key.Binding {
	c.syncKeys()
	short := []key.Binding{c.keys.Fire, c.keys.Change, c.keys.Digit, c.keys.Transport}
	if c.showSrc() {
		short = append(short, c.keys.SourcePort)
	}
	return short
}

func (c *connPane) FullHelp() [][]key.Binding {
	c.syncKeys()
	k := c.keys
	return [][]key.Binding{{k.Up, k.Down, k.Change, k.Digit, k.Erase, k.Transport, k.SourcePort}, {k.Fire, k.PageUp, k.PageDown}}
}

func (c *connPane) View() string { return strings.Join(c.render(), "\n") }

// more reports whether the content goes on below what the pane shows.
func (c *connPane) more() bool { return c.top+c.height < c.total }

func (c *connPane) render() []string {
	lines := c.content()
	c.total = len(lines)
	if c.cursorLine >= 0 && !c.paged {
		c.top = min(c.top, c.cursorLine)
		if c.cursorLine >= c.top+c.height {
			c.top = c.cursorLine - c.height + 1
		}
	}
	c.top = max(min(c.top, len(lines)-c.height), 0)
	return lines[c.top:min(c.top+c.height, len(lines))]
}

// portLabel names a port for a learner: "SSH 22", "DNS udp 53", "tcp
// 8080", "ping (icmp)", "ping -6 (icmpv6)".
func portLabel(p engine.Protocol, port int) string {
	switch {
	case p == engine.ProtoICMPv6:
		return "ping -6 (icmpv6)"
	case !p.HasPorts():
		return "ping (" + p.String() + ")"
	case p == engine.ProtoUDP && port == 53:
		return "DNS udp 53"
	}
	if name := engine.ServiceName(port); name != "" && p == engine.ProtoTCP {
		return name + " " + strconv.Itoa(port)
	}
	return p.String() + " " + strconv.Itoa(port)
}

func (c *connPane) addrOf(id string) string {
	e, _ := c.env.w.Endpoint(id)
	switch {
	case e.Instance != nil:
		return addrs(e.Instance)
	case e.Host != nil:
		return e.Host.IP.String()
	}
	return ""
}

func (c *connPane) content() []string {
	st, ctx := c.env.st, c.env.ctx
	portValue := portLabel(c.proto, c.port)
	if c.typed != "" {
		portValue = c.transport().String() + " " + c.typed + ctx.Mark("_", "")
	}
	fields := [][3]string{
		{"From", c.label(c.from), c.addrOf(c.from)},
		{"To", c.label(c.to), c.addrOf(c.to)},
		{"Port", portValue, ctx.Mark("←/→ · 0-9 · t tcp/udp", "left and right arrows change it, digits type a port, t switches tcp and udp")},
	}
	if c.showSrc() {
		fields = append(fields, [3]string{"Src", c.srcValue(), ctx.Mark("the client's port: the reply goes back to it", "the client's source port, where the reply goes back to; digits type it, backspace goes back to the default")})
	}
	var lines []string
	c.cursorLine = -1
	for k, f := range fields {
		head := fmt.Sprintf("%-4s  ‹ %s ›", f[0], f[1])
		// The address or the hint beside the value, or under it when
		// there is no room.
		row := common.Hang(head+"  ", st.Faint.Render(f[2]), c.width-2)
		switch {
		case ctx.Accessible: // a sentence
			row = common.Wrap(f[0]+": "+f[1]+st.Faint.Render(" ("+f[2]+")"), c.width-2)
		case ansi.StringWidth(head)+2+ansi.StringWidth(f[2]) > c.width-2:
			row = append([]string{head}, common.Hang(strings.Repeat(" ", 8), st.Faint.Render(f[2]), c.width-2)...)
		}
		if k == c.row {
			c.cursorLine = len(lines)
		}
		lines = append(lines, selectable(st, row, k == c.row, c.width)...)
	}
	if c.err != nil {
		lines = append(lines, common.Wrap(st.Error.Render(ctx.Mark(theme.Fail+" ", "Error: ")+c.err.Error()), c.width)...)
	}
	lines = append(lines, "")
	s, shown := c.shown()
	switch {
	case shown:
		lines = append(lines, c.result(s)...)
	case c.err == nil:
		if conn, err := c.composed(); err == nil {
			lines = append(lines, st.Muted.Render("$ "+clientCommand(conn, c.destAddr(conn))))
			lines = append(lines, common.Wrap(st.Muted.Render("Not fired yet: enter fires it (f anywhere in the lab)."), c.width)...)
		}
	}
	if len(c.history) > 0 {
		lines = append(lines, c.historyLines()...)
	}
	if !shown || c.pending {
		return lines
	}
	return append(lines, c.trace(s)...)
}

// destAddr is the address a connection not fired yet would be sent to,
// for the command line that would fire it.
func (c *connPane) destAddr(conn engine.Connection) string {
	if a := engine.Evaluate(c.env.w, conn).DstAddr; a.IsValid() {
		return a.String()
	}
	return c.label(conn.To)
}

// result is what the client printed and why.
func (c *connPane) result(s shot) []string {
	st, ctx, r := c.env.st, c.env.ctx, s.res
	addr := r.DstAddr.String()
	if !r.DstAddr.IsValid() {
		addr = c.label(s.conn.To)
	}
	lines := []string{st.Muted.Render("$ " + clientCommand(s.conn, addr))}
	if c.pending && ctx.Accessible {
		return append(lines, fmt.Sprintf("Waiting for %s to answer… %s", addr, st.Faint.Render("(any key skips)")))
	}
	if c.pending {
		left := int(math.Ceil(c.until.Sub(ctx.Now()).Seconds()))
		return append(lines, fmt.Sprintf("%s waiting for %s to answer… %ds %s", c.spin.View(), addr, max(left, 0), st.Faint.Render("(any key skips)")))
	}
	badge := outcomeBadge(ctx, r.Outcome)
	if ctx.Accessible {
		if c.waited && c.sameConn(s.conn, c.history[0].conn) {
			badge += fmt.Sprintf(" after %g s", ctx.Timeout.Seconds())
		}
		badge += ":"
	}
	lines = append(lines, common.Hang(badge+ctx.Mark("  ", " "), clientMessage(s.conn, addr, r.Outcome), c.width)...)
	if was := flipText(ctx, s, true); was != "" {
		lines = append(lines, common.Wrap(was, c.width)...)
	}
	if e := s.conn.Expect; e != engine.OutcomeNone {
		lines = append(lines, expectation(ctx, e, r.Outcome)+st.Muted.Render(" (the scenario's expect)"))
	}
	return append(lines, c.why(s)...)
}

// flipText says what a change to the world did to a connection: "↻ was
// timeout → now connected", highlighted until the learner's next action,
// then "was timeout before a change to the world" in the result or plain
// "was timeout" in the history.
func flipText(ctx *common.Context, s shot, long bool) string {
	st := ctx.Styles
	switch {
	case s.prev == engine.OutcomeNone || s.prev == s.res.Outcome:
		return ""
	case s.fresh && ctx.Accessible:
		return st.Accent.Bold(true).Render(fmt.Sprintf("Changed by your last change: was %s, now %s", s.prev, s.res.Outcome))
	case s.fresh:
		return st.Accent.Bold(true).Render(fmt.Sprintf("↻ was %s → now %s", s.prev, s.res.Outcome))
	case long:
		return st.Faint.Render(fmt.Sprintf("was %s before a change to the world", s.prev))
	}
	return st.Faint.Render("was " + s.prev.String())
}

// why explains the outcome: for a drop, which direction and whose groups
// had no rule; for a pass, the rules that let it through; then the
// engine's own explanation.
func (c *connPane) why(s shot) []string {
	st, r := c.env.st, s.res
	var out []string
	switch r.Reason {
	case engine.InboundBlocked, engine.OutboundBlocked:
		dir := engine.Inbound
		if r.Reason == engine.OutboundBlocked {
			dir = engine.Outbound
		}
		out = append(out, common.Hang(st.Timeout.Render("Dropped: "), fmt.Sprintf("no %s rule of %s matched. A security group drops what it does not allow without a word, so the client waits until it gives up.",
			dir, s.blocker), c.width)...)
	case engine.ACLOutboundBlocked, engine.ACLInboundBlocked, engine.ACLReplyBlocked:
		if d, ok := r.Dropped(); ok {
			out = append(out, common.Hang(st.Timeout.Render("Dropped: "), aclDropText(c.env.w, d), c.width)...)
		}
	case engine.NoListener:
		answer := "a TCP reset"
		if s.conn.Protocol == engine.ProtoUDP {
			answer = "an ICMP port unreachable"
		}
		out = append(out, common.Hang(st.Refused.Render("Nobody listens: "), fmt.Sprintf("the security groups let it through, and %s answered at once (%s) that nothing runs on %s.",
			c.label(s.conn.To), answer, s.conn.What()), c.width)...)
	}
	for _, rule := range s.rules {
		out = append(out, common.Hang(st.OK.Render(c.env.ctx.Mark(theme.Pass+" ", "Allowed by: ")), rule, c.width)...)
	}
	return append(out, common.Wrap(st.Muted.Render(s.expl), c.width)...)
}

func nonEmpty(list []string) []string {
	out := list[:0:0]
	for _, s := range list {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// expectation marks whether an outcome is the one a scenario expects.
func expectation(ctx *common.Context, want, got engine.Outcome) string {
	st := ctx.Styles
	if want == got {
		return st.OK.Render(ctx.Mark(theme.Pass+" expected", "as expected"))
	}
	return st.Error.Render(ctx.Mark(theme.Fail+" expected ", "not as expected: expected ") + want.String())
}

// outcomeStyle colours an outcome; the words and letters it colours
// carry the meaning on their own.
func outcomeStyle(st *theme.Styles, o engine.Outcome) lipgloss.Style {
	switch o {
	case engine.Connected:
		return st.Connected
	case engine.Refused:
		return st.Refused
	}
	return st.Timeout
}

// outcomeBadge is an outcome in capitals, marked ✓ or ✗ but in
// accessible mode, where the word says it.
func outcomeBadge(ctx *common.Context, o engine.Outcome) string {
	st := ctx.Styles
	if o == engine.Connected {
		return st.Connected.Render(ctx.Mark(theme.Pass+" ", "") + "CONNECTED")
	}
	text := "REFUSED"
	if o == engine.Timeout {
		text = "TIMED OUT"
	}
	return outcomeStyle(st, o).Render(ctx.Mark(theme.Fail+" ", "") + text)
}

// trace lists every step the engine took.
func (c *connPane) trace(s shot) []string {
	st := c.env.st
	lines := []string{"", st.Heading.Render("Trace")}
	for _, step := range s.res.Trace {
		if step.Phase == engine.PhaseVerdict {
			continue // the explanation above says it
		}
		mark := st.OK.Render(theme.Pass)
		if !step.Match {
			mark = st.Error.Render(theme.Fail)
		}
		text := safe(step.Text)
		if step.Code != "" {
			text += " " + st.Faint.Render("["+step.Code+"]")
		}
		head := mark + " " + st.Muted.Render(fmt.Sprintf("%-9s ", step.Phase))
		if c.env.ctx.Accessible {
			head = st.Muted.Render(fmt.Sprintf("%s %s: ", step.Phase, map[bool]string{true: "passes", false: "fails"}[step.Match]))
		}
		lines = append(lines, common.Hang(head, text, c.width)...)
	}
	return lines
}

func (c *connPane) historyLines() []string {
	st, ctx := c.env.st, c.env.ctx
	lines := append([]string{""}, common.Wrap(st.Heading.Render("History")+st.Faint.Render("  enter fires one again · always up to date"), c.width)...)
	cells := make([][]string, len(c.history))
	for k, s := range c.history {
		outcome := outcomeStyle(st, s.res.Outcome).Render(s.res.Outcome.String())
		waiting := k == 0 && c.pending
		if waiting {
			outcome = ctx.Mark(c.spin.View()+" …", "waiting…")
		}
		expect := ""
		if e := s.conn.Expect; e != engine.OutcomeNone && !waiting { // no verdict before the wait is over
			expect = expectation(ctx, e, s.res.Outcome)
		}
		port := portLabel(s.conn.Protocol, s.conn.Port)
		if s.conn.SourcePort != 0 { // two rows that differ only by the client's port must not read alike
			port += " from port " + strconv.Itoa(s.conn.SourcePort)
		}
		cells[k] = []string{outcome, ctx.Route(c.label(s.conn.From), c.label(s.conn.To)), port, expect}
	}
	cols := layoutColumns(c.width-2, nil, cells...)
	shown, _ := c.shown()
	for k, cell := range cells {
		row := cols.lines(cell)
		if ctx.Accessible { // a sentence, not columns
			row = common.Wrap(cell[0]+": "+strings.Join(nonEmpty(cell[1:]), ", "), c.width-2)
		}
		// The result above says what flipped the connection it shows.
		if flip := flipText(ctx, c.history[k], false); flip != "" && !c.sameConn(c.history[k].conn, shown.conn) {
			// What a change did to the row goes under it, below the
			// connection it is about.
			row = append(row, common.Hang(strings.Repeat(" ", cols[0]+colGap), flip, c.width-2)...)
		}
		if c.row == c.histRow()+k {
			c.cursorLine = len(lines)
		}
		lines = append(lines, selectable(st, row, c.row == c.histRow()+k, c.width)...)
	}
	return lines
}
