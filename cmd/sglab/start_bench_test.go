//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// BenchmarkVersion runs `sglab version` as a whole process: one op is one
// start-up, package initialisation included (target: 20 ms). "release" is
// the binary .ci/release ships (static, CGO_ENABLED=0, -trimpath, -s -w);
// "go-build" is a plain `go build`, dynamically linked where a C compiler
// is found; "hello-world" is a Go program that only prints, measured in the
// same minutes, for the machine's own floor. faults/op counts the page
// faults, which cost about 13 µs each on a small VM.
func BenchmarkVersion(b *testing.B) {
	dir := b.TempDir()
	release := filepath.Join(dir, "sglab")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", release, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("%v\n%s", err, out)
	}
	hello := filepath.Join(dir, "hello")
	src := filepath.Join(dir, "hello.go")
	if err := os.WriteFile(src, []byte("package main\n\nimport \"os\"\n\nfunc main() { os.Stdout.WriteString(\"hello\\n\") }\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	build = exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", hello, src)
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("%v\n%s", err, out)
	}
	for _, bin := range []struct{ name, path, want string }{
		{"release", release, "sglab "}, {"go-build", binary, "sglab "}, {"hello-world", hello, "hello"},
	} {
		b.Run(bin.name, func(b *testing.B) {
			var faults int64
			for b.Loop() {
				cmd := exec.Command(bin.path, "version")
				out, err := cmd.Output()
				if err != nil || !strings.HasPrefix(string(out), bin.want) {
					b.Fatalf("%v: %q", err, out)
				}
				faults += cmd.ProcessState.SysUsage().(*syscall.Rusage).Minflt
			}
			b.ReportMetric(float64(faults)/float64(b.N), "faults/op")
		})
	}
}
