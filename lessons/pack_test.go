package lessons

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sglab/sglab/engine"
)

// fileStart is lessonText whose challenge starts from the file s.yaml.
func fileStart(id string, order int) string {
	return strings.Replace(lessonText(id, order), "start: start\n", "start: s.yaml\n", 1)
}

// loadDirWithin loads the pack in dir, failing when that takes longer than
// a few seconds: a FIFO or /dev/zero must not hold it up.
func loadDirWithin(t *testing.T, dir string) (*Pack, engine.Diagnostics) {
	t.Helper()
	type result struct {
		p  *Pack
		ds engine.Diagnostics
	}
	done := make(chan result, 1)
	go func() {
		p, ds := LoadDir(dir)
		done <- result{p, ds}
	}()
	select {
	case r := <-done:
		return r.p, r.ds
	case <-time.After(10 * time.Second):
		t.Fatal("loading the pack did not finish")
		return nil, nil
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
}

// wantOneError checks that ds holds exactly one error, at file, saying want.
func wantOneError(t *testing.T, ds engine.Diagnostics, file, want string) {
	t.Helper()
	errs := ds.Errors()
	if len(errs) != 1 || errs[0].File != file || !strings.Contains(errs[0].Message, want) {
		t.Errorf("errors %v, want one at %s with %q", errs, file, want)
	}
}

func TestPackRefusesSymlinksLeavingIt(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret.yaml")
	write(t, outside, scenarioYAML)

	t.Run("a scenario file", func(t *testing.T) {
		dir := t.TempDir()
		write(t, filepath.Join(dir, "l.md"), fileStart("l", 1))
		symlink(t, outside, filepath.Join(dir, "s.yaml"))
		_, ds := loadDirWithin(t, dir)
		wantOneError(t, ds, filepath.Join(dir, "l.md"), "cannot read the scenario file "+filepath.Join(dir, "s.yaml")+
			": it is a symbolic link that leads out of the lesson pack (to "+outside+")")
	})
	t.Run("the issue's /etc/passwd", func(t *testing.T) {
		if runtime.GOOS == "windows" {
			t.Skip("no /etc/passwd")
		}
		dir := t.TempDir()
		write(t, filepath.Join(dir, "l.md"), fileStart("l", 1))
		symlink(t, "/etc/passwd", filepath.Join(dir, "s.yaml"))
		_, ds := loadDirWithin(t, dir)
		wantOneError(t, ds, filepath.Join(dir, "l.md"), "leads out of the lesson pack (to /etc/passwd)")
	})
	t.Run("a lesson to /dev/zero", func(t *testing.T) {
		if runtime.GOOS == "windows" {
			t.Skip("no /dev/zero")
		}
		dir := t.TempDir()
		write(t, filepath.Join(dir, "a.md"), lessonText("a", 1))
		symlink(t, "/dev/zero", filepath.Join(dir, "zero.md"))
		p, ds := loadDirWithin(t, dir)
		wantOneError(t, ds, filepath.Join(dir, "zero.md"), "leads out of the lesson pack (to /dev/zero)")
		if p == nil || len(p.Lessons) != 1 {
			t.Errorf("the other lesson is still read: %v", p)
		}
	})
	t.Run("a link inside the pack is followed", func(t *testing.T) {
		dir := t.TempDir()
		write(t, filepath.Join(dir, "l.md"), fileStart("l", 1))
		os.Mkdir(filepath.Join(dir, "worlds"), 0o755)
		write(t, filepath.Join(dir, "worlds", "web.yaml"), scenarioYAML)
		symlink(t, filepath.Join("worlds", "web.yaml"), filepath.Join(dir, "s.yaml"))
		p, ds := loadDirWithin(t, dir)
		if ds.HasErrors() || p == nil || p.Lessons[0].Challenges[0].Start() == nil {
			t.Errorf("a link within the pack: %v", ds)
		}
	})
}

func TestPackRefusesFIFOsWithoutBlocking(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "l.md"), fileStart("l", 1))
	if err := mkfifo(filepath.Join(dir, "s.yaml")); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	if err := mkfifo(filepath.Join(dir, "fifo.md")); err != nil {
		t.Fatal(err)
	}
	_, ds := loadDirWithin(t, dir)
	errs := ds.Errors()
	if len(errs) != 2 {
		t.Fatalf("errors %v", errs)
	}
	for _, d := range errs {
		if !strings.Contains(d.Message, "it is a FIFO, not a regular file") {
			t.Errorf("%s", d)
		}
	}
}

func TestPackFileSizeLimit(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "l.md"), fileStart("l", 1))
	f, err := os.Create(filepath.Join(dir, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(MaxPackFileSize + 1)
	f.Close()
	_, ds := loadDirWithin(t, dir)
	wantOneError(t, ds, filepath.Join(dir, "l.md"), "it is larger than 16 MiB, the limit for a file of a lesson pack")
}

func TestPackDirectoryNamedLikeALesson(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "l.md"), lessonText("l", 1))
	os.Mkdir(filepath.Join(dir, "real"), 0o755)
	symlink(t, "real", filepath.Join(dir, "dir.md"))
	_, ds := loadDirWithin(t, dir)
	wantOneError(t, ds, filepath.Join(dir, "dir.md"), "it is a directory")
}
