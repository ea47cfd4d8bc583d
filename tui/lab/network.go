package lab

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/tui/common"
)

// Subnets and network ACLs in the world tree. A VPC that declares no
// subnet and keeps its default network ACL as AWS made it shows neither:
// its one implicit subnet and its allow-all ACL change nothing, and a
// world without subnets looks exactly as it did before the lab knew them.
// As soon as a VPC has a subnet or an ACL of its own (or its default ACL
// was changed), the tree lists its subnets and every network ACL,
// default included.

// gatherNetwork files each VPC's subnets and network ACLs in its section,
// for the VPCs that use them.
func gatherNetwork(w *engine.World, sections []section, at map[string]int) {
	used := make([]bool, len(sections))
	for _, s := range w.Subnets {
		if k, ok := at[s.VPC]; ok {
			sections[k].subnets = append(sections[k].subnets, s)
			used[k] = true
		}
	}
	for _, a := range w.NetworkACLs {
		if k, ok := at[a.VPC]; ok && !implicitACL(w, a) {
			used[k] = true
		}
	}
	for _, a := range w.NetworkACLs {
		if k, ok := at[a.VPC]; ok && used[k] {
			sections[k].acls = append(sections[k].acls, a)
		}
	}
}

// implicitACL reports whether a is a VPC's default network ACL exactly as
// AWS creates it.
func implicitACL(w *engine.World, a *engine.NetworkACL) bool {
	v := w.VPC(a.VPC)
	if v == nil || a.ID != engine.DefaultACLID(v.ID) || a.Name != engine.DefaultGroupName {
		return false
	}
	d := engine.DefaultACLEntries(v)
	return slices.Equal(a.Inbound, d) && slices.Equal(a.Outbound, d)
}

// networked reports whether the section's VPC uses subnets or ACLs, and
// so shows them.
func (s *section) networked() bool { return len(s.acls) > 0 }

// keptNetwork is a section's subnets and network ACLs that the filter
// keeps (all of them when the VPC matches).
func keptNetwork(s *section, whole bool, matches func(string) bool) (subnets, acls []kept) {
	if !s.networked() {
		return nil, nil
	}
	for n := range s.subnets {
		if m := matches(hayAt(s.hay.subnets, n)); m || whole {
			subnets = append(subnets, kept{n, m})
		}
	}
	for n := range s.acls {
		if m := matches(hayAt(s.hay.acls, n)); m || whole {
			acls = append(acls, kept{n, m})
		}
	}
	return subnets, acls
}

// buildNetwork adds the lines of a section's subnets and network ACLs
// that the filter keeps.
func (t *treePane) buildNetwork(s *section, whole bool, subnets, acls []kept) {
	if !s.networked() {
		return
	}
	if len(subnets) > 0 || whole {
		t.add(s.vpc, saysSubnets, false)
	}
	for _, k := range subnets {
		t.add(s.subnets[k.n], saysSubnet, k.match)
	}
	if len(acls) > 0 || whole {
		t.add(s.vpc, saysACLs, false)
	}
	for _, k := range acls {
		t.add(s.acls[k.n], saysACL, k.match)
	}
}

// aclName names a network ACL for a learner: its name, or its id; the
// default one as "default".
func aclName(a *engine.NetworkACL) string {
	if a == nil {
		return "no network ACL"
	}
	return safe(a.Label())
}

// aclLabel names the ACL with id, or says id when it is gone.
func aclLabel(w *engine.World, id string) string {
	if a := w.NetworkACL(id); a != nil {
		return aclName(a)
	}
	return safe(id)
}

// subnetLabel names the subnet with id, or says id when it is gone.
func subnetLabel(w *engine.World, id string) string {
	if s := w.Subnet(id); s != nil {
		return safe(s.Label())
	}
	return safe(id)
}

// subnetInfo is a subnet's line in the tree: "10.0.1.0/24 · acl-web".
func subnetInfo(w *engine.World, s *engine.Subnet) string {
	return s.CIDR.String() + " · " + aclName(w.ACLOf(s.VPC, s))
}

// subnetOfText names an instance's subnet and the ACL that guards it:
// "subnet-web (acl-web)", or the implicit subnet.
func subnetOfText(w *engine.World, i *engine.Instance) string {
	s := w.SubnetOf(i)
	if s == nil {
		return "the whole VPC (no subnet declared) · " + aclName(w.ACLOf(i.VPC, nil))
	}
	return safe(s.Label()) + " · " + aclName(w.ACLOf(s.VPC, s))
}

// aclInfo is a network ACL's line in the tree: its entry counts and the
// subnets it guards.
func aclInfo(ctx *common.Context, w *engine.World, a *engine.NetworkACL) string {
	counts := fmt.Sprintf("%d in · %d out", len(a.Inbound), len(a.Outbound))
	if ctx.Accessible {
		counts = entryCount(len(a.Inbound), engine.Inbound) + ", " + entryCount(len(a.Outbound), engine.Outbound)
	}
	return counts + " · " + guards(w, a)
}

// guards names the subnets an ACL is associated with: "subnet-web,
// subnet-db", "the whole VPC" for a default ACL of a VPC without
// subnets, or "no subnet".
func guards(w *engine.World, a *engine.NetworkACL) string {
	var names []string
	for _, s := range w.SubnetsWith(a.ID) {
		if s == nil {
			names = append(names, "the whole VPC")
			continue
		}
		names = append(names, safe(s.Label()))
	}
	if len(names) == 0 {
		return "no subnet"
	}
	return strings.Join(names, ", ")
}

// deleteNetwork deletes the selected subnet or network ACL; the engine
// refuses what AWS refuses (a subnet with instances, the default ACL, an
// ACL a subnet is associated with).
func deleteNetwork(sel ref) tea.Cmd {
	if sel.kind == kindSubnet {
		return change(func(w *engine.World) (done, error) {
			name := subnetLabel(w, sel.id)
			return done{status: "Deleted subnet " + name, undo: "the subnet " + name + " is back",
				redo: "the subnet " + name + " is deleted again"}, w.DeleteSubnet(sel.id)
		})
	}
	return change(func(w *engine.World) (done, error) {
		name := aclLabel(w, sel.id)
		return done{status: "Deleted network ACL " + name, undo: "the network ACL " + name + " is back",
			redo: "the network ACL " + name + " is deleted again"}, w.DeleteNetworkACL(sel.id)
	})
}

// entryCount says n entries: "1 inbound entry", "3 outbound entries".
func entryCount(n int, dir engine.Direction) string {
	if n == 1 {
		return "1 " + dir.String() + " entry"
	}
	return fmt.Sprintf("%d %s entries", n, dir)
}

// vpcNetworked reports whether a VPC uses subnets or network ACLs of its
// own, so that the lab shows them: a subnet, or an ACL other than the
// default one as AWS makes it.
func vpcNetworked(w *engine.World, vpc string) bool {
	for _, s := range w.Subnets {
		if s.VPC == vpc {
			return true
		}
	}
	for _, a := range w.NetworkACLs {
		if a.VPC == vpc && !implicitACL(w, a) {
			return true
		}
	}
	return false
}

// aclDropText says where a network ACL dropped a connection and which
// entry decided: on the way out of the client's subnet, into the
// server's, or (the one a learner does not expect) the server's answer on
// its way back to the client's source port.
func aclDropText(w *engine.World, d engine.ACLDecision) string {
	name := aclLabel(w, d.ACL)
	where := "the VPC's implicit subnet"
	if d.Subnet != "" {
		where = subnetLabel(w, d.Subnet)
	}
	decided := fmt.Sprintf("its %s rule %d denies it", d.Direction, d.Rule)
	if d.Rule == 0 {
		decided = fmt.Sprintf("no %s entry matches, so the * rule denies it", d.Direction)
	}
	p := d.Packet
	moving := "entering"
	if d.Direction == engine.Outbound {
		moving = "leaving"
	}
	// The engine's explanation, under it, says why in full; this line
	// names the hop and the entry.
	switch {
	case d.Reply && p.Protocol.HasPorts():
		return fmt.Sprintf("the server answered, but %s dropped the reply to your port %d (from port %d, %s %s): %s.",
			name, p.DstPort, p.SrcPort, moving, where, decided)
	case d.Reply:
		return fmt.Sprintf("the server answered, but %s dropped the reply (%s, %s %s): %s.", name, p.Protocol, moving, where, decided)
	case d.Direction == engine.Outbound:
		return fmt.Sprintf("%s dropped it on its way out of %s: %s.", name, where, decided)
	}
	return fmt.Sprintf("%s dropped it on its way into %s: %s.", name, where, decided)
}

// showSrc reports whether the composer shows the source port's row: when
// the learner asked for it, or a VPC of the world uses network ACLs.
func (c *connPane) showSrc() bool {
	if c.srcRow || c.srcPort != "" {
		return true
	}
	for _, v := range c.env.w.VPCs {
		if vpcNetworked(c.env.w, v.ID) {
			return true
		}
	}
	return false
}

// histRow is the row of the first history entry: after the composer's
// fields.
func (c *connPane) histRow() int {
	if c.showSrc() {
		return 4
	}
	return 3
}

// srcValue is the source port row's value: the port typed, or the
// default the engine uses for this client.
func (c *connPane) srcValue() string {
	if c.srcPort != "" {
		return "port " + c.srcPort + c.env.ctx.Mark("_", "")
	}
	p := engine.DefaultOutsideSourcePort
	if e, ok := c.env.w.Endpoint(c.from); ok && e.Instance != nil {
		p = engine.DefaultLinuxSourcePort
	}
	return fmt.Sprintf("port %d (default)", p)
}

// srcPorts are the source ports ←/→ step through: the default, then the
// ends of the ephemeral ranges (Linux 32768-60999, IANA 49152-65535) and
// the first port above the well-known ones.
var srcPorts = []string{"", "1024", "32768", "49152", "60999", "65535"}

// srcKey handles a key on the source port's row, and reports whether it
// was one of its keys.
func (c *connPane) srcKey(km tea.KeyMsg) bool {
	switch {
	case key.Matches(km, c.keys.Change):
		k := slices.Index(srcPorts, c.srcPort)
		step := 1
		if km.String() == "left" {
			step = -1
		}
		c.srcPort = srcPorts[(k+step+len(srcPorts))%len(srcPorts)]
	case key.Matches(km, c.keys.Digit):
		if len(c.srcPort) < 5 {
			c.srcPort += km.String()
		}
	case key.Matches(km, c.keys.Erase):
		c.srcPort = c.srcPort[:len(c.srcPort)-1]
	default:
		return false
	}
	c.err = nil
	return true
}

// vpcNetworkCounts counts a VPC's subnets and network ACLs: "2 subnets ·
// 2 network ACLs (N and S create more)".
func vpcNetworkCounts(w *engine.World, vpc string) string {
	subnets, acls := 0, 0
	for _, s := range w.Subnets {
		if s.VPC == vpc {
			subnets++
		}
	}
	for _, a := range w.NetworkACLs {
		if a.VPC == vpc {
			acls++
		}
	}
	return plural(subnets, "subnet") + " · " + plural(acls, "network ACL") + " (S and N create more)"
}
