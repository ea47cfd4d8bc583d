package console

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/sglab/sglab/engine"
)

// Every preset names the rules it makes: the rule form and the tables can
// never disagree.
func TestEveryPresetNamesItsOwnRules(t *testing.T) {
	for k, ty := range Types {
		if ty.Custom || ty.Number {
			continue
		}
		r := engine.Rule{Protocol: ty.Protocol, Ports: ty.Ports}
		if got := TypeIndex(r); got != k {
			t.Errorf("a %s rule is named %s", ty.Name, Types[got].Name)
		}
	}
}

func TestRow(t *testing.T) {
	w, ds := engine.Parse("t.yaml", []byte(`version: 1
vpcs: [{ id: vpc-a, cidr: 10.0.0.0/16 }]
security_groups:
  - { id: sg-1, name: web, vpc: vpc-a }
instances:
  - { id: i-1, vpc: vpc-a, private_ip: 10.0.0.10, security_groups: [sg-1] }
`))
	if w == nil {
		t.Fatal(ds)
	}
	cidr := func(s string) engine.Peer { return engine.CIDRPeer(netip.MustParsePrefix(s)) }
	tests := []struct {
		rule engine.Rule
		want []string
	}{
		{engine.Rule{Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: 22, Hi: 22}, Peer: cidr("203.0.113.10/32"), Description: "me"},
			[]string{"SSH", "TCP", "22", "203.0.113.10/32", "me"}},
		{engine.Rule{Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: 21, Hi: 21}, Peer: cidr("0.0.0.0/0")},
			[]string{"FTP", "TCP", "21", "0.0.0.0/0", ""}},
		{engine.Rule{Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: 8000, Hi: 8999}, Peer: cidr("::/0")},
			[]string{"Custom TCP", "TCP", "8000 - 8999", "::/0", ""}},
		{engine.Rule{Protocol: engine.ProtoTCP, Ports: engine.AllPorts, Peer: cidr("10.0.0.0/16")},
			[]string{"All TCP", "TCP", "0 - 65535", "10.0.0.0/16", ""}},
		{engine.Rule{Protocol: engine.ProtoAll, Peer: engine.Peer{Group: "sg-1", Self: true}},
			[]string{"All traffic", "All", "All", "web (this group)", ""}},
		{engine.Rule{Protocol: engine.ProtoUDP, Ports: engine.PortRange{Lo: 53, Hi: 53}, Peer: engine.GroupPeer("sg-1")},
			[]string{"DNS (UDP)", "UDP", "53", "web (group)", ""}},
		{engine.Rule{Protocol: engine.ProtoICMPv6, Ports: engine.PortRange{Lo: 128, Hi: engine.AnyPort}, Peer: cidr("::/0")},
			[]string{"Custom ICMP - IPv6", "IPv6 ICMP", "128", "::/0", ""}},
		{engine.Rule{Protocol: engine.ProtoICMP, Ports: engine.AnyICMP, Peer: cidr("0.0.0.0/0")},
			[]string{"All ICMP - IPv4", "ICMP", "All", "0.0.0.0/0", ""}},
		{engine.Rule{Protocol: 47, Peer: cidr("10.0.0.0/16")},
			[]string{"Custom protocol", "47", "All", "10.0.0.0/16", ""}},
	}
	for _, tt := range tests {
		if got := Row(w, tt.rule); !slices.Equal(got, tt.want) {
			t.Errorf("Row(%s) = %q, want %q", tt.rule.Summary(), got, tt.want)
		}
	}
	if got := Columns(engine.Outbound)[3]; got != "Destination" {
		t.Errorf("outbound tables name the peer %q", got)
	}
}
