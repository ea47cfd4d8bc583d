package engine_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sglab/sglab/engine"
)

// TestGroupNamesWithPunctuation: a value that is the id or name of a group
// of the VPC is a group reference, whatever characters the name holds.
func TestGroupNamesWithPunctuation(t *testing.T) {
	names := []string{"web:8080", "db/primary", "my group (prod)", "a,b", "team#1", "x.y-z_1", "v6::ish"}
	// Each group lets in, or out, the members of the next one, named by
	// its name; everything else is open.
	world := func(d engine.Direction) *engine.World {
		var b strings.Builder
		b.WriteString("version: 1\nvpcs:\n  - { id: vpc-a, cidr: 10.0.0.0/16 }\nsecurity_groups:\n")
		for k, name := range names {
			next := names[(k+1)%len(names)]
			rules := fmt.Sprintf("    inbound: [{ protocol: tcp, ports: 80, source: %q }]\n", next)
			if d == engine.Outbound {
				rules = fmt.Sprintf("    inbound: [{ protocol: all, source: 10.0.0.0/16 }]\n    outbound: [{ protocol: tcp, ports: 80, destination: %q }]\n", next)
			}
			fmt.Fprintf(&b, "  - id: sg-%d\n    name: %q\n    vpc: vpc-a\n%s", k, name, rules)
		}
		b.WriteString("instances:\n")
		for k, name := range names {
			fmt.Fprintf(&b, "  - { id: i-%d, vpc: vpc-a, private_ip: 10.0.0.%d, security_groups: [%q], listening: [tcp/80] }\n", k, 10+k, name)
		}
		return mustLoad(t, b.String())
	}
	for _, d := range []engine.Direction{engine.Inbound, engine.Outbound} {
		w := world(d)
		for k := range names {
			next := (k + 1) % len(names)
			if r := w.Group(fmt.Sprintf("sg-%d", k)).Rules(d)[0]; r.Peer.Group != fmt.Sprintf("sg-%d", next) {
				t.Errorf("%s %s rule: peer %+v, want a reference to sg-%d", names[k], d, r.Peer, next)
			}
			// The reference matches the next group's members.
			from, to := fmt.Sprintf("i-%d", next), fmt.Sprintf("i-%d", k)
			if d == engine.Outbound {
				from, to = to, from
			}
			if r := engine.Evaluate(w, tcp(from, to, 80)); r.Reason != engine.Allowed {
				t.Errorf("%s -> %s: %s, want allowed by the %s rule of %q", from, to, r.Reason, d, names[k])
			}
		}
		// Saved and read back, the references stay references.
		checkRoundTrip(t, w)
	}
}

// posOf is where needle first starts in src, as "LINE:COL".
func posOf(src, needle string) string {
	k := strings.Index(src, needle)
	line := strings.Count(src[:k], "\n") + 1
	col := utf8.RuneCountInString(src[strings.LastIndex(src[:k], "\n")+1:k]) + 1
	return fmt.Sprintf("%d:%d", line, col)
}

// TestGroupNameThatIsAnAddress: so that no value means two things, a group
// name (or id) that is an IP address or a CIDR is refused.
func TestGroupNameThatIsAnAddress(t *testing.T) {
	for _, name := range []string{"10.0.0.5", "10.0.0.0/8", "2001:db8::1", "::/0", "::ffff:1.2.3.4"} {
		src := "version: 1\nvpcs:\n  - { id: vpc-a, cidr: 10.0.0.0/16 }\nsecurity_groups:\n  - { id: sg-a, name: \"" + name + "\", vpc: vpc-a }\n"
		_, ds := engine.Parse("case.yaml", []byte(src))
		if !hasDiagnostic(ds, posOf(src, `"`+name), engine.CodeInvalidValue, "is an IP address or CIDR") {
			t.Errorf("group name %q: %v", name, ds)
		}
	}
	src := "version: 1\nvpcs:\n  - { id: vpc-a, cidr: 10.0.0.0/16 }\nsecurity_groups:\n  - { id: \"10.9.0.0/16\", name: x, vpc: vpc-a }\n"
	_, ds := engine.Parse("case.yaml", []byte(src))
	if !hasDiagnostic(ds, posOf(src, `"10.9`), engine.CodeInvalidValue, "group id \"10.9.0.0/16\" is an IP address or CIDR") {
		t.Errorf("group id: %v", ds)
	}
	w := mustLoad(t, mutateWorld)
	_, err := w.CreateGroup(engine.Group{Name: "203.0.113.0/24", VPC: "vpc-a", Description: "a range"})
	assertCode(t, err, engine.CodeInvalidValue)
}

// hasDiagnostic reports whether one of ds is at pos ("LINE:COL") with code
// and a message holding text.
func hasDiagnostic(ds engine.Diagnostics, pos, code, text string) bool {
	for _, d := range ds {
		if fmt.Sprintf("%d:%d", d.Pos.Line, d.Pos.Col) == pos && d.Code == code && strings.Contains(d.Message, text) {
			return true
		}
	}
	return false
}

func assertCode(t *testing.T, err error, code string) {
	t.Helper()
	e, ok := err.(*engine.Error)
	if !ok || e.Code != code {
		t.Errorf("error %v, want one with code %s", err, code)
	}
}

// TestIPv4MappedAddresses: an IPv4-mapped IPv6 address, with or without a
// prefix length, is refused wherever an address or a CIDR is expected.
func TestIPv4MappedAddresses(t *testing.T) {
	base := `version: 1
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16, ipv6_cidr: 2600:1f18:a::/56 }
security_groups:
  - id: sg-a
    vpc: vpc-a
    inbound:
      - { protocol: tcp, ports: 22, source: 203.0.113.7 }
instances:
  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.10, public_ip: 54.210.0.10, ipv6: 2600:1f18:a::10, security_groups: [sg-a] }
hosts:
  - { id: h, ip: 203.0.113.7 }
connections:
  - { from: h, to: i-a, port: 22 }
`
	for _, tt := range []struct{ old, new string }{
		{"source: 203.0.113.7 }", `source: "::ffff:203.0.113.7" }`},
		{"source: 203.0.113.7 }", `source: "::ffff:203.0.113.0/120" }`},
		{"source: 203.0.113.7 }", `source: "0:0:0:0:0:ffff:cb00:7107" }`},
		{"cidr: 10.0.0.0/16,", `cidr: "::ffff:10.0.0.0/112",`},
		{"private_ip: 10.0.0.10,", `private_ip: "::ffff:10.0.0.10",`},
		{"public_ip: 54.210.0.10,", `public_ip: "::ffff:54.210.0.10",`},
		{"ip: 203.0.113.7 }", `ip: "::ffff:203.0.113.7" }`},
		{"from: h,", `from: "::ffff:203.0.113.7",`},
		{"to: i-a,", `to: "::ffff:54.210.0.10",`},
	} {
		src := strings.Replace(base, tt.old, tt.new, 1)
		_, ds := engine.Parse("case.yaml", []byte(src))
		if at := posOf(src, tt.new[strings.Index(tt.new, `"`):]); !hasDiagnostic(ds, at, engine.CodeInvalidValue, "IPv4-mapped") {
			t.Errorf("%s: want an error at %s: %v", tt.new, at, ds)
		}
	}
	// Evaluation never takes one for the IPv4 address it maps.
	w := mustLoad(t, base)
	if r := engine.Evaluate(w, tcp("::ffff:203.0.113.7", "i-a", 22)); r.Reason != engine.Unreachable {
		t.Errorf("from an IPv4-mapped address: %s", r.Reason)
	}
	if err := w.ValidateConnection(tcp("h", "::ffff:54.210.0.10", 22)); err == nil || !strings.Contains(err.Error(), "IPv4-mapped") {
		t.Errorf("ValidateConnection: %v", err)
	}
	// Nor does the mutation API store one.
	mapped := netip.MustParsePrefix("::ffff:203.0.113.0/120")
	assertCode(t, w.AddRule("sg-a", engine.Inbound, engine.Rule{Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: 80, Hi: 80}, Peer: engine.Peer{CIDR: mapped}}), engine.CodeInvalidValue)
	_, err := w.AddHost(engine.Host{ID: "h2", IP: netip.MustParseAddr("::ffff:198.51.100.1")})
	assertCode(t, err, engine.CodeInvalidValue)
}

// TestPortsReportTheValueGiven: a bad port range names what was written.
func TestPortsReportTheValueGiven(t *testing.T) {
	for _, ports := range []string{"-1", "10-", "-", "1-2-3", "a-b", "22-x"} {
		_, err := engine.ParsePorts(engine.ProtoTCP, ports)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%q", ports)) {
			t.Errorf("ParsePorts(tcp, %q) = %v: the error must name %q", ports, err, ports)
		}
	}
	src := "version: 1\nvpcs:\n  - { id: vpc-a, cidr: 10.0.0.0/16 }\nsecurity_groups:\n  - id: sg-a\n    vpc: vpc-a\n    inbound: [{ protocol: tcp, ports: -1, source: 0.0.0.0/0 }]\n"
	_, ds := engine.Parse("case.yaml", []byte(src))
	if !hasDiagnostic(ds, posOf(src, "-1"), engine.CodeInvalidValue, `ports "-1" is not a port 0-65535`) {
		t.Errorf("ports: -1: %v", ds)
	}
}

// TestTextIsOneLineOfPrintableText: names, ids and descriptions may not
// hold control characters, line breaks or tabs, at load (at the field) and
// in every change.
func TestTextIsOneLineOfPrintableText(t *testing.T) {
	base := `version: 1
name: W
description: D
region: us-east-1
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16, region: eu-west-1 }
security_groups:
  - id: sg-a
    name: web
    vpc: vpc-a
    description: Web
    inbound: [{ protocol: tcp, ports: 80, source: 0.0.0.0/0, description: HTTP }]
instances:
  - { id: i-a, name: web-1, vpc: vpc-a, private_ip: 10.0.0.10, security_groups: [sg-a] }
hosts:
  - { id: h, name: laptop, ip: 203.0.113.7 }
`
	fields := []string{"name: W", "description: D", "region: us-east-1", "region: eu-west-1", "id: vpc-a", "id: sg-a", "name: web",
		"description: Web", "description: HTTP", "id: i-a", "name: web-1", "id: h", "name: laptop"}
	for _, bad := range []string{`\e]52;c;Y3VybA==\a`, `\x1b[2J`, `line\nbreak`, `tab\there`, `\u009b31m`, `\x7f`, `right\u202eleft`} {
		for _, f := range fields {
			key, value, _ := strings.Cut(f, ": ")
			src := strings.Replace(base, f, key+`: "`+value+bad+`"`, 1)
			// The field's value starts at its quote.
			line := strings.Count(src[:strings.Index(src, key+`: "`+value+bad)], "\n") + 1
			lineText := strings.Split(src, "\n")[line-1]
			at := fmt.Sprintf("%d:%d", line, strings.Index(lineText, key+`: "`)+len(key)+3)
			_, ds := engine.Parse("case.yaml", []byte(src))
			if !hasDiagnostic(ds, at, engine.CodeInvalidValue, "one line of printable text") {
				t.Errorf("%s with %s: want an error at %s: %v", key, bad, at, ds)
			}
			for _, d := range ds {
				if strings.ContainsAny(d.Message, "\x1b\x07\n\t\x7f\u009b\u202e") {
					t.Errorf("the message carries the control character: %q", d.Message)
				}
			}
		}
	}
	w := mustLoad(t, base)
	_, err := w.CreateGroup(engine.Group{Name: "evil\x1b]0;pwned\x07", VPC: "vpc-a", Description: "evil"})
	assertCode(t, err, engine.CodeInvalidValue)
	_, err = w.CreateGroup(engine.Group{Name: "ok", Description: "two\nlines", VPC: "vpc-a"})
	assertCode(t, err, engine.CodeInvalidValue)
	_, err = w.LaunchInstance(engine.Instance{Name: "bad\xffutf8", VPC: "vpc-a"})
	assertCode(t, err, engine.CodeInvalidValue)
	_, err = w.AddHost(engine.Host{Name: "tab\there", IP: netip.MustParseAddr("198.51.100.9")})
	assertCode(t, err, engine.CodeInvalidValue)
	assertCode(t, w.AddRule("sg-a", engine.Inbound, engine.Rule{Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: 22, Hi: 22},
		Peer: engine.CIDRPeer(netip.MustParsePrefix("203.0.113.0/24")), Description: "\x9b"}), engine.CodeInvalidValue)
}

// TestIPv6PathRules holds step 1 of the contract's evaluation to each of
// its sentences, on a world where every group lets everything in and out,
// so that only the addresses decide.
func TestIPv6PathRules(t *testing.T) {
	w := mustLoad(t, `version: 1
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16, ipv6_cidr: "2600:1f18:a::/56" }
  - { id: vpc-b, cidr: 10.1.0.0/16, ipv6_cidr: "2600:1f18:b::/56" }
  - { id: vpc-c, cidr: 10.2.0.0/16 }
security_groups:
  - { id: sg-a, vpc: vpc-a, inbound: [{ protocol: all, source: 0.0.0.0/0 }, { protocol: all, source: "::/0" }] }
  - { id: sg-b, vpc: vpc-b, inbound: [{ protocol: all, source: 0.0.0.0/0 }, { protocol: all, source: "::/0" }] }
  - { id: sg-c, vpc: vpc-c, inbound: [{ protocol: all, source: 0.0.0.0/0 }] }
instances:
  - { id: a1, vpc: vpc-a, private_ip: 10.0.0.10, public_ip: 54.0.0.10, ipv6: "2600:1f18:a::10", security_groups: [sg-a], listening: [tcp/80] }
  - { id: a2, vpc: vpc-a, private_ip: 10.0.0.11, ipv6: "2600:1f18:a::11", security_groups: [sg-a], listening: [tcp/80] }
  - { id: a3, vpc: vpc-a, private_ip: 10.0.0.12, public_ip: 54.0.0.12, security_groups: [sg-a], listening: [tcp/80] }
  - { id: b1, vpc: vpc-b, private_ip: 10.1.0.10, public_ip: 54.0.1.10, ipv6: "2600:1f18:b::10", security_groups: [sg-b], listening: [tcp/80] }
  - { id: c1, vpc: vpc-c, private_ip: 10.2.0.10, public_ip: 54.0.2.10, security_groups: [sg-c], listening: [tcp/80] }
hosts:
  - { id: h4, ip: 203.0.113.4, listening: [tcp/80] }
  - { id: h6, ip: "2001:db8::6", listening: [tcp/80] }
`)
	type path struct {
		from, to, src, dst string
		private            bool
	}
	const none = "" // unreachable: no address to use
	sentences := []struct {
		sentence string
		paths    []path
	}{
		{"`to` names an instance: if `from` is an instance in the same VPC the connection uses private addresses", []path{
			{"a1", "a2", "10.0.0.10", "10.0.0.11", true}, {"a2", "a3", "10.0.0.11", "10.0.0.12", true}}},
		{"otherwise it goes over the internet (destination's public_ip, source's public_ip or the host's ip)", []path{
			{"c1", "a1", "54.0.2.10", "54.0.0.10", false}, {"h4", "a1", "203.0.113.4", "54.0.0.10", false}}},
		{"a private IP is reachable only from instances of the same VPC (then private addresses on both ends)", []path{
			{"a1", "10.0.0.11", "10.0.0.10", "10.0.0.11", true}, {"b1", "10.0.0.11", none, none, false}, {"h4", "10.0.0.11", none, none, false}}},
		{"a public IP or host IP from anywhere (then the source is seen by its public address even inside one VPC)", []path{
			{"a3", "54.0.0.10", "54.0.0.12", "54.0.0.10", false}, {"b1", "203.0.113.4", "54.0.1.10", "203.0.113.4", false},
			{"a2", "54.0.0.10", none, none, false}}},
		{"IPv6 literals use the instances' `ipv6` and hosts' IPv6 `ip` on both ends", []path{
			{"h6", "2600:1f18:a::10", "2001:db8::6", "2600:1f18:a::10", false}, {"a1", "2001:db8::6", "2600:1f18:a::10", "2001:db8::6", false},
			{"b1", "2600:1f18:a::10", "2600:1f18:b::10", "2600:1f18:a::10", false}}},
		{"an IPv6 literal of an instance of the source's own VPC is a private path (group references match)", []path{
			{"a2", "2600:1f18:a::10", "2600:1f18:a::11", "2600:1f18:a::10", true}}},
		{"over the internet, to a named target, a host with an IPv6 `ip` reaches an instance at its `ipv6`", []path{
			{"h6", "a1", "2001:db8::6", "2600:1f18:a::10", false}, {"h6", "a2", "2001:db8::6", "2600:1f18:a::11", false}, {"h6", "a3", none, none, false}}},
		{"an instance reaches an IPv6-only host from its own `ipv6`", []path{
			{"a1", "h6", "2600:1f18:a::10", "2001:db8::6", false}, {"a2", "h6", "2600:1f18:a::11", "2001:db8::6", false},
			{"a3", "h6", none, none, false}, {"c1", "h6", none, none, false}}},
		{"between instances of two VPCs, named targets use public IPv4", []path{
			{"b1", "a1", "54.0.1.10", "54.0.0.10", false}, {"a1", "b1", "54.0.0.10", "54.0.1.10", false}, {"b1", "a2", none, none, false}}},
		{"no address to use: no public IP on either end, another VPC's private IP, an address nobody has, an IPv6 target from a source without IPv6", []path{
			{"a2", "h4", none, none, false}, {"h4", "a2", none, none, false}, {"b1", "10.0.0.10", none, none, false},
			{"h4", "54.9.9.9", none, none, false}, {"h4", "2001:db8::99", none, none, false}, {"10.0.9.9", "a1", none, none, false},
			{"a3", "2600:1f18:a::10", none, none, false}, {"h4", "2600:1f18:a::10", none, none, false}}},
	}
	for _, s := range sentences {
		for _, p := range s.paths {
			r := engine.Evaluate(w, tcp(p.from, p.to, 80))
			want := engine.Allowed
			if p.src == none {
				want = engine.Unreachable
			}
			got := path{p.from, p.to, r.SrcAddr.String(), r.DstAddr.String(), r.Private}
			if want == engine.Unreachable {
				got.src, got.dst = none, none
			}
			if r.Reason != want || got != p {
				t.Errorf("%s:\n  %s -> %s: %s %s -> %s private=%v; want %s %s -> %s private=%v",
					s.sentence, p.from, p.to, r.Reason, r.SrcAddr, r.DstAddr, r.Private, want, p.src, p.dst, p.private)
			}
			// The reference evaluator reads the sentences the same way.
			if ref := refDecide(newRefWorld(w).evaluate(tcp(p.from, p.to, 80))); ref != want {
				t.Errorf("%s -> %s: the reference says %s", p.from, p.to, ref)
			}
		}
	}
}
