package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sglab/sglab/engine/enginetest"
)

// BenchmarkCheckLarge runs the real binary on the engine's generated
// worlds: one op is one `sglab check`, start-up included. 1000 is the
// 1.3 MB world of 1,000 instances (target: 180 ms and 40 MiB), 10000 the
// 12.5 MB one (target: 1.5 s and 300 MiB); measure the memory with
// /usr/bin/time -v.
func BenchmarkCheckLarge(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		path := filepath.Join(b.TempDir(), "large.yaml")
		if err := os.WriteFile(path, enginetest.Large(n), 0o644); err != nil {
			b.Fatal(err)
		}
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				out, err := exec.Command(binary, "check", path).CombinedOutput()
				if !strings.Contains(string(out), "1000 connections") {
					b.Fatalf("%v:\n%.500s", err, out)
				}
			}
		})
	}
}
