package engine

import (
	"fmt"
	"strings"
	"testing"
)

// parseBothWays parses data whole and split into chunks, and returns what
// a user would see each way: the saved world and every diagnostic.
func parseBothWays(t testing.TB, data []byte) (whole, split string, didSplit bool) {
	t.Helper()
	see := func() string {
		w, ds := Parse("f.yaml", data)
		out := fmt.Sprint(ds)
		if w != nil {
			out += "\n" + string(Marshal(w))
		}
		return out
	}
	saved, savedProcs := splitMin, splitProcs
	defer func() { splitMin, splitProcs = saved, savedProcs }()
	splitProcs = 4
	splitMin = 1 << 62
	whole = see()
	splitMin = 0
	split = see()
	return whole, split, parseSplit(data, 4) != nil
}

// bigScenario writes a world with n instances in the styles people use:
// block mappings, flow mappings, a flow mapping over two lines, comments.
func bigScenario(n int) string {
	var b strings.Builder
	b.WriteString("version: 1\nname: big\n# a comment at the top level\nvpcs:\n  - id: vpc-a\n    cidr: 10.0.0.0/16\nsecurity_groups:\n")
	for g := range n {
		fmt.Fprintf(&b, "  - id: sg-%d\n    vpc: vpc-a\n    inbound:\n      - { protocol: tcp, ports: %d, source: 0.0.0.0/0 }\n", g, 1000+g)
		fmt.Fprintf(&b, "      - protocol: tcp\n        ports: 443\n        source: sg-%d\n", (g+1)%n)
	}
	b.WriteString("instances:\n")
	for i := range n {
		if i%2 == 0 {
			fmt.Fprintf(&b, "  - { id: i-%d, vpc: vpc-a, private_ip: 10.0.%d.%d,\n      security_groups: [sg-%d], listening: [22] }\n", i, i/200, i%200+10, i)
		} else {
			fmt.Fprintf(&b, "  - id: i-%d\n    vpc: vpc-a\n    private_ip: 10.0.%d.%d\n    security_groups:\n    - sg-%d\n", i, i/200, i%200+10, i)
		}
	}
	b.WriteString("connections:\n")
	for i := range n {
		fmt.Fprintf(&b, "- { from: i-%d, to: i-%d, port: 443 }\n", i, (i+1)%n)
	}
	return b.String()
}

func TestSplitParseGivesWhatWholeParseGives(t *testing.T) {
	big := bigScenario(60)
	tests := []struct {
		name      string
		data      string
		wantSplit bool // whether the split path itself is taken
	}{
		{"big world", big, true},
		{"syntax error late in the file", big + "  - { from: i-1, to: [\n", false},
		{"duplicate top-level key", big + "vpcs: []\n", false},
		{"anchors and aliases", strings.Replace(big, "cidr: 10.0.0.0/16", "cidr: &c 10.0.0.0/16", 1), false},
		{"two documents", big + "---\nversion: 1\n", false},
		{"unknown field late", strings.Replace(big, "port: 443 }\n- { from: i-50,", "prot: 443 }\n- { from: i-50,", 1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			whole, split, didSplit := parseBothWays(t, []byte(tt.data))
			if whole != split {
				t.Errorf("split parse differs from whole parse\nwhole:\n%.2000s\nsplit:\n%.2000s", whole, split)
			}
			if didSplit != tt.wantSplit {
				t.Errorf("split path taken: %v, want %v", didSplit, tt.wantSplit)
			}
		})
	}
}

func FuzzSplitParse(f *testing.F) {
	f.Add(bigScenario(8))
	f.Add("version: 1\nvpcs:\n- id: a\n  cidr: 10.0.0.0/16\n- id: b\n  cidr: 10.1.0.0/16\nhosts:\n  - { id: h, ip: 192.0.2.1 }\n  - { id: g, ip: 192.0.2.2 }\n")
	f.Add("a:\n  - b\n  - c\na:\n  - d\n")
	f.Add("x:\n  y:\n    - 1\n    - 2\n  z: 3\n")
	f.Fuzz(func(t *testing.T, data string) {
		whole, split, _ := parseBothWays(t, []byte(data))
		if whole != split {
			t.Errorf("split parse differs from whole parse\nwhole:\n%s\nsplit:\n%s", whole, split)
		}
	})
}
