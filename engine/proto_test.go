package engine_test

import (
	"net/netip"
	"testing"

	"github.com/sglab/sglab/engine"
)

func TestParseProtocol(t *testing.T) {
	tests := []struct {
		in   string
		want engine.Protocol
	}{
		{"tcp", engine.ProtoTCP},
		{"udp", engine.ProtoUDP},
		{"icmp", engine.ProtoICMP},
		{"icmpv6", engine.ProtoICMPv6},
		{"all", engine.ProtoAll},
		{"-1", engine.ProtoAll},
		// Numbers that have a name are that protocol.
		{"6", engine.ProtoTCP},
		{"17", engine.ProtoUDP},
		{"1", engine.ProtoICMP},
		{"58", engine.ProtoICMPv6},
		{"0", 0},
		{"47", 47},
		{"255", 255},
		{" TCP ", engine.ProtoTCP},
	}
	for _, tt := range tests {
		got, err := engine.ParseProtocol(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseProtocol(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "256", "-2", "tcp6", "icmp6", "1.5", "0x6", "+6"} {
		if got, err := engine.ParseProtocol(bad); err == nil {
			t.Errorf("ParseProtocol(%q) = %v, want an error", bad, got)
		}
	}
}

func TestProtocolString(t *testing.T) {
	for p, want := range map[engine.Protocol]string{
		engine.ProtoAll: "all", engine.ProtoTCP: "tcp", engine.ProtoUDP: "udp",
		engine.ProtoICMP: "icmp", engine.ProtoICMPv6: "icmpv6", 47: "47", 0: "0",
	} {
		if got := p.String(); got != want {
			t.Errorf("Protocol(%d).String() = %q, want %q", p, got, want)
		}
		if back, err := engine.ParseProtocol(p.String()); err != nil || back != p {
			t.Errorf("ParseProtocol(%q) = %v, %v; want %v back", p.String(), back, err, p)
		}
	}
}

func TestParsePorts(t *testing.T) {
	tests := []struct {
		proto engine.Protocol
		in    string
		want  engine.PortRange
		text  string // Format's spelling
	}{
		{engine.ProtoTCP, "22", engine.PortRange{Lo: 22, Hi: 22}, "22"},
		{engine.ProtoTCP, "1024-65535", engine.PortRange{Lo: 1024, Hi: 65535}, "1024-65535"},
		{engine.ProtoTCP, "all", engine.AllPorts, "all"},
		{engine.ProtoTCP, "0-65535", engine.AllPorts, "all"},
		{engine.ProtoTCP, "0", engine.PortRange{}, "0"},
		{engine.ProtoTCP, "80-80", engine.PortRange{Lo: 80, Hi: 80}, "80"},
		{engine.ProtoUDP, " 53 ", engine.PortRange{Lo: 53, Hi: 53}, "53"},
		{engine.ProtoUDP, "ALL", engine.AllPorts, "all"},
		{engine.ProtoICMP, "all", engine.AnyICMP, "all"},
		{engine.ProtoICMP, "-1", engine.AnyICMP, "all"},
		{engine.ProtoICMP, "8", engine.PortRange{Lo: 8, Hi: engine.AnyPort}, "8"},
		{engine.ProtoICMP, "3/4", engine.PortRange{Lo: 3, Hi: 4}, "3/4"},
		{engine.ProtoICMPv6, "128/0", engine.PortRange{Lo: 128, Hi: 0}, "128/0"},
		// `all` and other protocol numbers ignore ports: every port.
		{engine.ProtoAll, "22", engine.PortRange{}, "all"},
		{47, "1-2", engine.PortRange{}, "all"},
	}
	for _, tt := range tests {
		got, err := engine.ParsePorts(tt.proto, tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParsePorts(%v, %q) = %v, %v; want %v", tt.proto, tt.in, got, err, tt.want)
		}
		if text := got.Format(tt.proto); text != tt.text {
			t.Errorf("ParsePorts(%v, %q).Format = %q, want %q", tt.proto, tt.in, text, tt.text)
		}
	}
	bad := []struct {
		proto engine.Protocol
		in    string
	}{
		{engine.ProtoTCP, ""}, {engine.ProtoTCP, "65536"}, {engine.ProtoTCP, "-1"},
		{engine.ProtoTCP, "443-80"}, // from must not be above to
		{engine.ProtoTCP, "80-"}, {engine.ProtoTCP, "-80"}, {engine.ProtoTCP, "1-2-3"},
		{engine.ProtoTCP, "http"}, {engine.ProtoTCP, "+22"}, {engine.ProtoTCP, "22.0"},
		{engine.ProtoTCP, "1234567"}, {engine.ProtoUDP, "3/4"},
		{engine.ProtoICMP, "256"}, {engine.ProtoICMP, "3/256"}, {engine.ProtoICMP, "3/"},
		{engine.ProtoICMP, "/4"}, {engine.ProtoICMP, "8-9"}, {engine.ProtoICMPv6, "echo"},
	}
	for _, tt := range bad {
		if got, err := engine.ParsePorts(tt.proto, tt.in); err == nil {
			t.Errorf("ParsePorts(%v, %q) = %v, want an error", tt.proto, tt.in, got)
		}
	}
}

func TestParseCIDR(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		changed bool // host bits were cleared
	}{
		{"0.0.0.0/0", "0.0.0.0/0", false},
		{"203.0.113.10/32", "203.0.113.10/32", false},
		{"203.0.113.10", "203.0.113.10/32", false}, // a bare address means /32
		{"::/0", "::/0", false},
		{"2001:db8::1", "2001:db8::1/128", false}, // and /128
		{"203.0.113.9/24", "203.0.113.0/24", true},
		{"10.0.0.5/8", "10.0.0.0/8", true},
		{"2001:db8::1/32", "2001:db8::/32", true},
		{" 10.0.0.0/16 ", "10.0.0.0/16", false},
	}
	for _, tt := range tests {
		got, changed, err := engine.ParseCIDR(tt.in)
		if err != nil || got != netip.MustParsePrefix(tt.want) || changed != tt.changed {
			t.Errorf("ParseCIDR(%q) = %v, %v, %v; want %s, %v", tt.in, got, changed, err, tt.want, tt.changed)
		}
	}
	for _, bad := range []string{"", "10.0.0.0/33", "10.0.0.256/8", "::/129", "fe80::1%eth0/64", "fe80::1%eth0",
		"::ffff:10.0.0.0/104", "10.0.0.0/", "/8", "web", "10.0.0.0/8/8", "10.0.0.0/-1"} {
		if got, _, err := engine.ParseCIDR(bad); err == nil {
			t.Errorf("ParseCIDR(%q) = %v, want an error", bad, got)
		}
	}
}

func TestParseAddr(t *testing.T) {
	for _, in := range []string{"10.0.0.1", "2001:db8::1", " 54.210.0.10 "} {
		got, err := engine.ParseAddr(in)
		if err != nil || !got.IsValid() {
			t.Errorf("ParseAddr(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "10.0.0.1/32", "fe80::1%eth0", "::ffff:10.0.0.1", "10.0.0", "laptop"} {
		if got, err := engine.ParseAddr(bad); err == nil {
			t.Errorf("ParseAddr(%q) = %v, want an error", bad, got)
		}
	}
}

func TestParseService(t *testing.T) {
	tests := []struct {
		in   string
		want engine.Service
	}{
		{"tcp/80", engine.Service{Protocol: engine.ProtoTCP, Port: 80}},
		{"udp/53", engine.Service{Protocol: engine.ProtoUDP, Port: 53}},
		{"80", engine.Service{Protocol: engine.ProtoTCP, Port: 80}}, // a bare port is tcp
		{"6/22", engine.Service{Protocol: engine.ProtoTCP, Port: 22}},
		{"tcp/0", engine.Service{Protocol: engine.ProtoTCP, Port: 0}},
	}
	for _, tt := range tests {
		got, err := engine.ParseService(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseService(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if back, err := engine.ParseService(got.String()); err != nil || back != got {
			t.Errorf("ParseService(%q) = %v, %v; want %v back", got.String(), back, err, got)
		}
	}
	for _, bad := range []string{"", "icmp/8", "all/80", "tcp/", "tcp/65536", "tcp/80-90", "http", "tcp/80/1"} {
		if got, err := engine.ParseService(bad); err == nil {
			t.Errorf("ParseService(%q) = %v, want an error", bad, got)
		}
	}
}

func TestParseOutcome(t *testing.T) {
	for _, o := range []engine.Outcome{engine.Connected, engine.Refused, engine.Timeout} {
		if got, ok := engine.ParseOutcome(o.String()); !ok || got != o {
			t.Errorf("ParseOutcome(%q) = %v, %v", o.String(), got, ok)
		}
	}
	for _, bad := range []string{"", "Connected", "allowed", "blocked"} {
		if _, ok := engine.ParseOutcome(bad); ok {
			t.Errorf("ParseOutcome(%q) succeeded, want a failure", bad)
		}
	}
}

// TestReasonOutcome pins which outcome each reason implies, as the
// contract's step 4 and the JSON output name them.
func TestReasonOutcome(t *testing.T) {
	want := map[engine.Reason]engine.Outcome{
		engine.Allowed:         engine.Connected,
		engine.NoListener:      engine.Refused,
		engine.InboundBlocked:  engine.Timeout,
		engine.OutboundBlocked: engine.Timeout,
		engine.Unreachable:     engine.Timeout,
	}
	names := map[engine.Reason]string{engine.Allowed: "allowed", engine.NoListener: "no-listener",
		engine.InboundBlocked: "inbound-blocked", engine.OutboundBlocked: "outbound-blocked", engine.Unreachable: "unreachable"}
	for r, o := range want {
		if r.Outcome() != o || r.String() != names[r] {
			t.Errorf("reason %q: outcome %v, want %q %v", r, r.Outcome(), names[r], o)
		}
	}
}
