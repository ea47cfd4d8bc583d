package engine

import (
	"net/netip"
	"slices"
)

// NewWorld returns an empty world of format version 1 with AWS's quotas.
func NewWorld(name string) *World {
	w := &World{Version: 1, Name: name, Region: DefaultRegion,
		Quotas: Quotas{RulesPerDirection: DefaultRulesPerDirection, GroupsPerInstance: DefaultGroupsPerInstance,
			ACLRulesPerDirection: DefaultACLRulesPerDirection}}
	w.compile()
	return w
}

// DefaultOutbound is AWS's outbound rule set for a new group: all traffic to
// 0.0.0.0/0, and to ::/0 when the VPC has an IPv6 range.
func DefaultOutbound(v *VPC) []Rule {
	rules := []Rule{{Protocol: ProtoAll, Peer: CIDRPeer(netip.MustParsePrefix("0.0.0.0/0"))}}
	if v != nil && v.IPv6CIDR.IsValid() {
		rules = append(rules, Rule{Protocol: ProtoAll, Peer: CIDRPeer(netip.MustParsePrefix("::/0"))})
	}
	return rules
}

// newDefaultGroup is the group AWS creates with every VPC: all traffic in
// from its own members, the default outbound rules.
func newDefaultGroup(v *VPC) *Group {
	id := DefaultGroupID(v.ID)
	return &Group{
		ID: id, Name: DefaultGroupName, VPC: v.ID,
		Description: "default VPC security group",
		Inbound:     []Rule{{Protocol: ProtoAll, Peer: Peer{Group: id, Self: true}}},
		Outbound:    DefaultOutbound(v),
	}
}

// VPC returns the VPC with this id, or nil.
func (w *World) VPC(id string) *VPC {
	for _, v := range w.VPCs {
		if v.ID == id {
			return v
		}
	}
	return nil
}

// Group returns the group with this id, or nil.
func (w *World) Group(id string) *Group {
	if w.x != nil {
		return w.x.group(id)
	}
	for _, g := range w.Groups {
		if g.ID == id {
			return g
		}
	}
	return nil
}

// FindGroup returns the group ref names in vpc (by id or by name), or nil.
func (w *World) FindGroup(vpc, ref string) *Group {
	if g := w.Group(ref); g != nil {
		return g
	}
	for _, g := range w.Groups {
		if g.VPC == vpc && g.Name == ref && ref != "" {
			return g
		}
	}
	return nil
}

// Instance returns the instance with this id or name, or nil.
func (w *World) Instance(ref string) *Instance {
	for _, i := range w.Instances {
		if i.ID == ref {
			return i
		}
	}
	for _, i := range w.Instances {
		if i.Name == ref && ref != "" {
			return i
		}
	}
	return nil
}

// Host returns the host with this id or name, or nil.
func (w *World) Host(ref string) *Host {
	for _, h := range w.Hosts {
		if h.ID == ref {
			return h
		}
	}
	for _, h := range w.Hosts {
		if h.Name == ref && ref != "" {
			return h
		}
	}
	return nil
}

// GroupsOf returns the groups attached to an instance, in attachment order.
func (w *World) GroupsOf(i *Instance) []*Group {
	out := make([]*Group, 0, len(i.Groups))
	for _, id := range i.Groups {
		if g := w.Group(id); g != nil {
			out = append(out, g)
		}
	}
	return out
}

// InstancesWith returns the instances a group is attached to.
func (w *World) InstancesWith(groupID string) []*Instance {
	var out []*Instance
	for _, i := range w.Instances {
		if slices.Contains(i.Groups, groupID) {
			out = append(out, i)
		}
	}
	return out
}

// RegionOf is the region a VPC lives in.
func (w *World) RegionOf(v *VPC) string {
	if v.Region != "" {
		return v.Region
	}
	return w.Region
}

// Clone returns a deep copy of the world, ready to evaluate. Changes to
// the copy never touch the original, which is how the lab keeps its undo
// history.
func (w *World) Clone() *World {
	c := w.copy()
	c.compile()
	return c
}

// copy is Clone without the compiled form, for a change that will settle
// the copy anyway.
func (w *World) copy() *World {
	c := *w
	c.x = nil
	c.VPCs = cloneEach(w.VPCs)
	c.Subnets = cloneEach(w.Subnets)
	c.NetworkACLs = cloneEach(w.NetworkACLs)
	for _, a := range c.NetworkACLs {
		a.Inbound = slices.Clone(a.Inbound)
		a.Outbound = slices.Clone(a.Outbound)
	}
	c.Groups = cloneEach(w.Groups)
	for _, g := range c.Groups {
		g.Inbound = slices.Clone(g.Inbound)
		g.Outbound = slices.Clone(g.Outbound)
	}
	c.Instances = cloneEach(w.Instances)
	for _, i := range c.Instances {
		i.Groups = slices.Clone(i.Groups)
		i.Listening = slices.Clone(i.Listening)
	}
	c.Hosts = cloneEach(w.Hosts)
	for _, h := range c.Hosts {
		h.Listening = slices.Clone(h.Listening)
	}
	c.Connections = slices.Clone(w.Connections)
	return &c
}

func cloneEach[T any](list []*T) []*T {
	if list == nil {
		return nil
	}
	out := make([]*T, len(list))
	for k, p := range list {
		v := *p
		out[k] = &v
	}
	return out
}
