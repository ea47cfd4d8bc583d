package engine

import (
	"cmp"
	"slices"
)

// settle is the one way a world becomes valid and ready to evaluate, for a
// file just read and for every change alike: it applies the format's and
// AWS's defaults, resolves names to ids, compiles the world for evaluation
// and validates it. pos is where the world was read from (nil for a world
// changed in the lab), for the diagnostics. A world with errors is thrown
// away by the caller, compiled form and all.
func (w *World) settle(pos *positions, file string) Diagnostics {
	idx := w.applyDefaults()
	w.resolve(idx)
	// Validation looks connections' ends up the way evaluation does, in
	// the compiled form; compiling never fails, even on a bad world.
	w.compile()
	return validate(w, pos, file, idx)
}

// groupKey is a group's name within its VPC.
type groupKey struct{ vpc, name string }

// groupIndex finds groups by id anywhere and by name within one VPC, so
// that resolving every reference of a world is linear in its size. Of two
// groups with one id or one name (which validation reports), the first
// counts.
type groupIndex struct {
	ids   map[string]*Group
	names map[groupKey]*Group
}

func newGroupIndex(groups []*Group) groupIndex {
	x := groupIndex{ids: make(map[string]*Group, len(groups)), names: make(map[groupKey]*Group, len(groups))}
	for _, g := range groups {
		x.add(g)
	}
	return x
}

func (x groupIndex) add(g *Group) {
	if _, dup := x.ids[g.ID]; !dup {
		x.ids[g.ID] = g
	}
	if k := (groupKey{g.VPC, g.Name}); g.Name != "" {
		if _, dup := x.names[k]; !dup {
			x.names[k] = g
		}
	}
}

// find returns the group ref names in vpc: a group's id anywhere, or the
// name of a group of vpc; nil when nothing matches.
func (x groupIndex) find(vpc, ref string) *Group {
	if g := x.ids[ref]; g != nil {
		return g
	}
	if ref == "" {
		return nil
	}
	return x.names[groupKey{vpc, ref}]
}

// applyDefaults gives each VPC its default group unless it has one named
// default, fills in the default outbound rules of groups without an
// outbound list and the default group of instances without a group list,
// and stores rules as AWS does (ports that do not apply cleared, host bits
// of ranges cleared). It returns the index of the groups.
func (w *World) applyDefaults() groupIndex {
	idx := newGroupIndex(w.Groups)
	// Implicit groups go first, in VPC order, so that a world saved without
	// them reads back in the same order.
	var defaults []*Group
	for _, v := range w.VPCs {
		// A VPC without an id is reported as such; a default group for it
		// would only add confusing errors about "/default".
		if v.ID != "" && idx.names[groupKey{v.ID, DefaultGroupName}] == nil {
			g := newDefaultGroup(v)
			defaults = append(defaults, g)
			idx.add(g)
		}
	}
	if len(defaults) > 0 {
		w.Groups = append(defaults, w.Groups...)
	}
	for _, g := range w.Groups {
		if g.Outbound == nil {
			g.Outbound = DefaultOutbound(w.VPC(g.VPC))
		}
		for _, rules := range [...][]Rule{g.Inbound, g.Outbound} {
			for k := range rules {
				r := &rules[k]
				r.Ports = r.Ports.canonical(r.Protocol)
				if !r.Peer.IsGroup() && !r.Peer.Self {
					r.Peer.CIDR = r.Peer.CIDR.Masked()
				}
			}
		}
	}
	for _, i := range w.Instances {
		if i.Groups == nil {
			i.Groups = []string{DefaultGroupName}
		}
	}
	w.orderGroups()
	w.applyACLDefaults()
	return idx
}

// applyACLDefaults gives each VPC its default network ACL unless it has
// one named default, first and in VPC order (a saved file leaves those
// that are exactly as AWS makes them out, and reading it back puts them
// first), and stores entries as AWS does.
func (w *World) applyACLDefaults() {
	var defaults []*NetworkACL
	for _, v := range w.VPCs {
		// Two VPCs with one id (reported as such) share one default ACL.
		if v.ID != "" && w.DefaultACL(v.ID) == nil && !slices.ContainsFunc(defaults, func(a *NetworkACL) bool { return a.VPC == v.ID }) {
			defaults = append(defaults, newDefaultACL(v))
		}
	}
	if len(defaults) > 0 {
		w.NetworkACLs = append(defaults, w.NetworkACLs...)
	}
	for _, a := range w.NetworkACLs {
		for _, entries := range [...][]ACLEntry{a.Inbound, a.Outbound} {
			for k := range entries {
				e := &entries[k]
				e.Ports = e.Ports.canonical(e.Protocol)
				e.CIDR = e.CIDR.Masked()
			}
		}
	}
	rank := make(map[string]int, len(w.VPCs))
	for k, v := range w.VPCs {
		rank[v.ID] = k
	}
	key := func(a *NetworkACL) int {
		if w.isImplicitDefaultACL(a) {
			return rank[a.VPC]
		}
		return len(w.VPCs)
	}
	slices.SortStableFunc(w.NetworkACLs, func(a, b *NetworkACL) int { return cmp.Compare(key(a), key(b)) })
}

// orderGroups keeps the VPCs' default groups that are exactly as AWS makes
// them first, in VPC order, and the others after them in their own order.
// A saved file leaves those default groups out and loading puts them
// first, so this is the order in which any world reads back.
func (w *World) orderGroups() {
	rank := make(map[string]int, len(w.VPCs))
	for k, v := range w.VPCs {
		rank[v.ID] = k
	}
	key := func(g *Group) int {
		if w.isImplicitDefault(g) {
			return rank[g.VPC]
		}
		return len(w.VPCs)
	}
	slices.SortStableFunc(w.Groups, func(a, b *Group) int { return cmp.Compare(key(a), key(b)) })
}

// resolve turns group names into ids where they name a group of the VPC in
// question, and `self` into the holder's id. What it cannot resolve stays
// as written, for validation to report.
func (w *World) resolve(idx groupIndex) {
	for _, g := range w.Groups {
		for _, rules := range [...][]Rule{g.Inbound, g.Outbound} {
			for k := range rules {
				p := &rules[k].Peer
				switch {
				case p.Self:
					p.Group = g.ID
				case p.Group != "":
					if ref := idx.find(g.VPC, p.Group); ref != nil {
						p.Group = ref.ID
					}
				}
			}
		}
	}
	for _, i := range w.Instances {
		for k, ref := range i.Groups {
			if g := idx.find(i.VPC, ref); g != nil {
				i.Groups[k] = g.ID
			}
		}
		if i.Subnet != "" {
			if s := w.FindSubnet(i.VPC, i.Subnet); s != nil && s.VPC == i.VPC {
				i.Subnet = s.ID
			}
		}
	}
	for _, s := range w.Subnets {
		if s.NetworkACL != "" {
			if a := w.FindNetworkACL(s.VPC, s.NetworkACL); a != nil && a.VPC == s.VPC {
				s.NetworkACL = a.ID
			}
		}
	}
}
