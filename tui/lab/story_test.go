package lab_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/tui/app"
	"github.com/sglab/sglab/tui/internal/tuitest"
	"github.com/sglab/sglab/tui/lab"
)

// manyApps is the default world with app-001 and on, up to n instances.
func manyApps(t *testing.T, n int) *engine.World {
	w := lab.DefaultWorld()
	web := w.Instances[0].Groups
	for k := 1; len(w.Instances) < n; k++ {
		if _, err := w.LaunchInstance(engine.Instance{Name: fmt.Sprintf("app-%03d", k), VPC: "vpc-main", Groups: web,
			Listening: []engine.Service{{Protocol: engine.ProtoTCP, Port: 22}}}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// TestFilterStory is the filter as a person uses it, through the whole
// app (whose help bar decides which keys reach the lab): / from another
// pane, letters as they come (q types, it does not quit), a filter that
// matches nothing, backspace, enter keeps the filter and the keys move
// again, t aims the next test at the machine, f fires it, esc clears.
func TestFilterStory(t *testing.T) {
	ctx := tuitest.Context(t)
	ui := tuitest.Start(t, app.New(ctx, lab.New(ctx, manyApps(t, 300))), 120, 40)
	ui.WaitFor("World", "app-001")
	ui.Keys("tab") // the details
	ui.Keys("/")
	ui.WaitFor("name, id, address or group", "enter done")
	ui.Type("app-12")
	ui.WaitFor("/ app-12 ", "app-120")
	ui.Type("q")
	ui.WaitFor("Nothing matches")
	ui.Keys("backspace")
	ui.WaitFor("app-120")
	ui.Keys("enter")
	ui.WaitFor("10 of ", "/ edit filter")
	ui.Keys("down", "t")
	ui.WaitFor("Next test: your computer → app-121")
	ui.Keys("f")
	ui.WaitFor("TIMED OUT") // app-121 has no public IP: nothing from the internet reaches it
	ui.Keys("shift+tab", "shift+tab", "esc")
	ui.WaitFor("web-1")
	ui.Keys("q")
	final := ui.Final().(*app.Model)
	if err := final.Err(); err != nil {
		t.Fatal(err)
	}
}

// TestExportStory saves the lab's design as Terraform with ctrl+s: the
// format, then the file named for it, and the file parses as HCL.
func TestExportStory(t *testing.T) {
	ctx := tuitest.Context(t)
	dir := t.TempDir()
	t.Chdir(dir)
	ui := tuitest.Start(t, app.New(ctx, lab.New(ctx, lab.DefaultWorld())), 120, 40)
	ui.WaitFor("World")
	ui.Keys("ctrl+s")
	ui.Focused("Format")
	ui.Keys("right")
	ui.WaitFor("Terraform")
	ui.Keys("enter")
	ui.Focused("File")
	ui.Keys("ctrl+u")
	ui.Type("design.tf")
	ui.Keys("enter")
	ui.WaitFor("Wrote the lab's")
	ui.Keys("q")
	ui.Final()
	data, err := os.ReadFile(filepath.Join(dir, "design.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if _, diags := hclparse.NewParser().ParseHCL(data, "design.tf"); diags.HasErrors() {
		t.Fatalf("%v\n%s", diags, data)
	}
}
