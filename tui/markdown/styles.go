package markdown

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/sglab/sglab/tui/theme"
)

// Styles is how a rendered document looks. A piece of text takes the style
// of its block (Text, Title or Heading), over which those of what holds it
// are laid (Link, Code, URL, Emphasis, Strong): strong text in a heading
// keeps the heading's colour. Build Styles once per renderer with
// NewStyles; rendering only reads it, so one serves any number of renders
// at once.
type Styles struct {
	Text     lipgloss.Style // paragraphs, list items, table cells
	Title    lipgloss.Style // level-one headings
	Heading  lipgloss.Style // the other headings, and table headers
	Code     lipgloss.Style // inline code
	CodeBox  lipgloss.Style // every line of a code block, padded to the block's width
	Link     lipgloss.Style // a link's text
	URL      lipgloss.Style // a link's address, shown after its text
	Marker   lipgloss.Style // list bullets and numbers
	Quote    lipgloss.Style // the bar beside a block quote
	Border   lipgloss.Style // table rules and horizontal rules
	Emphasis lipgloss.Style // added to the text's style: *emphasis*
	Strong   lipgloss.Style // added to the text's style: **strong**

	// Plain is set when the terminal shows no styles at all (NO_COLOR, or
	// no terminal). Marks then carry what the styles would: # before
	// headings, *emphasis* and **strong** as written, code blocks
	// indented.
	Plain bool
}

// NewStyles builds the document styles from the app's theme, and so from
// the session's renderer the theme was built from.
func NewStyles(t *theme.Styles) *Styles {
	r := t.Renderer
	chip := t.Selected.GetBackground()
	return &Styles{
		Text:     t.Text,
		Title:    t.Title,
		Heading:  t.Heading,
		Code:     r.NewStyle().Foreground(t.Text.GetForeground()).Background(chip),
		CodeBox:  r.NewStyle().Foreground(t.Text.GetForeground()).Background(chip).Padding(0, 1),
		Link:     t.Accent.Underline(true),
		URL:      t.Muted,
		Marker:   t.Accent,
		Quote:    t.Muted,
		Border:   t.Border,
		Emphasis: r.NewStyle().Italic(true),
		Strong:   r.NewStyle().Bold(true),
		Plain:    r.ColorProfile() == termenv.Ascii,
	}
}
