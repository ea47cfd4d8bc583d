package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/log"
	"github.com/spf13/cobra"

	"github.com/sglab/sglab/internal/class"
	"github.com/sglab/sglab/internal/safetext"
	qz "github.com/sglab/sglab/quiz"
	"github.com/sglab/sglab/tui/app"
	"github.com/sglab/sglab/tui/board"
	"github.com/sglab/sglab/tui/classroom"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/lesson"
	tuiquiz "github.com/sglab/sglab/tui/quiz"
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
			cfg.Model = func(cs *class.Session) (tea.Model, error) { return sessionModel(cs, timeout) }
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
// new. Everything is built from the session's own renderer, and the
// learner's work goes to the class database.
func sessionModel(cs *class.Session, timeout time.Duration) (tea.Model, error) {
	srv := cs.Server()
	r := cs.Renderer()
	if cs.Role() == class.RoleInstructor {
		ctx := &common.Context{Styles: theme.New(r, theme.Auto), Now: time.Now, Remote: true}
		return board.New(class.NewLiveSource(cs.Context(), srv), ctx), nil
	}
	course := srv.Config().Course
	assignment := func(a class.Assignment) *app.Assignment {
		return &app.Assignment{Text: a.Describe(course), Open: func(ctx *common.Context) (common.Component, error) {
			if a.Kind == "quiz" {
				return tuiquiz.Open(ctx, qz.Options{Mode: qz.ModePractice, Topic: a.Topic, Count: a.Count, Seed: a.Seed})
			}
			return lesson.OpenAt(ctx, a.Lesson, a.Kind == "challenge")
		}}
	}
	current, hasCurrent, err := srv.DB().Current()
	if err != nil {
		return nil, err
	}
	banner := ""
	if hasCurrent {
		banner = "Assignment: " + current.Describe(course)
	}
	return classroom.New(cs, theme.New(r, theme.Auto), classroom.Options{
		Banner: banner,
		NewApp: func() (tea.Model, error) {
			o := app.Options{Renderer: r, Theme: theme.Auto, Store: cs.Store(), Remote: true,
				Course: course, Timeout: timeout}
			if hasCurrent {
				o.Assignment = assignment(current)
			}
			return app.NewSession(o)
		},
		Assign: func(a class.Assignment) tea.Msg { return app.AssignMsg{Assignment: assignment(a)} },
	})
}

// errNoClass is the class commands' answer without --class.
var errNoClass = errors.New("--class DIR is needed: the directory sglab serve keeps the class in")
