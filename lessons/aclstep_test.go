package lessons

import (
	"strings"
	"testing"

	"github.com/sglab/sglab/engine"
)

// aclWorld has one VPC with two subnets: subnet-web with the custom ACL
// acl-web, subnet-db with the VPC's default ACL, and acl-spare, which no
// subnet uses.
const aclWorld = `
version: 1
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16 }
subnets:
  - { id: subnet-web, vpc: vpc-a, cidr: 10.0.1.0/24, network_acl: acl-web }
  - { id: subnet-db, name: db-subnet, vpc: vpc-a, cidr: 10.0.2.0/24 }
network_acls:
  - id: acl-web
    name: acl-web
    vpc: vpc-a
    inbound:
      - { rule: 100, action: allow, protocol: tcp, ports: 443, cidr: 0.0.0.0/0 }
    outbound:
      - { rule: 100, action: allow, protocol: tcp, ports: 1024-65535, cidr: 0.0.0.0/0 }
  - { id: acl-spare, name: spare, vpc: vpc-a }
security_groups:
  - id: sg-web
    name: web-sg
    vpc: vpc-a
    inbound:
      - { protocol: tcp, ports: 443, source: 0.0.0.0/0 }
instances:
  - { id: web-1, vpc: vpc-a, private_ip: 10.0.1.10, public_ip: 54.210.0.10, security_groups: [sg-web], listening: [443] }
hosts:
  - { id: visitor, ip: 198.51.100.7 }
`

func TestACLSteps(t *testing.T) {
	tests := []struct {
		name, step, text string
		check            func(w *engine.World) bool
	}{
		{"add a deny entry", "- add-entry: { acl: acl-web, rule: 90, action: deny, protocol: all, cidr: 198.51.100.7 }",
			"Add the inbound entry of the network ACL acl-web: rule 90, deny all traffic from 198.51.100.7/32",
			func(w *engine.World) bool {
				e, ok := w.NetworkACL("acl-web").Entry(engine.Inbound, 90)
				return ok && e.Action == engine.Deny && e.Protocol == engine.ProtoAll && e.CIDR.Bits() == 32
			}},
		{"add an outbound entry to the default ACL by name", "- add-entry: { acl: default, direction: outbound, rule: 50, action: allow, protocol: udp, ports: 53, cidr: 10.0.0.0/16 }",
			"Add the outbound entry of the network ACL default: rule 50, allow udp 53 to 10.0.0.0/16",
			func(w *engine.World) bool {
				_, ok := w.DefaultACL("vpc-a").Entry(engine.Outbound, 50)
				return ok
			}},
		{"an icmp entry takes every type", "- add-entry: { acl: acl-web, rule: 120, action: allow, protocol: icmp, cidr: 0.0.0.0/0 }",
			"Add the inbound entry of the network ACL acl-web: rule 120, allow icmp all from 0.0.0.0/0",
			func(w *engine.World) bool {
				e, _ := w.NetworkACL("acl-web").Entry(engine.Inbound, 120)
				return e.Ports == engine.AnyICMP
			}},
		{"replace an entry keeps its number", "- replace-entry: { acl: acl-web, rule: 100, action: allow, protocol: tcp, ports: 80, cidr: 0.0.0.0/0 }",
			"Replace with the inbound entry of the network ACL acl-web: rule 100, allow tcp 80 from 0.0.0.0/0",
			func(w *engine.World) bool {
				e, _ := w.NetworkACL("acl-web").Entry(engine.Inbound, 100)
				return e.Ports == engine.PortRange{Lo: 80, Hi: 80} && len(w.NetworkACL("acl-web").Inbound) == 1
			}},
		{"remove an entry", "- remove-entry: { acl: acl-web, direction: outbound, rule: 100 }",
			"Delete the outbound entry 100 of the network ACL acl-web",
			func(w *engine.World) bool { return len(w.NetworkACL("acl-web").Outbound) == 0 }},
		{"create an ACL in the only VPC", "- create-acl: { name: acl-db }",
			"Create a custom network ACL named acl-db",
			func(w *engine.World) bool {
				a := w.FindNetworkACL("vpc-a", "acl-db")
				return a != nil && len(a.Inbound) == 0 && len(a.Outbound) == 0
			}},
		{"associate a subnet by name", "- associate-acl: { subnet: db-subnet, acl: spare }",
			"Associate db-subnet with the network ACL spare",
			func(w *engine.World) bool { return w.Subnet("subnet-db").NetworkACL == "acl-spare" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := oneStep(t, tc.step)
			if s.Text != tc.text {
				t.Errorf("text %q, want %q", s.Text, tc.text)
			}
			w := world(t, aclWorld)
			if err := s.Apply(w); err != nil {
				t.Fatal(err)
			}
			if !tc.check(w) {
				t.Errorf("the step did not make its change")
			}
		})
	}
}

// TestACLStepErrors: a step the world does not allow fails with AWS's
// code and changes nothing.
func TestACLStepErrors(t *testing.T) {
	tests := []struct{ name, step, code string }{
		{"a taken rule number", "- add-entry: { acl: acl-web, rule: 100, action: deny, protocol: all, cidr: 0.0.0.0/0 }", engine.CodeACLEntryExists},
		{"replace a missing entry", "- replace-entry: { acl: acl-web, rule: 7, action: deny, protocol: all, cidr: 0.0.0.0/0 }", engine.CodeACLEntryNotFound},
		{"remove a missing entry", "- remove-entry: { acl: acl-web, direction: outbound, rule: 7 }", engine.CodeACLEntryNotFound},
		{"an ACL nobody has", "- add-entry: { acl: acl-db, rule: 1, action: deny, protocol: all, cidr: 0.0.0.0/0 }", engine.CodeACLNotFound},
		{"an ACL of another VPC", "- add-entry: { acl: acl-web, vpc: vpc-b, rule: 1, action: deny, protocol: all, cidr: 0.0.0.0/0 }", engine.CodeACLNotFound},
		{"a subnet nobody has", "- associate-acl: { subnet: subnet-app, acl: acl-web }", engine.CodeSubnetNotFound},
		{"a second ACL named default", "- create-acl: { name: default }", engine.CodeInvalidValue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := world(t, aclWorld)
			before := string(engine.Marshal(w))
			assertCode(t, oneStep(t, tc.step).Apply(w), tc.code)
			if string(engine.Marshal(w)) != before {
				t.Error("a failed step changed the world")
			}
		})
	}
}

func TestParseACLStepErrors(t *testing.T) {
	_, ds := parseSteps(t, `
- add-entry: { acl: acl-web, rule: 0, action: deny, protocol: all, cidr: 0.0.0.0/0 }
- add-entry: { acl: acl-web, rule: 32767, action: deny, protocol: all, cidr: 0.0.0.0/0 }
- add-entry: { acl: acl-web, rule: 10, action: block, protocol: all, cidr: 0.0.0.0/0 }
- add-entry: { acl: acl-web, rule: 10, action: allow, protocol: tcp, cidr: 0.0.0.0/0 }
- add-entry: { acl: acl-web, rule: 10, action: allow, protocol: all, cidr: web-sg }
- add-entry: { acl: acl-web, rule: 10, action: allow, protocol: all, cidr: self }
- remove-entry: { acl: acl-web, rule: 10, action: allow }
- add-entry: { acl: acl-web, rule: 10, action: allow, protocol: all, cidr: 10.0.0.300 }
`)
	for _, want := range []string{
		"steps.yaml:2:36: InvalidParameterValue: `rule` must be a whole number from 1 to 32766",
		"steps.yaml:3:36: InvalidParameterValue: `rule` must be a whole number from 1 to 32766",
		"steps.yaml:4:48: InvalidParameterValue: action is allow or deny, not \"block\"",
		"steps.yaml:5:16: MissingField: a tcp rule needs `ports`",
		"steps.yaml:6:76: InvalidParameterValue: an entry's cidr is an IPv4 or IPv6 CIDR, never a security group or self",
		"steps.yaml:7:76: InvalidParameterValue: an entry's cidr is an IPv4 or IPv6 CIDR",
		"steps.yaml:8:43: UnknownField: the `remove-entry` step has no field `action`",
		"steps.yaml:9:76: InvalidParameterValue: cidr: ",
	} {
		if !strings.Contains(ds.Error(), want) {
			t.Errorf("want %q in:\n%s", want, ds.Error())
		}
	}
}

// TestNetworkACLGoal: every allow entry must lie within an item; denies
// are free; a direction left out is not checked.
func TestNetworkACLGoal(t *testing.T) {
	goal := func(src string) Goal {
		t.Helper()
		var ds engine.Diagnostics
		r := &reader{file: "goal.yaml", diags: &ds}
		g, ok := parseGoal(r, r.parse(src, "goal"), nil)
		if !ok || ds.HasErrors() {
			t.Fatalf("%s: %s", src, ds.Error())
		}
		return g
	}
	tests := []struct {
		name, goal, step string
		met              bool
	}{
		{"as written", "network-acl: { acl: acl-web, inbound: [{ protocol: tcp, ports: 443, cidr: 0.0.0.0/0 }] }", "", true},
		{"a deny is free", "network-acl: { acl: acl-web, inbound: [{ protocol: tcp, ports: 443, cidr: 0.0.0.0/0 }] }",
			"- add-entry: { acl: acl-web, rule: 90, action: deny, protocol: all, cidr: 0.0.0.0/0 }", true},
		{"a narrower allow is within", "network-acl: { acl: acl-web, inbound: [{ protocol: tcp, ports: 400-500, cidr: 0.0.0.0/0 }] }",
			"- add-entry: { acl: acl-web, rule: 90, action: allow, protocol: tcp, ports: 450, cidr: 203.0.113.0/24 }", true},
		{"all traffic in is not", "network-acl: { acl: acl-web, inbound: [{ protocol: tcp, ports: 443, cidr: 0.0.0.0/0 }] }",
			"- add-entry: { acl: acl-web, rule: 200, action: allow, protocol: all, cidr: 0.0.0.0/0 }", false},
		{"a wider CIDR is not", "network-acl: { acl: acl-web, inbound: [{ protocol: tcp, ports: 443, cidr: 203.0.113.0/24 }] }", "", false},
		{"another family is not", "network-acl: { acl: acl-web, inbound: [{ protocol: tcp, ports: 443, cidr: 0.0.0.0/0 }] }",
			"- add-entry: { acl: acl-web, rule: 101, action: allow, protocol: tcp, ports: 443, cidr: \"::/0\" }", false},
		{"udp is not tcp", "network-acl: { acl: acl-web, outbound: [{ protocol: udp, ports: all, cidr: 0.0.0.0/0 }] }", "", false},
		{"all traffic covers it", "network-acl: { acl: acl-web, outbound: [{ protocol: all, cidr: 0.0.0.0/0 }] }", "", true},
		{"an empty list allows nothing", "network-acl: { acl: acl-web, outbound: [] }", "", false},
		{"a direction left out is not checked", "network-acl: { acl: acl-web, outbound: [{ protocol: tcp, ports: 1024-65535, cidr: 0.0.0.0/0 }] }",
			"- add-entry: { acl: acl-web, rule: 200, action: allow, protocol: all, cidr: 0.0.0.0/0 }", true},
		{"an ACL nobody has", "network-acl: { acl: acl-db, inbound: [] }", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := goal(tc.goal)
			w := world(t, aclWorld)
			if tc.step != "" {
				if err := oneStep(t, tc.step).Apply(w); err != nil {
					t.Fatal(err)
				}
			}
			st := g.check(w)
			if st.Met != tc.met {
				t.Errorf("met %v (%s), want %v", st.Met, st.Why, tc.met)
			}
			if !st.Met && st.Why == "" {
				t.Error("an unmet goal says why")
			}
		})
	}
}

// TestSourcePortGoal: a connection goal's source_port is the client's
// port, which decides whether an ACL lets the reply out.
func TestSourcePortGoal(t *testing.T) {
	var ds engine.Diagnostics
	r := &reader{file: "goal.yaml", diags: &ds}
	w := world(t, aclWorld)
	for port, want := range map[string]engine.Outcome{"49152": engine.Connected, "1000": engine.Timeout} {
		g, ok := parseGoal(r, r.parse("{ from: visitor, to: web-1, port: 443, source_port: "+port+", expect: connected }", "goal"), w)
		if !ok {
			t.Fatal(ds.Error())
		}
		if got := g.check(w).Result.Outcome; got != want {
			t.Errorf("from port %s: %v, want %v", port, got, want)
		}
	}
	_, ok := parseGoal(r, r.parse("{ from: visitor, to: web-1, protocol: icmp, source_port: 5, expect: connected }", "goal"), w)
	if ok || !strings.Contains(ds.Error(), "icmp has no ports: leave `source_port` out") {
		t.Errorf("an icmp goal with a source port: %v", ds.Error())
	}
}

// TestOverBroadACLEntry: an allow entry the reference solution adds is
// widened like a rule. Lesson 15's return-rule challenge without the goals
// that close it (no mail, the network-acl goal) accepts all traffic out
// and every tcp port out; with them, neither.
func TestOverBroadACLEntry(t *testing.T) {
	data, err := courseFS.ReadFile("course/15-security-groups-and-network-acls.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	at := strings.Index(text, "```challenge\nid: return-rule\n")
	end := at + strings.Index(text[at:], "\n```\n")
	challenge := text[at:end]
	var open []string
	for _, line := range strings.Split(challenge, "\n") {
		if (strings.HasPrefix(line, "  - {") && strings.Contains(line, "cannot send mail")) || strings.HasPrefix(line, "  - network-acl:") || strings.HasPrefix(line, "      ") || strings.HasPrefix(line, "    label: acl-web") {
			continue
		}
		open = append(open, line)
	}
	for _, tc := range []struct {
		name  string
		text  string
		wants []string
	}{
		{"closed", text, nil},
		{"open", text[:at] + strings.Join(open, "\n") + text[end:], []string{
			"with all traffic instead of tcp 1024-65535",
			"with every tcp port instead of 1024-65535",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ds := loadOne(t, tc.text)
			if ds.HasErrors() {
				t.Fatalf("the lesson should load:\n%s", ds.Error())
			}
			got := Validate(p)
			if len(got) != len(tc.wants) {
				t.Errorf("got %d problems, want %d:\n%s", len(got), len(tc.wants), got.Error())
			}
			for _, want := range tc.wants {
				if !strings.Contains(got.Error(), want) {
					t.Errorf("want %q in:\n%s", want, got.Error())
				}
			}
		})
	}
}
