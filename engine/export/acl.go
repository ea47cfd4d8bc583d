package export

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sglab/sglab/engine"
)

// Network ACLs: every custom ACL is created with its entries and
// associated with its subnets; a VPC's default ACL exists already, and
// only where the lab changed it are its entries changed. Subnets, like
// VPCs, exist already: the ones associated with a custom ACL are inputs.

type aclPlan struct {
	a         *engine.NetworkACL
	vpc       *vpcPlan
	ident     string
	isDefault bool
	// in and out are the entries to create; for a default ACL, replace and
	// remove are AWS's default entries (100, 101) the lab changed or
	// removed, per direction.
	in, out []engine.ACLEntry
	replace [2][]engine.ACLEntry
	remove  [2][]engine.ACLEntry
	subnets []*subnetPlan
}

type subnetPlan struct {
	s     *engine.Subnet
	ident string
}

func (p *planned) planACLs(used map[string]bool, vpcs map[string]*vpcPlan) {
	w := p.w
	subnets := map[string]*subnetPlan{}
	for _, a := range w.NetworkACLs {
		ap := &aclPlan{a: a, vpc: vpcs[a.VPC], isDefault: a.Name == engine.DefaultGroupName}
		if ap.vpc == nil {
			continue
		}
		if ap.isDefault {
			defaults := engine.DefaultACLEntries(w.VPC(a.VPC))
			for _, d := range []engine.Direction{engine.Inbound, engine.Outbound} {
				for _, e := range a.Sorted(d) {
					k := slices.IndexFunc(defaults, func(x engine.ACLEntry) bool { return x.Rule == e.Rule })
					switch {
					case k >= 0 && defaults[k] == e:
					case k >= 0:
						ap.replace[d] = append(ap.replace[d], e)
					default:
						*ap.entries(d) = append(*ap.entries(d), e)
					}
				}
				for _, e := range defaults {
					if _, ok := a.Entry(d, e.Rule); !ok {
						ap.remove[d] = append(ap.remove[d], e)
					}
				}
			}
			if len(ap.in)+len(ap.out)+len(ap.replace[0])+len(ap.replace[1])+len(ap.remove[0])+len(ap.remove[1]) == 0 {
				continue // as AWS makes it
			}
		} else {
			ap.in, ap.out = a.Sorted(engine.Inbound), a.Sorted(engine.Outbound)
			for _, s := range w.SubnetsWith(a.ID) {
				sp := subnets[s.ID]
				if sp == nil {
					sp = &subnetPlan{s: s, ident: unique("subnet_"+strings.TrimPrefix(ident(s.Label()), "subnet_"), used)}
					subnets[s.ID] = sp
					p.subnets = append(p.subnets, sp)
				}
				ap.subnets = append(ap.subnets, sp)
			}
		}
		ap.ident = unique("acl_"+strings.TrimPrefix(ident(a.Label()), "acl_"), used)
		if ap.isDefault {
			ap.ident = unique("acl_"+ap.vpc.ident+"_default", used)
		}
		p.acls = append(p.acls, ap)
	}
}

func (ap *aclPlan) entries(d engine.Direction) *[]engine.ACLEntry {
	if d == engine.Outbound {
		return &ap.out
	}
	return &ap.in
}

// protocolNumber is the protocol as the ACL APIs take it: a number, -1
// for all.
func protocolNumber(p engine.Protocol) string { return strconv.Itoa(int(p)) }

// entryPorts returns an entry's port range (tcp, udp) or icmp type and
// code, and which it has.
func entryPorts(e engine.ACLEntry) (lo, hi int, ports, icmp bool) {
	switch {
	case e.Protocol.HasPorts():
		return e.Ports.Lo, e.Ports.Hi, true, false
	case e.Protocol.IsICMP():
		return e.Ports.Lo, e.Ports.Hi, false, true
	}
	return 0, 0, false, false
}

func egress(d engine.Direction) bool { return d == engine.Outbound }

// terraformACLs writes the ACLs: aws_network_acl and one
// aws_network_acl_rule per entry, aws_network_acl_association per subnet;
// a changed default ACL as aws_default_network_acl, which takes the ACL
// over with exactly the entries written.
func (p *planned) terraformACLs(b *bytes.Buffer) {
	for _, sp := range p.subnets {
		fmt.Fprintf(b, "variable %q {\n  description = %s\n  type        = string\n}\n\n", sp.ident,
			hclString("The id of the subnet the lab calls "+sp.s.ID))
	}
	for _, ap := range p.acls {
		if ap.isDefault {
			fmt.Fprintf(b, "# The default network ACL of %s exists already: Terraform takes it over with exactly these entries.\n", hclComment(ap.vpc.id))
			fmt.Fprintf(b, "data \"aws_vpc\" %q {\n  id = var.%s\n}\n\n", ap.ident, ap.vpc.ident)
			fmt.Fprintf(b, "resource \"aws_default_network_acl\" %q {\n  default_network_acl_id = data.aws_vpc.%s.default_network_acl_id\n", ap.ident, ap.ident)
			for _, d := range []engine.Direction{engine.Inbound, engine.Outbound} {
				kind := map[bool]string{false: "ingress", true: "egress"}[egress(d)]
				for _, e := range ap.a.Sorted(d) {
					fmt.Fprintf(b, "\n  %s {\n    rule_no    = %d\n    action     = %q\n    protocol   = %q\n", kind, e.Rule, e.Action, protocolNumber(e.Protocol))
					lo, hi, ports, icmp := entryPorts(e)
					switch {
					case ports:
						fmt.Fprintf(b, "    from_port  = %d\n    to_port    = %d\n", lo, hi)
					case icmp:
						fmt.Fprintf(b, "    from_port  = 0\n    to_port    = 0\n    icmp_type  = %d\n    icmp_code  = %d\n", lo, hi)
					default:
						b.WriteString("    from_port  = 0\n    to_port    = 0\n")
					}
					fmt.Fprintf(b, "    %s = %q\n  }\n", cidrKey(e, "cidr_block", "ipv6_cidr_block"), e.CIDR)
				}
			}
			b.WriteString("}\n\n")
			continue
		}
		fmt.Fprintf(b, "resource \"aws_network_acl\" %q {\n  vpc_id = var.%s\n", ap.ident, ap.vpc.ident)
		if ap.a.Name != "" {
			fmt.Fprintf(b, "  tags = {\n    Name = %s\n  }\n", hclString(ap.a.Name))
		}
		b.WriteString("}\n\n")
		for _, d := range []engine.Direction{engine.Inbound, engine.Outbound} {
			kind := map[bool]string{false: "ingress", true: "egress"}[egress(d)]
			for _, e := range *ap.entries(d) {
				fmt.Fprintf(b, "resource \"aws_network_acl_rule\" \"%s_%s_%d\" {\n", ap.ident, kind, e.Rule)
				fmt.Fprintf(b, "  network_acl_id = aws_network_acl.%s.id\n", ap.ident)
				fmt.Fprintf(b, "  rule_number    = %d\n  egress         = %t\n  protocol       = %q\n  rule_action    = %q\n",
					e.Rule, egress(d), protocolNumber(e.Protocol), e.Action)
				lo, hi, ports, icmp := entryPorts(e)
				switch {
				case ports:
					fmt.Fprintf(b, "  from_port      = %d\n  to_port        = %d\n", lo, hi)
				case icmp:
					fmt.Fprintf(b, "  icmp_type      = %d\n  icmp_code      = %d\n", lo, hi)
				}
				fmt.Fprintf(b, "  %s = %q\n}\n\n", cidrKey(e, "cidr_block    ", "ipv6_cidr_block"), e.CIDR)
			}
		}
		for _, sp := range ap.subnets {
			fmt.Fprintf(b, "resource \"aws_network_acl_association\" %q {\n  network_acl_id = aws_network_acl.%s.id\n  subnet_id      = var.%s\n}\n\n",
				sp.ident, ap.ident, sp.ident)
		}
	}
}

func cidrKey(e engine.ACLEntry, v4, v6 string) string {
	if e.CIDR.Addr().Is4() {
		return v4
	}
	return v6
}

func subnetVar(sp *subnetPlan) string { return strings.ToUpper(sp.ident) }

func aclVar(ap *aclPlan) string { return strings.ToUpper(ap.ident) }

// cliACLs writes the ACLs as AWS CLI calls: create-network-acl and one
// create-network-acl-entry per entry, then replace-network-acl-association
// for each subnet; for a changed default ACL, its entries 100 and 101
// replaced or deleted and the others created.
func (p *planned) cliACLs(b *bytes.Buffer) {
	for _, ap := range p.acls {
		fmt.Fprintf(b, "\n# network ACL %s\n", hclComment(ap.a.Label()))
		if ap.isDefault {
			fmt.Fprintf(b, "%s=$(aws ec2 describe-network-acls --filters Name=vpc-id,Values=\"$%s\" Name=default,Values=true --query 'NetworkAcls[0].NetworkAclId' --output text)\n",
				aclVar(ap), shellVar(ap.vpc))
			for _, d := range []engine.Direction{engine.Inbound, engine.Outbound} {
				for _, e := range ap.remove[d] {
					fmt.Fprintf(b, "aws ec2 delete-network-acl-entry --network-acl-id \"$%s\" %s --rule-number %d\n", aclVar(ap), cliDirection(d), e.Rule)
				}
				for _, e := range ap.replace[d] {
					b.WriteString(cliEntry("replace", ap, d, e))
				}
			}
		} else {
			fmt.Fprintf(b, "%s=$(aws ec2 create-network-acl --vpc-id \"$%s\" --query NetworkAcl.NetworkAclId --output text)\n", aclVar(ap), shellVar(ap.vpc))
			if ap.a.Name != "" {
				tags := fmt.Sprintf(`[{"Key":"Name","Value":%s}]`, strconv.Quote(ap.a.Name))
				fmt.Fprintf(b, "aws ec2 create-tags --resources \"$%s\" --tags %s\n", aclVar(ap), shellQuote(tags))
			}
		}
		for _, d := range []engine.Direction{engine.Inbound, engine.Outbound} {
			for _, e := range *ap.entries(d) {
				b.WriteString(cliEntry("create", ap, d, e))
			}
		}
		for _, sp := range ap.subnets {
			fmt.Fprintf(b, "aws ec2 replace-network-acl-association --network-acl-id \"$%s\" --association-id \"$(aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=\"$%s\" --query \"NetworkAcls[0].Associations[?SubnetId=='$%s'].NetworkAclAssociationId\" --output text)\"\n",
				aclVar(ap), subnetVar(sp), subnetVar(sp))
		}
	}
}

func cliDirection(d engine.Direction) string {
	if d == engine.Outbound {
		return "--egress"
	}
	return "--ingress"
}

func cliEntry(verb string, ap *aclPlan, d engine.Direction, e engine.ACLEntry) string {
	s := fmt.Sprintf("aws ec2 %s-network-acl-entry --network-acl-id \"$%s\" %s --rule-number %d --protocol %s --rule-action %s --%s %s",
		verb, aclVar(ap), cliDirection(d), e.Rule, protocolNumber(e.Protocol), e.Action, cidrKey(e, "cidr-block", "ipv6-cidr-block"), e.CIDR)
	switch lo, hi, ports, icmp := entryPorts(e); {
	case ports:
		s += fmt.Sprintf(" --port-range From=%d,To=%d", lo, hi)
	case icmp:
		s += fmt.Sprintf(" --icmp-type-code Type=%d,Code=%d", lo, hi)
	}
	return s + "\n"
}

// cloudFormationParameters adds the subnets associated with a custom ACL
// and the ids of changed default ACLs.
func (p *planned) cloudFormationParameters(b *bytes.Buffer) {
	for _, sp := range p.subnets {
		fmt.Fprintf(b, "  %s:\n    Type: AWS::EC2::Subnet::Id\n    Description: %s\n", camel(sp.ident), jsonString("The subnet the lab calls "+sp.s.ID))
	}
	for _, ap := range p.acls {
		if ap.isDefault {
			fmt.Fprintf(b, "  %s:\n    Type: String\n    Description: %s\n", camel(ap.ident), jsonString("The id of the default network ACL of the VPC the lab calls "+ap.vpc.id))
		}
	}
}

// cloudFormationACLs writes AWS::EC2::NetworkAcl, one
// AWS::EC2::NetworkAclEntry per entry and one
// AWS::EC2::SubnetNetworkAclAssociation per subnet. A default ACL's entries
// 100 and 101 exist already: where the lab changed or removed them, a
// comment says so.
func (p *planned) cloudFormationACLs(b *bytes.Buffer) {
	for _, ap := range p.acls {
		ref := "{ Ref: " + camel(ap.ident) + " }"
		if ap.isDefault {
			for _, d := range []engine.Direction{engine.Inbound, engine.Outbound} {
				for _, e := range ap.remove[d] {
					fmt.Fprintf(b, "  # The lab removed %s entry %d from the default network ACL of %s: delete it by hand.\n", d, e.Rule, hclComment(ap.vpc.id))
				}
				for _, e := range ap.replace[d] {
					fmt.Fprintf(b, "  # The lab changed %s entry %d of the default network ACL of %s to %s: replace it by hand.\n", d, e.Rule, hclComment(ap.vpc.id), e.Summary())
				}
			}
		} else {
			fmt.Fprintf(b, "  %s:\n    Type: AWS::EC2::NetworkAcl\n    Properties:\n      VpcId: { Ref: %s }\n", camel(ap.ident), camel(ap.vpc.ident))
			if ap.a.Name != "" {
				fmt.Fprintf(b, "      Tags:\n        - { Key: Name, Value: %s }\n", jsonString(ap.a.Name))
			}
		}
		for _, d := range []engine.Direction{engine.Inbound, engine.Outbound} {
			kind := map[bool]string{false: "Ingress", true: "Egress"}[egress(d)]
			for _, e := range *ap.entries(d) {
				fmt.Fprintf(b, "  %s%s%d:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n", camel(ap.ident), kind, e.Rule)
				fmt.Fprintf(b, "      NetworkAclId: %s\n      RuleNumber: %d\n      Protocol: %d\n      RuleAction: %s\n      Egress: %t\n",
					ref, e.Rule, int(e.Protocol), e.Action, egress(d))
				fmt.Fprintf(b, "      %s: %s\n", cidrKey(e, "CidrBlock", "Ipv6CidrBlock"), jsonString(e.CIDR.String()))
				switch lo, hi, ports, icmp := entryPorts(e); {
				case ports:
					fmt.Fprintf(b, "      PortRange: { From: %d, To: %d }\n", lo, hi)
				case icmp:
					fmt.Fprintf(b, "      Icmp: { Type: %d, Code: %d }\n", lo, hi)
				}
			}
		}
		for _, sp := range ap.subnets {
			fmt.Fprintf(b, "  %sAssociation:\n    Type: AWS::EC2::SubnetNetworkAclAssociation\n    Properties:\n      SubnetId: { Ref: %s }\n      NetworkAclId: %s\n",
				camel(sp.ident), camel(sp.ident), ref)
		}
	}
}
