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
		port               int
		asJSON             bool
	)
	cmd := &cobra.Command{
		Use:   "explain FILE --from A --to B [--protocol P] [--port N]",
		Short: "Show every step of one connection's evaluation",
		Long: `Evaluate one connection in a scenario and show every step: the addresses
chosen, each group and rule looked at, and the service check. A and B are
instances or hosts (id or name) or IP addresses.`,
		Example: "  sglab explain examples/scenarios/ssh-my-ip.yaml --from \"someone else's computer\" --to web-1 --port 22",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := engine.ParseProtocol(protocol)
			if err != nil || !(p.HasPorts() || p.IsICMP()) {
				return fmt.Errorf("--protocol is tcp, udp, icmp or icmpv6, not %q", protocol)
			}
			if p.HasPorts() && !cmd.Flags().Changed("port") {
				return fmt.Errorf("a %s connection needs --port", p)
			}
			if p.HasPorts() && (port < 0 || port > 65535) {
				return fmt.Errorf("--port %d is out of range 0-65535", port)
			}
			w, ok := load(cmd, args[0])
			if !ok {
				return exitError{exitInvalid}
			}
			c := engine.Connection{From: from, To: to, Protocol: p, Port: port}
			if !p.HasPorts() {
				c.Port = 0
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
	f.IntVar(&port, "port", 0, "destination port (tcp and udp)")
	f.BoolVar(&asJSON, "json", false, "print a JSON document with the trace")
	addMaxFileSize(cmd)
	cmd.MarkFlagRequired("from")
	cmd.MarkFlagRequired("to")
	return cmd
}

// unwrapPathError drops the path from an error that repeats it.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
