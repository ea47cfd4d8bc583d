package lessons

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/sglab/sglab/engine"
)

// exposureGoals parses goals and fails the test on any error.
func exposureGoals(t *testing.T, src string, w *engine.World) []Goal {
	t.Helper()
	goals, ds := parseGoals(t, src, w)
	if ds.HasErrors() {
		t.Fatalf("unexpected errors:\n%s", ds.Error())
	}
	return goals
}

func TestExposureGoal(t *testing.T) {
	w := world(t, twoVPCs)
	// In the test world web-1 lets in tcp/80 from anywhere and tcp/22 from
	// your computer; app-1 lets in tcp/8080 from web-sg and from web-1's
	// private address; app-1 has no public IP.
	goals := exposureGoals(t, `
- { exposure: { instance: web-1, inbound: [{ port: 80, from: anywhere }, { port: 22, from: your computer }] } }
- { exposure: { instance: app-1, inbound: [{ port: 8080, from: web-sg }] } }
- { exposure: { instance: web-1, outbound: [] } }
- { exposure: { instance: app-1, inbound: [], outbound: [{ protocol: icmp, to: anywhere }] } }
`, w)
	labels := []string{
		"web-1 lets in only tcp/80 from anywhere and tcp/22 from your computer",
		"app-1 lets in only tcp/8080 from web-sg",
		"web-1 starts no connection",
		"Nothing gets in to app-1; app-1 reaches only icmp echo to anywhere",
	}
	for k, g := range goals {
		if g.Label != labels[k] {
			t.Errorf("goal %d: label %q, want %q", k+1, g.Label, labels[k])
		}
	}
	byWorld := func(w *engine.World) []GoalStatus { return (&Challenge{Goals: goals}).Check(w).Goals }
	st := byWorld(w)
	if !st[0].Met || !st[1].Met {
		t.Errorf("the test world is exactly what the first two goals allow: %q, %q", st[0].Why, st[1].Why)
	}
	if st[2].Met || !strings.HasPrefix(st[2].Why, "web-1 can also reach your computer on tcp/1, through web-sg's outbound rule all traffic to 0.0.0.0/0.") {
		t.Errorf("web-1 has the default outbound rule: %q", st[2].Why)
	}
	if st[3].Met || !strings.HasPrefix(st[3].Why, "web-1 also gets in to app-1 on tcp/8080, through app-sg's inbound rule tcp 8080 from web-sg.") {
		t.Errorf("app-1 lets web-1 in: %q", st[3].Why)
	}

	tests := []struct {
		name   string
		change func(w *engine.World) error
		goal   int
		why    string // the start of the reason; empty when the goal is still met
	}{
		{"a /24 for SSH", func(w *engine.World) error {
			return w.AddRule("sg-admin", engine.Inbound, rule(engine.ProtoTCP, 22, 22, "203.0.113.0/24"))
		}, 0, "203.0.113.1 (inside the source 203.0.113.0/24 of admin-ssh) also gets in to web-1 on tcp/22, through admin-ssh's inbound rule tcp 22 from 203.0.113.0/24."},
		{"a range of ports one too wide", func(w *engine.World) error {
			return w.AddRule("sg-web", engine.Inbound, rule(engine.ProtoTCP, 80, 81, "0.0.0.0/0"))
		}, 0, "your computer also gets in to web-1 on tcp/81, through web-sg's inbound rule tcp 80-81 from 0.0.0.0/0."},
		{"udp as well", func(w *engine.World) error {
			return w.AddRule("sg-web", engine.Inbound, rule(engine.ProtoUDP, 80, 80, "0.0.0.0/0"))
		}, 0, "your computer also gets in to web-1 on udp/80"},
		{"ping over IPv6", func(w *engine.World) error {
			return w.AddRule("sg-web", engine.Inbound, rule(engine.ProtoICMPv6, engine.AnyPort, engine.AnyPort, "::/0"))
		}, 0, ""}, // web-1 has no IPv6 address: nobody can ping it that way
		{"a narrower rule adds nothing", func(w *engine.World) error {
			return w.AddRule("sg-web", engine.Inbound, rule(engine.ProtoTCP, 80, 80, "198.51.100.0/24"))
		}, 0, ""},
		{"the VPC's range instead of the group", func(w *engine.World) error {
			return w.AddRule("sg-app", engine.Inbound, rule(engine.ProtoTCP, 8080, 8080, "10.0.0.0/16"))
		}, 1, ""}, // nobody else is in the VPC...
		{"app-1 with no public IP, open to outside addresses", func(w *engine.World) error {
			return w.AddRule("sg-app", engine.Inbound, rule(engine.ProtoTCP, 5432, 5432, "198.51.100.0/24"))
		}, 1, "app-1 has no public IP, but its groups are open anyway: were it given one, someone else's computer also gets in to app-1 on tcp/5432"},
		{"app-1 open to the world reaches the VPC too", func(w *engine.World) error {
			return w.AddRule("sg-app", engine.Inbound, rule(engine.ProtoTCP, 5432, 5432, "0.0.0.0/0"))
		}, 1, "web-1 also gets in to app-1 on tcp/5432, through app-sg's inbound rule tcp 5432 from 0.0.0.0/0."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := byWorld(change(t, w, tc.change))[tc.goal]
			switch {
			case tc.why == "" && !st.Met:
				t.Errorf("the goal should still be met: %s", st.Why)
			case tc.why != "" && (st.Met || !strings.HasPrefix(st.Why, tc.why)):
				t.Errorf("got met=%v why=%q, want why %q", st.Met, st.Why, tc.why)
			}
		})
	}

	// ...but a second instance in the VPC shows the VPC's range for what
	// it is.
	crowded := change(t, w, func(w *engine.World) error {
		if err := w.AddRule("sg-app", engine.Inbound, rule(engine.ProtoTCP, 8080, 8080, "10.0.0.0/16")); err != nil {
			return err
		}
		_, err := w.LaunchInstance(engine.Instance{ID: "i-batch1", Name: "batch-1", VPC: "vpc-a", Groups: []string{"sg-admin"}})
		return err
	})
	if st := byWorld(crowded)[1]; st.Met || !strings.HasPrefix(st.Why, "batch-1 also gets in to app-1 on tcp/8080, through app-sg's inbound rule tcp 8080 from 10.0.0.0/16.") {
		t.Errorf("batch-1 gets in through the VPC's range: %+v", st)
	}
}

func TestExposureGoalErrors(t *testing.T) {
	w := world(t, twoVPCs)
	_, ds := parseGoals(t, `
- { exposure: { instance: web-1 } }
- { exposure: { instance: web-1, inbound: [{ port: 22 }] } }
- { exposure: { instance: web-1, inbound: [{ protocol: icmp, port: 8, from: anywhere }] } }
- { exposure: { instance: web-1, outbound: [{ port: 22, from: anywhere }] } }
- { exposure: { instance: web-1, inbound: [{ protocol: all, port: 22, from: anywhere }] } }
- { exposure: { instance: web-1, inbound: [{ port: ssh, from: anywhere }] } }
`, w)
	for _, want := range []string{
		"goals.yaml:2:17: MissingField: an exposure goal lists what may come in (`inbound`), what may go out (`outbound`), or both",
		"goals.yaml:3:46: MissingField: an item of `inbound` needs `from`",
		"goals.yaml:4:68: InvalidParameterValue: icmp has no ports: leave `port` out",
		"goals.yaml:5:57: UnknownField: an item of `outbound` has no field `from` (it takes protocol, port, to)",
		"goals.yaml:6:56: InvalidParameterValue: the protocol of an item of `inbound` is tcp, udp, icmp or icmpv6",
		`goals.yaml:7:52: InvalidParameterValue: port "ssh" is not a number from 0 to 65535`,
	} {
		if !strings.Contains(ds.Error(), want) {
			t.Errorf("want %q in:\n%s", want, ds.Error())
		}
	}

	goals := exposureGoals(t, `- { exposure: { instance: web-1, inbound: [{ port: 80, from: nobody }] } }`, w)
	st := (&Challenge{Goals: goals}).Check(w).Goals[0]
	if st.Met || st.Why != `the exposure goal names "nobody", which is no host, instance or security group of web-1's VPC (or write anywhere)` {
		t.Errorf("a peer that names nothing: %+v", st)
	}
}

func TestInside(t *testing.T) {
	tests := []struct {
		cidr string
		want []string
	}{
		{"203.0.113.10/32", []string{"203.0.113.10"}},
		{"203.0.113.0/24", []string{"203.0.113.1", "203.0.113.254", "203.0.113.128"}},
		{"203.0.0.0/16", []string{"203.0.0.1", "203.0.255.254", "203.0.128.0"}},
		{"0.0.0.0/0", []string{"0.0.0.1", "255.255.255.254", "128.0.0.0"}},
		{"203.0.113.8/29", []string{"203.0.113.9", "203.0.113.14", "203.0.113.12"}},
		{"2001:db8::/32", []string{"2001:db8::1", "2001:db8:ffff:ffff:ffff:ffff:ffff:fffe", "2001:db8:8000::"}},
	}
	for _, tc := range tests {
		var got []string
		for _, a := range inside(netip.MustParsePrefix(tc.cidr)) {
			got = append(got, a.String())
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("inside(%s) = %v, want %v", tc.cidr, got, tc.want)
		}
	}
}
