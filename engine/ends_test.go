package engine_test

import (
	"reflect"
	"testing"

	"github.com/sglab/sglab/engine"
)

// TestEndsEvaluateIsEvaluate: evaluating through ends looked up once gives
// Evaluate's result, field for field, for every pair of ends of generated
// worlds (names that name nothing included) and every protocol.
func TestEndsEvaluateIsEvaluate(t *testing.T) {
	for seed := range uint64(40) {
		g := newGen(seed)
		w := load(t, g.world("ends"))
		all := append(refs(w), "nobody", "2001:DB8::99", "::ffff:10.0.0.1")
		for range 60 {
			from, to := pick(g, all), pick(g, all)
			ends := engine.ResolveEnds(w, from, to)
			for _, p := range []engine.Protocol{engine.ProtoTCP, engine.ProtoUDP, engine.ProtoICMP, engine.ProtoICMPv6} {
				port := 0
				if p.HasPorts() {
					port = pick(g, probePorts)
				}
				want := engine.Evaluate(w, engine.Connection{From: from, To: to, Protocol: p, Port: port})
				if got := ends.Evaluate(p, port); !reflect.DeepEqual(got, want) {
					t.Fatalf("seed %d: %s -> %s %s %d: Ends.Evaluate %v (%v), Evaluate %v (%v)",
						seed, from, to, p, port, got.Outcome, got.Reason, want.Outcome, want.Reason)
				}
			}
		}
	}
}
