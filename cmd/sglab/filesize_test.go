package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestByteSize(t *testing.T) {
	for text, want := range map[string]int64{
		"100": 100, "64MiB": 64 << 20, "64mib": 64 << 20, "200MB": 200e6, "1GiB": 1 << 30, "2 GB": 2e9, "512k": 512 << 10, "10KB": 10e3, "7b": 7,
	} {
		var s byteSize
		if err := s.Set(text); err != nil || int64(s) != want {
			t.Errorf("Set(%q) = %d, %v; want %d", text, s, err, want)
		}
	}
	for _, text := range []string{"", "0", "-1", "12x", "MiB", "1.5GiB", "99999999999999GiB"} {
		var s byteSize
		if err := s.Set(text); err == nil {
			t.Errorf("Set(%q) = %d, want an error", text, s)
		}
	}
}

func FuzzByteSize(f *testing.F) {
	for _, s := range []string{"100", "64MiB", "200MB", "1GiB", "3k", "0", "-5", "1e3", " 9 kb "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var s byteSize
		if s.Set(text) != nil {
			return
		}
		if s <= 0 || s > 1<<50 {
			t.Fatalf("Set(%q) = %d, out of range", text, s)
		}
		var back byteSize
		if err := back.Set(s.String()); err != nil || back != s {
			t.Fatalf("Set(%q) = %d, written %q, reads back as %d, %v", text, s, s.String(), back, err)
		}
	})
}

// TestMaxFileSize: check, explain and lab refuse a file over
// --max-file-size with one line at FILE:1:1 and exit status 2.
func TestMaxFileSize(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.yaml")
	data, err := os.ReadFile("../../examples/scenarios/ssh-my-ip.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"check", "--max-file-size", "1KiB", path},
		{"explain", "--max-file-size", "1KiB", path, "--from", "laptop", "--to", "web-1", "--port", "22"},
		{"lab", "--max-file-size", "1KiB", path},
	} {
		out, errOut, code := sglab(t, dir, args...)
		if code != 2 || out != "" || !strings.HasPrefix(errOut, path+":1:1: InvalidParameterValue: the file is larger than 1 KiB") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	if _, errOut, code := sglab(t, dir, "check", "--max-file-size", "1MiB", path); code != 0 {
		t.Errorf("under the limit: exit %d: %s", code, errOut)
	}
}
