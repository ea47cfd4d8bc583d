package engine

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Protocol is an IP protocol number, or ProtoAll for every protocol.
type Protocol int16

// Protocols with names in the format.
const (
	ProtoAll    Protocol = -1
	ProtoICMP   Protocol = 1
	ProtoTCP    Protocol = 6
	ProtoUDP    Protocol = 17
	ProtoICMPv6 Protocol = 58
)

func (p Protocol) String() string {
	switch p {
	case ProtoAll:
		return "all"
	case ProtoICMP:
		return "icmp"
	case ProtoTCP:
		return "tcp"
	case ProtoUDP:
		return "udp"
	case ProtoICMPv6:
		return "icmpv6"
	}
	return strconv.Itoa(int(p))
}

// HasPorts reports whether the protocol has port numbers (tcp and udp).
func (p Protocol) HasPorts() bool { return p == ProtoTCP || p == ProtoUDP }

// IsICMP reports whether the protocol is icmp or icmpv6.
func (p Protocol) IsICMP() bool { return p == ProtoICMP || p == ProtoICMPv6 }

// ParseProtocol reads tcp, udp, icmp, icmpv6, all, -1 or a number 0-255.
// Numbers that have a name are returned as that protocol: 6 is tcp.
func ParseProtocol(s string) (Protocol, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "tcp":
		return ProtoTCP, nil
	case "udp":
		return ProtoUDP, nil
	case "icmp":
		return ProtoICMP, nil
	case "icmpv6":
		return ProtoICMPv6, nil
	case "all", "-1":
		return ProtoAll, nil
	}
	n, err := parseNumber(strings.TrimSpace(s), 255, "protocol")
	if err != nil {
		return 0, fmt.Errorf("protocol %q is not tcp, udp, icmp, icmpv6, all or a number 0-255", s)
	}
	return Protocol(n), nil
}

// AnyPort marks the icmp type or code that matches all.
const AnyPort = -1

// PortRange is the port part of a rule. For tcp and udp it is the inclusive
// range Lo-Hi. For icmp and icmpv6 Lo is the type and Hi the code, AnyPort
// meaning any. For other protocols it is ignored.
type PortRange struct {
	Lo, Hi int
}

// AllPorts is every tcp or udp port.
var AllPorts = PortRange{0, 65535}

// AnyICMP is every icmp type and code.
var AnyICMP = PortRange{AnyPort, AnyPort}

// canonical returns the ports as stored for protocol p: ignored protocols
// get the zero range so that equal rules compare equal.
func (r PortRange) canonical(p Protocol) PortRange {
	if p.HasPorts() || p.IsICMP() {
		return r
	}
	return PortRange{}
}

// Format writes the ports as the format spells them for protocol p.
func (r PortRange) Format(p Protocol) string {
	switch {
	case p.HasPorts():
		if r == AllPorts {
			return "all"
		}
		if r.Lo == r.Hi {
			return strconv.Itoa(r.Lo)
		}
		return strconv.Itoa(r.Lo) + "-" + strconv.Itoa(r.Hi)
	case p.IsICMP():
		if r.Lo == AnyPort {
			return "all"
		}
		if r.Hi == AnyPort {
			return strconv.Itoa(r.Lo)
		}
		return strconv.Itoa(r.Lo) + "/" + strconv.Itoa(r.Hi)
	}
	return "all"
}

// ParsePorts reads the ports of a rule with protocol p: a port, a range
// "from-to" or "all" for tcp and udp; "all", a type or "type/code" for icmp.
// Other protocols ignore ports.
func ParsePorts(p Protocol, s string) (PortRange, error) {
	s = strings.TrimSpace(s)
	switch {
	case p.HasPorts():
		if strings.EqualFold(s, "all") {
			return AllPorts, nil
		}
		lo, hi, isRange := strings.Cut(s, "-")
		if isRange && (!isDigits(lo) || !isDigits(hi)) {
			// Name the whole value: "-1" is no range with an empty start.
			return PortRange{}, fmt.Errorf("ports %q is not a port 0-65535, a range such as \"1024-65535\", or all", s)
		}
		a, err := parseNumber(lo, 65535, "port")
		if err != nil {
			return PortRange{}, err
		}
		if !isRange {
			return PortRange{a, a}, nil
		}
		b, err := parseNumber(hi, 65535, "port")
		if err != nil {
			return PortRange{}, err
		}
		if a > b {
			return PortRange{}, fmt.Errorf("port range %q runs backwards: from must not be above to", s)
		}
		return PortRange{a, b}, nil
	case p.IsICMP():
		if strings.EqualFold(s, "all") || s == "-1" {
			return AnyICMP, nil
		}
		t, c, hasCode := strings.Cut(s, "/")
		typ, err := parseNumber(t, 255, "icmp type")
		if err != nil {
			return PortRange{}, err
		}
		if !hasCode {
			return PortRange{typ, AnyPort}, nil
		}
		code, err := parseNumber(c, 255, "icmp code")
		if err != nil {
			return PortRange{}, err
		}
		return PortRange{typ, code}, nil
	}
	return PortRange{}, nil
}

// ParsePort reads a single port 0-65535.
func ParsePort(s string) (int, error) { return parseNumber(strings.TrimSpace(s), 65535, "port") }

func isDigits(s string) bool { return s != "" && strings.TrimLeft(s, "0123456789") == "" }

func parseNumber(s string, max int, what string) (int, error) {
	if s == "" || len(s) > 6 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("%s %q is not a number from 0 to %d", what, s, max)
	}
	n, _ := strconv.Atoi(s)
	if n > max {
		return 0, fmt.Errorf("%s %d is out of range 0-%d", what, n, max)
	}
	return n, nil
}

// ParseCIDR reads an IPv4 or IPv6 range. A bare address means /32 or /128.
// Host bits set in the address are cleared, as AWS does; changed reports it.
func ParseCIDR(s string) (p netip.Prefix, changed bool, err error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		switch {
		case err != nil || a.Zone() != "":
			return netip.Prefix{}, false, fmt.Errorf("%q is not an IPv4 or IPv6 CIDR", s)
		case a.Is4In6():
			return netip.Prefix{}, false, fmt.Errorf("%q is an IPv4-mapped IPv6 address; write the IPv4 address %s", s, a.Unmap())
		}
		return netip.PrefixFrom(a, a.BitLen()), false, nil
	}
	p, err = netip.ParsePrefix(s)
	if err != nil || p.Addr().Zone() != "" {
		return netip.Prefix{}, false, fmt.Errorf("%q is not an IPv4 or IPv6 CIDR", s)
	}
	if p.Addr().Is4In6() {
		return netip.Prefix{}, false, fmt.Errorf("%q is an IPv4-mapped IPv6 range; write the IPv4 range", s)
	}
	m := p.Masked()
	return m, m != p, nil
}

// ParseAddr reads one IPv4 or IPv6 address (no zone, no prefix).
func ParseAddr(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	switch {
	case err != nil || a.Zone() != "":
		return netip.Addr{}, fmt.Errorf("%q is not an IPv4 or IPv6 address", s)
	case a.Is4In6():
		return netip.Addr{}, fmt.Errorf("%q is an IPv4-mapped IPv6 address; write the IPv4 address %s", s, a.Unmap())
	}
	return a, nil
}

// ParseService reads what runs on a machine: tcp/80, udp/53, or a bare 80
// meaning tcp.
func ParseService(s string) (Service, error) {
	s = strings.TrimSpace(s)
	proto, port, ok := strings.Cut(s, "/")
	if !ok {
		proto, port = "tcp", s
	}
	p, err := ParseProtocol(proto)
	if err != nil || !p.HasPorts() {
		return Service{}, fmt.Errorf("service %q is not tcp/PORT, udp/PORT or a bare port", s)
	}
	n, err := ParsePort(port)
	if err != nil {
		return Service{}, err
	}
	return Service{Protocol: p, Port: n}, nil
}

func itoa(n int) string { return strconv.Itoa(n) }
