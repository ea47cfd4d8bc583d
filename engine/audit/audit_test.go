package audit

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/sglab/sglab/engine"
)

func mustLoad(t testing.TB, src string) *engine.World {
	t.Helper()
	w, ds := engine.Parse("test.yaml", []byte(src))
	if w == nil {
		t.Fatalf("scenario does not load:\n%s", ds.Error())
	}
	return w
}

// world wraps groups (YAML list items) and instances into a scenario of
// one VPC with IPv6.
func world(groups, instances string) string {
	return `version: 1
vpcs:
  - { id: vpc-1, cidr: 10.0.0.0/16, ipv6_cidr: "2600:1f18::/56" }
security_groups:
` + groups + `
instances:
` + instances + `
hosts:
  - { id: office, ip: 203.0.113.10 }
`
}

// found lists the findings of one check as "group/direction/rule".
func found(rep *Report, c Check) []string {
	var out []string
	for _, f := range rep.Findings {
		if f.ID == c.ID {
			out = append(out, fmt.Sprintf("%s/%s/%d", f.Group, f.Direction, f.Rule))
		}
	}
	return out
}

func TestChecks(t *testing.T) {
	const attach = `  - { id: i-1, vpc: vpc-1, private_ip: 10.0.0.10, public_ip: 54.0.0.10, security_groups: [sg-a] }`
	cases := []struct {
		name    string
		check   Check
		groups  string
		machine string
		want    []string
	}{
		{"ssh from anywhere", AdminPortOpen, `  - { id: sg-a, vpc: vpc-1, inbound: [{ protocol: tcp, ports: 22, source: 0.0.0.0/0 }] }`, attach, []string{"sg-a/inbound/0"}},
		{"rdp in a range from ::/0", AdminPortOpen, `  - { id: sg-a, vpc: vpc-1, inbound: [{ protocol: tcp, ports: 3000-4000, source: "::/0" }] }`, attach, []string{"sg-a/inbound/0"}},
		{"ssh from one address is fine", AdminPortOpen, `  - { id: sg-a, vpc: vpc-1, inbound: [{ protocol: tcp, ports: 22, source: 203.0.113.10/32 }] }`, attach, nil},
		{"udp 22 is not ssh", AdminPortOpen, `  - { id: sg-a, vpc: vpc-1, inbound: [{ protocol: udp, ports: 22, source: 0.0.0.0/0 }] }`, attach, nil},
		{"outbound 22 to anywhere is fine", AdminPortOpen, `  - { id: sg-a, vpc: vpc-1, outbound: [{ protocol: tcp, ports: 22, destination: 0.0.0.0/0 }] }`, attach, nil},
		{"protocol -1 from anywhere", AllPortsOpen, `  - { id: sg-a, vpc: vpc-1, inbound: [{ protocol: "-1", source: 0.0.0.0/0 }] }`, attach, []string{"sg-a/inbound/0"}},
		{"every tcp port from ::/0", AllPortsOpen, `  - { id: sg-a, vpc: vpc-1, inbound: [{ protocol: tcp, ports: all, source: "::/0" }] }`, attach, []string{"sg-a/inbound/0"}},
		{"all ports is not also an admin finding", AdminPortOpen, `  - { id: sg-a, vpc: vpc-1, inbound: [{ protocol: all, source: 0.0.0.0/0 }] }`, attach, nil},
		{"postgres from anywhere", DatabasePortOpen, `  - { id: sg-a, vpc: vpc-1, inbound: [{ protocol: tcp, ports: 5432, source: 0.0.0.0/0 }] }`, attach, []string{"sg-a/inbound/0"}},
		{"a range over mysql, postgres and redis", DatabasePortOpen, `  - { id: sg-a, vpc: vpc-1, inbound: [{ protocol: tcp, ports: 3000-7000, source: 0.0.0.0/0 }] }`, attach, []string{"sg-a/inbound/0", "sg-a/inbound/0", "sg-a/inbound/0"}},
		{"postgres from the app group is fine", DatabasePortOpen, `  - { id: sg-a, vpc: vpc-1, inbound: [{ protocol: tcp, ports: 5432, source: self }] }`, attach, nil},
		{"the default group as AWS makes it", DefaultAllows, ``, `  - { id: i-1, vpc: vpc-1, private_ip: 10.0.0.10 }`, []string{"vpc-1/default/inbound/-1"}},
		{"a default group emptied", DefaultAllows, `  - { id: sg-d, name: default, vpc: vpc-1, outbound: [] }`, `  - { id: i-1, vpc: vpc-1, private_ip: 10.0.0.10 }`, nil},
		{"unused", Unused, `  - { id: sg-a, vpc: vpc-1 }
  - { id: sg-b, vpc: vpc-1 }
  - { id: sg-c, vpc: vpc-1 }
  - { id: sg-r, vpc: vpc-1, inbound: [{ protocol: tcp, ports: 1, source: sg-c }] }`, attach, []string{"sg-b/inbound/-1", "sg-r/inbound/-1"}},
		{"wide public range", WideCIDR, `  - { id: sg-a, vpc: vpc-1, inbound: [{ protocol: tcp, ports: 443, source: 52.0.0.0/8 }, { protocol: tcp, ports: 80, source: 52.1.2.0/24 }, { protocol: tcp, ports: 81, source: 172.16.0.0/12 }, { protocol: tcp, ports: 82, source: 0.0.0.0/0 }], outbound: [{ protocol: tcp, ports: 443, destination: 34.0.0.0/23 }] }`, attach, []string{"sg-a/inbound/0", "sg-a/outbound/0"}},
		{"51 rules", ManyRules, `  - { id: sg-a, vpc: vpc-1, inbound: [` + manyRules(51) + `] }`, attach, []string{"sg-a/inbound/-1"}},
		{"50 rules are fine", ManyRules, `  - { id: sg-a, vpc: vpc-1, inbound: [` + manyRules(50) + `] }`, attach, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep := Run(mustLoad(t, world(c.groups, c.machine)))
			got := found(rep, c.check)
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("%s = %v, want %v", c.check.ID, got, c.want)
			}
			for _, f := range rep.Findings {
				if f.Reason == "" || f.Fix == "" || f.ID == "" || f.Severity == 0 {
					t.Errorf("incomplete finding %+v", f)
				}
			}
		})
	}
}

func manyRules(n int) string {
	var rs []string
	for k := range n {
		rs = append(rs, fmt.Sprintf("{ protocol: tcp, ports: %d, source: 10.0.0.0/16 }", 1000+2*k))
	}
	return strings.Join(rs, ", ")
}

func TestShadowed(t *testing.T) {
	const attach = `  - { id: i-1, vpc: vpc-1, private_ip: 10.0.0.10, security_groups: [sg-a] }`
	cases := []struct {
		name  string
		rules string
		want  []string
	}{
		{"a port inside a range", `{ protocol: tcp, ports: 1000-2000, source: 10.0.0.0/8 }, { protocol: tcp, ports: 1500, source: 10.0.0.0/8 }`, []string{"sg-a/inbound/1"}},
		{"a narrower CIDR", `{ protocol: tcp, ports: 22, source: 10.1.2.3/32 }, { protocol: tcp, ports: 22, source: 10.0.0.0/8 }`, []string{"sg-a/inbound/0"}},
		{"all traffic covers tcp", `{ protocol: tcp, ports: 443, source: 0.0.0.0/0 }, { protocol: all, source: 0.0.0.0/0 }`, []string{"sg-a/inbound/0"}},
		{"icmp any covers a type", `{ protocol: icmp, source: 0.0.0.0/0 }, { protocol: icmp, ports: "3/4", source: 0.0.0.0/0 }`, []string{"sg-a/inbound/1"}},
		{"a group covers itself only", `{ protocol: tcp, ports: all, source: sg-b }, { protocol: tcp, ports: 80, source: sg-b }`, []string{"sg-a/inbound/1"}},
		{"IPv4 never covers IPv6", `{ protocol: tcp, ports: 443, source: 0.0.0.0/0 }, { protocol: tcp, ports: 443, source: "::/0" }`, nil},
		{"overlap is not cover", `{ protocol: tcp, ports: 1000-2000, source: 10.0.0.0/8 }, { protocol: tcp, ports: 1500-2500, source: 10.0.0.0/8 }`, nil},
		{"wider port, narrower source", `{ protocol: tcp, ports: all, source: 10.1.0.0/16 }, { protocol: tcp, ports: 22, source: 10.0.0.0/8 }`, nil},
		{"a CIDR does not cover a group", `{ protocol: tcp, ports: 80, source: 10.0.0.0/8 }, { protocol: tcp, ports: 80, source: sg-b }`, nil},
		{"udp and tcp", `{ protocol: tcp, ports: all, source: 0.0.0.0/0 }, { protocol: udp, ports: 53, source: 0.0.0.0/0 }`, nil},
		{"icmp type does not cover another", `{ protocol: icmp, ports: 8, source: 0.0.0.0/0 }, { protocol: icmp, ports: "3/4", source: 0.0.0.0/0 }`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			groups := `  - { id: sg-a, vpc: vpc-1, inbound: [` + c.rules + `] }
  - { id: sg-b, vpc: vpc-1 }`
			got := found(Run(mustLoad(t, world(groups, attach))), Shadowed)
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("shadowed = %v, want %v", got, c.want)
			}
		})
	}
}

func TestRedundant(t *testing.T) {
	cases := []struct {
		name      string
		groups    string
		instances string
		want      []string
	}{
		{"covered on the one interface", `  - { id: sg-a, vpc: vpc-1, inbound: [{ protocol: tcp, ports: 22, source: 10.0.0.0/16 }], outbound: [] }
  - { id: sg-b, vpc: vpc-1, inbound: [{ protocol: tcp, ports: all, source: 10.0.0.0/8 }], outbound: [] }`,
			`  - { id: i-1, vpc: vpc-1, private_ip: 10.0.0.10, security_groups: [sg-a, sg-b] }`, []string{"sg-a/inbound/0"}},
		{"not covered where the other group is missing", `  - { id: sg-a, vpc: vpc-1, inbound: [{ protocol: tcp, ports: 22, source: 10.0.0.0/16 }], outbound: [] }
  - { id: sg-b, vpc: vpc-1, inbound: [{ protocol: tcp, ports: all, source: 10.0.0.0/8 }], outbound: [] }`,
			`  - { id: i-1, vpc: vpc-1, private_ip: 10.0.0.10, security_groups: [sg-a, sg-b] }
  - { id: i-2, vpc: vpc-1, private_ip: 10.0.0.11, security_groups: [sg-a] }`, nil},
		{"equal rules: the greater id is reported, once", `  - { id: sg-a, vpc: vpc-1, inbound: [{ protocol: tcp, ports: 443, source: 0.0.0.0/0 }], outbound: [] }
  - { id: sg-b, vpc: vpc-1, inbound: [{ protocol: tcp, ports: 443, source: 0.0.0.0/0 }], outbound: [] }`,
			`  - { id: i-1, vpc: vpc-1, private_ip: 10.0.0.10, security_groups: [sg-a, sg-b] }`, []string{"sg-b/inbound/0"}},
		{"self is a different group in each", `  - { id: sg-a, vpc: vpc-1, inbound: [{ protocol: all, source: self }], outbound: [] }
  - { id: sg-b, vpc: vpc-1, inbound: [{ protocol: all, source: self }], outbound: [] }`,
			`  - { id: i-1, vpc: vpc-1, private_ip: 10.0.0.10, security_groups: [sg-a, sg-b] }`, nil},
		{"self in one, a reference in the other", `  - { id: sg-a, vpc: vpc-1, inbound: [{ protocol: all, source: self }], outbound: [] }
  - { id: sg-b, vpc: vpc-1, inbound: [{ protocol: tcp, ports: 80, source: sg-a }], outbound: [] }`,
			`  - { id: i-1, vpc: vpc-1, private_ip: 10.0.0.10, security_groups: [sg-a, sg-b] }`, []string{"sg-b/inbound/0"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := found(Run(mustLoad(t, world(c.groups, c.instances))), Redundant)
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("redundant = %v, want %v", got, c.want)
			}
		})
	}
}

// TestExposureAgreesWithEvaluate: on every machine and every tcp and udp
// port, the report says "anyone reaches it" exactly when Evaluate lets a
// packet from an address only /0 rules name through, and each narrower
// range it lists is one Evaluate lets through on every port listed.
func TestExposureAgreesWithEvaluate(t *testing.T) {
	groups := `  - { id: sg-web, vpc: vpc-1, inbound: [{ protocol: tcp, ports: 443, source: 0.0.0.0/0 }, { protocol: tcp, ports: 8000-8100, source: "::/0" },
      { protocol: tcp, ports: 22, source: 203.0.113.10/32 }, { protocol: udp, ports: 1000-2000, source: 198.51.0.0/16 }, { protocol: icmp, ports: 8, source: 0.0.0.0/0 }] }
  - { id: sg-wide, vpc: vpc-1, inbound: [{ protocol: all, source: 52.0.0.0/8 }, { protocol: tcp, ports: 5432, source: sg-web }] }
  - { id: sg-shadow, vpc: vpc-1, inbound: [{ protocol: tcp, ports: 3389, source: 0.0.0.0/0 }] }`
	instances := `  - { id: i-web, vpc: vpc-1, private_ip: 10.0.0.10, public_ip: 54.0.0.10, ipv6: "2600:1f18::10", security_groups: [sg-web] }
  - { id: i-db, vpc: vpc-1, private_ip: 10.0.0.20, public_ip: 54.0.0.20, security_groups: [sg-wide] }
  - { id: i-private, vpc: vpc-1, private_ip: 10.0.0.30, security_groups: [sg-web, sg-wide] }
  - { id: i-v6, vpc: vpc-1, private_ip: 10.0.0.40, ipv6: "2600:1f18::40", security_groups: [sg-web] }`
	w := mustLoad(t, world(groups, instances))
	e := newExposer(w)
	byMachine := map[string][]Open{}
	for _, x := range Exposures(w) {
		byMachine[x.Machine] = x.Open
	}
	if len(byMachine["i-private"]) > 0 {
		t.Errorf("a machine without a public address is exposed: %v", byMachine["i-private"])
	}
	for _, m := range w.Instances {
		open := byMachine[m.ID]
		for _, anyone := range []struct {
			addr netip.Addr
			from string
		}{{e.anyone[0], "0.0.0.0/0"}, {e.anyone[1], "::/0"}} {
			for _, proto := range []engine.Protocol{engine.ProtoTCP, engine.ProtoUDP} {
				for port := 0; port <= 65535; port++ {
					r := engine.Evaluate(w, engine.Connection{From: anyone.addr.String(), To: m.ID, Protocol: proto, Port: port})
					listed := false
					for _, o := range open {
						if o.From == anyone.from && o.Protocol == proto && o.Ports.Lo <= port && port <= o.Ports.Hi {
							listed = true
						}
					}
					if listed != (r.Outcome != engine.Timeout) {
						t.Fatalf("%s %s/%d from %s: report says %v, Evaluate says %s (%s)", m.ID, proto, port, anyone.from, listed, r.Outcome, r.Reason)
					}
				}
			}
		}
		for _, o := range open {
			if o.From == "0.0.0.0/0" || o.From == "::/0" || !o.Protocol.HasPorts() {
				continue
			}
			probe := e.probeIn(netip.MustParsePrefix(o.From))
			for port := o.Ports.Lo; port <= o.Ports.Hi; port++ {
				if r := engine.Evaluate(w, engine.Connection{From: probe.String(), To: m.ID, Protocol: o.Protocol, Port: port}); r.Outcome == engine.Timeout {
					t.Fatalf("%s lists %s/%d from %s, but Evaluate times out", m.ID, o.Protocol, port, o.From)
				}
			}
		}
	}
	// What the test above checks is not empty: the report has each kind.
	want := map[string][]string{
		"i-web": {"icmp  0.0.0.0/0", "tcp 22 203.0.113.10/32", "tcp 443 0.0.0.0/0", "tcp 8000-8100 ::/0", "udp 1000-2000 198.51.0.0/16"},
		"i-db":  {"icmp  52.0.0.0/8", "tcp all 52.0.0.0/8", "udp all 52.0.0.0/8"},
		"i-v6":  {"tcp 8000-8100 ::/0"},
	}
	for id, list := range want {
		var got []string
		for _, o := range byMachine[id] {
			ports := ""
			if o.Protocol.HasPorts() {
				ports = o.Ports.Format(o.Protocol)
			}
			got = append(got, o.Protocol.String()+" "+ports+" "+o.From)
		}
		if strings.Join(got, "; ") != strings.Join(list, "; ") {
			t.Errorf("%s exposure = %q, want %q", id, got, list)
		}
	}
}

func TestSeverityAndExit(t *testing.T) {
	for _, s := range []string{"high", "medium", "low"} {
		if v, ok := ParseSeverity(s); !ok || v.String() != s {
			t.Errorf("ParseSeverity(%q) = %v, %v", s, v, ok)
		}
	}
	if _, ok := ParseSeverity("critical"); ok {
		t.Errorf("critical is not a severity of --fail-on")
	}
	rep := Run(mustLoad(t, world(`  - { id: sg-a, name: default, vpc: vpc-1, outbound: [] }`, `  - { id: i-1, vpc: vpc-1, private_ip: 10.0.0.10 }`)))
	if rep.Worst() != 0 || len(rep.Findings) != 0 {
		t.Errorf("a clean world has findings: %+v", rep.Findings)
	}
}

// TestExposureWithNetworkACLs: the report agrees with Evaluate on every
// port when a subnet's network ACL lets in less than the groups: a deny of
// one address, a port range cut in two, and replies to the ephemeral
// ports the ACL must let out.
func TestExposureWithNetworkACLs(t *testing.T) {
	w := mustLoad(t, `version: 1
vpcs:
  - { id: vpc-1, cidr: 10.0.0.0/16 }
subnets:
  - { id: subnet-web, vpc: vpc-1, cidr: 10.0.0.0/24, network_acl: acl-web }
network_acls:
  - id: acl-web
    vpc: vpc-1
    inbound:
      - { rule: 10, action: deny, protocol: all, cidr: 198.51.100.0/24 }
      - { rule: 20, action: allow, protocol: tcp, ports: 8000-8049, cidr: 0.0.0.0/0 }
      - { rule: 30, action: allow, protocol: tcp, ports: 22, cidr: 203.0.113.0/24 }
    outbound:
      - { rule: 10, action: allow, protocol: tcp, ports: 1024-65535, cidr: 0.0.0.0/0 }
security_groups:
  - { id: sg-web, vpc: vpc-1, inbound: [{ protocol: tcp, ports: 8000-8100, source: 0.0.0.0/0 }, { protocol: tcp, ports: 22, source: 0.0.0.0/0 }] }
instances:
  - { id: i-web, vpc: vpc-1, private_ip: 10.0.0.10, public_ip: 54.0.0.10, security_groups: [sg-web] }
`)
	e := newExposer(w)
	var open []Open
	for _, x := range Exposures(w) {
		open = x.Open
	}
	var got []string
	for _, o := range open {
		got = append(got, fmt.Sprintf("%s %s %s", o.Protocol, o.Ports.Format(o.Protocol), o.From))
	}
	if strings.Join(got, ", ") != "tcp 22 203.0.113.0/24, tcp 8000-8049 0.0.0.0/0" {
		t.Errorf("exposure: %q", got)
	}
	for port := 0; port <= 65535; port++ {
		r := engine.Evaluate(w, engine.Connection{From: e.anyone[0].String(), To: "i-web", Protocol: engine.ProtoTCP, Port: port})
		listed := port >= 8000 && port <= 8049
		if listed != (r.Outcome != engine.Timeout) {
			t.Fatalf("tcp/%d from anyone: listed %v, Evaluate %s (%s)", port, listed, r.Outcome, r.Reason)
		}
	}
}
