package class

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/sglab/sglab/internal/safetext"
)

// maxRosterSize bounds a roster or instructors file: 1 MiB holds
// thousands of keys.
const maxRosterSize = 1 << 20

// Member is one key of a roster: its fingerprint and the name its
// comment gives.
type Member struct {
	Fingerprint string
	Name        string
}

// Roster is an authorized_keys file whose comments are the names of the
// people the keys belong to. It is read again when the file changes, so
// an instructor adds a latecomer without restarting the class.
type Roster struct {
	path string

	mu      sync.Mutex
	stamp   fileStamp
	members map[string]Member // by fingerprint
}

type fileStamp struct {
	mod  time.Time
	size int64
}

// LoadRoster reads the roster at path; a line that is not a key is an
// error that names it (FILE:LINE: …), so a typo does not lock someone out
// in silence.
func LoadRoster(path string) (*Roster, error) {
	r := &Roster{path: path}
	if err := r.reload(); err != nil {
		return nil, err
	}
	return r, nil
}

// Lookup returns the member whose key has fingerprint fp. When the file
// changed since it was read, it is read again first; a file that no
// longer reads keeps the last good roster (the server logs why).
func (r *Roster) Lookup(fp string) (Member, bool, error) {
	err := r.reload()
	r.mu.Lock()
	defer r.mu.Unlock()
	m, ok := r.members[fp]
	return m, ok, err
}

// Len is the number of keys on the roster.
func (r *Roster) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.members)
}

func (r *Roster) reload() error {
	fi, err := os.Stat(r.path)
	if err != nil {
		return err
	}
	stamp := fileStamp{fi.ModTime(), fi.Size()}
	r.mu.Lock()
	same := r.members != nil && stamp == r.stamp
	r.mu.Unlock()
	if same {
		return nil
	}
	if !fi.Mode().IsRegular() {
		return &fs.PathError{Op: "read", Path: r.path, Err: errors.New("not a regular file")}
	}
	if fi.Size() > maxRosterSize {
		return fmt.Errorf("%s: larger than %d KiB; a roster is one line per key", r.path, maxRosterSize>>10)
	}
	data, err := os.ReadFile(r.path)
	if err != nil {
		return err
	}
	members, err := ParseRoster(r.path, data)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.members, r.stamp = members, stamp
	r.mu.Unlock()
	return nil
}

// ParseRoster parses authorized_keys lines: blank lines and # comments
// are skipped; each other line is a public key with its options and
// comment as OpenSSH writes them, and the comment, cleaned of control
// characters, is the person's name. A key without a comment is named by
// its fingerprint. A key listed twice keeps its first name.
func ParseRoster(path string, data []byte) (map[string]Member, error) {
	members := map[string]Member{}
	for n, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, comment, _, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: not a public key in authorized_keys format (%v): paste the line of the learner's .pub file whole", safetext.Line(path), n+1, err)
		}
		fp := gossh.FingerprintSHA256(key)
		if _, dup := members[fp]; dup {
			continue
		}
		members[fp] = Member{Fingerprint: fp, Name: CleanName(comment, fp)}
	}
	return members, nil
}

// MaxNameLength bounds a learner's name in runes.
const MaxNameLength = 40

// CleanName makes an untrusted name fit to show anywhere: control
// characters escaped, spaces squeezed, at most MaxNameLength runes; an
// empty name becomes one made from the key's fingerprint.
func CleanName(name, fp string) string {
	name = strings.Join(strings.Fields(safetext.Line(name)), " ")
	if r := []rune(name); len(r) > MaxNameLength {
		name = string(r[:MaxNameLength-1]) + "…"
	}
	if name == "" {
		short := strings.TrimPrefix(fp, "SHA256:")
		if len(short) > 8 {
			short = short[:8]
		}
		name = "learner " + short
	}
	return name
}
