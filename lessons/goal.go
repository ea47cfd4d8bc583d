package lessons

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/internal/yamlread"
)

// Goal is one thing a challenge's world must satisfy: a connection with the
// outcome it must have, or a fact about how the world is built (a
// structural goal). Every goal is checked against the world itself, never
// against what the learner typed, so any correct solution passes.
type Goal struct {
	Label string // what the checklist shows
	// Conn is the connection a connection goal tests, with the outcome it
	// expects; nil for a structural goal.
	Conn *engine.Connection
	Pos  engine.Pos

	rule structural
}

// structural is a goal about the world's structure.
type structural interface {
	check(w *engine.World) (met bool, why string)
}

// The structural goals a challenge may use.
const (
	goalAttached   = "attached"
	goalOwnGroup   = "port-in-own-group"
	goalNotOpen    = "not-open-to-world"
	goalReferences = "references"
)

// structuralKinds lists the structural goals in the order messages name them.
var structuralKinds = []string{goalAttached, goalOwnGroup, goalNotOpen, goalReferences, goalExposure, goalNetworkACL}

// The fields of each structural goal.
var structuralFields = map[string][]string{
	goalAttached:   {"group", "instance"},
	goalOwnGroup:   {"instance", "port"},
	goalNotOpen:    {"port"},
	goalReferences: {"group", "source", "port"},
	goalExposure:   {"instance", "inbound", "outbound"},
	goalNetworkACL: {"acl", "vpc", "inbound", "outbound"},
}

var connectionKeys = []string{"from", "to", "protocol", "port", "source_port", "expect"}

// GoalStatus is whether one goal is met in a world, and if not, why.
type GoalStatus struct {
	Goal *Goal
	Met  bool
	// Result is what the engine said about a connection goal's connection.
	Result engine.Result
	// Why says why an unmet goal is not met: for a connection goal, the
	// outcome and the engine's reason, such as "timeout, not connected: the
	// packet is dropped inbound. No inbound rule of sg-web allows tcp/22
	// from 203.0.113.10."
	Why string
}

// Checklist is every goal of a challenge checked against one world.
type Checklist struct {
	Goals []GoalStatus
}

// Check checks every goal of the challenge against w, through the engine.
// It is cheap enough to run after every change the learner makes.
func (c *Challenge) Check(w *engine.World) Checklist {
	cl := Checklist{Goals: make([]GoalStatus, len(c.Goals))}
	for k := range c.Goals {
		cl.Goals[k] = c.Goals[k].check(w)
	}
	return cl
}

func (g *Goal) check(w *engine.World) GoalStatus {
	st := GoalStatus{Goal: g}
	if g.Conn == nil {
		st.Met, st.Why = g.rule.check(w)
		return st
	}
	st.Result = engine.Evaluate(w, *g.Conn)
	st.Met = st.Result.Outcome == g.Conn.Expect
	if !st.Met {
		st.Why = fmt.Sprintf("%s, not %s: %s. %s", st.Result.Outcome, g.Conn.Expect, reasonPhrase(st.Result.Reason), st.Result.ExplanationByName())
	}
	return st
}

// reasonPhrase says in a few words what happened to the packet.
func reasonPhrase(r engine.Reason) string {
	switch r {
	case engine.InboundBlocked:
		return "the packet is dropped inbound"
	case engine.OutboundBlocked:
		return "the packet is dropped outbound"
	case engine.Unreachable:
		return "the packet has no way there"
	case engine.NoListener:
		return "the security groups let it through, but nothing answers on that port"
	case engine.ACLOutboundBlocked:
		return "the source subnet's network ACL drops the packet on its way out"
	case engine.ACLInboundBlocked:
		return "the destination subnet's network ACL drops the packet on its way in"
	case engine.ACLReplyBlocked:
		return "the server answers, but a network ACL drops the reply"
	}
	return "it gets through"
}

// Solved reports whether every goal is met.
func (cl Checklist) Solved() bool { return cl.Met() == len(cl.Goals) }

// Met counts the goals that are met.
func (cl Checklist) Met() int {
	n := 0
	for _, g := range cl.Goals {
		if g.Met {
			n++
		}
	}
	return n
}

// FirstFailure returns the first goal that is not met.
func (cl Checklist) FirstFailure() (GoalStatus, bool) {
	for _, g := range cl.Goals {
		if !g.Met {
			return g, true
		}
	}
	return GoalStatus{}, false
}

// Hint is one of a challenge's hints, with what is wrong right now.
type Hint struct {
	Level int // from 1
	Text  string
	// Last is true for the last hint: the solution comes next.
	Last bool
	// Diagnosis names the first goal that is not met and the engine's
	// reason, so that the hint speaks to the learner's actual mistake.
	// It is empty when every goal is met.
	Diagnosis string
}

// Hint returns hint level (from 1) for a learner whose world checks as cl.
// It is false past the last hint.
func (c *Challenge) Hint(level int, cl Checklist) (Hint, bool) {
	if level < 1 || level > len(c.Hints) {
		return Hint{}, false
	}
	h := Hint{Level: level, Text: c.Hints[level-1], Last: level == len(c.Hints)}
	if st, ok := cl.FirstFailure(); ok {
		h.Diagnosis = st.Goal.Label + ": " + st.Why
	}
	return h, true
}

// parseGoal reads one item of a challenge's goals. start, when not nil, is
// the starting world the goal's connection must make sense in.
func parseGoal(r *reader, n *yamlread.Node, start *engine.World) (Goal, bool) {
	keys := append(append(slices.Clone(connectionKeys), "label"), structuralKinds...)
	f, ok := r.object(n, "a goal", keys...)
	if !ok {
		return Goal{}, false
	}
	g := Goal{Pos: f.start(), Label: f.str("label", false)}
	kinds := slices.DeleteFunc(slices.Clone(structuralKinds), func(k string) bool { return !f.Has(k) })
	isConn := slices.ContainsFunc(connectionKeys, f.Has)
	switch {
	case len(kinds) > 1 || (len(kinds) == 1 && isConn):
		r.errorf(f.start(), engine.CodeInvalidValue, "a goal is either a connection (from, to, port, expect) or one structural goal (%s)",
			strings.Join(structuralKinds, ", "))
		return Goal{}, false
	case len(kinds) == 1:
		return parseStructural(r, f, kinds[0], g)
	}
	return parseConnectionGoal(r, f, start, g)
}

func parseConnectionGoal(r *reader, f fields, start *engine.World, g Goal) (Goal, bool) {
	c := engine.Connection{From: f.str("from", true), To: f.str("to", true), Protocol: engine.ProtoTCP}
	ok := c.From != "" && c.To != ""
	if f.Has("protocol") {
		p, err := engine.ParseProtocol(f.str("protocol", true))
		if err != nil || !(p.HasPorts() || p.IsICMP()) {
			r.errorf(f.at("protocol"), engine.CodeInvalidValue, "a connection's protocol is tcp, udp, icmp or icmpv6")
			ok = false
		}
		c.Protocol = p
	}
	if c.Protocol.HasPorts() {
		if s := f.str("port", true); s != "" {
			port, err := engine.ParsePort(s)
			if err != nil {
				r.errorf(f.at("port"), engine.CodeInvalidValue, "%v", err)
				ok = false
			}
			c.Port = port
		} else {
			ok = false
		}
	}
	if f.Has("source_port") {
		if !c.Protocol.HasPorts() {
			r.errorf(f.at("source_port"), engine.CodeInvalidValue, "%s has no ports: leave `source_port` out", c.Protocol)
			ok = false
		} else if n, valid := f.number("source_port", true, 1, 65535); valid {
			c.SourcePort = n
		} else {
			ok = false
		}
	}
	if s := f.str("expect", true); s != "" {
		o, valid := engine.ParseOutcome(s)
		if !valid {
			r.errorf(f.at("expect"), engine.CodeInvalidValue, "expect is connected, refused or timeout, not %q", s)
			ok = false
		}
		c.Expect = o
	} else {
		ok = false
	}
	if !ok {
		return Goal{}, false
	}
	if start != nil {
		if err := start.ValidateConnection(c); err != nil {
			code, msg := errorCode(err)
			r.errorf(f.start(), code, "%s", msg)
			return Goal{}, false
		}
	}
	g.Conn = &c
	if g.Label == "" {
		g.Label = fmt.Sprintf("%s → %s on %s: %s", c.From, c.To, c.What(), c.Expect)
		if c.SourcePort != 0 {
			g.Label = fmt.Sprintf("%s (port %d) → %s on %s: %s", c.From, c.SourcePort, c.To, c.What(), c.Expect)
		}
	}
	return g, true
}

func parseStructural(r *reader, outer fields, kind string, g Goal) (Goal, bool) {
	f, ok := r.object(outer.node(kind), "the `"+kind+"` goal", structuralFields[kind]...)
	if !ok {
		return Goal{}, false
	}
	port := func() int {
		s := f.str("port", true)
		if s == "" {
			return -1
		}
		n, err := engine.ParsePort(s)
		if err != nil {
			r.errorf(f.at("port"), engine.CodeInvalidValue, "%v", err)
			return -1
		}
		return n
	}
	var label string
	switch kind {
	case goalAttached:
		a := attachedGoal{group: f.str("group", true), instance: f.str("instance", true)}
		g.rule, ok = a, a.group != "" && a.instance != ""
		label = fmt.Sprintf("%s is attached to %s", a.group, a.instance)
	case goalOwnGroup:
		o := ownGroupGoal{instance: f.str("instance", true), port: port()}
		g.rule, ok = o, o.instance != "" && o.port >= 0
		label = fmt.Sprintf("tcp/%d reaches %s through a security group of its own", o.port, o.instance)
	case goalNotOpen:
		o := notOpenGoal{port: port()}
		g.rule, ok = o, o.port >= 0
		label = fmt.Sprintf("no inbound rule opens tcp/%d to the whole internet", o.port)
	case goalReferences:
		ref := referencesGoal{group: f.str("group", true), source: f.str("source", true), port: port()}
		g.rule, ok = ref, ref.group != "" && ref.source != "" && ref.port >= 0
		label = fmt.Sprintf("%s allows tcp/%d from the members of %s", ref.group, ref.port, ref.source)
	case goalExposure: // exposure.go
		var e exposureGoal
		e, label, ok = parseExposure(r, f)
		g.rule = e
	case goalNetworkACL: // aclgoal.go
		var a networkACLGoal
		a, label, ok = parseNetworkACL(r, f)
		g.rule = a
	}
	if g.Label == "" {
		g.Label = label
	}
	return g, ok
}

// errorCode splits an error into AWS's code, when the engine gave one,
// and its message.
func errorCode(err error) (code, msg string) {
	var e *engine.Error
	if errors.As(err, &e) {
		return e.Code, e.Message
	}
	return engine.CodeInvalidValue, err.Error()
}

// attachedGoal: a group is attached to an instance.
type attachedGoal struct{ group, instance string }

func (a attachedGoal) check(w *engine.World) (bool, string) {
	i := w.Instance(a.instance)
	if i == nil {
		return false, fmt.Sprintf("there is no instance %s", a.instance)
	}
	g := w.FindGroup(i.VPC, a.group)
	switch {
	case g == nil:
		return false, fmt.Sprintf("there is no security group %s in %s's VPC, %s", a.group, i.Label(), i.VPC)
	case !slices.Contains(i.Groups, g.ID):
		return false, fmt.Sprintf("%s is not attached to %s", g.Label(), i.Label())
	}
	return true, ""
}

// ownGroupGoal: an instance has a group whose inbound rules are all for
// one tcp port, and no other group of the instance opens that port.
type ownGroupGoal struct {
	instance string
	port     int
}

func (o ownGroupGoal) check(w *engine.World) (bool, string) {
	i := w.Instance(o.instance)
	if i == nil {
		return false, fmt.Sprintf("there is no instance %s", o.instance)
	}
	var own *engine.Group
	var others []*engine.Group
	for _, g := range w.GroupsOf(i) {
		switch {
		case own == nil && onlyPort(g, o.port):
			own = g
		case slices.ContainsFunc(g.Inbound, func(r engine.Rule) bool { return r.Admits(engine.TCP(o.port)) }):
			others = append(others, g)
		}
	}
	switch {
	case own == nil:
		return false, fmt.Sprintf("no group attached to %s has inbound rules for tcp/%d and nothing else", i.Label(), o.port)
	case len(others) > 0:
		return false, fmt.Sprintf("%s also opens tcp/%d on %s; the rule belongs in %s alone", others[0].Label(), o.port, i.Label(), own.Label())
	}
	return true, ""
}

// onlyPort reports whether every inbound rule of g is for tcp port and
// nothing else, and there is at least one.
func onlyPort(g *engine.Group, port int) bool {
	if len(g.Inbound) == 0 {
		return false
	}
	for _, r := range g.Inbound {
		if r.Protocol != engine.ProtoTCP || r.Ports.Lo != port || r.Ports.Hi != port {
			return false
		}
	}
	return true
}

// notOpenGoal: no inbound rule of any group opens a tcp port to every
// address (0.0.0.0/0 or ::/0).
type notOpenGoal struct{ port int }

func (o notOpenGoal) check(w *engine.World) (bool, string) {
	for _, g := range w.Groups {
		for _, r := range g.Inbound {
			if !r.Peer.IsGroup() && r.Peer.CIDR.Bits() == 0 && r.Admits(engine.TCP(o.port)) {
				return false, fmt.Sprintf("%s's inbound rule %s opens tcp/%d to the whole internet", g.Label(), ruleWords(w, r, engine.Inbound), o.port)
			}
		}
	}
	return true, ""
}

// referencesGoal: a group allows a tcp port from the members of another
// group, by reference rather than by their addresses.
type referencesGoal struct {
	group, source string
	port          int
}

func (ref referencesGoal) check(w *engine.World) (bool, string) {
	g, err := lookupGroup(w, ref.group, "")
	if err != nil {
		return false, err.Message
	}
	src := w.FindGroup(g.VPC, ref.source)
	if src == nil {
		return false, fmt.Sprintf("there is no security group %s in %s", ref.source, g.VPC)
	}
	for _, r := range g.Inbound {
		if r.Peer.Group == src.ID && r.Admits(engine.TCP(ref.port)) {
			return true, ""
		}
	}
	return false, fmt.Sprintf("no inbound rule of %s allows tcp/%d from the security group %s", g.Label(), ref.port, src.Label())
}

// lookupGroup finds a group by id, or by name: in vpc when vpc is given,
// else in whichever VPC has a group of that name, if only one does.
func lookupGroup(w *engine.World, ref, vpc string) (*engine.Group, *engine.Error) {
	if vpc != "" {
		if g := w.FindGroup(vpc, ref); g != nil {
			return g, nil
		}
		return nil, &engine.Error{Code: engine.CodeGroupNotFound, Message: fmt.Sprintf("there is no security group %s in %s", ref, vpc)}
	}
	if g := w.Group(ref); g != nil {
		return g, nil
	}
	var found *engine.Group
	for _, g := range w.Groups {
		if g.Name != ref {
			continue
		}
		if found != nil {
			return nil, &engine.Error{Code: engine.CodeInvalidParameter,
				Message: fmt.Sprintf("%s and %s each have a group named %s: name the group by its id", found.VPC, g.VPC, ref)}
		}
		found = g
	}
	if found == nil {
		return nil, &engine.Error{Code: engine.CodeGroupNotFound, Message: fmt.Sprintf("there is no security group %s", ref)}
	}
	return found, nil
}
