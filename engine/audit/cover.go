package audit

import (
	"fmt"
	"slices"

	"github.com/sglab/sglab/engine"
)

// covers reports whether rule b allows every packet rule a allows, both
// rules of groups of one VPC: b's protocol, ports and peer each hold a's.
// A group reference holds only a reference to the same group (its members
// can be anywhere in the VPC); a CIDR holds a CIDR inside it.
func covers(b, a *engine.Rule, selfA, selfB string) bool {
	return protoCovers(b, a) && peerCovers(&b.Peer, &a.Peer, selfA, selfB)
}

func protoCovers(b, a *engine.Rule) bool {
	switch {
	case b.Protocol == engine.ProtoAll:
		return true
	case a.Protocol != b.Protocol:
		return false
	case b.Protocol.HasPorts():
		return b.Ports.Lo <= a.Ports.Lo && a.Ports.Hi <= b.Ports.Hi
	case b.Protocol.IsICMP():
		if b.Ports.Lo == engine.AnyPort {
			return true
		}
		return a.Ports.Lo == b.Ports.Lo && (b.Ports.Hi == engine.AnyPort || a.Ports.Hi == b.Ports.Hi)
	}
	return true // another protocol number: no ports
}

// peerCovers compares peers; self is resolved to the group holding the
// rule (selfA, selfB) so that self in one group equals a reference to it
// from another.
func peerCovers(b, a *engine.Peer, selfA, selfB string) bool {
	ga, gb := a.Group, b.Group
	if a.Self {
		ga = selfA
	}
	if b.Self {
		gb = selfB
	}
	switch {
	case ga != "" || gb != "":
		return ga != "" && ga == gb
	}
	return b.CIDR.Addr().BitLen() == a.CIDR.Addr().BitLen() && b.CIDR.Bits() <= a.CIDR.Bits() && b.CIDR.Contains(a.CIDR.Addr())
}

// equal reports whether two rules allow exactly the same packets.
func equal(a, b *engine.Rule, selfA, selfB string) bool {
	return covers(a, b, selfB, selfA) && covers(b, a, selfA, selfB)
}

// shadowed reports rule k of g's direction d when another rule of g allows
// all it allows. Two rules of one group never allow exactly the same (AWS
// refuses the duplicate), so one of two overlapping rules is reported.
func (a *auditor) shadowed(g *engine.Group, d engine.Direction, k int) {
	rules := g.Rules(d)
	r := &rules[k]
	for j := range rules {
		o := &rules[j]
		if j == k || !covers(o, r, g.ID, g.ID) || (equal(o, r, g.ID, g.ID) && j > k) {
			continue
		}
		a.add(Shadowed, g, d, k,
			fmt.Sprintf("%s rule %d of %s (%s) allows nothing that rule %d (%s) does not already allow", d, k+1, g.Label(), ruleText(g, *r), j+1, ruleText(g, *o)),
			fmt.Sprintf("delete rule %d, or narrow rule %d if it is wider than meant", k+1, j+1))
		return
	}
}

// redundant reports a rule of a group when, on every interface that has
// the group, another group attached there has a rule that allows all it
// allows: removing it changes nothing anywhere. Where two groups' rules
// are equal, the one of the group with the greater id is reported.
func (a *auditor) redundant() {
	for _, g := range a.w.Groups {
		machines := a.attached[g.ID]
		if len(machines) == 0 {
			continue
		}
		// The groups on every interface that has g.
		common := slices.Clone(machines[0].Groups)
		for _, m := range machines[1:] {
			common = slices.DeleteFunc(common, func(id string) bool { return !slices.Contains(m.Groups, id) })
		}
		for _, d := range directions {
			for k, r := range g.Rules(d) {
				a.redundantRule(g, d, k, r, common, len(machines))
			}
		}
	}
}

func (a *auditor) redundantRule(g *engine.Group, d engine.Direction, k int, r engine.Rule, common []string, n int) {
	for _, id := range common {
		o := a.w.Group(id)
		if o == nil || o.ID == g.ID {
			continue
		}
		ors := o.Rules(d)
		for j := range ors {
			or := &ors[j]
			// A self reference means a different group in each of two
			// groups; peerCovers resolves it.
			if !covers(or, &r, g.ID, o.ID) || (equal(or, &r, o.ID, g.ID) && o.ID > g.ID) {
				continue
			}
			where := "the interface that has it"
			if n > 1 {
				where = fmt.Sprintf("all %d interfaces that have it", n)
			}
			a.add(Redundant, g, d, k,
				fmt.Sprintf("%s rule %d of %s (%s) changes nothing: %s also %s %s, whose %s rule %d (%s) allows all of it",
					d, k+1, g.Label(), ruleText(g, r), where, haveWord(n), o.Label(), d, j+1, ruleText(o, *or)),
				fmt.Sprintf("delete rule %d of %s, or keep it and detach %s if that group is the one that should go", k+1, g.Label(), o.Label()))
			return
		}
	}
}

func haveWord(n int) string {
	if n > 1 {
		return "have"
	}
	return "has"
}
