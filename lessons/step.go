package lessons

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/internal/yamlread"
)

// Step is one operation of a reference solution, the same kind of change
// the lab makes: a rule added or removed, a group created, deleted,
// attached or detached, a service started or stopped, a network ACL entry
// added, replaced or removed (aclstep.go).
type Step struct {
	Op   string // the operation, as the lesson file names it: add-rule, attach-group...
	Text string // what the step does, in words, for "show solution"
	Pos  engine.Pos

	apply func(w *engine.World) error
}

// Apply makes the step's change to w. It fails, changing nothing, with the
// engine's *engine.Error when the world does not allow it.
func (s Step) Apply(w *engine.World) error { return s.apply(w) }

// The operations a solution step may use.
const (
	opAddRule      = "add-rule"
	opRemoveRule   = "remove-rule"
	opCreateGroup  = "create-group"
	opDeleteGroup  = "delete-group"
	opAttachGroup  = "attach-group"
	opDetachGroup  = "detach-group"
	opStartService = "start-service"
	opStopService  = "stop-service"
)

var ops = []string{opAddRule, opRemoveRule, opCreateGroup, opDeleteGroup, opAttachGroup, opDetachGroup, opStartService, opStopService,
	opAddEntry, opReplaceEntry, opRemoveEntry, opCreateACL, opAssociateACL}

// parseStep reads one item of a challenge's solution: a mapping with a
// single key, the operation, whose value holds its fields. start, when not
// nil, is the starting world the steps apply to.
func parseStep(r *reader, n *yamlread.Node, start *engine.World) (Step, bool) {
	outer, ok := r.object(n, "a solution step", ops...)
	if !ok {
		return Step{}, false
	}
	given := outer.All()
	switch {
	case outer.Len == 0:
		r.errorf(outer.start(), engine.CodeMissingField, "a solution step is one operation, such as `- add-rule: { ... }`; this one is empty")
		return Step{}, false
	case len(given) > 1:
		r.errorf(outer.start(), engine.CodeInvalidValue, "a solution step is one operation, such as `- add-rule: { ... }`; split this one")
		return Step{}, false
	case len(given) == 0:
		return Step{}, false // its key is unknown, and reported
	}
	op := given[0].Name
	s := Step{Op: op, Pos: outer.start()}
	what := "the `" + op + "` step"
	switch op {
	case opAddRule, opRemoveRule:
		f, ok := r.object(outer.node(op), what, "group", "vpc", "direction", "protocol", "ports", "source", "destination", "description")
		if !ok {
			break
		}
		return ruleStep(r, f, s, start)
	case opCreateGroup:
		f, ok := r.object(outer.node(op), what, "name", "vpc", "description")
		if !ok {
			break
		}
		g := engine.Group{Name: f.str("name", true), VPC: f.str("vpc", false), Description: f.str("description", false)}
		s.Text = "Create a security group named " + g.Name
		if g.VPC != "" {
			s.Text += " in " + g.VPC
		}
		s.apply = func(w *engine.World) error {
			g := g // each application starts from the step as written
			if g.VPC == "" {
				if len(w.VPCs) != 1 {
					return &engine.Error{Code: engine.CodeMissingField, Message: "say in which VPC to create the group: `vpc:`"}
				}
				g.VPC = w.VPCs[0].ID
			}
			_, err := w.CreateGroup(g)
			return err
		}
		return s, g.Name != ""
	case opDeleteGroup:
		f, ok := r.object(outer.node(op), what, "group", "vpc")
		if !ok {
			break
		}
		ref, vpc := f.str("group", true), f.str("vpc", false)
		s.Text = "Delete the security group " + ref
		s.apply = func(w *engine.World) error {
			g, err := lookupGroup(w, ref, vpc)
			if err != nil {
				return err
			}
			return w.DeleteGroup(g.ID)
		}
		return s, ref != ""
	case opAttachGroup, opDetachGroup:
		f, ok := r.object(outer.node(op), what, "group", "instance")
		if !ok {
			break
		}
		return attachStep(f, s)
	case opStartService, opStopService:
		f, ok := r.object(outer.node(op), what, "on", "service")
		if !ok {
			break
		}
		return serviceStep(r, f, s)
	case opAddEntry, opReplaceEntry, opRemoveEntry, opCreateACL, opAssociateACL:
		return aclStep(r, outer, s)
	}
	return Step{}, false
}

// direction reads a step's direction: inbound unless it says outbound.
func direction(r *reader, f fields) (engine.Direction, bool) {
	switch dir := f.str("direction", false); dir {
	case "", "inbound":
		return engine.Inbound, true
	case "outbound":
		return engine.Outbound, true
	default:
		r.errorf(f.at("direction"), engine.CodeInvalidValue, "direction is inbound or outbound, not %q", dir)
		return engine.Inbound, false
	}
}

func ruleStep(r *reader, f fields, s Step, start *engine.World) (Step, bool) {
	group, vpc := f.str("group", true), f.str("vpc", false)
	d, ok := direction(r, f)
	peerKey, wrongKey := "source", "destination"
	if d == engine.Outbound {
		peerKey, wrongKey = wrongKey, peerKey
	}
	if f.Has(wrongKey) {
		r.errorf(f.at(wrongKey), engine.CodeInvalidValue, "an %s rule has a %s, not a %s", d, peerKey, wrongKey)
		ok = false
	}
	if s.Op == opRemoveRule && f.Has("description") {
		r.errorf(f.at("description"), engine.CodeUnknownField, "a rule to remove is found by protocol, ports and %s; leave out the description", peerKey)
		ok = false
	}
	// The scenario format's own decoder reads the rule, so a step takes
	// exactly what a scenario file takes.
	text := engine.RuleText{Protocol: f.str("protocol", true), Ports: f.str("ports", false), HasPorts: f.Has("ports"),
		Peer: f.str(peerKey, !f.Has(wrongKey)), Description: f.str("description", false)}
	if text.Protocol == "" || text.Peer == "" {
		return Step{}, false // missing, and reported
	}
	rule, _, errs := engine.DecodeRule(d, text)
	for _, e := range errs {
		at := f.start()
		if e.Field != "" {
			at = f.at(e.Field)
		}
		r.errorf(at, e.Code, "%s", e.Msg)
		ok = false
	}
	// A source that looks like an address but is not one is a typo, unless
	// a group of the starting world has that name: say so here, at its
	// place, rather than when the solution is applied.
	if err := rule.Peer.MeantAsAddress(); err != nil && start != nil && !hasGroup(start, rule.Peer.Group) {
		r.errorf(f.at(peerKey), engine.CodeInvalidValue, "%s: %v", peerKey, err)
		ok = false
	}
	if !ok || group == "" {
		return Step{}, false
	}
	what := strings.TrimSpace(rule.Protocol.String() + " " + text.Ports)
	prep := "from"
	if d == engine.Outbound {
		prep = "to"
	}
	if s.Op == opAddRule {
		s.Text = fmt.Sprintf("Add an %s rule to %s: %s %s %s", d, group, what, prep, text.Peer)
		s.apply = func(w *engine.World) error {
			g, err := lookupGroup(w, group, vpc)
			if err != nil {
				return err
			}
			return w.AddRule(g.ID, d, rule)
		}
		return s, true
	}
	s.Text = fmt.Sprintf("Remove the %s rule %s %s %s from %s", d, what, prep, text.Peer, group)
	s.apply = func(w *engine.World) error {
		g, err := lookupGroup(w, group, vpc)
		if err != nil {
			return err
		}
		return w.RevokeRule(g.ID, d, rule)
	}
	return s, true
}

// hasGroup reports whether a group of any VPC of w has ref as its id or name.
func hasGroup(w *engine.World, ref string) bool {
	return slices.ContainsFunc(w.Groups, func(g *engine.Group) bool { return g.ID == ref || g.Name == ref })
}

func attachStep(f fields, s Step) (Step, bool) {
	group, instance := f.str("group", true), f.str("instance", true)
	attach := s.Op == opAttachGroup
	if attach {
		s.Text = fmt.Sprintf("Attach %s to %s", group, instance)
	} else {
		s.Text = fmt.Sprintf("Detach %s from %s", group, instance)
	}
	s.apply = func(w *engine.World) error {
		i := w.Instance(instance)
		if i == nil {
			return &engine.Error{Code: engine.CodeInstanceNotFound, Message: fmt.Sprintf("there is no instance %s", instance)}
		}
		// A group of another VPC is passed on, so that the engine can say
		// why it cannot be attached.
		g := w.FindGroup(i.VPC, group)
		if g == nil {
			var err *engine.Error
			if g, err = lookupGroup(w, group, ""); err != nil {
				return err
			}
		}
		if attach {
			return w.AttachGroup(i.ID, g.ID)
		}
		return w.DetachGroup(i.ID, g.ID)
	}
	return s, group != "" && instance != ""
}

func serviceStep(r *reader, f fields, s Step) (Step, bool) {
	on, service := f.str("on", true), f.str("service", true)
	if on == "" || service == "" {
		return Step{}, false
	}
	svc, err := engine.ParseService(service)
	if err != nil {
		r.errorf(f.at("service"), engine.CodeInvalidValue, "%v", err)
		return Step{}, false
	}
	if s.Op == opStartService {
		s.Text = fmt.Sprintf("Start a service listening on %s on %s", svc, on)
		s.apply = func(w *engine.World) error { return w.StartService(on, svc) }
	} else {
		s.Text = fmt.Sprintf("Stop the service listening on %s on %s", svc, on)
		s.apply = func(w *engine.World) error { return w.StopService(on, svc) }
	}
	return s, true
}
