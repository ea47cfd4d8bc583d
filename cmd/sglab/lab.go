package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/spf13/cobra"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/internal/state"
	"github.com/sglab/sglab/tui/app"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/lab"
	"github.com/sglab/sglab/tui/theme"
)

// labWarnings is how many of a file's warnings `sglab lab FILE` prints
// before it opens; `sglab check` prints them all.
const labWarnings = 10

// tuiOptions are the flags of the terminal UI, shared by `sglab` and
// `sglab lab`.
type tuiOptions struct {
	theme   string
	dataDir string
	timeout float64
	// accessible is --accessible (root.go registers it, with ACCESSIBLE).
	accessible bool
	// start opens the first screen over home for the commands that open
	// one (sglab quiz); runTUI calls it once the context is ready.
	start func(ctx *common.Context) (common.Component, error)
}

func (o *tuiOptions) addFlags(root *cobra.Command) {
	f := root.PersistentFlags()
	f.StringVar(&o.theme, "theme", "", "light or dark: override the guess of the terminal's background")
	f.StringVar(&o.dataDir, "data-dir", "", "where sglab keeps your scratch lab and progress (default $SGLAB_HOME, else ~/.local/state/sglab on Linux, ~/Library/Application Support/sglab on macOS, %LocalAppData%\\sglab on Windows)")
	f.Float64Var(&o.timeout, "timeout-seconds", 3, "how long a timed-out connection makes you wait in the lab")
}

func newLabCmd(o *tuiOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lab [FILE]",
		Short: "Open the lab: build security groups and fire test connections",
		Long: `Open the lab on a scenario file, or on your scratch lab (autosaved in the
state directory and restored next time) when no file is given.`,
		Example: "  sglab lab\n  sglab lab examples/scenarios/ssh-my-ip.yaml",
		Args:    args("FILE", "", 0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			file := ""
			if len(args) == 1 {
				file = args[0]
			}
			return runTUI(cmd, o, file, true)
		},
	}
	addMaxFileSize(cmd)
	return cmd
}

// runTUI runs the app, on the lab when openLab is set (on file, or on the
// scratch lab when file is empty), or on what o.start opens.
func runTUI(cmd *cobra.Command, o *tuiOptions, file string, openLab bool) error {
	mode, err := theme.ParseMode(o.theme)
	if err != nil {
		return usage(cmd, "%s", err)
	}
	if o.timeout < 0 || o.timeout > 60 {
		return usage(cmd, "--timeout-seconds is 0 to 60, not %g", o.timeout)
	}
	dir, err := state.Dir(o.dataDir)
	if err != nil {
		return err
	}
	course, err := loadCourse(cmd) // a --pack with errors is refused here, as for `sglab lessons`
	if err != nil {
		return err
	}
	var w *engine.World
	if file != "" {
		var ok bool
		if w, ok = loadShowing(cmd, file, labWarnings); !ok {
			return exitError{exitInvalid}
		}
	}
	if !isTerminal(cmd.OutOrStdout()) || !isTerminal(os.Stdin) {
		return errors.New("the lab needs a terminal; `sglab check` and `sglab explain` work without one")
	}

	r := lipgloss.DefaultRenderer()
	if mode == theme.Auto {
		// Ask the terminal for its background now, before Bubble Tea reads
		// the keyboard and could swallow the answer, and only once nothing
		// can fail before the program runs to read what comes after it.
		r.HasDarkBackground()
	}
	root, err := app.NewSession(app.Options{
		Renderer: r, Theme: mode, DataDir: dir, Course: course, Accessible: o.accessible,
		Timeout: time.Duration(o.timeout * float64(time.Second)),
		Start: func(ctx *common.Context) (common.Component, error) {
			switch {
			case w != nil:
				return lab.New(ctx, w, lab.WithPath(file)), nil
			case openLab:
				return lab.OpenScratch(ctx)
			case o.start != nil:
				return o.start(ctx)
			}
			return nil, nil
		},
	})
	if err != nil {
		return err
	}
	_, err = tea.NewProgram(root, tea.WithAltScreen(), tea.WithOutput(cmd.OutOrStdout())).Run()
	root.Close() // whatever ended the program, what the session holds is written
	if err != nil {
		return fmt.Errorf("the terminal UI stopped: %w", err)
	}
	if c := root.Crashed(); c != nil {
		log := filepath.Join(dir, "crash-"+time.Now().UTC().Format("20060102T150405")+".log")
		if os.MkdirAll(dir, 0o700) == nil && os.WriteFile(log, fmt.Appendf(nil, "%v\n\n%s", c.Value, c.Stack), 0o600) == nil {
			return fmt.Errorf("%w (details in %s; please report it)", root.Err(), log)
		}
	}
	return root.Err()
}
