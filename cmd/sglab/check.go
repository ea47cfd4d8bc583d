package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/internal/safetext"
)

func newCheckCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "check FILE...",
		Short: "Evaluate every connection of scenario files and check their expectations",
		Long: `Evaluate every connection of one or more scenario files. Exit status: 0 when
no expectation failed, 1 when one did, 2 when a file is invalid.`,
		Example: "  sglab check examples/scenarios/ssh-my-ip.yaml\n  sglab check --json scenario.yaml",
		Args:    args("FILE", "the scenario files to check", 1, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			code := exitOK
			for k, path := range args {
				if k > 0 && !asJSON {
					fmt.Fprintln(cmd.OutOrStdout())
				}
				code = max(code, checkFile(cmd, path, asJSON))
			}
			if code != exitOK {
				return exitError{code}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON document per file on standard output")
	addMaxFileSize(cmd)
	return cmd
}

// checkFile checks one file and returns its exit status.
func checkFile(cmd *cobra.Command, path string, asJSON bool) int {
	w, ok := load(cmd, path)
	if !ok {
		return exitInvalid
	}
	rep := report{Scenario: w.Name, Results: []resultJSON{}}
	results := make([]engine.Result, len(w.Connections))
	for k, c := range w.Connections {
		results[k] = engine.Evaluate(w, c)
		rep.Summary.add(c, results[k])
	}
	out := cmd.OutOrStdout()
	if asJSON {
		for k, c := range w.Connections {
			rep.Results = append(rep.Results, toJSON(c, results[k]))
		}
		if err := writeJSON(out, rep); err != nil {
			return exitInvalid
		}
	} else {
		title := w.Name
		if title == "" {
			title = filepath.FromSlash(path)
		}
		writeTable(out, newStyles(out), title, w.Connections, results, rep.Summary)
	}
	if rep.Summary.Failed > 0 {
		return exitFailed
	}
	return exitOK
}

// load reads a scenario, printing its errors and warnings on standard error.
func load(cmd *cobra.Command, path string) (*engine.World, bool) {
	return loadShowing(cmd, path, -1)
}

// loadShowing is load printing at most maxWarnings warnings (all of them
// when it is negative), then how many more there are: the lab opens an
// imported account, whose thousands of warnings would scroll past before
// the screen clears and be back when it quits. Errors are always all shown.
func loadShowing(cmd *cobra.Command, path string, maxWarnings int) (*engine.World, bool) {
	w, ds, err := engine.LoadFile(path, maxFileSize(cmd))
	if err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "sglab: cannot read %s: %s\n", safetext.Line(path), safetext.Line(unwrapPathError(err).Error()))
		return nil, false
	}
	warnings := ds.Warnings()
	if maxWarnings < 0 || len(warnings) <= maxWarnings || ds.HasErrors() {
		printDiagnostics(cmd.ErrOrStderr(), ds)
		return w, w != nil
	}
	printDiagnostics(cmd.ErrOrStderr(), warnings[:maxWarnings])
	more := len(warnings) - maxWarnings
	fmt.Fprintf(cmd.ErrOrStderr(), "sglab: and %d more %s; sglab check %s lists them all\n",
		more, plural(more, "warning"), safetext.Line(path))
	return w, w != nil
}
