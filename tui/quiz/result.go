package quiz

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	qz "github.com/sglab/sglab/quiz"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/theme"
)

// The parts of the summaries that end a practice, a review, a drill and
// an exam.

// scoreLine is "14 of 20 right (70%)".
func scoreLine(s qz.Score) string {
	return fmt.Sprintf("%d of %d right (%d%%)", s.Correct, s.Total, s.Percent())
}

// topicBars shows the score of each topic as a bar and in numbers, so it
// reads without colour:
//
//	ports      ████████░░   6/7   86%
func topicBars(ctx *common.Context, topics []qz.TopicScore, width int) []string {
	st := ctx.Styles
	if ctx.Accessible { // the numbers, without the bar
		var lines []string
		for _, t := range topics {
			lines = append(lines, fmt.Sprintf("%s: %d of %d right, %d%%", t.Topic, t.Correct, t.Total, t.Percent()))
		}
		return lines
	}
	const barW = 20
	nameW := 0
	for _, t := range topics {
		nameW = max(nameW, len(t.Topic))
	}
	bar := min(barW, max(width-nameW-16, 4))
	var lines []string
	for _, t := range topics {
		full := 0
		if t.Total > 0 {
			full = (t.Correct*bar + t.Total/2) / t.Total
		}
		lines = append(lines, common.Fit(string(t.Topic), nameW)+"  "+
			st.OK.Render(strings.Repeat("█", full))+st.Faint.Render(strings.Repeat("░", bar-full))+
			fmt.Sprintf("  %3s  %3d%%", fmt.Sprintf("%d/%d", t.Correct, t.Total), t.Percent()))
	}
	return lines
}

// missedLines explains every miss: the question, the answer given, the
// right one, why, and where it is taught.
func missedLines(ctx *common.Context, missed []qz.Missed, width int) []string {
	st := ctx.Styles
	var lines []string
	for _, m := range missed {
		mark := ctx.Mark(theme.Fail+" ", "")
		head := fmt.Sprintf("%s%d. ", mark, m.Number)
		lines = append(lines, "")
		lines = append(lines, hang(st.Error.Render(head), st.Bold, m.Question.Prompt, width)...)
		pad := strings.Repeat(" ", ansi.StringWidth(head))
		w := width - len(pad)
		var body []string
		body = append(body, hang(st.Muted.Render("Your answer:  "), st.Error, m.Given, w)...)
		body = append(body, hang(st.Muted.Render("Right answer: "), st.OK, m.Answer, w)...)
		body = append(body, para(st.Text, m.Explanation, w)...)
		body = append(body, choiceWhys(ctx, m.Feedback, w)...)
		body = append(body, hang(st.Muted.Render("Taught in "), st.Accent, lessonTitle(m.Lesson), w)...)
		body = append(body, docLine(st, m.Question.Doc, w)...)
		for _, l := range body {
			lines = append(lines, pad+l)
		}
	}
	return lines
}

// choiceWhys says, for each choice of a missed question, why it is right
// or wrong: the right ones and the ones chosen marked, as on the question.
func choiceWhys(ctx *common.Context, fb qz.Feedback, width int) []string {
	st := ctx.Styles
	q := fb.Question
	var lines []string
	for i, why := range q.Why {
		mark, style, said := "  ", st.Muted, ""
		right, chosen := slices.Contains(q.Correct, i), slices.Contains(fb.Response.Choices, i)
		switch {
		case right && chosen:
			mark, style, said = st.OK.Render(theme.Pass)+" ", st.Text, " (the right answer, yours)"
		case right:
			mark, style, said = st.OK.Render(theme.Pass)+" ", st.Text, " (the right answer)"
		case chosen:
			mark, said = st.Error.Render(theme.Fail)+" ", " (your answer, wrong)"
		}
		text := q.Choices[i] + " — " + why
		if ctx.Accessible {
			mark, text = "", q.Choices[i]+said+": "+why
		}
		lines = append(lines, hang(mark+st.Key.Render(qz.ChoiceLabel(i))+") ", style, text, width)...)
	}
	return lines
}

// dueText says when a question comes back: "tomorrow", "on Mon 17 Mar
// (in 3 days)".
func dueText(due, now time.Time) string {
	days := int(day(due).Sub(day(now)).Hours()/24 + 0.5)
	switch {
	case days <= 0:
		return "today"
	case days == 1:
		return "tomorrow"
	}
	return fmt.Sprintf("on %s (in %d days)", due.Format("Mon 2 Jan"), days)
}

// day is the start of t's day, in t's time zone.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
