// Package state keeps what sglab remembers about a learner between runs:
// the scratch lab, lesson progress and quiz history. It lives in one
// directory (SGLAB_HOME, or the XDG state directory), and every file is
// written atomically under a lock, so two sglab processes never lose each
// other's changes and a crash never leaves half a file.
package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"syscall"
	"time"

	"github.com/sglab/sglab/engine"
)

// Dir returns the directory sglab keeps its state in: override when not
// empty (the --data-dir flag), else $SGLAB_HOME, else $XDG_STATE_HOME/sglab,
// else ~/.local/state/sglab.
func Dir(override string) (string, error) {
	if override != "" {
		return override, nil
	}
	if d := os.Getenv("SGLAB_HOME"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "sglab"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cannot find a directory for sglab's state: set SGLAB_HOME or --data-dir (%w)", err)
	}
	return filepath.Join(home, ".local", "state", "sglab"), nil
}

// Store is the state directory.
type Store struct {
	dir string
	// Warn receives problems that were handled, such as a corrupt file set
	// aside; nil discards them.
	Warn func(string)
}

// Open returns the store in dir, creating the directory.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the state directory: %w", err)
	}
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

type envelope struct {
	Schema int             `json:"schema"`
	Data   json.RawMessage `json:"data"`
}

// Read decodes file name into v, which must be a pointer to a struct. A
// missing file leaves v as it is. A file
// that cannot be read back is set aside as name.corrupt-TIME, with a
// warning, and v is left as it is: the learner starts clean instead of
// being stuck.
func (s *Store) Read(name string, v Versioned) error {
	data, err := os.ReadFile(s.Path(name))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
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
	reflect.ValueOf(v).Elem().Set(reflect.ValueOf(fresh).Elem())
	return nil
}

func (s *Store) setAside(name, why string) error {
	aside := s.Path(name) + ".corrupt-" + time.Now().UTC().Format("20060102T150405")
	if err := os.Rename(s.Path(name), aside); err != nil {
		return fmt.Errorf("%s is unreadable (%s) and could not be set aside: %w", s.Path(name), why, err)
	}
	s.warn("%s was unreadable (%s); it was moved to %s and sglab starts clean", s.Path(name), why, aside)
	return nil
}

// Write encodes v into file name atomically.
func (s *Store) Write(name string, v Versioned) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	out, err := json.MarshalIndent(envelope{Schema: v.SchemaVersion(), Data: data}, "", "  ")
	if err != nil {
		return err
	}
	return engine.WriteFileAtomic(s.Path(name), append(out, '\n'), 0o644)
}

// Update reads file name into v, calls change, and writes v back, all
// under an exclusive lock on the file, so that concurrent updates from two
// processes are applied one after the other and neither is lost. v should
// be freshly zeroed: Update fills it from the file.
func (s *Store) Update(name string, v Versioned, change func() error) error {
	unlock, err := s.lock(name)
	if err != nil {
		return err
	}
	defer unlock()
	if err := s.Read(name, v); err != nil {
		return err
	}
	if err := change(); err != nil {
		return err
	}
	return s.Write(name, v)
}

// lock takes an exclusive advisory lock beside file name.
func (s *Store) lock(name string) (func(), error) {
	f, err := os.OpenFile(s.Path(name+".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
