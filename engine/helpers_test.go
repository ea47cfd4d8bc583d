package engine_test

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/sglab/sglab/engine"
)

func itoa(n int) string { return strconv.Itoa(n) }

// loadFixture loads a valid scenario from testdata.
func loadFixture(t testing.TB, name string) *engine.World {
	t.Helper()
	w, ds, err := engine.LoadFile(filepath.Join("testdata", name))
	if err != nil || w == nil {
		t.Fatalf("fixture %s: %v %s", name, err, ds.Error())
	}
	return w
}

// mustLoad parses a scenario that must be valid.
func mustLoad(t testing.TB, src string) *engine.World {
	t.Helper()
	w, ds := engine.Parse("test.yaml", []byte(src))
	if w == nil {
		t.Fatalf("scenario does not load:\n%s", ds.Error())
	}
	return w
}
