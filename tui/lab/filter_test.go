package lab

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"unicode"

	"github.com/charmbracelet/bubbles/key"
	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/tui/internal/tuitest"
)

func newAccountLab(t *testing.T, n, w, h int) *Model {
	t.Helper()
	m := New(tuitest.Context(t), importedAccount(t, n))
	m.SetSize(w, h)
	return m
}

// The filter: / types it from any pane, the tree keeps what matches (with
// the VPC and heading it sits under) as the letters come, enter keeps it,
// esc clears it, and the selection stays on what the learner chose.
func TestFilterKeepsWhatMatches(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newAccountLab(t, 400, 120, 40)
		m.setFocus(paneConn)
		drive(m, "/")
		if m.focus != paneWorld || !m.Capturing() {
			t.Fatalf("/ from the Connection pane: focus %v, capturing %v", m.focus, m.Capturing())
		}
		says(t, shortHelp(m), "enter done", "esc clear filter", "↑/↓ move")
		if h := fullHelp(m); strings.Contains(h, "fire") || strings.Contains(h, "leave") {
			t.Fatalf("the help names keys that type into the filter:\n%s", h)
		}
		drive(m, text("server-004"))
		// server-0040 to server-0049: ten instances, in the VPCs they sit in.
		var shown []string
		for _, l := range m.tree.lines {
			if l.says == saysInstance {
				shown = append(shown, l.thing.(*engine.Instance).Name)
			}
		}
		slices.Sort(shown)
		if want := "server-0040 server-0041 server-0042 server-0043 server-0044 server-0045 server-0046 server-0047 server-0048 server-0049"; strings.Join(shown, " ") != want {
			t.Fatalf("the filter shows %v, want %s", shown, want)
		}
		says(t, m.tree.View(), "/ server-004", "vpc-00000000000000001", "Instances", "server-0041")
		if sel := m.tree.selected(); sel.kind != kindInstance || m.World().Instance(sel.id).Name != "server-0041" {
			t.Fatalf("the cursor is on %+v, not the first match", sel)
		}
		says(t, m.tree.summary(), "filter “server-004”: 10 of 445 match") // 4 VPCs, 40 groups, 400 instances, 1 host
		drive(m, "enter")
		if m.Capturing() || m.tree.query != "server-004" {
			t.Fatalf("enter did not keep the filter: capturing %v, query %q", m.Capturing(), m.tree.query)
		}
		drive(m, "down", "down")
		chosen := m.tree.selected()
		if chosen.kind != kindInstance {
			t.Fatalf("down went to %+v", chosen)
		}
		says(t, m.View(), "/ server-004", "10 of 445 match")
		says(t, shortHelp(m), "/ edit filter", "esc clear filter")
		drive(m, "esc")
		if m.tree.query != "" || m.tree.selected() != chosen {
			t.Fatalf("esc: query %q, selection %+v, want %+v", m.tree.query, m.tree.selected(), chosen)
		}
		if strings.Contains(m.View(), "match") {
			t.Fatal("a cleared filter still says how many it shows")
		}
	})
}

// Terms are words, each to be found: an instance by one of its groups'
// names and its address; a group by its id.
func TestFilterMatchesEveryWord(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newAccountLab(t, 400, 120, 40)
		i := m.World().Instance("server-0007")
		g := m.World().Group(i.Groups[0])
		drive(m, "/", text(g.Name+" "+i.PrivateIP.String()), "enter")
		if m.tree.selected() != (ref{kindInstance, i.ID}) || m.tree.shown != 1 {
			t.Fatalf("filter %q: %d shown, selected %+v\n%s", m.tree.query, m.tree.shown, m.tree.selected(), m.tree.View())
		}
		// By the group's id, in capitals: the group and the instances it
		// guards match, and the selection stays on the instance, which does.
		drive(m, "/", "ctrl+u", text(strings.ToUpper(g.ID)), "enter")
		if m.tree.selected() != (ref{kindInstance, i.ID}) || m.tree.find(ref{kindGroup, g.ID}) < 0 {
			t.Fatalf("filter by id: selected %+v\n%s", m.tree.selected(), m.tree.View())
		}
		want := 1 + len(m.World().InstancesWith(g.ID))
		if m.tree.shown != want {
			t.Fatalf("filter by id: %d match, want the group and its %d instances", m.tree.shown, want-1)
		}
	})
}

// Nothing matching says so, and how to get out; every key that acts on a
// selection has nothing to act on.
func TestFilterNoMatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newAccountLab(t, 400, 80, 24)
		drive(m, "/", text("no-such-thing"), "enter")
		says(t, m.tree.View(), "Nothing matches “no-such-thing”. esc clears the filter.", "0 of 445 match")
		if m.tree.selected().kind != kindNone {
			t.Fatalf("the selection is %+v with nothing shown", m.tree.selected())
		}
		drive(m, "x", "enter", "t", "down", "home", "end")
		if m.form != nil {
			t.Fatal("a key acted on a hidden selection")
		}
		drive(m, "esc")
		if m.tree.selected().kind == kindNone {
			t.Fatal("clearing the filter left no selection")
		}
	})
}

// Text from a file reaches the screen only through safetext: a name with
// escapes is filtered on and drawn without them.
func TestFilterDrawsNamesSafely(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := DefaultWorld()
		if _, err := w.CreateGroup(engine.Group{Name: "evil\x1b[2Jname", VPC: "vpc-main", Description: "x"}); err != nil {
			t.Skipf("the engine refuses the name: %v", err)
		}
		m := New(tuitest.Context(t), w)
		m.SetSize(120, 40)
		drive(m, "/", text("evil"))
		if v := m.View(); strings.Contains(v, "\x1b[2J") || !strings.Contains(v, "evil") {
			t.Fatalf("the filtered tree:\n%q", v)
		}
	})
}

// A group created while a filter hides it is selected all the same: the
// filter goes.
func TestFilterGivesWayToANewThing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newLab(t, 120, 40)
		drive(m, "/", text("web-1"), "enter", "n", text("fresh"), "enter", text("new"), "enter")
		if m.tree.query != "" || m.tree.selected().kind != kindGroup || m.World().Group(m.tree.selected().id).Name != "fresh" {
			t.Fatalf("after creating a group under a filter: query %q, selected %+v\n%s", m.tree.query, m.tree.selected(), m.View())
		}
	})
}

// ctrl+s exports: each format writes its file (Terraform that HCL parses),
// the lab stays unsaved and keeps its own file, and the status says what
// was written where.
func TestSaveExports(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		t.Chdir(dir)
		for _, c := range []struct {
			rights int
			file   string
			check  func(t *testing.T, data []byte)
		}{
			{1, "scratch-lab.tf", func(t *testing.T, data []byte) {
				if _, diags := hclparse.NewParser().ParseHCL(data, "x.tf"); diags.HasErrors() {
					t.Fatal(diags)
				}
				says(t, string(data), `resource "aws_security_group" "ssh_from_me"`)
			}},
			{2, "scratch-lab.sh", func(t *testing.T, data []byte) { says(t, string(data), "aws ec2 create-security-group") }},
			{3, "scratch-lab.cfn.yaml", func(t *testing.T, data []byte) { says(t, string(data), "AWS::EC2::SecurityGroup") }},
		} {
			m := newLab(t, 120, 40)
			story(t, m)
			unsaved := m.Unsaved()
			drive(m, "ctrl+s")
			drive(m, tuitest.Keys(strings.Fields(strings.Repeat("right ", c.rights))...), "enter")
			path := filepath.Join(dir, c.file)
			offers(t, m, path)
			_, cmd := m.Update(tuitest.Key("enter"))
			for cmd != nil { // the form's answer, then the write
				msg := cmd()
				_, cmd = m.Update(msg)
				if _, ok := msg.(savedMsg); ok {
					break
				}
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%s: %v\n%s", c.file, err, m.View())
			}
			c.check(t, data)
			says(t, m.View(), "✓ Wrote the lab's 2 security groups as")
			if m.path != "" || m.Unsaved() != unsaved {
				t.Fatalf("an export changed the lab's file to %q, unsaved %q", m.path, m.Unsaved())
			}
		}
		if fi, err := os.Stat(filepath.Join(dir, "scratch-lab.sh")); err != nil || fi.Mode().Perm()&0o100 == 0 {
			t.Fatalf("the CLI script is not executable: %v", err)
		}
	})
}

// A lab with its own file saves to it with ctrl+s; once saved, ctrl+s
// offers the copy and the exports, next to the file.
func TestSavedLabOffersExport(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "mine.yaml")
		m := newLab(t, 120, 40, WithPath(path))
		story(t, m)
		drive(m, "ctrl+s")
		says(t, m.View(), "✓ Saved "+path, "ctrl+s again exports it")
		says(t, fullHelp(m), "ctrl+s save as/export")
		drive(m, "ctrl+s", "right", "enter")
		offers(t, m, strings.TrimSuffix(path, ".yaml")+".tf") // beside mine.yaml
	})
}

// offers checks that the open form offers to write path, a path that the
// form's width may wrap anywhere.
func offers(t *testing.T, m *Model, path string) {
	t.Helper()
	form := strings.Join(m.form.render(), "\n")
	if flat := strings.Join(strings.FieldsFunc(form, func(r rune) bool { return r == '┃' || unicode.IsSpace(r) }), ""); !strings.Contains(flat, path) {
		t.Fatalf("the form does not offer %s:\n%s", path, form)
	}
}

func shortHelp(m *Model) string { return helpText(m, [][]key.Binding{m.ShortHelp()}) }

func fullHelp(m *Model) string { return helpText(m, m.FullHelp()) }

func helpText(m *Model, keys [][]key.Binding) string {
	var b strings.Builder
	for _, col := range keys {
		for _, k := range col {
			if k.Enabled() {
				b.WriteString(k.Help().Key + " " + k.Help().Desc + "\n")
			}
		}
	}
	return b.String()
}

// In accessible mode the filter is in words, and nothing matching says so
// without glyphs.
func TestAccessibleFilter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newAccessibleLab(t)
		drive(m, "/", text("web"))
		v := m.View()
		says(t, v, "Filter: web", "2 of 6 match")
		drive(m, text("zzz"))
		v = m.View()
		says(t, v, "Nothing matches", "esc clears the filter")
		if g := tuitest.Glyphs(v); len(g) > 0 {
			t.Fatalf("glyphs %q on an accessible screen:\n%s", g, v)
		}
	})
}
