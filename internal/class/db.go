// Package class is sglab's classroom: the class database, the roster of
// learners and instructors, the SSH server that gives every learner the
// whole app in a session of their own, and the events the instructor's
// board follows.
package class

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite", pure Go

	"github.com/sglab/sglab/internal/safetext"
	"github.com/sglab/sglab/internal/state"
	"github.com/sglab/sglab/internal/store"
)

// DBFile is the class database's name in the class directory.
const DBFile = "class.db"

// schemaSQL creates the class database. Documents are the learner's state
// as the state directory keeps it (lesson progress, quiz answers and
// review schedule), versioned JSON that goes through the same upgrade and
// validation; blobs are the scratch lab's YAML.
const schemaSQL = `
CREATE TABLE IF NOT EXISTS learners (
	id          INTEGER PRIMARY KEY,
	fingerprint TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL,
	enrolled_at TEXT NOT NULL,
	last_seen   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
	learner    INTEGER NOT NULL REFERENCES learners(id),
	name       TEXT NOT NULL,
	schema     INTEGER NOT NULL,
	data       BLOB NOT NULL,
	updated_at TEXT NOT NULL,
	PRIMARY KEY (learner, name)
);
CREATE TABLE IF NOT EXISTS blobs (
	learner    INTEGER NOT NULL REFERENCES learners(id),
	name       TEXT NOT NULL,
	data       BLOB NOT NULL,
	updated_at TEXT NOT NULL,
	PRIMARY KEY (learner, name)
);
CREATE TABLE IF NOT EXISTS set_aside (
	id      INTEGER PRIMARY KEY,
	learner INTEGER NOT NULL REFERENCES learners(id),
	name    TEXT NOT NULL,
	data    BLOB NOT NULL,
	why     TEXT NOT NULL,
	at      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS assignments (
	id         INTEGER PRIMARY KEY,
	kind       TEXT NOT NULL CHECK (kind IN ('lesson', 'challenge', 'quiz')),
	target     TEXT NOT NULL DEFAULT '',
	topic      TEXT NOT NULL DEFAULT '',
	count      INTEGER NOT NULL DEFAULT 0,
	seed       INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS assignment_results (
	assignment INTEGER NOT NULL REFERENCES assignments(id),
	learner    INTEGER NOT NULL REFERENCES learners(id),
	done_at    TEXT NOT NULL,
	score      INTEGER NOT NULL DEFAULT 0,
	total      INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (assignment, learner)
);
CREATE TABLE IF NOT EXISTS events (
	id      INTEGER PRIMARY KEY,
	at      TEXT NOT NULL,
	learner INTEGER REFERENCES learners(id),
	kind    TEXT NOT NULL,
	detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS events_learner ON events (learner, id);
`

// DB is the class database: SQLite in WAL mode, so that the board and the
// export read while sessions write, with a busy timeout for the moments
// two writers meet, and every write in a transaction. A kill -9 loses at
// most the transaction in flight; SQLite's journal keeps the file whole.
type DB struct {
	sql  *sql.DB
	path string
	// Now is the clock the records are stamped with.
	Now func() time.Time
	// Changed, when set, is called after every committed change of a
	// learner's state (the server's board listens).
	Changed func(learner int64, name string)
}

// timeFormat is how the database writes times: RFC 3339 in UTC, which
// sorts as text and reads in a spreadsheet.
const timeFormat = time.RFC3339Nano

// OpenDB opens (creating) the class database in dir, which is created
// with mode 0700: the class's work and its host key are the instructor's.
func OpenDB(dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the class directory: %w", err)
	}
	path := filepath.Join(dir, DBFile)
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	// _txlock=immediate takes the write lock when a transaction begins, so
	// that two read-then-write transactions wait for each other (busy
	// timeout) instead of failing halfway. synchronous=FULL: a commit is
	// on disk before the learner's screen says it is saved.
	dsn := "file:" + path + "?_txlock=immediate" +
		"&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(8)
	if _, err := db.Exec(schemaSQL); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot open the class database %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		db.Close()
		return nil, err
	}
	return &DB{sql: db, path: path, Now: time.Now}, nil
}

// Close closes the database.
func (db *DB) Close() error { return db.sql.Close() }

// Path is the database file.
func (db *DB) Path() string { return db.path }

func (db *DB) now() string { return db.Now().UTC().Format(timeFormat) }

// tx runs f in a transaction and commits it when f succeeds.
func (db *DB) tx(f func(tx *sql.Tx) error) error {
	tx, err := db.sql.BeginTx(context.Background(), nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Learner is one enrolled learner.
type Learner struct {
	ID          int64
	Fingerprint string // SHA256:… of the key the server verified
	Name        string // as given: untrusted, through safetext before display
	EnrolledAt  time.Time
	LastSeen    time.Time
}

// ErrNotEnrolled is FindLearner's answer for a key never enrolled.
var ErrNotEnrolled = errors.New("not enrolled")

// FindLearner returns the learner with fingerprint fp.
func (db *DB) FindLearner(fp string) (Learner, error) {
	row := db.sql.QueryRow(`SELECT id, fingerprint, name, enrolled_at, last_seen FROM learners WHERE fingerprint = ?`, fp)
	l, err := scanLearner(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Learner{}, ErrNotEnrolled
	}
	return l, err
}

type scanner interface{ Scan(...any) error }

func scanLearner(r scanner) (Learner, error) {
	var l Learner
	var enrolled, seen string
	if err := r.Scan(&l.ID, &l.Fingerprint, &l.Name, &enrolled, &seen); err != nil {
		return Learner{}, err
	}
	l.EnrolledAt, _ = time.Parse(timeFormat, enrolled)
	l.LastSeen, _ = time.Parse(timeFormat, seen)
	return l, nil
}

// Enrol records the learner with fingerprint fp under name, or, when the
// key is enrolled already, renames them (a roster's comment changed) and
// returns them.
func (db *DB) Enrol(fp, name string) (Learner, error) {
	now := db.now()
	err := db.tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO learners (fingerprint, name, enrolled_at, last_seen) VALUES (?, ?, ?, ?)
			ON CONFLICT (fingerprint) DO UPDATE SET name = excluded.name`, fp, name, now, now)
		if err != nil {
			return err
		}
		_, err = tx.Exec(`INSERT INTO events (at, learner, kind) SELECT ?, id, 'enrolled' FROM learners WHERE fingerprint = ?`, now, fp)
		return err
	})
	if err != nil {
		return Learner{}, err
	}
	return db.FindLearner(fp)
}

// Learners returns every enrolled learner, by name.
func (db *DB) Learners() ([]Learner, error) {
	rows, err := db.sql.Query(`SELECT id, fingerprint, name, enrolled_at, last_seen FROM learners ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Learner
	for rows.Next() {
		l, err := scanLearner(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Event records what happened to a learner (connected, disconnected, …)
// and when; detail is free text, untrusted on the way out.
func (db *DB) Event(learner int64, kind, detail string) error {
	now := db.now()
	return db.tx(func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO events (at, learner, kind, detail) VALUES (?, ?, ?, ?)`, now, learner, kind, detail); err != nil {
			return err
		}
		_, err := tx.Exec(`UPDATE learners SET last_seen = ? WHERE id = ?`, now, learner)
		return err
	})
}

// Store returns the Store of learner id: the course, the quiz and the lab
// of their sessions read and write through it.
func (db *DB) Store(id int64) store.Store { return &learnerStore{db: db, id: id} }

// learnerStore is one learner's state in the class database.
type learnerStore struct {
	db   *DB
	id   int64
	warn func(string)
}

var _ store.Store = (*learnerStore)(nil)

func (s *learnerStore) warnf(format string, args ...any) {
	if s.warn != nil {
		s.warn(fmt.Sprintf(format, args...))
	}
}

func (s *learnerStore) changed(name string) {
	if s.db.Changed != nil {
		s.db.Changed(s.id, name)
	}
}

// Where implements store.Store.
func (s *learnerStore) Where() string { return "on the class server" }

// WithWarn implements store.Store.
func (s *learnerStore) WithWarn(warn func(string)) store.Store {
	return &learnerStore{db: s.db, id: s.id, warn: warn}
}

// Read implements store.Store.
func (s *learnerStore) Read(name string, v state.Versioned) error {
	var warnings []string
	err := s.db.tx(func(tx *sql.Tx) error {
		var err error
		warnings, err = s.read(tx, name, v)
		return err
	})
	for _, w := range warnings {
		s.warnf("%s", w)
	}
	return err
}

// Update implements store.Store.
func (s *learnerStore) Update(name string, v state.Versioned, change func() error) error {
	var warnings []string
	err := s.db.tx(func(tx *sql.Tx) error {
		var err error
		if warnings, err = s.read(tx, name, v); err != nil {
			return err
		}
		if err := change(); err != nil {
			return err
		}
		return s.write(tx, name, v)
	})
	for _, w := range warnings {
		s.warnf("%s", w)
	}
	if err == nil {
		s.changed(name)
	}
	return err
}

// read decodes document name into v inside tx, setting aside what cannot
// be read and repairing what holds invalid records, as the state
// directory does; it returns the warnings to give once tx commits.
func (s *learnerStore) read(tx *sql.Tx, name string, v state.Versioned) ([]string, error) {
	var schema int
	var data []byte
	err := tx.QueryRow(`SELECT schema, data FROM documents WHERE learner = ? AND name = ?`, s.id, name).Scan(&schema, &data)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, err
	}
	if schema > v.SchemaVersion() {
		return nil, &store.NewerSchemaError{Where: name + " " + s.Where(), Schema: schema, Latest: v.SchemaVersion()}
	}
	fresh := reflect.New(reflect.TypeOf(v).Elem()).Interface().(state.Versioned)
	why := ""
	if err := json.Unmarshal(data, fresh); err != nil {
		why = fmt.Sprintf("its contents do not match schema %d", schema)
	} else if err := fresh.Upgrade(schema); err != nil {
		why = err.Error()
	}
	if why != "" {
		if err := s.setAside(tx, "documents", name, data, why); err != nil {
			return nil, err
		}
		return []string{fmt.Sprintf("your saved %s was unreadable (%s); it was set aside and starts clean", name, why)}, nil
	}
	var warnings []string
	if val, ok := fresh.(state.Validator); ok {
		if dropped := val.Validate(); len(dropped) > 0 {
			if err := s.keep(tx, name, data, "invalid records: "+dropped[0]); err != nil {
				return nil, err
			}
			if err := s.write(tx, name, fresh); err != nil {
				return nil, err
			}
			what := dropped[0]
			if len(dropped) > 1 {
				what = fmt.Sprintf("%s, and %d more", what, len(dropped)-1)
			}
			warnings = append(warnings, fmt.Sprintf("your saved %s held %d invalid records (%s); they were dropped, and the document as it was is kept", name, len(dropped), what))
		}
	}
	reflect.ValueOf(v).Elem().Set(reflect.ValueOf(fresh).Elem())
	return warnings, nil
}

func (s *learnerStore) write(tx *sql.Tx, name string, v state.Versioned) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = tx.Exec(`INSERT INTO documents (learner, name, schema, data, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (learner, name) DO UPDATE SET schema = excluded.schema, data = excluded.data, updated_at = excluded.updated_at`,
		s.id, name, v.SchemaVersion(), data, s.db.now())
	return err
}

// keep copies data into set_aside.
func (s *learnerStore) keep(tx *sql.Tx, name string, data []byte, why string) error {
	_, err := tx.Exec(`INSERT INTO set_aside (learner, name, data, why, at) VALUES (?, ?, ?, ?, ?)`, s.id, name, data, why, s.db.now())
	return err
}

// setAside moves the row of name in table (documents or blobs) to
// set_aside.
func (s *learnerStore) setAside(tx *sql.Tx, table, name string, data []byte, why string) error {
	if err := s.keep(tx, name, data, why); err != nil {
		return err
	}
	_, err := tx.Exec(`DELETE FROM `+table+` WHERE learner = ? AND name = ?`, s.id, name)
	return err
}

// ReadBlob implements store.Store.
func (s *learnerStore) ReadBlob(name string) ([]byte, error) {
	var data []byte
	err := s.db.sql.QueryRow(`SELECT data FROM blobs WHERE learner = ? AND name = ?`, s.id, name).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	return data, err
}

// SwapBlob implements store.Store in one transaction.
func (s *learnerStore) SwapBlob(name string, base store.Sum, data []byte) error {
	wrote := false
	err := s.db.tx(func(tx *sql.Tx) error {
		var current []byte
		err := tx.QueryRow(`SELECT data FROM blobs WHERE learner = ? AND name = ?`, s.id, name).Scan(&current)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case store.SumOf(current) == store.SumOf(data):
			return nil
		case store.SumOf(current) != base:
			return &store.ChangedError{Current: current}
		}
		wrote = true
		_, err = tx.Exec(`INSERT INTO blobs (learner, name, data, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (learner, name) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
			s.id, name, data, s.db.now())
		return err
	})
	if err == nil && wrote {
		s.changed(name)
	}
	return err
}

// SetAside implements store.Store: the blob moves to the set_aside table.
func (s *learnerStore) SetAside(name string) (string, error) {
	var id int64
	err := s.db.tx(func(tx *sql.Tx) error {
		var data []byte
		if err := tx.QueryRow(`SELECT data FROM blobs WHERE learner = ? AND name = ?`, s.id, name).Scan(&data); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return &fs.PathError{Op: "set aside", Path: name, Err: fs.ErrNotExist}
			}
			return err
		}
		if err := s.setAside(tx, "blobs", name, data, "set aside"); err != nil {
			return err
		}
		return tx.QueryRow(`SELECT max(id) FROM set_aside WHERE learner = ?`, s.id).Scan(&id)
	})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("the class database (set-aside copy %d of %s)", id, safetext.Line(name)), nil
}
