package quiz

import (
	"slices"
	"strings"
	"testing"

	"github.com/sglab/sglab/engine"
)

func TestExhibitReadsLikeTheConsole(t *testing.T) {
	w, ds := engine.Parse("exhibit.yaml", []byte(`
version: 1
vpcs: [{ id: vpc-main, cidr: 10.0.0.0/16 }]
security_groups:
  - id: sg-web
    name: web
    vpc: vpc-main
    inbound:
      - { protocol: tcp, ports: 22, source: 203.0.113.10/32, description: my laptop }
      - { protocol: tcp, ports: 21, source: 0.0.0.0/0 }
      - { protocol: all, source: sg-app }
      - { protocol: tcp, ports: all, source: 10.0.0.0/16 }
      - { protocol: tcp, ports: "8000-8999", source: "::/0" }
      - { protocol: udp, ports: 53, source: 10.0.0.0/16 }
      - { protocol: icmp, source: 0.0.0.0/0 }
      - { protocol: icmpv6, ports: 128, source: "::/0" }
      - { protocol: 47, source: 10.0.0.0/16 }
    outbound: []
  - { id: sg-app, name: app, vpc: vpc-main }
  - { id: sg-unused, vpc: vpc-main }
instances:
  - { id: web-1, vpc: vpc-main, private_ip: 10.0.1.10, public_ip: 54.210.0.10, security_groups: [sg-web, sg-app], listening: [22, "udp/53"] }
hosts:
  - { id: laptop, ip: 203.0.113.10 }
`))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	e := NewExhibit(w)
	var titles []string
	for _, g := range e.Groups {
		titles = append(titles, g.Title())
	}
	if !slices.Equal(titles, []string{"sg-web (web)", "sg-app (app)"}) {
		t.Errorf("groups shown: %v (an unattached group is noise)", titles)
	}
	web := e.Groups[0]
	want := [][]string{
		{"SSH", "TCP", "22", "203.0.113.10/32", "my laptop"},
		{"FTP", "TCP", "21", "0.0.0.0/0", "-"},
		{"All traffic", "All", "All", "app (group)", "-"},
		{"All TCP", "TCP", "0 - 65535", "10.0.0.0/16", "-"},
		{"Custom TCP", "TCP", "8000 - 8999", "::/0", "-"},
		{"DNS (UDP)", "UDP", "53", "10.0.0.0/16", "-"},
		{"All ICMP - IPv4", "ICMP", "All", "0.0.0.0/0", "-"},
		{"Custom ICMP - IPv6", "IPv6 ICMP", "128", "::/0", "-"},
		{"Custom protocol", "47", "All", "10.0.0.0/16", "-"},
	}
	if !slices.EqualFunc(web.Inbound.Rows, want, slices.Equal) {
		t.Errorf("inbound rows:\n%q\nwant\n%q", web.Inbound.Rows, want)
	}
	if !slices.Equal(web.Outbound.Columns, []string{"Type", "Protocol", "Port range", "Destination", "Description"}) || len(web.Outbound.Rows) != 0 {
		t.Errorf("outbound table %+v", web.Outbound)
	}
	if got := e.Groups[1].Outbound.Rows; !slices.EqualFunc(got, [][]string{{"All traffic", "All", "All", "0.0.0.0/0", "-"}}, slices.Equal) {
		t.Errorf("the default outbound rule reads %q", got)
	}
	wantMachines := [][]string{
		{"web-1", "instance", "10.0.1.10", "54.210.0.10", "web, app", "tcp/22, udp/53"}, // groups by name, as the rules name them
		{"laptop", "outside host", "-", "203.0.113.10", "-", "-"},
	}
	if !slices.EqualFunc(e.Machines.Rows, wantMachines, slices.Equal) {
		t.Errorf("machines %q", e.Machines.Rows)
	}
	text := strings.Join(e.Lines(), "\n")
	for _, want := range []string{
		"Security group sg-web (web): outbound rules\n  (none)",
		"  Type                Protocol   Port range   Source           Description\n  SSH                 TCP        22           203.0.113.10/32  my laptop",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the exhibit lacks %q:\n%s", want, text)
		}
	}
}

func TestTableLinesAlign(t *testing.T) {
	lines := Table{Columns: []string{"A", "Long header"}, Rows: [][]string{{"wide cell", "x"}, {"é", ""}}}.Lines()
	want := []string{"A          Long header", "wide cell  x", "é"}
	if !slices.Equal(lines, want) {
		t.Errorf("%q, want %q", lines, want)
	}
}

// TestExhibitListsNetworkACLs: where a world has subnets, each ACL that
// guards an instance's subnet is listed with its subnets and who is in
// them, as the console lists it: entries in rule order whatever order
// they were written in, then the * rules, the IPv6 one in a VPC with IPv6.
func TestExhibitListsNetworkACLs(t *testing.T) {
	w, ds := engine.Parse("acl.yaml", []byte(`
version: 1
vpcs: [{ id: vpc-main, cidr: 10.0.0.0/16, ipv6_cidr: "2600:1f18:1234:5600::/56" }]
subnets:
  - { id: subnet-web, vpc: vpc-main, cidr: 10.0.1.0/24, network_acl: acl-web }
  - { id: subnet-db, vpc: vpc-main, cidr: 10.0.2.0/24 }
  - { id: subnet-empty, vpc: vpc-main, cidr: 10.0.3.0/24 }
network_acls:
  - id: acl-web
    vpc: vpc-main
    inbound:
      - { rule: 200, action: deny, protocol: all, cidr: 198.51.100.7/32 }
      - { rule: 100, action: allow, protocol: tcp, ports: 443, cidr: 0.0.0.0/0 }
    outbound:
      - { rule: 100, action: allow, protocol: tcp, ports: 1024-65535, cidr: "::/0" }
instances:
  - { id: web-1, vpc: vpc-main, private_ip: 10.0.1.10 }
  - { id: db-1, vpc: vpc-main, private_ip: 10.0.2.10 }
hosts:
  - { id: laptop, ip: 203.0.113.10 }
`))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	e := NewExhibit(w)
	var titles []string
	for _, a := range e.ACLs {
		titles = append(titles, a.Title()+" "+a.Guards())
	}
	if !slices.Equal(titles, []string{"acl-web on subnet-web (10.0.1.0/24): web-1", "default on subnet-db (10.0.2.0/24): db-1"}) {
		t.Errorf("ACLs shown: %v (an ACL that guards no instance's subnet is noise)", titles)
	}
	want := [][]string{
		{"100", "HTTPS", "TCP", "443", "0.0.0.0/0", "ALLOW"},
		{"200", "All traffic", "All", "All", "198.51.100.7/32", "DENY"},
		{"*", "All traffic", "All", "All", "0.0.0.0/0", "DENY"},
		{"*", "All IPv6 traffic", "All", "All", "::/0", "DENY"},
	}
	if got := e.ACLs[0].Inbound; !slices.Equal(got.Columns, []string{"Rule #", "Type", "Protocol", "Port range", "Source", "Allow/Deny"}) ||
		!slices.EqualFunc(got.Rows, want, slices.Equal) {
		t.Errorf("acl-web inbound:\n%v\n%v", got.Columns, got.Rows)
	}
	if got := e.ACLs[0].Outbound; got.Columns[4] != "Destination" || got.Rows[0][3] != "1024 - 65535" {
		t.Errorf("acl-web outbound: %v %v", got.Columns, got.Rows)
	}
	lines := strings.Join(e.Lines(), "\n")
	for _, s := range []string{"Network ACL acl-web: inbound rules\n  on subnet-web (10.0.1.0/24): web-1", "Network ACL default: outbound rules\n  on subnet-db (10.0.2.0/24): db-1"} {
		if !strings.Contains(lines, s) {
			t.Errorf("the exhibit lacks %q:\n%s", s, lines)
		}
	}
}

// TestACLQuestions: a question that turns on a network ACL links the ACL
// lesson and its AWS page, shows the ACL, gives the client's port, and
// explains the drop by the entry that decided (or the * rule).
func TestACLQuestions(t *testing.T) {
	n := map[any]int{}
	for _, q := range generated(t) {
		s := q.Scenario
		if !isACL(s.Cause) {
			continue
		}
		n[s.Cause]++
		if q.Lesson != "security-groups-and-network-acls" {
			t.Errorf("%s links %s", q.ID, q.Lesson)
		}
		if want := map[Cause]string{CauseACLInbound: docNACLRules, CauseACLReply: docEphemeral}[s.Cause]; q.Doc != want {
			t.Errorf("%s rests on %s, want %s", q.ID, q.Doc, want)
		}
		if !slices.ContainsFunc(q.Exhibit.ACLs, func(a ACLRules) bool { return strings.HasPrefix(a.ID, "acl-") }) {
			t.Errorf("%s shows no custom ACL", q.ID)
		}
		if s.Conn.Protocol.HasPorts() && !strings.Contains(q.Prompt, "(from port ") {
			t.Errorf("%s does not say the client's port: %q", q.ID, q.Prompt)
		}
		if !strings.Contains(q.Explanation, "network ACL acl-") || !(strings.Contains(q.Explanation, "rule ") || strings.Contains(q.Explanation, "* rule")) {
			t.Errorf("%s does not name the ACL and its entry: %q", q.ID, q.Explanation)
		}
		for _, why := range q.Why {
			if strings.Contains(why, "outside AWS") {
				t.Errorf("%s calls an instance behind an ACL outside AWS: %q", q.ID, why)
			}
		}
		if s.Kind == AskFix {
			key := s.Fixes[q.Correct[0]]
			if key.ACL == "" || key.Direction != engine.Outbound || key.Entry.Ports != (engine.PortRange{Lo: 1024, Hi: 65535}) || key.Entry.Action != engine.Allow {
				t.Errorf("%s: the keyed fix is not the outbound entry for 1024-65535 AWS suggests: %q", q.ID, q.Choices[q.Correct[0]])
			}
			n[AskFix]++
		}
		if s.Cause == CauseACLReply && !strings.Contains(q.Explanation, "stateless") {
			t.Errorf("%s does not say why the reply needs an entry: %q", q.ID, q.Explanation)
		}
	}
	if n[CauseACLInbound] < 20 || n[CauseACLReply] < 20 || n[AskFix] < 20 {
		t.Errorf("ACL questions over the generated set: %v", n)
	}
}
