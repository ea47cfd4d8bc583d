package engine_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/engine/enginetest"
)

// TestFileSizeLimit: a file over the limit is refused at 1:1, without
// reading past the limit, whatever the file is.
func TestFileSizeLimit(t *testing.T) {
	data := []byte("version: 1\nname: " + strings.Repeat("x", 200) + "\n")
	w, ds := engine.Parse("big.yaml", data, engine.MaxFileSize(100))
	if w != nil || len(ds) != 1 || ds[0].Pos != (engine.Pos{Line: 1, Col: 1}) || ds[0].Code != engine.CodeInvalidValue ||
		!strings.Contains(ds[0].Message, "larger than 100 bytes") || !strings.Contains(ds[0].Message, "--max-file-size") {
		t.Errorf("over the limit: %v", ds)
	}
	if w, ds := engine.Parse("big.yaml", data, engine.MaxFileSize(int64(len(data)))); w == nil {
		t.Errorf("a file exactly at the limit is read: %v", ds)
	}
	if _, ds := engine.Parse("big.yaml", make([]byte, engine.DefaultMaxFileSize+1)); len(ds) != 1 || !strings.Contains(ds[0].Message, "64 MiB") {
		t.Errorf("the default limit: %v", ds)
	}

	path := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if w, ds, err := engine.LoadFile(path, engine.MaxFileSize(100)); err != nil || w != nil || len(ds) != 1 || ds[0].String() != path+":1:1: InvalidParameterValue: "+ds[0].Message {
		t.Errorf("LoadFile over the limit: %v %v", ds, err)
	}
	if w, ds, err := engine.LoadFile(path); err != nil || w == nil {
		t.Errorf("LoadFile under the default limit: %v %v", ds, err)
	}
	// A device has no size to check: it is read up to the limit, no further.
	if _, err := os.Stat("/dev/zero"); err == nil {
		start := time.Now()
		_, ds, err := engine.LoadFile("/dev/zero", engine.MaxFileSize(1<<20))
		if err != nil || len(ds) != 1 || !strings.Contains(ds[0].Message, "1 MiB") {
			t.Errorf("/dev/zero: %v %v", ds, err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("/dev/zero took %v", d)
		}
	}
}

// TestNestingLimit: YAML nested deeper than 64 levels is refused before a
// parser sees it, at the place the 65th level opens; 64 levels are read.
func TestNestingLimit(t *testing.T) {
	w, ds := engine.Parse("deep.yaml", enginetest.Nested(20000))
	if w != nil || len(ds) != 1 || ds[0].Code != engine.CodeSyntax || ds[0].Pos != (engine.Pos{Line: 2, Col: 70}) ||
		!strings.Contains(ds[0].Message, "deeper than 64 levels") {
		t.Errorf("20,000 levels: %v", ds)
	}
	// The scenario is one level, the name 63 more: deep, but read, and
	// refused for what it is.
	_, ds = engine.Parse("deep.yaml", enginetest.Nested(63))
	if len(ds) != 1 || ds[0].Code != engine.CodeInvalidValue || !strings.Contains(ds[0].Message, "not a sequence") {
		t.Errorf("64 levels: %v", ds)
	}
	_, ds = engine.Parse("deep.yaml", enginetest.Nested(64))
	if len(ds) != 1 || ds[0].Code != engine.CodeSyntax {
		t.Errorf("65 levels: %v", ds)
	}
}
