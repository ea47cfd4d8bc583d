// Package lessons is sglab's course: lessons written as Markdown files with
// YAML front matter, their hands-on challenges, the goals that check a
// learner's world through the engine, hints, reference solutions, check
// questions, and the learner's saved progress.
//
// The format is documented in docs/lesson-format.md. The built-in course is
// embedded in the binary; instructors add packs in the same format.
// Nothing here draws on a screen: the TUI renders what this package holds.
package lessons

import (
	"github.com/sglab/sglab/engine"
)

// Codes of problems specific to lessons. Problems a scenario file or the
// YAML itself has use the engine's codes.
const (
	CodeFileNotFound  = "FileNotFound"
	CodeNoLessons     = "NoLessons"
	CodeSolutionFails = "SolutionDoesNotMeetGoal"
	CodeStartSolved   = "StartAlreadyMeetsGoals"
)

// MaxHints is how many hints a challenge may have: they get more specific
// each time, and after the last one comes the solution.
const MaxHints = 3

// Lesson is one lesson of the course.
type Lesson struct {
	ID       string
	Title    string
	Order    int
	Summary  string
	Minutes  int // estimated time to finish
	Concepts []string

	Pages      []Page
	Challenges []*Challenge // in page order
	Questions  []*Question  // asked after the last page

	File string // the lesson file, as diagnostics name it
	Pack string // the name of the pack the lesson came from
}

// Page is one screen of a lesson.
type Page struct {
	Title    string
	Markdown string // the page's text, from its `# Title` line on, without the lesson blocks
	// Challenge is the hands-on challenge the page asks for, or nil.
	Challenge *Challenge
}

// Challenge asks the learner to change a starting world until every goal
// is met. Goals are checked by the engine, so any correct solution passes.
type Challenge struct {
	ID    string
	Title string
	Task  string // Markdown: what to do, shown beside the lab
	Goals []Goal
	Hints []string // one to MaxHints, each more specific than the last
	// Solution is the reference solution: lab operations that take the
	// starting world to one that meets every goal.
	Solution []Step
	Pos      engine.Pos // of the challenge block in the lesson file

	start *engine.World
}

// Start returns a fresh copy of the starting world, for the lab to change.
func (c *Challenge) Start() *engine.World { return c.start.Clone() }

// SolvedWorld returns the starting world with the reference solution
// applied: what "show solution" opens. It fails only for a pack that does
// not pass Validate.
func (c *Challenge) SolvedWorld() (*engine.World, error) {
	w := c.Start()
	if _, err := c.applySolution(w); err != nil {
		return nil, err
	}
	return w, nil
}

// applySolution applies the reference solution to w, stopping at the
// first step that fails, whose index it returns.
func (c *Challenge) applySolution(w *engine.World) (int, error) {
	for k, s := range c.Solution {
		if err := s.Apply(w); err != nil {
			return k, err
		}
	}
	return 0, nil
}

// Question is a multiple-choice check question with one correct answer.
type Question struct {
	ID          string
	Prompt      string // Markdown
	Choices     []string
	Answer      int    // index of the correct choice, from 0
	Explanation string // Markdown: why the answer is right
	Pos         engine.Pos
}

// Correct reports whether choice (from 0) is the right answer.
func (q *Question) Correct(choice int) bool { return choice == q.Answer }

// Challenge returns the lesson's challenge with this id, or nil.
func (l *Lesson) Challenge(id string) *Challenge {
	for _, c := range l.Challenges {
		if c.ID == id {
			return c
		}
	}
	return nil
}
