package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sglab/sglab/internal/safetext"
	"github.com/sglab/sglab/internal/state"
	"github.com/sglab/sglab/lessons"
)

// packFlag is the persistent root flag that adds lesson packs after the
// built-in course.
const packFlag = "pack"

func addPackFlag(root *cobra.Command) {
	root.PersistentFlags().StringArray(packFlag, nil, "add the lessons in directory `DIR` after the built-in course (repeatable)")
}

func newLessonsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lessons COMMAND",
		Short: "List the course's lessons, or validate a lesson pack",
		Long: `The course is a series of lessons, each with pages to read, hands-on
challenges checked by the engine, hints and check questions. Instructors
add their own lessons with --pack DIR; see docs/lesson-format.md.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newLessonsListCmd(), newLessonsValidateCmd())
	return cmd
}

func newLessonsListCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List the lessons, with your progress in each",
		Example: "  sglab lessons list\n  sglab lessons list --json --pack workshop/",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			course, err := loadCourse(cmd)
			if err != nil {
				return err
			}
			progress, err := loadProgress(cmd)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), lessonsJSON(course, progress))
			}
			writeLessonList(cmd.OutOrStdout(), newStyles(cmd.OutOrStdout()), course, progress)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON document on standard output")
	return cmd
}

func newLessonsValidateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validate DIR",
		Short: "Check a lesson pack: its format, scenarios and reference solutions",
		Long: `Check every lesson of a pack: complete front matter, valid scenarios, and
for every challenge, a reference solution that meets all its goals and a
starting world that does not. Problems are printed on standard error as
FILE:LINE:COL: CODE: message. Exit status: 0 when the pack is valid, 1 when
it is not.`,
		Example: "  sglab lessons validate workshop/",
		Args:    args("DIR", "the lesson pack to check", 1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			pack, ds := lessons.LoadDir(dir)
			if pack != nil {
				ds = append(ds, lessons.Validate(pack)...)
			}
			printDiagnostics(cmd.ErrOrStderr(), ds)
			if errs := ds.Errors(); len(errs) > 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %d %s\n", safetext.Line(dir), len(errs), plural(len(errs), "problem"))
				return exitError{exitFailed}
			}
			challenges := 0
			for _, l := range pack.Lessons {
				challenges += len(l.Challenges)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %d %s, %d %s: valid\n", safetext.Line(dir),
				len(pack.Lessons), plural(len(pack.Lessons), "lesson"), challenges, plural(challenges, "challenge"))
			return nil
		},
	}
}

// loadCourse loads the built-in course and the packs given with --pack,
// printing problems on standard error. A pack with errors is refused.
func loadCourse(cmd *cobra.Command) (*lessons.Course, error) {
	dirs, err := cmd.Flags().GetStringArray(packFlag)
	if err != nil {
		return nil, err
	}
	course, ds := lessons.LoadCourse(dirs...)
	printDiagnostics(cmd.ErrOrStderr(), ds)
	if ds.HasErrors() {
		fmt.Fprintln(cmd.ErrOrStderr(), "sglab: a lesson pack has errors; `sglab lessons validate DIR` checks one")
		return nil, exitError{exitInvalid}
	}
	return course, nil
}

// loadProgress reads the learner's progress from the state directory. A
// corrupt file is set aside with a warning, and the learner starts clean.
func loadProgress(cmd *cobra.Command) (*lessons.Progress, error) {
	store, err := openStore(cmd)
	if err != nil {
		return nil, err
	}
	return lessons.LoadProgress(store)
}

// openStore opens the state directory (--data-dir, SGLAB_HOME or XDG),
// with warnings about set-aside files on standard error.
func openStore(cmd *cobra.Command) (*state.Store, error) {
	override := ""
	if f := cmd.Flags().Lookup("data-dir"); f != nil {
		override = f.Value.String()
	}
	dir, err := state.Dir(override)
	if err != nil {
		return nil, err
	}
	store, err := state.Open(dir)
	if err != nil {
		return nil, err
	}
	store.Warn = func(msg string) { fmt.Fprintf(cmd.ErrOrStderr(), "sglab: warning: %s\n", safetext.Line(msg)) }
	return store, nil
}

// statusMark is how a lesson's status is shown in text: a mark and a
// word, padded so that what follows lines up.
func statusMark(st styles, s lessons.Status) string {
	style, text := st.dim, "○ not started"
	switch s {
	case lessons.Done:
		style, text = st.pass, "✓ done"
	case lessons.InProgress:
		style, text = st.refused, "◐ in progress"
	}
	return style.Render(text + strings.Repeat(" ", len("◐ in progress")-len(text)))
}

func writeLessonList(w io.Writer, st styles, course *lessons.Course, progress *lessons.Progress) {
	pack := ""
	for k, l := range course.Lessons {
		if l.Pack != pack {
			if pack != "" {
				fmt.Fprintln(w)
			}
			pack = l.Pack
			title := "Built-in course"
			if pack != lessons.BuiltinName {
				title = "Pack " + pack
			}
			fmt.Fprintln(w, st.title.Render(safetext.Line(title)))
		}
		fmt.Fprintf(w, "%3d  %s  %s\n", k+1, statusMark(st, progress.Status(l.ID)), safetext.Line(l.Title))
		fmt.Fprintf(w, "%20s%s\n", "", st.dim.Render(safetext.Line(l.ID+" · "+strings.Join(l.Concepts, ", "))))
	}
}

// lessonJSON is one lesson in `sglab lessons list --json`.
type lessonJSON struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Pack       string   `json:"pack"`
	Order      int      `json:"order"`
	Summary    string   `json:"summary"`
	Minutes    int      `json:"minutes"`
	Concepts   []string `json:"concepts"`
	Status     string   `json:"status"` // not-started, in-progress or done
	Pages      int      `json:"pages"`
	Challenges int      `json:"challenges"`
	Questions  int      `json:"questions"`
}

func lessonsJSON(course *lessons.Course, progress *lessons.Progress) any {
	out := struct {
		Lessons []lessonJSON `json:"lessons"`
	}{Lessons: []lessonJSON{}}
	for _, l := range course.Lessons {
		out.Lessons = append(out.Lessons, lessonJSON{
			ID: l.ID, Title: l.Title, Pack: l.Pack, Order: l.Order, Summary: l.Summary, Minutes: l.Minutes,
			Concepts: l.Concepts, Status: statusJSON(progress.Status(l.ID)),
			Pages: len(l.Pages), Challenges: len(l.Challenges), Questions: len(l.Questions),
		})
	}
	return out
}

// statusJSON names a status for tools: one word each.
func statusJSON(s lessons.Status) string {
	if s == lessons.NotStarted {
		return "not-started"
	}
	return string(s)
}
