package main

import (
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Columns line up as the terminal shows them: styled cells and wide
// characters count by their width on screen, and the heads' styles leave
// the padding plain, as lipgloss's table did.
func TestColumnsAlignByWidthOnScreen(t *testing.T) {
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.ANSI)
	bold := r.NewStyle().Bold(true)
	red := r.NewStyle().Foreground(lipgloss.Color("1"))
	got := columns(bold, []string{"A", "BB"}, [][]string{
		{red.Render("xyz"), "1"},
		{"日本", "22"},
	})
	want := "\x1b[1mA\x1b[0m    \x1b[1mBB\x1b[0m\n" +
		"\x1b[31mxyz\x1b[0m  1 \n" +
		"日本 22"
	if got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}
