package store

import (
	"errors"
	"io/fs"

	"github.com/sglab/sglab/internal/safetext"
	"github.com/sglab/sglab/internal/state"
)

// Files is the Store of a learner on their own machine: the state
// directory of internal/state, whose documents are JSON files and whose
// blobs are plain files, each written atomically under its lock.
type Files struct {
	*state.Store
}

// OpenFiles opens the state directory dir as a Store.
func OpenFiles(dir string) (Files, error) {
	s, err := state.Open(dir)
	if err != nil {
		return Files{}, err
	}
	return Files{s}, nil
}

var _ Store = Files{}

// ReadBlob implements Store.
func (f Files) ReadBlob(name string) ([]byte, error) {
	unlock, err := f.Lock(name)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return f.ReadFile(name)
}

// SwapBlob implements Store, under the file's lock, so that another sglab
// process never writes between the check and the write.
func (f Files) SwapBlob(name string, base Sum, data []byte) error {
	unlock, err := f.Lock(name)
	if err != nil {
		return err
	}
	defer unlock()
	current, err := f.ReadFile(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	case SumOf(current) == SumOf(data):
		return nil // already there: no write, no new modification time
	case SumOf(current) != base:
		return &ChangedError{Current: current}
	}
	return f.WriteFile(name, data)
}

// SetAside implements Store: the file becomes name.corrupt-TIME beside it.
func (f Files) SetAside(name string) (string, error) {
	unlock, err := f.Lock(name)
	if err != nil {
		return "", err
	}
	defer unlock()
	return f.Store.SetAside(name)
}

// WithWarn implements Store.
func (f Files) WithWarn(warn func(string)) Store {
	c := *f.Store
	c.Warn = warn
	return Files{&c}
}

// Where implements Store.
func (f Files) Where() string { return "in " + safetext.Line(f.Dir()) }
