package lab

import (
	"net/netip"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/charmbracelet/x/ansi"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/tui/internal/tuitest"
)

// ipv6World is the default world with IPv6: a VPC range, an address on
// web-1, and its default group's outbound rule to ::/0.
func ipv6World(t *testing.T) *engine.World {
	t.Helper()
	w := engine.NewWorld("IPv6 lab")
	if err := w.AddVPC(engine.VPC{ID: "vpc-main", CIDR: netip.MustParsePrefix("10.0.0.0/16"), IPv6CIDR: netip.MustParsePrefix("2600:1f18:abcd::/56")}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.LaunchInstance(engine.Instance{Name: "web-1", VPC: "vpc-main", PrivateIP: netip.MustParseAddr("10.0.1.10"),
		PublicIP: w.FreePublicIP(), IPv6: netip.MustParseAddr("2600:1f18:abcd::10")}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddHost(engine.Host{ID: "laptop", Name: yourComputer, IP: netip.MustParseAddr("203.0.113.10")}); err != nil {
		t.Fatal(err)
	}
	return w
}

// TestLayoutPromises is issue 8's item 6 at 120x40: the goals beside the
// lab, an instance's whole tables and its IPv6 address, the VPC's IPv6
// range, and nothing cut short where there is room.
func TestLayoutPromises(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		side := newLab(t, 120, 40, WithSidePanel("Goals", &fakeSide{}))
		if !side.wide || side.frames[paneSide].w < 28 {
			t.Fatalf("at 120x40 the goals do not sit beside the lab: %+v", side.frames)
		}
		v := side.View()
		if err := tuitest.CheckView(v, 120, 40); err != nil {
			t.Fatal(err)
		}
		says(t, v, "GOALS", "World", "Connection", "Reachability")

		m := New(tuitest.Context(t), ipv6World(t))
		m.SetSize(120, 40)
		says(t, m.tree.View(), "vpc-main 10.0.0.0/16 us-east-1 IPv6: 2600:1f18:abcd::/56", "web-1 10.0.1.10 · 54.210.0.10 IPv6: 2600:1f18:abcd::10")
		selectThing(m, ref{kindVPC, "vpc-main"})
		m.setFocus(paneDetail)
		says(t, m.View(), "VPC vpc-main")
		says(t, m.detail.View(), "10.0.0.0/16 · 2600:1f18:abcd::/56")
		selectThing(m, ref{kindInstance, m.World().Instance("web-1").ID})
		m.layout()
		d := m.detail.View()
		says(t, d, "IPv6 2600:1f18:abcd::10", "Outbound rules of all its groups, merged", "0.0.0.0/0", "::/0", "AWS merges the rules")
		if strings.Contains(d, "…") {
			t.Fatalf("the instance pane cuts text short:\n%s", d)
		}
		if tree := m.tree.View(); strings.Contains(tree, "…") {
			t.Fatalf("the world tree cuts text short at 120x40:\n%s", tree)
		}
		if grid := newLab(t, 120, 40).grid.View(); strings.Contains(grid, "…") && !strings.Contains(grid, "someone else's…") {
			t.Fatalf("the grid cuts text short at 120x40:\n%s", grid) // the longest name has no room
		}
	})
}

// TestGridCursorShowsWithoutColour: under NO_COLOR (the tests' ASCII
// profile) the cell under the cursor is marked by the row's > and a v
// right above it in the header; the reason reads in words.
func TestGridCursorShowsWithoutColour(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newLab(t, 120, 40)
		m.setFocus(paneGrid)
		drive(m, "down", "right") // your computer's row, web-1's block, the second port: 22
		lines := strings.Split(m.grid.View(), "\n")
		head, row := lines[0], ""
		for _, l := range lines[1:] {
			if strings.HasPrefix(l, ">") {
				row = l
			}
		}
		col := strings.IndexRune(head, 'v')
		if col < 0 || row == "" || strings.Count(head, "v") != 1 {
			t.Fatalf("no single v over the grid and > on a row:\n%s", m.grid.View())
		}
		cell := ansi.Strip(row)[col:]
		if got := m.grid.m.At(1, 0, 1).Outcome(); !strings.HasPrefix(cell, map[engine.Outcome]string{engine.Connected: "C", engine.Refused: "R", engine.Timeout: "T"}[got]) {
			t.Fatalf("the v points at %q, the cell under the cursor is %v:\n%s", cell[:1], got, m.grid.View())
		}
		says(t, m.grid.View(), "your computer → web-1 SSH 22: timeout (no inbound rule lets it in)")
		for _, code := range []string{"inbound-blocked", "no-listener", "allowed)"} {
			if strings.Contains(m.grid.View(), code) {
				t.Fatalf("the grid shows the code %q:\n%s", code, m.grid.View())
			}
		}
	})
}

func TestBlockHead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, c := range []struct {
			n      int
			cursor bool
			port   int
			want   string
		}{
			{3, false, 0, "3     "},
			{3, true, 0, "v3    "},
			{3, true, 1, " v3   "},
			{3, true, 2, "3 v   "},
			{3, true, 4, "3   v "},
			{12, true, 2, "  v12 "},
			{12, true, 3, "12 v  "},
		} {
			if got := blockHead(c.n, c.cursor, c.port, 6); got != c.want {
				t.Errorf("blockHead(%d, %v, %d) = %q, want %q", c.n, c.cursor, c.port, got, c.want)
			}
		}
	})
}
