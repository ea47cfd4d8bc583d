package engine_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/sglab/sglab/engine"
)

// diagnose parses src and returns every diagnostic as "LINE:COL CODE",
// with "warning" for warnings, in the order Parse reports them.
func diagnose(t *testing.T, src string) []string {
	t.Helper()
	w, ds := engine.Parse("case.yaml", []byte(src))
	if ds.HasErrors() != (w == nil) {
		t.Errorf("Parse returned world %v with errors %v: the world must be nil exactly when there are errors", w != nil, ds.HasErrors())
	}
	out := make([]string, len(ds))
	for k, d := range ds {
		code := d.Code
		if d.IsWarning() {
			code = "warning"
		}
		out[k] = itoa(d.Pos.Line) + ":" + itoa(d.Pos.Col) + " " + code
		if d.File != "case.yaml" {
			t.Errorf("diagnostic %v names file %q, want case.yaml", d, d.File)
		}
	}
	return out
}

// validationCase is a small file and every diagnostic it must produce:
// exactly these, at exactly these positions, in this order.
type validationCase struct {
	name string
	src  string
	want []string
}

func runValidationCases(t *testing.T, cases []validationCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			if got := diagnose(t, tt.src); !slices.Equal(got, tt.want) {
				t.Errorf("diagnostics of\n%s\n got %q\nwant %q", numbered(tt.src), got, tt.want)
			}
		})
	}
}

// numbered prefixes each line with its number, to read positions off a failure.
func numbered(src string) string {
	lines := strings.Split(strings.TrimSuffix(src, "\n"), "\n")
	for k := range lines {
		lines[k] = itoa(k+1) + "| " + lines[k]
	}
	return strings.Join(lines, "\n")
}

// oneVPC starts a valid file: every case below adds to it.
const oneVPC = `version: 1
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16 }
`

func TestValidationSyntaxError(t *testing.T) {
	runValidationCases(t, []validationCase{
		{"unclosed flow sequence", "version: 1\nvpcs: [\n", []string{"2:7 SyntaxError"}},
		{"tab indentation", "version: 1\nvpcs:\n\t- { id: vpc-a, cidr: 10.0.0.0/16 }\n", []string{"3:1 SyntaxError"}},
		{"duplicate key", "version: 1\nversion: 1\n", []string{"2:1 SyntaxError"}},
		{"alias of no anchor", oneVPC + "hosts:\n  - { id: h, ip: *nowhere }\n", []string{"5:18 SyntaxError"}},
		{"two documents", "version: 1\n---\nversion: 1\n", []string{"3:1 SyntaxError"}},
		// A directive and document markers make one document; a byte order mark is no column.
		{"directive", "%YAML 1.2\n---\nversion: 1\n...\n", nil},
		{"byte order mark", "\ufeffversion: 2\n", []string{"1:10 InvalidParameterValue"}},
	})
}

func TestValidationUnknownField(t *testing.T) {
	runValidationCases(t, []validationCase{
		{"top level", "version: 1\nnmae: x\n", []string{"2:1 UnknownField"}},
		{"vpc", "version: 1\nvpcs:\n  - { id: vpc-a, cidr: 10.0.0.0/16, ipv6: \"::/0\" }\n", []string{"3:37 UnknownField"}},
		{"quotas", "version: 1\nquotas: { rules: 5 }\n", []string{"2:11 UnknownField"}},
		// YAML merge keys are not part of the format: one clear error, not three.
		{"merge key", "version: 1\nvpcs:\n  - &v { id: a, cidr: 10.0.0.0/16 }\n  - { <<: *v, id: b, cidr: 10.1.0.0/16 }\n", []string{"4:7 UnknownField"}},
		{"complex key", "? complex key\n: value\n", []string{"1:1 UnknownField", "1:1 MissingField"}},
		// A typo is never silently ignored: the rule also lacks its source.
		{"rule", oneVPC + `security_groups:
  - id: sg-a
    vpc: vpc-a
    inbound:
      - { protocol: tcp, ports: 22, soruce: 10.0.0.0/8 }
`, []string{"5:9 warning", "8:11 MissingField", "8:37 UnknownField"}},
		{"outbound rule with a source", oneVPC + `security_groups:
  - id: sg-a
    vpc: vpc-a
    outbound: [{ protocol: all, source: 0.0.0.0/0 }]
instances:
  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5, security_groups: [sg-a] }
`, []string{"7:18 MissingField", "7:33 UnknownField"}},
		{"instance", oneVPC + "instances:\n  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5, groups: [default] }\n", []string{"5:50 UnknownField"}},
		{"host", oneVPC + "hosts:\n  - { id: h, ip: 198.51.100.1, port: 22 }\n", []string{"5:32 UnknownField"}},
		{"connection", oneVPC + "hosts:\n  - { id: h, ip: 198.51.100.1 }\n  - { id: g, ip: 198.51.100.2 }\nconnections:\n  - { from: h, to: g, port: 22, expected: timeout }\n",
			[]string{"8:33 UnknownField"}},
	})
}

func TestValidationMissingField(t *testing.T) {
	runValidationCases(t, []validationCase{
		{"empty file", "", []string{"1:1 MissingField"}},
		{"version", "name: x\n", []string{"1:1 MissingField"}},
		{"vpc id and cidr", "version: 1\nvpcs:\n  - { id: vpc-a }\n  - { cidr: 10.1.0.0/16 }\n  - { region: eu-west-1 }\n",
			[]string{"3:7 MissingField", "4:7 MissingField", "5:7 MissingField", "5:7 MissingField"}},
		{"group vpc", oneVPC + "security_groups:\n  - { id: sg-a, name: a }\n", []string{"5:7 MissingField", "5:11 warning"}},
		{"rule fields", oneVPC + `security_groups:
  - id: sg-a
    vpc: vpc-a
    inbound:
      - { ports: 22, source: 10.0.0.0/8 }
      - { protocol: tcp, source: 10.0.0.0/8 }
      - { protocol: udp, ports: 53 }
    outbound:
      - { protocol: all }
instances:
  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5, security_groups: [sg-a] }
`, []string{"8:11 MissingField", "9:11 MissingField", "10:11 MissingField", "12:11 MissingField"}},
		// icmp ports default to all; `all` and other numbers need none.
		{"ports optional", oneVPC + `security_groups:
  - id: sg-a
    vpc: vpc-a
    inbound:
      - { protocol: icmp, source: 10.0.0.0/8 }
      - { protocol: all, source: 10.0.0.0/8 }
      - { protocol: 47, source: 10.0.0.0/8 }
instances:
  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5, security_groups: [sg-a] }
`, nil},
		{"instance fields", oneVPC + "instances:\n  - { id: i-a, vpc: vpc-a }\n  - { id: i-b, private_ip: 10.0.0.5 }\n  - { vpc: vpc-a, private_ip: 10.0.0.6 }\n",
			[]string{"5:7 MissingField", "6:7 MissingField", "7:7 MissingField"}},
		{"host ip", oneVPC + "hosts:\n  - { id: h }\n", []string{"5:7 MissingField"}},
		{"connection fields", oneVPC + `hosts:
  - { id: h, ip: 198.51.100.1 }
  - { id: g, ip: 198.51.100.2 }
connections:
  - { to: h, port: 22 }
  - { from: g, port: 22 }
  - { from: g, to: h }
  - { from: g, to: h, protocol: udp }
  - { from: g, to: h, protocol: icmp }
`, []string{"8:7 MissingField", "9:7 MissingField", "10:7 MissingField", "11:7 MissingField"}},
	})
}

func TestValidationDuplicateID(t *testing.T) {
	runValidationCases(t, []validationCase{
		{"across kinds", oneVPC + `security_groups:
  - { id: vpc-a, vpc: vpc-a }
instances:
  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5, security_groups: [default] }
hosts:
  - { id: i-a, ip: 198.51.100.1 }
`, []string{"5:11 DuplicateId", "5:11 warning", "9:11 DuplicateId"}},
		{"names of machines", oneVPC + `instances:
  - { id: i-a, name: box, vpc: vpc-a, private_ip: 10.0.0.5 }
  - { id: i-b, name: box, vpc: vpc-a, private_ip: 10.0.0.6 }
hosts:
  - { id: h, name: box, ip: 198.51.100.1 }
  - { id: g, name: i-a, ip: 198.51.100.2 }
`, []string{"6:22 DuplicateId", "8:20 DuplicateId", "9:20 DuplicateId"}},
		// Names of groups and machines live apart; a machine may repeat its own id as its name.
		{"names that may repeat", oneVPC + `security_groups:
  - { id: sg-a, name: web, vpc: vpc-a }
instances:
  - { id: i-a, name: web, vpc: vpc-a, private_ip: 10.0.0.5, security_groups: [sg-a] }
hosts:
  - { id: h, name: h, ip: 198.51.100.1 }
`, nil},
	})
}

func TestValidationInvalidParameterValue(t *testing.T) {
	runValidationCases(t, []validationCase{
		{"version", "version: 2\n", []string{"1:10 InvalidParameterValue"}},
		{"version as text", "version: one\n", []string{"1:10 InvalidParameterValue"}},
		{"quotas", "version: 1\nquotas: { rules_per_direction: 0, security_groups_per_instance: x }\n",
			[]string{"2:32 InvalidParameterValue", "2:65 InvalidParameterValue"}},
		{"vpc ranges", `version: 1
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/33, ipv6_cidr: 10.0.0.0/8 }
  - { id: vpc-b, cidr: "2600::/56" }
`, []string{"3:24 InvalidParameterValue", "3:48 InvalidParameterValue", "4:24 InvalidParameterValue"}},
		{"group name sg-", oneVPC + `security_groups:
  - { id: sg-a, name: sg-web, vpc: vpc-a }
instances:
  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5, security_groups: [sg-a] }
`, []string{"5:23 InvalidParameterValue"}},
		{"rule values", oneVPC + `security_groups:
  - id: sg-a
    vpc: vpc-a
    inbound:
      - { protocol: tcpp, ports: 22, source: 10.0.0.0/8 }
      - { protocol: tcp, ports: 70000, source: 10.0.0.0/8 }
      - { protocol: tcp, ports: 443-80, source: 10.0.0.0/8 }
      - { protocol: icmp, ports: 3/300, source: 10.0.0.0/8 }
      - { protocol: tcp, ports: 22, source: 10.0.0.300/8 }
      - { protocol: tcp, ports: [22], source: 10.0.0.0/8 }
      - { protocol: 256, source: 10.0.0.0/8 }
instances:
  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5, security_groups: [sg-a] }
`, []string{"8:21 InvalidParameterValue", "9:33 InvalidParameterValue", "10:33 InvalidParameterValue",
			"11:34 InvalidParameterValue", "12:45 InvalidParameterValue", "13:33 InvalidParameterValue", "14:21 InvalidParameterValue"}},
		{"instance addresses", `version: 1
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16, ipv6_cidr: "2600:1f18::/56" }
  - { id: vpc-b, cidr: 10.1.0.0/16 }
instances:
  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.300 }
  - { id: i-b, vpc: vpc-a, private_ip: 10.9.0.5, public_ip: "2600::1" }
  - { id: i-c, vpc: vpc-a, private_ip: 10.0.0.5, public_ip: 10.1.0.6, ipv6: "2600:1f19::1" }
  - { id: i-d, vpc: vpc-a, private_ip: 10.0.0.7, ipv6: 10.0.0.8 }
  - { id: i-e, vpc: vpc-b, private_ip: 10.1.0.9, ipv6: "2600:1f18::9" }
  - { id: i-f, vpc: vpc-a, private_ip: "2600:1f18::1" }
`, []string{"6:40 InvalidParameterValue", "7:40 InvalidParameterValue", "7:61 InvalidParameterValue",
			"8:61 InvalidParameterValue", "8:77 InvalidParameterValue", "9:56 InvalidParameterValue",
			"10:56 InvalidParameterValue", "11:40 InvalidParameterValue"}},
		{"empty security_groups", oneVPC + `instances:
  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5, security_groups: [] }
  - id: i-b
    vpc: vpc-a
    private_ip: 10.0.0.6
    security_groups:
`, []string{"5:67 InvalidParameterValue", "9:5 InvalidParameterValue"}},
		{"listening", oneVPC + "instances:\n  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5, listening: [icmp/8, tcp/99999, 80, udp/53] }\n",
			[]string{"5:62 InvalidParameterValue", "5:70 InvalidParameterValue"}},
		{"host ip inside a vpc", `version: 1
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16, ipv6_cidr: "2600:1f18::/56" }
hosts:
  - { id: h, ip: 10.0.3.4 }
  - { id: g, ip: "2600:1f18::9" }
  - { id: k, ip: 10.0.0.0/8 }
`, []string{"5:18 InvalidParameterValue", "6:18 InvalidParameterValue", "7:18 InvalidParameterValue"}},
		{"connection values", oneVPC + `instances:
  - { id: i-a, name: web, vpc: vpc-a, private_ip: 10.0.0.5, public_ip: 54.210.0.5 }
hosts:
  - { id: h, ip: 198.51.100.1 }
connections:
  - { from: h, to: h, port: 22 }
  - { from: web, to: i-a, port: 22 }
  - { from: i-a, to: 54.210.0.5, port: 22 }
  - { from: 198.51.100.1, to: h, port: 22 }
  - { from: i-a, to: h, port: 22, expect: ok }
  - { from: i-a, to: h, protocol: all, port: 22 }
  - { from: i-a, to: h, port: 65536 }
  - { from: i-a, to: h, port: http }
`, []string{"9:20 InvalidParameterValue", "10:22 InvalidParameterValue", "11:22 InvalidParameterValue",
			"12:31 InvalidParameterValue", "13:43 InvalidParameterValue", "14:35 InvalidParameterValue",
			"15:31 InvalidParameterValue", "16:31 InvalidParameterValue"}},
	})
}

func TestValidationGroupReferences(t *testing.T) {
	runValidationCases(t, []validationCase{
		{"rules", `version: 1
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16 }
  - { id: vpc-b, cidr: 10.1.0.0/16 }
security_groups:
  - { id: sg-a, name: web, vpc: vpc-a, inbound: [{ protocol: tcp, ports: 1, source: sg-nope }] }
  - { id: sg-b, name: web, vpc: vpc-b, outbound: [{ protocol: tcp, ports: 1, destination: sg-a }] }
  - { id: sg-c, name: db, vpc: vpc-b, inbound: [{ protocol: tcp, ports: 1, source: web }, { protocol: tcp, ports: 1, source: api }] }
  - { id: sg-d, name: api, vpc: vpc-a }
instances:
  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5, security_groups: [sg-a, api] }
  - { id: i-b, vpc: vpc-b, private_ip: 10.1.0.5, security_groups: [web, db] }
`, []string{"6:85 InvalidGroup.NotFound", "7:91 InvalidGroup.NotFound", "8:126 InvalidGroup.NotFound"}},
		{"instances", `version: 1
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16 }
  - { id: vpc-b, cidr: 10.1.0.0/16 }
security_groups:
  - { id: sg-b, name: db, vpc: vpc-b }
instances:
  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5, security_groups: [sg-b] }
  - { id: i-b, vpc: vpc-a, private_ip: 10.0.0.6, security_groups: [db] }
  - { id: i-c, vpc: vpc-a, private_ip: 10.0.0.7, security_groups: [sg-zz] }
  - { id: i-d, vpc: vpc-a, private_ip: 10.0.0.8, security_groups: [vpc-b/default] }
`, []string{"8:67 InvalidParameter", "9:67 InvalidParameter", "10:67 InvalidGroup.NotFound", "11:67 InvalidParameter"}},
		{"two groups named alike in one vpc", `version: 1
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16 }
  - { id: vpc-b, cidr: 10.1.0.0/16 }
security_groups:
  - { id: sg-a, name: web, vpc: vpc-a }
  - { id: sg-b, name: web, vpc: vpc-b }
  - { id: sg-c, name: web, vpc: vpc-a }
  - { id: sg-d, name: default, vpc: vpc-a }
  - { id: sg-e, name: default, vpc: vpc-a }
instances:
  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5, security_groups: [sg-a, sg-c, sg-d] }
  - { id: i-b, vpc: vpc-b, private_ip: 10.1.0.5, security_groups: [sg-b] }
`, []string{"8:23 InvalidGroup.Duplicate", "10:23 InvalidGroup.Duplicate"}},
	})
}

func TestValidationPermissionDuplicate(t *testing.T) {
	group := func(rules string) string {
		return oneVPC + "security_groups:\n  - id: sg-a\n    vpc: vpc-a\n" + rules +
			"instances:\n  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5, security_groups: [sg-a] }\n"
	}
	runValidationCases(t, []validationCase{
		{"same rule twice", group(`    inbound:
      - { protocol: tcp, ports: 22, source: 10.0.0.0/16 }
      - { protocol: tcp, ports: 22, source: 10.0.0.0/16, description: again }
`), []string{"9:11 InvalidPermission.Duplicate"}},
		// 10.0.0.5/24 is stored as 10.0.0.0/24 (and warned about), so it is the same rule.
		{"after clearing host bits", group(`    inbound:
      - { protocol: tcp, ports: 22, source: 10.0.0.0/24 }
      - { protocol: tcp, ports: 22, source: 10.0.0.5/24 }
`), []string{"9:11 InvalidPermission.Duplicate", "9:45 warning"}},
		{"protocol number and name", group(`    inbound:
      - { protocol: tcp, ports: 22, source: 10.0.0.0/16 }
      - { protocol: 6, ports: 22, source: 10.0.0.0/16 }
      - { protocol: all, source: 10.0.0.0/16 }
      - { protocol: -1, ports: 22, source: 10.0.0.0/16 }
`), []string{"9:11 InvalidPermission.Duplicate", "11:11 InvalidPermission.Duplicate"}},
		{"all ports spelled twice", group(`    inbound:
      - { protocol: udp, ports: all, source: 10.0.0.0/16 }
      - { protocol: udp, ports: 0-65535, source: 10.0.0.0/16 }
      - { protocol: icmp, source: 10.0.0.0/16 }
      - { protocol: icmp, ports: -1, source: 10.0.0.0/16 }
`), []string{"9:11 InvalidPermission.Duplicate", "11:11 InvalidPermission.Duplicate"}},
		{"self and the group's own id", group(`    inbound:
      - { protocol: tcp, ports: 22, source: self }
      - { protocol: tcp, ports: 22, source: sg-a }
`), []string{"9:11 InvalidPermission.Duplicate"}},
		// Directions and different values are different rules.
		{"not duplicates", group(`    inbound:
      - { protocol: tcp, ports: 22, source: 10.0.0.0/16 }
      - { protocol: tcp, ports: 22, source: 10.0.0.0/24 }
      - { protocol: udp, ports: 22, source: 10.0.0.0/16 }
      - { protocol: tcp, ports: 22-23, source: 10.0.0.0/16 }
      - { protocol: icmp, ports: 8, source: 10.0.0.0/16 }
      - { protocol: icmp, ports: 8/0, source: 10.0.0.0/16 }
    outbound:
      - { protocol: tcp, ports: 22, destination: 10.0.0.0/16 }
`), nil},
	})
}

func TestValidationRulesLimit(t *testing.T) {
	withQuota := func(rules string) string {
		return "version: 1\nquotas: { rules_per_direction: 2 }\nvpcs:\n  - { id: vpc-a, cidr: 10.0.0.0/16 }\n" +
			"security_groups:\n  - id: sg-a\n    vpc: vpc-a\n" + rules +
			"instances:\n  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5, security_groups: [sg-a] }\n"
	}
	runValidationCases(t, []validationCase{
		{"third ipv4 rule", withQuota(`    inbound:
      - { protocol: tcp, ports: 1, source: 10.0.0.0/16 }
      - { protocol: tcp, ports: 2, source: 10.0.0.0/16 }
      - { protocol: tcp, ports: 3, source: 10.0.0.0/16 }
      - { protocol: tcp, ports: 4, source: 10.0.0.0/16 }
`), []string{"11:11 RulesPerSecurityGroupLimitExceeded"}},
		// IPv4 and IPv6 rules are counted separately.
		{"two of each family", withQuota(`    inbound:
      - { protocol: tcp, ports: 1, source: 10.0.0.0/16 }
      - { protocol: tcp, ports: 1, source: "::/0" }
      - { protocol: tcp, ports: 2, source: 10.0.0.0/16 }
      - { protocol: tcp, ports: 2, source: "2001:db8::/32" }
`), nil},
		// A group reference counts for both families: it is the third
		// rule of either family here.
		{"a group reference counts for ipv4", withQuota(`    inbound:
      - { protocol: tcp, ports: 1, source: 10.0.0.0/16 }
      - { protocol: tcp, ports: 2, source: 10.0.0.0/16 }
      - { protocol: tcp, ports: 1, source: "::/0" }
      - { protocol: tcp, ports: 3, source: self }
`), []string{"12:11 RulesPerSecurityGroupLimitExceeded"}},
		{"a group reference counts for ipv6", withQuota(`    inbound:
      - { protocol: tcp, ports: 1, source: "::/0" }
      - { protocol: tcp, ports: 2, source: "::/0" }
      - { protocol: tcp, ports: 1, source: 10.0.0.0/16 }
      - { protocol: tcp, ports: 3, source: self }
`), []string{"12:11 RulesPerSecurityGroupLimitExceeded"}},
		{"each direction and family on its own", withQuota(`    inbound:
      - { protocol: tcp, ports: 1, source: 10.0.0.0/16 }
      - { protocol: tcp, ports: 2, source: 10.0.0.0/16 }
      - { protocol: tcp, ports: 3, source: 10.0.0.0/16 }
      - { protocol: tcp, ports: 1, source: "::/0" }
      - { protocol: tcp, ports: 2, source: "::/0" }
      - { protocol: tcp, ports: 3, source: "::/0" }
    outbound:
      - { protocol: tcp, ports: 1, destination: 10.0.0.0/16 }
      - { protocol: tcp, ports: 2, destination: 10.0.0.0/16 }
`), []string{"11:11 RulesPerSecurityGroupLimitExceeded", "14:11 RulesPerSecurityGroupLimitExceeded"}},
	})
}

func TestValidationGroupsLimit(t *testing.T) {
	runValidationCases(t, []validationCase{
		{"quota", `version: 1
quotas: { security_groups_per_instance: 2 }
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16 }
security_groups:
  - { id: sg-a, vpc: vpc-a }
  - { id: sg-b, vpc: vpc-a }
instances:
  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5, security_groups: [sg-a, sg-b] }
  - { id: i-b, vpc: vpc-a, private_ip: 10.0.0.6, security_groups: [sg-a, sg-b, default] }
`, []string{"10:67 SecurityGroupsPerInterfaceLimitExceeded"}},
		{"default of five", oneVPC + `security_groups:
  - { id: sg-1, vpc: vpc-a }
  - { id: sg-2, vpc: vpc-a }
  - { id: sg-3, vpc: vpc-a }
  - { id: sg-4, vpc: vpc-a }
  - { id: sg-5, vpc: vpc-a }
instances:
  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5, security_groups: [sg-1, sg-2, sg-3, sg-4, sg-5] }
  - { id: i-b, vpc: vpc-a, private_ip: 10.0.0.6, security_groups: [sg-1, sg-2, sg-3, sg-4, sg-5, default] }
`, []string{"12:67 SecurityGroupsPerInterfaceLimitExceeded"}},
	})
}

func TestValidationAddressInUse(t *testing.T) {
	runValidationCases(t, []validationCase{
		{"every kind of address", `version: 1
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16, ipv6_cidr: "2600:1f18::/56" }
instances:
  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5, public_ip: 54.210.0.5, ipv6: "2600:1f18::5" }
  - { id: i-b, vpc: vpc-a, private_ip: 10.0.0.5 }
  - { id: i-c, vpc: vpc-a, private_ip: 10.0.0.6, ipv6: "2600:1f18::5" }
hosts:
  - { id: h, ip: 54.210.0.5 }
`, []string{"6:40 InvalidIPAddress.InUse", "7:56 InvalidIPAddress.InUse", "9:18 InvalidIPAddress.InUse"}},
	})
}

func TestValidationInstanceNotFound(t *testing.T) {
	runValidationCases(t, []validationCase{
		{"names and addresses", oneVPC + `hosts:
  - { id: h, ip: 198.51.100.1 }
connections:
  - { from: nobody, to: h, port: 22 }
  - { from: h, to: "fe80::1%eth0", port: 22 }
  - { from: h, to: 203.0.113.7, port: 22 }
  - { from: "2001:db8::7", to: h, protocol: icmpv6 }
`, []string{"7:13 InvalidInstanceID.NotFound", "8:20 InvalidInstanceID.NotFound"}},
	})
}

// TestValidationWarnings checks the three warnings: they carry no code,
// print as `warning`, and leave the world loaded.
func TestValidationWarnings(t *testing.T) {
	src := `version: 1
vpcs:
  - { id: vpc-a, cidr: 10.0.0.9/16 }
security_groups:
  - id: sg-a
    vpc: vpc-a
    inbound:
      - { protocol: tcp, ports: 22, source: 0.0.0.0/0 }
      - { protocol: tcp, ports: 3389, source: "::/0" }
      - { protocol: tcp, ports: 80, source: 0.0.0.0/0 }
      - { protocol: tcp, ports: 22, source: 203.0.113.9/24 }
      - { protocol: udp, ports: 22, source: 0.0.0.0/0 }
  - { id: sg-unused, vpc: vpc-a }
instances:
  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5, security_groups: [sg-a] }
`
	want := []string{"3:24 warning", "8:11 warning", "9:11 warning", "11:45 warning", "13:11 warning"}
	if got := diagnose(t, src); !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	w, ds := engine.Parse("case.yaml", []byte(src))
	if w == nil || ds.HasErrors() || len(ds.Errors()) != 0 || len(ds.Warnings()) != len(want) {
		t.Fatalf("warnings must not stop the load: world %v, diagnostics %v", w != nil, ds)
	}
	for _, d := range ds {
		if d.Code != "" || !strings.HasPrefix(d.String(), "case.yaml:"+itoa(d.Pos.Line)+":"+itoa(d.Pos.Col)+": warning: ") {
			t.Errorf("warning %q: want code \"\" and the form FILE:LINE:COL: warning: message", d)
		}
	}
	if got := w.VPC("vpc-a").CIDR.String(); got != "10.0.0.0/16" {
		t.Errorf("vpc cidr 10.0.0.9/16 is stored as %s, want 10.0.0.0/16", got)
	}
}

// TestValidationReportsEveryProblem checks that one file with a problem of
// every kind reports all of them, sorted by position, each once.
func TestValidationReportsEveryProblem(t *testing.T) {
	src := `version: 1
vpcs:
  - { id: vpc-a, cidr: 10.0.0.0/16 }
  - { id: vpc-b, cidr: 10.1.0.0/16 }
security_groups:
  - id: sg-a
    name: web
    vpc: vpc-a
    inbound:
      - { protocol: tcp, ports: 22, source: 10.0.0.0/16 }
      - { protocol: tcp, ports: 22, source: 10.0.0.0/16 }
      - { protocol: tcp, ports: 22, source: sg-b }
      - { protocol: tcp, ports: 22, soruce: 10.0.0.0/16 }
  - { id: sg-b, name: web, vpc: vpc-b }
  - { id: sg-c, name: web, vpc: vpc-a }
instances:
  - { id: i-a, vpc: vpc-a, private_ip: 10.0.0.5, security_groups: [sg-a, sg-b, sg-c] }
  - { id: i-a, vpc: vpc-b, private_ip: 10.1.0.5, security_groups: [sg-b] }
  - { id: i-c, vpc: vpc-a, private_ip: 10.0.0.5, security_groups: [] }
hosts:
  - { id: h, ip: 10.1.0.1 }
connections:
  - { from: h, to: nobody, port: 22 }
`
	want := []string{
		"11:11 InvalidPermission.Duplicate", "12:45 InvalidGroup.NotFound",
		"13:11 MissingField", "13:37 UnknownField", "15:23 InvalidGroup.Duplicate",
		"17:67 InvalidParameter", "18:11 DuplicateId", "19:40 InvalidIPAddress.InUse",
		"19:67 InvalidParameterValue", "21:18 InvalidParameterValue", "23:20 InvalidInstanceID.NotFound",
	}
	if got := diagnose(t, src); !slices.Equal(got, want) {
		t.Errorf("diagnostics of\n%s\n got %q\nwant %q", numbered(src), got, want)
	}
}

// TestDiagnosticString pins the line format the command line prints.
func TestDiagnosticString(t *testing.T) {
	tests := []struct {
		d    engine.Diagnostic
		want string
	}{
		{engine.Diagnostic{File: "a.yaml", Pos: engine.Pos{Line: 3, Col: 7}, Code: engine.CodeMissingField, Message: "m"}, "a.yaml:3:7: MissingField: m"},
		{engine.Diagnostic{File: "a.yaml", Pos: engine.Pos{Line: 3, Col: 7}, Message: "w"}, "a.yaml:3:7: warning: w"},
		{engine.Diagnostic{Code: engine.CodeDependency, Message: "m"}, "DependencyViolation: m"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.d, got, tt.want)
		}
	}
}
