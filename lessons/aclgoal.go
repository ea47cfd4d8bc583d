package lessons

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/internal/yamlread"
)

// The network-acl goal says what a network ACL may allow, and nothing
// else. The security groups behind an ACL hide an over-broad entry from
// every connection a goal can try ("allow all traffic from 0.0.0.0/0"
// changes nothing while the groups hold), so the ACL is checked as it is
// written, as a layer of its own:
//
//	- network-acl:
//	    acl: acl-web
//	    inbound:
//	      - { protocol: tcp, ports: 443, cidr: 0.0.0.0/0 }
//	      - { protocol: tcp, ports: 1024-65535, cidr: 0.0.0.0/0 }
//	    outbound:
//	      - { protocol: tcp, ports: 1024-65535, cidr: 0.0.0.0/0 }
//
// Every allow entry of a direction listed must lie within one item: its
// protocol (or all traffic), its ports inside the item's, its CIDR inside
// the item's. Deny entries are not limited, and an allow entry counts
// even where an earlier deny covers part of it. A direction left out is
// not checked; an empty list allows no allow entry at all.

// goalNetworkACL is the goal's key in a lesson file.
const goalNetworkACL = "network-acl"

type networkACLGoal struct {
	acl, vpc string
	in, out  []engine.Rule // what may be allowed, each read as a rule whose peer is a CIDR
	checkIn  bool
	checkOut bool
}

// parseNetworkACL reads the fields of a network-acl goal.
func parseNetworkACL(r *reader, f fields) (networkACLGoal, string, bool) {
	g := networkACLGoal{acl: f.str("acl", true), vpc: f.str("vpc", false)}
	ok := g.acl != ""
	if !f.Has("inbound") && !f.Has("outbound") {
		r.errorf(f.start(), engine.CodeMissingField, "a network-acl goal lists what the ACL may allow in (`inbound`), out (`outbound`), or both")
		ok = false
	}
	read := func(d engine.Direction) []engine.Rule {
		key := d.String()
		var out []engine.Rule
		for _, item := range f.list(key, false) {
			rule, good := parseACLItem(r, item, key, d)
			ok = ok && good
			out = append(out, rule)
		}
		return out
	}
	if g.checkIn = f.Has("inbound"); g.checkIn {
		g.in = read(engine.Inbound)
	}
	if g.checkOut = f.Has("outbound"); g.checkOut {
		g.out = read(engine.Outbound)
	}
	return g, g.label(), ok
}

func parseACLItem(r *reader, n *yamlread.Node, key string, d engine.Direction) (engine.Rule, bool) {
	f, ok := r.object(n, "an item of `"+key+"`", "protocol", "ports", "cidr")
	if !ok {
		return engine.Rule{}, false
	}
	text := engine.RuleText{Protocol: f.str("protocol", true), Ports: f.str("ports", false), HasPorts: f.Has("ports"), Peer: f.str("cidr", true)}
	if text.Protocol == "" || text.Peer == "" {
		return engine.Rule{}, false
	}
	rule, _, errs := engine.DecodeRule(d, text)
	for _, e := range errs {
		at := f.start()
		switch e.Field {
		case "protocol", "ports":
			at = f.at(e.Field)
		case "source", "destination":
			at = f.at("cidr")
		}
		r.errorf(at, e.Code, "%s", e.Msg)
		ok = false
	}
	if len(errs) == 0 && (rule.Peer.IsGroup() || rule.Peer.Self) {
		r.errorf(f.at("cidr"), engine.CodeInvalidValue, "%s", cidrOnly(rule.Peer, text.Peer))
		ok = false
	}
	return rule, ok
}

// aclSide is one direction a network ACL goal checks, and the items the
// ACL may allow that way.
type aclSide struct {
	d     engine.Direction
	items []engine.Rule
}

// sides are the directions the goal checks, inbound first.
func (g networkACLGoal) sides() []aclSide {
	var out []aclSide
	if g.checkIn {
		out = append(out, aclSide{engine.Inbound, g.in})
	}
	if g.checkOut {
		out = append(out, aclSide{engine.Outbound, g.out})
	}
	return out
}

func (g networkACLGoal) label() string {
	var parts []string
	for _, side := range g.sides() {
		if len(side.items) == 0 {
			parts = append(parts, fmt.Sprintf("%s allows nothing %s", g.acl, side.d))
			continue
		}
		words := make([]string, len(side.items))
		for k, it := range side.items {
			words[k] = itemWords(it, side.d)
		}
		parts = append(parts, fmt.Sprintf("%s allows %s only %s", g.acl, side.d, strings.Join(words, " and ")))
	}
	return strings.Join(parts, "; ")
}

// itemWords says what an item allows: "tcp 443 from 0.0.0.0/0".
func itemWords(r engine.Rule, d engine.Direction) string {
	what := "all traffic"
	if r.Protocol != engine.ProtoAll {
		what = strings.TrimSpace(r.Protocol.String() + " " + r.Ports.Format(r.Protocol))
	}
	prep := "from"
	if d == engine.Outbound {
		prep = "to"
	}
	return what + " " + prep + " " + r.Peer.CIDR.String()
}

func (g networkACLGoal) check(w *engine.World) (bool, string) {
	a, err := lookupACL(w, g.acl, g.vpc)
	if err != nil {
		return false, err.Message
	}
	for _, side := range g.sides() {
		for _, e := range a.Sorted(side.d) {
			if e.Action != engine.Allow || within(e, side.items) {
				continue
			}
			return false, fmt.Sprintf("%s's %s entry %d allows more than it should: %s", a.Label(), side.d, e.Rule, entryWords(e, side.d))
		}
	}
	return true, ""
}

// within reports whether one of items allows everything entry e does.
func within(e engine.ACLEntry, items []engine.Rule) bool {
	for _, it := range items {
		if trafficWithin(e, it) && cidrWithin(e.CIDR, it.Peer.CIDR) {
			return true
		}
	}
	return false
}

func trafficWithin(e engine.ACLEntry, it engine.Rule) bool {
	switch {
	case it.Protocol == engine.ProtoAll:
		return true
	case it.Protocol != e.Protocol:
		return false
	case e.Protocol.HasPorts():
		return it.Ports.Lo <= e.Ports.Lo && e.Ports.Hi <= it.Ports.Hi
	case e.Protocol.IsICMP():
		return it.Ports == engine.AnyICMP || it.Ports == e.Ports
	}
	return true // another protocol number: no ports
}

func cidrWithin(inner, outer netip.Prefix) bool {
	return inner.Addr().Is4() == outer.Addr().Is4() && outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}
