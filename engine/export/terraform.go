package export

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/sglab/sglab/engine"
)

// terraform writes aws_security_group resources and one
// aws_vpc_security_group_ingress_rule or _egress_rule per rule: never
// inline ingress or egress blocks, which the AWS provider forbids beside
// rule resources. Terraform removes the egress rule AWS adds to a new
// group, so every outbound rule is written out, AWS's default included.
func (p *planned) terraform() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Written by sglab export from %s.\n", hclComment(p.source))
	if len(p.acls) > 0 {
		b.WriteString("# Security groups and their rules, network ACLs and their entries; the VPCs and subnets are variables, since they exist already.\n\n")
	} else {
		b.WriteString("# Security groups and their rules; the VPCs are variables, since they exist already.\n\n")
	}
	for _, v := range p.vpcs {
		fmt.Fprintf(&b, "variable %q {\n  description = %s\n  type        = string\n}\n\n", v.ident,
			hclString("The id of the VPC the lab calls "+v.id))
	}
	for _, gp := range p.groups {
		if gp.isDefault {
			fmt.Fprintf(&b, "# The default group of %s exists already: rules that differ from AWS's defaults are added to it.\n", hclComment(gp.vpc.id))
			for _, r := range append(gp.revokeIn, gp.revokeOut...) {
				fmt.Fprintf(&b, "# The lab removed %s from it: revoke that rule by hand.\n", hclComment(describe(r, gp.g.ID)))
			}
			fmt.Fprintf(&b, "data \"aws_security_group\" %q {\n  vpc_id = var.%s\n  name   = \"default\"\n}\n\n", gp.ident, gp.vpc.ident)
			continue
		}
		fmt.Fprintf(&b, "resource \"aws_security_group\" %q {\n", gp.ident)
		fmt.Fprintf(&b, "  name        = %s\n", hclString(gp.name))
		fmt.Fprintf(&b, "  description = %s\n", hclString(description(gp.g)))
		fmt.Fprintf(&b, "  vpc_id      = var.%s\n}\n\n", gp.vpc.ident)
	}
	for _, gp := range p.groups {
		for _, d := range []engine.Direction{engine.Inbound, engine.Outbound} {
			rules := gp.in
			kind := "ingress"
			if d == engine.Outbound {
				rules, kind = gp.out, "egress"
			}
			for k, r := range rules {
				fmt.Fprintf(&b, "resource \"aws_vpc_security_group_%s_rule\" \"%s_%s_%d\" {\n", kind, gp.ident, kind, k+1)
				fmt.Fprintf(&b, "  security_group_id = %s.id\n", p.tfRef(gp))
				fmt.Fprintf(&b, "  ip_protocol       = %s\n", hclString(ipProtocol(r.Protocol)))
				if from, to, ok := awsPorts(r); ok {
					fmt.Fprintf(&b, "  from_port         = %d\n  to_port           = %d\n", from, to)
				}
				switch {
				case r.Peer.IsGroup():
					fmt.Fprintf(&b, "  referenced_security_group_id = %s.id\n", p.tfRef(p.byID[peerID(r.Peer, gp.g.ID)]))
				case cidrFamily(r.Peer.CIDR) == 4:
					fmt.Fprintf(&b, "  cidr_ipv4         = %s\n", hclString(r.Peer.CIDR.String()))
				default:
					fmt.Fprintf(&b, "  cidr_ipv6         = %s\n", hclString(r.Peer.CIDR.String()))
				}
				if r.Description != "" {
					fmt.Fprintf(&b, "  description       = %s\n", hclString(r.Description))
				}
				b.WriteString("}\n\n")
			}
		}
	}
	p.terraformACLs(&b)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func (p *planned) tfRef(gp *groupPlan) string {
	if gp.isDefault {
		return "data.aws_security_group." + gp.ident
	}
	return "aws_security_group." + gp.ident
}

// description is the group's description, which AWS requires.
func description(g *engine.Group) string {
	if g.Description != "" {
		return g.Description
	}
	return "Created from an sglab scenario"
}

// hclString quotes s as an HCL string literal: escapes, and template
// sequences ${ and %{ doubled so that they stay text.
func hclString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case (r == '$' || r == '%') && strings.HasPrefix(s[i+1:], "{"):
			b.WriteRune(r)
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// hclComment makes text safe inside a # comment: one line, no controls.
func hclComment(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029 {
			return '?'
		}
		return r
	}, s)
}
