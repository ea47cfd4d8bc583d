// Package audit reads a world the way a security review would: rules open
// to the internet on administration, database and all ports, the default
// group allowing traffic, unused groups, wide public ranges, crowded
// groups, rules that another rule already covers (shadowed within a group,
// redundant across the groups of every interface that has them), and, per
// interface, what the internet actually reaches, as the engine evaluates
// it.
//
// Each finding has a stable id, and where one exists the Prowler check or
// CIS AWS Foundations Benchmark control that looks for the same thing, so
// the results can be matched with those tools.
package audit

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/sglab/sglab/engine"
)

// Severity orders findings.
type Severity int

// Severities, lowest first.
const (
	Low Severity = iota + 1
	Medium
	High
)

func (s Severity) String() string {
	switch s {
	case High:
		return "high"
	case Medium:
		return "medium"
	case Low:
		return "low"
	}
	return ""
}

// ParseSeverity reads high, medium or low.
func ParseSeverity(s string) (Severity, bool) {
	for _, v := range []Severity{High, Medium, Low} {
		if v.String() == s {
			return v, true
		}
	}
	return 0, false
}

// Check is one kind of finding.
type Check struct {
	ID       string   // stable: SGA001…
	Name     string   // a short name
	Severity Severity // as Prowler rates its equivalent, critical read as high
	Prowler  string   // the equivalent Prowler check id, or ""
	CIS      string   // the CIS AWS Foundations Benchmark v3.0.0 control, or ""
}

// The checks. Their ids never change meaning.
var (
	AdminPortOpen = Check{"SGA001", "administration port open to the internet", High,
		"ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22 / _3389", "5.2 (IPv4), 5.3 (IPv6)"}
	AllPortsOpen = Check{"SGA002", "all ports open to the internet", High,
		"ec2_securitygroup_allow_ingress_from_internet_to_all_ports", "5.2 (IPv4), 5.3 (IPv6)"}
	DatabasePortOpen = Check{"SGA003", "database or cache port open to the internet", High, "", ""}
	DefaultAllows    = Check{"SGA004", "the VPC's default group allows traffic", High,
		"ec2_securitygroup_default_restrict_traffic", "5.4"}
	Unused   = Check{"SGA005", "security group not used", Low, "ec2_securitygroup_not_used", ""}
	WideCIDR = Check{"SGA006", "public CIDR wider than /24", High,
		"ec2_securitygroup_allow_wide_open_public_ipv4", ""}
	ManyRules = Check{"SGA007", "more than 50 rules in one direction", Medium,
		"ec2_securitygroup_with_many_ingress_egress_rules", ""}
	Shadowed  = Check{"SGA008", "rule shadowed by another rule of its group", Low, "", ""}
	Redundant = Check{"SGA009", "rule redundant with another group on every interface", Low, "", ""}
)

// Checks lists every check, in id order.
var Checks = []Check{AdminPortOpen, AllPortsOpen, DatabasePortOpen, DefaultAllows, Unused, WideCIDR, ManyRules, Shadowed, Redundant}

// databasePorts are the database and cache ports the audit looks for,
// with Prowler's check for each.
var databasePorts = []struct {
	port          int
	name, prowler string
}{
	{3306, "MySQL", "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_mysql_3306"},
	{5432, "PostgreSQL", "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_postgres_5432"},
	{1433, "SQL Server", "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_sql_server_1433_1434"},
	{1521, "Oracle", "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_oracle_1521_2483"},
	{6379, "Redis", "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_redis_6379"},
	{27017, "MongoDB", "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_mongodb_27017_27018"},
	{9200, "Elasticsearch", "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_elasticsearch_kibana_9200_9300_5601"},
}

// Finding is one problem found.
type Finding struct {
	Check
	Group     string // the group's id
	GroupName string
	Direction engine.Direction
	Rule      int // index in the group's list for Direction, -1 for the group
	RuleText  string
	Reason    string // plain English: what is wrong
	Fix       string // what to do
	// Prowler is set per finding where the check's equivalent depends on
	// the port (the database checks).
}

// Report is everything the audit found.
type Report struct {
	Findings []Finding
	Exposure []Exposure
}

// Count returns how many findings have each severity.
func (r *Report) Count() map[Severity]int {
	out := map[Severity]int{}
	for _, f := range r.Findings {
		out[f.Severity]++
	}
	return out
}

// Worst is the highest severity found, or 0 when nothing was found.
func (r *Report) Worst() Severity {
	var w Severity
	for _, f := range r.Findings {
		w = max(w, f.Severity)
	}
	return w
}

// Run audits a loaded world.
func Run(w *engine.World) *Report {
	a := &auditor{w: w, attached: map[string][]*engine.Instance{}, referenced: map[string]bool{}}
	for _, i := range w.Instances {
		for _, id := range i.Groups {
			a.attached[id] = append(a.attached[id], i)
		}
	}
	for _, g := range w.Groups {
		for _, d := range directions {
			for _, r := range g.Rules(d) {
				if r.Peer.IsGroup() && r.Peer.Group != g.ID {
					a.referenced[r.Peer.Group] = true
				}
			}
		}
	}
	for _, g := range w.Groups {
		a.group(g)
	}
	a.redundant()
	slices.SortStableFunc(a.findings, func(x, y Finding) int {
		return cmp.Or(cmp.Compare(y.Severity, x.Severity), cmp.Compare(x.ID, y.ID), cmp.Compare(x.Group, y.Group),
			cmp.Compare(x.Direction, y.Direction), cmp.Compare(x.Rule, y.Rule))
	})
	return &Report{Findings: a.findings, Exposure: Exposures(w)}
}

var directions = []engine.Direction{engine.Inbound, engine.Outbound}

type auditor struct {
	w          *engine.World
	attached   map[string][]*engine.Instance
	referenced map[string]bool
	findings   []Finding
}

func (a *auditor) add(c Check, g *engine.Group, d engine.Direction, k int, reason, fix string) {
	f := Finding{Check: c, Group: g.ID, GroupName: g.Name, Direction: d, Rule: k, Reason: reason, Fix: fix}
	if k >= 0 {
		f.RuleText = ruleText(g, g.Rules(d)[k])
	}
	a.findings = append(a.findings, f)
}

func ruleText(g *engine.Group, r engine.Rule) string {
	s := r.Protocol.String()
	if r.Protocol.HasPorts() || (r.Protocol.IsICMP() && r.Ports != engine.AnyICMP) {
		s += " " + r.Ports.Format(r.Protocol)
	}
	peer := r.Peer.String()
	if r.Peer.IsGroup() && r.Peer.Group == g.ID {
		peer = "self"
	}
	return s + " " + peer
}

// isDefault reports whether g is its VPC's default group.
func isDefault(g *engine.Group) bool { return g.Name == engine.DefaultGroupName }

func (a *auditor) group(g *engine.Group) {
	label := g.Label()
	if isDefault(g) && len(g.Inbound)+len(g.Outbound) > 0 {
		a.add(DefaultAllows, g, engine.Inbound, -1,
			fmt.Sprintf("%s, the default group of %s, has %d inbound and %d outbound rules; anything launched without a group of its own gets them",
				label, g.VPC, len(g.Inbound), len(g.Outbound)),
			"remove every rule of the default group and give each workload a group of its own (CIS: the default group restricts all traffic)")
	}
	if !isDefault(g) && len(a.attached[g.ID]) == 0 && !a.referenced[g.ID] {
		a.add(Unused, g, engine.Inbound, -1,
			fmt.Sprintf("%s is attached to no network interface and no other group's rule refers to it", label),
			"delete it if nothing will use it; unused groups get attached by mistake later")
	}
	for _, d := range directions {
		rules := g.Rules(d)
		if len(rules) > 50 {
			a.add(ManyRules, g, d, -1,
				fmt.Sprintf("%s has %d %s rules; long lists hide mistakes and approach AWS's quota of 60", label, len(rules), d),
				"merge rules into wider port ranges or fewer groups, or reference a group instead of listing its members' addresses")
		}
		for k, r := range rules {
			if d == engine.Inbound {
				a.internetRule(g, k, r)
			}
			if !r.Peer.IsGroup() && isWidePublic(r.Peer.CIDR) {
				a.add(WideCIDR, g, d, k,
					fmt.Sprintf("%s rule %d of %s allows %s, a public range of %s addresses", d, k+1, label, r.Peer.CIDR, rangeSize(r.Peer.CIDR)),
					"narrow it to the addresses that need it (a /24 or smaller), or to a group")
			}
			a.shadowed(g, d, k)
		}
	}
}

// internetRule reports an inbound rule open to 0.0.0.0/0 or ::/0 on all
// ports, an administration port or a database port.
func (a *auditor) internetRule(g *engine.Group, k int, r engine.Rule) {
	if r.Peer.IsGroup() || r.Peer.CIDR.Bits() != 0 {
		return
	}
	label, from := g.Label(), r.Peer.CIDR.String()
	if r.Protocol == engine.ProtoAll || (r.Protocol.HasPorts() && r.Ports == engine.AllPorts) {
		what := "all traffic"
		if r.Protocol != engine.ProtoAll {
			what = "every " + r.Protocol.String() + " port"
		}
		c := AllPortsOpen
		c.CIS = cisFor(r.Peer.CIDR)
		a.add(c, g, engine.Inbound, k,
			fmt.Sprintf("inbound rule %d of %s lets %s in from anywhere (%s), administration and database ports included", k+1, label, what, from),
			"allow only the ports the service needs, from the addresses or groups that need them")
		return
	}
	if r.Protocol != engine.ProtoTCP {
		return
	}
	for _, port := range []int{22, 3389} {
		if r.Admits(engine.TCP(port)) {
			c := AdminPortOpen
			c.Prowler = fmt.Sprintf("ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_%d", port)
			c.CIS = cisFor(r.Peer.CIDR)
			a.add(c, g, engine.Inbound, k,
				fmt.Sprintf("inbound rule %d of %s lets anyone (%s) reach port %d (%s); it is scanned and guessed at all day", k+1, label, from, port, engine.ServiceName(port)),
				fmt.Sprintf("allow port %d only from your own address (a /32), or use Systems Manager Session Manager and open nothing", port))
		}
	}
	for _, db := range databasePorts {
		if r.Admits(engine.TCP(db.port)) {
			c := DatabasePortOpen
			c.Prowler = db.prowler
			a.add(c, g, engine.Inbound, k,
				fmt.Sprintf("inbound rule %d of %s lets anyone (%s) reach port %d (%s); databases and caches belong behind the application", k+1, label, from, db.port, db.name),
				fmt.Sprintf("allow port %d only from the application servers' group", db.port))
		}
	}
}

// notGlobal are the IPv4 ranges that are not addresses on the internet.
var notGlobal = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("169.254.0.0/16"), netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.0.0.0/24"), netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("198.18.0.0/15"), netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
}

// isWidePublic reports whether p is an IPv4 range of public addresses
// wider than /24 (and narrower than /0, which the internet checks report),
// as Prowler's check defines it.
func isWidePublic(p netip.Prefix) bool {
	if !p.Addr().Is4() || p.Bits() == 0 || p.Bits() >= 24 {
		return false
	}
	for _, n := range notGlobal {
		if n.Contains(p.Addr()) && n.Bits() <= p.Bits() {
			return false
		}
	}
	return true
}

func rangeSize(p netip.Prefix) string {
	n := uint64(1) << (32 - p.Bits())
	return fmt.Sprintf("%d", n)
}

// cisFor is the CIS control for a rule open to the internet: 5.2 for
// 0.0.0.0/0, 5.3 for ::/0 (v3.0.0 numbering).
func cisFor(p netip.Prefix) string {
	if p.Addr().Is6() {
		return "5.3"
	}
	return "5.2"
}
