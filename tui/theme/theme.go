// Package theme holds sglab's one palette and the styles built from it.
//
// Every colour is a lipgloss.AdaptiveColor, resolved against the background
// of the renderer the styles are built from, so the same UI works in light
// and dark terminals and, later, over SSH with one renderer per session.
// Nothing relies on colour alone: selection, outcomes and right or wrong
// marks also carry glyphs, so the app stays usable with NO_COLOR=1.
package theme

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
)

// Mode chooses the palette: Auto follows the terminal's background, Light
// and Dark override it (tmux, for one, hides the real background).
type Mode int

// The modes of --theme.
const (
	Auto Mode = iota
	Light
	Dark
)

// ParseMode reads the --theme flag: "", "auto", "light" or "dark".
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return Auto, nil
	case "light":
		return Light, nil
	case "dark":
		return Dark, nil
	}
	return Auto, fmt.Errorf("--theme is light or dark, not %q", s)
}

// Glyphs carry meaning where colour may be missing.
const (
	Cursor    = ">" // the selected row
	Pass      = "✓"
	Fail      = "✗"
	Collapsed = "▸"
)

// palette is the app's colours.
var (
	text      = lipgloss.AdaptiveColor{Light: "#1f2328", Dark: "#e6edf3"}
	muted     = lipgloss.AdaptiveColor{Light: "#59636e", Dark: "#9198a1"}
	faint     = lipgloss.AdaptiveColor{Light: "#818b98", Dark: "#656c76"}
	accent    = lipgloss.AdaptiveColor{Light: "#0969da", Dark: "#4493f8"}
	border    = lipgloss.AdaptiveColor{Light: "#d1d9e0", Dark: "#3d444d"}
	selection = lipgloss.AdaptiveColor{Light: "#ddf4ff", Dark: "#1f3a5f"}
	green     = lipgloss.AdaptiveColor{Light: "#1a7f37", Dark: "#3fb950"}
	yellow    = lipgloss.AdaptiveColor{Light: "#9a6700", Dark: "#d29922"}
	red       = lipgloss.AdaptiveColor{Light: "#cf222e", Dark: "#f85149"}
)

// Styles is every style the app uses, built once per renderer.
type Styles struct {
	Renderer *lipgloss.Renderer

	Text, Muted, Faint, Bold, Accent lipgloss.Style
	Title                            lipgloss.Style // screen titles
	Heading                          lipgloss.Style // section headings inside panes
	Selected                         lipgloss.Style // the row under the cursor
	Key                              lipgloss.Style // a key named in running text

	Border, BorderFocused lipgloss.Style // pane frames
	PaneTitle, PaneFocus  lipgloss.Style // pane titles

	Connected, Refused, Timeout lipgloss.Style // connection outcomes
	OK, Error, Warn             lipgloss.Style // status messages and marks

	Help help.Styles
	Form *huh.Theme
}

// New builds the styles from r. Light and Dark fix r's idea of the
// background; Auto leaves it to the terminal.
func New(r *lipgloss.Renderer, mode Mode) *Styles {
	switch mode {
	case Light:
		r.SetHasDarkBackground(false)
	case Dark:
		r.SetHasDarkBackground(true)
	}
	st := r.NewStyle
	s := &Styles{
		Renderer:      r,
		Text:          st().Foreground(text),
		Muted:         st().Foreground(muted),
		Faint:         st().Foreground(faint),
		Bold:          st().Bold(true),
		Accent:        st().Foreground(accent),
		Title:         st().Bold(true).Foreground(accent),
		Heading:       st().Bold(true).Foreground(text),
		Selected:      st().Background(selection).Bold(true),
		Key:           st().Bold(true).Foreground(accent),
		Border:        st().Foreground(border),
		BorderFocused: st().Foreground(accent),
		PaneTitle:     st().Foreground(muted),
		PaneFocus:     st().Bold(true).Foreground(accent),
		Connected:     st().Bold(true).Foreground(green),
		Refused:       st().Bold(true).Foreground(yellow),
		Timeout:       st().Bold(true).Foreground(red),
		OK:            st().Foreground(green),
		Error:         st().Foreground(red),
		Warn:          st().Foreground(yellow),
	}
	s.Help = help.Styles{
		Ellipsis:       st().Foreground(faint),
		ShortKey:       st().Foreground(muted).Bold(true),
		ShortDesc:      st().Foreground(faint),
		ShortSeparator: st().Foreground(border),
		FullKey:        st().Foreground(muted).Bold(true),
		FullDesc:       st().Foreground(faint),
		FullSeparator:  st().Foreground(border),
	}
	s.Form = s.formTheme()
	return s
}

// formTheme is huh's theme in the app's palette. Fields show a bar on the
// left when focused and "> " before the chosen option, so forms read
// without colour too.
func (s *Styles) formTheme() *huh.Theme {
	st := s.Renderer.NewStyle
	t := huh.ThemeBase()
	t.Form.Base = st()
	t.Group.Base = st()
	t.Group.Title = s.Heading
	t.Group.Description = s.Muted
	t.FieldSeparator = st().SetString("\n")

	f := &t.Focused
	f.Base = st().PaddingLeft(1).BorderStyle(lipgloss.ThickBorder()).BorderLeft(true).BorderForeground(accent)
	f.Card = f.Base
	f.Title = st().Bold(true).Foreground(accent)
	f.NoteTitle = f.Title
	f.Description = st().Foreground(muted)
	f.ErrorIndicator = st().Foreground(red).SetString(" *")
	f.ErrorMessage = st().Foreground(red)
	f.SelectSelector = st().Foreground(accent).SetString("> ")
	f.NextIndicator = st().Foreground(accent).MarginLeft(1).SetString("→")
	f.PrevIndicator = st().Foreground(accent).MarginRight(1).SetString("←")
	f.Option = st().Foreground(text)
	f.MultiSelectSelector = st().Foreground(accent).SetString("> ")
	f.SelectedOption = st().Foreground(text).Bold(true)
	f.SelectedPrefix = st().Foreground(green).SetString("[x] ")
	f.UnselectedOption = st().Foreground(text)
	f.UnselectedPrefix = st().Foreground(faint).SetString("[ ] ")
	f.TextInput.Cursor = st().Foreground(accent)
	f.TextInput.CursorText = st()
	f.TextInput.Placeholder = st().Foreground(faint)
	f.TextInput.Prompt = st().Foreground(accent)
	f.TextInput.Text = st().Foreground(text)

	t.Blurred = t.Focused
	b := &t.Blurred
	b.Base = f.Base.BorderStyle(lipgloss.HiddenBorder())
	b.Card = b.Base
	b.Title = st().Foreground(muted)
	b.MultiSelectSelector = st().SetString("  ")
	b.NextIndicator = st()
	b.PrevIndicator = st()
	b.TextInput.Prompt = st().Foreground(faint)

	t.Help = s.Help
	return t
}
