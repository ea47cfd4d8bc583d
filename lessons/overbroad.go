package lessons

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/sglab/sglab/engine"
)

// CodeOverBroad is reported when a challenge's goals accept a solution
// that opens more than its reference solution does: the learner could
// pass with an insecure rule.
const CodeOverBroad = "GoalsAcceptOverBroadSolution"

// variant is one over-broad change to a rule a reference solution adds.
type variant struct {
	rule engine.Rule
	// what says how the variant differs: "source 203.0.113.0/24 instead of
	// 203.0.113.10/32".
	what string
	kind string // the variants of one kind are tried narrowest first
}

// Prefix lengths a CIDR is widened to, narrowest first.
var (
	widen4 = []int{24, 16, 8, 0}
	widen6 = []int{64, 48, 32, 0}
)

// variants returns the obvious over-broad variants of rule r, added in
// direction d: its CIDR widened to each shorter prefix, its protocol
// replaced by all traffic, and its tcp or udp ports widened to all.
func variants(r engine.Rule, d engine.Direction) []variant {
	var out []variant
	if p := r.Peer.CIDR; !r.Peer.IsGroup() && p.IsValid() {
		sizes := widen4
		if p.Addr().Is6() {
			sizes = widen6
		}
		for _, bits := range sizes {
			if bits >= p.Bits() {
				continue
			}
			v := r
			v.Peer = engine.CIDRPeer(netip.PrefixFrom(p.Addr(), bits))
			out = append(out, variant{rule: v, kind: "cidr",
				what: fmt.Sprintf("%s %s instead of %s", peerKey(d), v.Peer.CIDR, p)})
		}
	}
	if r.Protocol != engine.ProtoAll {
		v := r
		v.Protocol, v.Ports = engine.ProtoAll, engine.PortRange{}
		out = append(out, variant{rule: v, kind: "protocol",
			what: fmt.Sprintf("all traffic instead of %s %s", r.Protocol, r.Ports.Format(r.Protocol))})
	}
	if r.Protocol.HasPorts() && r.Ports != engine.AllPorts {
		v := r
		v.Ports = engine.AllPorts
		out = append(out, variant{rule: v, kind: "ports",
			what: fmt.Sprintf("every %s port instead of %s", r.Protocol, r.Ports.Format(r.Protocol))})
	}
	return out
}

func peerKey(d engine.Direction) string {
	if d == engine.Outbound {
		return "destination"
	}
	return "source"
}

// checkOverBroad applies every over-broad variant of each rule the
// reference solution adds (a security-group rule, or a network ACL entry
// that allows), in place of that rule, and reports the variants that
// still meet every goal: the narrowest of each kind, at the step that
// adds the rule. The reference solution itself must apply. An entry that
// denies has no over-broad variant: a wider deny lets less through.
func checkOverBroad(file string, c *Challenge) engine.Diagnostics {
	var diags engine.Diagnostics
	for k, s := range c.Solution {
		if s.Op != opAddRule && s.Op != opAddEntry && s.Op != opReplaceEntry {
			continue
		}
		a, ok := addedBy(c, k)
		if !ok {
			continue
		}
		reported := map[string]bool{}
		for _, v := range variants(a.rule, a.d) {
			if reported[v.kind] {
				continue
			}
			w, ok := applyVariant(c, k, a, v.rule)
			if !ok || !c.Check(w).Solved() {
				continue
			}
			reported[v.kind] = true
			diags = append(diags, engine.Diagnostic{File: file, Pos: s.Pos, Code: CodeOverBroad, Message: fmt.Sprintf(
				"an over-broad variant of the reference solution of challenge %q meets every goal: step %d (%s) with %s. "+
					"Add a goal it fails, such as a connection the wider rule lets through that must time out, or an exposure goal",
				c.ID, k+1, s.Text, v.what)})
		}
	}
	return diags
}

// added is what one step of a reference solution lets through: a rule
// added to a security group, or an allow entry added to (or replaced in)
// a network ACL, read as a rule whose peer is the entry's CIDR.
type added struct {
	before *engine.World // the world before the step
	rule   engine.Rule
	d      engine.Direction
	// put makes the step's change with r in place of the rule.
	put func(w *engine.World, r engine.Rule) error
}

// addedBy applies the solution up to step k and returns what step k
// added, when it added a security-group rule or an allow entry.
func addedBy(c *Challenge, k int) (added, bool) {
	w := c.Start()
	var before *engine.World
	for j, s := range c.Solution[:k+1] {
		if j == k {
			before = w.Clone()
		}
		if s.Apply(w) != nil {
			return added{}, false
		}
	}
	for _, g := range w.Groups {
		old := before.Group(g.ID)
		if old == nil {
			continue
		}
		for _, d := range []engine.Direction{engine.Inbound, engine.Outbound} {
			if n := len(g.Rules(d)); n == len(old.Rules(d))+1 {
				id := g.ID
				return added{before: before, rule: g.Rules(d)[n-1], d: d,
					put: func(w *engine.World, r engine.Rule) error { return w.AddRule(id, d, r) }}, true
			}
		}
	}
	for _, a := range w.NetworkACLs {
		old := before.NetworkACL(a.ID)
		if old == nil {
			continue
		}
		for _, d := range []engine.Direction{engine.Inbound, engine.Outbound} {
			for _, e := range a.Entries(d) {
				if e.Action != engine.Allow || slices.Contains(old.Entries(d), e) {
					continue
				}
				id, n := a.ID, e.Rule
				_, replace := old.Entry(d, n)
				put := func(w *engine.World, r engine.Rule) error {
					wide := engine.ACLEntry{Rule: n, Action: engine.Allow, Protocol: r.Protocol, Ports: r.Ports, CIDR: r.Peer.CIDR}
					if replace {
						return w.ReplaceACLEntry(id, d, wide)
					}
					return w.AddACLEntry(id, d, wide)
				}
				rule := engine.Rule{Protocol: e.Protocol, Ports: e.Ports, Peer: engine.CIDRPeer(e.CIDR)}
				return added{before: before, rule: rule, d: d, put: put}, true
			}
		}
	}
	return added{}, false
}

// applyVariant applies the reference solution with the rule step k adds
// replaced by rule. It is false when AWS would refuse a step that way (the
// wider rule duplicates one the group has, say).
func applyVariant(c *Challenge, k int, a added, rule engine.Rule) (*engine.World, bool) {
	w := a.before.Clone()
	if err := a.put(w, rule); err != nil {
		return nil, false
	}
	for _, s := range c.Solution[k+1:] {
		if s.Apply(w) != nil {
			return nil, false
		}
	}
	return w, true
}
