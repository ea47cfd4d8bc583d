package export

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/engine/awsjson"
)

// aclDesign has a custom ACL with entries of every kind (both families,
// icmp type and code, all traffic, another protocol number) guarding two
// subnets, a subnet on its VPC's default ACL, and another VPC whose
// declared default ACL changed AWS's entry 100 and added one.
const aclDesign = `version: 1
name: ACLs
vpcs:
  - { id: vpc-main, cidr: 10.0.0.0/16, ipv6_cidr: "2600:1f18::/56" }
  - { id: vpc-lab, cidr: 10.1.0.0/16 }
subnets:
  - { id: subnet-web, name: web, vpc: vpc-main, cidr: 10.0.1.0/24, network_acl: acl-web }
  - { id: subnet-web2, vpc: vpc-main, cidr: 10.0.2.0/24, network_acl: acl-web }
  - { id: subnet-db, vpc: vpc-main, cidr: 10.0.3.0/24 }
network_acls:
  - id: acl-web
    name: "web \"tier\""
    vpc: vpc-main
    inbound:
      - { rule: 90, action: deny, protocol: all, cidr: 198.51.100.7/32 }
      - { rule: 100, action: allow, protocol: tcp, ports: 443, cidr: 0.0.0.0/0 }
      - { rule: 101, action: allow, protocol: tcp, ports: 443, cidr: "::/0" }
      - { rule: 110, action: allow, protocol: icmp, ports: "3/4", cidr: 0.0.0.0/0 }
      - { rule: 120, action: allow, protocol: icmpv6, cidr: "2600:1f18::/56" }
      - { rule: 130, action: allow, protocol: 50, cidr: 10.0.0.0/8 }
    outbound:
      - { rule: 100, action: allow, protocol: tcp, ports: 1024-65535, cidr: 0.0.0.0/0 }
      - { rule: 200, action: allow, protocol: udp, ports: 53, cidr: 10.0.0.2/32 }
  - id: acl-lab
    name: default
    vpc: vpc-lab
    inbound:
      - { rule: 100, action: allow, protocol: tcp, ports: 22, cidr: 203.0.113.0/24 }
      - { rule: 200, action: deny, protocol: all, cidr: 192.0.2.0/24 }
    outbound:
      - { rule: 100, action: allow, protocol: all, cidr: 0.0.0.0/0 }
`

// entrySet lists the entries of the ACLs a world changed from AWS's,
// one "acl direction rule action protocol ports cidr" each, sorted; and
// the custom ACL of each subnet that has one.
func entrySet(w *engine.World) (entries, assoc []string) {
	for _, a := range w.NetworkACLs {
		if a.Name == engine.DefaultGroupName && a.VPC == "vpc-main" {
			continue // as AWS makes it
		}
		label := a.Name
		for _, d := range []engine.Direction{engine.Inbound, engine.Outbound} {
			for _, e := range a.Entries(d) {
				entries = append(entries, fmt.Sprintf("%s %s %s", label, d, e.Summary()))
			}
		}
	}
	for _, s := range w.Subnets {
		if a := w.ACLOf(s.VPC, s); a != nil && a.Name != engine.DefaultGroupName {
			assoc = append(assoc, s.ID+" "+a.Name)
		}
	}
	slices.Sort(entries)
	slices.Sort(assoc)
	return entries, assoc
}

func entrySummary(label, dir string, rule int, action, proto string, lo, hi int, hasPorts bool, cidr string) string {
	p, _ := strconv.Atoi(proto)
	e := engine.ACLEntry{Rule: rule, Protocol: engine.Protocol(p), CIDR: mustPrefix(cidr)}
	e.Action, _ = engine.ParseACLAction(action)
	if hasPorts {
		e.Ports = engine.PortRange{Lo: lo, Hi: hi}
	} else if e.Protocol.IsICMP() {
		e.Ports = engine.AnyICMP
	}
	return fmt.Sprintf("%s %s %s", label, dir, e.Summary())
}

func mustPrefix(s string) netip.Prefix {
	p, _, err := engine.ParseCIDR(s)
	if err != nil {
		panic(err)
	}
	return p
}

func TestTerraformACLs(t *testing.T) {
	w := mustLoad(t, aclDesign)
	src := write(t, w, Terraform)
	file, diags := hclsyntax.ParseConfig([]byte(src), "main.tf", hcl.Pos{Line: 1, Column: 1})
	if diags.HasErrors() {
		t.Fatalf("not HCL: %s\n%s", diags.Error(), src)
	}
	str := func(body *hclsyntax.Body) map[string]string {
		out := map[string]string{}
		for name, a := range body.Attributes {
			if v, d := a.Expr.Value(nil); !d.HasErrors() {
				switch {
				case v.Type().IsObjectType():
					out[name] = v.GetAttr("Name").AsString() // tags
				case v.Type().FriendlyName() == "string":
					out[name] = v.AsString()
				case v.Type().FriendlyName() == "bool":
					out[name] = fmt.Sprint(v.True())
				default:
					n, _ := v.AsBigFloat().Int64()
					out[name] = fmt.Sprint(n)
				}
				continue
			}
			var parts []string
			for _, tr := range a.Expr.Variables() {
				for _, step := range tr {
					switch s := step.(type) {
					case hcl.TraverseRoot:
						parts = append(parts, s.Name)
					case hcl.TraverseAttr:
						parts = append(parts, s.Name)
					}
				}
			}
			out[name] = strings.Join(parts, ".")
		}
		return out
	}
	label := map[string]string{}
	var got, assoc []string
	entry := func(acl string, a map[string]string, dir string) string {
		lo, hi, has := atoi(a["from_port"]), atoi(a["to_port"]), a["from_port"] != ""
		if a["icmp_type"] != "" {
			lo, hi, has = atoi(a["icmp_type"]), atoi(a["icmp_code"]), true
		}
		if p := a["protocol"]; p == "-1" || (p != "6" && p != "17" && p != "1" && p != "58") {
			has = false
		}
		action := a["rule_action"] + a["action"]
		rule := atoi(a["rule_number"] + a["rule_no"])
		return entrySummary(acl, dir, rule, action, a["protocol"], lo, hi, has, a["cidr_block"]+a["ipv6_cidr_block"])
	}
	body := file.Body.(*hclsyntax.Body)
	for _, b := range body.Blocks {
		a := str(b.Body)
		if b.Type == "resource" && b.Labels[0] == "aws_network_acl" {
			label["aws_network_acl."+b.Labels[1]+".id"] = a["tags"]
		}
		if b.Type == "resource" && b.Labels[0] == "aws_default_network_acl" {
			if a["default_network_acl_id"] != "data.aws_vpc."+b.Labels[1]+".default_network_acl_id" {
				t.Errorf("default_network_acl_id = %q", a["default_network_acl_id"])
			}
			for _, blk := range b.Body.Blocks {
				got = append(got, entry("default", str(blk.Body), map[string]string{"ingress": "inbound", "egress": "outbound"}[blk.Type]))
			}
		}
	}
	for _, b := range body.Blocks {
		a := str(b.Body)
		switch {
		case b.Type == "resource" && b.Labels[0] == "aws_network_acl_rule":
			got = append(got, entry(label[a["network_acl_id"]], a, map[string]string{"false": "inbound", "true": "outbound"}[a["egress"]]))
		case b.Type == "resource" && b.Labels[0] == "aws_network_acl_association":
			assoc = append(assoc, a["subnet_id"]+" "+label[a["network_acl_id"]])
		}
	}
	want, _ := entrySet(w)
	slices.Sort(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("entries:\n%s\nwant:\n%s\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), src)
	}
	slices.Sort(assoc)
	if strings.Join(assoc, ",") != `var.subnet_web web "tier",var.subnet_web2 web "tier"` {
		t.Errorf("associations %q", assoc)
	}
}

var (
	aclCreate  = regexp.MustCompile(`^(ACL_\w+)=\$\(aws ec2 (create-network-acl|describe-network-acls) --(?:vpc-id |filters Name=vpc-id,Values=)"\$(\w+)"`)
	aclEntry   = regexp.MustCompile(`^aws ec2 (create|replace|delete)-network-acl-entry --network-acl-id "\$(ACL_\w+)" --(ingress|egress) --rule-number (\d+)(.*)$`)
	aclTag     = regexp.MustCompile(`^aws ec2 create-tags --resources "\$(ACL_\w+)" --tags '(.*)'$`)
	aclAssoc   = regexp.MustCompile(`^aws ec2 replace-network-acl-association --network-acl-id "\$(ACL_\w+)" --association-id "\$\(aws ec2 describe-network-acls --filters Name=association.subnet-id,Values="\$(SUBNET_\w+)"`)
	entryFlags = regexp.MustCompile(`--(protocol|rule-action|cidr-block|ipv6-cidr-block|port-range|icmp-type-code) (\S+)`)
)

// TestCLIRoundTripACLs runs the script's ACL steps on paper against an
// account as AWS keeps it (a new ACL empty, a default one with entries 100
// and 101 where the VPC has IPv6), prints the result as
// describe-network-acls and describe-subnets would, and imports it back.
func TestCLIRoundTripACLs(t *testing.T) {
	w := mustLoad(t, aclDesign)
	src := write(t, w, CLI)
	type entryJSON struct {
		RuleNumber    int
		Egress        bool
		Protocol      string
		RuleAction    string
		CidrBlock     string         `json:",omitempty"`
		Ipv6CidrBlock string         `json:",omitempty"`
		PortRange     map[string]int `json:",omitempty"`
		IcmpTypeCode  map[string]int `json:",omitempty"`
	}
	type aclJSON struct {
		NetworkAclID string `json:"NetworkAclId"`
		VpcID        string `json:"VpcId"`
		IsDefault    bool
		Tags         []map[string]string
		Entries      []entryJSON
		Associations []map[string]string
	}
	vpcOf := map[string]string{}
	for _, v := range w.VPCs {
		vpcOf["VPC_"+strings.ToUpper(strings.ReplaceAll(strings.TrimPrefix(v.ID, "vpc-"), "-", "_"))] = v.ID
	}
	acls := map[string]*aclJSON{}
	var order []string
	subnetACL := map[string]string{}
	for _, s := range w.Subnets {
		subnetACL[s.ID] = ""
	}
	for _, line := range strings.Split(src, "\n") {
		if m := aclCreate.FindStringSubmatch(line); m != nil {
			a := &aclJSON{NetworkAclID: "acl-" + strings.ToLower(m[1]), VpcID: vpcOf[m[3]], IsDefault: m[2] == "describe-network-acls"}
			if a.VpcID == "" {
				t.Fatalf("no VPC for %s", m[3])
			}
			if a.IsDefault {
				for _, e := range engine.DefaultACLEntries(w.VPC(a.VpcID)) {
					for _, eg := range []bool{false, true} {
						a.Entries = append(a.Entries, entryJSON{RuleNumber: e.Rule, Egress: eg, Protocol: "-1", RuleAction: "allow", CidrBlock: cidrIf(e, 4), Ipv6CidrBlock: cidrIf(e, 6)})
					}
				}
			}
			acls[m[1]] = a
			order = append(order, m[1])
			continue
		}
		if m := aclTag.FindStringSubmatch(line); m != nil {
			var tags []map[string]string
			if err := json.Unmarshal([]byte(strings.ReplaceAll(m[2], `'\''`, `'`)), &tags); err != nil {
				t.Fatal(err)
			}
			acls[m[1]].Tags = tags
			continue
		}
		if m := aclAssoc.FindStringSubmatch(line); m != nil {
			for _, s := range w.Subnets {
				if "SUBNET_"+strings.ToUpper(strings.ReplaceAll(strings.TrimPrefix(s.Label(), "subnet-"), "-", "_")) == m[2] {
					subnetACL[s.ID] = acls[m[1]].NetworkAclID
				}
			}
			continue
		}
		m := aclEntry.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		a := acls[m[2]]
		e := entryJSON{RuleNumber: atoi(m[4]), Egress: m[3] == "egress"}
		for _, f := range entryFlags.FindAllStringSubmatch(m[5], -1) {
			switch f[1] {
			case "protocol":
				e.Protocol = f[2]
			case "rule-action":
				e.RuleAction = f[2]
			case "cidr-block":
				e.CidrBlock = f[2]
			case "ipv6-cidr-block":
				e.Ipv6CidrBlock = f[2]
			case "port-range":
				var from, to int
				fmt.Sscanf(f[2], "From=%d,To=%d", &from, &to)
				e.PortRange = map[string]int{"From": from, "To": to}
			case "icmp-type-code":
				var typ, code int
				fmt.Sscanf(f[2], "Type=%d,Code=%d", &typ, &code)
				e.IcmpTypeCode = map[string]int{"Type": typ, "Code": code}
			}
		}
		k := slices.IndexFunc(a.Entries, func(x entryJSON) bool { return x.RuleNumber == e.RuleNumber && x.Egress == e.Egress })
		switch m[1] {
		case "create":
			if k >= 0 {
				t.Errorf("NetworkAclEntryAlreadyExists: %s", line)
			}
			a.Entries = append(a.Entries, e)
		case "replace":
			if k < 0 {
				t.Fatalf("replace of no entry: %s", line)
			}
			a.Entries[k] = e
		case "delete":
			if k < 0 {
				t.Fatalf("delete of no entry: %s", line)
			}
			a.Entries = slices.Delete(a.Entries, k, k+1)
		}
	}
	var doc struct {
		NetworkAcls []*aclJSON
		Subnets     []map[string]any
		Vpcs        []map[string]any
	}
	for _, v := range w.VPCs {
		vpc := map[string]any{"VpcId": v.ID, "CidrBlock": v.CIDR.String()}
		if v.IPv6CIDR.IsValid() {
			vpc["Ipv6CidrBlockAssociationSet"] = []any{map[string]any{"Ipv6CidrBlock": v.IPv6CIDR.String()}}
		}
		doc.Vpcs = append(doc.Vpcs, vpc)
	}
	for _, s := range w.Subnets {
		sub := map[string]any{"SubnetId": s.ID, "VpcId": s.VPC, "CidrBlock": s.CIDR.String()}
		if s.Name != "" {
			sub["Tags"] = []any{map[string]string{"Key": "Name", "Value": s.Name}}
		}
		doc.Subnets = append(doc.Subnets, sub)
		if id := subnetACL[s.ID]; id != "" {
			for _, a := range acls {
				if a.NetworkAclID == id {
					a.Associations = append(a.Associations, map[string]string{"SubnetId": s.ID, "NetworkAclId": id})
				}
			}
		}
	}
	for _, v := range order {
		doc.NetworkAcls = append(doc.NetworkAcls, acls[v])
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
	// The re-imported ACLs have the AWS ids of the script's run; compare by name.
	got, gotAssoc := entrySet(back)
	want, wantAssoc := entrySet(w)
	if strings.Join(got, "\n") != strings.Join(want, "\n") || strings.Join(gotAssoc, ",") != strings.Join(wantAssoc, ",") {
		t.Errorf("after the round trip:\n%s\n%v\nwant:\n%s\n%v\nscript:\n%s", strings.Join(got, "\n"), gotAssoc, strings.Join(want, "\n"), wantAssoc, src)
	}
}

func cidrIf(e engine.ACLEntry, fam int) string {
	if (fam == 4) == e.CIDR.Addr().Is4() {
		return e.CIDR.String()
	}
	return ""
}

func TestCloudFormationACLs(t *testing.T) {
	w := mustLoad(t, aclDesign)
	src := write(t, w, CloudFormation)
	var doc struct {
		Parameters map[string]map[string]any `yaml:"Parameters"`
		Resources  map[string]struct {
			Type       string         `yaml:"Type"`
			Properties map[string]any `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatalf("not YAML: %v\n%s", err, src)
	}
	label := map[string]string{}
	for id, r := range doc.Resources {
		if r.Type == "AWS::EC2::NetworkAcl" {
			tags, _ := r.Properties["Tags"].([]any)
			label[id] = tags[0].(map[string]any)["Value"].(string)
		}
	}
	var got, assoc []string
	num := func(v any) int { n, _ := strconv.Atoi(fmt.Sprint(v)); return n }
	for _, r := range doc.Resources {
		p := r.Properties
		ref := func(key string) string { return fmt.Sprint(p[key].(map[string]any)["Ref"]) }
		switch r.Type {
		case "AWS::EC2::NetworkAclEntry":
			lo, hi, has := 0, 0, false
			if pr, ok := p["PortRange"].(map[string]any); ok {
				lo, hi, has = num(pr["From"]), num(pr["To"]), true
			}
			if ic, ok := p["Icmp"].(map[string]any); ok {
				lo, hi, has = num(ic["Type"]), num(ic["Code"]), true
			}
			acl := label[ref("NetworkAclId")]
			if acl == "" {
				acl = "default"
				if _, isParam := doc.Parameters[ref("NetworkAclId")]; !isParam {
					t.Errorf("NetworkAclId %s is neither an ACL nor a parameter", ref("NetworkAclId"))
				}
			}
			dir := map[bool]string{false: "inbound", true: "outbound"}[p["Egress"] == true]
			got = append(got, entrySummary(acl, dir, num(p["RuleNumber"]), fmt.Sprint(p["RuleAction"]), fmt.Sprint(p["Protocol"]), lo, hi, has, cidrOf(p)))
		case "AWS::EC2::SubnetNetworkAclAssociation":
			if doc.Parameters[ref("SubnetId")]["Type"] != "AWS::EC2::Subnet::Id" {
				t.Errorf("SubnetId %s is no subnet parameter", ref("SubnetId"))
			}
			assoc = append(assoc, label[ref("NetworkAclId")])
		}
	}
	// The default ACL's changed entry 100 is a comment: CloudFormation
	// cannot change an entry it did not create.
	want, _ := entrySet(w)
	want = slices.DeleteFunc(want, func(s string) bool {
		return strings.HasPrefix(s, "default inbound 100 ") || strings.HasPrefix(s, "default outbound 100 ")
	})
	slices.Sort(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("entries:\n%s\nwant:\n%s\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), src)
	}
	if len(assoc) != 2 || !strings.Contains(src, "# The lab changed inbound entry 100 of the default network ACL of vpc-lab") {
		t.Errorf("associations %v\n%s", assoc, src)
	}
}

func cidrOf(p map[string]any) string {
	if c, ok := p["CidrBlock"].(string); ok {
		return c
	}
	return fmt.Sprint(p["Ipv6CidrBlock"])
}
