package engine

import "hash/maphash"

// refTable finds an end by a spelling of it: an instance's or a host's id
// or name, or one of its addresses written canonically. Looking up a
// connection's two ends is the part of an evaluation everything else waits
// for, and a Go map spends that wait going through its directory, a group
// and its control word before it compares a key; here a lookup is one
// hash, one 32-byte slot and, nearly always, one string comparison
// (BenchmarkEvaluate: about 5 ns less per connection).
//
// Like the rest of the compiled form it is filled in once, by compile,
// and only read after that.
type refTable struct {
	seed  maphash.Seed
	slots []refSlot // a power of two of them, at most half in use, probed in order
}

type refSlot struct {
	key string
	// tag is the high half of the key's hash, the low half having picked
	// the slot, so that a probe past another key rarely compares strings;
	// its lowest bit is set, and a free slot's tag is 0.
	tag uint32
	ref endRef
}

// newRefTable makes a table for n spellings.
func newRefTable(n int) refTable {
	size := 8
	for size < 2*n {
		size *= 2
	}
	return refTable{seed: maphash.MakeSeed(), slots: make([]refSlot, size)}
}

// hash is key's hash, which slot starts from.
func (t *refTable) hash(key string) uint64 { return maphash.String(t.seed, key) }

// slot returns the slot that holds key, whose hash is h, or the free one
// where it would go.
func (t *refTable) slot(key string, h uint64) (*refSlot, uint32) {
	tag, mask := uint32(h>>32)|1, uint64(len(t.slots)-1)
	for i := h & mask; ; i = (i + 1) & mask {
		if s := &t.slots[i]; s.tag == 0 || s.tag == tag && s.key == key {
			return s, tag
		}
	}
}

// set makes key name ref, in place of what it named before.
func (t *refTable) set(key string, ref endRef) {
	s, tag := t.slot(key, t.hash(key))
	*s = refSlot{key, tag, ref}
}

// find returns what key, whose hash is h, names.
func (t *refTable) find(key string, h uint64) (endRef, bool) {
	s, _ := t.slot(key, h)
	return s.ref, s.tag != 0
}
