package engine

import (
	"errors"
	"fmt"
	"strings"
)

// RuleText is a rule as a file or a lesson writes it: the text of each
// field, and which were given at all.
type RuleText struct {
	Protocol    string
	Ports       string
	HasPorts    bool // the ports field is there, even if empty
	Peer        string
	Description string
}

// FieldError is a problem with one field of a rule; Field is empty for a
// problem with the rule as a whole (a required field missing).
type FieldError struct {
	Field string
	Code  string
	Msg   string
}

// DecodeRule reads a rule of direction d as the scenario format writes it.
// It is the one decoder of rules: the scenario loader and the lessons'
// solution steps both use it. The protocol decides what ports mean (tcp
// and udp need them; icmp defaults to every type; other protocols ignore
// them). A peer that is not a CIDR or an address is kept as written, as a
// group reference: whether it names a group of the holder's VPC is known
// only once every group is (see World.settle). hostBits reports that the
// peer's CIDR had host bits set, which AWS clears.
func DecodeRule(d Direction, t RuleText) (r Rule, hostBits bool, errs []FieldError) {
	r.Description = t.Description
	p, err := ParseProtocol(t.Protocol)
	if err != nil {
		errs = append(errs, FieldError{"protocol", CodeInvalidValue, err.Error()})
	} else {
		r.Protocol = p
		switch {
		case t.HasPorts:
			if r.Ports, err = ParsePorts(p, t.Ports); err != nil {
				errs = append(errs, FieldError{"ports", CodeInvalidValue, err.Error()})
			}
		case p.HasPorts():
			errs = append(errs, FieldError{"", CodeMissingField,
				fmt.Sprintf("a %s rule needs `ports` (a port, a range such as \"1024-65535\", or all)", p)})
		case p.IsICMP():
			r.Ports = AnyICMP
		}
	}
	r.Peer, hostBits, err = ParsePeer(t.Peer)
	if err != nil {
		errs = append(errs, FieldError{d.peerField(), CodeInvalidValue, d.peerField() + ": " + err.Error()})
	}
	return r, hostBits, errs
}

// ParsePeer reads a rule's source or destination: `self`, an IPv4 or IPv6
// CIDR or a bare address (host bits cleared, as AWS does; hostBits reports
// it), or else a security group's id or name, kept as written. Any text
// that is not an address can be a group's name (AWS allows `:`, `/`,
// spaces and more in names), so a reference is only known to be wrong once
// the groups are known.
func ParsePeer(s string) (p Peer, hostBits bool, err error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "self":
		return Peer{Self: true}, false, nil
	case s == "":
		return Peer{}, false, errors.New("empty: write a CIDR such as 0.0.0.0/0, a security group, or self")
	}
	if couldBeCIDR(s) {
		if pr, changed, err := ParseCIDR(s); err == nil {
			return Peer{CIDR: pr}, changed, nil
		}
	}
	return Peer{Group: s}, false, nil
}

// couldBeCIDR reports whether s is made of the characters of an address
// range: most group names are not, and need no attempt at parsing, whose
// error allocates.
func couldBeCIDR(s string) bool {
	addr, bits, _ := strings.Cut(s, "/")
	return couldBeAddr(addr) && strings.Trim(bits, "0123456789") == ""
}

// MeantAsAddress returns why a group reference is not a valid address when
// its text looks like one (before any prefix length, digits and dots, or
// colons), and nil otherwise. A reference like that which names no group
// was meant as an address, and is reported as a bad one.
func (p Peer) MeantAsAddress() error {
	if !p.IsGroup() || p.Self {
		return nil
	}
	addr, _, _ := strings.Cut(p.Group, "/")
	if !strings.Contains(addr, ":") && (addr == "" || strings.Trim(addr, "0123456789.") != "") {
		return nil
	}
	_, _, err := ParseCIDR(p.Group)
	return err
}

// check reports a value a file cannot hold but a program can build: a
// protocol, a port range or an icmp type outside AWS's ranges, a range
// that is an IPv4-mapped IPv6 one, or no peer at all.
func (r Rule) check(d Direction) *Error {
	switch {
	case r.Protocol < ProtoAll || r.Protocol > 255:
		return errorf(CodeInvalidValue, "protocol %d is not all (-1) or a number 0-255", r.Protocol)
	case r.Protocol.HasPorts() && (r.Ports.Lo < 0 || r.Ports.Hi > 65535 || r.Ports.Lo > r.Ports.Hi):
		return errorf(CodeInvalidValue, "invalid port range %d-%d", r.Ports.Lo, r.Ports.Hi)
	case r.Protocol.IsICMP() && !validICMP(r.Ports):
		return errorf(CodeInvalidValue, "invalid icmp type %d and code %d: each is 0-255, or -1 for any", r.Ports.Lo, r.Ports.Hi)
	case r.Peer.IsGroup():
		return nil
	case !r.Peer.CIDR.IsValid():
		return errorf(CodeMissingField, "the rule needs a %s", d.peerField())
	case r.Peer.CIDR.Addr().Is4In6():
		return errorf(CodeInvalidValue, "%s %s is an IPv4-mapped IPv6 range; write the IPv4 range", d.peerField(), r.Peer.CIDR)
	}
	return nil
}

func validICMP(r PortRange) bool {
	in := func(n int) bool { return n == AnyPort || (n >= 0 && n <= 255) }
	return in(r.Lo) && in(r.Hi) && (r.Lo != AnyPort || r.Hi == AnyPort)
}

// sameRule reports whether two rules are the same permission: protocol,
// ports and peer after canonicalization (descriptions do not count). This
// is what AWS compares to refuse a duplicate and to find a rule to revoke.
func sameRule(a, b Rule) bool {
	return a.Protocol == b.Protocol &&
		a.Ports.canonical(a.Protocol) == b.Ports.canonical(b.Protocol) &&
		a.Peer.CIDR == b.Peer.CIDR && a.Peer.Group == b.Peer.Group
}

// families reports which address families a rule counts against: a CIDR
// its own, a group reference both.
func (p Peer) families() (v4, v6 bool) {
	if p.IsGroup() {
		return true, true
	}
	return p.CIDR.Addr().Is4(), p.CIDR.Addr().Is6()
}

// Summary describes a rule the way AWS error messages do: "tcp 22 0.0.0.0/0".
func (r Rule) Summary() string { return r.summary(r.Peer.String()) }

func (r Rule) summary(peer string) string {
	if r.Protocol == ProtoAll || !(r.Protocol.HasPorts() || r.Protocol.IsICMP()) {
		return fmt.Sprintf("%s %s", r.Protocol, peer)
	}
	return fmt.Sprintf("%s %s %s", r.Protocol, r.Ports.Format(r.Protocol), peer)
}

func (p Peer) String() string {
	switch {
	case p.Self:
		return "self"
	case p.IsGroup():
		return p.Group
	}
	return p.CIDR.String()
}
