package engine

import (
	"net/netip"
	"slices"
)

// Changes to subnets and network ACLs, with AWS's error codes. Like every
// change (see mutate.go), each applies to a copy that must settle cleanly.

// Codes of the subnet and network ACL problems, as AWS names them.
const (
	CodeSubnetRange      = "InvalidSubnet.Range"
	CodeSubnetConflict   = "InvalidSubnet.Conflict"
	CodeSubnetNotFound   = "InvalidSubnetID.NotFound"
	CodeACLNotFound      = "InvalidNetworkAclID.NotFound"
	CodeACLEntryExists   = "NetworkAclEntryAlreadyExists"
	CodeACLEntryLimit    = "NetworkAclEntryLimitExceeded"
	CodeACLEntryNotFound = "InvalidNetworkAclEntry.NotFound"
)

func (w *World) mustACL(id string) (*NetworkACL, error) {
	if a := w.NetworkACL(id); a != nil {
		return a, nil
	}
	return nil, errorf(CodeACLNotFound, "the network ACL ID %q does not exist", id)
}

func (w *World) mustSubnet(id string) (*Subnet, error) {
	if s := w.Subnet(id); s != nil {
		return s, nil
	}
	return nil, errorf(CodeSubnetNotFound, "the subnet ID %q does not exist", id)
}

// CreateSubnet creates a subnet and returns its id (CreateSubnet). An
// empty ID is chosen; an empty NetworkACL means the VPC's default ACL.
// Instances of the VPC that named no subnet and whose address the new
// subnet holds move into it, as their address says.
func (w *World) CreateSubnet(s Subnet) (string, error) {
	err := w.change(func(c *World) error {
		if c.VPC(s.VPC) == nil {
			return errorf(CodeVPCNotFound, "the VPC %q does not exist", s.VPC)
		}
		if !s.CIDR.IsValid() || !s.CIDR.Addr().Is4() {
			return errorf(CodeInvalidValue, "a subnet needs an IPv4 CIDR such as 10.0.1.0/24")
		}
		if s.ID == "" {
			s.ID = c.NewID("subnet-")
		}
		s.CIDR, s.IPv6CIDR = s.CIDR.Masked(), s.IPv6CIDR.Masked()
		// A VPC without subnets has one implicit subnet, the whole VPC: its
		// first declared subnet replaces it, so it must hold every instance.
		if !slices.ContainsFunc(c.Subnets, func(x *Subnet) bool { return x.VPC == s.VPC }) {
			for _, i := range c.Instances {
				if i.VPC == s.VPC && !s.CIDR.Contains(i.PrivateIP) {
					return errorf(CodeInvalidValue, "VPC %s has no subnet yet, so its instances are in the whole VPC: a first subnet %s would leave %s (%s) in none",
						s.VPC, s.CIDR, i.Label(), i.PrivateIP)
				}
			}
		}
		ns := s
		c.Subnets = append(c.Subnets, &ns)
		return nil
	})
	if err != nil {
		return "", err
	}
	return s.ID, nil
}

// DeleteSubnet deletes a subnet no instance is in (DeleteSubnet fails with
// DependencyViolation otherwise).
func (w *World) DeleteSubnet(id string) error {
	s, err := w.mustSubnet(id)
	if err != nil {
		return err
	}
	for _, i := range w.Instances {
		if w.SubnetOf(i) == s {
			return errorf(CodeDependency, "the subnet %q has dependencies and cannot be deleted: %s is in it", id, i.Label())
		}
	}
	return w.change(func(c *World) error {
		c.Subnets = slices.DeleteFunc(c.Subnets, func(x *Subnet) bool { return x.ID == id })
		return nil
	})
}

// CreateNetworkACL creates a network ACL and returns its id
// (CreateNetworkAcl). Like a new custom ACL in AWS it denies everything
// until entries are added, unless a has entries already.
func (w *World) CreateNetworkACL(a NetworkACL) (string, error) {
	err := w.change(func(c *World) error {
		if c.VPC(a.VPC) == nil {
			return errorf(CodeVPCNotFound, "the VPC %q does not exist", a.VPC)
		}
		if a.Name == DefaultGroupName {
			return errorf(CodeInvalidValue, "a VPC has one default network ACL; name the new one otherwise")
		}
		if a.ID == "" {
			a.ID = c.NewID("acl-")
		}
		na := a
		na.Inbound, na.Outbound = slices.Clone(a.Inbound), slices.Clone(a.Outbound)
		c.NetworkACLs = append(c.NetworkACLs, &na)
		return nil
	})
	if err != nil {
		return "", err
	}
	return a.ID, nil
}

// DeleteNetworkACL deletes a network ACL. As in AWS, the default ACL
// cannot be deleted (InvalidParameterValue), nor one a subnet is
// associated with (DependencyViolation).
func (w *World) DeleteNetworkACL(id string) error {
	a, err := w.mustACL(id)
	if err != nil {
		return err
	}
	if a.Name == DefaultGroupName {
		return errorf(CodeInvalidValue, "cannot delete default network ACL %s", id)
	}
	if users := w.SubnetsWith(id); len(users) > 0 {
		return errorf(CodeDependency, "the network ACL %q has dependencies and cannot be deleted: %s is associated with it", id, users[0].ID)
	}
	return w.change(func(c *World) error {
		c.NetworkACLs = slices.DeleteFunc(c.NetworkACLs, func(x *NetworkACL) bool { return x.ID == id })
		return nil
	})
}

// AddACLEntry adds an entry to an ACL in one direction
// (CreateNetworkAclEntry): NetworkAclEntryAlreadyExists when its rule
// number is taken.
func (w *World) AddACLEntry(aclID string, d Direction, e ACLEntry) error {
	return w.change(func(c *World) error {
		a, err := c.mustACL(aclID)
		if err != nil {
			return err
		}
		if err := e.check(); err != nil {
			return err
		}
		if _, taken := a.Entry(d, e.Rule); taken {
			return errorf(CodeACLEntryExists, "the network ACL entry identified by rule %d already exists in %s %s entries", e.Rule, aclID, d)
		}
		*a.entriesPtr(d) = append(*a.entriesPtr(d), e)
		return nil
	})
}

// ReplaceACLEntry replaces the entry with e.Rule's number
// (ReplaceNetworkAclEntry): InvalidNetworkAclEntry.NotFound when there is
// none.
func (w *World) ReplaceACLEntry(aclID string, d Direction, e ACLEntry) error {
	return w.change(func(c *World) error {
		a, err := c.mustACL(aclID)
		if err != nil {
			return err
		}
		if err := e.check(); err != nil {
			return err
		}
		entries := a.Entries(d)
		k := slices.IndexFunc(entries, func(x ACLEntry) bool { return x.Rule == e.Rule })
		if k < 0 {
			return errorf(CodeACLEntryNotFound, "no %s entry with rule number %d exists in %s", d, e.Rule, aclID)
		}
		entries[k] = e
		return nil
	})
}

// DeleteACLEntry deletes the entry with rule number n
// (DeleteNetworkAclEntry).
func (w *World) DeleteACLEntry(aclID string, d Direction, n int) error {
	return w.change(func(c *World) error {
		a, err := c.mustACL(aclID)
		if err != nil {
			return err
		}
		entries := a.entriesPtr(d)
		k := slices.IndexFunc(*entries, func(x ACLEntry) bool { return x.Rule == n })
		if k < 0 {
			return errorf(CodeACLEntryNotFound, "no %s entry with rule number %d exists in %s", d, n, aclID)
		}
		*entries = slices.Delete(*entries, k, k+1)
		return nil
	})
}

// AssociateACL associates a subnet with a network ACL of its VPC
// (ReplaceNetworkAclAssociation); the ACL may be named by id or name. An
// empty aclID goes back to the VPC's default ACL.
func (w *World) AssociateACL(subnetID, aclID string) error {
	return w.change(func(c *World) error {
		s, err := c.mustSubnet(subnetID)
		if err != nil {
			return err
		}
		if aclID == "" {
			s.NetworkACL = ""
			return nil
		}
		a := c.FindNetworkACL(s.VPC, aclID)
		if a == nil || a.VPC != s.VPC {
			return errorf(CodeACLNotFound, "the network ACL %q does not exist in VPC %s", aclID, s.VPC)
		}
		s.NetworkACL = a.ID
		return nil
	})
}

// FreeSubnetIP returns the first unused address of a subnet from .10 on.
func (w *World) FreeSubnetIP(s *Subnet) netip.Addr {
	return w.freeIn(s.CIDR)
}
