package quiz

import "testing"

// BenchmarkGenerate is the cost of one scenario question, world, engine
// answers and every choice's explanation included: what a drill pays
// between two answers.
func BenchmarkGenerate(b *testing.B) {
	for _, level := range []int{MinLevel, MaxLevel} {
		b.Run("level-"+string(rune('0'+level)), func(b *testing.B) {
			b.ReportAllocs()
			seed := uint64(0)
			for b.Loop() {
				seed++
				if _, err := Generate(ScenarioKinds[seed%3], level, seed); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
