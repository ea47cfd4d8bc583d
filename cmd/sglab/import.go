package main

import (
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/engine/awsjson"
	"github.com/sglab/sglab/internal/safetext"
)

func newImportCmd() *cobra.Command {
	var (
		output, region string
		hosts          []string
	)
	cmd := &cobra.Command{
		Use:   "import PATH... [-o FILE] [--region R] [--host NAME=IP ...]",
		Short: "Turn AWS CLI output (describe-security-groups, describe-instances, …) into a scenario file",
		Long: `Read the JSON the AWS CLI v2 prints for describe-vpcs, describe-subnets,
describe-security-groups, describe-security-group-rules, describe-instances,
describe-network-interfaces and describe-network-acls, as files in any order or
as directories (Batfish's aws_configs/<region>/ layout too), and write one
scenario file that check, explain, audit and the lab open.

Every network interface becomes a machine. What the format cannot hold
(prefix lists, groups of other accounts or peered VPCs, secondary addresses,
stopped instances) is a warning here and a comment in the file; names the
format refuses are renamed, and the renaming is listed. Exit status 0, or 2
when an input is not AWS CLI output.`,
		Example: `  aws ec2 describe-security-groups > aws-json/sgs.json
  aws ec2 describe-network-interfaces > aws-json/enis.json
  aws ec2 describe-instances > aws-json/instances.json
  aws ec2 describe-vpcs > aws-json/vpcs.json
  aws ec2 describe-subnets > aws-json/subnets.json
  aws ec2 describe-network-acls > aws-json/acls.json
  sglab import ./aws-json -o account.yaml --host office=203.0.113.10`,
		Args: args("PATH", "the AWS CLI output to read, as files or directories", 1, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opt := awsjson.Options{Region: region}
			for _, h := range hosts {
				host, err := parseHostFlag(h)
				if err != nil {
					return usage(cmd, "%s", err)
				}
				opt.Hosts = append(opt.Hosts, host)
			}
			stderr := cmd.ErrOrStderr()
			fail := func(err error) error {
				fmt.Fprintf(stderr, "sglab import: %s\n", safetext.Line(err.Error()))
				return exitError{exitInvalid}
			}
			inputs, err := awsjson.ReadPaths(args)
			if err != nil {
				return fail(err)
			}
			res, err := awsjson.Import(inputs, opt)
			if err != nil {
				return fail(err)
			}
			name := output
			if name == "" || name == "-" {
				name = "the scenario"
			}
			// The file must load: check it with the loader every command uses.
			if w, ds := engine.Parse(name, res.YAML); w == nil {
				for _, d := range ds.Errors() {
					fmt.Fprintln(stderr, safetext.Line(d.String()))
				}
				return fail(fmt.Errorf("the scenario it wrote does not load (a bug in sglab import: please report it with the input); nothing was written"))
			}
			if output == "" || output == "-" {
				if _, err := cmd.OutOrStdout().Write(res.YAML); err != nil {
					return fail(err)
				}
			} else if err := engine.WriteFileAtomic(output, res.YAML, 0o644); err != nil {
				return fail(fmt.Errorf("cannot write %s: %w", output, unwrapPathError(err)))
			}
			printImportReport(stderr, output, res)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&output, "output", "o", "", "write the scenario to FILE (default: standard output)")
	f.StringVar(&region, "region", "", "region of VPCs whose region neither a snapshot folder nor an availability zone tells (default us-east-1)")
	f.StringArrayVar(&hosts, "host", nil, "add a machine outside AWS, NAME=IP (repeat for more): --host office=203.0.113.10")
	return cmd
}

// parseHostFlag reads --host NAME=IP.
func parseHostFlag(s string) (awsjson.Host, error) {
	name, ip, ok := strings.Cut(s, "=")
	if !ok {
		return awsjson.Host{}, fmt.Errorf("--host %q: write NAME=IP, such as office=203.0.113.10", s)
	}
	a, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil || a.Zone() != "" || a.Is4In6() {
		return awsjson.Host{}, fmt.Errorf("--host %q: %q is not an IPv4 or IPv6 address", s, ip)
	}
	return awsjson.Host{Name: strings.TrimSpace(name), IP: a}, nil
}

// printImportReport lists every warning and renaming, then what was written.
func printImportReport(w io.Writer, output string, res *awsjson.Result) {
	var b strings.Builder
	for _, x := range res.Warnings {
		b.WriteString("warning: " + safetext.Line(x.String()) + "\n")
	}
	for _, r := range res.Renames {
		to := `its id`
		if r.To != "" {
			to = fmt.Sprintf("%q", r.To)
		}
		fmt.Fprintf(&b, "renamed: %s: %q is now %s: %s\n", safetext.Line(r.Resource), safetext.Line(r.From), safetext.Line(to), safetext.Line(r.Why))
	}
	s := res.Stats
	where := "standard output"
	if output != "" && output != "-" {
		where = safetext.Line(output)
	}
	fmt.Fprintf(&b, "Wrote %s from %d %s: %d %s, %d security %s (%d %s), %d %s, %d %s; %d %s, %d %s.\n",
		where, s.Files, plural(s.Files, "file"), s.VPCs, plural(s.VPCs, "VPC"), s.Groups, plural(s.Groups, "group"),
		s.Rules, plural(s.Rules, "rule"), s.Machines, plural(s.Machines, "machine"), s.Hosts, plural(s.Hosts, "host"),
		len(res.Warnings), plural(len(res.Warnings), "warning"), len(res.Renames), plural(len(res.Renames), "rename"))
	io.WriteString(w, b.String())
}
