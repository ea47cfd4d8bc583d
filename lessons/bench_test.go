package lessons

import "testing"

// BenchmarkCheckCapstone is the lab's cost of re-checking the goals after
// each change, on the lesson with the most goals: five exposure goals,
// one of them on an instance without a public IP.
func BenchmarkCheckCapstone(b *testing.B) {
	p, err := Builtin()
	if err != nil {
		b.Fatal(err)
	}
	c := p.Lessons[len(p.Lessons)-1].Challenge("three-tiers-from-scratch")
	w, err := c.SolvedWorld()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		c.Check(w)
	}
}

// BenchmarkValidateBuiltin is `sglab lessons validate` on the built-in
// course, over-broad variants included.
func BenchmarkValidateBuiltin(b *testing.B) {
	p, err := Builtin()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		Validate(p)
	}
}
