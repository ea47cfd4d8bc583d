package lab

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/tui/internal/tuitest"
)

// twoLabs opens the scratch lab twice on one state directory, as two
// sglab processes would: two sessions, one directory.
func twoLabs(t *testing.T) (a, b *Model, path string) {
	t.Helper()
	ctx, other := tuitest.Context(t), tuitest.Context(t)
	other.DataDir = ctx.DataDir
	var err error
	if a, err = OpenScratch(ctx); err != nil {
		t.Fatal(err)
	}
	if b, err = OpenScratch(other); err != nil {
		t.Fatal(err)
	}
	a.SetSize(120, 40)
	b.SetSize(120, 40)
	return a, b, filepath.Join(ctx.DataDir, ScratchFile)
}

// newGroup creates a group in the lab with the keyboard.
func newGroup(t *testing.T, m *Model, name string) {
	t.Helper()
	drive(m, "esc", "n", text(name), "enter", text("a group"), "enter")
	if m.World().FindGroup("vpc-main", name) == nil {
		t.Fatalf("no group %s:\n%s", name, m.View())
	}
}

// onDisk returns the scratch lab as saved.
func onDisk(t *testing.T, path string) *engine.World {
	t.Helper()
	w, ds, err := engine.LoadFile(path)
	if err != nil || w == nil {
		t.Fatalf("the scratch lab on disk: %v %v", err, ds)
	}
	return w
}

func hasGroup(w *engine.World, name string) bool { return w.FindGroup("vpc-main", name) != nil }

func TestTwoLabsNeverOverwriteEachOtherSilently(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b, path := twoLabs(t)
		newGroup(t, a, "from-a")
		newGroup(t, b, "from-b")
		// B's save found A's change: nothing was written, and B asks.
		if w := onDisk(t, path); !hasGroup(w, "from-a") || hasGroup(w, "from-b") {
			t.Fatalf("B overwrote A's lab:\n%s", engine.Marshal(w))
		}
		mustContain(t, b, "Another sglab changed your scratch lab", "Keep mine", "Load theirs", "nothing is saved until you choose")
		says(t, strings.Join(b.form.render(), "\n"), "Theirs has the groups default, from-a; yours has the groups default, from-b.")

		// B loads theirs: A's group, and B's own one undo away.
		drive(b, "down", "enter")
		if !hasGroup(b.World(), "from-a") || hasGroup(b.World(), "from-b") {
			t.Fatalf("after loading theirs:\n%s", engine.Marshal(b.World()))
		}
		mustContain(t, b, "Loaded the lab the other sglab saved")
		if w := onDisk(t, path); !hasGroup(w, "from-a") {
			t.Fatal("loading theirs changed the file")
		}
		// Nothing changed for A: its next change is saved without a question.
		newGroup(t, a, "a-again")
		if w := onDisk(t, path); !hasGroup(w, "a-again") || a.form != nil {
			t.Fatalf("A was asked, or not saved, after B loaded its lab:\n%s", a.View())
		}

		// B undoes the load, and keeps its own over A's newer change.
		drive(b, "esc", "u")
		newGroup(t, b, "b-again")
		mustContain(t, b, "Another sglab changed your scratch lab")
		drive(b, "enter") // Keep mine is first
		mustContain(t, b, "Kept your lab")
		if w := onDisk(t, path); !hasGroup(w, "from-b") || !hasGroup(w, "b-again") || hasGroup(w, "a-again") {
			t.Fatalf("after keep mine:\n%s", engine.Marshal(w))
		}
		// And now A is asked in turn.
		newGroup(t, a, "a-third")
		mustContain(t, a, "Another sglab changed your scratch lab")
	})
}

func TestConflictAtQuitKeepsBoth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b, path := twoLabs(t)
		newGroup(t, a, "from-a")
		newGroup(t, b, "from-b")
		drive(b, "esc") // the learner does not choose, and quits
		err := b.Close()
		if err == nil || !strings.Contains(err.Error(), "another sglab changed your scratch lab while this one was open; yours is kept in ") {
			t.Fatalf("Close: %v", err)
		}
		if w := onDisk(t, path); !hasGroup(w, "from-a") {
			t.Fatal("theirs was overwritten at quit")
		}
		kept, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "lab-kept-*.yaml"))
		if len(kept) != 1 || !hasGroup(onDisk(t, kept[0]), "from-b") || !strings.Contains(err.Error(), kept[0]) {
			t.Fatalf("mine was not kept beside it: %v, %v", kept, err)
		}
	})
}

func TestScratchAnotherSglabLeftUnreadableIsSetAside(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, _, path := twoLabs(t)
		if err := os.WriteFile(path, []byte("version: 1\nvpcs: [oops\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		newGroup(t, a, "from-a")
		mustContain(t, a, "Your lab is saved. The scratch lab another sglab left did not load")
		if !hasGroup(onDisk(t, path), "from-a") {
			t.Fatal("A's lab was not saved")
		}
		if aside, _ := filepath.Glob(path + ".corrupt-*"); len(aside) != 1 {
			t.Fatalf("the unreadable file was not kept: %v", aside)
		}
	})
}

func TestScratchFileRemovedMeanwhileIsWritten(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, _, path := twoLabs(t)
		newGroup(t, a, "first")
		os.Remove(path)
		newGroup(t, a, "second")
		if w := onDisk(t, path); !hasGroup(w, "second") || a.form != nil {
			t.Fatal("a removed scratch file is simply written again")
		}
	})
}

func TestSymlinkedScratchIsRefused(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := tuitest.Context(t)
		target := filepath.Join(t.TempDir(), "elsewhere.yaml")
		os.WriteFile(target, []byte("version: 1\n"), 0o600)
		if err := os.Symlink(target, filepath.Join(ctx.DataDir, ScratchFile)); err != nil {
			t.Skip("no symbolic links here:", err)
		}
		if _, err := OpenScratch(ctx); err == nil || !strings.Contains(err.Error(), "is a symbolic link") {
			t.Fatalf("OpenScratch: %v", err)
		}
	})
}

func TestScratchCloseReportsAFailedSave(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, _, path := twoLabs(t)
		os.Mkdir(path, 0o700) // a directory where the file should be: no save can succeed
		newGroup(t, a, "unsaved")
		mustContain(t, a, "Autosave failed")
		if err := a.Close(); err == nil || !strings.Contains(err.Error(), "not a regular file but a directory") {
			t.Fatalf("Close hides the failure: %v", err)
		}
	})
}

func TestLeavingTwiceKeepsOneCopy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b, path := twoLabs(t)
		newGroup(t, a, "from-a")
		newGroup(t, b, "from-b")
		drive(b, "esc")
		if err := b.Close(); err == nil {
			t.Fatal("no word about the conflict")
		}
		if err := b.Close(); err != nil { // back in the lab, and out again, with nothing new
			t.Fatalf("second time: %v", err)
		}
		if kept, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "lab-kept-*.yaml")); len(kept) != 1 {
			t.Errorf("kept %v", kept)
		}
	})
}

// Over SSH the lab neither saves to nor opens the server's files.
func TestRemoteLabTouchesNoFiles(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := tuitest.Context(t)
		ctx.Remote = true
		m, err := OpenScratch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		m.SetSize(120, 40)
		drive(m, "ctrl+s")
		drive(m, "o")
		if m.form != nil {
			t.Fatalf("a form opened in a remote session:\n%s", m.View())
		}
		if v := m.View(); strings.Contains(v, "ctrl+s save") || strings.Contains(v, "open file") {
			t.Fatalf("the help offers files in a remote session:\n%s", v)
		}
	})
}
