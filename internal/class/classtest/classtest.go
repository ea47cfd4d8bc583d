// Package classtest drives sglab's classroom server from tests: keys,
// in-process SSH clients with a pseudo-terminal, and a screen that
// collects what the server drew.
package classtest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
)

// Key is a learner's or an instructor's key pair.
type Key struct {
	Signer gossh.Signer
	Public gossh.PublicKey
}

// NewKey makes an ed25519 key.
func NewKey(tb testing.TB) Key {
	tb.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		tb.Fatal(err)
	}
	return Key{Signer: s, Public: s.PublicKey()}
}

// AuthorizedLine is the key's authorized_keys line with comment.
func (k Key) AuthorizedLine(comment string) string {
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k.Public))) + " " + comment + "\n"
}

// Fingerprint is the key's SHA-256 fingerprint.
func (k Key) Fingerprint() string { return gossh.FingerprintSHA256(k.Public) }

// Dial connects to addr with auth, as user.
func Dial(addr, user string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User:            user,
		Auth:            auth,
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), // a test server's key is new every run
		Timeout:         10 * time.Second,
	})
}

// Term is an interactive session: a pseudo-terminal of the given size,
// keys in, and everything drawn collected.
type Term struct {
	Client  *gossh.Client
	Session *gossh.Session
	in      io.WriteCloser

	mu     sync.Mutex
	raw    bytes.Buffer
	frames []time.Time // when each write arrived
	cond   *sync.Cond
	done   bool
}

// Open starts a shell with a terminal of w×h on the client. It answers
// the terminal queries a real terminal answers (background colour, device
// attributes), so the server need not wait for them.
func Open(c *gossh.Client, w, h int) (*Term, error) {
	s, err := c.NewSession()
	if err != nil {
		return nil, err
	}
	if err := s.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		return nil, err
	}
	in, err := s.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := s.StdoutPipe()
	if err != nil {
		return nil, err
	}
	t := &Term{Client: c, Session: s, in: in}
	t.cond = sync.NewCond(&t.mu)
	if err := s.Shell(); err != nil {
		return nil, err
	}
	go t.read(out)
	return t, nil
}

func (t *Term) read(out io.Reader) {
	buf := make([]byte, 32<<10)
	answered := false
	for {
		n, err := out.Read(buf)
		if n > 0 {
			t.mu.Lock()
			t.raw.Write(buf[:n])
			t.frames = append(t.frames, time.Now())
			query := !answered && bytes.Contains(t.raw.Bytes(), []byte("\x1b]11;?"))
			t.cond.Broadcast()
			t.mu.Unlock()
			if query {
				answered = true
				io.WriteString(t.in, "\x1b]11;rgb:0000/0000/0000\x1b\\\x1b[?62;22c")
			}
		}
		if err != nil {
			t.mu.Lock()
			t.done = true
			t.cond.Broadcast()
			t.mu.Unlock()
			return
		}
	}
}

// Writes is how many writes the server's output arrived in so far.
func (t *Term) Writes() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.frames)
}

// WaitWrite waits for write k (from 0; see Writes) and returns when it
// arrived: a benchmark's time from a key to the frame that answers it.
func (t *Term) WaitWrite(k int, timeout time.Duration) (time.Time, error) {
	stop := time.AfterFunc(timeout, func() {
		t.mu.Lock()
		t.cond.Broadcast()
		t.mu.Unlock()
	})
	defer stop.Stop()
	deadline := time.Now().Add(timeout)
	t.mu.Lock()
	defer t.mu.Unlock()
	for len(t.frames) <= k {
		if t.done || time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("no output %d within %v (closed: %v)", k, timeout, t.done)
		}
		t.cond.Wait()
	}
	return t.frames[k], nil
}

// Text is everything drawn so far, without escape sequences.
func (t *Term) Text() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return ansi.Strip(t.raw.String())
}

// Len is how many bytes were drawn so far.
func (t *Term) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.raw.Len()
}

// Closed reports whether the server closed the session's output.
func (t *Term) Closed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.done
}

// WaitFor waits until text has been drawn after byte offset from, or the
// timeout passes.
func (t *Term) WaitFor(text string, from int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	stop := time.AfterFunc(timeout, func() { t.mu.Lock(); t.cond.Broadcast(); t.mu.Unlock() })
	defer stop.Stop()
	t.mu.Lock()
	defer t.mu.Unlock()
	for {
		if from <= t.raw.Len() && strings.Contains(ansi.Strip(string(t.raw.Bytes()[from:])), text) {
			return nil
		}
		if t.done || time.Now().After(deadline) {
			tail := ansi.Strip(string(t.raw.Bytes()[min(from, t.raw.Len()):]))
			if len(tail) > 3000 {
				tail = tail[len(tail)-3000:]
			}
			return fmt.Errorf("%q did not show within %v (closed: %v); drawn since:\n%s", text, timeout, t.done, tail)
		}
		t.cond.Wait()
	}
}

// WaitClosed waits until the server ends the session.
func (t *Term) WaitClosed(timeout time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- t.Session.Wait() }()
	select {
	case <-done:
		return nil
	case <-time.After(timeout):
		return fmt.Errorf("the session was still open after %v", timeout)
	}
}

// Type sends keys as a terminal would: text as is, named keys as their
// sequences.
func (t *Term) Type(keys ...string) error {
	for _, k := range keys {
		seq, ok := sequences[k]
		if !ok {
			seq = k
		}
		if _, err := io.WriteString(t.in, seq); err != nil {
			return err
		}
	}
	return nil
}

var sequences = map[string]string{
	"enter": "\r", "esc": "\x1b", "tab": "\t", "ctrl+c": "\x03", "backspace": "\x7f",
	"up": "\x1b[A", "down": "\x1b[B", "right": "\x1b[C", "left": "\x1b[D",
}

// Close ends the session and the connection.
func (t *Term) Close() {
	t.Session.Close()
	t.Client.Close()
}
