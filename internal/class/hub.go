package class

import (
	"sync"
	"time"
)

// Event is something a learner did that the board shows: connected,
// disconnected, enrolled, or a change to their state (Kind "changed",
// Name the document or blob).
type Event struct {
	Learner int64
	Kind    string
	Name    string
	At      time.Time
}

// Hub carries events from the sessions to the boards in the same
// process. A subscriber that falls behind misses events but always gets
// the signal that something changed: the board reloads its rows, so no
// event is needed twice.
type Hub struct {
	mu   sync.Mutex
	subs map[chan Event]struct{}
}

func newHub() *Hub { return &Hub{subs: map[chan Event]struct{}{}} }

// Subscribe returns a channel of events and the function that ends the
// subscription.
func (h *Hub) Subscribe() (<-chan Event, func()) {
	ch := make(chan Event, 64)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs, ch)
		h.mu.Unlock()
	}
}

func (h *Hub) publish(e Event) {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- e:
		default: // full: the board reloads everything on the next event anyway
		}
	}
}

func (h *Hub) changed(learner int64, name string) {
	h.publish(Event{Learner: learner, Kind: "changed", Name: name})
}
