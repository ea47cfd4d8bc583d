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
