package app

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
	"testing/synctest"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/lessons"
	"github.com/sglab/sglab/tui/internal/tuitest"
	"github.com/sglab/sglab/tui/lab"
)

// nasties are what a hostile file puts in its text: an OSC 52 that
// rewrites the clipboard, a window title, a screen wipe, BEL, CSI as one
// C1 byte (raw, as invalid UTF-8) and as a C1 character, line breaks.
var nasties = []string{
	"\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07", "\x1b]0;pwned\x07", "\x1b[2J", "\x1b[31m", "\x07",
	"\x9b2J", "\u009b31m", "\u0085", "\n", "\t", "\r", "\x1b", "\x1bP+q\x1b\\",
}

// evil is base with control sequences in it, at random.
func evil(rng *rand.Rand, base string) string {
	var b strings.Builder
	for k, r := range base {
		if rng.IntN(3) == 0 || k == 0 {
			b.WriteString(nasties[rng.IntN(len(nasties))])
		}
		b.WriteRune(r)
	}
	b.WriteString(nasties[rng.IntN(len(nasties))])
	return b.String()
}

// evilWorld is a small world whose every text field, ids included, holds
// control sequences. It is built directly, not loaded: whatever a loader
// refuses, the screens must be safe on their own.
func evilWorld(rng *rand.Rand) *engine.World {
	w := engine.NewWorld(evil(rng, "Lab"))
	w.Description = evil(rng, "about")
	w.Region = evil(rng, "us-east-1")
	vpc := &engine.VPC{ID: evil(rng, "vpc-main"), CIDR: netip.MustParsePrefix("10.0.0.0/16"),
		IPv6CIDR: netip.MustParsePrefix("2600:1f18::/56"), Region: evil(rng, "eu-west-1")}
	any4 := engine.CIDRPeer(netip.MustParsePrefix("0.0.0.0/0"))
	web := &engine.Group{ID: evil(rng, "sg-1"), Name: evil(rng, "web"), VPC: vpc.ID, Description: evil(rng, "web servers"),
		Outbound: []engine.Rule{{Protocol: engine.ProtoAll, Peer: any4, Description: evil(rng, "out")}}}
	admin := &engine.Group{ID: evil(rng, "sg-2"), Name: evil(rng, "admin"), VPC: vpc.ID, Description: evil(rng, "admins"),
		Outbound: []engine.Rule{{Protocol: engine.ProtoAll, Peer: any4}}}
	web.Inbound = []engine.Rule{
		{Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: 22, Hi: 22}, Peer: engine.CIDRPeer(netip.MustParsePrefix("203.0.113.10/32")), Description: evil(rng, "my laptop")},
		{Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: 443, Hi: 443}, Peer: engine.GroupPeer(admin.ID), Description: evil(rng, "from admins")},
		{Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: 80, Hi: 80}, Peer: any4},
	}
	web1 := &engine.Instance{ID: evil(rng, "i-1"), Name: evil(rng, "web-1"), VPC: vpc.ID,
		PrivateIP: netip.MustParseAddr("10.0.1.10"), PublicIP: netip.MustParseAddr("54.210.0.10"), IPv6: netip.MustParseAddr("2600:1f18::10"),
		Groups: []string{web.ID, admin.ID}, Listening: []engine.Service{{Protocol: engine.ProtoTCP, Port: 22}}}
	app1 := &engine.Instance{ID: evil(rng, "i-2"), Name: evil(rng, "app-1"), VPC: vpc.ID,
		PrivateIP: netip.MustParseAddr("10.0.1.11"), Groups: []string{admin.ID}}
	you := &engine.Host{ID: evil(rng, "laptop"), Name: evil(rng, "your computer"), IP: netip.MustParseAddr("203.0.113.10")}
	them := &engine.Host{ID: evil(rng, "neighbour"), Name: evil(rng, "someone"), IP: netip.MustParseAddr("198.51.100.7"),
		Listening: []engine.Service{{Protocol: engine.ProtoTCP, Port: 443}}}
	w.VPCs = []*engine.VPC{vpc}
	w.Groups = []*engine.Group{web, admin}
	w.Instances = []*engine.Instance{web1, app1}
	w.Hosts = []*engine.Host{you, them}
	w.Connections = []engine.Connection{
		{From: you.ID, To: web1.ID, Protocol: engine.ProtoTCP, Port: 22, Expect: engine.Connected},
		{From: them.Name, To: web1.Name, Protocol: engine.ProtoTCP, Port: 443},
		{From: app1.ID, To: web1.ID, Protocol: engine.ProtoTCP, Port: 443},
		{From: web1.ID, To: them.ID, Protocol: engine.ProtoTCP, Port: 443},
	}
	return w.Clone() // indexes the names
}

// evilCourse is the built-in course with control sequences in every text
// a lesson file holds. The built-in lessons are shared: they are copied,
// never changed.
func evilCourse(t *testing.T, rng *rand.Rand) *lessons.Course {
	t.Helper()
	b, err := lessons.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	c := &lessons.Course{}
	for _, orig := range b.Lessons {
		ls := *orig
		ls.Title, ls.Summary, ls.Pack = evil(rng, orig.Title), evil(rng, orig.Summary), evil(rng, "workshop pack")
		ls.Concepts = nil
		for _, s := range orig.Concepts {
			ls.Concepts = append(ls.Concepts, evil(rng, s))
		}
		copies := map[*lessons.Challenge]*lessons.Challenge{}
		ls.Challenges = nil
		for _, oc := range orig.Challenges {
			ch := *oc
			ch.Title, ch.Task = evil(rng, oc.Title), evil(rng, oc.Task)
			ch.Goals = append([]lessons.Goal(nil), oc.Goals...)
			for k := range ch.Goals {
				ch.Goals[k].Label = evil(rng, ch.Goals[k].Label)
			}
			ch.Hints = nil
			for _, h := range oc.Hints {
				ch.Hints = append(ch.Hints, evil(rng, h))
			}
			ch.Solution = append([]lessons.Step(nil), oc.Solution...)
			for k := range ch.Solution {
				ch.Solution[k].Text = evil(rng, ch.Solution[k].Text)
			}
			copies[oc] = &ch
			ls.Challenges = append(ls.Challenges, &ch)
		}
		ls.Pages = append([]lessons.Page(nil), orig.Pages...)
		for k := range ls.Pages {
			ls.Pages[k].Title, ls.Pages[k].Markdown = evil(rng, ls.Pages[k].Title), evil(rng, ls.Pages[k].Markdown)
			if ch := ls.Pages[k].Challenge; ch != nil {
				ls.Pages[k].Challenge = copies[ch]
			}
		}
		ls.Questions = nil
		for _, oq := range orig.Questions {
			q := *oq
			q.Prompt, q.Explanation = evil(rng, oq.Prompt), evil(rng, oq.Explanation)
			q.Choices = nil
			for _, ch := range oq.Choices {
				q.Choices = append(q.Choices, evil(rng, ch))
			}
			ls.Questions = append(ls.Questions, &q)
		}
		c.Lessons = append(c.Lessons, &ls)
	}
	return c
}

// leak returns where view holds a byte a terminal would act on: ESC, BEL,
// or CSI (0x9b) as a raw byte or as the character U+009B. The tests'
// renderer has no colours, so no style adds an ESC either.
func leak(view string) (int, bool) {
	for i := 0; i < len(view); {
		r, n := utf8.DecodeRuneInString(view[i:])
		if r == 0x1b || r == 0x07 || r == 0x9b || r == utf8.RuneError && n == 1 && view[i] == 0x9b {
			return i, true
		}
		i += n
	}
	return 0, false
}

// TestNoControlBytesFromFilesReachTheScreen is issue 9's property test for
// the TUI: for random worlds and lesson packs with control sequences in
// every text field, no frame of any screen the keys reach holds ESC, BEL
// or CSI: the header, the world tree, the details, the connection pane,
// the grid, the forms, the course list, lesson pages, goals and hints.
func TestNoControlBytesFromFilesReachTheScreen(t *testing.T) {
	labKeys := []string{"f", "pgdown", "pgdown", "pgdown", "pgup", "pgup", "pgup", "tab", "down", "down", "enter", "a", "esc", "down", "tab", "right", "enter", "down", "enter",
		"tab", "down", "right", "right", "enter", "tab", "down", "down", "down", "down", "s", "esc", "g", "esc",
		"up", "up", "up", "g", "esc", "n", "esc", "i", "esc", "ctrl+s", "esc", "x", "tab", "tab", "tab", "down", "enter", "h", "b"}
	courseKeys := []string{"enter", "down", "4", "enter", "n", "enter", "h", "h", "h", "h", "s", "tab", "f", "b", "n", "n", "a", "n",
		"enter", "esc", "esc", "1", "enter", "n", "enter", "b", "n", "n", "b", "n", "esc", "esc", "down", "down", "enter"}
	for seed := range uint64(6) {
		rng := rand.New(rand.NewPCG(seed, 9))
		for _, size := range [][2]int{{80, 24}, {120, 40}} {
			t.Run(fmt.Sprintf("seed %d at %dx%d", seed, size[0], size[1]), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					ctx := tuitest.Context(t)
					ctx.Course = evilCourse(t, rng)
					w := evilWorld(rng)
					m := New(ctx, lab.New(ctx, w, lab.WithPath(t.TempDir()+"/"+evil(rng, "lab.yaml"))))
					check := func(after string) {
						t.Helper()
						v := m.View()
						if i, bad := leak(v); bad {
							t.Fatalf("after %s, a control byte reached the screen at %d: %q", after, i, v[max(i-60, 0):min(i+20, len(v))])
						}
					}
					tuitest.Drive(m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
					check("opening the lab")
					for _, k := range append(labKeys, courseKeys...) {
						tuitest.Drive(m, tuitest.Key(k))
						check(fmt.Sprintf("key %q", k))
					}
				})
			})
		}
	}
}
