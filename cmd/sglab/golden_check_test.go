package main

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/engine/enginetest"
)

// The engine may be rewritten for speed, but what `check` and `explain`
// print must not change: these goldens pin their text and JSON output on
// every example scenario and every connection in it, and a digest of
// `check --json` on the large generated world. Update them, after reading
// the diff, with
//
//	go test ./cmd/sglab -run TestGoldenCheck -update
var update = flag.Bool("update", false, "rewrite the golden files of check and explain")

func TestGoldenCheck(t *testing.T) {
	files, err := filepath.Glob("../../examples/scenarios/*.yaml")
	if err != nil || len(files) < 7 {
		t.Fatalf("expected the example scenarios, found %d (%v)", len(files), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			var b strings.Builder
			runInto(t, &b, "check", f)
			runInto(t, &b, "check", "--json", f)
			w, ds, err := engine.LoadFile(f)
			if err != nil || w == nil {
				t.Fatalf("%v %v", err, ds)
			}
			for _, c := range w.Connections {
				args := []string{"explain", f, "--from", c.From, "--to", c.To, "--protocol", c.Protocol.String()}
				if c.HasPort() {
					args = append(args, "--port", strconv.Itoa(c.Port))
				}
				runInto(t, &b, args...)
				runInto(t, &b, append(args, "--json")...)
			}
			golden(t, strings.TrimSuffix(filepath.Base(f), ".yaml")+".txt", b.String())
		})
	}
}

// TestGoldenCheckLarge pins `check --json` on the large world by digest.
func TestGoldenCheckLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("the large world takes a while")
	}
	path := filepath.Join(t.TempDir(), "large.yaml")
	if err := os.WriteFile(path, enginetest.Large(1000), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"check", "--json", path}, &stdout, &stderr)
	got := fmt.Sprintf("exit %d\nstderr %x\nstdout %x\n", code, sha256.Sum256(stderr.Bytes()), sha256.Sum256(stdout.Bytes()))
	golden(t, "large-1000.txt", got)
}

// runInto runs sglab in-process and appends the command, its exit status
// and its output to b.
func runInto(t *testing.T, b *strings.Builder, args ...string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	fmt.Fprintf(b, "$ sglab %s\n# exit %d\n%s", strings.Join(args, " "), code, stdout.String())
	if stderr.Len() > 0 {
		fmt.Fprintf(b, "# stderr\n%s", stderr.String())
	}
	b.WriteString("\n")
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s changed:\n%s", path, firstDifference(string(want), got))
	}
}

// firstDifference shows the first line where two outputs part.
func firstDifference(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for k := range max(len(wl), len(gl)) {
		var w, g string
		if k < len(wl) {
			w = wl[k]
		}
		if k < len(gl) {
			g = gl[k]
		}
		if w != g {
			return fmt.Sprintf("line %d:\nwant %q\ngot  %q", k+1, w, g)
		}
	}
	return "(same lines, different ends)"
}
