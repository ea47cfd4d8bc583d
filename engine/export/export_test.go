package export

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/engine/awsjson"
)

// design is a lab design with every kind of rule: CIDRs of both families,
// icmp type and code, all traffic, another protocol number, references in
// both directions and to self, a group with no outbound rule, one with
// AWS's default, one with something else, a changed default group, and
// text that needs escaping in every format.
const design = `version: 1
name: Three tiers
vpcs:
  - { id: vpc-main, cidr: 10.0.0.0/16, ipv6_cidr: "2600:1f18::/56" }
  - { id: vpc-lab, cidr: 10.1.0.0/16 }
security_groups:
  - id: sg-d
    name: default
    vpc: vpc-main
    inbound:
      - { protocol: tcp, ports: 22, source: 10.0.0.0/16 }
  - id: sg-web
    name: web
    vpc: vpc-main
    description: "Web servers: \"quoted\", it's ${x} %{y}"
    inbound:
      - { protocol: tcp, ports: 443, source: 0.0.0.0/0, description: "HTTPS, it's \"open\" ${x}" }
      - { protocol: tcp, ports: 443, source: "::/0" }
      - { protocol: icmp, ports: "3/4", source: 0.0.0.0/0 }
      - { protocol: icmpv6, source: "2600:1f18::/56" }
      - { protocol: udp, ports: 1024-65535, source: 10.0.0.0/8 }
  - id: sg-app
    name: app
    vpc: vpc-main
    inbound:
      - { protocol: tcp, ports: 8080, source: web, description: from the web tier }
      - { protocol: 50, source: 198.51.100.0/24 }
    outbound:
      - { protocol: tcp, ports: 5432, destination: sg-db }
      - { protocol: all, destination: 0.0.0.0/0 }
  - id: sg-db
    name: db
    vpc: vpc-main
    inbound:
      - { protocol: tcp, ports: 5432, source: app }
      - { protocol: all, source: self }
      - { protocol: tcp, ports: 22, source: default }
    outbound: []
  - id: sg-lab
    vpc: vpc-lab
    inbound:
      - { protocol: tcp, ports: all, source: 203.0.113.0/24 }
`

func mustLoad(t testing.TB, src string) *engine.World {
	t.Helper()
	w, ds := engine.Parse("design.yaml", []byte(src))
	if w == nil {
		t.Fatalf("design does not load:\n%s", ds.Error())
	}
	return w
}

func write(t *testing.T, w *engine.World, f Format) string {
	t.Helper()
	out, err := Write(w, f, w.Name)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// ruleSet lists what a world's groups allow, one "group direction proto
// ports peer" per rule, peers by group name, sorted.
func ruleSet(w *engine.World, skipDefault bool) []string {
	var out []string
	for _, g := range w.Groups {
		if skipDefault && g.Name == engine.DefaultGroupName {
			continue
		}
		for _, d := range []engine.Direction{engine.Inbound, engine.Outbound} {
			for _, r := range g.Rules(d) {
				s := r.Protocol.String()
				if r.Protocol.HasPorts() || r.Protocol.IsICMP() {
					s += " " + r.Ports.Format(r.Protocol)
				}
				peer := r.Peer.String()
				if r.Peer.IsGroup() {
					peer = w.Group(r.Peer.Group).Label()
				}
				out = append(out, fmt.Sprintf("%s %s %s %s", g.Label(), d, s, peer))
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestTerraform parses the output with HCL and checks every resource:
// rule resources only (no inline blocks), references as references, the
// default egress written out, and the rules exactly the design's.
func TestTerraform(t *testing.T) {
	w := mustLoad(t, design)
	src := write(t, w, Terraform)
	file, diags := hclsyntax.ParseConfig([]byte(src), "main.tf", hcl.Pos{Line: 1, Column: 1})
	if diags.HasErrors() {
		t.Fatalf("not HCL: %s\n%s", diags.Error(), src)
	}
	body := file.Body.(*hclsyntax.Body)
	names := map[string]string{} // resource address -> group name
	var got []string
	type ruleBlock struct {
		kind  string
		attrs map[string]string
	}
	var rules []ruleBlock
	expr := func(e hclsyntax.Expression) string {
		if v, d := e.Value(nil); !d.HasErrors() {
			if v.Type().FriendlyName() == "string" {
				return v.AsString()
			}
			bf := v.AsBigFloat()
			n, _ := bf.Int64()
			return fmt.Sprint(n)
		}
		var parts []string
		for _, tr := range e.Variables() {
			for _, step := range tr {
				switch s := step.(type) {
				case hcl.TraverseRoot:
					parts = append(parts, s.Name)
				case hcl.TraverseAttr:
					parts = append(parts, s.Name)
				}
			}
		}
		return strings.Join(parts, ".")
	}
	for _, b := range body.Blocks {
		if len(b.Body.Blocks) > 0 {
			t.Errorf("%s %v has inline blocks", b.Type, b.Labels)
		}
		attrs := map[string]string{}
		for name, a := range b.Body.Attributes {
			attrs[name] = expr(a.Expr)
		}
		switch {
		case b.Type == "resource" && b.Labels[0] == "aws_security_group":
			names["aws_security_group."+b.Labels[1]+".id"] = attrs["name"]
			if !strings.HasPrefix(attrs["vpc_id"], "var.") {
				t.Errorf("vpc_id = %q, want a variable", attrs["vpc_id"])
			}
		case b.Type == "data" && b.Labels[0] == "aws_security_group":
			names["data.aws_security_group."+b.Labels[1]+".id"] = attrs["name"]
		case b.Type == "resource" && (b.Labels[0] == "aws_vpc_security_group_ingress_rule" || b.Labels[0] == "aws_vpc_security_group_egress_rule"):
			rules = append(rules, ruleBlock{b.Labels[0], attrs})
		case b.Type == "variable":
		default:
			t.Errorf("unexpected block %s %v", b.Type, b.Labels)
		}
	}
	for _, r := range rules {
		d := "inbound"
		if strings.Contains(r.kind, "egress") {
			d = "outbound"
		}
		proto := r.attrs["ip_protocol"]
		p, err := engine.ParseProtocol(proto)
		if err != nil {
			t.Fatalf("ip_protocol %q", proto)
		}
		s := p.String()
		switch {
		case p.HasPorts():
			s += " " + engine.PortRange{Lo: atoi(r.attrs["from_port"]), Hi: atoi(r.attrs["to_port"])}.Format(p)
		case p.IsICMP():
			s += " " + engine.PortRange{Lo: atoi(r.attrs["from_port"]), Hi: atoi(r.attrs["to_port"])}.Format(p)
		}
		peer := r.attrs["cidr_ipv4"] + r.attrs["cidr_ipv6"]
		if ref := r.attrs["referenced_security_group_id"]; ref != "" {
			peer = names[ref]
			if peer == "" {
				t.Errorf("reference %q is to no group of the file", ref)
			}
		}
		group := names[r.attrs["security_group_id"]]
		got = append(got, fmt.Sprintf("%s %s %s %s", group, d, s, peer))
	}
	// The default group keeps AWS's rules; only the one added is written.
	var want []string
	for _, s := range ruleSet(w, false) {
		if !strings.HasPrefix(s, "default ") || s == "default inbound tcp 22 10.0.0.0/16" {
			want = append(want, strings.Replace(s, "sg-lab", "lab", 1))
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Terraform rules:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(src, `"HTTPS, it's \"open\" $${x}"`) {
		t.Errorf("a description is not escaped for HCL")
	}
}

func atoi(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}

// TestCloudFormation parses the template as YAML and checks its resource
// types and references.
func TestCloudFormation(t *testing.T) {
	w := mustLoad(t, design)
	src := write(t, w, CloudFormation)
	var tpl struct {
		AWSTemplateFormatVersion string `yaml:"AWSTemplateFormatVersion"`
		Parameters               map[string]struct {
			Type string `yaml:"Type"`
		} `yaml:"Parameters"`
		Resources map[string]struct {
			Type       string         `yaml:"Type"`
			Properties map[string]any `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal([]byte(src), &tpl); err != nil {
		t.Fatalf("not YAML: %v\n%s", err, src)
	}
	if tpl.AWSTemplateFormatVersion != "2010-09-09" {
		t.Errorf("version = %q", tpl.AWSTemplateFormatVersion)
	}
	count := map[string]int{}
	for id, r := range tpl.Resources {
		count[r.Type]++
		for _, key := range []string{"GroupId", "SourceSecurityGroupId", "DestinationSecurityGroupId", "VpcId"} {
			v, ok := r.Properties[key]
			if !ok {
				continue
			}
			m, _ := v.(map[string]any)
			if ref, ok := m["Ref"].(string); ok {
				if _, ok := tpl.Parameters[ref]; !ok {
					t.Errorf("%s.%s refers to %q, no parameter", id, key, ref)
				}
			} else if att, ok := m["Fn::GetAtt"].([]any); ok {
				if _, ok := tpl.Resources[att[0].(string)]; !ok || att[1] != "GroupId" {
					t.Errorf("%s.%s = %v", id, key, att)
				}
			} else {
				t.Errorf("%s.%s = %v, want Ref or Fn::GetAtt", id, key, v)
			}
		}
	}
	// 4 groups; ingress: web 5, app 2, db 3, lab 1, default 1; egress:
	// app 2 (its all-traffic rule is not AWS's whole default, so both are
	// written), web none (AWS adds its default), db none, lab none.
	want := map[string]int{"AWS::EC2::SecurityGroup": 4, "AWS::EC2::SecurityGroupIngress": 12, "AWS::EC2::SecurityGroupEgress": 2}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%d %s, want %d (%v)", count[k], k, n, count)
		}
	}
	if tpl.Parameters["VpcMain"].Type != "AWS::EC2::VPC::Id" || tpl.Parameters["VpcMainDefaultGroup"].Type != "AWS::EC2::SecurityGroup::Id" {
		t.Errorf("parameters = %+v", tpl.Parameters)
	}
	// db has no outbound rule: an embedded rule that matches nothing keeps
	// AWS from adding allow-all.
	if eg, ok := tpl.Resources["SgDb"].Properties["SecurityGroupEgress"].([]any); !ok || len(eg) != 1 {
		t.Errorf("db's embedded egress = %v", tpl.Resources["SgDb"].Properties["SecurityGroupEgress"])
	}
	if _, ok := tpl.Resources["SgWeb"].Properties["SecurityGroupEgress"]; ok {
		t.Errorf("web keeps AWS's default egress; it needs no embedded rule")
	}
}

var (
	createLine    = regexp.MustCompile(`^(SG_\w+)=\$\(aws ec2 create-security-group --vpc-id "\$\w+" --group-name '((?:[^']|'\\'')*)'`)
	defaultLine   = regexp.MustCompile(`^(SG_\w+)=\$\(aws ec2 describe-security-groups`)
	permLine      = regexp.MustCompile(`^aws ec2 (authorize|revoke)-security-group-(ingress|egress) --group-id "\$(SG_\w+)" --ip-permissions (.*)$`)
	shellVariable = regexp.MustCompile(`'"\$(SG_\w+)"'`)
)

// TestCLIRoundTrip runs the script's steps on paper: each group starts as
// AWS creates it (default egress included), each --ip-permissions JSON is
// authorized or revoked, and the result is imported back with awsjson.
// The rules must be the design's.
func TestCLIRoundTrip(t *testing.T) {
	w := mustLoad(t, design)
	src := write(t, w, CLI)
	if !strings.HasPrefix(src, "#!/usr/bin/env bash\n") || !strings.Contains(src, "set -euo pipefail") {
		t.Errorf("not a bash script:\n%s", src)
	}
	type group struct {
		id, name, vpc string
		in, out       []json.RawMessage
	}
	byVar := map[string]*group{}
	var order []string
	for _, line := range strings.Split(src, "\n") {
		if m := createLine.FindStringSubmatch(line); m != nil {
			name := strings.ReplaceAll(m[2], `'\''`, `'`)
			g := w.FindGroup("", "")
			for _, x := range w.Groups {
				if x.Name == name || strings.TrimPrefix(x.ID, "sg-") == name {
					g = x
				}
			}
			gr := &group{id: g.ID, name: g.Name, vpc: g.VPC}
			// AWS's default egress, which create-security-group adds.
			for _, r := range engine.DefaultOutbound(w.VPC(g.VPC)) {
				gr.out = append(gr.out, permJSON(r))
			}
			byVar[m[1]] = gr
			order = append(order, m[1])
			continue
		}
		if m := defaultLine.FindStringSubmatch(line); m != nil {
			g := w.Group("sg-d")
			gr := &group{id: g.ID, name: g.Name, vpc: g.VPC,
				in: []json.RawMessage{json.RawMessage(`{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-d"}]}`)}}
			for _, r := range engine.DefaultOutbound(w.VPC(g.VPC)) {
				gr.out = append(gr.out, permJSON(r))
			}
			byVar[m[1]] = gr
			order = append(order, m[1])
			continue
		}
		m := permLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		arg := shellVariable.ReplaceAllStringFunc(m[4], func(s string) string {
			return byVar[shellVariable.FindStringSubmatch(s)[1]].id
		})
		if !strings.HasPrefix(arg, "'") || !strings.HasSuffix(arg, "'") {
			t.Fatalf("--ip-permissions not one quoted word: %s", arg)
		}
		arg = strings.ReplaceAll(arg[1:len(arg)-1], `'\''`, `'`)
		var perms []json.RawMessage
		if err := json.Unmarshal([]byte(arg), &perms); err != nil || len(perms) != 1 {
			t.Fatalf("--ip-permissions %s: %v", arg, err)
		}
		g := byVar[m[3]]
		list := &g.in
		if m[2] == "egress" {
			list = &g.out
		}
		if m[1] == "authorize" {
			*list = append(*list, perms[0])
			continue
		}
		before := len(*list)
		*list = slices.DeleteFunc(*list, func(p json.RawMessage) bool { return sameJSON(p, perms[0]) })
		if len(*list) != before-1 {
			t.Errorf("revoke of a rule the group does not have: %s", perms[0])
		}
	}
	// The account, as describe-security-groups would print it.
	type sg struct {
		GroupID             string            `json:"GroupId"`
		GroupName           string            `json:"GroupName"`
		VpcID               string            `json:"VpcId"`
		IPPermissions       []json.RawMessage `json:"IpPermissions"`
		IPPermissionsEgress []json.RawMessage `json:"IpPermissionsEgress"`
	}
	var doc struct {
		SecurityGroups []sg
		Vpcs           []map[string]any
	}
	for _, v := range order {
		g := byVar[v]
		doc.SecurityGroups = append(doc.SecurityGroups, sg{g.id, g.name, g.vpc, g.in, g.out})
	}
	for _, v := range w.VPCs {
		vpc := map[string]any{"VpcId": v.ID, "CidrBlock": v.CIDR.String()}
		if v.IPv6CIDR.IsValid() {
			vpc["Ipv6CidrBlockAssociationSet"] = []any{map[string]any{"Ipv6CidrBlock": v.IPv6CIDR.String()}}
		}
		doc.Vpcs = append(doc.Vpcs, vpc)
	}
	data, _ := json.Marshal(doc)
	res, err := awsjson.Import([]awsjson.Input{{Name: "reimport.json", Data: data}}, awsjson.Options{})
	if err != nil {
		t.Fatal(err)
	}
	back, ds := engine.Parse("reimport.yaml", res.YAML)
	if back == nil {
		t.Fatalf("the re-import does not load: %s\n%s", ds.Error(), res.YAML)
	}
	got, want := ruleSet(back, false), ruleSet(w, false)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("after the round trip:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Descriptions survive too.
	if d := back.Group("sg-web").Inbound[0].Description; d != `HTTPS, it's "open" ${x}` {
		t.Errorf("description = %q", d)
	}
}

// permJSON is a rule as an IpPermissions entry, for the groups' starting
// rules.
func permJSON(r engine.Rule) json.RawMessage {
	p := map[string]any{"IpProtocol": ipProtocol(r.Protocol)}
	if r.Peer.CIDR.Addr().Is4() {
		p["IpRanges"] = []any{map[string]any{"CidrIp": r.Peer.CIDR.String()}}
	} else {
		p["Ipv6Ranges"] = []any{map[string]any{"CidrIpv6": r.Peer.CIDR.String()}}
	}
	b, _ := json.Marshal(p)
	return b
}

func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	json.Unmarshal(a, &x)
	json.Unmarshal(b, &y)
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

func TestUnknownFormat(t *testing.T) {
	if _, err := Write(mustLoad(t, design), "pulumi", "x"); err == nil {
		t.Errorf("an unknown format is accepted")
	}
}
