package common

import (
	"github.com/sglab/sglab/internal/safetext"
	"github.com/sglab/sglab/tui/theme"
)

// StatusKind is what a status message reports, and so how it is marked.
type StatusKind uint8

// The kinds of status message.
const (
	StatusInfo StatusKind = iota
	StatusOK
	StatusWarn
	StatusErr
)

// StatusLines renders a screen's status message on at most two lines of
// width cells, always at least one. Outcomes carry a glyph as well as a
// colour (✓ done, ! warning, ✗ error), so they read with NO_COLOR too, and
// words in accessible mode ("Done:", "Warning:", "Error:"); error
// messages are long, and two lines keep their end. Messages often name
// things from files, so they are made safe to draw here.
func StatusLines(c *Context, kind StatusKind, msg string, width int) []string {
	if width <= 0 || msg == "" {
		return []string{""}
	}
	s := c.Styles
	head, style := "", s.Muted
	switch kind {
	case StatusOK:
		head, style = s.OK.Render(c.Mark(theme.Pass+" ", "Done: ")), s.Text
	case StatusWarn:
		head, style = s.Warn.Render(c.Mark("! ", "Warning: ")), s.Text
	case StatusErr:
		head, style = s.Error.Render(c.Mark(theme.Fail+" ", "Error: ")), s.Error
	}
	lines := Hang(head, style.Render(safetext.Line(msg)), width)
	if len(lines) > 2 {
		lines = []string{lines[0], Fit(lines[1]+" "+lines[2], width)}
	}
	return lines
}
