package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// aclScenario forgot the entry for the replies to ports 49152 and up: a
// host's connection times out although web-1 answered.
const aclScenario = `version: 1
name: acl
vpcs:
  - { id: vpc-main, cidr: 10.0.0.0/16 }
subnets:
  - { id: subnet-web, vpc: vpc-main, cidr: 10.0.1.0/24, network_acl: acl-web }
network_acls:
  - id: acl-web
    vpc: vpc-main
    inbound:
      - { rule: 90, action: deny, protocol: all, cidr: 198.51.100.7/32 }
      - { rule: 100, action: allow, protocol: tcp, ports: 443, cidr: 0.0.0.0/0 }
    outbound:
      - { rule: 100, action: allow, protocol: tcp, ports: 32768-49151, cidr: 0.0.0.0/0 }
security_groups:
  - { id: sg-web, vpc: vpc-main, inbound: [{ protocol: tcp, ports: 443, source: 0.0.0.0/0 }] }
instances:
  - { id: i-web1, name: web-1, vpc: vpc-main, private_ip: 10.0.1.10, public_ip: 54.210.0.10, security_groups: [sg-web], listening: [tcp/443] }
hosts:
  - { id: laptop, ip: 203.0.113.10 }
  - { id: neighbour, ip: 198.51.100.7 }
`

func TestExplainSourcePort(t *testing.T) {
	dir := writeScenario(t, "acl.yaml", aclScenario)
	out, _, code := sglab(t, dir, "explain", "acl.yaml", "--from", "laptop", "--to", "web-1", "--port", "443")
	if code != 0 || !strings.Contains(out, "timeout (acl-reply-blocked)") || !strings.Contains(out, "port 49152") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	out, _, code = sglab(t, dir, "explain", "acl.yaml", "--from", "laptop", "--to", "web-1", "--port", "443", "--source-port", "40000")
	if code != 0 || !strings.Contains(out, "connected (allowed)") || !strings.Contains(out, "rule 100 allows tcp/40000") {
		t.Fatalf("with --source-port 40000, exit %d:\n%s", code, out)
	}
	if _, errOut, code := sglab(t, dir, "explain", "acl.yaml", "--from", "laptop", "--to", "web-1", "--port", "443", "--source-port", "0"); code != 2 || !strings.Contains(errOut, "source-port") {
		t.Fatalf("--source-port 0: exit %d, %s", code, errOut)
	}
}

// TestExplainJSONNamesTheACLDecision: the trace's closing step of each
// ACL hop carries the ACL, the entry that decided (null for the * rule)
// and the packet's ports.
func TestExplainJSONNamesTheACLDecision(t *testing.T) {
	dir := writeScenario(t, "acl.yaml", aclScenario)
	for _, tc := range []struct {
		from, reason string
		rule         any
		reply        bool
	}{
		{"neighbour", "acl-inbound-blocked", float64(90), false},
		{"laptop", "acl-reply-blocked", nil, true},
	} {
		out, _, code := sglab(t, dir, "explain", "acl.yaml", "--from", tc.from, "--to", "web-1", "--port", "443", "--json")
		var doc struct {
			Results []struct {
				Reason string `json:"reason"`
				Trace  []struct {
					Phase string         `json:"phase"`
					Code  string         `json:"code"`
					ACL   map[string]any `json:"acl"`
				} `json:"trace"`
			} `json:"results"`
		}
		if code != 0 || json.Unmarshal([]byte(out), &doc) != nil || len(doc.Results) != 1 {
			t.Fatalf("exit %d:\n%s", code, out)
		}
		r := doc.Results[0]
		var last map[string]any
		var lastCode string
		for _, s := range r.Trace {
			if s.ACL != nil {
				last, lastCode = s.ACL, s.Code
			}
		}
		if r.Reason != tc.reason || last == nil || last["id"] != "acl-web" || last["rule"] != tc.rule ||
			last["allowed"] != false || last["reply"] != tc.reply || lastCode != "SUBNET_ACL_RESTRICTION" {
			t.Errorf("%s: reason %s, last ACL step %v (%s)\n%s", tc.from, r.Reason, last, lastCode, out)
		}
		if tc.reply && (last["dst_port"] != float64(49152) || last["src_port"] != float64(443) || last["dst"] != "203.0.113.10") {
			t.Errorf("the reply's packet: %v", last)
		}
	}
}
