package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// awsAccount copies the importer's test account into a directory.
func awsAccount(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := "../../engine/awsjson/testdata/account"
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "aws-json"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "aws-json", e.Name()), data, 0o644)
	}
	return dir
}

// TestAWSStory is the story with the real binary: import, audit,
// explain, export.
func TestAWSStory(t *testing.T) {
	dir := awsAccount(t)
	_, stderr, code := sglab(t, dir, "import", "./aws-json", "-o", "account.yaml", "--host", "office=203.0.113.10")
	if code != 0 || !strings.Contains(stderr, "Wrote account.yaml from 6 files") || !strings.Contains(stderr, "warning: sg-0a0a0a0a0a0a0a0a0: inbound rule tcp 22 from prefix list") ||
		!strings.Contains(stderr, `renamed: sg-01e01e01e01e01e01: "sg-legacy" is now "group-sg-legacy"`) {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	if _, stderr, code := sglab(t, dir, "check", "account.yaml"); code != 0 {
		t.Fatalf("check of the import: exit %d\n%s", code, stderr)
	}

	out, _, code := sglab(t, dir, "audit", "account.yaml")
	if code != 1 || !strings.Contains(out, "SGA001 high administration port open to the internet") || !strings.Contains(out, "web-1 (eni-0100000000000000a)") {
		t.Errorf("audit: exit %d\n%s", code, out)
	}
	out, _, code = sglab(t, dir, "audit", "account.yaml", "--json", "--fail-on", "high")
	var rep auditReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 || rep.Summary["high"] != 2 || len(rep.Exposure) != 2 {
		t.Errorf("audit --json: exit %d, %v, %+v", code, err, rep.Summary)
	}
	for _, f := range rep.Findings {
		if f.ID == "SGA004" && (f.Prowler != "ec2_securitygroup_default_restrict_traffic" || !strings.Contains(f.CIS, "5.4")) {
			t.Errorf("SGA004 = %+v", f)
		}
	}
	if _, stderr, code := sglab(t, dir, "audit", "account.yaml", "--fail-on", "critical"); code != 2 || !strings.Contains(stderr, "--fail-on is high, medium or low") {
		t.Errorf("--fail-on critical: exit %d %s", code, stderr)
	}

	out, _, code = sglab(t, dir, "explain", "account.yaml", "--from", "app-1", "--to", "db-1", "--port", "5432")
	if code != 0 || !strings.Contains(out, "connected (allowed)") {
		t.Errorf("explain app-1 → db-1: exit %d\n%s", code, out)
	}
	for _, f := range []string{"terraform", "cli", "cloudformation"} {
		out, stderr, code := sglab(t, dir, "export", "account.yaml", "--format", f)
		if code != 0 || !strings.Contains(out, "sg-") && !strings.Contains(out, "web_sg") && !strings.Contains(out, "SgWebSg") {
			t.Errorf("export %s: exit %d %s\n%s", f, code, stderr, out)
		}
	}
	if _, stderr, code := sglab(t, dir, "export", "account.yaml", "--format", "pulumi"); code != 2 || !strings.Contains(stderr, "terraform, cli or cloudformation") {
		t.Errorf("export --format pulumi: exit %d %s", code, stderr)
	}
}

// TestAuditExitStatus: 0 below --fail-on, 1 at or above it, 2 on a bad file.
func TestAuditExitStatus(t *testing.T) {
	dir := writeScenario(t, "s.yaml", `version: 1
vpcs:
  - { id: vpc-1, cidr: 10.0.0.0/16 }
security_groups:
  - { id: sg-d, name: default, vpc: vpc-1, outbound: [] }
  - { id: sg-a, vpc: vpc-1, inbound: [{ protocol: tcp, ports: 80, source: 10.0.0.0/16 }, { protocol: tcp, ports: 80-81, source: 10.0.0.0/16 }] }
instances:
  - { id: i-1, vpc: vpc-1, private_ip: 10.0.0.10, security_groups: [sg-a] }
`)
	for _, c := range []struct {
		failOn string
		want   int
	}{{"high", 0}, {"medium", 0}, {"low", 1}} {
		if _, _, code := sglab(t, dir, "audit", "s.yaml", "--fail-on", c.failOn); code != c.want {
			t.Errorf("--fail-on %s: exit %d, want %d", c.failOn, code, c.want)
		}
	}
	os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("version: 2\n"), 0o644)
	if _, _, code := sglab(t, dir, "audit", "bad.yaml"); code != 2 {
		t.Errorf("a bad file: exit %d, want 2", code)
	}
}

func TestImportErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "broken.json"), []byte("{\"Vpcs\": [\n  {,}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "evil.json"), []byte(`{"Foo\u001b[2J": 1}`), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"import", "broken.json"}, "sglab import: broken.json:2:4: not JSON"},
		{[]string{"import", "evil.json"}, "not AWS CLI output"},
		{[]string{"import", "missing.json"}, "cannot read missing.json"},
		{[]string{"import", "broken.json", "--host", "office"}, "write NAME=IP"},
		{[]string{"import", "broken.json", "--host", "office=nowhere"}, "is not an IPv4 or IPv6 address"},
	}
	for _, c := range cases {
		_, stderr, code := sglab(t, dir, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) || strings.Contains(stderr, "\x1b") {
			t.Errorf("%v: exit %d\n%s", c.args, code, stderr)
		}
	}
}
