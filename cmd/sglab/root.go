package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sglab/sglab/internal/safetext"
)

// Exit statuses of the scenario format's contract.
const (
	exitOK      = 0
	exitFailed  = 1 // an expectation failed
	exitInvalid = 2 // the file is invalid or the command is misused
)

// exitError ends the command with a status; its message, if any, has been
// printed already.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// run executes sglab with args and returns the exit status. Errors are
// printed as one clear line; no Go stack trace ever reaches the user.
func run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "sglab: internal error: %s\nPlease report this with the command you ran.\n", safetext.Line(fmt.Sprint(r)))
			code = exitInvalid
		}
	}()
	if len(args) == 1 && args[0] == "version" {
		// Scripts and installers run `sglab version` to see that sglab is
		// there, so it answers before the command tree is built: building
		// every subcommand's flags and cobra's completion commands is most
		// of what it would do after start-up, and none of it can change
		// what it prints. BenchmarkVersion measures it.
		return exitStatus(printVersion(stdout, false), stderr)
	}
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	return exitStatus(root.Execute(), stderr)
}

// exitStatus is the status a command's error ends sglab with, printing
// the error unless it has been printed already.
func exitStatus(err error, stderr io.Writer) int {
	var ee exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	}
	printError(stderr, err)
	return exitInvalid
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	tui := &tuiOptions{}
	root := &cobra.Command{
		Use:   "sglab",
		Short: "Learn AWS security groups by using them",
		Long: `sglab teaches AWS security groups by letting you use them: build groups,
attach them to instances, fire test connections and watch them connect,
get refused, or time out.`,
		Version:       currentBuild().String(),
		Args:          noArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !isTerminal(cmd.OutOrStdout()) || !isTerminal(os.Stdin) {
				return cmd.Help()
			}
			return runTUI(cmd, tui, "", false)
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(flagError)
	root.SetVersionTemplate("{{.Version}}\n")
	tui.addFlags(root)
	root.PersistentFlags().BoolVar(&tui.accessible, "accessible", accessibleEnv(),
		"screen-reader mode: forms ask one line at a time, marks and outcomes read as words (or ACCESSIBLE=1)")
	root.AddCommand(newCheckCmd(), newExplainCmd(), newVersionCmd())
	root.AddCommand(newLabCmd(tui))
	addPackFlag(root)
	root.AddCommand(newLessonsCmd(), newProgressCmd())
	root.AddCommand(newQuizCmd(tui))
	root.AddCommand(newImportCmd())
	root.AddCommand(newAuditCmd())
	root.AddCommand(newExportCmd())
	root.AddCommand(newServeCmd(tui), newClassCmd())
	addDocsCmd(root)
	return root
}

// accessibleEnv reads ACCESSIBLE as huh and gum do, set meaning on, except
// that a false value (0, false, no, off) means off.
func accessibleEnv() bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv("ACCESSIBLE"))) {
	case "", "0", "f", "false", "no", "off":
		return false
	}
	return true
}

// isTerminal reports whether w is a terminal that takes colour.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
