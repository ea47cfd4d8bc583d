package main

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/engine/export"
	"github.com/sglab/sglab/internal/safetext"
)

func newExportCmd() *cobra.Command {
	var format, output string
	cmd := &cobra.Command{
		Use:   "export FILE --format terraform|cli|cloudformation [-o FILE]",
		Short: "Write a scenario's security groups and network ACLs as Terraform, an AWS CLI script or CloudFormation",
		Long: `Write the security groups and network ACLs of a scenario (a lab design, say)
as something that builds them in AWS: Terraform (aws_security_group and one
aws_vpc_security_group_ingress_rule or _egress_rule per rule; aws_network_acl,
aws_network_acl_rule and aws_network_acl_association), a bash script of AWS CLI
calls, or a CloudFormation template. The VPCs and subnets become inputs, since
they exist already. Exit status 0, or 2 when the file is invalid.`,
		Example: "  sglab export design.yaml --format terraform -o main.tf\n  sglab export design.yaml --format cli > create-groups.sh",
		Args:    args("FILE", "the scenario file whose security groups and network ACLs to write", 1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("format") {
				return usage(cmd, "missing --format: terraform, cli or cloudformation")
			}
			f := export.Format(strings.ToLower(format))
			if !strings.Contains(" terraform cli cloudformation ", " "+string(f)+" ") {
				return usage(cmd, "--format is terraform, cli or cloudformation, not %q", format)
			}
			w, ok := load(cmd, args[0])
			if !ok {
				return exitError{exitInvalid}
			}
			src := w.Name
			if src == "" {
				src = args[0]
			}
			data, err := export.Write(w, f, src)
			if err != nil {
				return err
			}
			if output == "" || output == "-" {
				_, err = cmd.OutOrStdout().Write(data)
				return err
			}
			mode := 0o644
			if f == export.CLI {
				mode = 0o755
			}
			if err := engine.WriteFileAtomic(output, data, fs.FileMode(mode)); err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "sglab export: cannot write %s: %v\n", safetext.Line(output), unwrapPathError(err))
				return exitError{exitInvalid}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "terraform, cli or cloudformation")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to FILE (default: standard output)")
	return cmd
}
