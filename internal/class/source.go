package class

import (
	"context"
	"time"

	"github.com/sglab/sglab/lessons"
)

// LiveSource is the board of an instructor connected to the server: rows
// from the database, changes from the server's own events, the moment
// they happen.
type LiveSource struct {
	srv    *Server
	ctx    context.Context
	events <-chan Event
	stop   func()
}

// NewLiveSource subscribes to the server's events until ctx ends (the
// instructor's session).
func NewLiveSource(ctx context.Context, srv *Server) *LiveSource {
	ch, stop := srv.hub.Subscribe()
	context.AfterFunc(ctx, stop)
	return &LiveSource{srv: srv, ctx: ctx, events: ch, stop: stop}
}

// gather is how long the board waits after a change for the changes that
// come with it (a learner typing fast), so that a burst costs one reload.
const gather = 100 * time.Millisecond

// refresh is how often the board redraws with nothing new, so that "last
// activity" keeps counting.
const refresh = 10 * time.Second

// Wait implements board.Source.
func (s *LiveSource) Wait() ([]int64, bool) {
	timer := time.NewTimer(refresh)
	defer timer.Stop()
	var first Event
	select {
	case <-s.ctx.Done():
		return nil, false
	case <-timer.C:
		return []int64{}, true
	case first = <-s.events:
	}
	ids := map[int64]bool{first.Learner: true}
	window := time.NewTimer(gather)
	defer window.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return nil, false
		case e := <-s.events:
			ids[e.Learner] = true
		case <-window.C:
			out := make([]int64, 0, len(ids))
			for id := range ids {
				out = append(out, id)
			}
			return out, true
		}
	}
}

// Reports implements board.Source.
func (s *LiveSource) Reports() ([]Report, error) {
	return s.srv.db.Reports(s.Course(), s.srv.Connected())
}

// Report implements board.Source.
func (s *LiveSource) Report(id int64) (Report, error) {
	r, err := s.srv.db.ReportOf(s.Course(), id)
	r.Connected = s.srv.Connected()[id]
	return r, err
}

// Assign implements board.Source.
func (s *LiveSource) Assign(a Assignment) (Assignment, error) { return s.srv.Assign(a) }

// Broadcast implements board.Source.
func (s *LiveSource) Broadcast(text string) error { return s.srv.Broadcast(text) }

// Assignments implements board.Source.
func (s *LiveSource) Assignments() ([]Assignment, error) { return s.srv.db.Assignments() }

// Course implements board.Source.
func (s *LiveSource) Course() *lessons.Course { return s.srv.cfg.Course }

// PollSource is the board of `sglab class board` on the server's machine:
// it reads the class database once a second, when it changed. Who is
// connected comes from the server's connected and disconnected events.
type PollSource struct {
	db     *DB
	course *lessons.Course
	ctx    context.Context
	seen   string
}

// NewPollSource reads db until ctx ends.
func NewPollSource(ctx context.Context, db *DB, c *lessons.Course) *PollSource {
	return &PollSource{db: db, course: c, ctx: ctx}
}

// Wait implements board.Source: it returns once a second, when the
// database holds something new, and every refresh regardless.
func (s *PollSource) Wait() ([]int64, bool) {
	deadline := time.Now().Add(refresh)
	for {
		select {
		case <-s.ctx.Done():
			return nil, false
		case <-time.After(time.Second):
		}
		stamp, err := s.db.stamp()
		if err != nil || stamp != s.seen || time.Now().After(deadline) {
			s.seen = stamp
			return nil, true
		}
	}
}

// Reports implements board.Source.
func (s *PollSource) Reports() ([]Report, error) {
	connected, err := s.db.connectedNow()
	if err != nil {
		return nil, err
	}
	return s.db.Reports(s.course, connected)
}

// Report implements board.Source.
func (s *PollSource) Report(id int64) (Report, error) {
	r, err := s.db.ReportOf(s.course, id)
	if err == nil {
		connected, cerr := s.db.connectedNow()
		r.Connected, err = connected[id], cerr
	}
	return r, err
}

// Assign implements board.Source: the server delivers it within a second.
func (s *PollSource) Assign(a Assignment) (Assignment, error) { return s.db.Assign(a) }

// Broadcast implements board.Source: the server delivers it within a second.
func (s *PollSource) Broadcast(text string) error {
	_, err := s.db.Message(text)
	return err
}

// Assignments implements board.Source.
func (s *PollSource) Assignments() ([]Assignment, error) { return s.db.Assignments() }

// Course implements board.Source.
func (s *PollSource) Course() *lessons.Course { return s.course }

// stamp changes whenever anything in the class changes.
func (db *DB) stamp() (string, error) {
	var docs, blobs, events string
	err := db.sql.QueryRow(`SELECT
		coalesce((SELECT max(updated_at) FROM documents), ''),
		coalesce((SELECT max(updated_at) FROM blobs), ''),
		coalesce((SELECT max(id) FROM events), 0) || '/' || coalesce((SELECT max(id) FROM assignments), 0)`).Scan(&docs, &blobs, &events)
	return docs + "|" + blobs + "|" + events, err
}

// connectedNow says who is connected, from each learner's last connected
// or disconnected event. A server killed mid-class leaves learners
// "connected" until it starts again and they come and go.
func (db *DB) connectedNow() (map[int64]bool, error) {
	rows, err := db.sql.Query(`SELECT learner, kind FROM events WHERE id IN (
		SELECT max(id) FROM events WHERE kind IN ('connected', 'disconnected') GROUP BY learner)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		var kind string
		if err := rows.Scan(&id, &kind); err != nil {
			return nil, err
		}
		out[id] = kind == "connected"
	}
	return out, rows.Err()
}

// disconnectAll records a disconnection for every learner whose last
// event says connected.
func (db *DB) disconnectAll() error {
	connected, err := db.connectedNow()
	if err != nil {
		return err
	}
	for id, on := range connected {
		if on {
			if err := db.Event(id, "disconnected", "the server stopped"); err != nil {
				return err
			}
		}
	}
	return nil
}
