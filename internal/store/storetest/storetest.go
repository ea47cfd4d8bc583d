// Package storetest is the conformance suite of store.Store: the same
// tests run against every implementation (the state directory and the
// class database), so the screens may rely on one behaviour whichever
// store they were given.
package storetest

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"testing"

	"github.com/sglab/sglab/internal/store"
)

// Harness opens fresh stores of one implementation for the suite.
type Harness struct {
	// Open returns a new, empty store.
	Open func(t *testing.T) store.Store
	// WriteRaw stores data as document name at schema, bypassing every
	// check, as a damaged disk or another program would.
	WriteRaw func(t *testing.T, s store.Store, name string, schema int, data []byte)
}

// Counter is the suite's document: a count, the writers that changed it,
// and values that must not be negative.
type Counter struct {
	N       int      `json:"n"`
	Writers []string `json:"writers,omitempty"`
	Values  []int    `json:"values,omitempty"`
}

// SchemaVersion implements state.Versioned.
func (*Counter) SchemaVersion() int { return 2 }

// Upgrade implements state.Versioned: schema 1 counted in tens.
func (c *Counter) Upgrade(from int) error {
	switch from {
	case 1:
		c.N *= 10
	case 2:
	default:
		*c = Counter{}
		return fmt.Errorf("schema %d is not one the suite wrote", from)
	}
	return nil
}

// Validate implements state.Validator: it drops negative values.
func (c *Counter) Validate() []string {
	var dropped []string
	kept := c.Values[:0]
	for _, v := range c.Values {
		if v < 0 {
			dropped = append(dropped, fmt.Sprintf("the value %d", v))
			continue
		}
		kept = append(kept, v)
	}
	c.Values = kept
	return dropped
}

type warnings struct {
	mu   sync.Mutex
	list []string
}

func (w *warnings) add(s string) { w.mu.Lock(); w.list = append(w.list, s); w.mu.Unlock() }

func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	l := w.list
	w.list = nil
	return l
}

// Run runs the suite.
func Run(t *testing.T, h Harness) {
	t.Run("MissingDocumentLeavesValue", func(t *testing.T) {
		s := h.Open(t)
		c := &Counter{N: 7}
		if err := s.Read("counter.json", c); err != nil || c.N != 7 {
			t.Fatalf("Read of a missing document: %+v, %v; want it untouched", c, err)
		}
	})
	t.Run("UpdateThenRead", func(t *testing.T) {
		s := h.Open(t)
		for k := range 3 {
			c := &Counter{}
			if err := s.Update("counter.json", c, func() error { c.N++; c.Values = append(c.Values, k); return nil }); err != nil {
				t.Fatal(err)
			}
		}
		c := &Counter{}
		if err := s.Read("counter.json", c); err != nil || c.N != 3 || len(c.Values) != 3 {
			t.Fatalf("after three updates: %+v, %v", c, err)
		}
		other := &Counter{}
		if err := s.Read("other.json", other); err != nil || other.N != 0 {
			t.Fatalf("documents are separate by name: %+v, %v", other, err)
		}
	})
	t.Run("FailedChangeWritesNothing", func(t *testing.T) {
		s := h.Open(t)
		c := &Counter{}
		must(t, s.Update("counter.json", c, func() error { c.N = 1; return nil }))
		boom := errors.New("boom")
		c = &Counter{}
		if err := s.Update("counter.json", c, func() error { c.N = 99; return boom }); !errors.Is(err, boom) {
			t.Fatalf("Update returned %v, want the change's error", err)
		}
		c = &Counter{}
		if must(t, s.Read("counter.json", c)); c.N != 1 {
			t.Fatalf("a failed change was written: N = %d", c.N)
		}
	})
	t.Run("ConcurrentUpdatesLoseNothing", func(t *testing.T) {
		s := h.Open(t)
		const writers, each = 8, 10
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := range writers {
			wg.Go(func() {
				for range each {
					c := &Counter{}
					errs <- s.Update("counter.json", c, func() error {
						c.N++
						c.Writers = append(c.Writers, fmt.Sprint(w))
						return nil
					})
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			must(t, err)
		}
		c := &Counter{}
		if must(t, s.Read("counter.json", c)); c.N != writers*each || len(c.Writers) != writers*each {
			t.Fatalf("N = %d with %d writers recorded, want %d", c.N, len(c.Writers), writers*each)
		}
	})
	t.Run("UpgradeOnRead", func(t *testing.T) {
		s := h.Open(t)
		h.WriteRaw(t, s, "counter.json", 1, []byte(`{"n":4}`))
		c := &Counter{}
		if must(t, s.Read("counter.json", c)); c.N != 40 {
			t.Fatalf("schema 1's N 4 read as %d, want 40", c.N)
		}
	})
	t.Run("NewerSchemaIsAnError", func(t *testing.T) {
		s := h.Open(t)
		h.WriteRaw(t, s, "counter.json", 3, []byte(`{"n":4}`))
		c := &Counter{N: 7}
		err := s.Read("counter.json", c)
		if err == nil || !strings.Contains(err.Error(), "newer sglab") || c.N != 7 {
			t.Fatalf("Read of schema 3: %+v, %v; want a newer-sglab error and the value untouched", c, err)
		}
		// It is not set aside: the newer sglab's work is kept for it.
		h.WriteRaw(t, s, "counter.json", 3, []byte(`{"n":4}`))
		if err := s.Update("counter.json", &Counter{}, func() error { return nil }); err == nil {
			t.Fatal("Update over a newer schema succeeded")
		}
	})
	for _, tc := range []struct {
		name   string
		schema int
		data   string
	}{
		{"NotJSON", 2, `{"n":`},
		{"WrongShape", 2, `{"n":"four"}`},
		{"UnknownOldSchema", 0, `{"n":4}`},
	} {
		t.Run("Corrupt"+tc.name+"IsSetAside", func(t *testing.T) {
			s := h.Open(t)
			var w warnings
			s = s.WithWarn(w.add)
			h.WriteRaw(t, s, "counter.json", tc.schema, []byte(tc.data))
			c := &Counter{N: 7}
			if err := s.Read("counter.json", c); err != nil || c.N != 7 {
				t.Fatalf("Read of a corrupt document: %+v, %v; want no error and the value untouched", c, err)
			}
			if got := w.take(); len(got) != 1 {
				t.Fatalf("warnings %q, want one", got)
			}
			// Set aside: the next read finds nothing, and says nothing.
			if err := s.Read("counter.json", c); err != nil || c.N != 7 || len(w.take()) != 0 {
				t.Fatalf("second read: %+v, %v", c, err)
			}
		})
	}
	t.Run("InvalidRecordsDroppedOnce", func(t *testing.T) {
		s := h.Open(t)
		var w warnings
		s = s.WithWarn(w.add)
		h.WriteRaw(t, s, "counter.json", 2, []byte(`{"n":2,"values":[1,-5,3]}`))
		c := &Counter{}
		if must(t, s.Read("counter.json", c)); c.N != 2 || fmt.Sprint(c.Values) != "[1 3]" {
			t.Fatalf("read %+v, want the negative value dropped", c)
		}
		if got := w.take(); len(got) != 1 || !strings.Contains(got[0], "-5") {
			t.Fatalf("warnings %q, want one naming -5", got)
		}
		c = &Counter{}
		if must(t, s.Read("counter.json", c)); len(w.take()) != 0 || fmt.Sprint(c.Values) != "[1 3]" {
			t.Fatalf("the repair was not written back: %+v", c)
		}
	})
	t.Run("BlobMissing", func(t *testing.T) {
		s := h.Open(t)
		if _, err := s.ReadBlob("lab.yaml"); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("ReadBlob of a missing blob: %v, want fs.ErrNotExist", err)
		}
	})
	t.Run("BlobCompareAndSwap", func(t *testing.T) {
		s := h.Open(t)
		one, two, three := []byte("one\n"), []byte("two\n"), []byte("three\n")
		must(t, s.SwapBlob("lab.yaml", store.Sum{}, one))
		if got, err := s.ReadBlob("lab.yaml"); err != nil || string(got) != "one\n" {
			t.Fatalf("ReadBlob = %q, %v", got, err)
		}
		must(t, s.SwapBlob("lab.yaml", store.SumOf(one), two))
		// A writer that still thinks it holds "one" must not overwrite "two".
		err := s.SwapBlob("lab.yaml", store.SumOf(one), three)
		if cur, ok := store.IsChanged(err); !ok || string(cur) != "two\n" {
			t.Fatalf("a stale swap returned %v (current %q), want a ChangedError holding two", err, cur)
		}
		if got, _ := s.ReadBlob("lab.yaml"); string(got) != "two\n" {
			t.Fatalf("a stale swap wrote: %q", got)
		}
		// Writing what is there already is no conflict, whatever the base.
		must(t, s.SwapBlob("lab.yaml", store.Sum{}, two))
	})
	t.Run("BlobSetAside", func(t *testing.T) {
		s := h.Open(t)
		must(t, s.SwapBlob("lab.yaml", store.Sum{}, []byte("bad: [")))
		where, err := s.SetAside("lab.yaml")
		if err != nil || where == "" {
			t.Fatalf("SetAside = %q, %v", where, err)
		}
		if _, err := s.ReadBlob("lab.yaml"); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("after SetAside, ReadBlob: %v, want fs.ErrNotExist", err)
		}
		where2, err := s.SetAside("lab.yaml")
		if err == nil && where2 == where {
			t.Fatalf("a second set-aside reused %q", where)
		}
		// A missing blob takes any base: it holds nobody's work.
		must(t, s.SwapBlob("lab.yaml", store.SumOf([]byte("whatever")), []byte("new\n")))
	})
	t.Run("ConcurrentSwapsOneWins", func(t *testing.T) {
		s := h.Open(t)
		base := []byte("base\n")
		must(t, s.SwapBlob("lab.yaml", store.Sum{}, base))
		const n = 6
		var wg sync.WaitGroup
		results := make(chan error, n)
		for k := range n {
			wg.Go(func() { results <- s.SwapBlob("lab.yaml", store.SumOf(base), fmt.Appendf(nil, "writer %d\n", k)) })
		}
		wg.Wait()
		close(results)
		won := 0
		for err := range results {
			if _, changed := store.IsChanged(err); !changed {
				must(t, err)
				won++
			}
		}
		if won != 1 {
			t.Fatalf("%d writers from the same base won, want exactly 1", won)
		}
	})
	t.Run("Where", func(t *testing.T) {
		if w := h.Open(t).Where(); w == "" || strings.ContainsAny(w, "\x1b\n") {
			t.Fatalf("Where = %q", w)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
