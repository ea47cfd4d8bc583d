//go:build unix

package state

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// lockFile takes an exclusive lock on f with flock(2). With wait it blocks
// until the lock is free; without, it returns errLocked at once when
// another open file holds it. The lock goes with the open file: closing f
// releases it, and so does the end of the process, however it ends.
func lockFile(f *os.File, wait bool) error {
	how := unix.LOCK_EX
	if !wait {
		how |= unix.LOCK_NB
	}
	for {
		err := unix.Flock(int(f.Fd()), how)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EWOULDBLOCK):
			return errLocked
		}
		return err
	}
}

// unlockFile releases the lock lockFile took.
func unlockFile(f *os.File) error { return unix.Flock(int(f.Fd()), unix.LOCK_UN) }

// openFlags make opening a file in the state directory safe from a swap
// after the Lstat that checked it: a symbolic link fails to open instead of
// opening where it points, and a FIFO opens without blocking.
const openFlags = unix.O_NOFOLLOW | unix.O_NONBLOCK
