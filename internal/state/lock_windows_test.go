//go:build windows

package state

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/windows"
)

// On Windows the lock is LockFileEx on the lock file's first byte: another
// handle's attempt fails with ERROR_LOCK_VIOLATION until it is released.
func TestLockIsLockFileEx(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	unlock, err := lockPath(path, true)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	try := func() error {
		var ol windows.Overlapped
		err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ol)
		if err == nil {
			windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, &ol)
		}
		return err
	}
	if err := try(); !errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		t.Errorf("LockFileEx on the held lock file: %v, want ERROR_LOCK_VIOLATION", err)
	}
	unlock()
	if err := try(); err != nil {
		t.Errorf("LockFileEx after unlock: %v", err)
	}
}
