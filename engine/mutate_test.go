package engine_test

import (
	"bytes"
	"errors"
	"net/netip"
	"slices"
	"testing"

	"github.com/sglab/sglab/engine"
)

// mutateWorld is the world every mutation test starts from.
const mutateWorld = `version: 1
quotas: { rules_per_direction: 3 }
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/24 }
  - { id: vpc-b, cidr: 10.1.0.0/16 }
  - { id: vpc-tiny, cidr: 10.2.0.0/28 }
security_groups:
  - id: sg-web
    name: web
    vpc: vpc-a
    inbound: [{ protocol: tcp, ports: 80, source: 10.0.0.0/24 }]
    outbound: [{ protocol: tcp, ports: 22, destination: ops }]
  - { id: sg-db, name: db, vpc: vpc-a, inbound: [{ protocol: tcp, ports: 5432, source: web }] }
  - { id: sg-ops, name: ops, vpc: vpc-a }
  - { id: sg-free, name: free, vpc: vpc-a }
  - { id: sg-selfish, name: selfish, vpc: vpc-a, inbound: [{ protocol: all, source: self }] }
  - { id: sg-g1, vpc: vpc-a }
  - { id: sg-g2, vpc: vpc-a }
  - { id: sg-b, name: web, vpc: vpc-b }
instances:
  - { id: i-web, name: web-1, vpc: vpc-a, private_ip: 10.0.0.10, public_ip: 54.210.0.10, security_groups: [web], listening: [tcp/80] }
  - { id: i-db, vpc: vpc-a, private_ip: 10.0.0.11, security_groups: [db, default] }
  - { id: i-full, vpc: vpc-a, private_ip: 10.0.0.20, security_groups: [web, db, default, sg-g1, sg-g2] }
  - { id: i-b, vpc: vpc-b, private_ip: 10.1.0.10, security_groups: [sg-b] }
  - { id: i-tiny, vpc: vpc-tiny, private_ip: 10.2.0.10 }
  - { id: i-tiny2, vpc: vpc-tiny, private_ip: 10.2.0.11 }
  - { id: i-tiny3, vpc: vpc-tiny, private_ip: 10.2.0.12 }
  - { id: i-tiny4, vpc: vpc-tiny, private_ip: 10.2.0.13 }
  - { id: i-tiny5, vpc: vpc-tiny, private_ip: 10.2.0.14 }
  - { id: i-tiny6, vpc: vpc-tiny, private_ip: 10.2.0.15 }
hosts:
  - { id: laptop, name: my laptop, ip: 203.0.113.10, listening: [tcp/22] }
connections:
  - { from: laptop, to: web-1, port: 80 }
  - { from: web-1, to: 10.0.0.11, port: 5432 }
  - { from: i-db, to: my laptop, port: 22 }
`

func tcpRule(port int, cidr string) engine.Rule {
	return engine.Rule{Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: port, Hi: port}, Peer: engine.CIDRPeer(netip.MustParsePrefix(cidr))}
}

func groupRule(port int, group string) engine.Rule {
	return engine.Rule{Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: port, Hi: port}, Peer: engine.GroupPeer(group)}
}

// mutation is one change to mutateWorld, after an optional setup that
// must succeed, and what must come of it: the error code, or "" for
// success, which check then inspects.
type mutation struct {
	name  string
	apply func(w *engine.World) error
	code  string
	check func(t *testing.T, w *engine.World)
	setup func(w *engine.World) error
}

func runMutations(t *testing.T, cases []mutation) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			w := mustLoad(t, mutateWorld)
			if tt.setup != nil {
				if err := tt.setup(w); err != nil {
					t.Fatalf("setup: %v", err)
				}
			}
			before, unchanged := engine.Marshal(w), w.Clone()
			err := tt.apply(w)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("failed: %v", err)
				}
				if ds := engine.Validate(w); ds.HasErrors() {
					t.Fatalf("the changed world is invalid: %v", ds.Error())
				}
				if tt.check != nil {
					tt.check(t, w)
				}
				checkRoundTrip(t, w)
				return
			}
			var e *engine.Error
			if !errors.As(err, &e) || e.Code != tt.code {
				t.Fatalf("error %v, want an *engine.Error with code %s", err, tt.code)
			}
			if e.Message == "" {
				t.Error("the error has no message")
			}
			// A failed change changes nothing.
			if after := engine.Marshal(w); !bytes.Equal(before, after) {
				t.Errorf("the failed change changed the world:\n%s", after)
			}
			if d := worldDiff(unchanged, w); d != "" {
				t.Errorf("the failed change changed the world: %s", d)
			}
		})
	}
}

func TestCreateGroup(t *testing.T) {
	create := func(g engine.Group) func(w *engine.World) error {
		if g.Description == "" && g.Name != "" {
			g.Description = "a group" // AWS requires one: see "no description"
		}
		return func(w *engine.World) error { _, err := w.CreateGroup(g); return err }
	}
	runMutations(t, []mutation{
		{"success", func(w *engine.World) error {
			id, err := w.CreateGroup(engine.Group{Name: "api", VPC: "vpc-a", Description: "the API",
				Inbound: []engine.Rule{groupRule(443, "web"), {Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: 9000, Hi: 9000}, Peer: engine.Peer{Self: true}},
					tcpRule(22, "203.0.113.9/24")}})
			if id != "sg-0001" {
				t.Errorf("new group id %q, want sg-0001", id)
			}
			return err
		}, "", func(t *testing.T, w *engine.World) {
			g := w.Group("sg-0001")
			if g == nil || g.Name != "api" || g.Description != "the API" {
				t.Fatalf("group %+v", g)
			}
			want := []engine.Peer{{Group: "sg-web"}, {Group: "sg-0001", Self: true}, engine.CIDRPeer(netip.MustParsePrefix("203.0.113.0/24"))}
			for k, r := range g.Inbound {
				if r.Peer != want[k] {
					t.Errorf("rule %d peer %+v, want %+v (names resolved, self bound, host bits cleared)", k, r.Peer, want[k])
				}
			}
			if !sameRules(g.Outbound, []engine.Rule{allTo("0.0.0.0/0")}) {
				t.Errorf("outbound %+v, want the AWS default", g.Outbound)
			}
		}, nil},
		{"empty outbound stays empty", create(engine.Group{Name: "api", VPC: "vpc-a", Outbound: []engine.Rule{}}), "",
			func(t *testing.T, w *engine.World) {
				if g := w.FindGroup("vpc-a", "api"); g == nil || len(g.Outbound) != 0 {
					t.Errorf("outbound %+v, want none", g.Outbound)
				}
			}, nil},
		{"no such vpc", create(engine.Group{Name: "api", VPC: "vpc-zz"}), engine.CodeVPCNotFound, nil, nil},
		{"no name", create(engine.Group{VPC: "vpc-a"}), engine.CodeMissingField, nil, nil},
		{"no description", func(w *engine.World) error {
			_, err := w.CreateGroup(engine.Group{Name: "api", VPC: "vpc-a"})
			return err
		}, "MissingParameter", nil, nil},
		{"name starting with sg-", create(engine.Group{Name: "sg-api", VPC: "vpc-a"}), engine.CodeInvalidValue, nil, nil},
		{"name taken in the vpc", create(engine.Group{Name: "db", VPC: "vpc-a"}), engine.CodeGroupDuplicate, nil, nil},
		{"name taken in another vpc", create(engine.Group{Name: "db", VPC: "vpc-b"}), "", nil, nil},
		{"id taken", create(engine.Group{ID: "i-web", Name: "api", VPC: "vpc-a"}), engine.CodeDuplicateID, nil, nil},
		{"rule with another vpc's group", create(engine.Group{Name: "api", VPC: "vpc-a", Inbound: []engine.Rule{groupRule(1, "sg-b")}}), engine.CodeGroupNotFound, nil, nil},
		{"rule with no such group", create(engine.Group{Name: "api", VPC: "vpc-a", Inbound: []engine.Rule{groupRule(1, "nope")}}), engine.CodeGroupNotFound, nil, nil},
		{"duplicate rules", create(engine.Group{Name: "api", VPC: "vpc-a", Inbound: []engine.Rule{tcpRule(1, "10.0.0.0/8"), tcpRule(1, "10.9.9.9/8")}}), engine.CodePermissionDup, nil, nil},
		{"too many rules", create(engine.Group{Name: "api", VPC: "vpc-a", Inbound: []engine.Rule{tcpRule(1, "10.0.0.0/8"), tcpRule(2, "10.0.0.0/8"), tcpRule(3, "10.0.0.0/8"), tcpRule(4, "10.0.0.0/8")}}), engine.CodeRulesLimit, nil, nil},
	})
}

// TestCreateGroupKeepsNoAlias: the world must not share the caller's
// slices, or a caller reusing them would change the world behind its back.
func TestCreateGroupKeepsNoAlias(t *testing.T) {
	w := mustLoad(t, mutateWorld)
	rules := []engine.Rule{tcpRule(1, "10.0.0.0/8")}
	id, err := w.CreateGroup(engine.Group{Name: "api", VPC: "vpc-a", Description: "the API", Inbound: rules})
	if err != nil {
		t.Fatal(err)
	}
	rules[0] = tcpRule(2, "0.0.0.0/0")
	if got := w.Group(id).Inbound[0].Ports.Lo; got != 1 {
		t.Errorf("changing the caller's slice changed the group's rule: port %d", got)
	}
	groups := []string{"web", "db"}
	iid, err := w.LaunchInstance(engine.Instance{VPC: "vpc-a", Groups: groups})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(groups, []string{"web", "db"}) {
		t.Errorf("LaunchInstance rewrote the caller's list: %v", groups)
	}
	groups[0] = "free"
	if got := w.Instance(iid).Groups; !slices.Equal(got, []string{"sg-web", "sg-db"}) {
		t.Errorf("changing the caller's slice changed the instance's groups: %v", got)
	}
}

func TestDeleteGroup(t *testing.T) {
	del := func(id string) func(w *engine.World) error {
		return func(w *engine.World) error { return w.DeleteGroup(id) }
	}
	runMutations(t, []mutation{
		{"success", del("sg-free"), "", func(t *testing.T, w *engine.World) {
			if w.Group("sg-free") != nil {
				t.Error("sg-free is still there")
			}
		}, nil},
		{"a group that references itself", del("sg-selfish"), "", nil, nil},
		{"no such group", del("sg-nope"), engine.CodeGroupNotFound, nil, nil},
		{"default group", del("vpc-a/default"), engine.CodeCannotDelete, nil, nil},
		{"attached", del("sg-db"), engine.CodeDependency, nil, nil},
		{"referenced by another group's rule", del("sg-ops"), engine.CodeDependency, nil, nil},
	})
}

func TestAddRule(t *testing.T) {
	add := func(group string, d engine.Direction, r engine.Rule) func(w *engine.World) error {
		return func(w *engine.World) error { return w.AddRule(group, d, r) }
	}
	runMutations(t, []mutation{
		{"success", add("sg-db", engine.Inbound, tcpRule(22, "203.0.113.10/24")), "", func(t *testing.T, w *engine.World) {
			r := w.Group("sg-db").Inbound[1]
			if r.Peer.CIDR.String() != "203.0.113.0/24" {
				t.Errorf("stored %v, want host bits cleared: 203.0.113.0/24", r.Peer.CIDR)
			}
		}, nil},
		{"group by name", add("sg-db", engine.Outbound, groupRule(443, "web")), "", func(t *testing.T, w *engine.World) {
			if got := w.Group("sg-db").Outbound[1].Peer; got != (engine.Peer{Group: "sg-web"}) {
				t.Errorf("peer %+v, want sg-web", got)
			}
		}, nil},
		{"self", add("sg-db", engine.Inbound, engine.Rule{Protocol: engine.ProtoAll, Peer: engine.Peer{Self: true}}), "", func(t *testing.T, w *engine.World) {
			if got := w.Group("sg-db").Inbound[1].Peer; got != (engine.Peer{Group: "sg-db", Self: true}) {
				t.Errorf("peer %+v, want self", got)
			}
		}, nil},
		{"icmp", add("sg-db", engine.Inbound, engine.Rule{Protocol: engine.ProtoICMP, Ports: engine.PortRange{Lo: 8, Hi: 0}, Peer: engine.CIDRPeer(netip.MustParsePrefix("0.0.0.0/0"))}), "", nil, nil},
		{"ipv6 counts apart from ipv4", func(w *engine.World) error {
			for port := 1; port <= 3; port++ {
				if err := w.AddRule("sg-free", engine.Inbound, tcpRule(port, "::/0")); err != nil {
					return err
				}
			}
			return w.AddRule("sg-free", engine.Inbound, tcpRule(1, "0.0.0.0/0"))
		}, "", nil, nil},
		{"no such group", add("sg-nope", engine.Inbound, tcpRule(1, "10.0.0.0/8")), engine.CodeGroupNotFound, nil, nil},
		{"duplicate after clearing host bits", add("sg-web", engine.Inbound, tcpRule(80, "10.0.0.5/24")), engine.CodePermissionDup, nil, nil},
		{"duplicate by group name", add("sg-db", engine.Inbound, groupRule(5432, "sg-web")), engine.CodePermissionDup, nil, nil},
		{"another vpc's group", add("sg-db", engine.Inbound, groupRule(1, "sg-b")), engine.CodeGroupNotFound, nil, nil},
		{"no such group as peer", add("sg-db", engine.Inbound, groupRule(1, "nope")), engine.CodeGroupNotFound, nil, nil},
		{"ports backwards", add("sg-db", engine.Inbound, engine.Rule{Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: 443, Hi: 80},
			Peer: engine.CIDRPeer(netip.MustParsePrefix("0.0.0.0/0"))}), engine.CodeInvalidValue, nil, nil},
		{"port out of range", add("sg-db", engine.Inbound, tcpRule(65536, "0.0.0.0/0")), engine.CodeInvalidValue, nil, nil},
		{"icmp type out of range", add("sg-db", engine.Inbound, engine.Rule{Protocol: engine.ProtoICMP, Ports: engine.PortRange{Lo: 256, Hi: engine.AnyPort},
			Peer: engine.CIDRPeer(netip.MustParsePrefix("0.0.0.0/0"))}), engine.CodeInvalidValue, nil, nil},
		{"protocol out of range", add("sg-db", engine.Inbound, engine.Rule{Protocol: 256, Peer: engine.CIDRPeer(netip.MustParsePrefix("0.0.0.0/0"))}), engine.CodeInvalidValue, nil, nil},
		{"no peer", add("sg-db", engine.Inbound, engine.Rule{Protocol: engine.ProtoAll}), engine.CodeMissingField, nil, nil},
		{"over the quota", add("sg-db", engine.Inbound, tcpRule(3, "10.0.0.0/8")), engine.CodeRulesLimit, nil, func(w *engine.World) error {
			if err := w.AddRule("sg-db", engine.Inbound, tcpRule(1, "10.0.0.0/8")); err != nil {
				return err
			}
			return w.AddRule("sg-db", engine.Inbound, tcpRule(2, "10.0.0.0/8"))
		}},
	})
}

func TestReplaceRule(t *testing.T) {
	runMutations(t, []mutation{
		{"success", func(w *engine.World) error {
			return w.ReplaceRule("sg-web", engine.Inbound, 0, tcpRule(443, "0.0.0.0/0"))
		}, "",
			func(t *testing.T, w *engine.World) {
				if r := w.Group("sg-web").Inbound; len(r) != 1 || r[0].Ports.Lo != 443 {
					t.Errorf("rules %+v, want the one rule replaced", r)
				}
			}, nil},
		{"with itself", func(w *engine.World) error {
			return w.ReplaceRule("sg-web", engine.Inbound, 0, tcpRule(80, "10.0.0.0/24"))
		}, "", nil, nil},
		{"no such rule", func(w *engine.World) error {
			return w.ReplaceRule("sg-web", engine.Inbound, 1, tcpRule(443, "0.0.0.0/0"))
		}, engine.CodePermissionNotFound, nil, nil},
		{"negative index", func(w *engine.World) error {
			return w.ReplaceRule("sg-web", engine.Inbound, -1, tcpRule(443, "0.0.0.0/0"))
		}, engine.CodePermissionNotFound, nil, nil},
		{"no such group", func(w *engine.World) error {
			return w.ReplaceRule("sg-nope", engine.Inbound, 0, tcpRule(443, "0.0.0.0/0"))
		}, engine.CodeGroupNotFound, nil, nil},
		{"duplicate of another rule", func(w *engine.World) error {
			return w.ReplaceRule("sg-web", engine.Inbound, 0, tcpRule(443, "0.0.0.0/0"))
		},
			engine.CodePermissionDup, nil, func(w *engine.World) error { return w.AddRule("sg-web", engine.Inbound, tcpRule(443, "0.0.0.0/0")) }},
	})
}

func TestRemoveRule(t *testing.T) {
	runMutations(t, []mutation{
		{"success", func(w *engine.World) error { return w.RemoveRule("sg-web", engine.Outbound, 0) }, "",
			func(t *testing.T, w *engine.World) {
				if r := w.Group("sg-web").Outbound; r == nil || len(r) != 0 {
					t.Errorf("outbound %#v, want empty: removing the last rule allows nothing, it does not restore the default", r)
				}
			}, nil},
		{"no such rule", func(w *engine.World) error { return w.RemoveRule("sg-web", engine.Outbound, 1) }, engine.CodePermissionNotFound, nil, nil},
		{"no such group", func(w *engine.World) error { return w.RemoveRule("sg-nope", engine.Outbound, 0) }, engine.CodeGroupNotFound, nil, nil},
	})
}

// TestRevokeRule: a rule is revoked by what it allows, as AWS revokes:
// protocol, ports and peer, whatever its description or place, with the
// peer written any way the format allows.
func TestRevokeRule(t *testing.T) {
	revoke := func(g string, d engine.Direction, r engine.Rule) func(w *engine.World) error {
		return func(w *engine.World) error { return w.RevokeRule(g, d, r) }
	}
	gone := func(g string, d engine.Direction, n int) func(t *testing.T, w *engine.World) {
		return func(t *testing.T, w *engine.World) {
			if got := len(w.Group(g).Rules(d)); got != n {
				t.Errorf("%s has %d %s rules, want %d", g, got, d, n)
			}
		}
	}
	described := tcpRule(80, "10.0.0.0/24")
	described.Description = "not the description the rule has"
	hostBits := tcpRule(80, "10.0.0.77/24")
	self := engine.Rule{Protocol: engine.ProtoAll, Peer: engine.Peer{Self: true}}
	runMutations(t, []mutation{
		{"by its CIDR, whatever the description", revoke("sg-web", engine.Inbound, described), "", gone("sg-web", engine.Inbound, 0), nil},
		{"by a CIDR with host bits set", revoke("sg-web", engine.Inbound, hostBits), "", gone("sg-web", engine.Inbound, 0), nil},
		{"by the referenced group's name", revoke("sg-db", engine.Inbound, groupRule(5432, "web")), "", gone("sg-db", engine.Inbound, 0), nil},
		{"by the referenced group's id", revoke("sg-db", engine.Inbound, groupRule(5432, "sg-web")), "", gone("sg-db", engine.Inbound, 0), nil},
		{"self", revoke("sg-selfish", engine.Inbound, self), "", gone("sg-selfish", engine.Inbound, 0), nil},
		{"self by its own id", revoke("sg-selfish", engine.Inbound, engine.Rule{Protocol: engine.ProtoAll, Peer: engine.GroupPeer("sg-selfish")}), "",
			gone("sg-selfish", engine.Inbound, 0), nil},
		{"outbound", revoke("sg-web", engine.Outbound, groupRule(22, "ops")), "", gone("sg-web", engine.Outbound, 0), nil},
		{"the second of two", revoke("sg-web", engine.Inbound, tcpRule(443, "0.0.0.0/0")), "",
			func(t *testing.T, w *engine.World) {
				if in := w.Group("sg-web").Inbound; len(in) != 1 || in[0].Ports.Lo != 80 {
					t.Errorf("inbound %+v, want only the port 80 rule", in)
				}
			}, func(w *engine.World) error { return w.AddRule("sg-web", engine.Inbound, tcpRule(443, "0.0.0.0/0")) }},
		{"another port", revoke("sg-web", engine.Inbound, tcpRule(81, "10.0.0.0/24")), engine.CodePermissionNotFound, nil, nil},
		{"the other direction", revoke("sg-web", engine.Outbound, tcpRule(80, "10.0.0.0/24")), engine.CodePermissionNotFound, nil, nil},
		{"a group nobody has", revoke("sg-db", engine.Inbound, groupRule(5432, "nope")), engine.CodeGroupNotFound, nil, nil},
		{"no such group", revoke("sg-nope", engine.Inbound, tcpRule(80, "10.0.0.0/24")), engine.CodeGroupNotFound, nil, nil},
	})
}

func TestAttachAndDetachGroup(t *testing.T) {
	attach := func(i, g string) func(w *engine.World) error {
		return func(w *engine.World) error { return w.AttachGroup(i, g) }
	}
	detach := func(i, g string) func(w *engine.World) error {
		return func(w *engine.World) error { return w.DetachGroup(i, g) }
	}
	runMutations(t, []mutation{
		{"attach", attach("web-1", "sg-free"), "", func(t *testing.T, w *engine.World) {
			if got := w.Instance("i-web").Groups; !slices.Equal(got, []string{"sg-web", "sg-free"}) {
				t.Errorf("groups %v", got)
			}
		}, nil},
		{"attach to no such instance", attach("i-nope", "sg-free"), engine.CodeInstanceNotFound, nil, nil},
		{"attach no such group", attach("i-web", "sg-nope"), engine.CodeGroupNotFound, nil, nil},
		{"attach another vpc's group", attach("i-web", "sg-b"), engine.CodeInvalidParameter, nil, nil},
		{"attach twice", attach("i-web", "sg-web"), engine.CodeInvalidValue, nil, nil},
		{"attach a sixth group", attach("i-full", "sg-free"), engine.CodeGroupsLimit, nil, nil},
		{"detach", detach("i-db", "vpc-a/default"), "", func(t *testing.T, w *engine.World) {
			if got := w.Instance("i-db").Groups; !slices.Equal(got, []string{"sg-db"}) {
				t.Errorf("groups %v", got)
			}
		}, nil},
		{"detach the last group", detach("i-web", "sg-web"), engine.CodeInvalidValue, nil, nil},
		{"detach a group not attached", detach("i-web", "sg-db"), engine.CodeInvalidValue, nil, nil},
		{"detach from no such instance", detach("i-nope", "sg-db"), engine.CodeInstanceNotFound, nil, nil},
	})
}

func TestLaunchAndTerminateInstance(t *testing.T) {
	launch := func(i engine.Instance) func(w *engine.World) error {
		return func(w *engine.World) error { _, err := w.LaunchInstance(i); return err }
	}
	runMutations(t, []mutation{
		{"launch with defaults", func(w *engine.World) error {
			id, err := w.LaunchInstance(engine.Instance{VPC: "vpc-a"})
			if id != "i-0001" {
				t.Errorf("id %q, want i-0001", id)
			}
			return err
		}, "", func(t *testing.T, w *engine.World) {
			i := w.Instance("i-0001")
			// The first free address from .10 on: .10 and .11 are taken.
			if i.PrivateIP.String() != "10.0.0.12" || !slices.Equal(i.Groups, []string{"vpc-a/default"}) {
				t.Errorf("private ip %v groups %v, want 10.0.0.12 [vpc-a/default]", i.PrivateIP, i.Groups)
			}
		}, nil},
		{"launch with names", launch(engine.Instance{ID: "i-new", Name: "new", VPC: "vpc-a", PrivateIP: netip.MustParseAddr("10.0.0.99"),
			PublicIP: netip.MustParseAddr("54.210.0.99"), Groups: []string{"web", "sg-db"}}), "", func(t *testing.T, w *engine.World) {
			if got := w.Instance("new").Groups; !slices.Equal(got, []string{"sg-web", "sg-db"}) {
				t.Errorf("groups %v", got)
			}
		}, nil},
		{"no such vpc", launch(engine.Instance{VPC: "vpc-zz"}), engine.CodeVPCNotFound, nil, nil},
		{"id taken", launch(engine.Instance{ID: "laptop", VPC: "vpc-a"}), engine.CodeDuplicateID, nil, nil},
		{"name taken", launch(engine.Instance{Name: "my laptop", VPC: "vpc-a"}), engine.CodeDuplicateID, nil, nil},
		{"private ip outside the vpc", launch(engine.Instance{VPC: "vpc-a", PrivateIP: netip.MustParseAddr("10.1.0.99")}), engine.CodeInvalidValue, nil, nil},
		{"private ip in use", launch(engine.Instance{VPC: "vpc-a", PrivateIP: netip.MustParseAddr("10.0.0.10")}), engine.CodeAddressInUse, nil, nil},
		{"public ip in use", launch(engine.Instance{VPC: "vpc-a", PublicIP: netip.MustParseAddr("203.0.113.10")}), engine.CodeAddressInUse, nil, nil},
		{"public ip inside a vpc", launch(engine.Instance{VPC: "vpc-a", PublicIP: netip.MustParseAddr("10.1.0.99")}), engine.CodeInvalidValue, nil, nil},
		{"ipv6 without an ipv6 range", launch(engine.Instance{VPC: "vpc-a", IPv6: netip.MustParseAddr("2600::1")}), engine.CodeInvalidValue, nil, nil},
		{"another vpc's group", launch(engine.Instance{VPC: "vpc-a", Groups: []string{"sg-b"}}), engine.CodeInvalidParameter, nil, nil},
		{"no such group", launch(engine.Instance{VPC: "vpc-a", Groups: []string{"nope"}}), engine.CodeGroupNotFound, nil, nil},
		{"six groups", launch(engine.Instance{VPC: "vpc-a", Groups: []string{"web", "db", "ops", "free", "selfish", "default"}}), engine.CodeGroupsLimit, nil, nil},
		{"vpc full", launch(engine.Instance{VPC: "vpc-tiny"}), engine.CodeInsufficientAddresses, nil, nil},
		{"terminate", func(w *engine.World) error { return w.TerminateInstance("i-db") }, "", func(t *testing.T, w *engine.World) {
			if w.Instance("i-db") != nil {
				t.Error("i-db is still there")
			}
			// Its connections go with it, whether they named it or its address.
			if len(w.Connections) != 1 || w.Connections[0].From != "laptop" {
				t.Errorf("connections %+v, want only laptop -> web-1", w.Connections)
			}
		}, nil},
		{"terminate by name", func(w *engine.World) error { return w.TerminateInstance("web-1") }, "", func(t *testing.T, w *engine.World) {
			if len(w.Connections) != 1 || w.Connections[0].From != "i-db" {
				t.Errorf("connections %+v, want only i-db -> my laptop", w.Connections)
			}
		}, nil},
		{"terminate no such instance", func(w *engine.World) error { return w.TerminateInstance("laptop") }, engine.CodeInstanceNotFound, nil, nil},
	})
}

func TestAddAndRemoveHost(t *testing.T) {
	add := func(h engine.Host) func(w *engine.World) error {
		return func(w *engine.World) error { _, err := w.AddHost(h); return err }
	}
	runMutations(t, []mutation{
		{"add", func(w *engine.World) error {
			id, err := w.AddHost(engine.Host{Name: "friend", IP: netip.MustParseAddr("2001:db8::5")})
			if id != "host-0001" {
				t.Errorf("id %q, want host-0001", id)
			}
			return err
		}, "", func(t *testing.T, w *engine.World) {
			if h := w.Host("friend"); h == nil || h.ID != "host-0001" {
				t.Errorf("host %+v", h)
			}
		}, nil},
		{"no ip", add(engine.Host{Name: "friend"}), engine.CodeMissingField, nil, nil},
		{"ip inside a vpc", add(engine.Host{IP: netip.MustParseAddr("10.1.2.3")}), engine.CodeInvalidValue, nil, nil},
		{"ip in use", add(engine.Host{IP: netip.MustParseAddr("54.210.0.10")}), engine.CodeAddressInUse, nil, nil},
		{"name taken", add(engine.Host{Name: "web-1", IP: netip.MustParseAddr("203.0.113.99")}), engine.CodeDuplicateID, nil, nil},
		{"id taken", add(engine.Host{ID: "sg-web", IP: netip.MustParseAddr("203.0.113.99")}), engine.CodeDuplicateID, nil, nil},
		{"remove", func(w *engine.World) error { return w.RemoveHost("my laptop") }, "", func(t *testing.T, w *engine.World) {
			if w.Host("laptop") != nil || len(w.Connections) != 1 {
				t.Errorf("host still there, or connections %+v not only web-1 -> 10.0.0.11", w.Connections)
			}
		}, nil},
		{"remove no such host", func(w *engine.World) error { return w.RemoveHost("i-web") }, engine.CodeInstanceNotFound, nil, nil},
	})
}

func TestStartAndStopService(t *testing.T) {
	svc := func(p engine.Protocol, port int) engine.Service { return engine.Service{Protocol: p, Port: port} }
	runMutations(t, []mutation{
		{"start", func(w *engine.World) error {
			for _, s := range []engine.Service{svc(engine.ProtoUDP, 80), svc(engine.ProtoTCP, 22), svc(engine.ProtoTCP, 80)} {
				if err := w.StartService("web-1", s); err != nil {
					return err
				}
			}
			return nil
		}, "", func(t *testing.T, w *engine.World) {
			// Starting a running service changes nothing; the list stays in order.
			want := []engine.Service{svc(engine.ProtoTCP, 22), svc(engine.ProtoTCP, 80), svc(engine.ProtoUDP, 80)}
			if got := w.Instance("i-web").Listening; !slices.Equal(got, want) {
				t.Errorf("listening %v, want %v", got, want)
			}
			if r := engine.Evaluate(w, engine.Connection{From: "laptop", To: "web-1", Protocol: engine.ProtoUDP, Port: 80}); r.Reason != engine.InboundBlocked {
				t.Errorf("udp/80 from the laptop: %s", r.Reason)
			}
		}, nil},
		{"start on a host", func(w *engine.World) error { return w.StartService("laptop", svc(engine.ProtoUDP, 53)) }, "", func(t *testing.T, w *engine.World) {
			if got := w.Host("laptop").Listening; !slices.Contains(got, svc(engine.ProtoUDP, 53)) {
				t.Errorf("listening %v", got)
			}
		}, nil},
		{"stop", func(w *engine.World) error { return w.StopService("web-1", svc(engine.ProtoTCP, 80)) }, "", func(t *testing.T, w *engine.World) {
			if got := w.Instance("i-web").Listening; len(got) != 0 {
				t.Errorf("listening %v", got)
			}
			if r := engine.Evaluate(w, engine.Connection{From: "i-db", To: "web-1", Protocol: engine.ProtoTCP, Port: 80}); r.Reason != engine.NoListener {
				t.Errorf("tcp/80 once stopped: %s, want no-listener", r.Reason)
			}
		}, nil},
		{"stop a stopped service", func(w *engine.World) error { return w.StopService("web-1", svc(engine.ProtoTCP, 81)) }, "", nil, nil},
		{"icmp is no service", func(w *engine.World) error { return w.StartService("web-1", svc(engine.ProtoICMP, 8)) }, engine.CodeInvalidValue, nil, nil},
		{"port out of range", func(w *engine.World) error { return w.StartService("web-1", svc(engine.ProtoTCP, 65536)) }, engine.CodeInvalidValue, nil, nil},
		{"no such machine", func(w *engine.World) error { return w.StartService("nobody", svc(engine.ProtoTCP, 80)) }, engine.CodeInstanceNotFound, nil, nil},
	})
}

func TestAddVPC(t *testing.T) {
	add := func(v engine.VPC) func(w *engine.World) error {
		return func(w *engine.World) error { return w.AddVPC(v) }
	}
	runMutations(t, []mutation{
		{"add", add(engine.VPC{CIDR: netip.MustParsePrefix("10.9.0.1/16"), IPv6CIDR: netip.MustParsePrefix("2600:1f18:9::1/56")}), "", func(t *testing.T, w *engine.World) {
			v := w.VPC("vpc-0001")
			if v == nil || v.CIDR.String() != "10.9.0.0/16" || v.IPv6CIDR.String() != "2600:1f18:9::/56" {
				t.Fatalf("vpc %+v, want vpc-0001 10.9.0.0/16 2600:1f18:9::/56", v)
			}
			g := w.Group("vpc-0001/default")
			if g == nil || !sameRules(g.Outbound, []engine.Rule{allTo("0.0.0.0/0"), allTo("::/0")}) {
				t.Errorf("default group %+v", g)
			}
		}, nil},
		{"ipv6 as the cidr", add(engine.VPC{ID: "vpc-c", CIDR: netip.MustParsePrefix("2600::/56")}), engine.CodeInvalidValue, nil, nil},
		{"ipv4 as the ipv6 cidr", add(engine.VPC{ID: "vpc-c", CIDR: netip.MustParsePrefix("10.9.0.0/16"), IPv6CIDR: netip.MustParsePrefix("10.8.0.0/16")}), engine.CodeInvalidValue, nil, nil},
		{"no cidr", add(engine.VPC{ID: "vpc-c"}), engine.CodeInvalidValue, nil, nil},
		{"id taken", add(engine.VPC{ID: "sg-web", CIDR: netip.MustParsePrefix("10.9.0.0/16")}), engine.CodeDuplicateID, nil, nil},
	})
}

func TestAddConnection(t *testing.T) {
	add := func(c engine.Connection) func(w *engine.World) error {
		return func(w *engine.World) error { return w.AddConnection(c) }
	}
	runMutations(t, []mutation{
		{"add", add(engine.Connection{From: "my laptop", To: "54.210.0.10", Protocol: engine.ProtoICMP, Expect: engine.Timeout}), "",
			func(t *testing.T, w *engine.World) {
				if c := w.Connections[len(w.Connections)-1]; c.From != "my laptop" || c.Protocol != engine.ProtoICMP {
					t.Errorf("last connection %+v", c)
				}
			}, nil},
		{"no such end", add(engine.Connection{From: "nobody", To: "web-1", Protocol: engine.ProtoTCP, Port: 80}), engine.CodeInstanceNotFound, nil, nil},
		{"to itself", add(engine.Connection{From: "web-1", To: "54.210.0.10", Protocol: engine.ProtoTCP, Port: 80}), engine.CodeInvalidValue, nil, nil},
		{"protocol all", add(engine.Connection{From: "laptop", To: "web-1", Protocol: engine.ProtoAll}), engine.CodeInvalidValue, nil, nil},
		{"port out of range", add(engine.Connection{From: "laptop", To: "web-1", Protocol: engine.ProtoTCP, Port: 65536}), engine.CodeInvalidValue, nil, nil},
		{"bad expectation", add(engine.Connection{From: "laptop", To: "web-1", Protocol: engine.ProtoTCP, Port: 80, Expect: 9}), engine.CodeInvalidValue, nil, nil},
	})
}

// TestFailedChangeKeepsIndex: after a failed change the world still
// evaluates as before (its lookups were not rebuilt from the rejected copy).
func TestFailedChangeKeepsIndex(t *testing.T) {
	w := mustLoad(t, mutateWorld)
	c := tcp("laptop", "web-1", 80)
	before := engine.Evaluate(w, c).Reason
	if err := w.AttachGroup("i-web", "sg-b"); err == nil {
		t.Fatal("attaching another VPC's group succeeded")
	}
	if after := engine.Evaluate(w, c).Reason; after != before {
		t.Errorf("after a failed change: %s, before: %s", after, before)
	}
	if err := w.AddRule("sg-web", engine.Inbound, tcpRule(80, "0.0.0.0/0")); err != nil {
		t.Fatal(err)
	}
	if got := engine.Evaluate(w, c).Reason; got != engine.Allowed {
		t.Errorf("after opening port 80 to everyone: %s, want allowed", got)
	}
}
