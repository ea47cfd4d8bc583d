package engine_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/sglab/sglab/engine"
)

// Tests of the contract's "Fields" section: what a valid file means.

func TestDefaults(t *testing.T) {
	w := mustLoad(t, "version: 1\nvpcs:\n  - { id: vpc-a, cidr: 10.0.0.0/16 }\n  - { id: vpc-b, cidr: 10.1.0.0/16, region: eu-west-1 }\n")
	if w.Version != 1 || w.Region != "us-east-1" {
		t.Errorf("version %d region %q, want 1 us-east-1", w.Version, w.Region)
	}
	if w.Quotas.RulesPerDirection != 60 || w.Quotas.GroupsPerInstance != 5 {
		t.Errorf("quotas %+v, want 60 rules per direction and 5 groups per instance", w.Quotas)
	}
	if got := w.RegionOf(w.VPC("vpc-a")); got != "us-east-1" {
		t.Errorf("a VPC that names no region is in %q, want the file's us-east-1", got)
	}
	if got := w.RegionOf(w.VPC("vpc-b")); got != "eu-west-1" {
		t.Errorf("vpc-b is in %q, want its own eu-west-1", got)
	}
	w = mustLoad(t, "version: 1\nregion: ap-south-1\nquotas: { rules_per_direction: 100 }\nvpcs:\n  - { id: vpc-a, cidr: 10.0.0.0/16 }\n")
	if got := w.RegionOf(w.VPC("vpc-a")); got != "ap-south-1" {
		t.Errorf("a VPC that names no region is in %q, want the file's ap-south-1", got)
	}
	if w.Quotas.RulesPerDirection != 100 || w.Quotas.GroupsPerInstance != 5 {
		t.Errorf("quotas %+v, want 100 and the default 5", w.Quotas)
	}
}

func allTo(cidr string) engine.Rule {
	return engine.Rule{Protocol: engine.ProtoAll, Peer: engine.CIDRPeer(netip.MustParsePrefix(cidr))}
}

// sameRules compares rules as the format means them, ignoring positions.
func sameRules(a, b []engine.Rule) bool {
	return slices.EqualFunc(a, b, func(x, y engine.Rule) bool {
		return x.Protocol == y.Protocol && x.Ports == y.Ports && x.Peer == y.Peer && x.Description == y.Description
	})
}

func TestImplicitDefaultGroup(t *testing.T) {
	w := mustLoad(t, `version: 1
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16 }
  - { id: vpc-6, cidr: 10.1.0.0/16, ipv6_cidr: "2600:1f18::/56" }
instances:
  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5 }
  - { id: i-b, vpc: vpc-a, private_ip: 10.0.0.6, security_groups: [default] }
  - { id: i-c, vpc: vpc-6, private_ip: 10.1.0.5 }
`)
	for _, tt := range []struct {
		vpc      string
		outbound []engine.Rule
	}{
		{"vpc-a", []engine.Rule{allTo("0.0.0.0/0")}},
		{"vpc-6", []engine.Rule{allTo("0.0.0.0/0"), allTo("::/0")}},
	} {
		id := tt.vpc + "/default"
		g := w.Group(id)
		if g == nil {
			t.Fatalf("VPC %s has no implicit group %s", tt.vpc, id)
		}
		if g.Name != "default" || g.VPC != tt.vpc {
			t.Errorf("%s: name %q vpc %q, want default %s", id, g.Name, g.VPC, tt.vpc)
		}
		self := []engine.Rule{{Protocol: engine.ProtoAll, Peer: engine.Peer{Group: id, Self: true}}}
		if !sameRules(g.Inbound, self) {
			t.Errorf("%s inbound %+v, want all traffic from itself", id, g.Inbound)
		}
		if !sameRules(g.Outbound, tt.outbound) {
			t.Errorf("%s outbound %+v, want %+v", id, g.Outbound, tt.outbound)
		}
		if got := w.FindGroup(tt.vpc, "default"); got != g {
			t.Errorf("FindGroup(%s, default) = %v, want %s", tt.vpc, got, id)
		}
	}
	for id, want := range map[string]string{"i-a": "vpc-a/default", "i-b": "vpc-a/default", "i-c": "vpc-6/default"} {
		if got := w.Instance(id).Groups; !slices.Equal(got, []string{want}) {
			t.Errorf("%s has groups %v, want [%s]", id, got, want)
		}
	}
}

func TestDeclaredDefaultGroupReplacesImplicit(t *testing.T) {
	w := mustLoad(t, `version: 1
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16 }
security_groups:
  - { id: sg-def, name: default, vpc: vpc-a, inbound: [{ protocol: tcp, ports: 22, source: 10.0.0.0/8 }] }
instances:
  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5 }
`)
	if w.Group("vpc-a/default") != nil {
		t.Error("the implicit default group exists beside the declared one")
	}
	if got := w.Instance("i-a").Groups; !slices.Equal(got, []string{"sg-def"}) {
		t.Errorf("an instance without security_groups has %v, want the declared default [sg-def]", got)
	}
	if n := len(w.Groups); n != 1 {
		t.Errorf("%d groups, want 1", n)
	}
}

func TestOutboundAbsentOrEmpty(t *testing.T) {
	w := mustLoad(t, `version: 1
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16, ipv6_cidr: "2600:1f18::/56" }
security_groups:
  - { id: sg-absent, vpc: vpc-a }
  - { id: sg-empty, vpc: vpc-a, outbound: [] }
  - { id: sg-null, vpc: vpc-a, outbound: }
  - { id: sg-own, vpc: vpc-a, outbound: [{ protocol: tcp, ports: 443, destination: 0.0.0.0/0 }] }
instances:
  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5, security_groups: [sg-absent, sg-empty, sg-null, sg-own] }
`)
	tests := []struct {
		group    string
		outbound []engine.Rule
	}{
		{"sg-absent", []engine.Rule{allTo("0.0.0.0/0"), allTo("::/0")}}, // the AWS default
		{"sg-empty", nil}, // nothing is allowed out
		{"sg-null", nil},
		{"sg-own", []engine.Rule{{Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: 443, Hi: 443},
			Peer: engine.CIDRPeer(netip.MustParsePrefix("0.0.0.0/0"))}}},
	}
	for _, tt := range tests {
		g := w.Group(tt.group)
		if !sameRules(g.Outbound, tt.outbound) {
			t.Errorf("%s outbound %+v, want %+v", tt.group, g.Outbound, tt.outbound)
		}
		if len(g.Inbound) != 0 {
			t.Errorf("%s inbound %+v, want the default: none", tt.group, g.Inbound)
		}
	}
}

// TestNamesAreLookedUpInTheirVPC: wherever the format refers to a group it
// takes an id or a name, and a name means the group of that name in the VPC
// in question; instances and hosts go by id or name.
func TestNamesAreLookedUpInTheirVPC(t *testing.T) {
	w := mustLoad(t, `version: 1
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16 }
  - { id: vpc-b, cidr: 10.1.0.0/16 }
security_groups:
  - { id: sg-a-web, name: web, vpc: vpc-a }
  - { id: sg-b-web, name: web, vpc: vpc-b }
  - id: sg-b-db
    name: db
    vpc: vpc-b
    inbound:
      - { protocol: tcp, ports: 5432, source: web }
      - { protocol: tcp, ports: 5433, source: sg-b-web, description: by id }
      - { protocol: tcp, ports: 22, source: self }
    outbound:
      - { protocol: tcp, ports: 443, destination: default }
instances:
  - { id: i-a, name: web-a, vpc: vpc-a, private_ip: 10.0.0.5, security_groups: [web] }
  - { id: i-b, name: web-b, vpc: vpc-b, private_ip: 10.1.0.5, security_groups: [web, sg-b-db] }
`)
	if got := w.Instance("i-a").Groups; !slices.Equal(got, []string{"sg-a-web"}) {
		t.Errorf("i-a in vpc-a lists web and has %v, want [sg-a-web]", got)
	}
	if got := w.Instance("i-b").Groups; !slices.Equal(got, []string{"sg-b-web", "sg-b-db"}) {
		t.Errorf("i-b in vpc-b has %v, want [sg-b-web sg-b-db]", got)
	}
	db := w.Group("sg-b-db")
	want := []engine.Peer{{Group: "sg-b-web"}, {Group: "sg-b-web"}, {Group: "sg-b-db", Self: true}}
	for k, r := range db.Inbound {
		if r.Peer != want[k] {
			t.Errorf("db inbound rule %d peer %+v, want %+v", k, r.Peer, want[k])
		}
	}
	if got := db.Outbound[0].Peer; got != (engine.Peer{Group: "vpc-b/default"}) {
		t.Errorf("destination default in vpc-b is %+v, want vpc-b/default", got)
	}
	for _, ref := range []string{"i-b", "web-b"} {
		if got := w.Instance(ref); got == nil || got.ID != "i-b" {
			t.Errorf("Instance(%q) = %v, want i-b", ref, got)
		}
	}
}

func TestRulePeers(t *testing.T) {
	w, ds := engine.Parse("peers.yaml", []byte(`version: 1
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16 }
security_groups:
  - id: sg-a
    vpc: vpc-a
    inbound:
      - { protocol: tcp, ports: 1, source: 203.0.113.10 }
      - { protocol: tcp, ports: 2, source: "2001:db8::10" }
      - { protocol: tcp, ports: 3, source: 203.0.113.9/24 }
      - { protocol: tcp, ports: 4, source: "2001:db8::9/32" }
      - { protocol: tcp, ports: 5, source: self }
      - { protocol: tcp, ports: 6, source: vpc-a/default }
instances:
  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5, security_groups: [sg-a] }
`))
	if w == nil {
		t.Fatal(ds)
	}
	want := []engine.Peer{
		{CIDR: netip.MustParsePrefix("203.0.113.10/32")},  // a bare address means /32
		{CIDR: netip.MustParsePrefix("2001:db8::10/128")}, // or /128
		{CIDR: netip.MustParsePrefix("203.0.113.0/24")},   // host bits cleared
		{CIDR: netip.MustParsePrefix("2001:db8::/32")},
		{Group: "sg-a", Self: true},
		{Group: "vpc-a/default"},
	}
	for k, r := range w.Group("sg-a").Inbound {
		if r.Peer != want[k] {
			t.Errorf("rule %d: peer %+v, want %+v", k, r.Peer, want[k])
		}
	}
	// Each cleared CIDR is warned about, naming what it is stored as.
	var warned []string
	for _, d := range ds.Warnings() {
		warned = append(warned, d.Message)
	}
	if len(warned) != 2 || !strings.Contains(warned[0], "203.0.113.0/24") || !strings.Contains(warned[1], "2001:db8::/32") {
		t.Errorf("warnings %q, want one for each CIDR with host bits set, naming the stored range", warned)
	}
}

func TestRuleProtocolsAndPorts(t *testing.T) {
	w := mustLoad(t, `version: 1
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16 }
security_groups:
  - id: sg-a
    vpc: vpc-a
    inbound:
      - { protocol: 6, ports: 22, source: 10.0.0.0/8 }
      - { protocol: 17, ports: "1024-65535", source: 10.0.0.0/8 }
      - { protocol: 1, ports: 8, source: 10.0.0.0/8 }
      - { protocol: 58, ports: "1/4", source: "::/0" }
      - { protocol: icmp, source: 10.0.0.0/8 }
      - { protocol: tcp, ports: all, source: 10.0.0.0/8 }
      - { protocol: -1, ports: 22, source: 10.0.0.0/8 }
      - { protocol: 47, ports: 22, source: 10.0.0.0/8 }
      - { protocol: "all", source: 10.1.0.0/16 }
instances:
  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5, security_groups: [sg-a] }
`)
	want := []struct {
		proto engine.Protocol
		ports engine.PortRange
	}{
		{engine.ProtoTCP, engine.PortRange{Lo: 22, Hi: 22}},
		{engine.ProtoUDP, engine.PortRange{Lo: 1024, Hi: 65535}},
		{engine.ProtoICMP, engine.PortRange{Lo: 8, Hi: engine.AnyPort}},
		{engine.ProtoICMPv6, engine.PortRange{Lo: 1, Hi: 4}},
		{engine.ProtoICMP, engine.AnyICMP}, // icmp ports default to all
		{engine.ProtoTCP, engine.AllPorts},
		{engine.ProtoAll, engine.PortRange{}}, // ports ignored: every port
		{47, engine.PortRange{}},
		{engine.ProtoAll, engine.PortRange{}},
	}
	for k, r := range w.Group("sg-a").Inbound {
		if r.Protocol != want[k].proto || r.Ports != want[k].ports {
			t.Errorf("rule %d: %v %+v, want %v %+v", k, r.Protocol, r.Ports, want[k].proto, want[k].ports)
		}
	}
}

func TestMachines(t *testing.T) {
	w := mustLoad(t, `version: 1
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16, ipv6_cidr: "2600:1f18::/56" }
instances:
  - { id: i-a, name: web, vpc: vpc-a, private_ip: 10.0.0.5, public_ip: 54.210.0.5, ipv6: "2600:1f18::5", listening: [tcp/80, udp/53, 8080] }
  - { id: i-b, vpc: vpc-a, private_ip: 10.0.0.6 }
hosts:
  - { id: laptop, name: my laptop, ip: 203.0.113.10, listening: [22] }
  - { id: v6, ip: "2001:db8::1" }
`)
	a := w.Instance("web")
	if a == nil || a.ID != "i-a" || a.PrivateIP.String() != "10.0.0.5" || a.PublicIP.String() != "54.210.0.5" || a.IPv6.String() != "2600:1f18::5" {
		t.Fatalf("instance web: %+v", a)
	}
	// A bare port is tcp.
	wantSvc := []engine.Service{{Protocol: engine.ProtoTCP, Port: 80}, {Protocol: engine.ProtoUDP, Port: 53}, {Protocol: engine.ProtoTCP, Port: 8080}}
	if !slices.Equal(a.Listening, wantSvc) {
		t.Errorf("listening %v, want %v", a.Listening, wantSvc)
	}
	if b := w.Instance("i-b"); b.PublicIP.IsValid() || b.IPv6.IsValid() || len(b.Listening) != 0 {
		t.Errorf("i-b: public %v ipv6 %v listening %v, want none of them", b.PublicIP, b.IPv6, b.Listening)
	}
	if h := w.Host("my laptop"); h == nil || h.ID != "laptop" || !slices.Equal(h.Listening, []engine.Service{{Protocol: engine.ProtoTCP, Port: 22}}) {
		t.Errorf("host my laptop: %+v", h)
	}
	if h := w.Host("v6"); h == nil || !h.IP.Is6() {
		t.Errorf("host v6: %+v", h)
	}
	if w.Host("web") != nil || w.Instance("laptop") != nil {
		t.Error("an instance's name found a host, or a host's id an instance")
	}
}

func TestConnections(t *testing.T) {
	w := mustLoad(t, `version: 1
hosts:
  - { id: a, ip: 203.0.113.1 }
  - { id: b, ip: 203.0.113.2 }
connections:
  - { from: a, to: b, port: 22 }
  - { from: a, to: b, protocol: udp, port: 53, expect: refused }
  - { from: a, to: b, protocol: icmp, expect: connected }
  - { from: a, to: 203.0.113.2, protocol: icmpv6, expect: timeout }
`)
	want := []engine.Connection{
		{From: "a", To: "b", Protocol: engine.ProtoTCP, Port: 22}, // tcp by default, nothing expected
		{From: "a", To: "b", Protocol: engine.ProtoUDP, Port: 53, Expect: engine.Refused},
		{From: "a", To: "b", Protocol: engine.ProtoICMP, Expect: engine.Connected},
		{From: "a", To: "203.0.113.2", Protocol: engine.ProtoICMPv6, Expect: engine.Timeout},
	}
	for k, c := range w.Connections {
		if c.From != want[k].From || c.To != want[k].To || c.Protocol != want[k].Protocol || c.Port != want[k].Port || c.Expect != want[k].Expect {
			t.Errorf("connection %d: %+v, want %+v", k, c, want[k])
		}
	}
}

// TestYAMLFeatures: anchors and aliases work in any order of the file's
// sections, and quoting styles read alike.
func TestYAMLFeatures(t *testing.T) {
	w := mustLoad(t, `version: 1
security_groups:
  - id: sg-a
    vpc: &main vpc-a
    inbound:
      - &ssh { protocol: tcp, ports: 22, source: 10.0.0.0/8 }
  - id: sg-b
    vpc: *main
    inbound: [*ssh]
vpcs:
  - { id: *main, cidr: '10.0.0.0/16' }
instances:
  - id: i-a
    vpc: "vpc-a"
    private_ip: !!str 10.0.0.5
    security_groups: [sg-a, sg-b]
    listening:
      - tcp/22
`)
	if !sameRules(w.Group("sg-a").Inbound, w.Group("sg-b").Inbound) || len(w.Group("sg-b").Inbound) != 1 {
		t.Errorf("the alias *ssh did not copy the rule: %+v", w.Group("sg-b").Inbound)
	}
	if w.VPC("vpc-a") == nil || w.Instance("i-a").PrivateIP.String() != "10.0.0.5" {
		t.Error("anchors, quotes or tags were not read as plain values")
	}
}
