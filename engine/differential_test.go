package engine_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sglab/sglab/engine"
)

// The differential tests hold engine.Evaluate and engine.BuildMatrix to the
// reference evaluator on random worlds. The seeds are fixed, so a failure
// always reproduces; the sizes keep `go test` fast.

const (
	diffWorlds      = 150 // random worlds
	diffConnections = 40  // random connections per world
)

// disagreement is a connection on which two evaluators differ.
type disagreement struct {
	seed      uint64
	conn      engine.Connection
	got, want engine.Reason
	detail    string
}

func (d disagreement) String() string {
	return fmt.Sprintf("seed %d: %s -> %s %s: engine says %s, reference says %s%s",
		d.seed, d.conn.From, d.conn.To, d.conn.What(), d.got, d.want, d.detail)
}

// coverage counts the kinds of case compared: each reason, and each kind
// of path (private or not, IPv4 or IPv6) of the reachable ones.
type coverage map[string]int

// diffEvaluate compares the engine with a reference that decides with
// decide, over the fixed random worlds, and returns every disagreement.
func diffEvaluate(t *testing.T, decide decision) (disagreements []disagreement, seen coverage) {
	t.Helper()
	seen = coverage{}
	for seed := range uint64(diffWorlds) {
		g := newGen(seed)
		w := load(t, g.world(fmt.Sprint("world ", seed)))
		rw := newRefWorld(w)
		for range diffConnections {
			c, ok := g.connection(w)
			if !ok {
				continue
			}
			got, f := engine.Evaluate(w, c), rw.evaluate(c)
			seen[got.Reason.String()]++
			if f.reachable {
				seen[fmt.Sprintf("private=%v ipv6=%v", f.private, f.dst.Is6())]++
			}
			d := disagreement{seed: seed, conn: c, got: got.Reason, want: decide(f)}
			if d.got == d.want && f.reachable && (got.SrcAddr != f.src || got.DstAddr != f.dst || got.Private != f.private) {
				d.detail = fmt.Sprintf(" (but the engine goes %s -> %s private=%v, the reference %s -> %s private=%v)",
					got.SrcAddr, got.DstAddr, got.Private, f.src, f.dst, f.private)
			}
			if d.detail == "" {
				d.detail = firstMatchesAgree(got)
			}
			if d.got != d.want || d.detail != "" {
				disagreements = append(disagreements, d)
			}
		}
	}
	t.Logf("compared %v", seen)
	return disagreements, seen
}

// firstMatchesAgree describes how a result's FirstMatch and Matched
// disagree, or returns "". (A connection that timed out matched no rule as
// a whole, though its first direction may have.)
func firstMatchesAgree(r engine.Result) string {
	if r.Outcome == engine.Timeout {
		return ""
	}
	matched := r.Matched()
	for _, dir := range []engine.Direction{engine.Outbound, engine.Inbound} {
		first, ok := r.FirstMatch(dir)
		k := slices.IndexFunc(matched, func(m engine.RuleRef) bool { return m.Direction == dir })
		if ok != (k >= 0) || (ok && matched[k] != first) {
			return fmt.Sprintf(" (but FirstMatch(%s) is %v, %v and Matched %v)", dir, first, ok, matched)
		}
	}
	return ""
}

func TestEvaluateAgreesWithReference(t *testing.T) {
	ds, seen := diffEvaluate(t, refDecide)
	// A comparison that never meets a case proves nothing about it.
	for _, kind := range []string{"allowed", "no-listener", "inbound-blocked", "outbound-blocked", "unreachable",
		"acl-outbound-blocked", "acl-inbound-blocked", "acl-reply-blocked",
		"private=true ipv6=false", "private=false ipv6=false", "private=true ipv6=true", "private=false ipv6=true"} {
		// The ACL reasons are rarer among random connections (the groups
		// drop most first); the matrix comparison meets them by thousands.
		if least := map[bool]int{false: 50, true: 10}[strings.HasPrefix(kind, "acl-")]; seen[kind] < least {
			t.Errorf("only %d cases of %s among %v: the generator has gone stale", seen[kind], kind, seen)
		}
	}
	for k, d := range ds {
		if k == 20 {
			t.Fatalf("... and %d more", len(ds)-k)
		}
		t.Error(d)
	}
}

// TestDifferentialCatchesBrokenEvaluators proves that the comparison above
// can fail: it runs it against references with classic evaluator bugs and
// requires it to find them. A differential test that agrees with a broken
// evaluator proves nothing.
func TestDifferentialCatchesBrokenEvaluators(t *testing.T) {
	broken := map[string]decision{
		// The classic: a flow passes when egress OR ingress allows it.
		"egress or ingress": func(f facts) engine.Reason {
			return refDecide(facts{reachable: f.reachable, outbound: f.outbound || f.inbound,
				inbound: f.outbound || f.inbound, aclOut: f.aclOut, aclIn: f.aclIn, aclReply: f.aclReply, listening: f.listening})
		},
		"inbound checked first": func(f facts) engine.Reason {
			if f.reachable && !f.inbound {
				return engine.InboundBlocked
			}
			return refDecide(f)
		},
		"listener ignored": func(f facts) engine.Reason {
			f.listening = true
			return refDecide(f)
		},
		// Network ACLs taken for stateful: the reply always comes back.
		"acl replies ignored": func(f facts) engine.Reason {
			f.aclReply = true
			return refDecide(f)
		},
		"acl checked after the groups": func(f facts) engine.Reason {
			if f.reachable && f.outbound && f.aclOut && !f.inbound {
				return engine.InboundBlocked
			}
			return refDecide(f)
		},
	}
	for name, decide := range broken {
		t.Run(name, func(t *testing.T) {
			if ds, _ := diffEvaluate(t, decide); len(ds) == 0 {
				t.Errorf("the differential test agrees with an evaluator where %s", name)
			}
		})
	}
}

// TestMatrixAgreesWithReference evaluates every pair of machines of random
// worlds on the probe ports, by the matrix and by the reference.
func TestMatrixAgreesWithReference(t *testing.T) {
	cells := 0
	for seed := range uint64(diffWorlds) {
		w := load(t, newGen(seed).world("matrix"))
		m := engine.BuildMatrix(w, probePorts)
		rw := newRefWorld(w)
		for s, from := range m.Endpoints {
			for d, to := range m.Endpoints {
				for p, port := range m.Ports {
					got := m.At(s, d, p)
					want := engine.ReasonNone
					if s != d {
						c := engine.Connection{Protocol: engine.ProtoTCP, Port: port}
						want = refDecide(rw.evaluateEnds(refEndOf(from), refEndOf(to), c))
					}
					cells++
					if got != want {
						t.Errorf("seed %d: %s -> %s tcp/%d: matrix says %s, reference says %s",
							seed, from.Label(), to.Label(), port, got, want)
					}
				}
			}
		}
	}
	if cells < 10000 {
		t.Fatalf("only %d cells compared; the generator has gone stale", cells)
	}
}

func refEndOf(e engine.Endpoint) refEnd { return refEnd{inst: e.Instance, host: e.Host} }
