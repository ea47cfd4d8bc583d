package store

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/sglab/sglab/internal/state"
)

// DefaultDelay is how long the Persister waits after a change for the
// changes that come with it (a learner paging through a lesson, answering
// a drill), so that a burst costs one write. It bounds what a crash can
// lose, and how stale the instructor's board can be.
const DefaultDelay = 150 * time.Millisecond

// Persister is the one way the app writes to a learner's store: off the
// UI goroutine, in order, merging bursts of changes into one write per
// document, and writing whatever is pending when it is flushed or closed.
// It starts no goroutine of its own while nothing is pending.
type Persister struct {
	st    Store
	delay time.Duration

	write sync.Mutex // held for a whole flush: writes never overlap

	mu      sync.Mutex
	docs    map[string]*docBatch
	blobs   map[string]*blobBatch
	base    map[string]Sum // each blob as last read or written
	timer   *time.Timer
	closed  bool
	written uint64 // counts document writes, in the order they happened
	// unseen are failed writes whose outcome nobody has read yet.
	unseen []unseenErr
}

type unseenErr struct {
	b   *batch
	err error
}

// Outcome is how a queued change fared.
type Outcome struct {
	// Doc is the document as written (nil for a blob, or on error).
	Doc state.Versioned
	// Result is what the change returned.
	Result any
	// Seq orders the writes of documents: a larger Seq was written later.
	Seq uint64
	// Warnings are problems the store handled (a corrupt document set
	// aside).
	Warnings []string
	Err      error
}

// batch is what docBatch and blobBatch share: whether anyone read the
// outcome, so that Flush reports the errors nobody has seen.
type batch struct {
	delivered atomic.Bool
}

type docBatch struct {
	batch
	fresh   func() state.Versioned
	changes []func(state.Versioned) any
	results []any
	out     Outcome
	done    chan struct{}
}

type blobBatch struct {
	batch
	data []byte
	out  Outcome
	done chan struct{}
}

// NewPersister returns the persister of st, merging the changes made
// within delay of the first.
func NewPersister(st Store, delay time.Duration) *Persister {
	return &Persister{st: st, delay: delay, docs: map[string]*docBatch{}, blobs: map[string]*blobBatch{}, base: map[string]Sum{}}
}

// Store is the store written to.
func (p *Persister) Store() Store { return p.st }

// Update queues change for document name: fresh makes the empty document
// the stored one is read into; change is applied to it, after the
// changes queued before it, and what it returns comes back in the
// Outcome. The returned function waits for the write and returns how it
// went; the change is written whether or not anyone waits.
func (p *Persister) Update(name string, fresh func() state.Versioned, change func(v state.Versioned) any) (wait func() Outcome) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.docs[name]
	if b == nil {
		b = &docBatch{fresh: fresh, done: make(chan struct{})}
		p.docs[name] = b
	}
	k := len(b.changes)
	b.changes = append(b.changes, change)
	p.schedule()
	return func() Outcome {
		<-b.done
		b.delivered.Store(true)
		out := b.out
		if k < len(b.results) {
			out.Result = b.results[k]
		}
		return out
	}
}

// ReadBlob reads blob name, which later writes compare against.
func (p *Persister) ReadBlob(name string) ([]byte, error) {
	p.write.Lock()
	defer p.write.Unlock()
	data, err := p.st.ReadBlob(name)
	p.mu.Lock()
	defer p.mu.Unlock()
	if err == nil {
		p.base[name] = SumOf(data)
	} else {
		p.base[name] = Sum{}
	}
	return data, err
}

// SetBase says which version of blob name the next write may replace:
// after another writer changed it and the learner chose what to keep.
func (p *Persister) SetBase(name string, sum Sum) {
	p.mu.Lock()
	p.base[name] = sum
	p.mu.Unlock()
}

// Put queues data as blob name. Only the newest data queued is written,
// and only over the version this persister last read or wrote (see
// SetBase); otherwise the Outcome's Err is a *ChangedError.
func (p *Persister) Put(name string, data []byte) (wait func() Outcome) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.blobs[name]
	if b == nil {
		b = &blobBatch{done: make(chan struct{})}
		p.blobs[name] = b
	}
	b.data = data
	p.schedule()
	return func() Outcome { <-b.done; b.delivered.Store(true); return b.out }
}

// schedule starts the timer that flushes the batch (at once once the
// persister is closed). The caller holds mu.
func (p *Persister) schedule() {
	if p.timer != nil {
		return
	}
	delay := p.delay
	if p.closed {
		delay = 0
	}
	p.timer = time.AfterFunc(delay, func() { p.flush(false) })
}

// Pending reports whether changes are waiting to be written.
func (p *Persister) Pending() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.docs) > 0 || len(p.blobs) > 0
}

// Flush writes everything queued now. It returns the first error of a
// write whose outcome nobody has read (a screen shows the errors it
// reads; the others must not go unseen): one written now, or earlier.
// A blob another writer changed is no error here: its waiter handles it.
func (p *Persister) Flush() error { return p.flush(true) }

// flush writes what is queued; report says whether the caller reports
// the errors nobody has read (the timer's flush has no one to tell).
func (p *Persister) flush(report bool) error {
	p.write.Lock()
	defer p.write.Unlock()
	p.mu.Lock()
	docs, blobs := p.docs, p.blobs
	p.docs, p.blobs = map[string]*docBatch{}, map[string]*blobBatch{}
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	p.mu.Unlock()
	var failed []unseenErr
	for name, b := range docs {
		p.writeDoc(name, b)
		if b.out.Err != nil {
			failed = append(failed, unseenErr{&b.batch, b.out.Err})
		}
		close(b.done)
	}
	for name, b := range blobs {
		p.writeBlob(name, b)
		if _, changed := IsChanged(b.out.Err); b.out.Err != nil && !changed {
			failed = append(failed, unseenErr{&b.batch, b.out.Err})
		}
		close(b.done)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.unseen = append(p.unseen, failed...)
	if !report {
		return nil
	}
	var first error
	for _, u := range p.unseen {
		if !u.b.delivered.Load() && first == nil {
			first = u.err
		}
	}
	p.unseen = p.unseen[:0] // reported now, or read by a screen
	return first
}

func (p *Persister) writeDoc(name string, b *docBatch) {
	var warnings []string
	st := p.st.WithWarn(func(w string) { warnings = append(warnings, w) })
	v := b.fresh()
	err := st.Update(name, v, func() error {
		b.results = b.results[:0]
		for _, c := range b.changes {
			b.results = append(b.results, c(v))
		}
		return nil
	})
	b.out = Outcome{Warnings: warnings, Err: err}
	if err == nil {
		p.mu.Lock()
		p.written++
		b.out.Doc, b.out.Seq = v, p.written
		p.mu.Unlock()
	}
}

func (p *Persister) writeBlob(name string, b *blobBatch) {
	p.mu.Lock()
	base := p.base[name]
	p.mu.Unlock()
	b.out.Err = p.st.SwapBlob(name, base, b.data)
	if b.out.Err == nil {
		p.SetBase(name, SumOf(b.data))
	}
}

// Close writes what is pending; changes queued after it are written at
// once, without waiting for others.
func (p *Persister) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	return p.Flush()
}
