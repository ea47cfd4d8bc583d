package lab

import (
	"fmt"
	"net/netip"
	"testing"
	"testing/synctest"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/tui/internal/tuitest"
)

// The lab's panes, each focused, at the smallest supported layout (80x24,
// stacked) and a roomy one (120x40, side by side). Update the files with
// go test ./tui/lab -run TestGolden -update.
func TestGolden(t *testing.T) {
	screens := []struct {
		name string
		set  func(t *testing.T, m *Model)
	}{
		{"world", func(t *testing.T, m *Model) {}},
		{"rules", func(t *testing.T, m *Model) { story(t, m); m.setFocus(paneDetail) }},
		{"instance", func(t *testing.T, m *Model) {
			story(t, m)
			selectThing(m, ref{kindInstance, m.World().Instance("web-1").ID})
			m.setFocus(paneDetail)
		}},
		{"connected", func(t *testing.T, m *Model) { story(t, m); drive(m, "f") }},
		// Fired before the fix: the verdict follows the world, and says it flipped.
		{"flip", func(t *testing.T, m *Model) { drive(m, "f"); story(t, m); m.setFocus(paneConn) }},
		{"timeout", func(t *testing.T, m *Model) { drive(m, "f") }},
		{"refused", func(t *testing.T, m *Model) {
			story(t, m)
			selectThing(m, ref{kindInstance, m.World().Instance("web-1").ID})
			drive(m, "s", "space", "enter", "enter", "f")
		}},
		{"reachability", func(t *testing.T, m *Model) {
			m.setFocus(paneGrid)
			drive(m, "right", "right", "right", "right", "right", "right", "down")
		}},
		{"rule-form", func(t *testing.T, m *Model) {
			story(t, m)
			m.setFocus(paneDetail)
			drive(m, "a", typeSteps("Custom TCP"), "enter", "enter")
		}},
		{"group-form", func(t *testing.T, m *Model) { drive(m, "n") }},
		// An AWS error that wraps keeps its indent under the field.
		{"group-form-error", func(t *testing.T, m *Model) { drive(m, "n", text("sg-bad"), "enter") }},
		{"attach-form", func(t *testing.T, m *Model) { story(t, m); drive(m, "g") }},
		// The world's filter as it is typed, kept, and matching nothing.
		{"filter-typing", func(t *testing.T, m *Model) { drive(m, "/", text("web")) }},
		{"filter-kept", func(t *testing.T, m *Model) { drive(m, "/", text("10.0"), "enter", "down") }},
		{"filter-none", func(t *testing.T, m *Model) { drive(m, "/", text("nothing-here")) }},
		// Save as Terraform: the file is named for the format.
		{"save-form", func(t *testing.T, m *Model) {
			m.path = "/home/learner/lab.yaml" // saved: ctrl+s offers a copy or an export beside it
			drive(m, "ctrl+s", "right")
		}},
		{"refusal", func(t *testing.T, m *Model) {
			selectThing(m, ref{kindGroup, engine.DefaultGroupID("vpc-main")})
			drive(m, "x")
		}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, s := range screens {
			t.Run(fmt.Sprintf("%s/%dx%d", s.name, size[0], size[1]), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					m := newLab(t, size[0], size[1])
					s.set(t, m)
					v := m.View()
					if err := tuitest.CheckView(v, size[0], size[1]); err != nil {
						t.Fatal(err)
					}
					golden.RequireEqual(t, []byte(v))
				})
			})
		}
	}
}

// bigWorld is a VPC of n instances behind a few groups, with the default
// world's outside hosts.
func bigWorld(n int) *engine.World {
	w := DefaultWorld()
	web, err := w.CreateGroup(engine.Group{Name: "web", VPC: "vpc-main", Description: "web servers", Inbound: []engine.Rule{
		{Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: 443, Hi: 443}, Peer: engine.CIDRPeer(netip.MustParsePrefix("0.0.0.0/0"))},
		{Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: 22, Hi: 22}, Peer: engine.CIDRPeer(netip.MustParsePrefix("203.0.113.10/32"))},
	}})
	if err != nil {
		panic(err)
	}
	for k := 1; len(w.Instances) < n; k++ {
		_, err := w.LaunchInstance(engine.Instance{Name: fmt.Sprintf("app-%03d", k), VPC: "vpc-main",
			PublicIP: w.FreePublicIP(), Groups: []string{web}, Listening: []engine.Service{{Protocol: engine.ProtoTCP, Port: 443}}})
		if err != nil {
			panic(err)
		}
	}
	return w
}

// BenchmarkLabView draws the lab at 200x60 after a connection, the frame
// Bubble Tea asks for after every message: on a 200-instance world, and
// on an imported account of 5,000 instances (see importedAccount), where
// the grid shows the cells under the cursor. It runs without colour (as
// the goldens) and in true colour, where every style writes its escape
// codes. The target: at most 2 ms a frame at 5,000 instances.
//
//	go test ./tui/lab -run '^$' -bench LabView -benchmem -cpu 1 -count 6
//
// A frame reads what the panes keep between frames (the tree's lines, the
// grid's cells seen so far), as the running lab does; the world tree
// draws only the lines on screen.
func BenchmarkLabView(b *testing.B) {
	worlds := []struct {
		name  string
		world func(testing.TB) *engine.World
	}{
		{"200", func(testing.TB) *engine.World { return bigWorld(200) }},
		{"5000", func(tb testing.TB) *engine.World { return importedAccount(tb, 5000) }},
	}
	for _, w := range worlds {
		for _, profile := range []termenv.Profile{termenv.Ascii, termenv.TrueColor} {
			b.Run(w.name+"/"+map[termenv.Profile]string{termenv.Ascii: "ascii", termenv.TrueColor: "truecolor"}[profile], func(b *testing.B) {
				lipgloss.SetColorProfile(profile)
				defer lipgloss.SetColorProfile(termenv.Ascii)
				m := New(tuitest.Context(b), w.world(b))
				m.SetSize(200, 60)
				drive(m, "f", "tab", "down")
				if err := tuitest.CheckView(m.View(), 200, 60); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					_ = m.View()
				}
			})
		}
	}
}

// BenchmarkLabKeys is one key press and the frame after it on the
// imported account of 5,000 instances, in true colour: what a learner
// waits for. "move" goes down or up the world tree, so the details show
// another instance each time; "filter" types a letter of the filter or
// erases it, each a filter of the whole world; "open" is a lab opening on
// the world and drawing its first frame.
//
//	go test ./tui/lab -run '^$' -bench LabKeys -benchmem -cpu 1 -count 6
func BenchmarkLabKeys(b *testing.B) {
	lipgloss.SetColorProfile(termenv.TrueColor)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	w := importedAccount(b, 5000)
	b.Run("move", func(b *testing.B) {
		m := New(tuitest.Context(b), w)
		m.SetSize(200, 60)
		drive(m, "/", text("server-01"), "enter", "down")
		b.ReportAllocs()
		keys := [2]string{"down", "up"}
		for k := 0; b.Loop(); k++ {
			drive(m, keys[k%2])
			_ = m.View()
		}
	})
	b.Run("filter", func(b *testing.B) {
		m := New(tuitest.Context(b), w)
		m.SetSize(200, 60)
		drive(m, "/", text("server-01"))
		b.ReportAllocs()
		keys := [2]string{"2", "backspace"}
		for k := 0; b.Loop(); k++ {
			drive(m, keys[k%2])
			_ = m.View()
		}
	})
	b.Run("open", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m := New(tuitest.Context(b), w)
			m.SetSize(200, 60)
			_ = m.View()
		}
	})
}
