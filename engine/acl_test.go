package engine_test

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sglab/sglab/engine"
)

// aclWorld is the contract's example: acl-web guards subnet-web and
// forgot the return entry for its instances' own connections.
const aclWorld = `version: 1
name: acl
vpcs:
  - { id: vpc-main, cidr: 10.0.0.0/16, ipv6_cidr: "2600:1f18:1234:5600::/56" }
subnets:
  - { id: subnet-web, name: web, vpc: vpc-main, cidr: 10.0.1.0/24, network_acl: acl-web }
  - { id: subnet-db, vpc: vpc-main, cidr: 10.0.2.0/24 }
network_acls:
  - id: acl-web
    name: web-acl
    vpc: vpc-main
    inbound:
      - { rule: 90, action: deny, protocol: all, cidr: 198.51.100.7/32 }
      - { rule: 100, action: allow, protocol: tcp, ports: 443, cidr: 0.0.0.0/0 }
    outbound:
      - { rule: 100, action: allow, protocol: tcp, ports: 1024-65535, cidr: 0.0.0.0/0 }
security_groups:
  - { id: sg-web, vpc: vpc-main, inbound: [{ protocol: tcp, ports: 443, source: 0.0.0.0/0 }, { protocol: tcp, ports: 22, source: 0.0.0.0/0 }, { protocol: tcp, ports: 5432, source: 10.0.0.0/16 }] }
instances:
  - { id: i-web1, name: web-1, vpc: vpc-main, private_ip: 10.0.1.10, public_ip: 54.210.0.10, security_groups: [sg-web], listening: [tcp/22, tcp/443] }
  - { id: i-db1, name: db-1, vpc: vpc-main, private_ip: 10.0.2.10, security_groups: [sg-web], listening: [tcp/443, tcp/5432] }
hosts:
  - { id: laptop, ip: 203.0.113.10 }
  - { id: neighbour, ip: 198.51.100.7 }
`

func conn(from, to string, port int) engine.Connection {
	return engine.Connection{From: from, To: to, Protocol: engine.ProtoTCP, Port: port}
}

// TestACLResult: a Result names the ACL hop that dropped the packet, the
// entry that decided (0 for the * rule), and the reply's addresses and
// ports.
func TestACLResult(t *testing.T) {
	w := mustLoad(t, aclWorld)
	tests := []struct {
		c      engine.Connection
		reason engine.Reason
		acl    string
		dir    engine.Direction
		reply  bool
		rule   int
	}{
		{conn("neighbour", "web-1", 443), engine.ACLInboundBlocked, "acl-web", engine.Inbound, false, 90},
		{conn("laptop", "web-1", 22), engine.ACLInboundBlocked, "acl-web", engine.Inbound, false, 0},
		{conn("web-1", "db-1", 5432), engine.ACLReplyBlocked, "acl-web", engine.Inbound, true, 0},
		{conn("web-1", "laptop", 80), engine.ACLOutboundBlocked, "", 0, false, 0},
	}
	for _, tt := range tests {
		r := engine.Evaluate(w, tt.c)
		if r.Reason != tt.reason {
			t.Errorf("%s -> %s: %s, want %s", tt.c.From, tt.c.To, r.Reason, tt.reason)
			continue
		}
		d, ok := r.Dropped()
		if !ok {
			t.Errorf("%s -> %s: Dropped says no ACL", tt.c.From, tt.c.To)
			continue
		}
		if tt.acl != "" && (d.ACL != tt.acl || d.Direction != tt.dir || d.Reply != tt.reply || d.Rule != tt.rule || d.Allowed) {
			t.Errorf("%s -> %s: dropped by %+v", tt.c.From, tt.c.To, d)
		}
		if d.Subnet != "subnet-web" {
			t.Errorf("%s -> %s: subnet %q", tt.c.From, tt.c.To, d.Subnet)
		}
	}
	// web-1 -> db-1: the reply from db-1's port 443 to web-1's port 32768.
	r := engine.Evaluate(w, conn("web-1", "db-1", 5432))
	want := engine.Packet{Protocol: engine.ProtoTCP, Src: netip.MustParseAddr("10.0.2.10"), Dst: netip.MustParseAddr("10.0.1.10"), SrcPort: 5432, DstPort: 32768}
	if d, _ := r.Dropped(); r.Reply() != want || d.Packet != want || d.Peer() != want.Src {
		t.Errorf("reply %+v, dropped %+v", r.Reply(), d)
	}
	if r.SourcePort() != 32768 || r.Request().SrcPort != 32768 || r.Request().DstPort != 5432 {
		t.Errorf("request %+v", r.Request())
	}
	// A host's client port is 49152; a given one is kept.
	if r := engine.Evaluate(w, conn("laptop", "web-1", 443)); r.SourcePort() != 49152 || r.Reason != engine.Allowed {
		t.Errorf("laptop: %s, port %d", r.Reason, r.SourcePort())
	}
	c := conn("web-1", "db-1", 5432)
	c.SourcePort = 443 // inside no entry of acl-web inbound but 443
	if r := engine.Evaluate(w, c); r.Reason != engine.Allowed || r.SourcePort() != 443 {
		t.Errorf("source port 443: %s", r.Reason)
	}
	// Every decision on the way, in order: out of subnet-web, into
	// subnet-db, the reply out of subnet-db and into subnet-web.
	ds := engine.Evaluate(w, conn("web-1", "db-1", 5432)).ACLDecisions()
	got := make([]string, len(ds))
	for k, d := range ds {
		got[k] = d.ACL + " " + d.Direction.String() + map[bool]string{true: " reply", false: ""}[d.Reply] + map[bool]string{true: " allow", false: " deny"}[d.Allowed]
	}
	if strings.Join(got, ", ") != "acl-web outbound allow, vpc-main/default-acl inbound allow, vpc-main/default-acl outbound reply allow, acl-web inbound reply deny" {
		t.Errorf("decisions: %q", got)
	}
}

// TestNoACLStepsWithoutSubnets: a world that declares no subnet and no
// ACL traces exactly as before network ACLs existed.
func TestNoACLStepsWithoutSubnets(t *testing.T) {
	w := mustLoad(t, evalWorld)
	for _, c := range w.Connections {
		r := engine.Trace(w, c)
		for _, s := range r.Trace {
			if s.ACL != nil || strings.HasPrefix(string(s.Phase), "acl") || s.Phase == engine.PhaseReply {
				t.Errorf("%s -> %s: an ACL step in a world without ACLs: %+v", c.From, c.To, s)
			}
		}
		if len(r.ACLDecisions()) != 0 {
			t.Errorf("%s -> %s: ACL decisions without ACLs", c.From, c.To)
		}
	}
}

// TestTraceNamesEveryEntryRead: an ACL hop lists each entry read in rule
// order up to the one that decides, then the decision.
func TestTraceNamesEveryEntryRead(t *testing.T) {
	w := mustLoad(t, aclWorld)
	r := engine.Trace(w, conn("laptop", "web-1", 22))
	var texts []string
	for _, s := range r.Trace {
		if s.Phase == engine.PhaseACLInbound {
			texts = append(texts, s.Text)
		}
	}
	if len(texts) != 3 || !strings.Contains(texts[0], "entry 90 deny") || !strings.Contains(texts[1], "entry 100 allow") ||
		!strings.Contains(texts[2], "no entry matches tcp/22 from 203.0.113.10, so the * rule denies it") {
		t.Errorf("acl-in steps:\n%s", strings.Join(texts, "\n"))
	}
	last := r.Trace[len(r.Trace)-2]
	if last.Code != engine.CodeSubnetACL || last.ACL == nil || last.Match {
		t.Errorf("the drop step: %+v", last)
	}
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	var e *engine.Error
	switch {
	case code == "" && err != nil:
		t.Errorf("%s: %v", what, err)
	case code != "" && (!errors.As(err, &e) || e.Code != code):
		t.Errorf("%s: got %v, want %s", what, err, code)
	}
}

// TestACLMutations: every change to subnets and ACLs succeeds or fails
// with AWS's code, and a failed change leaves the world as it was.
func TestACLMutations(t *testing.T) {
	w := mustLoad(t, aclWorld)
	before := string(engine.Marshal(w))
	allow := func(rule int, proto engine.Protocol, lo, hi int, cidr string) engine.ACLEntry {
		return engine.ACLEntry{Rule: rule, Action: engine.Allow, Protocol: proto, Ports: engine.PortRange{Lo: lo, Hi: hi}, CIDR: netip.MustParsePrefix(cidr)}
	}
	failing := []struct {
		what string
		do   func() error
		code string
	}{
		{"entry number taken", func() error {
			return w.AddACLEntry("acl-web", engine.Inbound, allow(100, engine.ProtoTCP, 80, 80, "0.0.0.0/0"))
		}, engine.CodeACLEntryExists},
		{"rule 0", func() error {
			return w.AddACLEntry("acl-web", engine.Inbound, allow(0, engine.ProtoAll, 0, 0, "0.0.0.0/0"))
		}, engine.CodeInvalidValue},
		{"rule 32767", func() error {
			return w.AddACLEntry("acl-web", engine.Inbound, allow(32767, engine.ProtoAll, 0, 0, "0.0.0.0/0"))
		}, engine.CodeInvalidValue},
		{"no such ACL", func() error {
			return w.AddACLEntry("acl-nope", engine.Inbound, allow(1, engine.ProtoAll, 0, 0, "0.0.0.0/0"))
		}, engine.CodeACLNotFound},
		{"replace a missing entry", func() error {
			return w.ReplaceACLEntry("acl-web", engine.Outbound, allow(7, engine.ProtoAll, 0, 0, "0.0.0.0/0"))
		}, engine.CodeACLEntryNotFound},
		{"delete a missing entry", func() error { return w.DeleteACLEntry("acl-web", engine.Outbound, 90) }, engine.CodeACLEntryNotFound},
		{"delete the default ACL", func() error { return w.DeleteNetworkACL("vpc-main/default-acl") }, engine.CodeInvalidValue},
		{"delete an ACL in use", func() error { return w.DeleteNetworkACL("acl-web") }, engine.CodeDependency},
		{"delete a subnet in use", func() error { return w.DeleteSubnet("subnet-web") }, engine.CodeDependency},
		{"overlapping subnet", func() error {
			_, err := w.CreateSubnet(engine.Subnet{VPC: "vpc-main", CIDR: netip.MustParsePrefix("10.0.1.128/25")})
			return err
		}, engine.CodeSubnetConflict},
		{"subnet outside its VPC", func() error {
			_, err := w.CreateSubnet(engine.Subnet{VPC: "vpc-main", CIDR: netip.MustParsePrefix("10.1.0.0/24")})
			return err
		}, engine.CodeSubnetRange},
		{"associate an ACL of nowhere", func() error { return w.AssociateACL("subnet-db", "acl-nope") }, engine.CodeACLNotFound},
		{"associate with no such subnet", func() error { return w.AssociateACL("subnet-nope", "acl-web") }, engine.CodeSubnetNotFound},
		{"launch into no such subnet", func() error {
			_, err := w.LaunchInstance(engine.Instance{VPC: "vpc-main", Subnet: "subnet-nope"})
			return err
		}, engine.CodeSubnetNotFound},
		{"launch outside its subnet", func() error {
			_, err := w.LaunchInstance(engine.Instance{VPC: "vpc-main", Subnet: "subnet-db", PrivateIP: netip.MustParseAddr("10.0.1.99")})
			return err
		}, engine.CodeInvalidValue},
		{"a second default ACL", func() error {
			_, err := w.CreateNetworkACL(engine.NetworkACL{VPC: "vpc-main", Name: "default"})
			return err
		}, engine.CodeInvalidValue},
		{"a taken ACL name", func() error {
			_, err := w.CreateNetworkACL(engine.NetworkACL{VPC: "vpc-main", Name: "web-acl"})
			return err
		}, engine.CodeDuplicateID},
	}
	for _, tt := range failing {
		wantCode(t, tt.what, tt.do(), tt.code)
		if after := string(engine.Marshal(w)); after != before {
			t.Fatalf("%s: a failed change changed the world", tt.what)
		}
	}
	for _, q := range []int{20} {
		a, _ := w.CreateNetworkACL(engine.NetworkACL{VPC: "vpc-main", Name: "full"})
		for k := range q {
			wantCode(t, "fill", w.AddACLEntry(a, engine.Inbound, allow(k+1, engine.ProtoTCP, k, k, "10.0.0.0/8")), "")
		}
		wantCode(t, "the 21st IPv4 entry", w.AddACLEntry(a, engine.Inbound, allow(q+1, engine.ProtoTCP, 1, 1, "10.0.0.0/8")), engine.CodeACLEntryLimit)
		wantCode(t, "an IPv6 entry counts apart", w.AddACLEntry(a, engine.Inbound, allow(q+1, engine.ProtoTCP, 1, 1, "::/0")), "")
		wantCode(t, "delete an unused ACL", w.DeleteNetworkACL(a), "")
	}

	// The story of the lesson: the reply to web-1's connection is dropped
	// until acl-web lets the ephemeral ports back in.
	c := conn("web-1", "db-1", 5432)
	if r := engine.Evaluate(w, c); r.Reason != engine.ACLReplyBlocked {
		t.Fatalf("before: %s", r.Reason)
	}
	wantCode(t, "return entry", w.AddACLEntry("acl-web", engine.Inbound, allow(110, engine.ProtoTCP, 1024, 65535, "10.0.0.0/16")), "")
	if r := engine.Evaluate(w, c); r.Reason != engine.Allowed {
		t.Fatalf("after the return entry: %s", r.Reason)
	}
	// A deny placed after the allow never fires; replaced before it, it does.
	wantCode(t, "late deny", w.AddACLEntry("acl-web", engine.Inbound,
		engine.ACLEntry{Rule: 120, Action: engine.Deny, Protocol: engine.ProtoAll, CIDR: netip.MustParsePrefix("10.0.2.10/32")}), "")
	if r := engine.Evaluate(w, c); r.Reason != engine.Allowed {
		t.Fatalf("a deny after the allow fired: %s", r.Reason)
	}
	wantCode(t, "move the deny first", w.DeleteACLEntry("acl-web", engine.Inbound, 120), "")
	wantCode(t, "deny first", w.AddACLEntry("acl-web", engine.Inbound,
		engine.ACLEntry{Rule: 80, Action: engine.Deny, Protocol: engine.ProtoAll, CIDR: netip.MustParsePrefix("10.0.2.10/32")}), "")
	if r := engine.Evaluate(w, c); r.Reason != engine.ACLReplyBlocked {
		t.Fatalf("a deny before the allow: %s", r.Reason)
	}
	wantCode(t, "replace", w.ReplaceACLEntry("acl-web", engine.Inbound,
		engine.ACLEntry{Rule: 80, Action: engine.Allow, Protocol: engine.ProtoAll, CIDR: netip.MustParsePrefix("10.0.2.10/32")}), "")
	if r := engine.Evaluate(w, c); r.Reason != engine.Allowed {
		t.Fatalf("replaced by an allow: %s", r.Reason)
	}

	// A new subnet with a new ACL, an instance launched into it, and the
	// association moved back and forth.
	sid, err := w.CreateSubnet(engine.Subnet{VPC: "vpc-main", Name: "app", CIDR: netip.MustParsePrefix("10.0.3.0/24")})
	wantCode(t, "create subnet", err, "")
	aid, err := w.CreateNetworkACL(engine.NetworkACL{VPC: "vpc-main", Name: "locked"})
	wantCode(t, "create ACL", err, "")
	iid, err := w.LaunchInstance(engine.Instance{VPC: "vpc-main", Subnet: "app", Groups: []string{"sg-web"}, Listening: []engine.Service{{Protocol: engine.ProtoTCP, Port: 443}}})
	wantCode(t, "launch", err, "")
	if i := w.Instance(iid); i == nil || i.Subnet != sid || !netip.MustParsePrefix("10.0.3.0/24").Contains(i.PrivateIP) {
		t.Fatalf("launched %+v", i)
	}
	if r := engine.Evaluate(w, conn("db-1", iid, 443)); r.Reason != engine.Allowed {
		t.Errorf("into the new subnet with the default ACL: %s", r.Reason)
	}
	wantCode(t, "associate", w.AssociateACL(sid, "locked"), "")
	if r := engine.Evaluate(w, conn("db-1", iid, 443)); r.Reason != engine.ACLInboundBlocked {
		t.Errorf("into a subnet whose new ACL is empty: %s", r.Reason)
	}
	wantCode(t, "delete ACL in use", w.DeleteNetworkACL(aid), engine.CodeDependency)
	wantCode(t, "associate back", w.AssociateACL(sid, ""), "")
	wantCode(t, "delete ACL", w.DeleteNetworkACL(aid), "")
	wantCode(t, "terminate", w.TerminateInstance(iid), "")
	wantCode(t, "delete subnet", w.DeleteSubnet(sid), "")
	checkRoundTrip(t, w)

	// In a VPC without subnets, a first subnet must hold every instance.
	v := mustLoad(t, evalWorld)
	_, err = v.CreateSubnet(engine.Subnet{VPC: "vpc-a", CIDR: netip.MustParsePrefix("10.0.200.0/24")})
	wantCode(t, "a first subnet that leaves instances out", err, engine.CodeInvalidValue)
	if err == nil || !strings.Contains(err.Error(), "has no subnet yet") {
		t.Errorf("message: %v", err)
	}
	_, err = v.CreateSubnet(engine.Subnet{VPC: "vpc-a", CIDR: netip.MustParsePrefix("10.0.0.0/16")})
	wantCode(t, "a first subnet of the whole VPC", err, "")
}

// TestRoundTripACLFiles: every valid file of the contract's section saves
// and reads back the same world.
func TestRoundTripACLFiles(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(contractDir, aclSection, "*.yaml"))
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if w, _ := engine.Parse(f, data); w != nil {
			n++
			t.Run(filepath.Base(f), func(t *testing.T) { checkRoundTrip(t, w) })
		}
	}
	if n < 20 {
		t.Fatalf("only %d valid files", n)
	}
}

// TestACLExplanationByName: the learner's explanation names the ACL by
// its name, the file's by its id.
func TestACLExplanationByName(t *testing.T) {
	w := mustLoad(t, aclWorld)
	r := engine.Evaluate(w, conn("neighbour", "web-1", 443))
	if e := r.Explanation(); !strings.Contains(e, "network ACL acl-web of subnet-web") || !strings.Contains(e, "rule 90 denies it") {
		t.Errorf("Explanation: %s", e)
	}
	if e := r.ExplanationByName(); !strings.Contains(e, "network ACL web-acl of subnet-web") {
		t.Errorf("ExplanationByName: %s", e)
	}
}
