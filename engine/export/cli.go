package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sglab/sglab/engine"
)

// cli writes a bash script of AWS CLI calls: create-security-group for
// each group, its id captured in a variable, then one
// authorize-security-group-ingress or -egress per rule with
// --ip-permissions JSON. A new group comes with AWS's default egress; the
// script revokes it where the lab's group has other outbound rules.
func (p *planned) cli() []byte {
	var b bytes.Buffer
	b.WriteString("#!/usr/bin/env bash\n")
	fmt.Fprintf(&b, "# Written by sglab export from %s.\n", hclComment(p.source))
	if len(p.acls) > 0 {
		b.WriteString("# Creates the security groups and their rules, and the network ACLs and their entries, with the AWS CLI v2.\n# Set the VPC and subnet ids first:\n")
	} else {
		b.WriteString("# Creates the security groups and their rules with the AWS CLI v2. Set the VPC ids first:\n")
	}
	for _, v := range p.vpcs {
		fmt.Fprintf(&b, "#   export %s=vpc-…   # the VPC the lab calls %s\n", shellVar(v), hclComment(v.id))
	}
	for _, sp := range p.subnets {
		fmt.Fprintf(&b, "#   export %s=subnet-…   # the subnet the lab calls %s\n", subnetVar(sp), hclComment(sp.s.ID))
	}
	b.WriteString("set -euo pipefail\n\n")
	for _, v := range p.vpcs {
		fmt.Fprintf(&b, "%s=\"${%s:?set %s to the id of the VPC the lab calls %s}\"\n", shellVar(v), shellVar(v), shellVar(v), shellSafe(v.id))
	}
	for _, sp := range p.subnets {
		fmt.Fprintf(&b, "%s=\"${%s:?set %s to the id of the subnet the lab calls %s}\"\n", subnetVar(sp), subnetVar(sp), subnetVar(sp), shellSafe(sp.s.ID))
	}
	b.WriteString("\n")
	for _, gp := range p.groups {
		if gp.isDefault {
			fmt.Fprintf(&b, "# The default group of %s exists already.\n", hclComment(gp.vpc.id))
			fmt.Fprintf(&b, "%s=$(aws ec2 describe-security-groups --filters Name=vpc-id,Values=\"$%s\" Name=group-name,Values=default --query 'SecurityGroups[0].GroupId' --output text)\n",
				groupVar(gp), shellVar(gp.vpc))
			continue
		}
		fmt.Fprintf(&b, "%s=$(aws ec2 create-security-group --vpc-id \"$%s\" --group-name %s --description %s --query GroupId --output text)\n",
			groupVar(gp), shellVar(gp.vpc), shellQuote(gp.name), shellQuote(description(gp.g)))
	}
	for _, gp := range p.groups {
		b.WriteString("\n# " + hclComment(gp.g.Label()) + "\n")
		for _, r := range gp.revokeIn {
			b.WriteString(p.cliRule(gp, "revoke", engine.Inbound, r))
		}
		for _, r := range gp.revokeOut {
			b.WriteString(p.cliRule(gp, "revoke", engine.Outbound, r))
		}
		if !gp.isDefault && !gp.keepsDefaultEgress {
			for _, r := range gp.defaultOut {
				b.WriteString(p.cliRule(gp, "revoke", engine.Outbound, r))
			}
		}
		for _, r := range gp.in {
			b.WriteString(p.cliRule(gp, "authorize", engine.Inbound, r))
		}
		for _, r := range gp.out {
			if !gp.isDefault && gp.keepsDefaultEgress && gp.defaultEgress(r) {
				continue // AWS made it with the group
			}
			b.WriteString(p.cliRule(gp, "authorize", engine.Outbound, r))
		}
	}
	p.cliACLs(&b)
	return b.Bytes()
}

func (p *planned) cliRule(gp *groupPlan, verb string, d engine.Direction, r engine.Rule) string {
	kind := "ingress"
	if d == engine.Outbound {
		kind = "egress"
	}
	perm, groupVarName := ipPermissions(r, gp, p)
	js := shellQuote(perm)
	if groupVarName != "" {
		// Splice the referenced group's id out of its variable.
		js = strings.Replace(js, groupPlaceholder, `'"$`+groupVarName+`"'`, 1)
	}
	return fmt.Sprintf("aws ec2 %s-security-group-%s --group-id \"$%s\" --ip-permissions %s\n", verb, kind, groupVar(gp), js)
}

// groupPlaceholder stands for a referenced group's id in the JSON until
// the shell variable takes its place.
const groupPlaceholder = "@@GROUP@@"

// ipPermissions is one IpPermissions entry for the rule, as the CLI takes
// it, and the shell variable of a referenced group.
func ipPermissions(r engine.Rule, gp *groupPlan, p *planned) (string, string) {
	type ipRange struct {
		CidrIP      string `json:"CidrIp"`
		Description string `json:"Description,omitempty"`
	}
	type ipv6Range struct {
		CidrIpv6    string `json:"CidrIpv6"`
		Description string `json:"Description,omitempty"`
	}
	type pair struct {
		GroupID     string `json:"GroupId"`
		Description string `json:"Description,omitempty"`
	}
	type perm struct {
		IPProtocol string      `json:"IpProtocol"`
		FromPort   *int        `json:"FromPort,omitempty"`
		ToPort     *int        `json:"ToPort,omitempty"`
		IPRanges   []ipRange   `json:"IpRanges,omitempty"`
		Ipv6Ranges []ipv6Range `json:"Ipv6Ranges,omitempty"`
		Pairs      []pair      `json:"UserIdGroupPairs,omitempty"`
	}
	x := perm{IPProtocol: ipProtocol(r.Protocol)}
	if from, to, ok := awsPorts(r); ok {
		x.FromPort, x.ToPort = &from, &to
	}
	ref := ""
	switch {
	case r.Peer.IsGroup():
		x.Pairs = []pair{{GroupID: groupPlaceholder, Description: r.Description}}
		ref = groupVar(p.byID[peerID(r.Peer, gp.g.ID)])
	case cidrFamily(r.Peer.CIDR) == 4:
		x.IPRanges = []ipRange{{CidrIP: r.Peer.CIDR.String(), Description: r.Description}}
	default:
		x.Ipv6Ranges = []ipv6Range{{CidrIpv6: r.Peer.CIDR.String(), Description: r.Description}}
	}
	js, _ := json.Marshal([]perm{x})
	return string(js), ref
}

func shellVar(v *vpcPlan) string { return strings.ToUpper(v.ident) }

func groupVar(gp *groupPlan) string { return strings.ToUpper("sg_" + gp.ident) }

// shellQuote quotes s for bash: single quotes, each ' written '\”.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// shellSafe keeps what may stand inside a double-quoted ${…:?message}.
func shellSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '"' || r == '$' || r == '`' || r == '\\' || r == '}' || r < 0x20 || r == 0x7f {
			return '_'
		}
		return r
	}, s)
}
