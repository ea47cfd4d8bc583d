package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/spf13/cobra"

	"github.com/sglab/sglab/internal/class"
	"github.com/sglab/sglab/lessons"
	"github.com/sglab/sglab/tui/board"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/theme"
)

func newClassCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "class COMMAND",
		Short: "The class sglab serve keeps: its live board, its results",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newClassExportCmd(), newClassBoardCmd())
	return cmd
}

// openClass opens the class database in dir, which must exist: a typo
// must not create an empty class and report nobody.
func openClass(dir string) (*class.DB, error) {
	if dir == "" {
		return nil, errNoClass
	}
	if _, err := os.Stat(filepath.Join(dir, class.DBFile)); err != nil {
		return nil, fmt.Errorf("%s holds no class (no %s): give the --class DIR of sglab serve", dir, class.DBFile)
	}
	return class.OpenDB(dir)
}

func newClassExportCmd() *cobra.Command {
	var dir, format, output string
	cmd := &cobra.Command{
		Use:   "export --class DIR --format csv|json",
		Short: "Export the class's results: one row per learner",
		Long: `Export one row per learner: name, key fingerprint, each lesson's status,
hints and solutions used, quiz accuracy, exam scores and assignment results.
CSV opens in a spreadsheet (a header row, one learner a line, RFC 4180);
JSON is for tools.`,
		Example: "  sglab class export --class ./class --format csv > results.csv",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "csv" && format != "json" {
				return usage(cmd, "--format is csv or json, not %q", format)
			}
			course, err := loadCourse(cmd)
			if err != nil {
				return err
			}
			db, err := openClass(dir)
			if err != nil {
				return err
			}
			defer db.Close()
			reports, err := db.Reports(course, nil)
			if err != nil {
				return err
			}
			as, err := db.Assignments()
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if output != "" && output != "-" {
				f, err := os.OpenFile(output, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
				if err != nil {
					return err
				}
				defer f.Close()
				out = f
			}
			if format == "json" {
				return exportJSON(out, course, reports, as)
			}
			return exportCSV(out, course, reports, as)
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "class", "", "the class `DIR` sglab serve keeps")
	f.StringVar(&format, "format", "csv", "csv or json")
	f.StringVarP(&output, "output", "o", "", "write to `FILE` (mode 0600) instead of standard output")
	return cmd
}

// The export's documents.
type (
	exportLearner struct {
		Name         string               `json:"name"`
		Fingerprint  string               `json:"fingerprint"`
		Enrolled     time.Time            `json:"enrolled"`
		LastActivity time.Time            `json:"last_activity"`
		LessonsDone  int                  `json:"lessons_done"`
		Lessons      []exportLesson       `json:"lessons"`
		Hints        int                  `json:"hints_used"`
		Solutions    int                  `json:"solutions_shown"`
		QuizAnswered int                  `json:"quiz_answered"`
		QuizCorrect  int                  `json:"quiz_correct"`
		Exams        []exportExam         `json:"exams"`
		Assignments  []exportAssignResult `json:"assignments"`
	}
	exportLesson struct {
		ID     string `json:"id"`
		Title  string `json:"title"`
		Status string `json:"status"`
	}
	exportExam struct {
		At      time.Time `json:"at"`
		Correct int       `json:"correct"`
		Total   int       `json:"total"`
		Percent int       `json:"percent"`
	}
	exportAssignResult struct {
		ID          int64  `json:"id"`
		Description string `json:"description"`
		Done        bool   `json:"done"`
		Score       *int   `json:"score,omitempty"`
		Total       *int   `json:"total,omitempty"`
	}
)

func exportRows(c *lessons.Course, reports []class.Report, as []class.Assignment) []exportLearner {
	out := make([]exportLearner, 0, len(reports))
	for _, r := range reports {
		e := exportLearner{Name: r.Learner.Name, Fingerprint: r.Learner.Fingerprint, Enrolled: r.Learner.EnrolledAt,
			LastActivity: r.LastActivity, LessonsDone: r.LessonsDone, Hints: r.Hints, Solutions: r.Solutions,
			QuizAnswered: r.QuizAnswered, QuizCorrect: r.QuizCorrect, Lessons: []exportLesson{}, Exams: []exportExam{},
			Assignments: []exportAssignResult{}}
		for _, l := range c.Lessons {
			e.Lessons = append(e.Lessons, exportLesson{ID: l.ID, Title: l.Title, Status: statusWord(r.Lessons[l.ID])})
		}
		for _, x := range r.Exams {
			e.Exams = append(e.Exams, exportExam{At: x.At, Correct: x.Score.Correct, Total: x.Score.Total, Percent: x.Score.Percent()})
		}
		for _, a := range as {
			res := r.AssignmentDone[a.ID]
			ar := exportAssignResult{ID: a.ID, Description: a.Describe(c), Done: res.Done}
			if a.Kind == "quiz" && res.Done {
				ar.Score, ar.Total = &res.Score, &res.Total
			}
			e.Assignments = append(e.Assignments, ar)
		}
		out = append(out, e)
	}
	return out
}

func statusWord(s lessons.Status) string {
	if s == lessons.NotStarted {
		return "not-started"
	}
	return string(s)
}

func exportJSON(w io.Writer, c *lessons.Course, reports []class.Report, as []class.Assignment) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(exportRows(c, reports, as))
}

// exportCSV writes one learner a row. Cells a learner typed go through
// cell, so that a spreadsheet never takes a name for a formula.
func exportCSV(w io.Writer, c *lessons.Course, reports []class.Report, as []class.Assignment) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	head := []string{"name", "fingerprint", "enrolled", "last_activity", "lessons_done"}
	for k, l := range c.Lessons {
		head = append(head, fmt.Sprintf("lesson %d: %s", k+1, l.ID))
	}
	head = append(head, "hints_used", "solutions_shown", "quiz_answered", "quiz_correct", "quiz_percent", "exams_taken", "best_exam_percent", "last_exam_percent")
	for _, a := range as {
		head = append(head, cell(fmt.Sprintf("assignment %d: %s", a.ID, a.Describe(c))))
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, e := range exportRows(c, reports, as) {
		rec := []string{cell(e.Name), e.Fingerprint, stamp(e.Enrolled), stamp(e.LastActivity), strconv.Itoa(e.LessonsDone)}
		for _, l := range e.Lessons {
			rec = append(rec, l.Status)
		}
		percent, best, last := "", "", ""
		if e.QuizAnswered > 0 {
			percent = strconv.Itoa(e.QuizCorrect * 100 / e.QuizAnswered)
		}
		for k, x := range e.Exams {
			if b, _ := strconv.Atoi(best); best == "" || x.Percent > b {
				best = strconv.Itoa(x.Percent)
			}
			if k == len(e.Exams)-1 {
				last = strconv.Itoa(x.Percent)
			}
		}
		rec = append(rec, strconv.Itoa(e.Hints), strconv.Itoa(e.Solutions), strconv.Itoa(e.QuizAnswered),
			strconv.Itoa(e.QuizCorrect), percent, strconv.Itoa(len(e.Exams)), best, last)
		for _, a := range e.Assignments {
			switch {
			case a.Score != nil:
				rec = append(rec, fmt.Sprintf("done %d/%d", *a.Score, *a.Total))
			case a.Done:
				rec = append(rec, "done")
			default:
				rec = append(rec, "")
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// cell keeps a spreadsheet from running text as a formula (CSV
// injection): a cell that starts with = + - @ or a tab or carriage
// return gets a leading apostrophe, which spreadsheets show as text.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

func newClassBoardCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "board --class DIR",
		Short: "The live class board, on the machine that runs sglab serve",
		Long: `Show the class board in this terminal: one row per learner, read from the
class database once a second. Assignments and messages sent from here reach
the learners through the running sglab serve within a second.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !isTerminal(cmd.OutOrStdout()) || !isTerminal(os.Stdin) {
				return fmt.Errorf("the board needs a terminal; sglab class export prints the class's results")
			}
			course, err := loadCourse(cmd)
			if err != nil {
				return err
			}
			db, err := openClass(dir)
			if err != nil {
				return err
			}
			defer db.Close()
			ctx, cancel := context.WithCancel(cmd.Context())
			defer cancel()
			st := theme.New(lipgloss.DefaultRenderer(), theme.Auto)
			b := board.New(class.NewPollSource(ctx, db, course), &common.Context{Styles: st, Now: time.Now})
			_, err = tea.NewProgram(b, tea.WithAltScreen(), tea.WithOutput(cmd.OutOrStdout()), tea.WithContext(ctx)).Run()
			return err
		},
	}
	cmd.Flags().StringVar(&dir, "class", "", "the class `DIR` sglab serve keeps")
	return cmd
}
