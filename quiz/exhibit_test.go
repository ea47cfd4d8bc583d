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
