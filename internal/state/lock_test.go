package state

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// The tests run this binary again as a second process that holds a lock:
// with SGLAB_TEST_HOLD_LOCK=PATH it takes the lock, says "locked" on
// standard output, and waits to be killed.
func TestMain(m *testing.M) {
	if path := os.Getenv("SGLAB_TEST_HOLD_LOCK"); path != "" {
		if _, err := lockPath(path, true); err != nil {
			os.Stderr.WriteString(err.Error())
			os.Exit(1)
		}
		os.Stdout.WriteString("locked\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// holdLock starts a second process that holds the lock at path, and
// returns it once it does.
func holdLock(t *testing.T, path string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SGLAB_TEST_HOLD_LOCK="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("the helper did not take the lock: %q, %v", line, err)
	}
	return cmd
}

func TestLockExcludesAnotherProcessUntilItEnds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	holder := holdLock(t, path)
	if _, err := lockPath(path, false); !errors.Is(err, errLocked) {
		t.Fatalf("a lock another process holds: got %v, want errLocked", err)
	}

	got := make(chan error, 1)
	go func() {
		unlock, err := lockPath(path, true)
		if err == nil {
			unlock()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("took a lock another process holds (%v)", err)
	case <-time.After(50 * time.Millisecond):
	}
	// However the holder ends, even killed, its lock goes with it.
	holder.Process.Kill()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the lock of a killed process was not released")
	}
}

func TestLockExcludesWithinOneProcess(t *testing.T) {
	// The lab's autosave and the quiz's recorder run in goroutines of one
	// process: the lock must keep them apart too.
	path := filepath.Join(t.TempDir(), "x.lock")
	unlock, err := lockPath(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lockPath(path, false); !errors.Is(err, errLocked) {
		t.Fatalf("second lock in the same process: %v", err)
	}
	unlock()
	again, err := lockPath(path, false)
	if err != nil {
		t.Fatalf("a released lock is free: %v", err)
	}
	again()
}
