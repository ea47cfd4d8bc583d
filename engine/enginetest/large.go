// Package enginetest builds the large scenario files the engine and the
// command line are measured on. The worlds are generated, never stored: a
// 13 MB file has no place in the repository, and the same size always gives
// the same bytes.
package enginetest

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Large returns a valid scenario with the given number of instances, in the
// style people write by hand: 60 groups per 100 instances with a dozen
// rules each (addresses, ranges, references to other groups by name and by
// id, descriptions), instances with one to five groups, 50 hosts and 1,000
// test connections with expectations. Large(1000) is the 1.3 MB world of
// the engine's figures, Large(10000) the 13.7 MB one.
func Large(instances int) []byte {
	rng := rand.New(rand.NewPCG(uint64(instances), 7))
	groups := instances * 6 / 10
	var b strings.Builder
	b.Grow(instances * 1400)
	fmt.Fprintf(&b, "version: 1\nname: Large world of %d instances\ndescription: Generated for the benchmarks.\n", instances)
	b.WriteString("vpcs:\n  - id: vpc-main\n    cidr: 10.0.0.0/12\n    ipv6_cidr: 2600:1f18:1234:5600::/56\n")
	ports := []string{"22", "80", "443", "3306", "5432", "8080", "8443", "1024-65535", "6379", "9000-9100"}
	words := []string{"office", "VPN", "partner", "monitoring", "backup", "CI runners", "load balancer", "admins"}
	b.WriteString("\nsecurity_groups:\n")
	for g := range groups {
		fmt.Fprintf(&b, "  - id: sg-%07x\n    name: tier-%d\n    vpc: vpc-main\n    description: Servers of tier %d, managed by team %d\n    inbound:\n", g, g, g, g%17)
		// Rule r draws from its own slice of each pool, so that no two
		// rules of a group are the same permission.
		for r := range 14 + rng.IntN(8) {
			port := ports[rng.IntN(len(ports))]
			peer := rng.IntN(groups/32+1)*32 + r
			switch rng.IntN(6) {
			case 0:
				fmt.Fprintf(&b, "      - { protocol: tcp, ports: %s, source: tier-%d, description: from tier %d }\n", port, peer%groups, peer%groups)
			case 1:
				fmt.Fprintf(&b, "      - { protocol: tcp, ports: %s, source: sg-%07x, description: tier %d by id }\n", port, peer%groups, peer%groups)
			case 2:
				fmt.Fprintf(&b, "      - { protocol: udp, ports: %s, source: \"2001:db8:%x::/48\", description: %s over IPv6 }\n", port, rng.IntN(120)*32+r, words[rng.IntN(len(words))])
			default:
				fmt.Fprintf(&b, "      - { protocol: tcp, ports: %s, source: %d.%d.%d.0/24, description: %s }\n", port, 11+rng.IntN(180), rng.IntN(256), r, words[rng.IntN(len(words))])
			}
		}
		if g%4 == 0 {
			fmt.Fprintf(&b, "    outbound:\n      - { protocol: tcp, ports: 443, destination: 0.0.0.0/0, description: HTTPS out }\n      - { protocol: all, destination: self }\n")
		}
	}
	b.WriteString("\ninstances:\n")
	for i := range instances {
		fmt.Fprintf(&b, "  - id: i-%08x\n    name: host-%d\n    vpc: vpc-main\n    private_ip: 10.%d.%d.%d\n", i, i, i>>16&15, i>>8&255, i&255)
		if i%10 < 7 {
			fmt.Fprintf(&b, "    public_ip: 54.%d.%d.%d\n", 160+i>>16, i>>8&255, i&255)
		}
		if i%10 < 3 {
			fmt.Fprintf(&b, "    ipv6: 2600:1f18:1234:56%02x::%x\n", i>>16, i&0xffff)
		}
		// Each group is attached to about two instances, none to nothing.
		b.WriteString("    security_groups: [")
		for k := range 1 + rng.IntN(5) {
			if k > 0 {
				b.WriteString(", ")
			}
			if k == 0 {
				fmt.Fprintf(&b, "tier-%d", i*groups/instances)
			} else {
				fmt.Fprintf(&b, "tier-%d", (i*groups/instances+k*7919)%groups)
			}
		}
		b.WriteString("]\n    listening: [tcp/22, tcp/443, udp/53]\n")
	}
	b.WriteString("\nhosts:\n")
	for h := range 50 {
		fmt.Fprintf(&b, "  - { id: h-%d, name: laptop %d, ip: 203.0.%d.10 }\n", h, h, h)
	}
	b.WriteString("\nconnections:\n")
	expect := []string{"connected", "refused", "timeout"}
	for c := range 1000 {
		from := fmt.Sprintf("h-%d", c%50)
		if c%2 == 1 {
			from = fmt.Sprintf("host-%d", c*instances/1000)
		}
		to := (c*instances/1000 + 1 + rng.IntN(instances-1)) % instances
		fmt.Fprintf(&b, "  - { from: %s, to: host-%d, port: %s, expect: %s }\n", from, to, []string{"22", "80", "443"}[rng.IntN(3)], expect[rng.IntN(3)])
	}
	return []byte(b.String())
}

// ManyGroups returns a valid scenario with n security groups in one VPC,
// each with a rule that references the next group, and n/4 instances with
// four groups each: by name when byName is set, else by id. It measures
// how the loader resolves references, which must take time linear in n.
func ManyGroups(n int, byName bool) []byte {
	ref := func(k int) string {
		if byName {
			return fmt.Sprintf("group-%d", k%n)
		}
		return fmt.Sprintf("sg-%07x", k%n)
	}
	var b strings.Builder
	b.Grow(n * 160)
	b.WriteString("version: 1\nname: Many groups\nvpcs:\n  - { id: vpc-main, cidr: 10.0.0.0/8 }\nsecurity_groups:\n")
	for k := range n {
		fmt.Fprintf(&b, "  - id: sg-%07x\n    name: group-%d\n    vpc: vpc-main\n    inbound: [{ protocol: tcp, ports: 443, source: %s }]\n", k, k, ref(k+1))
	}
	b.WriteString("instances:\n")
	for i := range n / 4 {
		fmt.Fprintf(&b, "  - { id: i-%07x, vpc: vpc-main, private_ip: 10.%d.%d.%d, security_groups: [%s, %s, %s, %s] }\n",
			i, i>>16&255, i>>8&255, i&255, ref(4*i), ref(4*i+1), ref(4*i+2), ref(4*i+3))
	}
	return []byte(b.String())
}

// Nested returns a scenario whose name is a list nested depth levels deep,
// [[[...]]]: small, and expensive for YAML parsers, whose time and memory
// grow with the square of the depth.
func Nested(depth int) []byte {
	return []byte("version: 1\nname: " + strings.Repeat("[", depth) + strings.Repeat("]", depth) + "\n")
}
