package awsjson

import (
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sglab/sglab/engine"
)

// load imports the inputs and loads the scenario written, which must be
// valid: the import's one promise is a file sglab check accepts.
func load(t testing.TB, inputs []Input, opt Options) (*engine.World, *Result) {
	t.Helper()
	res, err := Import(inputs, opt)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	w, ds := engine.Parse("imported.yaml", res.YAML)
	if w == nil {
		t.Fatalf("the scenario written does not load:\n%s\n%s", ds.Error(), res.YAML)
	}
	return w, res
}

func readDir(t testing.TB, dir string) []Input {
	t.Helper()
	in, err := ReadPaths([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// rules lists a group's rules of one direction as "proto ports peer".
func rules(w *engine.World, id string, d engine.Direction) []string {
	g := w.Group(id)
	if g == nil {
		return nil
	}
	var out []string
	for _, r := range g.Rules(d) {
		s := r.Protocol.String()
		if r.Protocol.HasPorts() || r.Protocol.IsICMP() {
			s += " " + r.Ports.Format(r.Protocol)
		}
		peer := r.Peer.String()
		if r.Peer.IsGroup() && r.Peer.Group == id {
			peer = "self"
		}
		out = append(out, s+" "+peer)
	}
	return out
}

func warned(res *Result, parts ...string) bool {
	return slices.ContainsFunc(res.Warnings, func(w Warning) bool {
		s := w.String()
		for _, p := range parts {
			if !strings.Contains(s, p) {
				return false
			}
		}
		return true
	})
}

func TestImportAccount(t *testing.T) {
	w, res := load(t, readDir(t, "testdata/account"), Options{Hosts: []Host{{Name: "office", IP: netip.MustParseAddr("203.0.113.10")}}})

	t.Run("VPC", func(t *testing.T) {
		v := w.VPC("vpc-0a1b2c3d4e5f60718")
		if v == nil || v.CIDR != mustPrefix("10.20.0.0/16") || v.IPv6CIDR != mustPrefix("2600:1f18:4a2:b100::/56") || w.RegionOf(v) != "us-east-1" {
			t.Fatalf("VPC = %+v", v)
		}
	})
	t.Run("every IpPermissions entry flattened, one rule per peer", func(t *testing.T) {
		cases := []struct {
			group string
			d     engine.Direction
			want  []string
		}{
			{"sg-0d0d0d0d0d0d0d0d0", engine.Inbound, []string{"all self"}},
			{"sg-0d0d0d0d0d0d0d0d0", engine.Outbound, []string{"all 0.0.0.0/0", "all ::/0"}},
			// IPv4 and IPv6 ranges of one entry; icmp type/code; icmpv6 with -1 ports.
			{"sg-0a0a0a0a0a0a0a0a0", engine.Inbound, []string{"tcp 443 0.0.0.0/0", "tcp 443 ::/0", "tcp 22 203.0.113.10/32",
				"icmp 3/4 0.0.0.0/0", "icmpv6 all 2600:1f18:4a2:b100::/56"}},
			// Group pairs with and without GroupName; a udp range; protocol 50 without ports.
			{"sg-0b0b0b0b0b0b0b0b0", engine.Inbound, []string{"tcp 8080 sg-0e0e0e0e0e0e0e0e0", "tcp 8080 sg-0a0a0a0a0a0a0a0a0",
				"udp 1024-65535 10.20.0.0/16", "50 198.51.100.0/24"}},
			{"sg-0b0b0b0b0b0b0b0b0", engine.Outbound, []string{"tcp 5432 sg-0c0c0c0c0c0c0c0c0", "tcp 443 0.0.0.0/0"}},
			// Other accounts' and peered VPCs' groups are left out.
			{"sg-0c0c0c0c0c0c0c0c0", engine.Inbound, []string{"tcp 5432 sg-0b0b0b0b0b0b0b0b0"}},
			// An empty IpPermissionsEgress is no outbound rule, not AWS's default.
			{"sg-0c0c0c0c0c0c0c0c0", engine.Outbound, nil},
		}
		for _, c := range cases {
			if got := rules(w, c.group, c.d); !slices.Equal(got, c.want) {
				t.Errorf("%s %s = %q, want %q", c.group, c.d, got, c.want)
			}
		}
	})
	t.Run("descriptions kept", func(t *testing.T) {
		g := w.Group("sg-0a0a0a0a0a0a0a0a0")
		if g.Description != "Public web servers" || g.Inbound[0].Description != "HTTPS from anywhere" || g.Inbound[1].Description != "HTTPS over IPv6" {
			t.Errorf("descriptions: %q, %q, %q", g.Description, g.Inbound[0].Description, g.Inbound[1].Description)
		}
		if d := w.Group("sg-0b0b0b0b0b0b0b0b0").Inbound[0].Description; d != "from the ALB" {
			t.Errorf("a group pair's description = %q", d)
		}
	})
	t.Run("every interface a machine", func(t *testing.T) {
		cases := []struct {
			id, name, private, public, ipv6 string
			groups                          []string
		}{
			{"eni-0100000000000000a", "web-1", "10.20.1.10", "54.210.0.10", "2600:1f18:4a2:b101::10", []string{"sg-0a0a0a0a0a0a0a0a0", "sg-01e01e01e01e01e01"}},
			{"eni-0100000000000000b", "web-1-eth1", "10.20.2.10", "", "", []string{"sg-0d0d0d0d0d0d0d0d0"}},
			{"eni-0200000000000000a", "app-1", "10.20.2.20", "", "", []string{"sg-0b0b0b0b0b0b0b0b0"}},
			{"eni-0300000000000000a", "db-1", "10.20.2.30", "", "", []string{"sg-0c0c0c0c0c0c0c0c0"}},
			{"eni-0500000000000000a", "alb-shop-alb", "10.20.1.50", "3.210.0.50", "", []string{"sg-0e0e0e0e0e0e0e0e0"}},
			{"eni-0600000000000000a", "rds", "10.20.2.60", "", "", []string{"sg-0c0c0c0c0c0c0c0c0"}},
			{"eni-0700000000000000a", "lambda-resize-images", "10.20.2.70", "", "", []string{"sg-0f0f0f0f0f0f0f0f0"}},
		}
		if len(w.Instances) != len(cases) {
			t.Errorf("%d machines, want %d", len(w.Instances), len(cases))
		}
		str := func(a netip.Addr) string {
			if !a.IsValid() {
				return ""
			}
			return a.String()
		}
		for _, c := range cases {
			i := w.Instance(c.id)
			if i == nil {
				t.Errorf("no machine %s", c.id)
				continue
			}
			if i.Name != c.name || str(i.PrivateIP) != c.private || str(i.PublicIP) != c.public || str(i.IPv6) != c.ipv6 || !slices.Equal(i.Groups, c.groups) {
				t.Errorf("%s = %s %s %s %s %v, want %s %s %s %s %v", c.id, i.Name, str(i.PrivateIP), str(i.PublicIP), str(i.IPv6), i.Groups,
					c.name, c.private, c.public, c.ipv6, c.groups)
			}
		}
	})
	t.Run("nothing dropped silently", func(t *testing.T) {
		for _, want := range [][]string{
			{"sg-0a0a0a0a0a0a0a0a0", "pl-0a9b8c7d6e5f4a3b2"},
			{"sg-0b0b0b0b0b0b0b0b0", "pl-63a5400a"},
			{"sg-0c0c0c0c0c0c0c0c0", "444455556666", "another AWS account"},
			{"sg-0c0c0c0c0c0c0c0c0", "pcx-0123456789abcdef0", "peered VPC"},
			{"eni-0100000000000000a", "10.20.1.11", "secondary"},
			{"eni-0400000000000000a", "i-0ddd1111eeee2222f", "stopped"},
			{"eni-0800000000000000a", "no security group"},
		} {
			if !warned(res, want...) {
				t.Errorf("no warning with %q in %v", want, res.Warnings)
			}
		}
		yaml := string(res.YAML)
		for _, want := range []string{"# skipped: tcp 22 from prefix list pl-0a9b8c7d6e5f4a3b2", "sg-0f9e8d7c6b5a49382",
			"pcx-0123456789abcdef0", "# secondary private IPs left out: 10.20.1.11", "eni-0400000000000000a", "is stopped",
			"nat-0a1b2c3d4e5f6a7b8", "- id: subnet-01aa02bb03cc04dd0", "- id: acl-0a1a2a3a", "# * (32767): deny all"} {
			if !strings.Contains(yaml, want) {
				t.Errorf("the file has no comment with %q", want)
			}
		}
	})
	t.Run("a group name starting with sg- is renamed and reported", func(t *testing.T) {
		if g := w.Group("sg-01e01e01e01e01e01"); g == nil || g.Name != "group-sg-legacy" {
			t.Fatalf("group = %+v", g)
		}
		if len(res.Renames) != 1 || res.Renames[0].Resource != "sg-01e01e01e01e01e01" || res.Renames[0].From != "sg-legacy" {
			t.Errorf("renames = %+v", res.Renames)
		}
	})
	t.Run("hosts", func(t *testing.T) {
		if h := w.Host("office"); h == nil || h.IP != netip.MustParseAddr("203.0.113.10") {
			t.Errorf("office = %+v", h)
		}
	})
	t.Run("a connection the groups and the network ACL allow connects; one they do not times out", func(t *testing.T) {
		// acl-0a1a2a3a, the default ACL of both subnets, lets only tcp/443
		// in from outside: the groups would let 22 and 3389 in.
		cases := []struct {
			from, to string
			port     int
			want     engine.Reason
		}{
			{"app-1", "db-1", 5432, engine.Allowed},
			{"office", "web-1", 22, engine.ACLInboundBlocked},
			{"office", "web-1", 3389, engine.ACLInboundBlocked},
			{"web-1", "db-1", 5432, engine.ACLInboundBlocked}, // another subnet: the ACL drops it before the groups
			{"office", "alb-shop-alb", 443, engine.Allowed},
		}
		for _, c := range cases {
			r := engine.Evaluate(w, engine.Connection{From: c.from, To: c.to, Protocol: engine.ProtoTCP, Port: c.port})
			if r.Reason != c.want {
				t.Errorf("%s → %s:%d = %s (%s), want %s", c.from, c.to, c.port, r.Outcome, r.Reason, c.want)
			}
		}
	})
	t.Run("subnets and network ACLs", func(t *testing.T) {
		a := w.NetworkACL("acl-0a1a2a3a")
		if a == nil || a.Name != "default" || a.VPC != "vpc-0a1b2c3d4e5f60718" {
			t.Fatalf("acl = %+v", a)
		}
		want := []engine.ACLEntry{
			{Rule: 90, Action: engine.Deny, Protocol: engine.ProtoAll, CIDR: netip.MustParsePrefix("198.51.100.7/32")},
			{Rule: 100, Action: engine.Allow, Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: 443, Hi: 443}, CIDR: netip.MustParsePrefix("0.0.0.0/0")},
		}
		if !slices.Equal(a.Sorted(engine.Inbound), want) || len(a.Outbound) != 1 {
			t.Errorf("entries: in %v, out %v", a.Inbound, a.Outbound)
		}
		s := w.Subnet("subnet-01aa02bb03cc04dd0")
		if s == nil || s.Name != "public-a" || w.ACLOf(s.VPC, s) != a {
			t.Errorf("subnet = %+v", s)
		}
	})
	t.Run("header", func(t *testing.T) {
		if !strings.HasPrefix(string(res.YAML), "# Written by `sglab import` from AWS CLI output:\n#   testdata/account/instances.json (describe-instances)\n") {
			t.Errorf("header:\n%s", res.YAML[:300])
		}
	})
}

// TestFilesKnownByKey: names say nothing; the top-level key decides.
func TestFilesKnownByKey(t *testing.T) {
	ref := readDir(t, "testdata/account")
	renamed := slices.Clone(ref)
	for k := range renamed {
		renamed[k].Name = "dump-" + string(rune('a'+len(renamed)-k)) + ".txt"
	}
	slices.Reverse(renamed)
	a, _ := load(t, ref, Options{})
	b, _ := load(t, renamed, Options{})
	if string(engine.Marshal(a)) != string(engine.Marshal(b)) {
		t.Errorf("the same files under other names and in another order give another world")
	}
}

// TestBatfishLayout: aws_configs/<region>/ names the VPCs' region.
func TestBatfishLayout(t *testing.T) {
	dir := t.TempDir()
	region := filepath.Join(dir, "snapshot", "aws_configs", "eu-west-1")
	if err := os.MkdirAll(region, 0o755); err != nil {
		t.Fatal(err)
	}
	for src, dst := range map[string]string{"security-groups.json": "SecurityGroups.json", "instances.json": "Reservations.json",
		"network-interfaces.json": "NetworkInterfaces.json", "vpcs.json": "Vpcs.json", "subnets.json": "Subnets.json", "network-acls.json": "NetworkAcls.json"} {
		data, err := os.ReadFile(filepath.Join("testdata/account", src))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(region, dst), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(region, "RouteTables.json"), []byte(`{"RouteTables": []}`), 0o644)
	os.WriteFile(filepath.Join(dir, "snapshot", "batfish.json"), []byte(`{"snapshot": "x"}`), 0o644)
	w, res := load(t, readDir(t, filepath.Join(dir, "snapshot")), Options{Region: "ap-south-1"})
	if r := w.RegionOf(w.VPC("vpc-0a1b2c3d4e5f60718")); r != "eu-west-1" {
		t.Errorf("region = %s, want eu-west-1 from the folder", r)
	}
	if !warned(res, "RouteTables.json", "route tables") || !warned(res, "batfish.json", "skipped") {
		t.Errorf("warnings = %v", res.Warnings)
	}
}

// TestRegionFromZone: without a snapshot folder, the zone tells.
func TestRegionFromZone(t *testing.T) {
	in := []Input{{Name: "enis.json", Data: []byte(`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "VpcId": "vpc-1",
		"AvailabilityZone": "us-west-2-lax-1a", "PrivateIpAddress": "10.0.0.5", "Groups": [{"GroupId": "sg-1"}]}]}`)},
		{Name: "sgs.json", Data: []byte(`{"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "a", "VpcId": "vpc-1", "IpPermissions": [], "IpPermissionsEgress": []}]}`)}}
	w, res := load(t, in, Options{})
	if r := w.RegionOf(w.VPC("vpc-1")); r != "us-west-2" {
		t.Errorf("region = %q, want us-west-2", r)
	}
	if v := w.VPC("vpc-1"); v.CIDR != mustPrefix("10.0.0.0/16") || !warned(res, "vpc-1", "does not describe") {
		t.Errorf("an undescribed VPC: %v, %v", v.CIDR, res.Warnings)
	}
}

func TestProtoPorts(t *testing.T) {
	n := func(v int) *int { return &v }
	cases := []struct {
		proto    string
		from, to *int
		want     string // protocol and ports as the format writes them, or "error"
	}{
		{"tcp", n(22), n(22), "tcp 22"},
		{"tcp", n(0), n(65535), "tcp all"},
		{"tcp", nil, nil, "tcp all"},
		{"udp", n(-1), n(-1), "udp all"},
		{"tcp", n(1024), n(65535), "tcp 1024-65535"},
		{"6", n(80), n(80), "tcp 80"},
		{"17", n(53), n(53), "udp 53"},
		{"-1", nil, nil, "all "},
		{"-1", n(-1), n(-1), "all "},
		{"icmp", n(-1), n(-1), "icmp all"},
		{"icmp", nil, nil, "icmp all"},
		{"icmp", n(8), n(-1), "icmp 8"},
		{"icmp", n(3), n(4), "icmp 3/4"},
		{"1", n(0), n(0), "icmp 0/0"},
		{"icmpv6", n(128), n(-1), "icmpv6 128"},
		{"58", n(-1), n(-1), "icmpv6 all"},
		{"50", nil, nil, "50 "},
		{"47", n(-1), n(-1), "47 "},
		{"tcp", n(80), n(22), "error"},
		{"tcp", n(-5), n(22), "error"},
		{"tcp", n(1), n(70000), "error"},
		{"icmp", n(300), n(0), "error"},
		{"", nil, nil, "error"},
		{"sctp", nil, nil, "error"},
		{"256", nil, nil, "error"},
	}
	for _, c := range cases {
		p, r, err := protoPorts(permission{IPProtocol: c.proto, FromPort: c.from, ToPort: c.to})
		got := "error"
		if err == nil {
			got = p.String() + " "
			if p.HasPorts() || p.IsICMP() {
				got += r.Format(p)
			}
		}
		if got != c.want {
			t.Errorf("%q %v %v = %q, want %q", c.proto, deref(c.from), deref(c.to), got, c.want)
		}
	}
}

func deref(p *int) any {
	if p == nil {
		return "absent"
	}
	return *p
}

// TestSecurityGroupRulesForm: describe-security-group-rules gives the
// same rules as the IpPermissions of describe-security-groups.
func TestSecurityGroupRulesForm(t *testing.T) {
	groups := `{"SecurityGroups": [
	  {"GroupId": "sg-aa", "GroupName": "web", "Description": "w", "VpcId": "vpc-1", "OwnerId": "1"},
	  {"GroupId": "sg-bb", "GroupName": "db", "Description": "d", "VpcId": "vpc-1", "OwnerId": "1"}]}`
	sgr := `{"SecurityGroupRules": [
	  {"SecurityGroupRuleId": "sgr-1", "GroupId": "sg-aa", "GroupOwnerId": "1", "IsEgress": false, "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIpv4": "0.0.0.0/0", "Description": "https"},
	  {"SecurityGroupRuleId": "sgr-2", "GroupId": "sg-aa", "GroupOwnerId": "1", "IsEgress": false, "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIpv6": "::/0"},
	  {"SecurityGroupRuleId": "sgr-3", "GroupId": "sg-aa", "GroupOwnerId": "1", "IsEgress": false, "IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "CidrIpv4": "10.0.0.0/8"},
	  {"SecurityGroupRuleId": "sgr-4", "GroupId": "sg-aa", "GroupOwnerId": "1", "IsEgress": true, "IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "CidrIpv4": "0.0.0.0/0"},
	  {"SecurityGroupRuleId": "sgr-5", "GroupId": "sg-bb", "GroupOwnerId": "1", "IsEgress": false, "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
	   "ReferencedGroupInfo": {"GroupId": "sg-aa", "UserId": "1"}, "Description": "from web"},
	  {"SecurityGroupRuleId": "sgr-6", "GroupId": "sg-bb", "GroupOwnerId": "1", "IsEgress": false, "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "PrefixListId": "pl-1"},
	  {"SecurityGroupRuleId": "sgr-7", "GroupId": "sg-cc", "GroupOwnerId": "1", "IsEgress": false, "IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "CidrIpv4": "10.0.0.0/16"}]}`
	enis := `{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "VpcId": "vpc-1", "PrivateIpAddress": "10.0.0.5", "Groups": [{"GroupId": "sg-cc"}]}]}`
	vpcs := `{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "OwnerId": "1"}]}`
	w, res := load(t, []Input{{Name: "a", Data: []byte(groups)}, {Name: "b", Data: []byte(sgr)}, {Name: "c", Data: []byte(enis)}, {Name: "d", Data: []byte(vpcs)}}, Options{})
	if got, want := rules(w, "sg-aa", engine.Inbound), []string{"tcp 443 0.0.0.0/0", "tcp 443 ::/0", "icmp all 10.0.0.0/8"}; !slices.Equal(got, want) {
		t.Errorf("sg-aa inbound = %q, want %q", got, want)
	}
	if got, want := rules(w, "sg-aa", engine.Outbound), []string{"all 0.0.0.0/0"}; !slices.Equal(got, want) {
		t.Errorf("sg-aa outbound = %q, want %q", got, want)
	}
	if got, want := rules(w, "sg-bb", engine.Inbound), []string{"tcp 5432 sg-aa"}; !slices.Equal(got, want) {
		t.Errorf("sg-bb inbound = %q, want %q", got, want)
	}
	if w.Group("sg-aa").Inbound[0].Description != "https" || w.Group("sg-bb").Inbound[0].Description != "from web" {
		t.Errorf("descriptions lost")
	}
	// A group only the rules describe takes its VPC from where it is used.
	if g := w.Group("sg-cc"); g == nil || g.VPC != "vpc-1" || !warned(res, "sg-cc", "name and description are unknown") {
		t.Errorf("sg-cc = %+v, %v", g, res.Warnings)
	}
	if !warned(res, "sg-bb", "pl-1") {
		t.Errorf("prefix list not reported: %v", res.Warnings)
	}
}

// TestNamesMapped: what the format refuses in a name is mapped the same
// way every time, reported, and loads.
func TestNamesMapped(t *testing.T) {
	sgs := `{"SecurityGroups": [
	  {"GroupId": "sg-01", "GroupName": "SG-upper", "VpcId": "vpc-1"},
	  {"GroupId": "sg-02", "GroupName": "10.0.0.5", "VpcId": "vpc-1"},
	  {"GroupId": "sg-03", "GroupName": "self", "VpcId": "vpc-1"},
	  {"GroupId": "sg-04", "GroupName": "evil\u001b]0;pwned\u0007name", "VpcId": "vpc-1", "Description": "line\nbreak"},
	  {"GroupId": "sg-05", "GroupName": "group-sg-06", "VpcId": "vpc-1"},
	  {"GroupId": "sg-06", "GroupName": "sg-06", "VpcId": "vpc-1"},
	  {"GroupId": "sg-07", "GroupName": "default", "VpcId": "vpc-1"},
	  {"GroupId": "sg-08", "GroupName": "2001:db8::/32", "VpcId": "vpc-1"},
	  {"GroupId": "sg-09", "GroupName": "  ", "VpcId": "vpc-1"}]}`
	enis := `{"NetworkInterfaces": [
	  {"NetworkInterfaceId": "eni-1", "VpcId": "vpc-1", "PrivateIpAddress": "10.0.0.11", "Groups": [{"GroupId": "sg-01"}], "TagSet": [{"Key": "Name", "Value": "web"}]},
	  {"NetworkInterfaceId": "eni-2", "VpcId": "vpc-1", "PrivateIpAddress": "10.0.0.12", "Groups": [{"GroupId": "sg-01"}], "TagSet": [{"Key": "Name", "Value": "web"}]},
	  {"NetworkInterfaceId": "eni-3", "VpcId": "vpc-1", "PrivateIpAddress": "10.0.0.13", "Groups": [{"GroupId": "sg-01"}], "TagSet": [{"Key": "Name", "Value": "web"}]},
	  {"NetworkInterfaceId": "eni-4", "VpcId": "vpc-1", "PrivateIpAddress": "10.0.0.14", "Groups": [{"GroupId": "sg-01"}], "TagSet": [{"Key": "Name", "Value": "eni-1"}]},
	  {"NetworkInterfaceId": "eni-5", "VpcId": "vpc-1", "PrivateIpAddress": "10.0.0.15", "Groups": [{"GroupId": "sg-01"}], "TagSet": [{"Key": "Name", "Value": "10.0.0.99"}]},
	  {"NetworkInterfaceId": "eni-6", "VpcId": "vpc-1", "PrivateIpAddress": "10.0.0.16", "Groups": [{"GroupId": "sg-01"}], "TagSet": [{"Key": "Name", "Value": "bell\u0007"}]}]}`
	vpcs := `{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}`
	in := []Input{{Name: "a", Data: []byte(sgs)}, {Name: "b", Data: []byte(enis)}, {Name: "c", Data: []byte(vpcs)}}
	w, res := load(t, in, Options{})
	groups := map[string]string{"sg-01": "group-SG-upper", "sg-02": "group-10.0.0.5", "sg-03": "group-self", "sg-04": "evil_]0;pwned_name",
		"sg-05": "group-sg-06", "sg-06": "group-sg-06-2", "sg-07": "default", "sg-08": "group-2001:db8::/32", "sg-09": ""}
	for id, want := range groups {
		if g := w.Group(id); g == nil || g.Name != want {
			t.Errorf("%s named %q, want %q", id, g.Name, want)
		}
	}
	machines := map[string]string{"eni-1": "web", "eni-2": "web-2", "eni-3": "web-3", "eni-4": "eni-1-4", "eni-5": "machine-10.0.0.99", "eni-6": "bell_"}
	for id, want := range machines {
		if i := w.Instance(id); i == nil || i.Name != want {
			t.Errorf("%s named %q, want %q", id, i.Name, want)
		}
	}
	if len(res.Renames) != 12 {
		t.Errorf("%d renames reported, want 12: %+v", len(res.Renames), res.Renames)
	}
	if strings.ContainsAny(string(res.YAML), "\x1b\x07") {
		t.Errorf("a control character reached the file")
	}
	if d := w.Group("sg-04").Description; d != "line_break" {
		t.Errorf("description = %q", d)
	}
	// Deterministic: the same input, the same file.
	res2, _ := Import(in, Options{})
	if string(res.YAML) != string(res2.YAML) {
		t.Errorf("two imports of one input differ")
	}
}

// TestOverlappingVPCs: the default VPCs of two regions share 172.31.0.0/16;
// the format has one address space, so the second machine on an address is
// left out with a warning.
func TestOverlappingVPCs(t *testing.T) {
	in := []Input{{Name: "us/vpcs.json", Region: "us-east-1", Data: []byte(`{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "172.31.0.0/16"}],
		"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "default", "VpcId": "vpc-1"}],
		"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "VpcId": "vpc-1", "PrivateIpAddress": "172.31.0.10", "Groups": [{"GroupId": "sg-1"}]}]}`)},
		{Name: "eu/vpcs.json", Region: "eu-west-1", Data: []byte(`{"Vpcs": [{"VpcId": "vpc-2", "CidrBlock": "172.31.0.0/16"}],
		"SecurityGroups": [{"GroupId": "sg-2", "GroupName": "default", "VpcId": "vpc-2"}],
		"NetworkInterfaces": [{"NetworkInterfaceId": "eni-2", "VpcId": "vpc-2", "PrivateIpAddress": "172.31.0.10", "Groups": [{"GroupId": "sg-2"}]}]}`)}}
	w, res := load(t, in, Options{})
	if w.Instance("eni-1") == nil || w.Instance("eni-2") != nil || !warned(res, "eni-2", "also eni-1's") {
		t.Errorf("machines %v, warnings %v", len(w.Instances), res.Warnings)
	}
	if w.RegionOf(w.VPC("vpc-2")) != "eu-west-1" {
		t.Errorf("region of vpc-2 = %s", w.RegionOf(w.VPC("vpc-2")))
	}
}

func TestBadInput(t *testing.T) {
	cases := []struct {
		name, data, want string
	}{
		{"broken.json", "{\n  \"SecurityGroups\": [\n    {\"GroupId\": \"sg-1\",,}\n", "broken.json:3:"},
		{"array.json", `[1, 2]`, "not an object"},
		{"null.json", `null`, "null"},
		{"other.json", `{"Foo": []}`, "not AWS CLI output"},
		{"type.json", `{"SecurityGroups": [{"GroupId": 7}]}`, "SecurityGroups.GroupId is a JSON number where AWS writes a string"},
		{"ports.json", `{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"FromPort": "22"}]}]}`, "a whole number"},
	}
	for _, c := range cases {
		_, err := Import([]Input{{Name: c.name, Data: []byte(c.data)}}, Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	// In a directory, a file that is not AWS output is skipped, not fatal.
	_, err := Import([]Input{{Name: "d/other.json", Data: []byte(`{"Foo": []}`), InDir: true}}, Options{})
	if err == nil || !strings.Contains(err.Error(), "none of the files") {
		t.Errorf("a directory of nothing: %v", err)
	}
}

func TestHosts(t *testing.T) {
	in := readDir(t, "testdata/account")
	for _, c := range []struct {
		host Host
		want string
	}{
		{Host{Name: "db-1", IP: netip.MustParseAddr("198.51.100.1")}, "already has that name"},
		{Host{Name: "inside", IP: netip.MustParseAddr("10.20.9.9")}, "inside vpc-0a1b2c3d4e5f60718"},
		{Host{Name: "1.2.3.4", IP: netip.MustParseAddr("198.51.100.1")}, "reads as an address"},
		{Host{Name: "", IP: netip.MustParseAddr("198.51.100.1")}, "with a name"},
	} {
		if _, err := Import(in, Options{Hosts: []Host{c.host}}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.host, err, c.want)
		}
	}
	w, _ := load(t, in, Options{Hosts: []Host{{Name: "home", IP: netip.MustParseAddr("2001:db8::7")}}})
	if h := w.Host("home"); h == nil || !h.IP.Is6() {
		t.Errorf("an IPv6 host: %+v", h)
	}
}

// TestQuotasRaised: an account that raised its quotas still loads.
func TestQuotasRaised(t *testing.T) {
	var perms []string
	for k := range 70 {
		perms = append(perms, `{"IpProtocol": "tcp", "FromPort": `+itoa(1000+k)+`, "ToPort": `+itoa(1000+k)+`, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}`)
	}
	var groups []string
	for k := range 7 {
		groups = append(groups, `{"GroupId": "sg-`+itoa(k)+`", "GroupName": "g`+itoa(k)+`", "VpcId": "vpc-1", "IpPermissions": [`+strings.Join(perms, ",")+`]}`)
	}
	data := `{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}], "SecurityGroups": [` + strings.Join(groups, ",") + `],
	  "NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "VpcId": "vpc-1", "PrivateIpAddress": "10.0.0.5",
	  "Groups": [{"GroupId": "sg-0"}, {"GroupId": "sg-1"}, {"GroupId": "sg-2"}, {"GroupId": "sg-3"}, {"GroupId": "sg-4"}, {"GroupId": "sg-5"}, {"GroupId": "sg-6"}]}]}`
	w, _ := load(t, []Input{{Name: "a", Data: []byte(data)}}, Options{})
	if w.Quotas.RulesPerDirection != 70 || w.Quotas.GroupsPerInstance != 7 {
		t.Errorf("quotas = %+v", w.Quotas)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestImportNetworkACLEdgeCases: subnets and ACLs the format refuses as
// AWS describes them are left out or trimmed, each with a warning, and
// the file still loads.
func TestImportNetworkACLEdgeCases(t *testing.T) {
	data, err := os.ReadFile("testdata/acl-edge-cases.json")
	if err != nil {
		t.Fatal(err)
	}
	w, res := load(t, []Input{{Name: "acl-edge-cases.json", Data: data}}, Options{})
	for _, want := range [][]string{
		{"acl-1", "rule 100 skipped", "second entry"},
		{"acl-1", "rule 0 skipped"},
		{"acl-2", "second default network ACL"},
		{"acl-2", "Name tag \"default\" left out"},
		{"acl-3", "rule 5 skipped", "\"maybe\""},
		{"subnet-2", "overlaps subnet-1"},
		{"subnet-3", "outside VPC vpc-1"},
		{"eni-2", "in no subnet"},
	} {
		if !warned(res, want...) {
			t.Errorf("no warning with %q in %v", want, res.Warnings)
		}
	}
	if w.Subnet("subnet-2") != nil || w.Subnet("subnet-3") != nil || w.Instance("eni-2") != nil {
		t.Error("a refused subnet or machine was written")
	}
	a := w.NetworkACL("acl-1")
	if a == nil || a.Name != "default" || len(a.Inbound) != 1 || len(a.Outbound) != 1 {
		t.Fatalf("acl-1 = %+v", a)
	}
	if s := w.Subnet("subnet-4"); s == nil || s.NetworkACL != "acl-2" || s.Name != "default" {
		t.Errorf("subnet-4 = %+v", s)
	}
	// eni-1 is in subnet-1, which acl-1 guards: only tcp/443 gets in.
	if r := engine.Evaluate(w, engine.Connection{From: "203.0.113.9", To: "10.0.1.5", Protocol: engine.ProtoTCP, Port: 22}); r.Reason != engine.Unreachable {
		t.Errorf("outside to a private address: %s", r.Reason)
	}
}
