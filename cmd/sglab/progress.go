package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sglab/sglab/internal/safetext"
	"github.com/sglab/sglab/lessons"
	"github.com/sglab/sglab/quiz"
)

func newProgressCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "progress",
		Short: "Show your progress through the course and the quiz",
		Long: `Show how far you are through the course: which lessons are done, where
you will resume, and per lesson the challenges solved, hints used, solutions
shown and check questions answered. Then the quiz: accuracy per topic, best
drills, the last exam, and which questions are due for review.`,
		Example: "  sglab progress\n  sglab progress --json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			course, err := loadCourse(cmd)
			if err != nil {
				return err
			}
			store, err := openStore(cmd)
			if err != nil {
				return err
			}
			progress, err := lessons.LoadProgress(store)
			if err != nil {
				return err
			}
			stats, err := quiz.Summary(store, time.Now())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				doc := progressJSON(course, progress)
				doc.Quiz = quizJSON(stats)
				return writeJSON(out, doc)
			}
			writeProgress(out, newStyles(out), course, progress)
			fmt.Fprintln(out)
			return writeSafe(out, stats.Write)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON document on standard output")
	return cmd
}

// lessonTally sums up what the learner did in one lesson.
type lessonTally struct {
	solved, challenges, hints, solutions, correct, answered, questions int
}

func tally(l *lessons.Lesson, p *lessons.Progress) lessonTally {
	t := lessonTally{challenges: len(l.Challenges), questions: len(l.Questions)}
	for _, c := range l.Challenges {
		cp := p.Challenge(l.ID, c.ID)
		if cp.Solved {
			t.solved++
		}
		t.hints += cp.Hints
		if cp.SolutionShown {
			t.solutions++
		}
	}
	answers := p.Lesson(l.ID).Answers
	for _, q := range l.Questions {
		if a, ok := answers[q.ID]; ok {
			t.answered++
			if a.Correct {
				t.correct++
			}
		}
	}
	return t
}

func writeProgress(w io.Writer, st styles, course *lessons.Course, p *lessons.Progress) {
	done, inProgress := p.Counts(course)
	fmt.Fprintf(w, "%s %d of %d lessons done, %d in progress.\n", st.title.Render("Course:"), done, len(course.Lessons), inProgress)
	if l, page := p.Resume(course); l == nil {
		fmt.Fprintln(w, "Every lesson is done. Well done!")
	} else {
		fmt.Fprintf(w, "%s lesson %d, %s, page %d of %d.\n", st.title.Render("Next:"), course.Index(l.ID)+1, safetext.Line(strconv.Quote(l.Title)), page+1, len(l.Pages))
	}
	fmt.Fprintln(w)
	for k, l := range course.Lessons {
		status := p.Status(l.ID)
		fmt.Fprintf(w, "%3d  %s  %s\n", k+1, statusMark(st, status), safetext.Line(l.Title))
		if status == lessons.NotStarted {
			continue
		}
		t := tally(l, p)
		parts := []string{fmt.Sprintf("page %d/%d", p.Page(l)+1, len(l.Pages))}
		if t.challenges > 0 {
			parts = append(parts, fmt.Sprintf("%d/%d %s solved", t.solved, t.challenges, plural(t.challenges, "challenge")))
		}
		if t.hints > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", t.hints, plural(t.hints, "hint")))
		}
		if t.solutions > 0 {
			parts = append(parts, fmt.Sprintf("%d %s shown", t.solutions, plural(t.solutions, "solution")))
		}
		if t.questions > 0 {
			parts = append(parts, fmt.Sprintf("%d/%d %s right", t.correct, t.questions, plural(t.questions, "question")))
		}
		fmt.Fprintf(w, "%20s%s\n", "", st.dim.Render(strings.Join(parts, " · ")))
	}
}

// progressDoc is the document of `sglab progress --json`. Pages count from
// 1, as in the text output.
type progressDoc struct {
	Total      int                  `json:"total"`
	Done       int                  `json:"done"`
	InProgress int                  `json:"in_progress"`
	Resume     *resumeJSON          `json:"resume"` // null when every lesson is done
	Lessons    []lessonProgressJSON `json:"lessons"`
	Quiz       quizStatsJSON        `json:"quiz"`
}

// quizStatsJSON is the quiz part of `sglab progress --json`.
type quizStatsJSON struct {
	Topics   []quiz.TopicScore `json:"topics"`
	InReview int               `json:"in_review"`
	Due      []dueJSON         `json:"due"`
	NextDue  *time.Time        `json:"next_due"` // null when nothing waits
	Drills   []quiz.DrillBest  `json:"drills"`
	LastExam *quiz.ExamRecord  `json:"last_exam"`
}

type dueJSON struct {
	ID     string    `json:"id"`
	Topic  string    `json:"topic"`
	Box    int       `json:"box"`
	Due    time.Time `json:"due"`
	Prompt string    `json:"prompt"`
}

func quizJSON(s quiz.Stats) quizStatsJSON {
	out := quizStatsJSON{Topics: s.Topics, InReview: s.InReview, Due: []dueJSON{}, Drills: s.Drills, LastExam: s.LastExam}
	if out.Drills == nil {
		out.Drills = []quiz.DrillBest{}
	}
	if !s.NextDue.IsZero() {
		out.NextDue = &s.NextDue
	}
	for _, d := range s.Due {
		out.Due = append(out.Due, dueJSON{ID: d.ID, Topic: string(d.Topic), Box: d.Box, Due: d.Due, Prompt: d.Prompt})
	}
	return out
}

type resumeJSON struct {
	Lesson string `json:"lesson"`
	Page   int    `json:"page"`
}

type lessonProgressJSON struct {
	ID         string          `json:"id"`
	Title      string          `json:"title"`
	Status     string          `json:"status"`
	Page       int             `json:"page"`
	Pages      int             `json:"pages"`
	Challenges []challengeJSON `json:"challenges"`
	Questions  []answerJSON    `json:"questions"`
}

type challengeJSON struct {
	ID            string `json:"id"`
	GoalsMet      int    `json:"goals_met"`
	Goals         int    `json:"goals"`
	Solved        bool   `json:"solved"`
	Hints         int    `json:"hints"`
	SolutionShown bool   `json:"solution_shown"`
}

type answerJSON struct {
	ID       string `json:"id"`
	Answered bool   `json:"answered"`
	Correct  bool   `json:"correct"`
}

func progressJSON(course *lessons.Course, p *lessons.Progress) progressDoc {
	doc := progressDoc{Total: len(course.Lessons), Lessons: []lessonProgressJSON{}}
	doc.Done, doc.InProgress = p.Counts(course)
	if l, page := p.Resume(course); l != nil {
		doc.Resume = &resumeJSON{Lesson: l.ID, Page: page + 1}
	}
	for _, l := range course.Lessons {
		lp := p.Lesson(l.ID)
		out := lessonProgressJSON{ID: l.ID, Title: l.Title, Status: statusJSON(lp.Status), Page: p.Page(l) + 1, Pages: len(l.Pages),
			Challenges: []challengeJSON{}, Questions: []answerJSON{}}
		for _, c := range l.Challenges {
			cp := p.Challenge(l.ID, c.ID)
			out.Challenges = append(out.Challenges, challengeJSON{ID: c.ID, GoalsMet: min(cp.GoalsMet, len(c.Goals)), Goals: len(c.Goals),
				Solved: cp.Solved, Hints: cp.Hints, SolutionShown: cp.SolutionShown})
		}
		for _, q := range l.Questions {
			a, answered := lp.Answers[q.ID]
			out.Questions = append(out.Questions, answerJSON{ID: q.ID, Answered: answered, Correct: a.Correct})
		}
		doc.Lessons = append(doc.Lessons, out)
	}
	return doc
}
