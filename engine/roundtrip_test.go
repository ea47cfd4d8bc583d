package engine_test

import (
	"bytes"
	"fmt"
	"net/netip"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/sglab/sglab/engine"
)

// plainWorld is a world with everything a file says, as plain values: an
// empty list equals a missing one.
type plainWorld struct {
	Version                   int
	Name, Description, Region string
	Quotas                    [3]int
	VPCs                      []engine.VPC
	Subnets                   []engine.Subnet
	NetworkACLs               []engine.NetworkACL
	Groups                    []engine.Group
	Instances                 []engine.Instance
	Hosts                     []engine.Host
	Connections               []engine.Connection
}

func plain(w *engine.World) plainWorld {
	p := plainWorld{Version: w.Version, Name: w.Name, Description: w.Description, Region: w.Region,
		Quotas: [3]int{w.Quotas.RulesPerDirection, w.Quotas.GroupsPerInstance, w.Quotas.ACLRulesPerDirection}}
	for _, v := range w.VPCs {
		p.VPCs = append(p.VPCs, *v)
	}
	for _, s := range w.Subnets {
		p.Subnets = append(p.Subnets, *s)
	}
	for _, a := range w.NetworkACLs {
		c := *a
		c.Inbound, c.Outbound = orNil(a.Inbound), orNil(a.Outbound)
		p.NetworkACLs = append(p.NetworkACLs, c)
	}
	for _, g := range w.Groups {
		c := *g
		c.Inbound, c.Outbound = orNil(g.Inbound), orNil(g.Outbound)
		p.Groups = append(p.Groups, c)
	}
	for _, i := range w.Instances {
		c := *i
		c.Groups, c.Listening = orNil(c.Groups), orNil(c.Listening)
		p.Instances = append(p.Instances, c)
	}
	for _, h := range w.Hosts {
		c := *h
		c.Listening = orNil(c.Listening)
		p.Hosts = append(p.Hosts, c)
	}
	p.Connections = orNil(w.Connections)
	return p
}

func orNil[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// worldDiff describes the first difference between two worlds, or "".
func worldDiff(a, b *engine.World) string {
	pa, pb := plain(a), plain(b)
	va, vb := reflect.ValueOf(pa), reflect.ValueOf(pb)
	for k := range va.NumField() {
		fa, fb := va.Field(k), vb.Field(k)
		if reflect.DeepEqual(fa.Interface(), fb.Interface()) {
			continue
		}
		name := va.Type().Field(k).Name
		if fa.Kind() != reflect.Slice || fa.Len() != fb.Len() {
			return fmt.Sprintf("%s: %+v\n  != %+v", name, fa.Interface(), fb.Interface())
		}
		for i := range fa.Len() {
			if !reflect.DeepEqual(fa.Index(i).Interface(), fb.Index(i).Interface()) {
				return fmt.Sprintf("%s[%d]: %+v\n  != %+v", name, i, fa.Index(i).Interface(), fb.Index(i).Interface())
			}
		}
	}
	return ""
}

// checkRoundTrip writes w, reads it back, and requires the same world and,
// written again, the same bytes.
func checkRoundTrip(t *testing.T, w *engine.World) {
	t.Helper()
	data := engine.Marshal(w)
	back, ds := engine.Parse("saved.yaml", data)
	if back == nil {
		t.Fatalf("a saved world does not load:\n%s\n%s", ds.Error(), data)
	}
	if d := worldDiff(w, back); d != "" {
		t.Fatalf("the world read back differs: %s\nfile:\n%s", d, data)
	}
	if again := engine.Marshal(back); !bytes.Equal(again, data) {
		t.Fatalf("written twice, the file changes:\n%s\n---\n%s", data, again)
	}
}

func TestRoundTripFixtures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	if len(files) == 0 {
		t.Fatal("no fixtures in testdata")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			checkRoundTrip(t, loadFixture(t, filepath.Base(f)))
		})
	}
	t.Run("evaluation world", func(t *testing.T) { checkRoundTrip(t, mustLoad(t, evalWorld)) })
}

func TestRoundTripRandomWorlds(t *testing.T) {
	for seed := range uint64(200) {
		checkRoundTrip(t, load(t, newGen(seed).world(fmt.Sprint("seed ", seed))))
	}
}

// TestRoundTripOddText saves names and descriptions that YAML would read
// as something else unless quoted.
func TestRoundTripOddText(t *testing.T) {
	texts := []string{"yes", "No", "null", "~", "true", "1", "0x1F", "1e3", ".inf", "-1", "a: b", "#x", "a #b",
		"[x]", "{x}", "*x", "&x", "!x", "%x", "@x", "`x", "'x'", `"x"`, " lead", "trail ", "back\\slash",
		"ünïcode", "emoji 🎓", "- x", "? x", "x,y", "1_000", "0o17", "2001:db8::1", "a\u00a0b", ""}
	// Control characters, line breaks and tabs are refused at load instead
	// (TestTextIsOneLineOfPrintableText).
	for _, s := range texts {
		w := engine.NewWorld(s)
		w.Description = s + s
		w.VPCs = []*engine.VPC{{ID: "vpc-a", CIDR: netip.MustParsePrefix("10.0.0.0/16"), Region: s}}
		w.Hosts = []*engine.Host{{ID: "h", Name: s, IP: netip.MustParseAddr("203.0.113.1")}}
		if s == "" || s == "h" {
			w.Hosts[0].Name = ""
		}
		w.Groups = []*engine.Group{{ID: "sg-a", VPC: "vpc-a", Description: s,
			Inbound: []engine.Rule{{Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: 1, Hi: 1},
				Peer: engine.CIDRPeer(netip.MustParsePrefix("10.0.0.0/8")), Description: s}}}}
		t.Run(fmt.Sprintf("%q", s), func(t *testing.T) { checkRoundTrip(t, load(t, w)) })
	}
}

// TestRoundTripAfterChanges saves worlds the lab has changed: a default
// group with a new rule, a new VPC and its default group, groups and rules
// made by the mutation API, which must read back exactly.
func TestRoundTripAfterChanges(t *testing.T) {
	w := mustLoad(t, evalWorld)
	steps := []func() error{
		func() error {
			return w.AddRule("vpc-a/default", engine.Inbound, engine.Rule{Protocol: engine.ProtoTCP,
				Ports: engine.PortRange{Lo: 22, Hi: 22}, Peer: engine.CIDRPeer(netip.MustParsePrefix("203.0.113.0/24"))})
		},
		func() error {
			return w.AddVPC(engine.VPC{ID: "vpc-c", CIDR: netip.MustParsePrefix("10.2.0.0/16"), IPv6CIDR: netip.MustParsePrefix("2600:1f18:c::/56")})
		},
		func() error {
			_, err := w.CreateGroup(engine.Group{Name: "api", VPC: "vpc-c", Description: "the API", Inbound: []engine.Rule{
				{Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: 443, Hi: 443}, Peer: engine.Peer{Self: true}},
				{Protocol: engine.ProtoICMP, Ports: engine.AnyICMP, Peer: engine.GroupPeer("vpc-c/default")},
			}})
			return err
		},
		func() error {
			_, err := w.LaunchInstance(engine.Instance{VPC: "vpc-c", Groups: []string{"api", "default"}})
			return err
		},
		func() error {
			return w.AddRule("sg-web", engine.Outbound, engine.Rule{Protocol: engine.ProtoAll, Peer: engine.GroupPeer("default")})
		},
		func() error { return w.RemoveRule("vpc-a/default", engine.Inbound, 1) },
	}
	for k, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", k, err)
		}
		checkRoundTrip(t, w)
	}
}
