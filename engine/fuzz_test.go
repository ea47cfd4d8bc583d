package engine_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sglab/sglab/engine"
)

// The fuzz tests check properties, not only that nothing panics. Their seed
// corpus (f.Add below and testdata/fuzz/<name>/) runs in every go test;
// run one for real with, for example:
//
//	go test -run='^$' -fuzz=FuzzParse -fuzztime=90s ./engine

// codes is every code a diagnostic may carry; "" is a warning.
var codes = []string{"", engine.CodeSyntax, engine.CodeUnknownField, engine.CodeMissingField, engine.CodeDuplicateID,
	engine.CodeInvalidValue, engine.CodeGroupNotFound, engine.CodeInvalidParameter, engine.CodeGroupDuplicate,
	engine.CodePermissionDup, engine.CodeRulesLimit, engine.CodeGroupsLimit, engine.CodeAddressInUse,
	engine.CodeInstanceNotFound, engine.CodeVPCNotFound, engine.CodeSubnetRange, engine.CodeSubnetConflict,
	engine.CodeSubnetNotFound, engine.CodeACLNotFound, engine.CodeACLEntryExists, engine.CodeACLEntryLimit}

// addScenarioSeeds gives a fuzz test the project's scenarios: the
// fixtures, the examples, the test worlds and a generated one.
func addScenarioSeeds(f *testing.F) {
	fixtures, _ := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	examples, _ := filepath.Glob(filepath.Join("..", "examples", "scenarios", "*.yaml"))
	// The contract's subnet and network ACL cases, valid and not.
	acls, _ := filepath.Glob(filepath.Join(contractDir, aclSection, "*.yaml"))
	for _, name := range append(append(fixtures, examples...), acls...) {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(evalWorld))
	f.Add([]byte(mutateWorld))
	f.Add(engine.Marshal(load(f, newGen(7).world("seven"))))
	f.Add(engine.Marshal(load(f, newGen(11).world("eleven, with network ACLs"))))
}

func FuzzParse(f *testing.F) {
	addScenarioSeeds(f)
	f.Add([]byte("version: 1\nvpcs: &v [{ id: a, cidr: 10.0.0.0/16 }]\nhosts: *v\n"))
	f.Add([]byte("version: 1\nname: !!binary aGk=\n"))
	f.Add([]byte("version: 1\n---\n"))
	f.Add([]byte("{version: 1, vpcs: [{id: a, cidr: \"10.0.0.0/16\"}]}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Without Parse's safety net: a panic must fail the test, not turn
		// into a SyntaxError that looks like a file's fault.
		w, ds := engine.ParseUnguarded("fuzz.yaml", data)
		if (w == nil) != ds.HasErrors() {
			t.Fatalf("world %v with diagnostics %v: the world must be nil exactly when there are errors", w != nil, ds)
		}
		checkDiagnostics(t, ds)
		if w == nil {
			return
		}
		// A file that loads saves, and the saved file loads the same world.
		saved := engine.Marshal(w)
		back, ds2 := engine.Parse("saved.yaml", saved)
		if back == nil {
			t.Fatalf("the saved world does not load: %v\n%s", ds2.Error(), saved)
		}
		if d := worldDiff(w, back); d != "" {
			t.Fatalf("the saved world reads back different: %s\n%s", d, saved)
		}
		if again := engine.Marshal(back); string(again) != string(saved) {
			t.Fatalf("saved twice, the file changes:\n%s\n---\n%s", saved, again)
		}
		// Its connections evaluate as the reference says, traced or not.
		rw := newRefWorld(w)
		for _, c := range w.Connections {
			r := engine.Evaluate(w, c)
			if want := refDecide(rw.evaluate(c)); r.Reason != want {
				t.Errorf("%s -> %s %s: engine says %s, reference says %s", c.From, c.To, c.What(), r.Reason, want)
			}
			if tr := engine.Trace(w, c); tr.Reason != r.Reason || len(tr.Trace) == 0 {
				t.Errorf("%s -> %s: Trace says %s in %d steps, Evaluate %s", c.From, c.To, tr.Reason, len(tr.Trace), r.Reason)
			}
			_ = r.Explanation()
		}
	})
}

// FuzzFastPathWorld: the fast YAML decoder and the full parser give the
// same world and the same diagnostics, byte for byte, on every input. (The
// fast decoder declines what it does not read exactly as the full parser
// does; where it declines, both runs use the full parser.)
func FuzzFastPathWorld(f *testing.F) {
	addScenarioSeeds(f)
	f.Add([]byte("version: 1\nvpcs:\n  - { id: a, cidr: 10.0.0.0/16, soruce: x }\n  -\nhosts: [{id: h, ip: 1.2.3.4}, ~]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, fds := engine.ParseUnguarded("fuzz.yaml", data)
		full, gds := engine.ParseFullYAML("fuzz.yaml", data)
		if a, b := fds.Error()+fmt.Sprint(fds.Warnings()), gds.Error()+fmt.Sprint(gds.Warnings()); a != b {
			t.Fatalf("diagnostics differ:\nfast:\n%s\nfull:\n%s\ninput:\n%s", a, b, data)
		}
		if (fast == nil) != (full == nil) {
			t.Fatalf("one decoder gives a world, the other not:\n%s", data)
		}
		if fast == nil {
			return
		}
		if d := worldDiff(fast, full); d != "" {
			t.Fatalf("the worlds differ: %s\ninput:\n%s", d, data)
		}
		if a, b := engine.Marshal(fast), engine.Marshal(full); !bytes.Equal(a, b) {
			t.Fatalf("the worlds save differently:\n%s\n---\n%s", a, b)
		}
	})
}

func FuzzDecodeRule(f *testing.F) {
	for _, s := range [][4]string{
		{"tcp", "22", "0.0.0.0/0", "SSH"}, {"udp", "53", "10.0.0.2", ""}, {"icmp", "", "self", ""}, {"icmp", "3/4", "::/0", ""},
		{"all", "", "vpc-main/default", ""}, {"-1", "all", "web:8080", ""}, {"tcp", "-1", "sg-1", ""}, {"6", "1024-65535", "10.0.0.300/8", ""},
		{"47", "9", "::ffff:1.2.3.4", ""}, {"tcp", "", "db (primary)", ""}, {"tcpp", "80", "", ""},
	} {
		f.Add(s[0], s[1], s[1] != "", s[2], s[3], false)
	}
	f.Fuzz(func(t *testing.T, protocol, ports string, hasPorts bool, peer, description string, outbound bool) {
		d := engine.Inbound
		if outbound {
			d = engine.Outbound
		}
		r, hostBits, errs := engine.DecodeRule(d, engine.RuleText{Protocol: protocol, Ports: ports, HasPorts: hasPorts, Peer: peer, Description: description})
		for _, e := range errs {
			if e.Msg == "" || (e.Code != engine.CodeInvalidValue && e.Code != engine.CodeMissingField) {
				t.Fatalf("error %+v: want a message and a known code", e)
			}
		}
		if len(errs) > 0 {
			return
		}
		if hostBits && (r.Peer.IsGroup() || !r.Peer.CIDR.IsValid()) {
			t.Fatalf("host bits reported on peer %+v", r.Peer)
		}
		switch {
		case r.Peer.Self:
		case r.Peer.IsGroup():
			// Kept as written: anything that is not an address.
			if _, _, err := engine.ParseCIDR(r.Peer.Group); err == nil || r.Peer.Group != strings.TrimSpace(peer) {
				t.Fatalf("peer %q read as the group %q", peer, r.Peer.Group)
			}
		case !r.Peer.CIDR.IsValid() || r.Peer.CIDR != r.Peer.CIDR.Masked() || r.Peer.CIDR.Addr().Is4In6():
			t.Fatalf("peer %q read as the range %v", peer, r.Peer.CIDR)
		}
		// What the rule says reads back as the same rule.
		text := engine.RuleText{Protocol: r.Protocol.String(), Ports: r.Ports.Format(r.Protocol), HasPorts: true, Peer: r.Peer.String(), Description: r.Description}
		back, _, errs := engine.DecodeRule(d, text)
		if len(errs) > 0 || back != r {
			t.Fatalf("%+v written as %+v reads back as %+v, %v", r, text, back, errs)
		}
	})
}

// checkDiagnostics: sorted by position, each in the file, with a known code
// and a message.
func checkDiagnostics(t *testing.T, ds engine.Diagnostics) {
	t.Helper()
	for k, d := range ds {
		if d.File != "fuzz.yaml" || d.Pos.Line < 1 || d.Pos.Col < 1 || d.Message == "" || !slices.Contains(codes, d.Code) {
			t.Errorf("diagnostic %#v: want file fuzz.yaml, a position, a known code and a message", d)
		}
		if k > 0 {
			p := ds[k-1].Pos
			if p.Line > d.Pos.Line || (p.Line == d.Pos.Line && p.Col > d.Pos.Col) {
				t.Errorf("diagnostics out of order: %v before %v", ds[k-1], d)
			}
		}
	}
}

func FuzzParseCIDR(f *testing.F) {
	for _, s := range []string{"0.0.0.0/0", "10.0.0.5/24", "203.0.113.10", "::/0", "2001:db8::1/32", "fe80::1%eth0/64",
		"::ffff:10.0.0.1", "::ffff:10.0.0.0/104", "10.0.0.0/33", " 10.0.0.0/8 ", "1.2.3.4/032"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, changed, err := engine.ParseCIDR(s)
		if err != nil {
			return
		}
		if !p.IsValid() || p != p.Masked() || p.Addr().Zone() != "" || p.Addr().Is4In6() {
			t.Fatalf("ParseCIDR(%q) = %v: want a valid range without host bits, zone or IPv4 mapping", s, p)
		}
		// The stored range is written as p.String() and must read back as itself.
		back, changedBack, err := engine.ParseCIDR(p.String())
		if err != nil || back != p || changedBack {
			t.Fatalf("ParseCIDR(%q) = %v; it reads back as %v, %v, %v", s, p, back, changedBack, err)
		}
		if !strings.Contains(s, "/") && (changed || p.Bits() != p.Addr().BitLen()) {
			t.Fatalf("ParseCIDR(%q) = %v, %v: a bare address is one host, unchanged", s, p, changed)
		}
	})
}

func FuzzParsePorts(f *testing.F) {
	for _, s := range []string{"22", "1024-65535", "all", "ALL", "0-65535", "3/4", "8", "-1", "443-80", "1-2-3", "65536", "00022", " 8 / 0"} {
		for _, p := range []int16{int16(engine.ProtoTCP), int16(engine.ProtoICMP), int16(engine.ProtoAll), 47} {
			f.Add(p, s)
		}
	}
	f.Fuzz(func(t *testing.T, proto int16, s string) {
		p := engine.Protocol(proto)
		r, err := engine.ParsePorts(p, s)
		if err != nil {
			return
		}
		switch {
		case p.HasPorts():
			if r.Lo < 0 || r.Lo > r.Hi || r.Hi > 65535 {
				t.Fatalf("ParsePorts(%v, %q) = %+v: not a range inside 0-65535", p, s, r)
			}
		case p.IsICMP():
			in := func(n int) bool { return n == engine.AnyPort || (n >= 0 && n <= 255) }
			if !in(r.Lo) || !in(r.Hi) || (r.Lo == engine.AnyPort && r.Hi != engine.AnyPort) {
				t.Fatalf("ParsePorts(%v, %q) = %+v: not an icmp type and code", p, s, r)
			}
		default:
			if r != (engine.PortRange{}) {
				t.Fatalf("ParsePorts(%v, %q) = %+v: other protocols ignore ports", p, s, r)
			}
		}
		// What Format writes reads back as the same ports.
		text := r.Format(p)
		if back, err := engine.ParsePorts(p, text); err != nil || back != r {
			t.Fatalf("ParsePorts(%v, %q) = %+v, formatted %q, reads back as %+v, %v", p, s, r, text, back, err)
		}
	})
}

func FuzzParseProtocol(f *testing.F) {
	for _, s := range []string{"tcp", "UDP", "icmp", "icmpv6", "all", "-1", "6", "17", "1", "58", "255", "256", "0", "+6", "06", "1e1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := engine.ParseProtocol(s)
		if err != nil {
			return
		}
		if p < engine.ProtoAll || p > 255 {
			t.Fatalf("ParseProtocol(%q) = %d: outside all and 0-255", s, p)
		}
		if back, err := engine.ParseProtocol(p.String()); err != nil || back != p {
			t.Fatalf("ParseProtocol(%q) = %v, which reads back as %v, %v", s, p, back, err)
		}
	})
}

func FuzzParseService(f *testing.F) {
	for _, s := range []string{"tcp/80", "udp/53", "80", "6/22", "icmp/8", "tcp/", "/80", "tcp/65536", "TCP/0080", "tcp/80/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		svc, err := engine.ParseService(s)
		if err != nil {
			return
		}
		if !svc.Protocol.HasPorts() || svc.Port < 0 || svc.Port > 65535 {
			t.Fatalf("ParseService(%q) = %v: not tcp or udp on a port", s, svc)
		}
		if back, err := engine.ParseService(svc.String()); err != nil || back != svc {
			t.Fatalf("ParseService(%q) = %v, which reads back as %v, %v", s, svc, back, err)
		}
	})
}

func FuzzParseAddr(f *testing.F) {
	for _, s := range []string{"10.0.0.1", "2001:db8::1", "::ffff:10.0.0.1", "fe80::1%eth0", "10.0.0.1/32", " 1.2.3.4 ", "01.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := engine.ParseAddr(s)
		if err != nil {
			return
		}
		if !a.IsValid() || a.Zone() != "" || a.Is4In6() {
			t.Fatalf("ParseAddr(%q) = %v: want an address without zone or IPv4 mapping", s, a)
		}
		if back, err := engine.ParseAddr(a.String()); err != nil || back != a {
			t.Fatalf("ParseAddr(%q) = %v, which reads back as %v, %v", s, a, back, err)
		}
	})
}
