package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// binary is the real sglab, built once for the tests that run it as a user would.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sglab-cli-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "sglab")
	if out, err := exec.Command("go", "build", "-tags", buildTags, "-o", binary, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// sglab runs the binary in dir and returns its output and exit status.
func sglab(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "SGLAB_HOME="+t.TempDir())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	if s := errb.String(); strings.Contains(s, "goroutine ") || strings.Contains(s, "panic:") {
		t.Fatalf("a Go stack trace reached the user:\n%s", s)
	}
	return out.String(), errb.String(), code
}

// writeScenario writes a scenario into a temporary directory and returns the directory.
func writeScenario(t *testing.T, name, content string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestCheckPassesEveryExample(t *testing.T) {
	files, err := filepath.Glob("../../examples/scenarios/*.yaml")
	if err != nil || len(files) < 7 {
		t.Fatalf("expected the example scenarios, found %d (%v)", len(files), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			out, errOut, code := sglab(t, ".", "check", f)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr:\n%s\nstdout:\n%s", code, errOut, out)
			}
			if !strings.Contains(out, " 0 failed, 0 unchecked") {
				t.Errorf("every connection of an example has an expectation that holds:\n%s", out)
			}
		})
	}
}

const okScenario = `version: 1
name: tiny
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16 }
security_groups:
  - id: sg-a
    vpc: vpc-a
    inbound:
      - { protocol: tcp, ports: 22, source: 203.0.113.10/32 }
instances:
  - { id: i-1, name: web-1, vpc: vpc-a, private_ip: 10.0.0.10, public_ip: 54.210.0.10, security_groups: [sg-a], listening: [22] }
hosts:
  - { id: me, ip: 203.0.113.10 }
  - { id: them, ip: 198.51.100.7 }
`

func TestCheckReportsEveryProblemWithPosition(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string // stderr lines, FILE for the path
	}{
		{
			name: "typo in a key",
			yaml: "version: 1\nvpcs:\n  - { id: v, cidr: 10.0.0.0/16 }\nsecurity_groups:\n  - id: g\n    vpc: v\n    inbound:\n      - { protocol: tcp, ports: 22, soruce: 0.0.0.0/0 }\n",
			want: []string{
				"FILE:5:9: warning: security group g is attached to no instance",
				"FILE:8:11: MissingField: Inbound rule needs `source`",
				"FILE:8:37: UnknownField: inbound rule has no field `soruce` (did you mean `source`?)",
			},
		},
		{
			name: "malformed YAML",
			yaml: "version: 1\nvpcs: [\n  - id: x\n",
			want: []string{"FILE:2:7: SyntaxError: sequence end token ']' not found"},
		},
		{
			name: "wrong version",
			yaml: "version: 2\n",
			want: []string{"FILE:1:10: InvalidParameterValue: version must be 1 (this tool reads scenario format version 1)"},
		},
		{
			name: "several problems at once",
			yaml: okScenario + "  - { id: me, ip: 10.0.0.99 }\nconnections:\n  - { from: me, to: ghost, port: 22, expect: maybe }\n",
			want: []string{
				"FILE:15:11: DuplicateId: id \"me\" is already used by a host; every id is unique across the file",
				"FILE:15:19: InvalidParameterValue: ip 10.0.0.99 is inside VPC vpc-a's range; addresses on the internet are outside every VPC",
				"FILE:17:21: InvalidInstanceID.NotFound: \"ghost\" names no instance or host in this file, and is not an IP address",
				"FILE:17:46: InvalidParameterValue: expect is connected, refused or timeout, not \"maybe\"",
			},
		},
		{
			name: "duplicate rule after canonicalization",
			yaml: strings.Replace(okScenario, "203.0.113.10/32 }", "203.0.113.10/32 }\n      - { protocol: 6, ports: \"22-22\", source: 203.0.113.10 }", 1),
			want: []string{"FILE:10:11: InvalidPermission.Duplicate: the specified rule \"tcp 22 203.0.113.10/32\" already exists in sg-a inbound rules"},
		},
		{
			name: "instance with a group of another VPC",
			yaml: strings.NewReplacer(
				"vpcs:\n", "vpcs:\n  - { id: vpc-b, cidr: 10.1.0.0/16 }\n",
				"security_groups:\n", "security_groups:\n  - { id: sg-b, vpc: vpc-b }\n",
				"[sg-a]", "[sg-a, sg-b]").Replace(okScenario),
			want: []string{"FILE:13:105: InvalidParameter: security group sg-b is in vpc-b and instance i-1 in vpc-a: groups belong to one VPC"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeScenario(t, "s.yaml", tt.yaml)
			_, errOut, code := sglab(t, dir, "check", "s.yaml")
			want := strings.ReplaceAll(strings.Join(tt.want, "\n"), "FILE", "s.yaml") + "\n"
			if errOut != want {
				t.Errorf("stderr:\n%s\nwant:\n%s", errOut, want)
			}
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
		})
	}
}

func TestCheckExitStatus(t *testing.T) {
	failing := okScenario + "connections:\n  - { from: them, to: web-1, port: 22, expect: connected }\n  - { from: me, to: web-1, port: 22 }\n"
	dir := writeScenario(t, "s.yaml", failing)
	out, _, code := sglab(t, dir, "check", "s.yaml")
	if code != 1 {
		t.Errorf("a failed expectation exits 1, got %d", code)
	}
	for _, want := range []string{
		"✗ them → web-1 tcp/22: expected connected, got timeout. No inbound rule of sg-a allows tcp/22 from 198.51.100.7.",
		"2 connections: 0 passed, 1 failed, 1 unchecked",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	for _, args := range [][]string{
		{"check"},                                              // no file
		{"check", "missing.yaml"},                              // unreadable
		{"check", "--bogus", "s.yaml"},                         // unknown flag
		{"explain", "s.yaml", "--from", "me"},                  // no --to
		{"explain", "s.yaml", "--from", "me", "--to", "web-1"}, // tcp without --port
		{"explain", "s.yaml", "--from", "me", "--to", "nobody", "--port", "22"}, // names nothing
		{"explain", "s.yaml", "--from", "me", "--to", "web-1", "--protocol", "gre", "--port", "1"},
		{"nonsense"},
	} {
		_, errOut, code := sglab(t, dir, args...)
		if code != 2 || errOut == "" {
			t.Errorf("sglab %s: exit %d with stderr %q, want 2 and a message", strings.Join(args, " "), code, errOut)
		}
	}
}

func TestCheckJSON(t *testing.T) {
	s := okScenario + "connections:\n" +
		"  - { from: me, to: web-1, port: 22, expect: connected }\n" +
		"  - { from: them, to: web-1, protocol: icmp }\n"
	dir := writeScenario(t, "s.yaml", s)
	out, _, code := sglab(t, dir, "check", "--json", "s.yaml")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var rep struct {
		Scenario string
		Results  []map[string]any
		Summary  map[string]int
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, out)
	}
	if rep.Scenario != "tiny" || len(rep.Results) != 2 {
		t.Fatalf("unexpected report: %+v", rep)
	}
	ssh, ping := rep.Results[0], rep.Results[1]
	matched, _ := json.Marshal(ssh["matched"])
	if ssh["outcome"] != "connected" || ssh["reason"] != "allowed" || ssh["ok"] != true || ssh["port"] != float64(22) ||
		string(matched) != `[{"direction":"inbound","group":"sg-a","rule":0}]` {
		t.Errorf("ssh result: %v", ssh)
	}
	if ping["port"] != nil || ping["expected"] != nil || ping["ok"] != nil || ping["outcome"] != "timeout" || ping["reason"] != "inbound-blocked" {
		t.Errorf("icmp result has a port or an expectation: %v", ping)
	}
	if got := rep.Summary; got["total"] != 2 || got["passed"] != 1 || got["failed"] != 0 || got["unchecked"] != 1 {
		t.Errorf("summary %v", got)
	}
}

func TestExplainShowsEveryStep(t *testing.T) {
	dir := writeScenario(t, "s.yaml", okScenario)
	out, _, code := sglab(t, dir, "explain", "s.yaml", "--from", "them", "--to", "web-1", "--port", "22")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{
		"them → web-1 on tcp/22: timeout (inbound-blocked)",
		"The packet goes over the internet from 198.51.100.7 to 54.210.0.10",
		"sg-a inbound rule 1 (tcp 22 203.0.113.10/32) does not match tcp/22 from 198.51.100.7",
		"[ENI_SG_RULES_MISMATCH]",
		"No inbound rule of sg-a allows tcp/22 from 198.51.100.7.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("explain lacks %q:\n%s", want, out)
		}
	}

	out, _, code = sglab(t, dir, "explain", "s.yaml", "--from", "me", "--to", "54.210.0.10", "--port", "22", "--json")
	var rep struct {
		Results []struct {
			Outcome string
			Trace   []map[string]any
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 {
		t.Fatalf("exit %d, %v:\n%s", code, err, out)
	}
	if len(rep.Results) != 1 || rep.Results[0].Outcome != "connected" || len(rep.Results[0].Trace) < 3 {
		t.Errorf("explain --json: %+v", rep)
	}
}

// The lab shows a few of a file's warnings before it opens and says how
// many more `sglab check` lists; check shows them all.
func TestLabShowsAFewWarnings(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\nvpcs: [{id: vpc-main, cidr: 10.0.0.0/16}]\nsecurity_groups:\n")
	for k := range 25 {
		fmt.Fprintf(&b, "  - {id: sg-%d, name: open-%d, vpc: vpc-main, inbound: [{protocol: tcp, ports: 22, source: 0.0.0.0/0}]}\n", k, k)
	}
	dir := writeScenario(t, "open.yaml", b.String())
	_, stderr, _ := sglab(t, dir, "lab", "open.yaml")
	if n := strings.Count(stderr, "warning:"); n != labWarnings {
		t.Errorf("the lab printed %d warnings, want %d:\n%s", n, labWarnings, stderr)
	}
	if !strings.Contains(stderr, "sglab: and ") || !strings.Contains(stderr, "more warnings; sglab check open.yaml lists them all") {
		t.Errorf("the lab does not say how many more:\n%s", stderr)
	}
	_, stderr, _ = sglab(t, dir, "check", "open.yaml")
	if n := strings.Count(stderr, "warning:"); n <= labWarnings {
		t.Errorf("check printed %d warnings:\n%s", n, stderr)
	}
}
