// Package store is the one interface to where a learner's state lives:
// the state directory on the learner's own machine (Files, over
// internal/state) or the class database on a classroom server
// (internal/class). The course, the quiz and the lab talk to a Store and
// never know which one it is.
//
// A store holds two kinds of things under a name: versioned JSON
// documents (lesson progress, quiz history), read, upgraded and validated
// on the way in and changed atomically; and blobs (the scratch lab's
// YAML), written only by compare-and-swap on their content hash, so that
// two writers never silently overwrite each other.
package store

import (
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/sglab/sglab/internal/state"
)

// Sum is a blob's content hash; the zero Sum stands for "no blob".
type Sum = [sha256.Size]byte

// SumOf returns data's content hash.
func SumOf(data []byte) Sum { return sha256.Sum256(data) }

// Documents is the part of a Store that holds versioned documents; the
// lessons' and the quiz's progress are read and changed through it.
// *state.Store is one.
type Documents interface {
	// Read decodes document name into v. A missing document leaves v as
	// it is. A document that cannot be read back is set aside, with a
	// warning, and v is left as it is; invalid records are dropped with a
	// warning (see state.Validator).
	Read(name string, v state.Versioned) error
	// Update reads document name into v (which should be freshly zeroed),
	// calls change and writes v back, atomically with respect to every
	// other writer of the same store: concurrent updates are applied one
	// after the other and none is lost. When change fails, nothing is
	// written.
	Update(name string, v state.Versioned, change func() error) error
}

// Store is where one learner's state lives. Its methods are safe to call
// from several goroutines at once.
type Store interface {
	Documents

	// ReadBlob returns blob name; a missing blob is an error that wraps
	// fs.ErrNotExist.
	ReadBlob(name string) ([]byte, error)
	// SwapBlob writes data as blob name if the blob is still the one whose
	// hash is base, or is missing (a blob removed to start over holds
	// nobody's work). Otherwise it writes nothing and returns a
	// *ChangedError holding what the blob is now.
	SwapBlob(name string, base Sum, data []byte) error
	// SetAside keeps blob name out of the way, under a name no other has,
	// and says where: it is then missing.
	SetAside(name string) (where string, err error)

	// WithWarn returns the same store, whose handled problems (a corrupt
	// document set aside, records dropped) go to warn.
	WithWarn(warn func(string)) Store
	// Where says where the store keeps the learner's work, for the home
	// screen: "in /home/ana/.local/state/sglab", "on the class server".
	Where() string
}

// ChangedError is SwapBlob's answer when another writer changed the blob
// since the writer last read or wrote it.
type ChangedError struct {
	Current []byte
}

func (e *ChangedError) Error() string { return "another writer changed it" }

// IsChanged returns the blob another writer left when err is a
// *ChangedError.
func IsChanged(err error) (current []byte, ok bool) {
	var ce *ChangedError
	if errors.As(err, &ce) {
		return ce.Current, true
	}
	return nil, false
}

// NewerSchemaError is a document written by a newer sglab than this one.
type NewerSchemaError struct {
	Where          string
	Schema, Latest int
}

func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("%s was written by a newer sglab (schema %d; this one reads up to %d): upgrade sglab", e.Where, e.Schema, e.Latest)
}
