package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/log"
	"github.com/spf13/cobra"

	"github.com/sglab/sglab/internal/class"
	"github.com/sglab/sglab/internal/safetext"
	"github.com/sglab/sglab/tui/app"
	"github.com/sglab/sglab/tui/board"
	"github.com/sglab/sglab/tui/classroom"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/theme"
)

func newServeCmd(o *tuiOptions) *cobra.Command {
	cfg := class.Config{}
	cmd := &cobra.Command{
		Use:   "serve --class DIR (--roster FILE | --join-code CODE | --open)",
		Short: "Serve sglab to a classroom over SSH",
		Long: `Serve the whole app (course, lab and quiz) over SSH: every learner types one
ssh command and gets a session of their own, with their progress kept in the
class's database in --class DIR. Instructors' keys (--instructors) get the
live class board instead.

Who gets in: public-key authentication only. With --roster, only the keys it
lists (authorized_keys format; each key's comment is the learner's name).
Without a roster, a new key enrols with --join-code (the learner types the
code and a name first) or, with --open, without a code. With none of the
three, serve refuses to start: nobody gets in anonymously by default.`,
		Example: `  sglab serve --class ./class --roster roster.txt --instructors instructors.txt
  sglab serve --class ./class --join-code tuesday-42 --listen 0.0.0.0:2222`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := cfg.Check(); err != nil {
				return usage(cmd, "%s", err)
			}
			course, err := loadCourse(cmd)
			if err != nil {
				return err
			}
			cfg.Course = course
			cfg.Logger = log.NewWithOptions(cmd.ErrOrStderr(), log.Options{ReportTimestamp: true, TimeFormat: time.RFC3339, Prefix: "sglab"})
			timeout := time.Duration(o.timeout * float64(time.Second))
			cfg.Model = func(cs *class.Session) tea.Model { return sessionModel(cs, cfg.Dir, timeout) }
			srv, err := class.NewServer(cfg)
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", cfg.Listen)
			if err != nil {
				srv.Shutdown(context.Background())
				return fmt.Errorf("cannot listen on %s: %w", cfg.Listen, err)
			}
			host, port, _ := net.SplitHostPort(ln.Addr().String())
			fmt.Fprintf(cmd.OutOrStdout(), "sglab serve: the class in %s listens on %s.\nLearners connect with: ssh -p %s %s\n",
				safetext.Line(cfg.Dir), ln.Addr(), port, host)
			if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
				fmt.Fprintln(cmd.OutOrStdout(), "Only this machine can connect: --listen 0.0.0.0:"+port+" lets the room in.")
			}

			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			done := make(chan error, 1)
			go func() { done <- srv.Serve(ln) }()
			select {
			case err := <-done:
				srv.Shutdown(context.Background())
				return err
			case <-ctx.Done():
			}
			fmt.Fprintln(cmd.OutOrStdout(), "sglab serve: stopping; every session saves what it holds…")
			shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			return srv.Shutdown(shutdown)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Listen, "listen", class.DefaultListen, "the address to listen on: loopback by default; 0.0.0.0:2222 lets the room in")
	f.StringVar(&cfg.Dir, "class", "", "the class's `DIR`: its database and SSH host key (created, mode 0700)")
	f.StringVar(&cfg.RosterFile, "roster", "", "the learners' public keys, authorized_keys `FILE`; each key's comment is the learner's name")
	f.StringVar(&cfg.InstructorsFile, "instructors", "", "the instructors' public keys, authorized_keys `FILE`: they get the class board")
	f.StringVar(&cfg.JoinCode, "join-code", "", "without --roster: a new key enrols by typing this `CODE` (never logged)")
	f.BoolVar(&cfg.Open, "open", false, "without --roster: any key enrols, no code asked (a trusted room only)")
	f.DurationVar(&cfg.IdleTimeout, "idle-timeout", class.DefaultIdleTimeout, "close a session after this long without a key or a frame")
	f.IntVar(&cfg.MaxSessions, "max-sessions", class.DefaultMaxSessions, "the most sessions at once; more are told the class is full")
	f.IntVar(&cfg.FPS, "fps", class.DefaultFPS, "the most frames a second each session draws")
	return cmd
}

// sessionModel is what a session shows: the board for an instructor;
// for a learner, the app, behind the enrolment prompts while the key is
// new. Everything is built from the session's own renderer.
func sessionModel(cs *class.Session, dir string, timeout time.Duration) tea.Model {
	st := theme.New(cs.Renderer(), theme.Auto)
	srv := cs.Server()
	if cs.Role() == class.RoleInstructor {
		return board.New(class.NewLiveSource(cs.Context(), srv), &common.Context{Styles: st, Now: time.Now, Remote: true})
	}
	return classroom.New(cs, st, srv.CurrentAssignment(), func() tea.Model {
		id, _ := cs.LearnerID()
		ctx := &common.Context{Styles: st, Now: time.Now, Timeout: timeout, Course: srv.Config().Course,
			DataDir: filepath.Join(dir, "learners", strconv.FormatInt(id, 10))}
		return app.New(ctx, nil)
	})
}

// errNoClass is the class commands' answer without --class.
var errNoClass = errors.New("--class DIR is needed: the directory sglab serve keeps the class in")
