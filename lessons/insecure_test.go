package lessons

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sglab/sglab/engine"
)

// insecure is a solution that makes a built-in challenge's connections
// work while opening more than the challenge asks for. Swapped into the
// challenge in place of its reference solution, it must be rejected with
// SolutionDoesNotMeetGoal.
type insecure struct {
	challenge string // lesson id / challenge id
	name      string
	// steps replaces the whole solution; edits, when steps is empty,
	// change the reference solution's text (pairs of old, new).
	steps string
	edits []string
}

// heldOut are insecure solutions written apart from the course, at least
// two for every built-in challenge: each CIDR widened (/24, /16, /8, /0),
// all traffic, every port, a range of ports, a second port opened, the
// VPC's range instead of a group, a rule left in place.
var heldOut = []insecure{
	{challenge: "a-firewall-around-your-instance/open-the-website", name: "all traffic", steps: `
  - add-rule: { group: web-sg, protocol: all, source: 0.0.0.0/0 }`},
	{challenge: "a-firewall-around-your-instance/open-the-website", name: "every tcp port", steps: `
  - add-rule: { group: web-sg, protocol: tcp, ports: 0-65535, source: 0.0.0.0/0 }`},
	{challenge: "a-firewall-around-your-instance/open-the-website", name: "a range around 80", steps: `
  - add-rule: { group: web-sg, protocol: tcp, ports: 80-90, source: 0.0.0.0/0 }`},

	{challenge: "inbound-and-outbound/fetch-updates", name: "all traffic out", steps: `
  - add-rule: { group: app-sg, direction: outbound, protocol: all, destination: 0.0.0.0/0 }`},
	{challenge: "inbound-and-outbound/fetch-updates", name: "every tcp port out", steps: `
  - add-rule: { group: app-sg, direction: outbound, protocol: tcp, ports: all, destination: 0.0.0.0/0 }`},
	{challenge: "inbound-and-outbound/fetch-updates", name: "https out and ssh in", steps: `
  - add-rule: { group: app-sg, direction: outbound, protocol: tcp, ports: 443, destination: 0.0.0.0/0 }
  - add-rule: { group: app-sg, protocol: tcp, ports: 22, source: 203.0.113.0/24 }`},

	{challenge: "anatomy-of-a-rule/welcome-ipv6", name: "all traffic over IPv6", steps: `
  - add-rule: { group: web-sg, protocol: all, source: "::/0" }`},
	{challenge: "anatomy-of-a-rule/welcome-ipv6", name: "every tcp port over IPv6", steps: `
  - add-rule: { group: web-sg, protocol: tcp, ports: all, source: "::/0" }`},
	{challenge: "anatomy-of-a-rule/welcome-ipv6", name: "ssh over IPv6 too", steps: `
  - add-rule: { group: web-sg, protocol: tcp, ports: 443, source: "::/0" }
  - add-rule: { group: web-sg, protocol: tcp, ports: 22, source: "::/0" }`},

	{challenge: "ssh-from-your-computer-only/ssh-for-you-alone", name: "a /24", steps: `
  - add-rule: { group: web-sg, protocol: tcp, ports: 22, source: 203.0.113.0/24 }`},
	{challenge: "ssh-from-your-computer-only/ssh-for-you-alone", name: "a /29", steps: `
  - add-rule: { group: web-sg, protocol: tcp, ports: 22, source: 203.0.113.8/29 }`},
	{challenge: "ssh-from-your-computer-only/ssh-for-you-alone", name: "a /16", steps: `
  - add-rule: { group: web-sg, protocol: tcp, ports: 22, source: 203.0.0.0/16 }`},
	{challenge: "ssh-from-your-computer-only/ssh-for-you-alone", name: "a /8", steps: `
  - add-rule: { group: web-sg, protocol: tcp, ports: 22, source: 203.0.0.0/8 }`},
	{challenge: "ssh-from-your-computer-only/ssh-for-you-alone", name: "the world", steps: `
  - add-rule: { group: web-sg, protocol: tcp, ports: 22, source: 0.0.0.0/0 }`},
	{challenge: "ssh-from-your-computer-only/ssh-for-you-alone", name: "all traffic from you", steps: `
  - add-rule: { group: web-sg, protocol: all, source: 203.0.113.10/32 }`},
	{challenge: "ssh-from-your-computer-only/ssh-for-you-alone", name: "every port from you", steps: `
  - add-rule: { group: web-sg, protocol: tcp, ports: 1-65535, source: 203.0.113.10 }`},

	{challenge: "many-to-many/reuse-admin-ssh", name: "ssh to the world in web-sg", steps: `
  - add-rule: { group: web-sg, protocol: tcp, ports: 22, source: 0.0.0.0/0 }`},
	{challenge: "many-to-many/reuse-admin-ssh", name: "admin-ssh widened to a /24", edits: []string{
		"  - attach-group: { group: admin-ssh, instance: web-1 }",
		"  - add-rule: { group: admin-ssh, protocol: tcp, ports: 22, source: 203.0.113.0/24 }\n  - attach-group: { group: admin-ssh, instance: web-1 }"}},
	{challenge: "many-to-many/reuse-admin-ssh", name: "all traffic from you as well", edits: []string{
		"  - attach-group: { group: admin-ssh, instance: web-1 }",
		"  - add-rule: { group: admin-ssh, protocol: all, source: 203.0.113.10/32 }\n  - attach-group: { group: admin-ssh, instance: web-1 }"}},

	{challenge: "one-vpc-one-region/ssh-in-ireland", name: "a /24", edits: []string{"source: 203.0.113.10/32", "source: 203.0.113.0/24"}},
	{challenge: "one-vpc-one-region/ssh-in-ireland", name: "the world", edits: []string{"source: 203.0.113.10/32", "source: 0.0.0.0/0"}},
	{challenge: "one-vpc-one-region/ssh-in-ireland", name: "all traffic from you", edits: []string{"protocol: tcp, ports: 22,", "protocol: all,"}},

	{challenge: "timeout-versus-refused/two-symptoms", name: "all traffic", edits: []string{"protocol: tcp, ports: 80,", "protocol: all,"}},
	{challenge: "timeout-versus-refused/two-symptoms", name: "every tcp port", edits: []string{"ports: 80,", "ports: all,"}},

	{challenge: "keep-ssh-in-its-own-group/move-ssh-out", name: "a /24 in admin-ssh", edits: []string{"source: 203.0.113.10/32, description", "source: 203.0.113.0/24, description"}},
	{challenge: "keep-ssh-in-its-own-group/move-ssh-out", name: "all traffic in admin-ssh", edits: []string{"protocol: tcp, ports: 22, source: 203.0.113.10/32, description", "protocol: all, source: 203.0.113.10/32, description"}},
	{challenge: "keep-ssh-in-its-own-group/move-ssh-out", name: "ssh left in web-sg", edits: []string{"  - remove-rule: { group: web-sg, protocol: tcp, ports: 22, source: 203.0.113.10/32 }", ""}},

	{challenge: "referencing-security-groups/three-tiers", name: "the VPC's range", steps: `
  - add-rule: { group: app-sg, protocol: tcp, ports: 8080, source: 10.0.0.0/16 }`},
	{challenge: "referencing-security-groups/three-tiers", name: "all traffic from web-sg", edits: []string{"protocol: tcp, ports: 8080, source: web-sg", "protocol: all, source: web-sg"}},
	{challenge: "referencing-security-groups/three-tiers", name: "the web subnet instead of web-sg", edits: []string{"source: web-sg", "source: 10.0.1.0/24"}},

	{challenge: "the-ports-to-know/windows-file-server", name: "RDP from a /24", edits: []string{"ports: 3389, source: 203.0.113.10/32", "ports: 3389, source: 203.0.113.0/24"}},
	{challenge: "the-ports-to-know/windows-file-server", name: "SFTP from the partner's /24", edits: []string{"source: 192.0.2.44/32", "source: 192.0.2.0/24"}},
	{challenge: "the-ports-to-know/windows-file-server", name: "all traffic for HTTPS", edits: []string{"protocol: tcp, ports: 443,", "protocol: all,"}},
	{challenge: "the-ports-to-know/windows-file-server", name: "FTP left open", edits: []string{"  - remove-rule: { group: files-sg, protocol: tcp, ports: 21, source: 0.0.0.0/0 }", ""}},

	{challenge: "stateful/no-reply-rules", name: "a narrower reply range", steps: `
  - remove-rule: { group: web-sg, protocol: tcp, ports: 1024-65535, source: 0.0.0.0/0 }
  - add-rule: { group: web-sg, protocol: tcp, ports: 9000-65535, source: 0.0.0.0/0 }`},
	{challenge: "stateful/no-reply-rules", name: "an outbound rule for replies", steps: `
  - remove-rule: { group: web-sg, protocol: tcp, ports: 1024-65535, source: 0.0.0.0/0 }
  - add-rule: { group: web-sg, direction: outbound, protocol: tcp, ports: 1024-65535, destination: 0.0.0.0/0 }`},

	{challenge: "references-match-private-addresses/public-path", name: "a /24", edits: []string{"source: 54.210.0.10/32", "source: 54.210.0.0/24"}},
	{challenge: "references-match-private-addresses/public-path", name: "the world", edits: []string{"source: 54.210.0.10/32", "source: 0.0.0.0/0"}},
	{challenge: "references-match-private-addresses/public-path", name: "all traffic from web-1", edits: []string{"protocol: tcp, ports: 443, source: 54.210.0.10/32", "protocol: all, source: 54.210.0.10/32"}},

	{challenge: "behind-a-load-balancer/close-the-side-door", name: "the VPC's range", edits: []string{"source: lb-sg", "source: 10.0.0.0/16"}},
	{challenge: "behind-a-load-balancer/close-the-side-door", name: "all traffic from lb-sg", edits: []string{"protocol: tcp, ports: 80, source: lb-sg", "protocol: all, source: lb-sg"}},
	{challenge: "behind-a-load-balancer/close-the-side-door", name: "the world left open", edits: []string{"  - remove-rule: { group: web-sg, protocol: tcp, ports: 80, source: 0.0.0.0/0 }", ""}},

	{challenge: "who-is-responsible-for-what/fix-the-finding", name: "SSH from a /24", edits: []string{"ports: 22, source: 203.0.113.10/32", "ports: 22, source: 203.0.113.0/24"}},
	{challenge: "who-is-responsible-for-what/fix-the-finding", name: "RDP from a /16", edits: []string{"ports: 3389, source: 203.0.113.10/32", "ports: 3389, source: 203.0.0.0/16"}},
	{challenge: "who-is-responsible-for-what/fix-the-finding", name: "RDP left open to the world", edits: []string{"  - remove-rule: { group: launch-wizard-2, protocol: tcp, ports: 3389, source: 0.0.0.0/0 }", ""}},

	{challenge: "security-groups-and-network-acls/block-one-address", name: "the deny after the allow", steps: `
  - add-entry: { acl: default, direction: inbound, rule: 200, action: deny, protocol: all, cidr: 198.51.100.66/32 }`},
	{challenge: "security-groups-and-network-acls/block-one-address", name: "HTTPS denied, HTTP forgotten", steps: `
  - add-entry: { acl: default, direction: inbound, rule: 90, action: deny, protocol: tcp, ports: 443, cidr: 198.51.100.66/32 }`},
	{challenge: "security-groups-and-network-acls/block-one-address", name: "the deny outbound", steps: `
  - add-entry: { acl: default, direction: outbound, rule: 90, action: deny, protocol: tcp, ports: 80, cidr: 198.51.100.66/32 }`},

	{challenge: "security-groups-and-network-acls/return-rule", name: "all traffic out", edits: []string{"protocol: tcp, ports: 1024-65535,", "protocol: all,"}},
	{challenge: "security-groups-and-network-acls/return-rule", name: "every tcp port out", edits: []string{"ports: 1024-65535,", "ports: 0-65535,"}},
	{challenge: "security-groups-and-network-acls/return-rule", name: "all traffic in as well", steps: `
  - add-entry: { acl: acl-web, direction: outbound, rule: 110, action: allow, protocol: tcp, ports: 1024-65535, cidr: 0.0.0.0/0 }
  - add-entry: { acl: acl-web, direction: inbound, rule: 90, action: allow, protocol: all, cidr: 0.0.0.0/0 }`},
	{challenge: "security-groups-and-network-acls/return-rule", name: "the copied rule widened to all traffic", steps: `
  - replace-entry: { acl: acl-web, direction: outbound, rule: 100, action: allow, protocol: all, cidr: 0.0.0.0/0 }`},

	{challenge: "security-groups-and-network-acls/deny-first", name: "the allow widened to everyone, the deny first", steps: `
  - remove-entry: { acl: acl-web, direction: inbound, rule: 200 }
  - add-entry: { acl: acl-web, direction: inbound, rule: 90, action: deny, protocol: all, cidr: 203.0.113.99/32 }
  - replace-entry: { acl: acl-web, direction: inbound, rule: 100, action: allow, protocol: tcp, ports: 22, cidr: 0.0.0.0/0 }`},
	{challenge: "security-groups-and-network-acls/deny-first", name: "SSH denied, HTTPS forgotten", steps: `
  - remove-entry: { acl: acl-web, direction: inbound, rule: 200 }
  - add-entry: { acl: acl-web, direction: inbound, rule: 90, action: deny, protocol: tcp, ports: 22, cidr: 203.0.113.99/32 }`},
	{challenge: "security-groups-and-network-acls/deny-first", name: "the deny renumbered, still after the allow", steps: `
  - remove-entry: { acl: acl-web, direction: inbound, rule: 200 }
  - add-entry: { acl: acl-web, direction: inbound, rule: 150, action: deny, protocol: all, cidr: 203.0.113.99/32 }`},
	{challenge: "security-groups-and-network-acls/deny-first", name: "all traffic allowed ahead of the deny's new place", steps: `
  - remove-entry: { acl: acl-web, direction: inbound, rule: 200 }
  - add-entry: { acl: acl-web, direction: inbound, rule: 90, action: deny, protocol: all, cidr: 203.0.113.99/32 }
  - add-entry: { acl: acl-web, direction: inbound, rule: 95, action: allow, protocol: all, cidr: 203.0.113.0/24 }`},

	{challenge: "capstone-three-tiers/three-tiers-from-scratch", name: "the database open to the VPC", edits: []string{"ports: 5432, source: app-sg", "ports: 5432, source: 10.0.0.0/16"}},
	{challenge: "capstone-three-tiers/three-tiers-from-scratch", name: "all traffic from the app tier", edits: []string{"protocol: tcp, ports: 5432, source: app-sg", "protocol: all, source: app-sg"}},
	{challenge: "capstone-three-tiers/three-tiers-from-scratch", name: "the database open to the world", edits: []string{"ports: 5432, source: app-sg", "ports: 5432, source: 0.0.0.0/0"}},
	{challenge: "capstone-three-tiers/three-tiers-from-scratch", name: "admin-ssh on the database", edits: []string{"  - attach-group: { group: db-sg, instance: db-1 }", "  - attach-group: { group: db-sg, instance: db-1 }\n  - attach-group: { group: admin-ssh, instance: db-1 }"}},
	{challenge: "capstone-three-tiers/three-tiers-from-scratch", name: "the default group left on web-1 and db-1", edits: []string{
		"  - detach-group: { group: default, instance: db-1 }", "", "  - detach-group: { group: default, instance: web-1 }", ""}},
	{challenge: "capstone-three-tiers/three-tiers-from-scratch", name: "SSH from a /24", edits: []string{"ports: 22, source: 203.0.113.10/32", "ports: 22, source: 203.0.113.0/24"}},
	{challenge: "capstone-three-tiers/three-tiers-from-scratch", name: "the web tier open to the world", edits: []string{"ports: 80, source: lb-sg", "ports: 80, source: 0.0.0.0/0"}},
	{challenge: "capstone-three-tiers/three-tiers-from-scratch", name: "all traffic on the load balancer", edits: []string{"protocol: tcp, ports: 443, source: 0.0.0.0/0", "protocol: all, source: 0.0.0.0/0"}},
}

// TestInsecureSolutionsAreRejected swaps each held-out insecure solution
// into its built-in challenge and validates the lesson: the solution must
// apply (it is a real attempt, not a broken one), make every connection
// the challenge wants connected connect (it "works"), and still be
// rejected with SolutionDoesNotMeetGoal at the challenge.
func TestInsecureSolutionsAreRejected(t *testing.T) {
	files, err := fs.Glob(courseFS, "course/*.md")
	if err != nil {
		t.Fatal(err)
	}
	course := map[string]string{} // lesson id -> file text
	for _, f := range files {
		data, err := fs.ReadFile(courseFS, f)
		if err != nil {
			t.Fatal(err)
		}
		id := strings.TrimSpace(strings.SplitN(strings.SplitN(string(data), "\nid: ", 2)[1], "\n", 2)[0])
		course[id] = string(data)
	}
	covered := map[string]int{}
	for _, h := range heldOut {
		lessonID, challengeID, _ := strings.Cut(h.challenge, "/")
		covered[h.challenge]++
		t.Run(h.challenge+"/"+h.name, func(t *testing.T) {
			text, ok := course[lessonID]
			if !ok {
				t.Fatalf("no lesson %s", lessonID)
			}
			swapped, err := swapSolution(text, challengeID, h)
			if err != nil {
				t.Fatal(err)
			}
			p, ds := LoadFS(fstest.MapFS{"lesson.md": {Data: []byte(swapped)}}, "course")
			if ds.HasErrors() {
				t.Fatalf("the lesson with the insecure solution does not load:\n%s", ds)
			}
			c := p.Lessons[0].Challenge(challengeID)
			w, err := c.SolvedWorld()
			if err != nil {
				t.Fatalf("the insecure solution does not apply: %v", err)
			}
			for _, st := range c.Check(w).Goals {
				if g := st.Goal.Conn; g != nil && g.Expect == engine.Connected && !st.Met {
					t.Errorf("the insecure solution should work, but %q fails: %s", st.Goal.Label, st.Why)
				}
			}
			var rejected bool
			for _, d := range Validate(p) {
				switch d.Code {
				case CodeSolutionFails:
					rejected = true
				case CodeOverBroad:
				default:
					t.Errorf("unexpected problem: %s", d)
				}
			}
			if !rejected {
				t.Errorf("the insecure solution is accepted: no %s", CodeSolutionFails)
			}
		})
	}
	p, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range p.Lessons {
		for _, c := range l.Challenges {
			if n := covered[l.ID+"/"+c.ID]; n < 2 {
				t.Errorf("challenge %s/%s has %d held-out insecure solutions, want at least 2", l.ID, c.ID, n)
			}
		}
	}
}

// swapSolution returns the lesson text with the solution of the challenge
// whose id is challengeID replaced as h says.
func swapSolution(text, challengeID string, h insecure) (string, error) {
	at := strings.Index(text, "```challenge\nid: "+challengeID+"\n")
	if at < 0 {
		return "", fmt.Errorf("no challenge %s", challengeID)
	}
	sol := at + strings.Index(text[at:], "\nsolution:\n") + len("\nsolution:\n")
	end := sol + strings.Index(text[sol:], "\n```")
	steps := h.steps
	if steps == "" {
		steps = text[sol:end]
		for k := 0; k+1 < len(h.edits); k += 2 {
			if !strings.Contains(steps, h.edits[k]) {
				return "", fmt.Errorf("the reference solution has no %q", h.edits[k])
			}
			steps = strings.Replace(steps, h.edits[k], h.edits[k+1], 1)
		}
		steps = strings.ReplaceAll(steps, "\n\n", "\n")
	}
	return text[:sol] + strings.Trim(steps, "\n") + text[end:], nil
}
