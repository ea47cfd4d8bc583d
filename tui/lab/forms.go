package lab

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/internal/console"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/internal/lineform"
	"github.com/sglab/sglab/tui/theme"
)

// form is a huh form open in the lab. Every field sits in a group of its
// own so that it can hide (the port range shows only for a custom type),
// and the lab's own layout draws a field's error right under it.
//
// A form never changes the world itself: its last field checks the whole
// change on a copy of the world, so the engine's verdict, with AWS's error
// code, shows beside the field while everything typed stays; submitting
// sends the same change to the lab.
type form struct {
	id      int
	title   string
	f       *huh.Form
	steps   []step
	layout  *stepsLayout
	intro   string          // a line above the fields
	preview func() []string // live lines under the intro, or nil
	width   int
	height  int
	top     int // the first line shown, when the form is taller than its pane
	// lines asks the fields as lines of text instead, in accessible mode
	// (see lineform); off is how far it is scrolled from where it shows
	// the question being asked, and note says what the scroll hides.
	lines *lineform.Form
	off   int
	note  string
}

// step is one field of a form and when it hides.
type step struct {
	field huh.Field
	group *huh.Group
	hide  func() bool
	// For accessible mode: an input's title that other answers change
	// (huh's TitleFunc is evaluated only in its own loop), and the name
	// of a select's value.
	title, current func() string
}

func field(f huh.Field) step { return step{field: f, group: huh.NewGroup(f)} }

// choice is a select of opts, inline, on value.
func choice[T comparable](title string, opts []huh.Option[T], value *T) step {
	s := field(huh.NewSelect[T]().Title(title).Options(opts...).Value(value).Inline(true))
	s.current = func() string {
		for _, o := range opts {
			if o.Value == *value {
				return o.Key
			}
		}
		return ""
	}
	return s
}

// retitled gives a field whose title changes with other answers (an
// input's or a confirm's TitleFunc) its title in accessible mode.
func retitled(s step, title func() string) step {
	s.title = title
	return s
}

func (s step) hideWhen(f func() bool) step {
	s.hide = f
	s.group.WithHideFunc(f)
	return s
}

type (
	formDoneMsg   struct{ then tea.Msg } // arrives as a fromForm
	formCancelMsg struct{}
	// fromForm carries a message a form's own commands produced. huh's
	// messages name no form, so a late one (a second enter on a form that
	// just closed) would act on the next form, even submit it unchecked;
	// tagged, it reaches only the form that sent it.
	fromForm struct {
		id  int
		msg tea.Msg
	}
)

// tag makes the messages of form id's command fromForm messages of that
// form, recursing into batches. A text cursor's blink is dropped by its
// type: the cursor stays steady, so a form idle after its last key asks
// for nothing more. tea.Sequence's message is unexported and cannot be
// rebuilt here, which is why init lays out huh's first command itself.
func tag(id int, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		switch msg := cmd().(type) {
		case nil, cursor.BlinkMsg:
			return nil
		case tea.BatchMsg:
			out := make(tea.BatchMsg, len(msg))
			for k, c := range msg {
				out[k] = tag(id, c)
			}
			return out
		default:
			return fromForm{id: id, msg: msg}
		}
	}
}

// formIDs tells forms apart, so that a message from a form that was
// closed is never taken for one from the form open now.
var formIDs atomic.Int64

func newForm(e *env, title string, submit func() tea.Msg, steps ...step) *form {
	id := int(formIDs.Add(1))
	groups := make([]*huh.Group, len(steps))
	for k, s := range steps {
		groups[k] = s.group
	}
	layout := &stepsLayout{steps: steps, st: e.st}
	theme := e.st.Form
	if e.ctx.Accessible {
		theme = &huh.Theme{} // the fields print plain lines: the lab styles them
	}
	f := huh.NewForm(groups...).
		WithTheme(theme).
		WithKeyMap(formKeys()).
		WithShowHelp(false).
		WithShowErrors(false).
		WithLayout(layout)
	f.SubmitCmd = func() tea.Msg { return formDoneMsg{then: submit()} }
	f.CancelCmd = func() tea.Msg { return formCancelMsg{} }
	fm := &form{id: id, title: safe(title), f: f, layout: layout, steps: steps}
	if e.ctx.Accessible {
		fields := make([]lineform.Field, len(steps))
		for k, s := range steps {
			fields[k] = lineform.Field{Field: s.field, Hide: s.hide, Title: s.title, Current: s.current}
		}
		fm.lines = lineform.New(fields)
	}
	return fm
}

// changeForm is a form whose submission changes the world with do.
func changeForm(e *env, title string, do func(*engine.World) (done, error), steps ...step) *form {
	return newForm(e, title, func() tea.Msg { return changeMsg{do} }, steps...)
}

// formKeys are huh's keys with esc to cancel (ctrl+c stays the app's) and
// no filtering, whose esc would fight with cancel.
func formKeys() *huh.KeyMap {
	k := huh.NewDefaultKeyMap()
	k.Quit = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	k.Select.Filter.SetEnabled(false)
	k.MultiSelect.Filter.SetEnabled(false)
	k.MultiSelect.Toggle.SetHelp("space", "toggle")
	return k
}

// trial runs a change on a copy of the world and returns the engine's
// verdict: what the form shows under its last field.
func trial(e *env, do func(*engine.World) (done, error)) error {
	_, err := do(e.w.Clone())
	return err
}

// awsError gives an input error AWS's code, as the console would report it.
func awsError(err error) error {
	var ae *engine.Error
	if err == nil || errors.As(err, &ae) {
		return err
	}
	return &engine.Error{Code: engine.CodeInvalidValue, Message: err.Error()}
}

func (f *form) init() tea.Cmd {
	defer f.settle()
	if f.lines != nil {
		return f.outcome(f.lines.Start())
	}
	return tea.Sequence(f.initCmds()...)
}

// initCmds is what huh's Form.Init asks (pinned in
// TestFormInitFollowsHuh), in its order, with the form's own commands
// tagged and the request for the terminal's size left for the program,
// which answers it: each group's start, a move past a first group that
// is hidden, then the size (which huh's fields need to lay out).
// Form.Init marks the first group active, the one thing only it can do;
// its command, a sequence that cannot be looked into, is rebuilt here.
// Starting a group twice is harmless: each holds one input or select,
// which it focuses again.
func (f *form) initCmds() []tea.Cmd {
	f.f.Init()
	var cmds []tea.Cmd
	for _, s := range f.steps {
		cmds = append(cmds, tag(f.id, s.group.Init()))
	}
	if len(f.steps) > 0 && f.steps[0].hide != nil && f.steps[0].hide() {
		cmds = append(cmds, tag(f.id, f.f.NextGroup()))
	}
	return append(cmds, tea.WindowSize())
}

func (f *form) update(msg tea.Msg) tea.Cmd {
	cmd := f.step(msg)
	f.settle()
	return cmd
}

// step gives msg to the form.
func (f *form) step(msg tea.Msg) tea.Cmd {
	if f.lines != nil {
		km, ok := msg.(tea.KeyMsg)
		switch {
		case !ok:
			return nil
		case key.Matches(km, f.scrollKeys()[0]):
			f.off -= max(f.height/2, 1)
			return nil
		case key.Matches(km, f.scrollKeys()[1]):
			f.off += max(f.height/2, 1)
			return nil
		}
		f.off = 0
		return f.outcome(f.lines.Update(km))
	}
	m, cmd := f.f.Update(msg)
	f.f = m.(*huh.Form)
	return tag(f.id, cmd)
}

// settle keeps the scroll positions that show the form as it is now
// (the focused field, the question asked), so that drawing it changes
// nothing: Update and resizing call it, View only draws.
func (f *form) settle() {
	_, sc := f.draw()
	f.top, f.off, f.note = sc.top, sc.off, sc.note
}

// outcome is what a line form's state asks of the lab: submitting and
// cancelling go through the same messages as huh's.
func (f *form) outcome(o lineform.Outcome) tea.Cmd {
	switch o {
	case lineform.Done:
		return tag(f.id, f.f.SubmitCmd)
	case lineform.Cancelled:
		return tag(f.id, f.f.CancelCmd)
	}
	return nil
}

// close ends a line form's questions.
func (f *form) close() {
	if f.lines != nil {
		f.lines.Close()
	}
}

// scrollKeys scroll a line form: page up and page down.
func (f *form) scrollKeys() [2]key.Binding {
	return [2]key.Binding{bind([]string{"pgup"}, "pgup", "scroll up"), bind([]string{"pgdown"}, "pgdn", "scroll down")}
}

func (f *form) setSize(w, h int) {
	// huh's fields draw a bar left of their width: leave it room, and wrap
	// the layout's own lines (inline errors) to the same width, or huh
	// wraps them again and loses their indent.
	inner := max(w-2, 1)
	f.width, f.height, f.layout.width = w, h, inner
	f.f = f.f.WithWidth(inner).WithHeight(h)
	f.settle()
}

func (f *form) keyBinds() []key.Binding {
	if f.lines != nil {
		sk := f.scrollKeys()
		return append(f.lines.KeyBinds(), sk[0], sk[1])
	}
	return f.f.KeyBinds()
}

// render draws the form, scrolled so that the focused field shows when
// the form is taller than its pane (a line form: see renderLines).
func (f *form) render() []string {
	lines, _ := f.draw()
	return lines
}

// scroll is where a form is scrolled to: the first line shown of a huh
// form; a line form's offset and the note on what it hides.
type scroll struct {
	top, off int
	note     string
}

// draw lays the form out from the scroll positions kept and returns the
// positions that keep it in view; it changes nothing.
func (f *form) draw() ([]string, scroll) {
	sc := scroll{top: f.top, off: f.off}
	if f.lines != nil {
		return f.renderLines(sc)
	}
	var lines []string
	if f.intro != "" {
		lines = append(lines, common.Wrap(f.layout.st.Muted.Render(f.intro), f.width)...)
	}
	if f.preview != nil {
		lines = append(lines, f.preview()...)
	}
	if len(lines) > 0 {
		lines = append(lines, "")
	}
	head := len(lines)
	lines = append(lines, common.Lines(f.f.View())...)
	if len(lines) <= f.height {
		sc.top = 0
		return lines, sc
	}
	first, last := head+f.layout.focusFirst, head+f.layout.focusLast
	sc.top = max(min(sc.top, first), last-f.height+1, 0)
	sc.top = min(sc.top, len(lines)-f.height)
	return lines[sc.top : sc.top+f.height], sc
}

// renderLines draws a line form: the intro, the transcript, and the
// preview just above the question being asked, where it says what the
// answers so far make (the rule as it stands).
func (f *form) renderLines(sc scroll) ([]string, scroll) {
	var lines []string
	if f.intro != "" {
		lines = append(common.Wrap(f.layout.st.Muted.Render(f.intro), f.width), "")
	}
	t := f.lines.Text()
	current := -1
	var prompt []string
	for k, l := range t.Lines {
		if k == t.Current || k == t.Prompt && current < 0 {
			current = len(lines)
			if f.preview != nil {
				lines = append(append(lines, f.preview()...), "")
			}
		}
		wrapped := common.Wrap(safe(l), f.width)
		if k >= t.Prompt {
			prompt = append(prompt, wrapped...)
		} else {
			lines = append(lines, wrapped...)
		}
	}
	return f.window(lines, max(current, 0), prompt, sc)
}

// window fits a line form to its pane: the prompt always shows, last,
// and above it as much of the transcript as fits, from the start of the
// question being asked when the question is too long to show whole, so
// that a screen reader meets the question before its prompt. pgup and
// pgdn move the window; a line says what it leaves out before the
// prompt, and the frame's note what it leaves out above.
func (f *form) window(body []string, current int, prompt []string, sc scroll) ([]string, scroll) {
	sc.note = ""
	room := f.height - len(prompt)
	if len(body) <= room {
		sc.off = 0
		return append(body, prompt...), sc
	}
	if room < 2 {
		all := append(body, prompt...)
		return all[max(len(all)-f.height, 0):], sc
	}
	start := max(min(current, len(body)-room), 0)
	at := max(min(start+sc.off, len(body)-room), 0)
	sc.off = at - start
	if at > 0 {
		sc.note = "more above: page up"
	}
	if at+room >= len(body) {
		return append(body[at:], prompt...), sc
	}
	shown := append(slices.Clone(body[at:at+room-1]),
		f.layout.st.Faint.Render(fmt.Sprintf("(%d more lines: page down)", len(body)-(at+room-1))))
	return append(shown, prompt...), sc
}

// stepsLayout draws every field that is not hidden, each followed by its
// error, so the message sits next to the field it is about.
type stepsLayout struct {
	steps []step
	st    *theme.Styles
	width int
	// the lines of the focused field and its errors, for scrolling
	focusFirst, focusLast int
}

func (l *stepsLayout) View(f *huh.Form) string {
	var lines []string
	focused := f.GetFocusedField()
	for _, s := range l.steps {
		if s.hide != nil && s.hide() {
			continue
		}
		first := len(lines)
		lines = append(lines, common.Lines(s.group.Content())...)
		for _, err := range s.group.Errors() {
			lines = append(lines, common.Hang(l.st.Error.Render("  "+theme.Fail+" "), l.st.Error.Render(safe(err.Error())), l.width)...)
		}
		if s.field == focused {
			l.focusFirst, l.focusLast = first, len(lines)-1
		}
	}
	return strings.Join(lines, "\n")
}

func (l *stepsLayout) GroupWidth(_ *huh.Form, _ *huh.Group, w int) int { return w }

// vpcStep picks a VPC; it hides when there is only one.
func vpcStep(w *engine.World, vpc *string) step {
	opts := make([]huh.Option[string], len(w.VPCs))
	for k, v := range w.VPCs {
		opts[k] = huh.NewOption(safe(v.ID)+"  "+v.CIDR.String()+"  "+safe(w.RegionOf(v)), v.ID)
	}
	return choice("VPC", opts, vpc).hideWhen(func() bool { return len(w.VPCs) < 2 })
}

// newGroupForm creates a security group.
func newGroupForm(e *env, vpc string) *form {
	var name, desc string
	create := func(w *engine.World, desc string) (done, error) {
		n := strings.TrimSpace(name)
		id, err := w.CreateGroup(engine.Group{Name: n, VPC: vpc, Description: strings.TrimSpace(desc)})
		return done{status: fmt.Sprintf("Created security group %s (%s). Add its rules here, then press g to attach it.", n, id),
			undo: "the security group " + n + " no longer exists", redo: "the security group " + n + " exists again",
			sel: ref{kindGroup, id}, focus: paneDetail}, err
	}
	do := func(w *engine.World) (done, error) { return create(w, desc) }
	// The name is checked before the description is typed: with one.
	nameAlone := func(w *engine.World) (done, error) { return create(w, "a description") }
	f := changeForm(e, "Create security group", do,
		vpcStep(e.w, &vpc),
		field(huh.NewInput().Title("Security group name").Placeholder("e.g. ssh-from-me").Value(&name).
			Validate(func(s string) error { name = s; return trial(e, nameAlone) })),
		field(huh.NewInput().Title("Description").Placeholder("e.g. SSH from my laptop (AWS requires one)").Value(&desc).
			Validate(func(s string) error { desc = s; return trial(e, do) })),
	)
	f.intro = "A new group allows nothing in and everything out, as in AWS."
	if len(e.w.VPCs) == 1 {
		f.intro = "In " + safe(vpc) + ". " + f.intro
	}
	return f
}

// The console's choices for a rule's source or destination.
const (
	peerMyIP = iota
	peerAnyV4
	peerAnyV6
	peerCustom
	peerGroup
)

// ruleInput is what the rule form edits.
type ruleInput struct {
	owner              string // the group the rule belongs to
	typ, peer          int
	ports, proto       string
	cidr, group, descr string
}

// rule builds the engine's rule from the input. On an error the rule
// still holds every part that parsed, for the preview.
func (in *ruleInput) rule(w *engine.World) (engine.Rule, error) {
	t := console.Types[in.typ]
	r := engine.Rule{Protocol: t.Protocol, Ports: t.Ports, Description: strings.TrimSpace(in.descr)}
	var errs []error
	switch {
	case t.Number:
		p, err := customProtocol(in.proto)
		r.Protocol, errs = p, append(errs, err)
	case t.Custom:
		p, err := engine.ParsePorts(t.Protocol, in.ports)
		r.Ports, errs = p, append(errs, err)
	}
	switch in.peer {
	case peerMyIP:
		r.Peer = engine.CIDRPeer(myIP(w))
	case peerAnyV4:
		r.Peer = engine.CIDRPeer(netip.MustParsePrefix("0.0.0.0/0"))
	case peerAnyV6:
		r.Peer = engine.CIDRPeer(netip.MustParsePrefix("::/0"))
	case peerCustom:
		p, _, err := engine.ParseCIDR(in.cidr)
		r.Peer, errs = engine.CIDRPeer(p), append(errs, err)
	case peerGroup:
		r.Peer = engine.GroupPeer(in.group)
		r.Peer.Self = in.group == in.owner
	}
	for _, err := range errs {
		if err != nil {
			return r, awsError(err)
		}
	}
	return r, nil
}

// customProtocol reads the number of a protocol that has no type of its
// own; tcp, udp and icmp have theirs, with ports.
func customProtocol(s string) (engine.Protocol, error) {
	p, err := engine.ParseProtocol(s)
	if err != nil {
		return 0, err
	}
	if p == engine.ProtoAll || p.HasPorts() || p.IsICMP() {
		return 0, fmt.Errorf("protocol %s has a type of its own: pick it instead of Custom protocol", s)
	}
	return p, nil
}

// ruleInputOf fills the form from an existing rule.
func ruleInputOf(w *engine.World, owner string, r engine.Rule) ruleInput {
	in := ruleInput{typ: console.TypeIndex(r), descr: r.Description, owner: owner}
	if t := console.Types[in.typ]; t.Custom {
		in.ports = r.Ports.Format(r.Protocol)
	} else if t.Number {
		in.proto = r.Protocol.String()
	}
	switch {
	case r.Peer.IsGroup():
		in.peer, in.group = peerGroup, r.Peer.Group
	case r.Peer.CIDR == myIP(w):
		in.peer = peerMyIP
	case r.Peer.CIDR.String() == "0.0.0.0/0":
		in.peer = peerAnyV4
	case r.Peer.CIDR.String() == "::/0":
		in.peer = peerAnyV6
	default:
		in.peer, in.cidr = peerCustom, r.Peer.CIDR.String()
	}
	return in
}

// ruleForm adds a rule to a group (index -1) or edits rule index.
func ruleForm(e *env, groupID string, dir engine.Direction, index int) *form {
	w := e.w
	g := w.Group(groupID)
	in := ruleInput{owner: groupID, peer: peerMyIP}
	if dir == engine.Outbound || !myIP(w).IsValid() {
		in.peer = peerAnyV4
	}
	verb := "Add"
	if index >= 0 {
		in, verb = ruleInputOf(w, groupID, g.Rules(dir)[index]), "Edit"
	}
	do := func(w *engine.World) (done, error) {
		r, err := in.rule(w)
		if err != nil {
			return done{}, err
		}
		now := ruleText(e.ctx, w, dir, r)
		if index < 0 {
			return done{status: fmt.Sprintf("Added an %s rule to %s: %s", dir, g.Label(), now),
				undo: fmt.Sprintf("%s no longer has the %s rule %s", g.Label(), dir, now),
				redo: fmt.Sprintf("%s has the %s rule %s again", g.Label(), dir, now),
				sel:  ref{kindGroup, groupID}, focus: paneDetail}, w.AddRule(groupID, dir, r)
		}
		was := ruleText(e.ctx, w, dir, w.Group(groupID).Rules(dir)[index])
		return done{status: fmt.Sprintf("Changed the %s rule %s of %s to %s", dir, was, g.Label(), now),
			undo: fmt.Sprintf("the %s rule of %s is %s again", dir, g.Label(), was),
			redo: fmt.Sprintf("the %s rule of %s is %s again", dir, g.Label(), now),
			sel:  ref{kindGroup, groupID}, focus: paneDetail}, w.ReplaceRule(groupID, dir, index, r)
	}

	portTitle := func() string {
		if console.Types[in.typ].Protocol.IsICMP() {
			return "ICMP type, or type/code"
		}
		return "Port range"
	}
	typeOpts := make([]huh.Option[int], len(console.Types))
	for k, t := range console.Types {
		typeOpts[k] = huh.NewOption(t.Name, k)
	}
	peerTitle := capital(console.Columns(dir)[3])
	var peerOpts []huh.Option[int]
	if my := myIP(w); my.IsValid() {
		peerOpts = append(peerOpts, huh.NewOption("My IP  "+my.String(), peerMyIP))
	}
	peerOpts = append(peerOpts,
		huh.NewOption("Anywhere-IPv4  0.0.0.0/0", peerAnyV4),
		huh.NewOption("Anywhere-IPv6  ::/0", peerAnyV6),
		huh.NewOption("Custom CIDR", peerCustom),
		huh.NewOption("Security group", peerGroup))
	var groupOpts []huh.Option[string]
	for _, other := range w.Groups {
		if other.VPC == g.VPC {
			label := safe(other.Label()) + "  " + safe(other.ID)
			if other.ID == g.ID {
				label += "  (this group)"
			}
			groupOpts = append(groupOpts, huh.NewOption(label, other.ID))
		}
	}
	if in.group == "" && len(groupOpts) > 0 {
		in.group = groupOpts[0].Value
	}

	f := changeForm(e, fmt.Sprintf("%s %s rule · %s", verb, dir, g.Label()), do,
		choice("Type", typeOpts, &in.typ),
		retitled(field(huh.NewInput().TitleFunc(portTitle, &in.typ).PlaceholderFunc(func() string {
			if console.Types[in.typ].Protocol.IsICMP() {
				return "type, or type/code (8, 3/4)"
			}
			return "e.g. 8080 or 8000-8100"
		}, &in.typ).Value(&in.ports).
			Validate(func(s string) error {
				_, err := engine.ParsePorts(console.Types[in.typ].Protocol, s)
				return awsError(err)
			})), portTitle).hideWhen(func() bool { return !console.Types[in.typ].Custom }),
		field(huh.NewInput().Title("Protocol number").Placeholder("e.g. 50 (ESP)").Value(&in.proto).
			Validate(func(s string) error {
				_, err := customProtocol(s)
				return awsError(err)
			})).hideWhen(func() bool { return !console.Types[in.typ].Number }),
		choice(peerTitle, peerOpts, &in.peer),
		field(huh.NewInput().Title("CIDR block").Placeholder("e.g. 203.0.113.0/24 or 2001:db8::/32").Value(&in.cidr).
			Validate(func(s string) error {
				_, _, err := engine.ParseCIDR(s)
				return awsError(err)
			})).hideWhen(func() bool { return in.peer != peerCustom }),
		choice(peerTitle+" group", groupOpts, &in.group).
			hideWhen(func() bool { return in.peer != peerGroup }),
		field(huh.NewInput().Title("Description (optional)").Value(&in.descr).
			Validate(func(s string) error { in.descr = s; return trial(e, do) })),
	)
	f.preview = func() []string { return rulePreview(e, dir, &in, f.width) }
	return f
}

// rulePreview shows the rule being built as a row of the console's
// table, with "?" for what does not parse yet.
func rulePreview(e *env, dir engine.Direction, in *ruleInput, width int) []string {
	st := e.st
	r, _ := in.rule(e.w)
	cells := consoleRow(e.w, r)
	t := console.Types[in.typ]
	unknown := e.ctx.Mark("?", "not valid yet")
	if _, err := engine.ParsePorts(t.Protocol, in.ports); t.Custom && err != nil {
		cells[2] = unknown
	}
	if _, err := customProtocol(in.proto); t.Number && err != nil {
		cells[1] = unknown
	}
	if _, _, err := engine.ParseCIDR(in.cidr); in.peer == peerCustom && err != nil {
		cells[3] = unknown
	}
	tab := newTable(e.ctx, width, [][]string{console.Columns(dir)}, cells)
	var lines []string
	for _, l := range tab.header(console.Columns(dir)) {
		lines = append(lines, st.Faint.Render(l))
	}
	if e.ctx.Accessible {
		lines = append(lines, st.Muted.Render("The rule so far:"))
	}
	for _, l := range tab.row(console.Columns(dir), cells) {
		lines = append(lines, st.Bold.Render(l))
	}
	if p, changed, err := engine.ParseCIDR(in.cidr); in.peer == peerCustom && err == nil && changed {
		lines = append(lines, common.Wrap(st.Warn.Render(fmt.Sprintf("%s%s has host bits set: AWS stores it as %s.", e.ctx.Mark("! ", "Warning: "), strings.TrimSpace(in.cidr), p)), width)...)
	}
	return lines
}

// instanceGroupsForm sets the groups attached to an instance: AWS's
// "Change security groups".
func instanceGroupsForm(e *env, instanceID string) *form {
	w := e.w
	i := w.Instance(instanceID)
	chosen := slices.Clone(i.Groups)
	var opts []huh.Option[string]
	for _, g := range w.Groups {
		if g.VPC == i.VPC {
			opts = append(opts, huh.NewOption(safe(g.Label())+"  "+safe(g.ID), g.ID))
		}
	}
	do := func(w *engine.World) (done, error) {
		if err := tooManyGroups(w, i.Label(), len(chosen)); err != nil {
			return done{}, err
		}
		was, now := groupList(w, w.Instance(instanceID).Groups), groupList(w, chosen)
		return done{status: "The security groups of " + i.Label() + " are now " + now,
			undo: "the security groups of " + i.Label() + " are " + was + " again",
			redo: "the security groups of " + i.Label() + " are " + now + " again"}, setGroups(w, instanceID, chosen)
	}
	return changeForm(e, "Security groups of "+i.Label(), do,
		field(huh.NewMultiSelect[string]().
			Title(fmt.Sprintf("Attached to %s (%sat most %d)", safe(i.Label()), e.ctx.Mark("space toggles, ", ""), w.Quotas.GroupsPerInstance)).
			Options(opts...).Value(&chosen).Height(min(len(opts)+1, 12)).
			Validate(func(ids []string) error { chosen = ids; return trial(e, do) })),
	)
}

// setGroups attaches and detaches groups until the instance has exactly
// ids. It attaches first while there is room, so that an instance never
// passes through having no group, and detaches first when it is full.
func setGroups(w *engine.World, instanceID string, ids []string) error {
	i := w.Instance(instanceID)
	if i == nil {
		return &engine.Error{Code: engine.CodeInstanceNotFound, Message: fmt.Sprintf("the instance %q does not exist", instanceID)}
	}
	var add, drop []string
	for _, id := range ids {
		if !slices.Contains(i.Groups, id) {
			add = append(add, id)
		}
	}
	for _, id := range i.Groups {
		if !slices.Contains(ids, id) {
			drop = append(drop, id)
		}
	}
	for len(add) > 0 || len(drop) > 0 {
		var err error
		if len(add) > 0 && (len(w.Instance(instanceID).Groups) < w.Quotas.GroupsPerInstance || len(drop) == 0) {
			err, add = w.AttachGroup(instanceID, add[0]), add[1:]
		} else {
			err, drop = w.DetachGroup(instanceID, drop[0]), drop[1:]
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// groupInstancesForm attaches a group to instances and detaches it.
func groupInstancesForm(e *env, groupID string) *form {
	w := e.w
	g := w.Group(groupID)
	var chosen []string
	var opts []huh.Option[string]
	for _, i := range w.Instances {
		if i.VPC != g.VPC {
			continue
		}
		opts = append(opts, huh.NewOption(safe(i.Label())+"  "+addrs(i), i.ID))
		if slices.Contains(i.Groups, groupID) {
			chosen = append(chosen, i.ID)
		}
	}
	do := func(w *engine.World) (done, error) {
		was := attachedTo(w, groupID)
		for _, i := range w.Instances {
			if i.VPC != g.VPC || slices.Contains(chosen, i.ID) == slices.Contains(i.Groups, groupID) {
				continue
			}
			ids := slices.DeleteFunc(slices.Clone(i.Groups), func(id string) bool { return id == groupID })
			if slices.Contains(chosen, i.ID) {
				ids = append(ids, groupID)
			}
			if err := tooManyGroups(w, i.Label(), len(ids)); err != nil {
				return done{}, err
			}
			if err := setGroups(w, i.ID, ids); err != nil {
				return done{}, err
			}
		}
		now := attachedTo(w, groupID)
		return done{status: g.Label() + " is now attached to " + now,
			undo: g.Label() + " is attached to " + was + " again",
			redo: g.Label() + " is attached to " + now + " again"}, nil
	}
	if len(opts) == 0 {
		return newForm(e, "Attach "+g.Label(), func() tea.Msg { return nil },
			field(huh.NewNote().Title("No instances in "+safe(g.VPC)).Description("Press i to launch one first.")))
	}
	return changeForm(e, "Attach "+g.Label(), do,
		field(huh.NewMultiSelect[string]().Title("Instances with "+safe(g.Label())+e.ctx.Mark(" (space toggles)", "")).
			Options(opts...).Value(&chosen).Height(min(len(opts)+1, 12)).
			Validate(func(ids []string) error { chosen = ids; return trial(e, do) })),
	)
}

// commonServices are offered in the services form beside what runs.
func commonServices() []engine.Service {
	return []engine.Service{
		{Protocol: engine.ProtoTCP, Port: 22}, {Protocol: engine.ProtoTCP, Port: 80}, {Protocol: engine.ProtoTCP, Port: 443},
		{Protocol: engine.ProtoTCP, Port: 3389}, {Protocol: engine.ProtoTCP, Port: 21}, {Protocol: engine.ProtoTCP, Port: 3306},
		{Protocol: engine.ProtoTCP, Port: 5432}, {Protocol: engine.ProtoUDP, Port: 53},
	}
}

// servicesForm starts and stops what listens on an instance or a host.
func servicesForm(e *env, sel ref) *form {
	ep, _ := e.w.Endpoint(sel.id)
	var running []engine.Service
	if ep.Instance != nil {
		running = ep.Instance.Listening
	} else {
		running = ep.Host.Listening
	}
	chosen := slices.Clone(running)
	offered := slices.Clone(commonServices())
	for _, s := range running {
		if !slices.Contains(offered, s) {
			offered = append(offered, s)
		}
	}
	opts := make([]huh.Option[engine.Service], len(offered))
	for k, s := range offered {
		opts[k] = huh.NewOption(serviceLabel(s), s)
	}
	var other string
	do := func(w *engine.World) (done, error) {
		want := slices.Clone(chosen)
		for _, f := range strings.Fields(strings.ReplaceAll(other, ",", " ")) {
			s, err := engine.ParseService(f)
			if err != nil {
				return done{}, awsError(err)
			}
			want = append(want, s)
		}
		for _, s := range running {
			if !slices.Contains(want, s) {
				if err := w.StopService(sel.id, s); err != nil {
					return done{}, err
				}
			}
		}
		for _, s := range want {
			if err := w.StartService(sel.id, s); err != nil {
				return done{}, err
			}
		}
		return done{status: "Services on " + ep.Label() + ": " + services(want),
			undo: ep.Label() + " runs " + services(running) + " again",
			redo: ep.Label() + " runs " + services(want) + " again"}, nil
	}
	return changeForm(e, "Services on "+ep.Label(), do,
		field(huh.NewMultiSelect[engine.Service]().Title("Running"+e.ctx.Mark(" (space starts or stops)", "")).
			Options(opts...).Value(&chosen).Height(len(opts)+1)),
		field(huh.NewInput().Title("Other services (optional)").Placeholder("e.g. tcp/8080 udp/123").Value(&other).
			Validate(func(s string) error { other = s; return trial(e, do) })),
	)
}

// launchForm launches an instance.
func launchForm(e *env, vpc string) *form {
	w := e.w
	name := ""
	for n := len(w.Instances) + 1; name == ""; n++ {
		if w.Instance(fmt.Sprintf("web-%d", n)) == nil {
			name = fmt.Sprintf("web-%d", n)
		}
	}
	public := true
	var chosen []string
	if g := w.FindGroup(vpc, engine.DefaultGroupName); g != nil {
		chosen = []string{g.ID}
	}
	var groupOpts []huh.Option[string]
	for _, g := range w.Groups {
		if g.VPC == vpc {
			groupOpts = append(groupOpts, huh.NewOption(safe(g.Label())+"  "+safe(g.ID), g.ID))
		}
	}
	running := []engine.Service{{Protocol: engine.ProtoTCP, Port: 22}}
	svcOpts := make([]huh.Option[engine.Service], len(commonServices()))
	for k, s := range commonServices() {
		svcOpts[k] = huh.NewOption(serviceLabel(s), s)
	}
	subnet, subnetStep := subnetChoice(w, &vpc)
	do := func(w *engine.World) (done, error) {
		i := engine.Instance{Name: strings.TrimSpace(name), VPC: vpc, Subnet: *subnet, Groups: slices.Clone(chosen), Listening: slices.Clone(running)}
		if public {
			i.PublicIP = w.FreePublicIP()
		}
		if err := tooManyGroups(w, i.Name, len(chosen)); err != nil {
			return done{}, err
		}
		id, err := w.LaunchInstance(i)
		return done{status: "Launched " + i.Name, undo: "there is no instance " + i.Name + " any more", redo: i.Name + " is running again",
			sel: ref{kindInstance, id}}, err
	}
	return changeForm(e, "Launch instance", do,
		vpcStep(w, &vpc),
		field(huh.NewInput().Title("Name").Value(&name).
			Validate(func(s string) error { name = s; return trial(e, do) })),
		subnetStep,
		choice("Auto-assign public IP", []huh.Option[bool]{huh.NewOption("Enable", true), huh.NewOption("Disable", false)}, &public),
		field(huh.NewMultiSelect[string]().Title("Security groups").Options(groupOpts...).Value(&chosen).
			Height(min(len(groupOpts)+1, 8))),
		field(huh.NewMultiSelect[engine.Service]().Title("Running").Options(svcOpts...).Value(&running).
			Height(len(svcOpts)+1).
			Validate(func(s []engine.Service) error { running = s; return trial(e, do) })),
	)
}

// saveAsForm saves the lab to a scenario file, or exports its groups
// (see saveFormat). suggest is an absolute path: its directory is where a
// name typed alone goes, and the form says so. Each format has its own
// file field, named for it. A file already there is replaced only when
// the learner says so.
func saveAsForm(e *env, suggest string) *form {
	dir := filepath.Dir(suggest)
	formats, format := saveFormats(), 0
	path := suggest
	var exists, replace bool
	steps := []step{choice("Format", saveFormatOptions(formats), &format)}
	for k, sf := range formats {
		typed := sf.withExt(suggest)
		steps = append(steps, field(huh.NewInput().Title("File").Value(&typed).Validate(func(s string) error {
			typed = strings.TrimSpace(s)
			path = typed
			if path != "" && !filepath.IsAbs(path) {
				path = filepath.Join(dir, path)
			}
			err := writablePath(path)
			_, statErr := os.Lstat(path)
			exists = err == nil && statErr == nil
			return err
		})).hideWhen(func() bool { return format != k }))
	}
	steps = append(steps, retitled(field(huh.NewConfirm().TitleFunc(func() string { return filepath.Base(path) + " exists already. Replace it?" }, &path).
		Description("Keep it saves nothing; shift+tab goes back to the name.").
		Affirmative("Replace").Negative("Keep it").Value(&replace)),
		// huh's accessible prompt has no room for the description.
		func() string {
			return filepath.Base(path) + " exists already. Replace it? No keeps it and saves nothing; shift+tab goes back to the name."
		}).hideWhen(func() bool { return !exists }))
	f := newForm(e, "Save the lab to a file", func() tea.Msg {
		if exists && !replace {
			return statusMsg{common.StatusInfo, "Nothing saved: " + path + " is kept as it was. ctrl+s saves under another name."}
		}
		return saveAsMsg{path: path, replace: replace, format: formats[format]}
	}, steps...)
	f.intro = "Saved in " + dir + " unless you type another directory. A scenario opens again with o and in `sglab check`; " +
		"Terraform, an AWS CLI script or CloudFormation builds the lab's security groups in an AWS account."
	return f
}

// writablePath checks that a file can be written at path: a name, in a
// directory that exists.
func writablePath(path string) error {
	if path == "" {
		return errors.New("type a file name, such as lab.yaml")
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("there is no directory %s", dir)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("%s is a directory", path)
	}
	return nil
}

// openFileForm opens a scenario file in the lab.
func openFileForm(e *env, unsaved string) *form {
	var path string
	var loaded *engine.World
	f := newForm(e, "Open a scenario file", func() tea.Msg { return openWorldMsg{path: path, w: loaded} },
		field(huh.NewInput().Title("File").Placeholder("e.g. examples/scenarios/ssh-my-ip.yaml").Value(&path).
			Validate(func(s string) error {
				path = strings.TrimSpace(s)
				w, err := loadForLab(path)
				loaded = w
				return err
			})),
	)
	f.intro = "The file replaces the lab's world."
	if unsaved != "" {
		f.intro += " " + capital(unsaved) + " will be lost."
	}
	return f
}

// loadForLab loads a scenario, or says in one message what is wrong with
// it: the first problem, with its line and AWS code, and how many more.
func loadForLab(path string) (*engine.World, error) {
	if path == "" {
		return nil, errors.New("type the path of a scenario file")
	}
	w, ds, err := engine.LoadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, errors.Unwrap(err))
	}
	if w == nil {
		errs := ds.Errors()
		msg := errs[0].String()
		if len(errs) > 1 {
			msg += fmt.Sprintf(" (and %d more)", len(errs)-1)
		}
		return nil, errors.New(msg)
	}
	return w, nil
}
