package safetext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"web-1", "web-1"},
		{"", ""},
		{"café ✓", "café ✓"},
		{"a\x1b]52;c;Y3VybA==\x07b", `a\x1b]52;c;Y3VybA==\x07b`},
		{"x\x1b[2Jy", `x\x1b[2Jy`},
		{"two\nlines\tand\rCR", `two\nlines\tand\rCR`},
		{"del\x7f", `del\x7f`},
		{"c1\u009bcsi", `c1\u009bcsi`},
		{"raw\x9bbyte", `raw\x9bbyte`},
		{"bidi\u202egnp.exe", `bidi\u202egnp.exe`},
		{"real \ufffd stays", "real \ufffd stays"},
		{"nul\x00", `nul\x00`},
	} {
		if got := Line(tc.in); got != tc.want {
			t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestBlockKeepsNewlinesAndTabs(t *testing.T) {
	if got, want := Block("a\n\tb\x1bc\r"), "a\n\tb\\x1bc\\r"; got != want {
		t.Errorf("Block = %q, want %q", got, want)
	}
}

func TestIndex(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"plain", -1}, {"é\x1b", 2}, {"a\xffb", 1}, {"\u2028", 0}, {"ok \ufffd", -1},
	} {
		if got := Index(tc.in); got != tc.want {
			t.Errorf("Index(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestCleanTextIsNotCopied(t *testing.T) {
	s := "sg-web allows tcp/443"
	if n := testing.AllocsPerRun(100, func() { _ = Line(s) }); n != 0 {
		t.Errorf("Line allocated %v times on clean text", n)
	}
}

// FuzzLine checks the promise every caller relies on: whatever the input,
// the output holds no byte a terminal acts on, is valid UTF-8, and clean
// text comes back unchanged.
func FuzzLine(f *testing.F) {
	for _, s := range []string{"web-1", "\x1b]0;title\x07", "\x9b2J", "a\nb", "\u202e", "\xc2\x9b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Line(s), Block(s)} {
			if !utf8.ValidString(out) {
				t.Fatalf("output %q is not UTF-8", out)
			}
			for _, r := range out {
				if IsControl(r) && r != '\n' && r != '\t' {
					t.Fatalf("output %q holds control %U", out, r)
				}
			}
			for _, c := range []byte{0x1b, 0x07, 0x9b} {
				if strings.IndexByte(out, c) >= 0 {
					t.Fatalf("output %q holds byte %#x", out, c)
				}
			}
		}
		if strings.ContainsAny(Line(s), "\n\t") {
			t.Fatalf("Line(%q) holds a newline or tab", s)
		}
		if Index(s) < 0 && Line(s) != s {
			t.Fatalf("clean %q changed to %q", s, Line(s))
		}
	})
}
