package engine_test

// The conformance suite of the scenario contract (SCENARIO-FORMAT.md): one
// small scenario file per case under testdata/contract/<section>/, each
// annotated with what the contract says must happen. The annotations are
// described in testdata/contract/README.md.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/sglab/sglab/engine"
)

// networkACLsImplemented turns on the cases of the contract's "Subnets and
// network ACLs" section. The engine has no subnets yet; the session that
// adds them sets this to true.
const networkACLsImplemented = true

// aclSection is the folder of the "Subnets and network ACLs" cases.
const aclSection = "subnets-and-acls"

// knownFailures lists the cases, "section/file" without ".yaml", where the
// engine disagrees with the contract today, with the issue item that fixes
// each. A listed case is skipped while it fails and fails the suite once it
// passes, so the list cannot outlive the bugs it names.
var knownFailures = map[string]string{}

const contractDir = "testdata/contract"

func TestContract(t *testing.T) {
	sections, err := os.ReadDir(contractDir)
	if err != nil {
		t.Fatal(err)
	}
	bin := &sglabBinary{dir: t.TempDir()}
	for _, s := range sections {
		if !s.IsDir() {
			continue
		}
		section := s.Name()
		files, err := filepath.Glob(filepath.Join(contractDir, section, "*.yaml"))
		if err != nil || len(files) == 0 {
			t.Fatalf("section %s has no cases (%v)", section, err)
		}
		t.Run(section, func(t *testing.T) {
			// Annotations are read even where the cases cannot run yet, so
			// that a gated section is ready the day its switch flips.
			cases := make([]*contractCase, len(files))
			for k, f := range files {
				cases[k] = readCase(t, section, f)
			}
			if section == aclSection && !networkACLsImplemented {
				t.Skip("network ACLs: not implemented yet (issue 13)")
			}
			for _, c := range cases {
				t.Run(c.base, func(t *testing.T) { c.run(t, bin) })
			}
		})
	}
	for name := range knownFailures {
		if _, err := os.Stat(filepath.Join(contractDir, name+".yaml")); err != nil {
			t.Errorf("knownFailures names %q, which is no case of %s", name, contractDir)
		}
	}
}

// contractCase is one scenario file and what the contract says about it.
type contractCase struct {
	name    string // section/base
	base    string // the file's name without .yaml
	file    string // the file's name
	path    string
	data    []byte
	lines   []string
	wants   []want
	regions [][2]string // VPC id, region
	conns   []connNote  // one per connection, in file order
	argv    []string    // the command line, FILE standing for the file
	exit    int
	output  []string // text standard output must hold
	json    []byte   // the expected --json document, if any
}

// want is one diagnostic the file must produce.
type want struct {
	line, col int
	code      string // "warning" for a warning
	text      string // a piece of the message, when given
}

func (w want) key() string { return fmt.Sprintf("%d:%d %s", w.line, w.col, w.code) }

// connNote is the annotation of one connection line.
type connNote struct {
	line        int
	text        string
	reason      string
	expectFails bool // the connection's expect is wrong on purpose (a failing check)
}

var (
	annotationRe = regexp.MustCompile(`#\s*(contract|want|want-warning|want-region|want-output|reason|run|exit)\s*:\s*([^#]*)`)
	expectRe     = regexp.MustCompile(`expect:\s*([a-z]+)`)
	wantRe       = regexp.MustCompile(`^(\d+):(\d+)(?:\s+([A-Za-z.]+))?(?:\s+"([^"]*)")?\s*$`)
	reasonRe     = regexp.MustCompile(`^([a-z-]+)(, expect fails)?\s*$`)
)

// outcomeOf is the outcome each reason implies.
var outcomeOf = map[string]string{
	"allowed": "connected", "no-listener": "refused",
	"inbound-blocked": "timeout", "outbound-blocked": "timeout", "unreachable": "timeout",
	"acl-outbound-blocked": "timeout", "acl-inbound-blocked": "timeout", "acl-reply-blocked": "timeout",
}

// readCase reads a file and its annotations; a malformed annotation stops
// the test, since a case that cannot be read checks nothing.
func readCase(t *testing.T, section, path string) *contractCase {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Base(path)
	c := &contractCase{base: strings.TrimSuffix(file, ".yaml"), file: file, path: path, data: data,
		lines: strings.Split(string(data), "\n"), exit: -1}
	c.name = section + "/" + c.base
	r := caseReader{c: c, connLines: connectionLines(c.lines)}
	for k, text := range c.lines {
		for _, m := range annotationRe.FindAllStringSubmatch(text, -1) {
			if err := r.annotation(k+1, text, m[1], strings.TrimSpace(m[2])); err != nil {
				t.Fatalf("%s:%d: %v", path, k+1, err)
			}
		}
	}
	if err := r.finish(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return c
}

// caseReader reads the annotations of one file.
type caseReader struct {
	c         *contractCase
	connLines []int
	cited     bool
}

func (r *caseReader) annotation(line int, text, key, value string) error {
	c := r.c
	switch key {
	case "contract":
		r.cited = r.cited || value != ""
	case "want", "want-warning":
		w := wantRe.FindStringSubmatch(value)
		if w == nil || (key == "want") == (w[3] == "") {
			return errors.New("write `# want: LINE:COL CODE` or `# want-warning: LINE:COL`, optionally followed by \"part of the message\"")
		}
		wl, _ := strconv.Atoi(w[1])
		wc, _ := strconv.Atoi(w[2])
		code := w[3]
		if key == "want-warning" {
			code = "warning"
		}
		// A position must point at text of the file: this catches a
		// miscounted column even in cases that cannot run yet.
		if wl < 1 || wl > len(c.lines) || wc < 1 || wc > len(c.lines[wl-1]) || c.lines[wl-1][wc-1] == ' ' {
			return fmt.Errorf("%d:%d points at no text of the file", wl, wc)
		}
		c.wants = append(c.wants, want{line: wl, col: wc, code: code, text: w[4]})
	case "want-region":
		f := strings.Fields(value)
		if len(f) != 2 {
			return errors.New("write `# want-region: VPC-ID REGION`")
		}
		c.regions = append(c.regions, [2]string{f[0], f[1]})
	case "reason":
		if !slices.Contains(r.connLines, line) {
			return errors.New("`# reason:` belongs at the end of a one-line connection")
		}
		m := reasonRe.FindStringSubmatch(value)
		if m == nil || outcomeOf[m[1]] == "" {
			return fmt.Errorf("unknown reason %q", value)
		}
		fails := m[2] != ""
		if e := expectRe.FindStringSubmatch(text); e != nil && (e[1] == outcomeOf[m[1]]) == fails {
			return fmt.Errorf("reason %s implies %s, and the connection expects %s", m[1], outcomeOf[m[1]], e[1])
		}
		c.conns = append(c.conns, connNote{line: line, text: text, reason: m[1], expectFails: fails})
	case "want-output":
		text, err := strconv.Unquote(value)
		if err != nil || text == "" {
			return errors.New("write `# want-output: \"text\"`")
		}
		c.output = append(c.output, text)
	case "run":
		c.argv = strings.Fields(value)
	case "exit":
		n, err := strconv.Atoi(value)
		if err != nil {
			return fmt.Errorf("exit: %v", err)
		}
		c.exit = n
	}
	return nil
}

func (r *caseReader) finish() error {
	c := r.c
	if !r.cited {
		return errors.New("no `# contract: \"...\"` line says which sentence of the contract the case tests")
	}
	// A valid file's connections are evaluated: each says what it must give.
	if !slices.ContainsFunc(c.wants, func(w want) bool { return w.code != "warning" }) {
		for _, line := range r.connLines {
			if !slices.ContainsFunc(c.conns, func(n connNote) bool { return n.line == line }) {
				return fmt.Errorf("line %d: a connection without `# reason: ...`", line)
			}
		}
	}
	if (c.argv != nil) != (c.exit >= 0) || (c.output != nil && c.argv == nil) {
		return errors.New("`# run:` and `# exit:` go together, and `# want-output:` needs them")
	}
	if j, err := os.ReadFile(strings.TrimSuffix(c.path, ".yaml") + ".json"); err == nil {
		if !slices.Contains(c.argv, "--json") {
			return fmt.Errorf("%s.json needs a `# run:` with --json", c.base)
		}
		if !json.Valid(j) {
			return fmt.Errorf("%s.json is not JSON", c.base)
		}
		c.json = j
	}
	return nil
}

// connectionLines returns the line numbers of the items of the top-level
// `connections:` list. The suite writes each connection on one line, so
// that its annotation sits beside it.
func connectionLines(lines []string) []int {
	var out []int
	in := false
	for k, text := range lines {
		switch {
		case strings.HasPrefix(text, "connections:"):
			in = true
		case text == "" || text[0] == ' ' || text[0] == '#':
			if in && strings.HasPrefix(strings.TrimSpace(text), "- ") {
				out = append(out, k+1)
			}
		default:
			in = false
		}
	}
	return out
}

// problems collects what a case got wrong, so that a known failure can be
// told from a case that passes.
type problems []string

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func (c *contractCase) run(t *testing.T, bin *sglabBinary) {
	issue, known := knownFailures[c.name]
	var all problems
	// check runs one part of the case: a subtest of its own, or, for a known
	// failure, a part of the one verdict on the whole file.
	check := func(name string, fn func(t *testing.T, p *problems)) {
		if known {
			fn(t, &all)
			return
		}
		t.Run(name, func(t *testing.T) {
			var p problems
			fn(t, &p)
			for _, s := range p {
				t.Error(s)
			}
		})
	}
	w, ds := engine.Parse(c.file, c.data)
	check("diagnostics", func(_ *testing.T, p *problems) { c.checkDiagnostics(p, w, ds) })
	if w != nil {
		c.checkWorld(check, w)
	}
	if c.argv != nil {
		check("command-line", func(t *testing.T, p *problems) { c.checkCommand(t, bin, p) })
	}
	if !known {
		return
	}
	if len(all) == 0 {
		t.Fatalf("%s passes now: remove it from knownFailures (%s)", c.name, issue)
	}
	t.Skipf("known failure, %s; today:\n%s", issue, strings.Join(all, "\n"))
}

func (c *contractCase) checkDiagnostics(p *problems, w *engine.World, ds engine.Diagnostics) {
	switch wantErrors := slices.ContainsFunc(c.wants, func(w want) bool { return w.code != "warning" }); {
	case wantErrors && w != nil:
		p.add("Parse returned a world from a file with errors: nothing in it may be half-applied")
	case !wantErrors && w == nil:
		p.add("Parse returned no world from a file the case says is valid")
	}
	got := make([]string, len(ds))
	for k, d := range ds {
		code := d.Code
		if code == "" {
			code = "warning"
		}
		got[k] = fmt.Sprintf("%d:%d %s", d.Pos.Line, d.Pos.Col, code)
		if d.File != c.file {
			p.add("diagnostic %s names file %q, want %q", got[k], d.File, c.file)
		}
	}
	used := make([]bool, len(ds))
	for _, wt := range c.wants {
		found := false
		for k, d := range ds {
			if !used[k] && got[k] == wt.key() && strings.Contains(d.Message, wt.text) {
				used[k], found = true, true
				break
			}
		}
		if !found {
			msg := "missing diagnostic " + wt.key()
			if wt.text != "" {
				msg += fmt.Sprintf(" with %q in its message", wt.text)
			}
			p.add("%s (line %d: %s)", msg, wt.line, strings.TrimSpace(c.lines[wt.line-1]))
		}
	}
	for k, d := range ds {
		if !used[k] {
			p.add("unexpected diagnostic %s: %s", got[k], d.Message)
		}
	}
}

// checkWorld checks what a valid file's world does: its regions and every
// connection.
func (c *contractCase) checkWorld(check func(string, func(*testing.T, *problems)), w *engine.World) {
	for _, r := range c.regions {
		check("region-"+r[0], func(_ *testing.T, p *problems) {
			for _, v := range w.VPCs {
				if v.ID != r[0] {
					continue
				}
				got := v.Region
				if got == "" {
					got = w.Region
				}
				if got != r[1] {
					p.add("VPC %s is in region %q, want %q", v.ID, got, r[1])
				}
				return
			}
			p.add("no VPC %s", r[0])
		})
	}
	if len(w.Connections) != len(c.conns) {
		check("connections", func(_ *testing.T, p *problems) {
			p.add("the world has %d connections, the file %d annotated connection lines", len(w.Connections), len(c.conns))
		})
		return
	}
	for k, conn := range w.Connections {
		note := c.conns[k]
		name := conn.From + "->" + conn.To + "_" + conn.Protocol.String()
		if conn.Protocol.String() == "tcp" || conn.Protocol.String() == "udp" {
			name += "_" + strconv.Itoa(conn.Port)
		}
		check(name, func(_ *testing.T, p *problems) {
			if !strings.Contains(note.text, conn.From) || !strings.Contains(note.text, conn.To) {
				p.add("line %d does not hold connection %d (%s -> %s)", note.line, k+1, conn.From, conn.To)
				return
			}
			r := engine.Evaluate(w, conn)
			got := r.Outcome.String() + " (" + r.Reason.String() + ")"
			want := outcomeOf[note.reason] + " (" + note.reason + ")"
			if got != want {
				p.add("line %d: %s\n\tgot  %s\n\twant %s", note.line, strings.TrimSpace(note.text), got, want)
			}
			if exp := conn.Expect.String(); exp != "" && (exp == r.Outcome.String()) == note.expectFails {
				p.add("line %d: expect: %s, outcome %s, and the case says the expectation %s", note.line, exp, r.Outcome,
					map[bool]string{true: "fails", false: "holds"}[note.expectFails])
			}
		})
	}
}

// sglabBinary is the real sglab, built on first use for the
// command-line cases.
type sglabBinary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func (b *sglabBinary) get() (string, error) {
	b.once.Do(func() {
		b.path = filepath.Join(b.dir, "sglab")
		out, err := exec.Command("go", "build", "-o", b.path, "github.com/sglab/sglab/cmd/sglab").CombinedOutput()
		if err != nil {
			b.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	return b.path, b.err
}

var diagLineRe = regexp.MustCompile(`^(\d+):(\d+): ([A-Za-z.]+): (.+)$`)

// checkCommand runs the real binary as the case's `# run:` says, in the
// file's folder so that diagnostics name the file as the case does.
func (c *contractCase) checkCommand(t *testing.T, b *sglabBinary, p *problems) {
	if testing.Short() {
		t.Skip("builds and runs the sglab binary")
	}
	bin, err := b.get()
	if err != nil {
		t.Fatal(err)
	}
	args := slices.Clone(c.argv)
	for k, a := range args {
		if a == "FILE" {
			args[k] = c.file
		}
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = filepath.Dir(c.path)
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "SGLAB_HOME="+t.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	code := 0
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	shown := fmt.Sprintf("sglab %s\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), stdout.String(), stderr.String())
	if code != c.exit {
		p.add("exit status %d, want %d\n%s", code, c.exit, shown)
	}
	// Every diagnostic of the file, on standard error, one line each, as
	// FILE:LINE:COL: CODE: message (or warning in place of the code).
	if slices.Contains(args, c.file) {
		var got []string
		for _, line := range strings.Split(stderr.String(), "\n") {
			rest, ok := strings.CutPrefix(line, c.file+":")
			if !ok {
				continue
			}
			m := diagLineRe.FindStringSubmatch(rest)
			if m == nil {
				p.add("standard error line %q is not FILE:LINE:COL: CODE: message", line)
				continue
			}
			got = append(got, m[1]+":"+m[2]+" "+m[3])
		}
		var wanted []string
		for _, w := range c.wants {
			wanted = append(wanted, w.key())
		}
		slices.Sort(got)
		slices.Sort(wanted)
		if !slices.Equal(got, wanted) {
			p.add("diagnostics on standard error: got %q, want %q\n%s", got, wanted, shown)
		}
	}
	for _, text := range c.output {
		if !strings.Contains(stdout.String(), text) {
			p.add("standard output does not say %q\n%s", text, shown)
		}
	}
	if c.json == nil {
		return
	}
	var gotDoc, wantDoc any
	dec := json.NewDecoder(&stdout)
	dec.UseNumber()
	if err := dec.Decode(&gotDoc); err != nil {
		p.add("standard output is not one JSON document: %v\n%s", err, shown)
		return
	}
	if dec.More() {
		p.add("standard output holds more than one JSON document\n%s", shown)
	}
	wdec := json.NewDecoder(bytes.NewReader(c.json))
	wdec.UseNumber()
	if err := wdec.Decode(&wantDoc); err != nil {
		t.Fatal(err)
	}
	compareJSON(p, "$", gotDoc, wantDoc)
}

// compareJSON compares a --json document with the expected one, following
// the contract: `explanation` is any non-empty text, `trace` may be there
// or not, `expected` and `ok` may be absent where the expected document
// has null, and `matched` is a set of rules (the contract gives it no order).
func compareJSON(p *problems, at string, got, want any) {
	switch wv := want.(type) {
	case map[string]any:
		gv, ok := got.(map[string]any)
		if !ok {
			p.add("%s: got %s, want an object", at, show(got))
			return
		}
		for k, v := range wv {
			g, has := gv[k]
			switch {
			case !has && v == nil && (k == "expected" || k == "ok"):
			case !has:
				p.add("%s: no %q", at, k)
			case k == "explanation":
				if s, ok := g.(string); !ok || strings.TrimSpace(s) == "" {
					p.add("%s.explanation: got %s, want a sentence", at, show(g))
				}
			case k == "matched":
				compareSet(p, at+".matched", g, v)
			default:
				compareJSON(p, at+"."+k, g, v)
			}
		}
		for k, g := range gv {
			if _, has := wv[k]; has {
				continue
			}
			if _, isList := g.([]any); k == "trace" && isList {
				continue
			}
			p.add("%s: unexpected %q: %s", at, k, show(g))
		}
	case []any:
		gv, ok := got.([]any)
		if !ok || len(gv) != len(wv) {
			p.add("%s: got %s, want %s", at, show(got), show(want))
			return
		}
		for k := range wv {
			compareJSON(p, fmt.Sprintf("%s[%d]", at, k), gv[k], wv[k])
		}
	default:
		if show(got) != show(want) {
			p.add("%s: got %s, want %s", at, show(got), show(want))
		}
	}
}

// compareSet compares two JSON arrays as multisets.
func compareSet(p *problems, at string, got, want any) {
	gv, ok1 := got.([]any)
	wv, ok2 := want.([]any)
	if !ok1 || !ok2 {
		p.add("%s: got %s, want %s", at, show(got), show(want))
		return
	}
	g, w := make([]string, len(gv)), make([]string, len(wv))
	for k := range gv {
		g[k] = show(gv[k])
	}
	for k := range wv {
		w[k] = show(wv[k])
	}
	slices.Sort(g)
	slices.Sort(w)
	if !slices.Equal(g, w) {
		p.add("%s: got %s, want (in any order) %s", at, show(got), show(want))
	}
}

func show(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
