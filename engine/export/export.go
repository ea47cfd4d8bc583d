// Package export writes a world's security groups and network ACLs as
// something that builds them in a real AWS account: Terraform, an AWS CLI
// script, or a CloudFormation template. VPCs become inputs (a variable, an environment
// variable, a parameter): the lab's VPCs stand for ones that already exist.
// A VPC's default group exists already too; its rules that differ from
// AWS's defaults are added to it, and AWS defaults the lab removed are
// named in a comment for the user to revoke.
package export

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"unicode"

	"github.com/sglab/sglab/engine"
)

// Format is an output format.
type Format string

// The formats.
const (
	Terraform      Format = "terraform"
	CLI            Format = "cli"
	CloudFormation Format = "cloudformation"
)

// Formats lists them, for help texts.
var Formats = []Format{Terraform, CLI, CloudFormation}

// Write returns the world's groups in format f.
func Write(w *engine.World, f Format, source string) ([]byte, error) {
	p := plan(w, source)
	switch f {
	case Terraform:
		return p.terraform(), nil
	case CLI:
		return p.cli(), nil
	case CloudFormation:
		return p.cloudFormation(), nil
	}
	return nil, fmt.Errorf("format %q is terraform, cli or cloudformation", f)
}

// planned is what every format writes: the VPCs, the groups to create, the
// default groups to add rules to, and each rule.
type planned struct {
	w       *engine.World
	source  string
	vpcs    []*vpcPlan
	groups  []*groupPlan
	byID    map[string]*groupPlan
	acls    []*aclPlan
	subnets []*subnetPlan // the subnets associated with a custom ACL
}

type vpcPlan struct {
	id    string
	ident string // a name usable in every format
	ipv6  bool
}

type groupPlan struct {
	g         *engine.Group
	vpc       *vpcPlan
	ident     string // lower_snake for Terraform and shell variables
	name      string // the GroupName to create
	isDefault bool   // the VPC's default group: it exists, rules are added
	// in and out are the rules to add; revokeIn and revokeOut the AWS
	// defaults of a default group that the lab removed.
	in, out             []engine.Rule
	revokeIn, revokeOut []engine.Rule
	// keepsDefaultEgress: the group's outbound rules hold AWS's default,
	// which creating a group (without Terraform) adds by itself.
	keepsDefaultEgress bool
	defaultOut         []engine.Rule
}

func plan(w *engine.World, source string) *planned {
	p := &planned{w: w, source: source, byID: map[string]*groupPlan{}}
	used := map[string]bool{}
	vpcs := map[string]*vpcPlan{}
	for _, v := range w.VPCs {
		id := ident(v.ID)
		if !strings.HasPrefix(id, "vpc") {
			id = "vpc_" + id
		}
		vp := &vpcPlan{id: v.ID, ident: unique(id, used), ipv6: v.IPv6CIDR.IsValid()}
		vpcs[v.ID] = vp
		p.vpcs = append(p.vpcs, vp)
	}
	for _, g := range w.Groups {
		gp := &groupPlan{g: g, vpc: vpcs[g.VPC], isDefault: g.Name == engine.DefaultGroupName}
		gp.ident = unique(ident(g.Label()), used)
		gp.name = g.Name
		if gp.name == "" {
			gp.name = strings.TrimPrefix(g.ID, "sg-")
		}
		defaultOut := engine.DefaultOutbound(w.VPC(g.VPC))
		gp.defaultOut = defaultOut
		if gp.isDefault {
			defaultIn := []engine.Rule{{Protocol: engine.ProtoAll, Peer: engine.Peer{Group: g.ID, Self: true}}}
			gp.in, gp.revokeIn = diff(g.Inbound, defaultIn, g.ID)
			gp.out, gp.revokeOut = diff(g.Outbound, defaultOut, g.ID)
		} else {
			gp.in, gp.out = g.Inbound, g.Outbound
			gp.keepsDefaultEgress = containsAll(g.Outbound, defaultOut, g.ID)
		}
		p.groups = append(p.groups, gp)
		p.byID[g.ID] = gp
	}
	// A default group the lab left as AWS makes it, and that no rule
	// refers to, needs nothing.
	referenced := map[string]bool{}
	for _, g := range w.Groups {
		for _, r := range append(slices.Clone(g.Inbound), g.Outbound...) {
			if r.Peer.IsGroup() && !r.Peer.Self {
				referenced[r.Peer.Group] = true
			}
		}
	}
	p.groups = slices.DeleteFunc(p.groups, func(gp *groupPlan) bool {
		return gp.isDefault && !referenced[gp.g.ID] && len(gp.in)+len(gp.out)+len(gp.revokeIn)+len(gp.revokeOut) == 0
	})
	p.planACLs(used, vpcs)
	return p
}

// diff returns the rules of have that want lacks (to add) and the rules of
// want that have lacks (to revoke).
func diff(have, want []engine.Rule, self string) (add, revoke []engine.Rule) {
	for _, r := range have {
		if !containsRule(want, r, self) {
			add = append(add, r)
		}
	}
	for _, r := range want {
		if !containsRule(have, r, self) {
			revoke = append(revoke, r)
		}
	}
	return add, revoke
}

func containsAll(have, want []engine.Rule, self string) bool {
	for _, r := range want {
		if !containsRule(have, r, self) {
			return false
		}
	}
	return true
}

func containsRule(list []engine.Rule, r engine.Rule, self string) bool {
	return slices.ContainsFunc(list, func(o engine.Rule) bool { return sameRule(o, r, self) })
}

// sameRule compares what two rules of one group allow.
func sameRule(a, b engine.Rule, self string) bool {
	return a.Protocol == b.Protocol && ports(a) == ports(b) && peerID(a.Peer, self) == peerID(b.Peer, self) && a.Peer.CIDR == b.Peer.CIDR
}

func ports(r engine.Rule) engine.PortRange {
	if r.Protocol.HasPorts() || r.Protocol.IsICMP() {
		return r.Ports
	}
	return engine.PortRange{}
}

func peerID(p engine.Peer, self string) string {
	if p.Self {
		return self
	}
	return p.Group
}

// defaultEgress reports whether r is one of the rules AWS gives a new
// group by itself (all traffic out to 0.0.0.0/0, and ::/0 in an IPv6 VPC).
func (gp *groupPlan) defaultEgress(r engine.Rule) bool {
	return containsRule(gp.defaultOut, r, gp.g.ID)
}

// awsPorts returns FromPort and ToPort as AWS takes them for a rule, and
// whether the rule has them at all (-1 means any icmp type or code).
func awsPorts(r engine.Rule) (from, to int, ok bool) {
	switch {
	case r.Protocol.HasPorts():
		return r.Ports.Lo, r.Ports.Hi, true
	case r.Protocol.IsICMP():
		return r.Ports.Lo, r.Ports.Hi, true
	}
	return 0, 0, false
}

// ipProtocol is the IpProtocol AWS takes: tcp, udp, icmp, icmpv6, -1 or a number.
func ipProtocol(p engine.Protocol) string {
	if p == engine.ProtoAll {
		return "-1"
	}
	return p.String()
}

// ident turns a name into an identifier every format accepts: lower case
// letters, digits and underscores, starting with a letter.
func ident(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "_"):
			b.WriteByte('_')
		}
	}
	out := strings.TrimSuffix(b.String(), "_")
	if out == "" || !unicode.IsLetter(rune(out[0])) {
		out = "x_" + out
	}
	return strings.TrimSuffix(out, "_")
}

func unique(s string, used map[string]bool) string {
	out := s
	for n := 2; used[out]; n++ {
		out = fmt.Sprintf("%s_%d", s, n)
	}
	used[out] = true
	return out
}

// camel turns an identifier into a CloudFormation logical id.
func camel(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if r == '_' {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func cidrFamily(p netip.Prefix) int {
	if p.Addr().Is4() {
		return 4
	}
	return 6
}

func describe(r engine.Rule, self string) string {
	s := r.Protocol.String()
	if r.Protocol.HasPorts() || (r.Protocol.IsICMP() && r.Ports != engine.AnyICMP) {
		s += " " + r.Ports.Format(r.Protocol)
	}
	peer := r.Peer.String()
	if r.Peer.IsGroup() && peerID(r.Peer, self) == self {
		peer = "self"
	}
	return s + " " + peer
}
