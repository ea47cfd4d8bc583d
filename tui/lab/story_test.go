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

// TestACLStory is network ACLs as a learner meets them, through the whole
// app: db-1 reaches web-1; a deny entry for db-1's subnet, added in the
// ACL's details, makes the same test time out at once; your computer's
// test times out although web-1 answered, because acl-web lets the reply
// out only to ports up to 49151 and the client waits on 49152; widening
// the ephemeral range makes it connect.
func TestACLStory(t *testing.T) {
	ctx := tuitest.Context(t)
	w, ds, err := engine.LoadFile("testdata/acl-story.yaml")
	if w == nil {
		t.Fatal(err, ds.Errors())
	}
	ui := tuitest.Start(t, app.New(ctx, lab.New(ctx, w)), 120, 40)
	ui.WaitFor("World", "Network ACLs", "acl-web  1 in · 1 out · subnet-web")
	ui.Keys("f")
	ui.WaitFor("CONNECTED")
	ui.Keys("esc", "/")
	ui.Type("acl-web")
	ui.Keys("enter", "down", "enter") // subnet-web matches too; acl-web is next
	ui.WaitFor("Network ACL acl-web", "Allow/Deny", "a add entry")
	ui.Keys("a")
	ui.Focused("Rule number")
	ui.Keys("ctrl+u")
	ui.Type("90")
	ui.Keys("enter")
	ui.Focused("Type")
	ui.Keys("right", "right", "right", "right", "right")
	ui.WaitFor("All traffic")
	ui.Keys("enter")
	ui.Focused("Allow/Deny")
	ui.Keys("right")
	ui.WaitFor("Deny")
	ui.Keys("enter")
	ui.Focused("Source CIDR")
	ui.Keys("ctrl+u")
	ui.Type("10.0.2.0/24")
	ui.Keys("enter")
	ui.WaitFor("Added inbound rule 90 to acl-web: deny All traffic, from 10.0.2.0/24")
	ui.Keys("tab")
	ui.WaitFor("TIMED OUT", "was connected → now timeout", "rule 90 denies it")

	// Your computer's test: the reply to its port 49152 is dropped.
	ui.Keys("esc", "esc", "/")
	ui.Type("your")
	ui.Keys("enter", "T")
	ui.WaitFor("Next test: your computer → web-1")
	ui.Keys("f")
	ui.WaitFor("TIMED OUT", "the server answered, but")

	// Widen the ephemeral range of acl-web's outbound entry 100.
	ui.Keys("esc", "esc", "/")
	ui.Type("acl-web")
	ui.Keys("enter", "down", "enter")
	ui.WaitFor("a add entry")            // the details have the keys
	ui.Keys("down", "down", "down", "e") // inbound 90, 100, add; outbound 100
	ui.Focused("Rule number")
	ui.Keys("enter")
	ui.Focused("Type")
	ui.Keys("enter")
	ui.Focused("Port range")
	ui.Keys("ctrl+u")
	ui.Type("1024-65535")
	ui.Keys("enter", "enter", "enter")
	ui.WaitFor("Changed outbound rule 100")
	ui.Keys("tab")
	ui.WaitFor("CONNECTED", "was timeout → now connected")
	ui.Keys("q")
	ui.Final()
}
