package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/engine/audit"
	"github.com/sglab/sglab/internal/safetext"
)

func newAuditCmd() *cobra.Command {
	var (
		asJSON bool
		failOn string
	)
	cmd := &cobra.Command{
		Use:   "audit FILE [--json] [--fail-on high|medium|low]",
		Short: "Review a scenario's security groups: open ports, unused groups, shadowed rules, what the internet reaches",
		Long: `Review every security group of a scenario (an imported AWS account, say) and
list findings with a stable id, a severity, the group and rule, why it matters
and how to fix it, and the Prowler check or CIS AWS Foundations control that
looks for the same. Then list, per machine, the ports the internet reaches, as
the engine evaluates it.

Exit status: 0 when no finding reaches --fail-on (default high), 1 when one
does, 2 when the file is invalid.`,
		Example: "  sglab audit account.yaml\n  sglab audit account.yaml --fail-on medium --json",
		Args:    args("FILE", "the scenario file to review", 1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			threshold, ok := audit.ParseSeverity(failOn)
			if !ok {
				return usage(cmd, "--fail-on is high, medium or low, not %q", failOn)
			}
			w, ok := load(cmd, args[0])
			if !ok {
				return exitError{exitInvalid}
			}
			rep := audit.Run(w)
			out := cmd.OutOrStdout()
			if asJSON {
				if err := writeJSON(out, auditJSON(w, rep)); err != nil {
					return err
				}
			} else {
				writeAudit(out, newStyles(out), w, rep)
			}
			if rep.Worst() >= threshold {
				return exitError{exitFailed}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON document")
	cmd.Flags().StringVar(&failOn, "fail-on", "high", "exit 1 when a finding of this severity or higher is found: high, medium or low")
	return cmd
}

type auditReport struct {
	Scenario string         `json:"scenario"`
	Findings []findingJSON  `json:"findings"`
	Exposure []exposureJSON `json:"exposure"`
	Summary  map[string]int `json:"summary"`
}

type findingJSON struct {
	ID        string `json:"id"`
	Check     string `json:"check"`
	Severity  string `json:"severity"`
	Group     string `json:"group"`
	GroupName string `json:"group_name,omitempty"`
	Direction string `json:"direction,omitempty"`
	Rule      *int   `json:"rule,omitempty"`
	RuleText  string `json:"rule_text,omitempty"`
	Reason    string `json:"reason"`
	Fix       string `json:"fix"`
	Prowler   string `json:"prowler,omitempty"`
	CIS       string `json:"cis,omitempty"`
}

type exposureJSON struct {
	Machine string     `json:"machine"`
	Name    string     `json:"name,omitempty"`
	Open    []openJSON `json:"open"`
}

type openJSON struct {
	Protocol string `json:"protocol"`
	Ports    string `json:"ports,omitempty"`
	From     string `json:"from"`
}

func auditJSON(w *engine.World, rep *audit.Report) auditReport {
	out := auditReport{Scenario: w.Name, Findings: []findingJSON{}, Exposure: []exposureJSON{}, Summary: map[string]int{}}
	for _, f := range rep.Findings {
		j := findingJSON{ID: f.ID, Check: f.Name, Severity: f.Severity.String(), Group: f.Group, GroupName: f.GroupName,
			RuleText: f.RuleText, Reason: f.Reason, Fix: f.Fix, Prowler: f.Prowler, CIS: cisName(f.CIS)}
		if f.Rule >= 0 {
			k := f.Rule
			j.Rule, j.Direction = &k, f.Direction.String()
		}
		out.Findings = append(out.Findings, j)
	}
	for _, s := range []audit.Severity{audit.High, audit.Medium, audit.Low} {
		out.Summary[s.String()] = rep.Count()[s]
	}
	for _, e := range rep.Exposure {
		j := exposureJSON{Machine: e.Machine, Name: e.Name, Open: []openJSON{}}
		for _, o := range e.Open {
			j.Open = append(j.Open, openJSON{Protocol: o.Protocol.String(), Ports: openPorts(o), From: o.From})
		}
		out.Exposure = append(out.Exposure, j)
	}
	return out
}

func cisName(c string) string {
	if c == "" {
		return ""
	}
	return "CIS AWS Foundations v3.0.0 " + c
}

func openPorts(o audit.Open) string {
	if !o.Protocol.HasPorts() {
		return ""
	}
	return o.Ports.Format(o.Protocol)
}

// writeAudit prints the findings, most severe first, then the exposure.
func writeAudit(w io.Writer, st styles, world *engine.World, rep *audit.Report) {
	var b strings.Builder
	title := world.Name
	if title == "" {
		title = "Audit"
	}
	fmt.Fprintln(&b, st.title.Render(safetext.Line(title)))
	c := rep.Count()
	fmt.Fprintf(&b, "%d %s: %d high, %d medium, %d low\n\n", len(rep.Findings), plural(len(rep.Findings), "finding"), c[audit.High], c[audit.Medium], c[audit.Low])
	for _, f := range rep.Findings {
		sev := f.Severity.String()
		switch f.Severity {
		case audit.High:
			sev = st.fail.Render(sev)
		case audit.Medium:
			sev = st.refused.Render(sev)
		}
		where := safetext.Line(f.Group)
		if f.GroupName != "" && f.GroupName != f.Group {
			where += " (" + safetext.Line(f.GroupName) + ")"
		}
		if f.Rule >= 0 {
			where += fmt.Sprintf(", %s rule %d: %s", f.Direction, f.Rule+1, safetext.Line(f.RuleText))
		}
		fmt.Fprintf(&b, "%s %s %s\n", st.header.Render(f.ID), sev, safetext.Line(f.Name))
		fmt.Fprintf(&b, "  %s\n  %s\n  %s %s\n", where, safetext.Line(f.Reason), st.dim.Render("fix:"), safetext.Line(f.Fix))
		var refs []string
		if f.Prowler != "" {
			refs = append(refs, "Prowler "+f.Prowler)
		}
		if f.CIS != "" {
			refs = append(refs, cisName(f.CIS))
		}
		if len(refs) > 0 {
			fmt.Fprintf(&b, "  %s %s\n", st.dim.Render("see:"), strings.Join(refs, "; "))
		}
		b.WriteByte('\n')
	}
	fmt.Fprintln(&b, st.title.Render("What the internet reaches (evaluated by the engine)"))
	if len(rep.Exposure) == 0 {
		fmt.Fprintln(&b, "Nothing: no machine takes a packet from the internet.")
	} else {
		var rows [][]string
		for _, e := range rep.Exposure {
			name := safetext.Line(e.Machine)
			if e.Name != "" {
				name = safetext.Line(e.Name) + " (" + name + ")"
			}
			for k, o := range e.Open {
				if k > 0 {
					name = ""
				}
				ports := openPorts(o)
				if ports == "" {
					ports = "echo"
				}
				rows = append(rows, []string{name, o.Protocol.String(), ports, anyone(o.From)})
			}
		}
		fmt.Fprintln(&b, columns(st.header, []string{"MACHINE", "PROTOCOL", "PORTS", "FROM"}, rows))
	}
	io.WriteString(w, b.String())
}

func anyone(from string) string {
	if from == "0.0.0.0/0" || from == "::/0" {
		return "anyone (" + from + ")"
	}
	return from
}
