package state

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAsideNamesNeverCollide(t *testing.T) {
	path := filepath.Join(t.TempDir(), "quiz.json")
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	var names []string
	for range 3 {
		name, err := asideName(path, now) // the same second each time
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, filepath.Base(name))
	}
	want := []string{"quiz.json.corrupt-20250102T030405", "quiz.json.corrupt-20250102T030405-2", "quiz.json.corrupt-20250102T030405-3"}
	if !slices.Equal(names, want) {
		t.Errorf("names %v, want %v", names, want)
	}
}

func TestTwoCorruptionsInOneSecondKeepBothCopies(t *testing.T) {
	s, warnings := open(t)
	for _, content := range []string{"first garbage", "second garbage"} {
		os.WriteFile(s.Path("d.json"), []byte(content), 0o600)
		var d doc
		if err := s.Read("d.json", &d); err != nil {
			t.Fatal(err)
		}
	}
	aside, _ := filepath.Glob(s.Path("d.json.corrupt-*"))
	var kept []string
	for _, a := range aside {
		data, _ := os.ReadFile(a)
		kept = append(kept, string(data))
	}
	slices.Sort(kept)
	if !slices.Equal(kept, []string{"first garbage", "second garbage"}) || len(*warnings) != 2 {
		t.Errorf("kept %q, warnings %v", kept, *warnings)
	}
}

func TestConcurrentReadersOfACorruptFileNeitherFails(t *testing.T) {
	// Two readers racing over one corrupt file: one sets it aside, the
	// other finds no file. Without the lock, the second one's rename
	// failed and sglab exited 2.
	for range 20 {
		s, _ := open(t)
		os.WriteFile(s.Path("d.json"), []byte("garbage"), 0o600)
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for k := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				other, _ := Open(s.Dir())
				var d doc
				errs[k] = other.Read("d.json", &d)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if aside, _ := filepath.Glob(s.Path("d.json.corrupt-*")); len(aside) != 1 {
			t.Fatalf("set aside %d times", len(aside))
		}
	}
}

func TestSymlinkedStateAndLockFilesAreRefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("creating a symbolic link needs a privilege on Windows")
	}
	elsewhere := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(elsewhere, []byte(`{"schema": 2, "data": {"name": "v"}}`), 0o600)
	for _, link := range []string{"d.json", "d.json.lock"} {
		t.Run(link, func(t *testing.T) {
			s, _ := open(t)
			if err := os.Symlink(elsewhere, s.Path(link)); err != nil {
				t.Fatal(err)
			}
			var d doc
			for what, err := range map[string]error{
				"read":   s.Read("d.json", &d),
				"write":  s.Write("d.json", &doc{Name: "x"}),
				"update": s.Update("d.json", &d, func() error { return nil }),
			} {
				if err == nil || !strings.Contains(err.Error(), "is a symbolic link") || !strings.Contains(err.Error(), link) {
					t.Errorf("%s through a linked %s: %v", what, link, err)
				}
			}
			if data, _ := os.ReadFile(elsewhere); !strings.Contains(string(data), `"v"`) {
				t.Errorf("the file the link points to changed: %s", data)
			}
			if fi, err := os.Lstat(s.Path(link)); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				t.Errorf("the link was replaced or moved")
			}
		})
	}
}

func TestFIFOInPlaceOfAStateFileIsRefusedWithoutBlocking(t *testing.T) {
	s, _ := open(t)
	if err := mkfifo(s.Path("d.json")); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	done := make(chan error, 1)
	go func() {
		var d doc
		done <- s.Read("d.json", &d)
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file but a FIFO") {
			t.Errorf("err = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reading a FIFO blocked")
	}
}

func TestFilesAreTheLearnersAlone(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows keeps access in ACLs, not mode bits")
	}
	dir := filepath.Join(t.TempDir(), "new", "state")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write("d.json", &doc{Name: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteFile("lab.yaml", []byte("x")); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{
		dir: 0o700, s.Path("d.json"): 0o600, s.Path("d.json.lock"): 0o600, s.Path("lab.yaml"): 0o600,
	} {
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v (%v), want %v", path, fi.Mode().Perm(), err, want)
		}
	}
}

func TestTooLargeFileIsSetAside(t *testing.T) {
	s, warnings := open(t)
	f, _ := os.Create(s.Path("d.json"))
	f.Truncate(MaxFileSize + 1)
	f.Close()
	var d doc
	if err := s.Read("d.json", &d); err != nil {
		t.Fatal(err)
	}
	if len(*warnings) != 1 || !strings.Contains((*warnings)[0], "larger than 64 MiB") {
		t.Errorf("warnings %v", *warnings)
	}
}

func TestOpenRemovesLeftoversNobodyIsWriting(t *testing.T) {
	s, _ := open(t)
	leftovers := []string{".quiz.json.123456.tmp", ".lab.yaml.987.tmp", ".progress.json.42.tmp"}
	for _, name := range leftovers {
		os.WriteFile(s.Path(name), []byte("half"), 0o600)
	}
	keep := []string{".lab.yaml.tmp", "notes.tmp", ".x.abc.tmp", "quiz.json"}
	for _, name := range keep {
		os.WriteFile(s.Path(name), []byte("mine"), 0o600)
	}
	// A writer of progress.json is at work: its temporary file stays.
	unlock, err := s.Lock("progress.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(s.Dir()); err != nil {
		t.Fatal(err)
	}
	unlock()
	for _, name := range leftovers {
		_, err := os.Stat(s.Path(name))
		inFlight := name == ".progress.json.42.tmp"
		if gone := errors.Is(err, os.ErrNotExist); gone == inFlight {
			t.Errorf("%s: removed %v, in flight %v", name, gone, inFlight)
		}
	}
	for _, name := range keep {
		if _, err := os.Stat(s.Path(name)); err != nil {
			t.Errorf("%s is not a leftover and was removed", name)
		}
	}
}

func TestLeftoverOf(t *testing.T) {
	for tmp, want := range map[string]string{
		".quiz.json.1234.tmp": "quiz.json", ".lab.yaml.1.tmp": "lab.yaml", ".a.b.c.99.tmp": "a.b.c",
		".quiz.json.tmp": "", "quiz.json.1.tmp": "", ".quiz.json.x1.tmp": "", "..1.tmp": "", ".q.1.tmpx": "",
	} {
		got, ok := leftoverOf(tmp)
		if got != want || ok != (want != "") {
			t.Errorf("leftoverOf(%q) = %q, %v; want %q", tmp, got, ok, want)
		}
	}
}

// checked is a document with records that Validate checks.
type checked struct {
	Counts map[string]*int `json:"counts"`
}

func (*checked) SchemaVersion() int     { return 1 }
func (*checked) Upgrade(from int) error { return nil }
func (c *checked) Validate() []string {
	var dropped []string
	for k, n := range c.Counts {
		if n == nil || *n < 0 {
			delete(c.Counts, k)
			dropped = append(dropped, "count "+k)
		}
	}
	slices.Sort(dropped)
	return dropped
}

func TestInvalidRecordsAreDroppedOnceAndTheOriginalKept(t *testing.T) {
	s, warnings := open(t)
	original := `{"schema": 1, "data": {"counts": {"a": 1, "b": null, "c": -4}}}`
	os.WriteFile(s.Path("c.json"), []byte(original), 0o600)
	var c checked
	if err := s.Read("c.json", &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Counts) != 1 || *c.Counts["a"] != 1 {
		t.Errorf("counts %v", c.Counts)
	}
	aside, _ := filepath.Glob(s.Path("c.json.corrupt-*"))
	if len(aside) != 1 || len(*warnings) != 1 {
		t.Fatalf("aside %v, warnings %v", aside, *warnings)
	}
	if kept, _ := os.ReadFile(aside[0]); string(kept) != original {
		t.Errorf("the original was not kept: %s", kept)
	}
	w := (*warnings)[0]
	for _, want := range []string{"held 2 invalid records (count b, and 1 more)", "they were dropped", aside[0]} {
		if !strings.Contains(w, want) {
			t.Errorf("warning %q lacks %q", w, want)
		}
	}
	// The file now holds what was valid: reading it again says nothing.
	var again checked
	if err := s.Read("c.json", &again); err != nil || len(again.Counts) != 1 || len(*warnings) != 1 {
		t.Errorf("second read: %v, %v, warnings %v", again.Counts, err, *warnings)
	}
}
