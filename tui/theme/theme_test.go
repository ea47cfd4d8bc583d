package theme

import (
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"": Auto, "auto": Auto, "light": Light, " Dark ": Dark} {
		if got, err := ParseMode(in); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseMode("blue"); err == nil {
		t.Error("ParseMode(blue) did not fail")
	}
}

// The override picks the palette: the same style renders the light or the
// dark colour.
func TestModeOverridesTheBackground(t *testing.T) {
	render := func(m Mode) string {
		r := lipgloss.NewRenderer(nil)
		r.SetColorProfile(termenv.TrueColor)
		return New(r, m).Connected.Render("x")
	}
	if render(Light) == render(Dark) {
		t.Fatal("light and dark render the same")
	}
}
