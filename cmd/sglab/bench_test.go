package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// largeScenario is a world of the size the check command is measured on:
// 1,000 instances with 5 groups each, 1,000 groups of 11 rules, 50 hosts and
// 1,000 connections.
func largeScenario() string {
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString("version: 1\nname: large\nvpcs:\n  - { id: vpc-a, cidr: 10.0.0.0/16 }\nsecurity_groups:\n")
	ports := []int{21, 22, 80, 443, 3389, 8080, 5432}
	for g := range 1000 {
		fmt.Fprintf(&b, "  - id: sg-%d\n    vpc: vpc-a\n    inbound:\n", g)
		for r := range 10 {
			fmt.Fprintf(&b, "      - { protocol: tcp, ports: %d, source: %d.%d.0.0/16 }\n", ports[rng.IntN(len(ports))]+r*1000, 1+rng.IntN(200), rng.IntN(256))
		}
		fmt.Fprintf(&b, "      - { protocol: tcp, ports: 443, source: sg-%d }\n", (g+1)%1000)
	}
	b.WriteString("instances:\n")
	for i := range 1000 {
		fmt.Fprintf(&b, "  - id: i-%d\n    name: web-%d\n    vpc: vpc-a\n    private_ip: 10.0.%d.%d\n    public_ip: 54.%d.0.%d\n",
			i, i, i/250, i%250+1, 210+i/250, i%250+1)
		fmt.Fprintf(&b, "    security_groups: [sg-%d, sg-%d, sg-%d, sg-%d, sg-%d]\n    listening: [tcp/22, tcp/443]\n", i, (i+1)%1000, (i+2)%1000, (i+3)%1000, (i+4)%1000)
	}
	b.WriteString("hosts:\n")
	for h := range 50 {
		fmt.Fprintf(&b, "  - { id: h-%d, ip: 203.0.%d.10 }\n", h, h)
	}
	b.WriteString("connections:\n")
	for c := range 1000 {
		from := fmt.Sprintf("h-%d", c%50)
		if c%2 == 1 {
			from = fmt.Sprintf("web-%d", rng.IntN(1000))
		}
		fmt.Fprintf(&b, "  - { from: %s, to: web-%d, port: %d }\n", from, rng.IntN(1000), []int{22, 80, 443}[rng.IntN(3)])
	}
	return b.String()
}

// BenchmarkCheckLarge runs the real binary on the large world: one op is
// one `sglab check`, start-up included (target: at most 300 ms).
func BenchmarkCheckLarge(b *testing.B) {
	path := filepath.Join(b.TempDir(), "large.yaml")
	if err := os.WriteFile(path, []byte(largeScenario()), 0o644); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		out, err := exec.Command(binary, "check", path).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "1000 connections") {
			b.Fatalf("%v:\n%.500s", err, out)
		}
	}
}
