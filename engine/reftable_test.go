package engine

import (
	"strconv"
	"testing"
)

// TestRefTable: every spelling set is found with what it was last set to,
// the empty spelling included; spellings never set are not found; and a
// table made for n spellings has room for twice as many, so that a probe
// always meets a free slot.
func TestRefTable(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 9, 1000} {
		tab := newRefTable(n)
		for k := range n {
			tab.set(strconv.Itoa(k), endRef{inst: int32(k), host: -1})
		}
		// Set again, half of them: the later value wins, as compile's
		// order (addresses, then names, then ids) relies on.
		for k := 0; k < n; k += 2 {
			tab.set(strconv.Itoa(k), endRef{inst: -1, host: int32(k), by: hostIP})
		}
		tab.set("", endRef{inst: 42, host: -1})
		for k := range n {
			want := endRef{inst: int32(k), host: -1}
			if k%2 == 0 {
				want = endRef{inst: -1, host: int32(k), by: hostIP}
			}
			key := strconv.Itoa(k)
			if got, ok := tab.find(key, tab.hash(key)); !ok || got != want {
				t.Fatalf("n=%d: find(%q) = %v, %v; want %v", n, key, got, ok, want)
			}
		}
		if got, ok := tab.find("", tab.hash("")); !ok || got.inst != 42 {
			t.Errorf("n=%d: find(\"\") = %v, %v", n, got, ok)
		}
		for _, key := range []string{"-1", strconv.Itoa(n), "x", "00"} {
			if got, ok := tab.find(key, tab.hash(key)); ok {
				t.Errorf("n=%d: find(%q) = %v, found", n, key, got)
			}
		}
		used := 0
		for _, s := range tab.slots {
			if s.tag != 0 {
				used++
			}
		}
		if used != n+1 || 2*n > len(tab.slots) {
			t.Errorf("n=%d: %d of %d slots used", n, used, len(tab.slots))
		}
	}
}
