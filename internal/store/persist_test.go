package store_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/sglab/sglab/internal/state"
	"github.com/sglab/sglab/internal/store"
	"github.com/sglab/sglab/internal/store/storetest"
)

// counting counts the writes that reach a store.
type counting struct {
	store.Store
	updates, swaps atomic.Int64
}

func (c *counting) Update(name string, v state.Versioned, change func() error) error {
	c.updates.Add(1)
	return c.Store.Update(name, v, change)
}

func (c *counting) SwapBlob(name string, base store.Sum, data []byte) error {
	c.swaps.Add(1)
	return c.Store.SwapBlob(name, base, data)
}

func (c *counting) WithWarn(w func(string)) store.Store {
	return &countingView{c, c.Store.WithWarn(w)}
}

type countingView struct {
	c *counting
	store.Store
}

func (v *countingView) Update(name string, d state.Versioned, change func() error) error {
	v.c.updates.Add(1)
	return v.Store.Update(name, d, change)
}

func newCounting(t *testing.T) *counting {
	f, err := store.OpenFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &counting{Store: f}
}

func counter() state.Versioned { return &storetest.Counter{} }

func add(k int) func(state.Versioned) any {
	return func(v state.Versioned) any {
		c := v.(*storetest.Counter)
		c.N++
		c.Values = append(c.Values, k)
		return c.N
	}
}

// A burst of changes is one write, applied in order, each change's
// result coming back to its waiter.
func TestPersisterMergesABurst(t *testing.T) {
	st := newCounting(t)
	p := store.NewPersister(st, 50*time.Millisecond)
	var waits []func() store.Outcome
	for k := range 20 {
		waits = append(waits, p.Update("counter.json", counter, add(k)))
	}
	for k, w := range waits {
		out := w()
		if out.Err != nil || out.Result != k+1 {
			t.Fatalf("change %d: result %v, err %v", k, out.Result, out.Err)
		}
	}
	if n := st.updates.Load(); n != 1 {
		t.Fatalf("%d writes for a burst of 20 changes, want 1", n)
	}
	c := &storetest.Counter{}
	if err := st.Read("counter.json", c); err != nil || c.N != 20 || c.Values[0] != 0 || c.Values[19] != 19 {
		t.Fatalf("stored %+v, %v", c, err)
	}
}

// Close writes what is pending at once; nothing waits for the timer.
func TestPersisterCloseFlushes(t *testing.T) {
	st := newCounting(t)
	p := store.NewPersister(st, time.Hour)
	p.Update("counter.json", counter, add(1))
	p.Put("lab.yaml", []byte("first"))
	p.Put("lab.yaml", []byte("newest"))
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	c := &storetest.Counter{}
	if err := st.Read("counter.json", c); err != nil || c.N != 1 {
		t.Fatalf("after Close: %+v, %v", c, err)
	}
	if data, _ := st.ReadBlob("lab.yaml"); string(data) != "newest" || st.swaps.Load() != 1 {
		t.Fatalf("after Close the blob is %q in %d writes; want the newest in 1", data, st.swaps.Load())
	}
	// Closed: a later change is written without waiting for an hour.
	done := make(chan store.Outcome)
	go func() { done <- p.Update("counter.json", counter, add(2))() }()
	select {
	case out := <-done:
		if out.Err != nil {
			t.Fatal(out.Err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a change after Close was not written")
	}
}

// A blob another writer changed is not overwritten: the outcome says so,
// and after SetBase the next write goes through.
func TestPersisterBlobConflict(t *testing.T) {
	st := newCounting(t)
	if err := st.SwapBlob("lab.yaml", store.Sum{}, []byte("mine v1")); err != nil {
		t.Fatal(err)
	}
	p := store.NewPersister(st, time.Millisecond)
	if _, err := p.ReadBlob("lab.yaml"); err != nil {
		t.Fatal(err)
	}
	if err := st.SwapBlob("lab.yaml", store.SumOf([]byte("mine v1")), []byte("theirs")); err != nil {
		t.Fatal(err)
	}
	out := p.Put("lab.yaml", []byte("mine v2"))()
	cur, changed := store.IsChanged(out.Err)
	if !changed || string(cur) != "theirs" {
		t.Fatalf("outcome %v, want a ChangedError holding theirs", out.Err)
	}
	p.SetBase("lab.yaml", store.SumOf(cur)) // the learner chose to keep theirs' place for mine
	if out := p.Put("lab.yaml", []byte("mine v2"))(); out.Err != nil {
		t.Fatal(out.Err)
	}
	if data, _ := st.ReadBlob("lab.yaml"); string(data) != "mine v2" {
		t.Fatalf("blob %q", data)
	}
}

// Each write's Seq is larger than the one before, so a screen keeps the
// newest document whatever order the outcomes arrive in.
func TestPersisterOrdersWrites(t *testing.T) {
	st := newCounting(t)
	p := store.NewPersister(st, time.Millisecond)
	out := p.Update("counter.json", counter, func(v state.Versioned) any { return nil })()
	if out.Err != nil || out.Doc == nil || out.Seq == 0 {
		t.Fatalf("outcome %+v", out)
	}
	later := p.Update("counter.json", counter, add(1))()
	if later.Seq <= out.Seq {
		t.Fatalf("Seq %d after %d: writes must be ordered", later.Seq, out.Seq)
	}
}
