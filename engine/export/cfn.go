package export

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/sglab/sglab/engine"
)

// cloudFormation writes a template of AWS::EC2::SecurityGroup resources
// and one AWS::EC2::SecurityGroupIngress or SecurityGroupEgress resource
// per rule (separate resources, so that groups that refer to each other
// make no circular dependency). The VPCs, and each used VPC's default
// group, are parameters. A group created without an embedded egress rule
// gets AWS's allow-all egress; where the lab's group has other outbound
// rules, one embedded rule that matches no packet keeps AWS from adding it.
// Everything is written in the long form (Ref:, Fn::GetAtt:), which any
// YAML reader reads.
func (p *planned) cloudFormation() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Written by sglab export from %s.\n", hclComment(p.source))
	b.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\n")
	fmt.Fprintf(&b, "Description: %s\n", jsonString("Security groups from the sglab scenario "+p.source))
	b.WriteString("Parameters:\n")
	for _, v := range p.vpcs {
		fmt.Fprintf(&b, "  %s:\n    Type: AWS::EC2::VPC::Id\n    Description: %s\n", camel(v.ident), jsonString("The VPC the lab calls "+v.id))
	}
	for _, gp := range p.groups {
		if gp.isDefault && len(gp.in)+len(gp.out) > 0 {
			fmt.Fprintf(&b, "  %s:\n    Type: AWS::EC2::SecurityGroup::Id\n    Description: %s\n", p.cfnID(gp),
				jsonString("The id of the default security group of the VPC the lab calls "+gp.vpc.id))
		}
	}
	p.cloudFormationParameters(&b)
	b.WriteString("Resources:\n")
	for _, gp := range p.groups {
		if gp.isDefault {
			for _, r := range append(gp.revokeIn, gp.revokeOut...) {
				fmt.Fprintf(&b, "  # The lab removed %s from the default group of %s: revoke that rule by hand.\n", hclComment(describe(r, gp.g.ID)), hclComment(gp.vpc.id))
			}
			continue
		}
		fmt.Fprintf(&b, "  %s:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n", p.cfnID(gp))
		fmt.Fprintf(&b, "      GroupName: %s\n      GroupDescription: %s\n", jsonString(gp.name), jsonString(description(gp.g)))
		fmt.Fprintf(&b, "      VpcId: { Ref: %s }\n", camel(gp.vpc.ident))
		if !gp.keepsDefaultEgress {
			b.WriteString("      SecurityGroupEgress:\n")
			b.WriteString("        - { IpProtocol: icmp, FromPort: 252, ToPort: 86, CidrIp: 255.255.255.255/32, Description: \"Matches nothing: keeps AWS from adding its allow-all egress rule\" }\n")
		}
	}
	for _, gp := range p.groups {
		for _, d := range []engine.Direction{engine.Inbound, engine.Outbound} {
			rules, kind := gp.in, "Ingress"
			if d == engine.Outbound {
				rules, kind = gp.out, "Egress"
			}
			for k, r := range rules {
				if d == engine.Outbound && !gp.isDefault && gp.keepsDefaultEgress && gp.defaultEgress(r) {
					continue // AWS adds it with the group
				}
				fmt.Fprintf(&b, "  %s%s%d:\n    Type: AWS::EC2::SecurityGroup%s\n    Properties:\n", p.cfnID(gp), kind, k+1, kind)
				fmt.Fprintf(&b, "      GroupId: %s\n", p.cfnRef(gp))
				fmt.Fprintf(&b, "      IpProtocol: %s\n", jsonString(ipProtocol(r.Protocol)))
				if from, to, ok := awsPorts(r); ok {
					fmt.Fprintf(&b, "      FromPort: %d\n      ToPort: %d\n", from, to)
				}
				switch {
				case r.Peer.IsGroup() && d == engine.Inbound:
					fmt.Fprintf(&b, "      SourceSecurityGroupId: %s\n", p.cfnRef(p.byID[peerID(r.Peer, gp.g.ID)]))
				case r.Peer.IsGroup():
					fmt.Fprintf(&b, "      DestinationSecurityGroupId: %s\n", p.cfnRef(p.byID[peerID(r.Peer, gp.g.ID)]))
				case cidrFamily(r.Peer.CIDR) == 4:
					fmt.Fprintf(&b, "      CidrIp: %s\n", r.Peer.CIDR)
				default:
					fmt.Fprintf(&b, "      CidrIpv6: %s\n", jsonString(r.Peer.CIDR.String()))
				}
				if r.Description != "" {
					fmt.Fprintf(&b, "      Description: %s\n", jsonString(r.Description))
				}
			}
		}
	}
	p.cloudFormationACLs(&b)
	return b.Bytes()
}

func (p *planned) cfnID(gp *groupPlan) string {
	if gp.isDefault {
		return camel(gp.vpc.ident + "_default_group")
	}
	return camel("sg_" + gp.ident)
}

// cfnRef is a group's id: GetAtt of a group the template creates, Ref of
// a default group's parameter.
func (p *planned) cfnRef(gp *groupPlan) string {
	if gp.isDefault {
		return "{ Ref: " + p.cfnID(gp) + " }"
	}
	return "{ \"Fn::GetAtt\": [" + p.cfnID(gp) + ", GroupId] }"
}

// jsonString quotes s as a double-quoted scalar, which YAML reads as JSON
// does.
func jsonString(s string) string { return strconv.QuoteToASCII(s) }
