package lab

import (
	"fmt"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/tui/internal/tuitest"
)

// aclYAML is a small world with subnets and network ACLs: web-1 in
// subnet-web, guarded by acl-web, which lets HTTPS in and every
// ephemeral port out, so the replies to clients get back; db-1 in
// subnet-db under the VPC's default ACL.
const aclYAML = `version: 1
name: ACL lab
vpcs:
  - { id: vpc-main, cidr: 10.0.0.0/16 }
subnets:
  - { id: subnet-web, vpc: vpc-main, cidr: 10.0.1.0/24, network_acl: acl-web }
  - { id: subnet-db, vpc: vpc-main, cidr: 10.0.2.0/24 }
network_acls:
  - id: acl-web
    vpc: vpc-main
    inbound:
      - { rule: 100, action: allow, protocol: tcp, ports: 443, cidr: 0.0.0.0/0 }
    outbound:
      - { rule: 100, action: allow, protocol: tcp, ports: 1024-65535, cidr: 0.0.0.0/0 }
security_groups:
  - id: sg-web
    vpc: vpc-main
    inbound:
      - { protocol: tcp, ports: 443, source: 0.0.0.0/0 }
instances:
  - { id: i-web1, name: web-1, vpc: vpc-main, private_ip: 10.0.1.10, public_ip: 54.210.0.10, security_groups: [sg-web], listening: [tcp/443] }
  - { id: i-db1, name: db-1, vpc: vpc-main, private_ip: 10.0.2.10, listening: [tcp/5432] }
hosts:
  - { id: laptop, name: your computer, ip: 203.0.113.10 }
connections:
  - { from: laptop, to: web-1, port: 443 }
`

// ACLWorld is aclYAML loaded.
func aclWorld(tb testing.TB) *engine.World {
	tb.Helper()
	w, ds := engine.Parse("acl.yaml", []byte(aclYAML))
	if w == nil {
		tb.Fatalf("the ACL world does not load: %v", ds.Errors())
	}
	return w
}

func newACLLab(tb testing.TB, width, height int) *Model {
	m := New(tuitest.Context(tb), aclWorld(tb))
	m.SetSize(width, height)
	return m
}

// openACL shows acl-web's details, focused, the cursor on the first row.
func openACL(m *Model) {
	selectThing(m, ref{kindACL, "acl-web"})
	m.setFocus(paneDetail)
}

func entries(m *Model, d engine.Direction) []engine.ACLEntry {
	return m.World().NetworkACL("acl-web").Sorted(d)
}

func TestWorldWithoutSubnetsShowsNoNetwork(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newLab(t, 120, 40)
		v := m.View()
		for _, no := range []string{"Subnets", "Network ACLs", "subnet:"} {
			if strings.Contains(v, no) {
				t.Fatalf("a world without subnets shows %q:\n%s", no, v)
			}
		}
		if got := m.tree.things(); got != 1+1+1+3 {
			t.Fatalf("things = %d, want the VPC, its group, its instance and 3 hosts", got)
		}
	})
}

func TestTreeShowsSubnetsAndACLs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newACLLab(t, 120, 40)
		says(t, m.tree.View(), "Subnets", "subnet-web 10.0.1.0/24 · acl-web", "subnet-db 10.0.2.0/24 · default",
			"Network ACLs", "acl-web 1 in · 1 out · subnet-web", "default 1 in · 1 out · subnet-db",
			"subnet: subnet-web · acl-web")
		// The filter finds an ACL by name, under its VPC.
		drive(m, "/", text("acl-web"), "enter")
		if m.tree.selected() != (ref{kindSubnet, "subnet-web"}) && m.tree.selected() != (ref{kindACL, "acl-web"}) {
			t.Fatalf("the filter selected %v", m.tree.selected())
		}
	})
}

func TestACLDetailsAsTheConsole(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newACLLab(t, 120, 40)
		openACL(m)
		says(t, m.detail.View(), "Rule", "Type Protocol Port range Source Allow/Deny",
			"100 HTTPS TCP 443 0.0.0.0/0 Allow", "* All traffic All All 0.0.0.0/0 Deny",
			"Destination", "100 Custom TCP TCP 1024 - 65535 0.0.0.0/0 Allow", "associated with subnet-web")
	})
}

// The entry form: every field's error by the field, what was typed kept,
// AWS's NetworkAclEntryAlreadyExists on a number taken.
func TestACLEntryFormValidation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newACLLab(t, 120, 40)
		openACL(m)
		drive(m, "a")
		if m.form == nil {
			t.Fatal("a opens no form")
		}
		mustContain(t, m, "Add inbound entry · acl-web", "200") // the next hundred
		for _, c := range []struct{ typed, want string }{
			{"0", "InvalidParameterValue: a rule number is a whole number from 1 to 32766"},
			{"32767", "InvalidParameterValue"},
			{"ten", "InvalidParameterValue"},
			{"100", "NetworkAclEntryAlreadyExists"},
		} {
			drive(m, "ctrl+u", text(c.typed), "enter")
			if m.form == nil {
				t.Fatalf("rule number %q was accepted", c.typed)
			}
			viewSays(t, m, c.typed, c.want)
		}
		drive(m, "ctrl+u", text("90"), "enter")
		drive(m, typeSteps("All traffic"), "enter") // the type
		drive(m, "right", "enter")                  // Deny
		drive(m, "ctrl+u", text("203.0.113.999/32"), "enter")
		mustContain(t, m, "203.0.113.999/32", "InvalidParameterValue")
		if m.form == nil {
			t.Fatal("a bad CIDR was accepted")
		}
		drive(m, "ctrl+u", text("203.0.113.10/32"), "enter")
		if m.form != nil {
			t.Fatalf("the form is still open:\n%s", m.View())
		}
		got := entries(m, engine.Inbound)
		want := engine.ACLEntry{Rule: 90, Action: engine.Deny, Protocol: engine.ProtoAll, CIDR: got[0].CIDR}
		if len(got) != 2 || got[0] != want || got[0].CIDR.String() != "203.0.113.10/32" {
			t.Fatalf("inbound = %+v", got)
		}
		mustContain(t, m, "Added inbound rule 90 to acl-web: deny All traffic, from 203.0.113.10/32")
	})
}

// Edit keeps the number or moves the entry to a free one; delete; undo and
// redo of each say the state they leave.
func TestACLEntryEditDeleteUndo(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newACLLab(t, 120, 40)
		openACL(m)
		drive(m, "e") // entry 100, inbound
		mustContain(t, m, "Edit inbound entry · acl-web", "100")
		drive(m, "ctrl+u", text("110"), "enter", "enter", "enter", "enter")
		if m.form != nil {
			t.Fatalf("the form is still open:\n%s", m.View())
		}
		if got := entries(m, engine.Inbound); len(got) != 1 || got[0].Rule != 110 || got[0].Ports.Lo != 443 {
			t.Fatalf("inbound = %+v", got)
		}
		mustContain(t, m, "Changed inbound rule 100 (allow HTTPS, TCP 443, from 0.0.0.0/0) of acl-web to inbound rule 110")
		drive(m, "u")
		mustContain(t, m, "Undone: acl-web has inbound rule 100 (allow HTTPS, TCP 443, from 0.0.0.0/0) again.")
		drive(m, "ctrl+r")
		mustContain(t, m, "Redone: acl-web has inbound rule 110 (allow HTTPS, TCP 443, from 0.0.0.0/0) again.")

		drive(m, "x")
		if got := entries(m, engine.Inbound); len(got) != 0 {
			t.Fatalf("x left %+v", got)
		}
		mustContain(t, m, "Deleted inbound rule 110 of acl-web", "No inbound entries: the * rule denies everything in")
		drive(m, "u")
		mustContain(t, m, "Undone: acl-web has inbound rule 110 again (allow HTTPS, TCP 443, from 0.0.0.0/0).")
		drive(m, "ctrl+r")
		mustContain(t, m, "Redone: acl-web no longer has inbound rule 110.")
	})
}

// Creating an ACL, associating a subnet with it, and AWS's refusals of
// deleting an ACL in use, the default ACL, and a subnet with instances.
func TestACLCreateAssociateDelete(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newACLLab(t, 120, 40)
		selectThing(m, ref{kindSubnet, "subnet-db"})
		drive(m, "N", text("acl-db"), "enter")
		if m.form != nil {
			t.Fatalf("the form is still open:\n%s", m.View())
		}
		a := m.World().FindNetworkACL("vpc-main", "acl-db")
		if a == nil || len(a.Inbound)+len(a.Outbound) != 0 {
			t.Fatalf("acl-db = %+v", a)
		}
		mustContain(t, m, "it denies everything until you add entries")
		drive(m, "N", text("acl-db"), "enter")
		mustContain(t, m, "DuplicateId")
		drive(m, "esc")

		selectThing(m, ref{kindSubnet, "subnet-db"})
		m.setFocus(paneDetail)
		drive(m, "e")
		mustContain(t, m, "Associate subnet-db with")
		for k, x := range m.World().NetworkACLs {
			if x.ID == a.ID {
				drive(m, tuitest.Keys(strings.Split(strings.Repeat("down ", k), " ")[:k]...))
			}
		}
		drive(m, "enter")
		if got := m.World().ACLOf("vpc-main", m.World().Subnet("subnet-db")); got.ID != a.ID {
			t.Fatalf("subnet-db is associated with %s", got.ID)
		}
		mustContain(t, m, "subnet-db is now associated with acl-db")
		// db-1 is in subnet-db: an ACL that denies everything cuts it off.
		drive(m, "u")
		mustContain(t, m, "Undone: subnet-db is associated with default again.")
		drive(m, "ctrl+r")
		mustContain(t, m, "Redone: subnet-db is associated with acl-db again.")

		selectThing(m, ref{kindACL, a.ID})
		m.setFocus(paneWorld)
		drive(m, "x")
		mustContain(t, m, "DependencyViolation")
		selectThing(m, ref{kindACL, engine.DefaultACLID("vpc-main")})
		drive(m, "x")
		mustContain(t, m, "InvalidParameterValue")
		selectThing(m, ref{kindSubnet, "subnet-web"})
		drive(m, "x")
		mustContain(t, m, "DependencyViolation")
	})
}

// A subnet made in the lab takes in the instances whose address it holds;
// one that holds none of them leaves an instance outside every subnet,
// which AWS refuses, by the field.
func TestSubnetForm(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newLab(t, 120, 40)
		drive(m, "S", "enter", "enter", text("10.0.2.0/24"), "enter")
		if m.form == nil {
			t.Fatal("a subnet that leaves web-1 in no subnet was accepted")
		}
		mustContain(t, m, "InvalidParameterValue")
		drive(m, "ctrl+u", text("10.0.1.0/24"), "enter")
		if m.form != nil {
			t.Fatalf("the form is still open:\n%s", m.View())
		}
		w := m.World()
		if len(w.Subnets) != 1 || w.SubnetOf(w.Instance("web-1")) != w.Subnets[0] {
			t.Fatalf("subnets = %+v", w.Subnets)
		}
		says(t, m.tree.View(), "Subnets", "Network ACLs", "default 1 in · 1 out")
		drive(m, "u")
		if len(m.World().Subnets) != 0 || strings.Contains(m.View(), "Network ACLs") {
			t.Fatalf("undo left the subnet:\n%s", m.View())
		}
	})
}

// Launching in a VPC with subnets picks the subnet; the instance gets
// an address in it.
func TestLaunchPicksSubnet(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newACLLab(t, 120, 40)
		drive(m, "i")
		mustContain(t, m, "Subnet", "subnet-web")
		drive(m, "enter", "right", "enter", "enter", "enter", "enter")
		if m.form != nil {
			t.Fatalf("the form is still open:\n%s", m.View())
		}
		w := m.World()
		i := w.Instances[len(w.Instances)-1]
		if s := w.SubnetOf(i); s == nil || s.ID != "subnet-db" || !s.CIDR.Contains(i.PrivateIP) {
			t.Fatalf("launched %+v in %v", i, s)
		}
	})
}

// The Connection pane names the ACL that dropped the reply, and the port
// it was going back to; a change to an entry re-evaluates it at once.
func TestConnectionShowsReplyLegDrop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newACLLab(t, 120, 40)
		drive(m, "f", "esc")
		connAllSays(t, m, "CONNECTED", "acl-web (subnet-web) inbound: rule 100 allows", "the reply")
		openACL(m)
		drive(m, "down", "down", "e", "enter", "enter", "ctrl+u", text("32768-49151"), "enter", "enter", "enter")
		if got := entries(m, engine.Outbound); got[0].Ports.Hi != 49151 {
			t.Fatalf("outbound = %+v", got)
		}
		connAllSays(t, m, "TIMED OUT", "the server answered, but acl-web dropped the reply to your port 49152",
			"no outbound entry matches, so the * rule denies it", "SUBNET_ACL_RESTRICTION")
		if lastOutcome(m) != engine.Timeout {
			t.Fatal("the connection was not re-evaluated")
		}
	})
}

// viewSays checks what the lab shows, wherever its lines wrap inside
// their frames.
func viewSays(t *testing.T, m *Model, want ...string) {
	t.Helper()
	if m.form != nil {
		says(t, strings.Join(m.form.render(), "\n"), want...)
		return
	}
	says(t, m.View(), want...)
}

// connAllSays checks the whole Connection pane, trace included, however
// little of it fits.
func connAllSays(t *testing.T, m *Model, want ...string) {
	t.Helper()
	says(t, strings.Join(m.conn.content(), "\n"), want...)
}

// The composer sets the client's source port: the reply goes back to it,
// and an ACL that does not let the reply out to it drops it.
func TestComposerSourcePort(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newACLLab(t, 120, 40)
		m.setFocus(paneConn)
		connSays(t, m, "Src ‹ port 49152 (default) ›")
		drive(m, "p", text("80"), "enter")
		if c := m.conn.history[0].conn; c.SourcePort != 80 || lastOutcome(m) != engine.Timeout {
			t.Fatalf("fired %+v: %s", c, lastOutcome(m))
		}
		connAllSays(t, m, "Src ‹ port 80_ ›", "dropped the reply to your port 80", "from port 80") // the history row says it too
		drive(m, "backspace", "backspace", "right", "enter")                                       // the default, then 1024
		if c := m.conn.history[0].conn; c.SourcePort != 1024 || lastOutcome(m) != engine.Connected {
			t.Fatalf("fired %+v: %s", c, lastOutcome(m))
		}
		drive(m, "right", "right", "right", "right", "right", "enter") // round to the default
		if c := m.conn.history[0].conn; c.SourcePort != 0 {
			t.Fatalf("fired %+v", c)
		}
		drive(m, "p", text("99999"), "enter")
		connSays(t, m, "InvalidParameterValue: a source port is 1-65535")
		// A world without ACLs shows no source port until p asks for it.
		m = newLab(t, 120, 40)
		m.setFocus(paneConn)
		if strings.Contains(m.conn.View(), "Src") || strings.Contains(shortHelp(m), "source port") {
			t.Fatalf("a world without ACLs shows the source port:\n%s", m.View())
		}
		drive(m, "p")
		connSays(t, m, "Src ‹ port 49152 (default) ›")
	})
}

// Goldens of subnets and network ACLs at 80x24 (stacked) and 120x40:
// the tree, an ACL's details, the entry form, and a reply dropped by an
// ACL. Update with go test ./tui/lab -run TestGoldenACL -update.
func TestGoldenACL(t *testing.T) {
	screens := []struct {
		name string
		set  func(m *Model)
	}{
		{"tree", func(m *Model) { selectThing(m, ref{kindSubnet, "subnet-web"}) }},
		{"details", func(m *Model) { openACL(m) }},
		{"entry-form", func(m *Model) {
			openACL(m)
			drive(m, "a", "ctrl+u", text("100"), "enter") // a number taken
		}},
		{"reply-drop", func(m *Model) {
			w := m.World().Clone()
			if err := w.ReplaceACLEntry("acl-web", engine.Outbound, engine.ACLEntry{Rule: 100, Action: engine.Allow,
				Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: 32768, Hi: 49151}, CIDR: entries(m, engine.Outbound)[0].CIDR}); err != nil {
				panic(err)
			}
			drive(m, changeMsg{func(x *engine.World) (done, error) { *x = *w; return done{status: "outbound rule 100 narrowed"}, nil }})
			drive(m, "f")
		}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, s := range screens {
			t.Run(fmt.Sprintf("%s/%dx%d", s.name, size[0], size[1]), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					m := newACLLab(t, size[0], size[1])
					s.set(m)
					v := m.View()
					if err := tuitest.CheckView(v, size[0], size[1]); err != nil {
						t.Fatal(err)
					}
					golden.RequireEqual(t, []byte(v))
				})
			})
		}
	}
}

// The entry form in accessible mode: the questions as lines, AWS's error
// by the question, the entry so far in words, and the ACL's details as
// sentences with no glyph.
func TestAccessibleACLForms(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := New(tuitest.Accessible(t), aclWorld(t))
		m.SetSize(80, 24)
		openACL(m)
		says(t, m.detail.View(), "Rule #: 100, Type: HTTPS, Protocol: TCP, Port range: 443, Source: 0.0.0.0/0, Allow/Deny: Allow",
			"Rule #: *, Type: All traffic")
		if g := tuitest.Glyphs(m.View()); len(g) > 0 {
			t.Fatalf("glyphs %q on an accessible screen:\n%s", g, m.View())
		}
		drive(m, "a")
		asks(t, m, "Add inbound entry", "Rule number")
		drive(m, "ctrl+u")
		answer(m, "100")
		asks(t, m, "NetworkAclEntryAlreadyExists")
		drive(m, "ctrl+u")
		answer(m, "90")
		asks(t, m, "Type", "The entry so far:")
		answer(m, "") // SSH
		asks(t, m, "Allow/Deny")
		answer(m, "2") // Deny
		asks(t, m, "Source CIDR")
		drive(m, "ctrl+u")
		answer(m, "203.0.113.10/32")
		closed(t, m, "Added inbound rule 90 to acl-web: deny SSH, TCP 22, from 203.0.113.10/32")
	})
}
