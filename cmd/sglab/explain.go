package main

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/spf13/cobra"

	"github.com/sglab/sglab/engine"
)

func newExplainCmd() *cobra.Command {
	var (
		from, to, protocol string
		port, sourcePort   portValue
		asJSON             bool
	)
	cmd := &cobra.Command{
		Use:   "explain FILE --from A --to B [--protocol P] [--port N]",
		Short: "Show every step of one connection's evaluation",
		Long: `Evaluate one connection in a scenario and show every step: the addresses
chosen, each group and rule looked at, and the service check. A and B are
instances or hosts (id or name) or IP addresses.`,
		Example: "  sglab explain examples/scenarios/ssh-my-ip.yaml --from \"someone else's computer\" --to web-1 --port 22",
		Args:    args("FILE", "the scenario file that holds the connection", 1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := needFrom(cmd); err != nil {
				return err
			}
			p, err := engine.ParseProtocol(protocol)
			if err != nil || !(p.HasPorts() || p.IsICMP()) {
				return usage(cmd, "--protocol is tcp, udp, icmp or icmpv6, not %q", protocol)
			}
			if p.HasPorts() && !cmd.Flags().Changed("port") {
				return usage(cmd, "missing --port: a %s connection goes to a port", p)
			}
			w, ok := load(cmd, args[0])
			if !ok {
				return exitError{exitInvalid}
			}
			c := engine.Connection{From: from, To: to, Protocol: p, Port: int(port)}
			if !p.HasPorts() {
				c.Port = 0
			}
			if cmd.Flags().Changed("source-port") {
				if sourcePort < 1 {
					return usage(cmd, "--source-port is 1-65535, not %d", sourcePort)
				}
				c.SourcePort = int(sourcePort)
			}
			if err := w.ValidateConnection(c); err != nil {
				return fmt.Errorf("%w", err)
			}
			r := engine.Trace(w, c)
			out := cmd.OutOrStdout()
			if asJSON {
				rep := report{Scenario: w.Name, Results: []resultJSON{toJSON(c, r)}}
				rep.Summary.add(c, r)
				return writeJSON(out, rep)
			}
			writeTrace(out, newStyles(out), c, r)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "", "where the connection starts: an instance, a host or an IP address")
	f.StringVar(&to, "to", "", "where it goes: an instance, a host or an IP address")
	f.StringVar(&protocol, "protocol", "tcp", "tcp, udp, icmp or icmpv6")
	f.Var(&port, "port", "destination port, 0-65535 (tcp and udp)")
	f.Var(&sourcePort, "source-port", "the client's source port, 1-65535, which network ACLs see on the reply (default 32768 from an instance, 49152 otherwise)")
	f.BoolVar(&asJSON, "json", false, "print a JSON document with the trace")
	addMaxFileSize(cmd)
	return cmd
}

// needFrom checks that explain was told both ends of the connection.
func needFrom(cmd *cobra.Command) error {
	from, to := cmd.Flags().Changed("from"), cmd.Flags().Changed("to")
	switch {
	case !from && !to:
		return usage(cmd, "missing --from and --to: where the connection starts and where it goes (instances, hosts or IP addresses)")
	case !from:
		return usage(cmd, "missing --from: where the connection starts (an instance, a host or an IP address)")
	case !to:
		return usage(cmd, "missing --to: where the connection goes (an instance, a host or an IP address)")
	}
	return nil
}

// unwrapPathError drops the path from an error that repeats it.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
