package engine

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// The changes below are the ones the lab offers. Each one either succeeds
// completely or fails with an *Error carrying AWS's code and changes
// nothing: it is applied to a copy, the copy settles like a file that was
// just read (defaults, names, validation), and only a valid copy replaces
// the world. The old world's parts are never changed in place, so a
// Result taken before a change keeps its meaning.

// change applies f to a copy of w and commits the copy if it is valid.
func (w *World) change(f func(c *World) error) error {
	c := w.copy()
	if err := f(c); err != nil {
		return err
	}
	if errs := c.settle(nil, "").Errors(); len(errs) > 0 {
		errs.sort()
		return &Error{Code: errs[0].Code, Message: errs[0].Message}
	}
	*w = *c
	return nil
}

func (w *World) mustGroup(id string) (*Group, error) {
	if g := w.Group(id); g != nil {
		return g, nil
	}
	return nil, errorf(CodeGroupNotFound, "the security group %q does not exist", id)
}

func (w *World) mustInstance(ref string) (*Instance, error) {
	if i := w.Instance(ref); i != nil {
		return i, nil
	}
	return nil, errorf(CodeInstanceNotFound, "the instance %q does not exist", ref)
}

// NewID returns an unused id with the given prefix: sg-0001, i-0001.
func (w *World) NewID(prefix string) string {
	taken := map[string]bool{}
	for _, v := range w.VPCs {
		taken[v.ID] = true
	}
	for _, g := range w.Groups {
		taken[g.ID] = true
	}
	for _, i := range w.Instances {
		taken[i.ID] = true
	}
	for _, h := range w.Hosts {
		taken[h.ID] = true
	}
	for _, s := range w.Subnets {
		taken[s.ID] = true
	}
	for _, a := range w.NetworkACLs {
		taken[a.ID] = true
	}
	for n := 1; ; n++ {
		if id := fmt.Sprintf("%s%04d", prefix, n); !taken[id] {
			return id
		}
	}
}

// AddVPC creates a VPC and its default security group.
func (w *World) AddVPC(v VPC) error {
	return w.change(func(c *World) error {
		if v.ID == "" {
			v.ID = c.NewID("vpc-")
		}
		if !v.CIDR.IsValid() || !v.CIDR.Addr().Is4() {
			return errorf(CodeInvalidValue, "a VPC needs an IPv4 CIDR such as 10.0.0.0/16")
		}
		if v.IPv6CIDR.IsValid() && !v.IPv6CIDR.Addr().Is6() {
			return errorf(CodeInvalidValue, "ipv6_cidr %s is not an IPv6 range", v.IPv6CIDR)
		}
		v.CIDR, v.IPv6CIDR = v.CIDR.Masked(), v.IPv6CIDR.Masked()
		nv := v
		c.VPCs = append(c.VPCs, &nv) // settling gives it its default group
		return nil
	})
}

// CreateGroup creates a security group and returns its id. An empty ID is
// chosen for it; nil Outbound gets AWS's default outbound rules.
func (w *World) CreateGroup(g Group) (string, error) {
	err := w.change(func(c *World) error {
		if c.VPC(g.VPC) == nil {
			return errorf(CodeVPCNotFound, "the VPC %q does not exist", g.VPC)
		}
		if g.ID == "" {
			g.ID = c.NewID("sg-")
		}
		if strings.TrimSpace(g.Name) == "" {
			return errorf(CodeMissingField, "a security group needs a name")
		}
		if g.Description == "" { // as AWS's CreateSecurityGroup: GroupDescription is required
			return errorf("MissingParameter", "a security group needs a description (AWS: the request must contain the parameter GroupDescription)")
		}
		ng := g
		ng.Inbound = slices.Clone(g.Inbound)
		ng.Outbound = slices.Clone(g.Outbound) // nil: settling gives the default rules
		c.Groups = append(c.Groups, &ng)
		for _, d := range []Direction{Inbound, Outbound} {
			for _, r := range ng.Rules(d) {
				if err := c.findPeer(&ng, d, r); err != nil {
					return err
				}
			}
			c.markSelf(&ng, ng.Rules(d))
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return g.ID, nil
}

// DeleteGroup deletes a security group that nothing depends on.
func (w *World) DeleteGroup(id string) error {
	g, err := w.mustGroup(id)
	if err != nil {
		return err
	}
	if g.Name == DefaultGroupName {
		return errorf(CodeCannotDelete, "the default security group of %s cannot be deleted", g.VPC)
	}
	if users := w.InstancesWith(id); len(users) > 0 {
		return errorf(CodeDependency, "resource %s has a dependent object: it is attached to %s", id, users[0].Label())
	}
	for _, other := range w.Groups {
		if other.ID == id {
			continue
		}
		for _, d := range []Direction{Inbound, Outbound} {
			for _, r := range other.Rules(d) {
				if r.Peer.Group == id {
					return errorf(CodeDependency, "resource %s has a dependent object: an %s rule of %s references it", id, d, other.ID)
				}
			}
		}
	}
	return w.change(func(c *World) error {
		c.Groups = slices.DeleteFunc(c.Groups, func(x *Group) bool { return x.ID == id })
		return nil
	})
}

// AddRule adds a rule to a group in one direction. The rule's peer may
// name a group of the group's VPC by id or by name.
func (w *World) AddRule(groupID string, d Direction, r Rule) error {
	return w.change(func(c *World) error {
		g, err := c.mustGroup(groupID)
		if err != nil {
			return err
		}
		if err := c.findPeer(g, d, r); err != nil {
			return err
		}
		*g.rulesPtr(d) = append(*g.rulesPtr(d), r)
		c.markSelf(g, g.Rules(d))
		return nil
	})
}

// ReplaceRule replaces rule index of a group's direction: the lab's edit.
func (w *World) ReplaceRule(groupID string, d Direction, index int, r Rule) error {
	return w.change(func(c *World) error {
		g, err := c.mustGroup(groupID)
		if err != nil {
			return err
		}
		rules := g.Rules(d)
		if index < 0 || index >= len(rules) {
			return errorf(CodePermissionNotFound, "%s has no %s rule %d", groupID, d, index)
		}
		if err := c.findPeer(g, d, r); err != nil {
			return err
		}
		rules[index] = r
		c.markSelf(g, rules)
		return nil
	})
}

// RemoveRule removes rule index of a group's direction.
func (w *World) RemoveRule(groupID string, d Direction, index int) error {
	return w.change(func(c *World) error {
		g, err := c.mustGroup(groupID)
		if err != nil {
			return err
		}
		rules := g.rulesPtr(d)
		if index < 0 || index >= len(*rules) {
			return errorf(CodePermissionNotFound, "the specified rule does not exist in %s %s rules", groupID, d)
		}
		*rules = slices.Delete(*rules, index, index+1)
		return nil
	})
}

// RevokeRule removes the rule of a group's direction that grants the same
// permission as r, as AWS revokes: by protocol, ports and source or
// destination (a group by id or by name, or self), whatever the rule's
// description or place in the list.
func (w *World) RevokeRule(groupID string, d Direction, r Rule) error {
	return w.change(func(c *World) error {
		g, err := c.mustGroup(groupID)
		if err != nil {
			return err
		}
		switch {
		case r.Peer.Self:
			r.Peer = GroupPeer(g.ID)
		case r.Peer.IsGroup():
			ref := c.FindGroup(g.VPC, r.Peer.Group)
			if ref == nil {
				return errorf(CodeGroupNotFound, "the security group %q does not exist in VPC %s", r.Peer.Group, g.VPC)
			}
			r.Peer = GroupPeer(ref.ID)
		default:
			r.Peer.CIDR = r.Peer.CIDR.Masked()
		}
		rules := g.rulesPtr(d)
		k := slices.IndexFunc(*rules, func(x Rule) bool { return sameRule(x, r) })
		if k < 0 {
			return errorf(CodePermissionNotFound, "the specified rule \"%s\" does not exist in %s %s rules", r.Summary(), groupID, d)
		}
		*rules = slices.Delete(*rules, k, k+1)
		return nil
	})
}

// findPeer reports a group reference that names no group of g's VPC, with
// the error a change gets from AWS. A file's references are checked by
// validation instead, at their place in the file.
func (w *World) findPeer(g *Group, d Direction, r Rule) error {
	if !r.Peer.IsGroup() || r.Peer.Self || w.FindGroup(g.VPC, r.Peer.Group) != nil || r.Peer.MeantAsAddress() != nil {
		return nil
	}
	return errorf(CodeGroupNotFound, "the security group %q does not exist in VPC %s", r.Peer.Group, g.VPC)
}

// markSelf marks the rules of g that reference g itself, by id or by name,
// as `self`, which is how the lab shows and saves them. (A file says which
// it means, and loading keeps what it says.)
func (w *World) markSelf(g *Group, rules []Rule) {
	for k := range rules {
		p := &rules[k].Peer
		if p.IsGroup() && !p.Self && w.FindGroup(g.VPC, p.Group) == g {
			p.Group, p.Self = g.ID, true
		}
	}
}

// AttachGroup attaches a group to an instance.
func (w *World) AttachGroup(instance, groupID string) error {
	return w.change(func(c *World) error {
		i, err := c.mustInstance(instance)
		if err != nil {
			return err
		}
		if _, err := c.mustGroup(groupID); err != nil {
			return err
		}
		if slices.Contains(i.Groups, groupID) {
			return errorf(CodeInvalidValue, "%s is already attached to %s", groupID, i.Label())
		}
		i.Groups = append(i.Groups, groupID)
		return nil
	})
}

// DetachGroup detaches a group from an instance. An instance keeps at least
// one group.
func (w *World) DetachGroup(instance, groupID string) error {
	return w.change(func(c *World) error {
		i, err := c.mustInstance(instance)
		if err != nil {
			return err
		}
		if !slices.Contains(i.Groups, groupID) {
			return errorf(CodeInvalidValue, "%s is not attached to %s", groupID, i.Label())
		}
		if len(i.Groups) == 1 {
			return errorf(CodeInvalidValue, "%s must keep at least one security group; attach another before detaching %s", i.Label(), groupID)
		}
		i.Groups = slices.DeleteFunc(i.Groups, func(id string) bool { return id == groupID })
		return nil
	})
}

// LaunchInstance adds an instance and returns its id. An empty ID is
// chosen; an unset private IP is the next free address of the VPC; no
// groups means the VPC's default group.
func (w *World) LaunchInstance(i Instance) (string, error) {
	err := w.change(func(c *World) error {
		v := c.VPC(i.VPC)
		if v == nil {
			return errorf(CodeVPCNotFound, "the VPC %q does not exist", i.VPC)
		}
		if i.ID == "" {
			i.ID = c.NewID("i-")
		}
		ni := i
		ni.Listening = slices.Clone(i.Listening)
		// An instance is launched into a subnet: the one named, or else
		// the VPC's first (AWS's default subnet), when it declares any.
		var sub *Subnet
		if i.Subnet != "" {
			if sub = c.FindSubnet(v.ID, i.Subnet); sub == nil || sub.VPC != v.ID {
				return errorf(CodeSubnetNotFound, "the subnet ID %q does not exist in VPC %s", i.Subnet, v.ID)
			}
			ni.Subnet = sub.ID
		} else if k := slices.IndexFunc(c.Subnets, func(s *Subnet) bool { return s.VPC == v.ID }); k >= 0 && !ni.PrivateIP.IsValid() {
			sub = c.Subnets[k]
		}
		if !ni.PrivateIP.IsValid() {
			switch {
			case sub != nil:
				if ni.PrivateIP = c.FreeSubnetIP(sub); !ni.PrivateIP.IsValid() {
					return errorf(CodeInsufficientAddresses, "subnet %s has no free address left in %s", sub.ID, sub.CIDR)
				}
			default:
				if ni.PrivateIP = c.FreePrivateIP(v); !ni.PrivateIP.IsValid() {
					return errorf(CodeInsufficientAddresses, "VPC %s has no free address left in %s", v.ID, v.CIDR)
				}
			}
		}
		// No groups means the VPC's default group; settling resolves names.
		ni.Groups = nil
		if len(i.Groups) > 0 {
			ni.Groups = slices.Clone(i.Groups)
		}
		c.Instances = append(c.Instances, &ni)
		return nil
	})
	if err != nil {
		return "", err
	}
	return i.ID, nil
}

// TerminateInstance removes an instance and the test connections that use it.
func (w *World) TerminateInstance(ref string) error {
	return w.change(func(c *World) error {
		i, err := c.mustInstance(ref)
		if err != nil {
			return err
		}
		c.Instances = slices.DeleteFunc(c.Instances, func(x *Instance) bool { return x == i })
		c.dropConnections(i.ID, i.Name, i.PrivateIP, i.PublicIP, i.IPv6)
		return nil
	})
}

// AddHost adds a machine outside AWS and returns its id.
func (w *World) AddHost(h Host) (string, error) {
	err := w.change(func(c *World) error {
		if h.ID == "" {
			h.ID = c.NewID("host-")
		}
		if !h.IP.IsValid() {
			return errorf(CodeMissingField, "a host needs an ip")
		}
		nh := h
		nh.Listening = slices.Clone(h.Listening)
		c.Hosts = append(c.Hosts, &nh)
		return nil
	})
	if err != nil {
		return "", err
	}
	return h.ID, nil
}

// RemoveHost removes a host and the test connections that use it.
func (w *World) RemoveHost(ref string) error {
	return w.change(func(c *World) error {
		h := c.Host(ref)
		if h == nil {
			return errorf(CodeInstanceNotFound, "the host %q does not exist", ref)
		}
		c.Hosts = slices.DeleteFunc(c.Hosts, func(x *Host) bool { return x == h })
		c.dropConnections(h.ID, h.Name, h.IP)
		return nil
	})
}

func (w *World) dropConnections(id, name string, addrs ...netip.Addr) {
	uses := func(ref string) bool {
		if ref == id || (ref == name && name != "") {
			return true
		}
		a, err := netip.ParseAddr(ref)
		return err == nil && slices.Contains(addrs, a)
	}
	w.Connections = slices.DeleteFunc(w.Connections, func(c Connection) bool { return uses(c.From) || uses(c.To) })
}

// StartService makes an instance or host listen on a protocol and port.
// Starting a running service changes nothing.
func (w *World) StartService(ref string, s Service) error {
	return w.setService(ref, s, true)
}

// StopService stops what listens on a protocol and port of an instance or
// host. Stopping a stopped service changes nothing.
func (w *World) StopService(ref string, s Service) error {
	return w.setService(ref, s, false)
}

func (w *World) setService(ref string, s Service, on bool) error {
	if !s.Protocol.HasPorts() || s.Port < 0 || s.Port > 65535 {
		return errorf(CodeInvalidValue, "a service is tcp or udp on a port 0-65535, not %s", s)
	}
	return w.change(func(c *World) error {
		var list *[]Service
		if i := c.Instance(ref); i != nil {
			list = &i.Listening
		} else if h := c.Host(ref); h != nil {
			list = &h.Listening
		} else {
			return errorf(CodeInstanceNotFound, "%q names no instance or host", ref)
		}
		*list = slices.DeleteFunc(*list, func(x Service) bool { return x == s })
		if on {
			*list = append(*list, s)
			slices.SortFunc(*list, func(a, b Service) int { return cmp.Or(a.Port-b.Port, int(a.Protocol-b.Protocol)) })
		}
		return nil
	})
}

// AddConnection adds a test connection to the world.
func (w *World) AddConnection(c Connection) error {
	if err := c.check(); err != nil {
		return err
	}
	return w.change(func(cw *World) error {
		cw.Connections = append(cw.Connections, c)
		return nil
	})
}

// FreePrivateIP returns the first unused address of the VPC from .10 on
// (AWS reserves the first four addresses of every subnet).
func (w *World) FreePrivateIP(v *VPC) netip.Addr { return w.freeIn(v.CIDR) }

func (w *World) freeIn(p netip.Prefix) netip.Addr {
	used := w.usedAddrs()
	a := p.Addr()
	for range 10 {
		a = a.Next()
	}
	for ; p.Contains(a); a = a.Next() {
		if !used[a] {
			return a
		}
	}
	return netip.Addr{}
}

// FreePublicIP returns an unused public address outside every VPC, from the
// documentation-friendly range AWS uses in its examples.
func (w *World) FreePublicIP() netip.Addr {
	used := w.usedAddrs()
	x := w.compiled()
	for a := netip.MustParseAddr("54.210.0.10"); a.Is4(); a = a.Next() {
		if !used[a] && !x.inAnyVPC(a) {
			return a
		}
	}
	return netip.Addr{}
}

func (w *World) usedAddrs() map[netip.Addr]bool {
	used := map[netip.Addr]bool{}
	for _, i := range w.Instances {
		used[i.PrivateIP], used[i.PublicIP], used[i.IPv6] = true, true, true
	}
	for _, h := range w.Hosts {
		used[h.IP] = true
	}
	return used
}
