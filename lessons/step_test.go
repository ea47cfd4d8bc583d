package lessons

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/sglab/sglab/engine"
)

// parseSteps reads a YAML list of solution steps.
func parseSteps(t *testing.T, src string) ([]Step, engine.Diagnostics) {
	t.Helper()
	var ds engine.Diagnostics
	r := &reader{file: "steps.yaml", diags: &ds}
	var steps []Step
	items := r.parse(src, "steps").Items
	for k := range items {
		n := &items[k]
		if s, ok := parseStep(r, n, nil); ok {
			steps = append(steps, s)
		}
	}
	return steps, ds
}

func oneStep(t *testing.T, src string) Step {
	t.Helper()
	steps, ds := parseSteps(t, src)
	if ds.HasErrors() || len(steps) != 1 {
		t.Fatalf("want one step from %s, got %d:\n%s", src, len(steps), ds.Error())
	}
	return steps[0]
}

func TestSteps(t *testing.T) {
	tests := []struct {
		name, step, text string
		check            func(w *engine.World) bool
	}{
		{"add an inbound rule", "- add-rule: { group: sg-web, protocol: tcp, ports: 443, source: 0.0.0.0/0, description: HTTPS }",
			"Add an inbound rule to sg-web: tcp 443 from 0.0.0.0/0",
			func(w *engine.World) bool {
				r := w.Group("sg-web").Inbound
				return len(r) == 2 && r[1].Ports == engine.PortRange{Lo: 443, Hi: 443} && r[1].Description == "HTTPS"
			}},
		{"add an outbound rule", "- add-rule: { group: app-sg, direction: outbound, protocol: udp, ports: 53, destination: 10.0.0.2 }",
			"Add an outbound rule to app-sg: udp 53 to 10.0.0.2",
			func(w *engine.World) bool {
				r := w.Group("sg-app").Outbound
				return len(r) == 2 && r[1].Protocol == engine.ProtoUDP && r[1].Peer.CIDR.Bits() == 32
			}},
		{"add a rule referencing a group", "- add-rule: { group: app-sg, protocol: tcp, ports: 9000-9100, source: admin-ssh }",
			"Add an inbound rule to app-sg: tcp 9000-9100 from admin-ssh",
			func(w *engine.World) bool { return w.Group("sg-app").Inbound[2].Peer.Group == "sg-admin" }},
		{"add a self rule", "- add-rule: { group: app-sg, protocol: icmp, source: self }",
			"Add an inbound rule to app-sg: icmp from self",
			func(w *engine.World) bool {
				r := w.Group("sg-app").Inbound[2]
				return r.Peer.Group == "sg-app" && r.Ports == engine.AnyICMP
			}},
		{"add a rule in a named VPC", "- add-rule: { group: web-sg, vpc: vpc-b, protocol: all, source: \"::/0\" }",
			"Add an inbound rule to web-sg: all from ::/0",
			func(w *engine.World) bool { return len(w.Group("sg-web-b").Inbound) == 1 }},
		{"remove a rule by content", "- remove-rule: { group: app-sg, protocol: tcp, ports: 8080, source: web-sg }",
			"Remove the inbound rule tcp 8080 from web-sg from app-sg",
			func(w *engine.World) bool {
				r := w.Group("sg-app").Inbound
				return len(r) == 1 && !r[0].Peer.IsGroup()
			}},
		{"create a group in the only VPC", "- create-group: { name: db-sg, vpc: vpc-a, description: Databases }",
			"Create a security group named db-sg in vpc-a",
			func(w *engine.World) bool { return w.FindGroup("vpc-a", "db-sg") != nil }},
		{"delete a group", "- delete-group: { group: admin-ssh, vpc: vpc-b }",
			"Delete the security group admin-ssh",
			func(w *engine.World) bool { return w.Group("sg-spare-b") == nil && w.Group("sg-admin") != nil }},
		{"attach a group", "- attach-group: { group: app-sg, instance: web-1 }",
			"Attach app-sg to web-1",
			func(w *engine.World) bool { return slices.Contains(w.Instance("web-1").Groups, "sg-app") }},
		{"attach looks in the instance's VPC", "- attach-group: { group: web-sg, instance: app-1 }",
			"Attach web-sg to app-1",
			func(w *engine.World) bool { return slices.Contains(w.Instance("app-1").Groups, "sg-web") }},
		{"detach a group", "- detach-group: { group: admin-ssh, instance: web-1 }",
			"Detach admin-ssh from web-1",
			func(w *engine.World) bool { return !slices.Contains(w.Instance("web-1").Groups, "sg-admin") }},
		{"start a service on a host", "- start-service: { on: your computer, service: tcp/8080 }",
			"Start a service listening on tcp/8080 on your computer",
			func(w *engine.World) bool { return len(w.Host("laptop").Listening) == 1 }},
		{"start a service on an instance", "- start-service: { on: web-1, service: 443 }",
			"Start a service listening on tcp/443 on web-1",
			func(w *engine.World) bool { return len(w.Instance("web-1").Listening) == 3 }},
		{"stop a service", "- stop-service: { on: web-1, service: tcp/22 }",
			"Stop the service listening on tcp/22 on web-1",
			func(w *engine.World) bool { return len(w.Instance("web-1").Listening) == 1 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := oneStep(t, tc.step)
			if s.Text != tc.text {
				t.Errorf("text %q, want %q", s.Text, tc.text)
			}
			w := world(t, twoVPCs)
			if err := s.Apply(w); err != nil {
				t.Fatal(err)
			}
			if !tc.check(w) {
				t.Errorf("the step did not make its change")
			}
		})
	}
}

func TestCreateGroupWithoutVPC(t *testing.T) {
	s := oneStep(t, "- create-group: { name: db-sg, description: Databases }")
	if err := s.Apply(world(t, scenarioYAML)); err != nil {
		t.Errorf("in a world with one VPC the VPC goes without saying: %v", err)
	}
	assertCode(t, s.Apply(world(t, twoVPCs)), engine.CodeMissingField)
}

// TestStepErrors checks that a step the world does not allow fails with
// AWS's code and changes nothing.
func TestStepErrors(t *testing.T) {
	tests := []struct{ name, step, code string }{
		{"remove a rule that is not there", "- remove-rule: { group: web-sg, vpc: vpc-a, protocol: tcp, ports: 81, source: 0.0.0.0/0 }", engine.CodePermissionNotFound},
		{"remove a rule referencing a missing group", "- remove-rule: { group: app-sg, protocol: tcp, ports: 8080, source: db-sg }", engine.CodeGroupNotFound},
		{"add a duplicate rule", "- add-rule: { group: web-sg, vpc: vpc-a, protocol: tcp, ports: 80, source: 0.0.0.0/0 }", engine.CodePermissionDup},
		{"a group of another VPC", "- attach-group: { group: sg-web-b, instance: web-1 }", engine.CodeInvalidParameter},
		{"a group nobody has", "- attach-group: { group: db-sg, instance: web-1 }", engine.CodeGroupNotFound},
		{"an instance nobody has", "- detach-group: { group: web-sg, instance: web-9 }", engine.CodeInstanceNotFound},
		{"delete an attached group", "- delete-group: { group: admin-ssh, vpc: vpc-a }", engine.CodeDependency},
		{"delete a group nobody has", "- delete-group: { group: db-sg }", engine.CodeGroupNotFound},
		{"detach the last group", "- detach-group: { group: app-sg, instance: app-1 }", engine.CodeInvalidValue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := world(t, twoVPCs)
			before := string(engine.Marshal(w))
			assertCode(t, oneStep(t, tc.step).Apply(w), tc.code)
			if string(engine.Marshal(w)) != before {
				t.Error("a failed step changed the world")
			}
		})
	}
}

func TestAmbiguousGroupName(t *testing.T) {
	err := oneStep(t, "- add-rule: { group: web-sg, protocol: tcp, ports: 81, source: 0.0.0.0/0 }").Apply(world(t, twoVPCs))
	assertCode(t, err, engine.CodeInvalidParameter)
	if err == nil || !strings.Contains(err.Error(), "vpc-a and vpc-b each have a group named web-sg") {
		t.Errorf("got %v", err)
	}
}

func assertCode(t *testing.T, err error, code string) {
	t.Helper()
	var e *engine.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Errorf("got %v, want an error with code %s", err, code)
	}
}

func TestParseStepErrors(t *testing.T) {
	_, ds := parseSteps(t, `
- add-rule: { group: web-sg, direction: sideways, protocol: tcp, ports: 80, source: 0.0.0.0/0 }
- add-rule: { group: web-sg, protocol: tcp, source: 0.0.0.0/0 }
- add-rule: { group: web-sg, protocol: tcpp, ports: 80, source: 0.0.0.0/0 }
- remove-rule: { group: web-sg, protocol: tcp, ports: 80, source: 0.0.0.0/0, description: x }
- add-rule: { group: app-sg, direction: outbound, protocol: tcp, ports: 80, source: 0.0.0.0/0 }
- start-service: { on: web-1, service: icmp/8 }
- attach-group:
- {}
`)
	for _, want := range []string{
		"steps.yaml:2:41: InvalidParameterValue: direction is inbound or outbound",
		"steps.yaml:3:15: MissingField: a tcp rule needs `ports` (a port, a range such as \"1024-65535\", or all)",
		"steps.yaml:4:40: InvalidParameterValue: protocol \"tcpp\"",
		"steps.yaml:5:91: UnknownField: a rule to remove is found by protocol, ports and source",
		"steps.yaml:6:85: InvalidParameterValue: an outbound rule has a destination, not a source",
		"steps.yaml:7:40: InvalidParameterValue: service \"icmp/8\"",
		"steps.yaml:8:16: MissingField: the `attach-group` step is empty",
		"steps.yaml:9:3: MissingField: a solution step is one operation, such as `- add-rule: { ... }`; this one is empty",
	} {
		if !strings.Contains(ds.Error(), want) {
			t.Errorf("want %q in:\n%s", want, ds.Error())
		}
	}
}

// TestStepPeers: a step's source is read by the scenario format's own
// decoder, so a step takes what a file takes, the VPC's default group by
// its id among them, and refuses what a file refuses.
func TestStepPeers(t *testing.T) {
	for src, want := range map[string]engine.Peer{
		"self":             engine.GroupPeer("sg-app"),
		"web-sg":           engine.GroupPeer("sg-web"),
		"sg-admin":         engine.GroupPeer("sg-admin"),
		"vpc-a/default":    engine.GroupPeer("vpc-a/default"),
		"203.0.113.10":     engine.CIDRPeer(mustPrefix("203.0.113.10/32")),
		"203.0.113.99/24":  engine.CIDRPeer(mustPrefix("203.0.113.0/24")),
		`"::/0"`:           engine.CIDRPeer(mustPrefix("::/0")),
		`"2001:db8::1/64"`: engine.CIDRPeer(mustPrefix("2001:db8::/64")),
	} {
		w := world(t, twoVPCs)
		if err := oneStep(t, "- add-rule: { group: app-sg, protocol: tcp, ports: 7000, source: "+src+" }").Apply(w); err != nil {
			t.Errorf("source %s: %v", src, err)
			continue
		}
		in := w.Group("sg-app").Inbound
		if got := in[len(in)-1].Peer; got.CIDR != want.CIDR || got.Group != want.Group {
			t.Errorf("source %s: the rule's peer is %+v, want %+v", src, got, want)
		}
	}
	for _, src := range []string{"10.0.0.300", "10.0.0.0/40", "1.2.3", `"fe80::1%eth0"`, `"::ffff:203.0.113.7"`} {
		err := oneStep(t, "- add-rule: { group: app-sg, protocol: tcp, ports: 7000, source: "+src+" }").Apply(world(t, twoVPCs))
		assertCode(t, err, engine.CodeInvalidValue)
	}
}

func mustPrefix(s string) netip.Prefix {
	p, _, err := engine.ParseCIDR(s)
	if err != nil {
		panic(err)
	}
	return p
}
