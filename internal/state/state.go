// Package state keeps what sglab remembers about a learner between runs:
// the scratch lab, lesson progress and quiz history. It lives in one
// directory (see Dir), readable by the learner alone, and every file is
// written atomically under a lock, so two sglab processes never lose each
// other's changes and a crash never leaves half a file. What is read back
// is checked: a file that is not valid is set aside, with a warning, and
// never crashes sglab; a symbolic link, a FIFO or a device where a state
// file should be is refused with a clear error.
package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"
)

// Store is the state directory.
type Store struct {
	dir string
	// Warn receives problems that were handled, such as a corrupt file set
	// aside; nil discards them.
	Warn func(string)
	// Now is the clock that names the files set aside; nil is time.Now.
	Now func() time.Time
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Open returns the store in dir, creating the directory (mode 0700: what
// a learner did is theirs alone). It removes the temporary files that
// writers killed mid-write left behind.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the state directory: %w", err)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("the state directory %s is not a directory", dir)
	}
	removeLeftovers(dir)
	return &Store{dir: dir}, nil
}

// Dir is the store's directory.
func (s *Store) Dir() string { return s.dir }

// Path returns the path of a file in the store.
func (s *Store) Path(name string) string { return filepath.Join(s.dir, name) }

func (s *Store) warn(format string, args ...any) {
	if s.Warn != nil {
		s.Warn(fmt.Sprintf(format, args...))
	}
}

// Versioned is a JSON document with a schema version, so that a newer
// sglab can upgrade what an older one wrote.
type Versioned interface {
	// SchemaVersion is the version this build writes.
	SchemaVersion() int
	// Upgrade brings a document read at version from up to date, or fails
	// when it cannot (a newer sglab wrote it).
	Upgrade(from int) error
}

// Validator is a document that checks its records once it is read and
// upgraded: Validate drops every record that is not valid (a null, a
// count below zero, a page before the first) and returns one phrase per
// record dropped, naming it and saying why. Read keeps the file as it was
// beside it and writes back what is left, so the warning comes once and
// nothing is lost.
type Validator interface {
	Validate() []string
}

type envelope struct {
	Schema int             `json:"schema"`
	Data   json.RawMessage `json:"data"`
}

// Read decodes file name into v, which must be a pointer to a struct, under
// the file's lock. A missing file leaves v as it is. A file that cannot be
// read back is set aside as name.corrupt-TIME, with a warning, and v is
// left as it is: the learner starts clean instead of being stuck. A file
// some of whose records are invalid loses those records, with a warning
// (see Validator).
func (s *Store) Read(name string, v Versioned) error {
	unlock, err := s.Lock(name)
	if err != nil {
		return err
	}
	defer unlock()
	return s.read(name, v)
}

func (s *Store) read(name string, v Versioned) error {
	data, err := readFile(s.Path(name))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case errors.Is(err, errTooLarge):
		return s.setAside(name, err.Error())
	case err != nil:
		return err
	}
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil || env.Data == nil {
		return s.setAside(name, "it is not valid JSON")
	}
	if env.Schema > v.SchemaVersion() {
		return fmt.Errorf("%s was written by a newer sglab (schema %d; this one reads up to %d): upgrade sglab", s.Path(name), env.Schema, v.SchemaVersion())
	}
	// Decode into a fresh value, so that v is untouched unless the whole
	// document reads back.
	fresh := reflect.New(reflect.TypeOf(v).Elem()).Interface().(Versioned)
	if err := json.Unmarshal(env.Data, fresh); err != nil {
		return s.setAside(name, "its contents do not match schema "+fmt.Sprint(env.Schema))
	}
	if err := fresh.Upgrade(env.Schema); err != nil {
		return s.setAside(name, err.Error())
	}
	if val, ok := fresh.(Validator); ok {
		if dropped := val.Validate(); len(dropped) > 0 {
			if err := s.repair(name, data, fresh, dropped); err != nil {
				return err
			}
		}
	}
	reflect.ValueOf(v).Elem().Set(reflect.ValueOf(fresh).Elem())
	return nil
}

// repair keeps the file as it was under a set-aside name, writes back v,
// which lost the records named in dropped, and says so.
func (s *Store) repair(name string, original []byte, v Versioned, dropped []string) error {
	aside, err := asideName(s.Path(name), s.now())
	if err == nil {
		if err = writeFile(aside, original); err != nil {
			os.Remove(aside)
		}
	}
	if err == nil {
		err = s.write(name, v)
	}
	if err != nil {
		return fmt.Errorf("%s holds invalid records (%s) and could not be repaired: %w", s.Path(name), dropped[0], err)
	}
	what := dropped[0]
	if len(dropped) > 1 {
		what = fmt.Sprintf("%s, and %d more", what, len(dropped)-1)
	}
	s.warn("%s held %d invalid %s (%s); %s dropped, and the file as it was is kept as %s",
		s.Path(name), len(dropped), plural(len(dropped), "record"), what, plural(len(dropped), "it was", "they were"), aside)
	return nil
}

// setAside moves file name out of the way, under a name no other file
// has, and warns. The caller holds the file's lock.
func (s *Store) setAside(name, why string) error {
	aside, err := s.SetAside(name)
	if err != nil {
		return fmt.Errorf("%s is unreadable (%s) and could not be set aside: %w", s.Path(name), why, err)
	}
	s.warn("%s was unreadable (%s); it was moved to %s and sglab starts clean", s.Path(name), why, aside)
	return nil
}

// SetAside moves file name to name.corrupt-TIME (with -2, -3… when that
// is taken: a set-aside never overwrites another) and returns the new
// path. The caller holds the file's lock (see Lock), so that two processes
// finding the same corrupt file do not race to move it.
func (s *Store) SetAside(name string) (string, error) {
	aside, err := asideName(s.Path(name), s.now())
	if err != nil {
		return "", err
	}
	if err := os.Rename(s.Path(name), aside); err != nil {
		os.Remove(aside)
		return "", err
	}
	return aside, nil
}

// Write encodes v into file name atomically, under the file's lock.
func (s *Store) Write(name string, v Versioned) error {
	unlock, err := s.Lock(name)
	if err != nil {
		return err
	}
	defer unlock()
	return s.write(name, v)
}

func (s *Store) write(name string, v Versioned) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	out, err := json.MarshalIndent(envelope{Schema: v.SchemaVersion(), Data: data}, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(s.Path(name), append(out, '\n'))
}

// Update reads file name into v, calls change, and writes v back, all
// under an exclusive lock on the file, so that concurrent updates from two
// processes are applied one after the other and neither is lost. v should
// be freshly zeroed: Update fills it from the file.
func (s *Store) Update(name string, v Versioned, change func() error) error {
	unlock, err := s.Lock(name)
	if err != nil {
		return err
	}
	defer unlock()
	if err := s.read(name, v); err != nil {
		return err
	}
	if err := change(); err != nil {
		return err
	}
	return s.write(name, v)
}

// Lock takes the exclusive lock of file name (name.lock beside it),
// waiting for another process to release it, and returns the function
// that releases it. Every read and write of the store's files happens
// under it; ReadFile, WriteFile and SetAside expect the caller to hold it.
func (s *Store) Lock(name string) (unlock func(), err error) {
	return lockPath(s.Path(name+".lock"), true)
}

// ReadFile returns the contents of file name, which must be a regular
// file no larger than MaxFileSize. A missing file is an error that wraps
// fs.ErrNotExist.
func (s *Store) ReadFile(name string) ([]byte, error) {
	data, err := readFile(s.Path(name))
	if errors.Is(err, errTooLarge) {
		err = fmt.Errorf("%s: %w", s.Path(name), err)
	}
	return data, err
}

// WriteFile writes data to file name atomically, readable by the learner
// alone.
func (s *Store) WriteFile(name string, data []byte) error {
	return writeFile(s.Path(name), data)
}

func plural(n int, one string, many ...string) string {
	switch {
	case n == 1:
		return one
	case len(many) > 0:
		return many[0]
	}
	return one + "s"
}

// Quote quotes a key or value read from a state file for a warning, as Go
// quotes a string (control characters escaped), cut to 40 characters:
// whatever the file holds, the warning stays one short, safe line.
func Quote(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return strconv.Quote(s)
}
