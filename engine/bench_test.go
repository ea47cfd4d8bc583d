package engine_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/engine/enginetest"
)

// The benchmarks and their targets (issue 12), run on one core:
//
//	go test -run='^$' -bench=Evaluate -benchmem -cpu=1 -count=6 ./engine
//	    one connection, 100 instances, 50 groups of 10 rules: <= 80 ns/op, 0 allocs/op
//	go test -run='^$' -bench='Matrix$' -cpu=1 -count=6 ./engine
//	    1,000 x 1,000 machines on 6 ports: <= 100 ms, and >= 10x faster than
//	    BenchmarkMatrixReference on the same world
//	go test -run='^$' -bench=ParseLarge -benchmem -cpu=1 -count=6 ./engine
//	    the 1.3 MB and 12.5 MB generated worlds (enginetest.Large)
//	go test -run='^$' -bench='ParseNested|ParseManyGroups' -benchmem -cpu=1 ./engine
//	    40 KB of [[[...]]] refused in <= 10 ms and 10 MB; 40,000 groups
//	    resolved by name as fast as by id
//
// The whole `sglab check` is BenchmarkCheckLarge in cmd/sglab. Timing is
// reported, never asserted; the allocation count is behaviour and
// TestEvaluateAllocatesNothing asserts it.

var (
	evalScale   = scale{instances: 100, groups: 50, minRules: 10, maxRules: 10, perInstance: 3}
	matrixScale = scale{instances: 1000, groups: 2500, minRules: 1, maxRules: 60, perInstance: 5}
	matrixPorts = []int{21, 22, 80, 443, 3389, 8080}
)

// The worlds are built once per test binary: the matrix world takes a
// while, and both matrix benchmarks must see the same one.
var (
	evalWorldOnce      = sync.OnceValue(func() *engine.World { return scaleWorld(evalScale) })
	matrixWorldOnce    = sync.OnceValue(func() *engine.World { return scaleWorld(matrixScale) })
	evalACLWorldOnce   = sync.OnceValue(func() *engine.World { sc := evalScale; sc.acls = true; return scaleWorld(sc) })
	matrixACLWorldOnce = sync.OnceValue(func() *engine.World { sc := matrixScale; sc.acls = true; return scaleWorld(sc) })
)

// evalConnections picks, from the benchmark world, one connection of each
// kind worth timing, all between two instances of one VPC: the packet gets
// through; it is let out and then blocked after every inbound rule was
// looked at (the slowest case); and that same connection with the
// destination written as its private address.
func evalConnections(tb testing.TB, w *engine.World) map[string]engine.Connection {
	tb.Helper()
	out := map[string]engine.Connection{}
	for _, from := range w.Instances {
		for _, to := range w.Instances {
			if from == to || from.VPC != to.VPC {
				continue
			}
			c := engine.Connection{From: from.ID, To: to.ID, Protocol: engine.ProtoTCP, Port: 443}
			switch engine.Evaluate(w, c).Reason {
			case engine.Allowed:
				out["allowed"] = c
			case engine.InboundBlocked:
				out["inbound-blocked"] = c
				c.To = to.PrivateIP.String()
				out["address"] = c
			}
		}
	}
	if len(out) != 3 || engine.Evaluate(w, out["address"]).Reason != engine.InboundBlocked {
		tb.Fatalf("the benchmark world lacks a kind of connection: %v", out)
	}
	return out
}

func BenchmarkEvaluate(b *testing.B) {
	w := evalWorldOnce()
	for name, c := range evalConnections(b, w) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				engine.Evaluate(w, c)
			}
		})
	}
}

// BenchmarkEvaluateACL is BenchmarkEvaluate in the same world with four
// subnets per VPC and network ACLs of 12 entries a direction: each
// connection crosses two ACLs both ways.
func BenchmarkEvaluateACL(b *testing.B) {
	w := evalACLWorldOnce()
	conns := map[string]engine.Connection{}
	for _, from := range w.Instances {
		for _, to := range w.Instances {
			if from == to || from.VPC != to.VPC || w.SubnetOf(from) == w.SubnetOf(to) {
				continue
			}
			c := engine.Connection{From: from.ID, To: to.ID, Protocol: engine.ProtoTCP, Port: 443}
			conns[engine.Evaluate(w, c).Reason.String()] = c
		}
	}
	for name, c := range conns {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				engine.Evaluate(w, c)
			}
		})
	}
}

// TestEvaluateAllocatesNothing: Evaluate must not allocate, whatever the
// connection, so that the lab can evaluate freely on every key press.
func TestEvaluateAllocatesNothing(t *testing.T) {
	w := mustLoad(t, evalWorld)
	conns := []engine.Connection{
		tcp("laptop", "web-1", 22), tcp("app-1", "web-1", 8080), tcp("other", "web-1", 22),
		tcp("i-locked", "web-1", 80), tcp("web-1", "i-b2", 80), tcp("app-1", "54.210.0.10", 80),
		tcp("v6host", "2600:1f18:a::10", 80), tcp("laptop", "nobody", 80), tcp("10.0.9.9", "web-1", 80),
		ping6("v6host", "web-1"), udp("i-def", "web-1", 53),
	}
	for name, c := range evalConnections(t, evalWorldOnce()) {
		c.From = name + "?" // names nothing: unreachable, still no allocation
		conns = append(conns, c)
	}
	for _, c := range conns {
		if n := testing.AllocsPerRun(20, func() { engine.Evaluate(w, c) }); n != 0 {
			t.Errorf("Evaluate(%s -> %s %s) allocates %v times", c.From, c.To, c.What(), n)
		}
	}
	// With network ACLs too: every connection of the contract's ACL cases.
	files, _ := filepath.Glob(filepath.Join(contractDir, aclSection, "*.yaml"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		aw, _ := engine.Parse(f, data)
		if aw == nil {
			continue
		}
		for _, c := range aw.Connections {
			if n := testing.AllocsPerRun(20, func() { engine.Evaluate(aw, c) }); n != 0 {
				t.Errorf("%s: Evaluate(%s -> %s %s) allocates %v times", f, c.From, c.To, c.What(), n)
			}
		}
	}
}

func BenchmarkMatrix(b *testing.B) {
	w := matrixWorldOnce()
	b.ReportAllocs()
	for b.Loop() {
		engine.BuildMatrix(w, matrixPorts)
	}
}

// BenchmarkMatrixACL is BenchmarkMatrix with subnets and network ACLs
// (issue 13: <= 1 s on one core).
func BenchmarkMatrixACL(b *testing.B) {
	w := matrixACLWorldOnce()
	b.ReportAllocs()
	for b.Loop() {
		engine.BuildMatrix(w, matrixPorts)
	}
}

// BenchmarkMatrixReference computes the same matrix cell by cell with the
// reference evaluator: the baseline BuildMatrix must beat tenfold. It takes
// tens of seconds; run it with -benchtime=1x.
func BenchmarkMatrixReference(b *testing.B) {
	w := matrixWorldOnce()
	rw := newRefWorld(w)
	var ends []refEnd
	for _, i := range w.Instances {
		ends = append(ends, refEnd{inst: i})
	}
	for _, h := range w.Hosts {
		ends = append(ends, refEnd{host: h})
	}
	cells := make([]engine.Reason, len(ends)*len(ends)*len(matrixPorts))
	for b.Loop() {
		k := 0
		for _, from := range ends {
			for _, to := range ends {
				for _, port := range matrixPorts {
					if from != to {
						cells[k] = refDecide(rw.evaluateEnds(from, to, engine.Connection{Protocol: engine.ProtoTCP, Port: port}))
					}
					k++
				}
			}
		}
	}
}

// BenchmarkParseLarge reads the generated worlds of the engine's figures:
// Large(1000) is 1.3 MB of YAML (1,000 instances, 600 groups, 1,000
// connections), Large(10000) ten times that. One op is one Parse:
// decoding, the model and its positions, defaults, names, validation and
// the compiled form.
func BenchmarkParseLarge(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		data := enginetest.Large(n)
		b.Run(itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if w, ds := engine.Parse("large.yaml", data); w == nil {
					b.Fatal(ds.Error())
				}
			}
		})
	}
}

// BenchmarkParseNested: a 40 KB file of [[[...]]] is refused before any
// parser sees it (target: under 10 ms and 10 MB; the full parser took
// 3.8 s and 664 MB).
func BenchmarkParseNested(b *testing.B) {
	data := enginetest.Nested(20000)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if w, _ := engine.Parse("nested.yaml", data); w != nil {
			b.Fatal("a file nested 20,000 deep was read")
		}
	}
}

// BenchmarkParseManyGroups reads 40,000 groups whose rules and instances
// name them by name or by id: resolving either is linear, so the two cost
// about the same.
func BenchmarkParseManyGroups(b *testing.B) {
	for _, byName := range []bool{true, false} {
		data := enginetest.ManyGroups(40000, byName)
		name := "by-id"
		if byName {
			name = "by-name"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if w, ds := engine.Parse("groups.yaml", data); w == nil {
					b.Fatal(ds.Error())
				}
			}
		})
	}
}
