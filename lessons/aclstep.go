package lessons

import (
	"fmt"
	"strings"

	"github.com/sglab/sglab/engine"
)

// The solution steps that change network ACLs, as the lab does: an entry
// added, replaced or removed (found by its rule number, as AWS's API finds
// it), a custom ACL created, a subnet associated with an ACL.
const (
	opAddEntry     = "add-entry"
	opReplaceEntry = "replace-entry"
	opRemoveEntry  = "remove-entry"
	opCreateACL    = "create-acl"
	opAssociateACL = "associate-acl"
)

// aclStep reads the fields of a step that changes a network ACL.
func aclStep(r *reader, outer fields, s Step) (Step, bool) {
	what := "the `" + s.Op + "` step"
	switch s.Op {
	case opAddEntry, opReplaceEntry, opRemoveEntry:
		keys := []string{"acl", "vpc", "direction", "rule"}
		if s.Op != opRemoveEntry {
			keys = append(keys, "action", "protocol", "ports", "cidr")
		}
		f, ok := r.object(outer.node(s.Op), what, keys...)
		if !ok {
			return Step{}, false
		}
		return entryStep(r, f, s)
	case opCreateACL:
		f, ok := r.object(outer.node(s.Op), what, "name", "vpc")
		if !ok {
			return Step{}, false
		}
		name, vpc := f.str("name", true), f.str("vpc", false)
		s.Text = "Create a custom network ACL named " + name
		s.apply = func(w *engine.World) error {
			v := vpc
			if v == "" {
				if len(w.VPCs) != 1 {
					return &engine.Error{Code: engine.CodeMissingField, Message: "say in which VPC to create the network ACL: `vpc:`"}
				}
				v = w.VPCs[0].ID
			}
			_, err := w.CreateNetworkACL(engine.NetworkACL{Name: name, VPC: v})
			return err
		}
		return s, name != ""
	case opAssociateACL:
		f, ok := r.object(outer.node(s.Op), what, "subnet", "acl")
		if !ok {
			return Step{}, false
		}
		subnet, acl := f.str("subnet", true), f.str("acl", true)
		s.Text = fmt.Sprintf("Associate %s with the network ACL %s", subnet, acl)
		s.apply = func(w *engine.World) error {
			sn := w.FindSubnet("", subnet)
			if sn == nil {
				sn = findSubnetByName(w, subnet)
			}
			if sn == nil {
				return &engine.Error{Code: engine.CodeSubnetNotFound, Message: fmt.Sprintf("there is no subnet %s", subnet)}
			}
			return w.AssociateACL(sn.ID, acl)
		}
		return s, subnet != "" && acl != ""
	}
	return Step{}, false
}

// entryStep reads an add-entry, replace-entry or remove-entry step.
func entryStep(r *reader, f fields, s Step) (Step, bool) {
	acl, vpc := f.str("acl", true), f.str("vpc", false)
	d, ok := direction(r, f)
	n, hasRule := f.number("rule", true, engine.MinACLRule, engine.MaxACLRule)
	ok = ok && hasRule && acl != ""
	if s.Op == opRemoveEntry {
		s.Text = fmt.Sprintf("Delete the %s entry %d of the network ACL %s", d, n, acl)
		s.apply = func(w *engine.World) error {
			a, err := lookupACL(w, acl, vpc)
			if err != nil {
				return err
			}
			return w.DeleteACLEntry(a.ID, d, n)
		}
		return s, ok
	}
	e := engine.ACLEntry{Rule: n}
	if act := f.str("action", true); act != "" {
		var valid bool
		if e.Action, valid = engine.ParseACLAction(act); !valid {
			r.errorf(f.at("action"), engine.CodeInvalidValue, "action is allow or deny, not %q", act)
			ok = false
		}
	} else {
		ok = false
	}
	// The rule decoder reads protocol and ports exactly as a scenario file
	// writes them; an entry's peer is a CIDR and nothing else.
	text := engine.RuleText{Protocol: f.str("protocol", true), Ports: f.str("ports", false), HasPorts: f.Has("ports"), Peer: f.str("cidr", true)}
	if text.Protocol == "" || text.Peer == "" {
		return Step{}, false // missing, and reported
	}
	rule, _, errs := engine.DecodeRule(d, text)
	for _, fe := range errs {
		at := f.start()
		switch fe.Field {
		case "source", "destination":
			at = f.at("cidr")
		case "":
		default:
			at = f.at(fe.Field)
		}
		r.errorf(at, fe.Code, "%s", fe.Msg)
		ok = false
	}
	if len(errs) == 0 && (rule.Peer.IsGroup() || rule.Peer.Self) {
		r.errorf(f.at("cidr"), engine.CodeInvalidValue, "%s", cidrOnly(rule.Peer, text.Peer))
		ok = false
	}
	if !ok {
		return Step{}, false
	}
	e.Protocol, e.Ports, e.CIDR = rule.Protocol, rule.Ports, rule.Peer.CIDR
	verb, apply := "Add", (*engine.World).AddACLEntry
	if s.Op == opReplaceEntry {
		verb, apply = "Replace with", (*engine.World).ReplaceACLEntry
	}
	s.Text = fmt.Sprintf("%s the %s entry of the network ACL %s: %s", verb, d, acl, entryWords(e, d))
	s.apply = func(w *engine.World) error {
		a, err := lookupACL(w, acl, vpc)
		if err != nil {
			return err
		}
		return apply(w, a.ID, d, e)
	}
	return s, true
}

// entryWords says what an entry does: "rule 90, deny all traffic from
// 198.51.100.66/32".
func entryWords(e engine.ACLEntry, d engine.Direction) string {
	what := "all traffic"
	if e.Protocol != engine.ProtoAll {
		what = strings.TrimSpace(e.Protocol.String() + " " + e.Ports.Format(e.Protocol))
	}
	prep := "from"
	if d == engine.Outbound {
		prep = "to"
	}
	return fmt.Sprintf("rule %d, %s %s %s %s", e.Rule, e.Action, what, prep, e.CIDR)
}

// lookupACL finds a network ACL by id, or by name: in vpc when vpc is
// given, else in whichever VPC has an ACL of that name, if only one does.
func lookupACL(w *engine.World, ref, vpc string) (*engine.NetworkACL, *engine.Error) {
	if vpc != "" {
		if a := w.FindNetworkACL(vpc, ref); a != nil && a.VPC == vpc {
			return a, nil
		}
		return nil, &engine.Error{Code: engine.CodeACLNotFound, Message: fmt.Sprintf("there is no network ACL %s in %s", ref, vpc)}
	}
	if a := w.NetworkACL(ref); a != nil {
		return a, nil
	}
	var found *engine.NetworkACL
	for _, a := range w.NetworkACLs {
		if a.Name != ref {
			continue
		}
		if found != nil {
			return nil, &engine.Error{Code: engine.CodeInvalidParameter,
				Message: fmt.Sprintf("%s and %s each have a network ACL named %s: name it by its id, or add `vpc:`", found.VPC, a.VPC, ref)}
		}
		found = a
	}
	if found == nil {
		return nil, &engine.Error{Code: engine.CodeACLNotFound, Message: fmt.Sprintf("there is no network ACL %s", ref)}
	}
	return found, nil
}

// findSubnetByName finds a subnet by its name in any VPC.
func findSubnetByName(w *engine.World, name string) *engine.Subnet {
	for _, s := range w.Subnets {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// cidrOnly says why a peer that is not a CIDR cannot be an entry's: a
// mistyped address, or a group or self, which only security groups take.
func cidrOnly(p engine.Peer, written string) string {
	if err := p.MeantAsAddress(); err != nil {
		return "cidr: " + err.Error()
	}
	return fmt.Sprintf("an entry's cidr is an IPv4 or IPv6 CIDR, never a security group or self, not %q", written)
}
