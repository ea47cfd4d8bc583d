package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/sglab/sglab/quiz"
	"github.com/sglab/sglab/tui/common"
	quiztui "github.com/sglab/sglab/tui/quiz"
)

// openQuiz opens the interactive quiz in the terminal UI with checked
// options; o holds the UI's flags (--theme, --data-dir). Tests replace it
// to see the options without a terminal.
var openQuiz = openQuizTUI

// openQuizTUI runs the app on the quiz opts asks for: `sglab quiz --mode
// exam` lands on the exam itself, and esc from it on the home screen.
func openQuizTUI(cmd *cobra.Command, o *tuiOptions, opts quiz.Options) error {
	if !isTerminal(cmd.OutOrStdout()) || !isTerminal(os.Stdin) {
		return errors.New("the interactive quiz needs a terminal; print a question sheet with: sglab quiz --print")
	}
	o.start = func(ctx *common.Context) (common.Component, error) { return quiztui.Open(ctx, opts) }
	return runTUI(cmd, o, "", false)
}

func newQuizCmd(o *tuiOptions) *cobra.Command {
	var (
		mode, topic     string
		count           int
		seed            uint64
		asSheet, asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "quiz [--mode practice|drill|exam|review] [--topic ports|concepts|scenarios|all] [--count N] [--seed N] [--print [--json]]",
		Short: "Quiz yourself on ports, concepts and scenarios answered by the engine",
		Long: `Quiz yourself: ports and their services, how security groups behave, and
scenario questions about small random worlds, answered by the same engine
as the lab.

Modes: practice (feedback after each answer), drill (a 60 s sprint),
exam (N questions against the clock, results at the end) and review (the
questions you missed, when they are due again).

--seed N makes a quiz reproducible: the same seed gives the same questions
in the same order, so a whole class can take the same quiz. --print prints
a question sheet and its answer key instead of opening the quiz.`,
		Example: `  sglab quiz --mode exam
  sglab quiz --mode drill --topic ports
  sglab quiz --print --topic scenarios --count 10 --seed 42
  sglab quiz --print --json --seed 42 > quiz.json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			if !f.Changed("seed") {
				seed = newSeed()
			}
			if asSheet {
				return printSheet(cmd, f.Changed("mode"), topic, count, f.Changed("count"), seed, asJSON)
			}
			if asJSON {
				return usage(cmd, "--json goes with --print: the interactive quiz has no JSON output")
			}
			opts, err := quizOptions(mode, topic, count, f.Changed("count"), seed, f.Changed("seed"))
			if err != nil {
				return usage(cmd, "%s", err)
			}
			return openQuiz(cmd, o, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&mode, "mode", string(quiz.ModePractice), "practice, drill, exam or review")
	f.StringVar(&topic, "topic", string(quiz.AllTopics), "ports, concepts, scenarios or all")
	f.IntVar(&count, "count", 0, fmt.Sprintf("number of questions (default: %d for practice, %d for an exam and a sheet, all that are due for review)",
		quiz.DefaultPracticeCount, quiz.DefaultExamCount))
	f.Uint64Var(&seed, "seed", 0, "make the quiz reproducible: the same seed gives the same questions in the same order")
	f.BoolVar(&asSheet, "print", false, "print a question sheet and its answer key instead of opening the quiz")
	f.BoolVar(&asJSON, "json", false, "with --print: print the sheet as one JSON document")
	return cmd
}

// quizOptions checks the flags of the interactive quiz.
func quizOptions(mode, topic string, count int, countSet bool, seed uint64, seedSet bool) (quiz.Options, error) {
	m, err := quiz.ParseMode(mode)
	if err != nil {
		return quiz.Options{}, fmt.Errorf("--mode is practice, drill, exam or review, not %q", mode)
	}
	t, err := quiz.ParseTopic(topic)
	if err != nil {
		return quiz.Options{}, fmt.Errorf("--topic is ports, concepts, scenarios or all, not %q", topic)
	}
	switch {
	case m == quiz.ModeDrill && countSet:
		return quiz.Options{}, fmt.Errorf("--count does not go with --mode drill: a drill lasts %s, however many questions that is", quiz.DefaultDrillLength)
	case m == quiz.ModeReview && seedSet:
		return quiz.Options{}, fmt.Errorf("--seed does not go with --mode review: a review asks the questions that are due")
	case !countSet:
		count = quiz.DefaultCount(m)
	}
	opts := quiz.Options{Mode: m, Topic: t, Count: count, Seed: seed}
	if err := opts.Validate(); err != nil {
		return quiz.Options{}, fmt.Errorf("--count: %w", err)
	}
	return opts, nil
}

// printSheet prints the question sheet and its answer key.
func printSheet(cmd *cobra.Command, modeSet bool, topic string, count int, countSet bool, seed uint64, asJSON bool) error {
	if modeSet {
		return usage(cmd, "--mode does not go with --print: a printed sheet is the same in every mode")
	}
	t, err := quiz.ParseTopic(topic)
	if err != nil {
		return usage(cmd, "--topic is ports, concepts, scenarios or all, not %q", topic)
	}
	if !countSet {
		count = quiz.DefaultExamCount
	}
	sheet, err := quiz.NewSheet(t, count, seed)
	if err != nil {
		return usage(cmd, "--count: %s", err)
	}
	if asJSON {
		return sheet.WriteJSON(cmd.OutOrStdout())
	}
	return writeSafe(cmd.OutOrStdout(), sheet.WriteText)
}

// newSeed picks a seed when none is given. It is short, so that a teacher
// can read it out from the sheet's first line for the class to type.
func newSeed() uint64 { return uint64(time.Now().UnixNano()/1000) % 1_000_000 }
