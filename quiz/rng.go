package quiz

// rng is SplitMix64: tiny, and ours, so that a seed gives the same questions
// in the same order with every Go release and on every machine. A class
// shares a seed; review rebuilds a generated question from the seed in its
// id weeks later. math/rand makes no such promise for its helpers.
type rng struct{ state uint64 }

func newRNG(seed uint64) *rng { return &rng{state: seed} }

func (r *rng) next() uint64 {
	r.state += 0x9e3779b97f4a7c15
	z := r.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a number in [0, n), n > 0. The bias of the multiply-shift
// reduction is below 2^-32 for the small n used here.
func (r *rng) intn(n int) int {
	return int(((r.next() >> 32) * uint64(n)) >> 32)
}

// chance reports true with probability percent/100.
func (r *rng) chance(percent int) bool { return r.intn(100) < percent }

// derive returns the seed of the k-th item drawn from seed, so that items
// are independent of one another: the k-th question of a sheet does not
// change when the generator needs more tries for an earlier one.
func derive(seed, k uint64) uint64 {
	r := rng{state: seed ^ (k * 0xd1b54a32d192ed03)}
	return r.next()
}

func shuffle[T any](r *rng, s []T) {
	for i := len(s) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		s[i], s[j] = s[j], s[i]
	}
}

func pick[T any](r *rng, s []T) T { return s[r.intn(len(s))] }
