package main

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/lessons"
	"github.com/sglab/sglab/quiz"
)

// Pieces of hostile text: what the attacks against the first build used
// (an OSC 52 clipboard write, a window title, a screen wipe), the bytes a
// terminal acts on (ESC, BEL, CSI as a lone 0x9b byte and as U+009B,
// other C1 and C0 controls, DEL), newlines that split rows, and the
// Unicode controls that reorder text.
var hostilePieces = []string{
	"\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07", "\x1b]0;pwned\x07", "\x1b[2J", "\x1b[31m",
	"\x1b", "\x07", "\x9b", "\u009b", "\u0085", "\u0090", "\x00", "\x7f", "\x08", "\r", "\n", "\t",
	"\u202e", "\u2066", "\u2028", "web-1", "sg-", " ", "é", "日本",
}

// hostileText returns a string of 1 to 6 hostile pieces, with at least one
// control byte.
func hostileText(r *rand.Rand) string {
	var b strings.Builder
	b.WriteString(hostilePieces[r.IntN(4)]) // one escape sequence at least
	for range r.IntN(6) {
		b.WriteString(hostilePieces[r.IntN(len(hostilePieces))])
	}
	return b.String()
}

// mustBeClean fails when out holds a byte a terminal would act on, and
// when it holds no escaped control character at all: the hostile text
// must have reached the output (shown escaped), or the test proves nothing.
func mustBeClean(t *testing.T, what string, out []byte) {
	t.Helper()
	if k := bytes.IndexAny(out, "\x1b\x07\x9b"); k >= 0 {
		t.Fatalf("%s wrote byte %#x at %d:\n%q", what, out[k], k, out)
	}
	if !bytes.Contains(out, []byte(`\x1b`)) {
		t.Fatalf("%s printed none of the hostile text:\n%q", what, out)
	}
}

// hostileWorld builds a scenario through the engine's API (not the
// loader, which refuses control characters) and then gives every text
// field a hostile value: the world's name and description, group names
// and descriptions, rule descriptions, instance and host ids and names,
// and the connections' ends.
func hostileWorld(t *testing.T, r *rand.Rand) *engine.World {
	t.Helper()
	w := engine.NewWorld("placeholder")
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.AddVPC(engine.VPC{ID: "vpc-a", CIDR: netip.MustParsePrefix("10.0.0.0/16")}))
	db, err := w.CreateGroup(engine.Group{Name: "db", VPC: "vpc-a", Description: "d"})
	must(err)
	web, err := w.CreateGroup(engine.Group{Name: "web", VPC: "vpc-a", Description: "d", Inbound: []engine.Rule{
		{Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: 22, Hi: 22}, Peer: engine.CIDRPeer(netip.MustParsePrefix("203.0.113.10/32")), Description: "ssh"},
		{Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: 80, Hi: 80}, Peer: engine.GroupPeer(db), Description: "http"},
	}})
	must(err)
	_, err = w.LaunchInstance(engine.Instance{ID: "i-web", Name: "web-1", VPC: "vpc-a", PrivateIP: netip.MustParseAddr("10.0.1.10"),
		PublicIP: netip.MustParseAddr("54.0.0.10"), Groups: []string{web}, Listening: []engine.Service{{Protocol: engine.ProtoTCP, Port: 22}}})
	must(err)
	_, err = w.LaunchInstance(engine.Instance{ID: "i-db", Name: "db-1", VPC: "vpc-a", PrivateIP: netip.MustParseAddr("10.0.1.20"), Groups: []string{db}})
	must(err)
	_, err = w.AddHost(engine.Host{ID: "me", Name: "laptop", IP: netip.MustParseAddr("203.0.113.10")})
	must(err)

	w.Name, w.Description = hostileText(r), hostileText(r)
	for _, g := range w.Groups {
		g.Name, g.Description = hostileText(r), hostileText(r)
		for k := range g.Inbound {
			g.Inbound[k].Description = hostileText(r)
		}
	}
	for _, i := range w.Instances {
		i.ID, i.Name = hostileText(r)+"-id", hostileText(r)+"-name"
	}
	w.Hosts[0].ID, w.Hosts[0].Name = hostileText(r)+"-id", hostileText(r)+"-name"
	web1, db1, me := w.Instances[0], w.Instances[1], w.Hosts[0]
	w.Connections = []engine.Connection{
		{From: me.Name, To: web1.Name, Protocol: engine.ProtoTCP, Port: 22, Expect: engine.Refused},
		{From: db1.ID, To: web1.ID, Protocol: engine.ProtoTCP, Port: 80, Expect: engine.Connected},
		{From: me.ID, To: db1.Name, Protocol: engine.ProtoTCP, Port: 5432},
	}
	return w.Clone() // the lookups by name and id, rebuilt
}

// TestTextOutputNeverCarriesControlBytes is the property test of issue 9:
// for random hostile text in every text field of a scenario and of a
// lesson pack, in diagnostics, state files and errors, no text output of
// the command line holds ESC, BEL or 0x9b.
func TestTextOutputNeverCarriesControlBytes(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 1))
	for n := range 200 {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var out bytes.Buffer
			st := newStyles(&out)

			w := hostileWorld(t, r)
			results := make([]engine.Result, len(w.Connections))
			var sum summary
			for k, c := range w.Connections {
				results[k] = engine.Evaluate(w, c)
				sum.add(c, results[k])
			}
			writeTable(&out, st, w.Name, w.Connections, results, sum)
			mustBeClean(t, "check", out.Bytes())

			for _, c := range w.Connections {
				out.Reset()
				writeTrace(&out, st, c, engine.Trace(w, c))
				mustBeClean(t, "explain", out.Bytes())
			}

			out.Reset()
			printDiagnostics(&out, engine.Diagnostics{
				{File: hostileText(r), Pos: engine.Pos{Line: 3, Col: 7}, Code: engine.CodeInvalidValue, Message: hostileText(r)},
				{File: "s.yaml", Message: "group " + hostileText(r) + " is attached to no instance"},
			})
			mustBeClean(t, "diagnostics", out.Bytes())

			course, progress := hostileCourse(r)
			out.Reset()
			writeLessonList(&out, st, course, progress)
			mustBeClean(t, "lessons list", out.Bytes())
			out.Reset()
			writeProgress(&out, st, course, progress)
			mustBeClean(t, "progress", out.Bytes())

			stats := quiz.Stats{
				Topics: []quiz.TopicScore{{Topic: quiz.Topic(hostileText(r))}},
				Due:    []quiz.DueQuestion{{ID: hostileText(r), Topic: quiz.Topic(hostileText(r)), Box: 1, Due: time.Now()}},
				Drills: []quiz.DrillBest{{Topic: quiz.Topic(hostileText(r)), Seconds: 60}},
			}
			out.Reset()
			writeSafe(&out, stats.Write)
			mustBeClean(t, "progress (quiz)", out.Bytes())

			out.Reset()
			printError(&out, errors.New("cannot read "+hostileText(r)))
			printError(&out, usage(newRoot(&out, &out), "--topic is ports, concepts, scenarios or all, not %s", hostileText(r)))
			mustBeClean(t, "errors", out.Bytes())
		})
	}
}

// hostileCourse is a lesson pack whose every text field is hostile, and a
// progress through it.
func hostileCourse(r *rand.Rand) (*lessons.Course, *lessons.Progress) {
	c := &lessons.Course{}
	p := &lessons.Progress{Lessons: map[string]*lessons.LessonProgress{}}
	pack := hostileText(r)
	for k := range 3 {
		l := &lessons.Lesson{ID: hostileText(r), Title: hostileText(r), Summary: hostileText(r), Pack: pack,
			Concepts: []string{hostileText(r), hostileText(r)}, Pages: make([]lessons.Page, 2)}
		l.Pages[0].Title = hostileText(r)
		c.Lessons = append(c.Lessons, l)
		if k < 2 {
			p.Lessons[l.ID] = &lessons.LessonProgress{Status: lessons.InProgress, Page: 1}
			p.Last = l.ID
		}
	}
	return c, p
}

// TestHostileFilesThroughTheCommandLine runs whole commands in process on
// files whose names and contents are hostile: a scenario, a lesson pack and
// state files. Whatever the loaders accept or refuse, standard output and
// standard error stay free of control bytes.
func TestHostileFilesThroughTheCommandLine(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 2))
	for range 20 {
		dir, home := t.TempDir(), t.TempDir()
		name := filepath.Join(dir, "s"+strings.NewReplacer("/", "", "\x00", "").Replace(hostileText(r))+".yaml")
		yamlText := func() string { return fmt.Sprintf("%q", hostileText(r)) } // a double-quoted YAML string holds any byte
		scenario := "version: 1\nname: " + yamlText() + "\nvpcs:\n  - { id: vpc-a, cidr: 10.0.0.0/16 }\n" +
			"security_groups:\n  - { id: sg-a, name: " + yamlText() + ", vpc: vpc-a, description: " + yamlText() + " }\n" +
			"instances:\n  - { id: i-1, name: " + yamlText() + ", vpc: vpc-a, private_ip: 10.0.0.10, security_groups: [sg-a] }\n" +
			"hosts:\n  - { id: me, name: " + yamlText() + ", ip: 203.0.113.10 }\n" +
			"connections:\n  - { from: me, to: i-1, port: 22, expect: connected }\n  - { from: " + yamlText() + ", to: i-1, port: 22 }\n"
		if err := os.WriteFile(name, []byte(scenario), 0o644); err != nil {
			t.Skip("this file system refuses such a name:", err)
		}
		pack := filepath.Join(dir, "pack")
		os.Mkdir(pack, 0o755)
		os.WriteFile(filepath.Join(pack, "l.md"), []byte("---\nid: "+yamlText()+"\ntitle: "+yamlText()+"\norder: 1\nsummary: "+yamlText()+
			"\nminutes: 1\nconcepts: ["+yamlText()+"]\n---\n\n# "+hostileText(r)+"\n\ntext\n"), 0o644)
		os.WriteFile(filepath.Join(home, "quiz.json"), []byte(`{"schema":1,"data":{"questions":{`+fmt.Sprintf("%q", hostileText(r))+`:{"topic":"ports"}}}}`), 0o600)
		os.WriteFile(filepath.Join(home, "progress.json"), []byte(`{"schema":2,"data":{"last":`+fmt.Sprintf("%q", hostileText(r))+`}}`), 0o600)

		for _, args := range [][]string{
			{"check", name},
			{"audit", name},
			{"explain", name, "--from", "me", "--to", "i-1", "--port", "22"},
			{"explain", name, "--from", hostileText(r), "--to", "i-1", "--port", "22"},
			{"explain", name, "--from", "me", "--to", "i-1", "--port", hostileText(r)},
			{"lessons", "validate", pack},
			{"--pack", pack, "lessons", "list"},
			{"--data-dir", home, "progress"},
			{"check", hostileText(r)},
			{hostileText(r)},
		} {
			var stdout, stderr bytes.Buffer
			run(args, &stdout, &stderr)
			for what, b := range map[string][]byte{"stdout": stdout.Bytes(), "stderr": stderr.Bytes()} {
				if k := bytes.IndexAny(b, "\x1b\x07\x9b"); k >= 0 {
					t.Fatalf("sglab %q: %s has byte %#x at %d:\n%q", args, what, b[k], k, b)
				}
			}
		}
	}
}
