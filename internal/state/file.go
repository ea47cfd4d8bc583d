package state

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// MaxFileSize bounds a file sglab reads from its state directory. The
// quiz's history grows with every new scenario question answered, so the
// bound is generous; a larger file is set aside like a corrupt one.
const MaxFileSize = 64 << 20

// errLocked is lockFile's answer, without wait, when another process (or
// another open file of this one) holds the lock.
var errLocked = errors.New("locked by another process")

// errTooLarge is readFile's answer for a file over MaxFileSize.
var errTooLarge = fmt.Errorf("it is larger than %d MiB", MaxFileSize>>20)

// checkPath makes sure path is a regular file or does not exist. sglab
// never follows a symbolic link in its state directory (a link planted
// there could make it overwrite any file the learner can write) and never
// opens a FIFO or a device (reading one could block or never end).
// The error is an *fs.PathError for op on path.
func checkPath(op, path string) (exists bool, err error) {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	case fi.Mode()&fs.ModeSymlink != 0:
		err = errors.New("it is a symbolic link, and sglab does not follow links in its state directory: put the file itself there, or remove the link")
	case !fi.Mode().IsRegular():
		err = fmt.Errorf("it is not a regular file but %s: remove it, and sglab starts that file afresh", kind(fi.Mode()))
	default:
		return true, nil
	}
	return true, &fs.PathError{Op: op, Path: path, Err: err}
}

// kind names what a file that is not a regular file is.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a plain file"
}

// readFile reads the regular file at path, no larger than MaxFileSize. A
// missing file is an error that wraps fs.ErrNotExist.
func readFile(path string) ([]byte, error) {
	exists, err := checkPath("read", path)
	if err != nil {
		return nil, err
	}
	if !exists {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fs.ErrNotExist}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The path was checked before it was opened: check what was opened.
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: path, Err: errors.New("it changed while sglab opened it: it is no longer a regular file")}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err == nil && len(data) > MaxFileSize {
		return nil, errTooLarge
	}
	return data, err
}

// writeFile writes data to path atomically: to a temporary file beside it
// (".NAME.*.tmp", readable by the learner alone), synced, then renamed over
// path. A crash leaves the old file or the new one, never half of one;
// the temporary file it may leave is removed by the next Open.
func writeFile(path string, data []byte) error {
	if _, err := checkPath("write", path); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// lockPath takes an exclusive lock on the lock file at path, creating it,
// and returns the function that releases it.
func lockPath(path string, wait bool) (unlock func(), err error) {
	if _, err := checkPath("lock", path); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|openFlags, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot open the lock file: %w", err)
	}
	if err := lockFile(f, wait); err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, err
		}
		return nil, fmt.Errorf("cannot lock %s: %w", path, err)
	}
	return func() {
		unlockFile(f)
		f.Close()
	}, nil
}

// asideName returns a name for setting path aside that no file has yet,
// and reserves it by creating it empty: path.corrupt-TIME (UTC), or with -2, -3…
// after it when a file was set aside in the same second. The caller
// renames over the reservation, so two set-asides never overwrite each
// other's copy.
func asideName(path string, now time.Time) (string, error) {
	base := path + ".corrupt-" + now.UTC().Format("20060102T150405")
	for n := 1; n < 1000; n++ {
		name := base
		if n > 1 {
			name = fmt.Sprintf("%s-%d", base, n)
		}
		f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY|openFlags, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		return name, f.Close()
	}
	return "", fmt.Errorf("too many files named %s-*", base)
}

// removeLeftovers deletes the temporary files that writers killed before
// they renamed them left in dir: ".NAME.*.tmp", for each NAME whose lock
// no process holds (a writer holds it while its temporary file exists).
func removeLeftovers(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name, ok := leftoverOf(e.Name())
		if !ok || !e.Type().IsRegular() {
			continue
		}
		unlock, err := lockPath(filepath.Join(dir, name+".lock"), false)
		if err != nil {
			continue // a writer is at work, or the lock is not sglab's
		}
		os.Remove(filepath.Join(dir, e.Name()))
		unlock()
	}
}

// leftoverOf returns the file a temporary file ".NAME.DIGITS.tmp" of
// writeFile belongs to.
func leftoverOf(tmp string) (name string, ok bool) {
	rest, ok := strings.CutPrefix(tmp, ".")
	if !ok {
		return "", false
	}
	rest, ok = strings.CutSuffix(rest, ".tmp")
	if !ok {
		return "", false
	}
	dot := strings.LastIndexByte(rest, '.')
	if dot <= 0 || dot == len(rest)-1 || strings.Trim(rest[dot+1:], "0123456789") != "" {
		return "", false
	}
	return rest[:dot], true
}
