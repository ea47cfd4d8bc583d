package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestCorruptStateOnTheRealBinary plays the two files: a null
// question in quiz.json, a negative page in progress.json. `sglab progress`
// warns once, drops the records, keeps the files as they were, and goes on.
func TestCorruptStateOnTheRealBinary(t *testing.T) {
	home := t.TempDir()
	quizFile, progressFile := filepath.Join(home, "quiz.json"), filepath.Join(home, "progress.json")
	os.WriteFile(quizFile, []byte(`{"schema":1,"data":{"questions":{"q1":null}}}`), 0o600)
	os.WriteFile(progressFile, []byte(`{"schema":2,"data":{"last":"a-firewall-around-your-instance","lessons":{"a-firewall-around-your-instance":{"status":"in-progress","page":-3}}}}`), 0o600)
	out, errOut, code := sglab(t, ".", "--data-dir", home, "progress")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
	for _, want := range []string{
		`sglab: warning: ` + progressFile + ` held 1 invalid record (lesson "a-firewall-around-your-instance"'s page -3 (it starts again at its first page)); it was dropped`,
		`sglab: warning: ` + quizFile + ` held 1 invalid record (question "q1", which has no record (null)); it was dropped`,
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if !strings.Contains(out, `Next: lesson 1, "A firewall around your instance", page 1 of`) {
		t.Errorf("stdout:\n%s", out)
	}
	if aside, _ := filepath.Glob(filepath.Join(home, "*.corrupt-*")); len(aside) != 2 {
		t.Errorf("the files as they were: %v", aside)
	}
	// Once repaired, the files read quietly.
	if _, errOut, code := sglab(t, ".", "--data-dir", home, "progress"); code != 0 || errOut != "" {
		t.Errorf("second run: exit %d, stderr:\n%s", code, errOut)
	}
}

func TestStartUpRemovesLeftoverTemporaryFiles(t *testing.T) {
	home := t.TempDir()
	for _, name := range []string{".quiz.json.123.tmp", ".lab.yaml.456.tmp", ".progress.json.789.tmp"} {
		os.WriteFile(filepath.Join(home, name), []byte("half a file"), 0o600)
	}
	if _, errOut, code := sglab(t, ".", "--data-dir", home, "progress"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if left, _ := filepath.Glob(filepath.Join(home, ".*.tmp")); len(left) != 0 {
		t.Errorf("left over: %v", left)
	}
}

func TestStateDirectoryIsTheLearnersAlone(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows keeps access in ACLs")
	}
	home := filepath.Join(t.TempDir(), "new")
	if _, errOut, code := sglab(t, ".", "--data-dir", home, "progress"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if fi, err := os.Stat(home); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("state directory: %v %v", fi.Mode(), err)
	}
}
