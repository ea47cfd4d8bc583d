package common

import "testing"

func TestKeyWords(t *testing.T) {
	for in, want := range map[string]string{
		"↑/k":           "up or k",
		"←/→":           "left or right",
		"↑/↓ pgup/pgdn": "up or down, page up or page down",
		"ctrl+s":        "control s",
		"shift+tab":     "shift tab",
		"esc":           "escape",
		"a–c":           "a to c",
		"0-9":           "0 to 9",
		"enter/e":       "enter or e",
		"?":             "question mark",
		"any key":       "any key",
		"space":         "space",
		"o/esc":         "o or escape",
		"-":             "-",
	} {
		if got := KeyWords(in); got != want {
			t.Errorf("KeyWords(%q) = %q, want %q", in, got, want)
		}
	}
}
