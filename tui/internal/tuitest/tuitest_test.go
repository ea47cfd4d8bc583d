package tuitest

import (
	"slices"
	"testing"
)

func TestMissingFindsTextWhereverLinesWrap(t *testing.T) {
	view := "No inbound rule of web-sg allows\n  tcp/22 from 198.51.100.7.   "
	got := Missing(view, "allows tcp/22 from", "No  inbound rule", "tcp/80")
	if !slices.Equal(got, []string{"tcp/80"}) {
		t.Errorf("Missing = %q, want only tcp/80", got)
	}
}
