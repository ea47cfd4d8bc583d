package audit

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/sglab/sglab/engine"
)

// TestDropCoveredMatchesDefinition holds dropCovered to its definition,
// written the plain way: a narrower source's range goes when a range
// anyone of its address family reaches, of the same protocol, holds it.
func TestDropCoveredMatchesDefinition(t *testing.T) {
	family := func(from string) bool { return netip.MustParsePrefix(from).Addr().Is4() }
	anyone := func(o Open) bool { return o.From == "0.0.0.0/0" || o.From == "::/0" }
	plain := func(open []Open) []Open {
		var out []Open
		for _, o := range open {
			if !anyone(o) && slices.ContainsFunc(open, func(a Open) bool {
				return anyone(a) && a.Protocol == o.Protocol && family(a.From) == family(o.From) &&
					a.Ports.Lo <= o.Ports.Lo && o.Ports.Hi <= a.Ports.Hi
			}) {
				continue
			}
			out = append(out, o)
		}
		return out
	}
	froms := []string{"0.0.0.0/0", "::/0", "203.0.113.0/24", "198.51.100.7/32", "2001:db8::/32"}
	protos := []engine.Protocol{engine.ProtoTCP, engine.ProtoUDP, engine.ProtoICMP, engine.ProtoICMPv6}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var open []Open
		for range r.IntN(8) {
			lo := r.IntN(100)
			open = append(open, Open{Protocol: protos[r.IntN(len(protos))], Ports: engine.PortRange{Lo: lo, Hi: lo + r.IntN(50)},
				From: froms[r.IntN(len(froms))]})
		}
		want := plain(slices.Clone(open))
		if got := dropCovered(slices.Clone(open)); !slices.Equal(got, want) {
			t.Fatalf("dropCovered(%v) = %v, want %v", open, got, want)
		}
	}
}
