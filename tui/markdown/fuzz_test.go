package markdown

import (
	"testing"
)

// FuzzRender: whatever the Markdown and the width, Render does not panic,
// writes no line wider than the width, and nothing a terminal would act on
// but the colours and attributes of its styles. The seeds are in
// testdata/fuzz/FuzzRender and below.
func FuzzRender(f *testing.F) {
	f.Add(sample(f), uint8(76), false)
	f.Add(sample(f), uint8(7), true)
	for _, src := range tableCases {
		f.Add(src, uint8(12), true)
	}
	for _, src := range []string{
		"",
		"# \x1b]0;title\x07",
		"- a\n  - b\n    - c\n      - d\n        - e\n          - f",
		"> > > > > deep",
		"日本語 🇺🇸 👨‍👩‍👧 e\u0301 \u200d\ufe0f",
		"**a*b**c*`d`_e_",
		"[a](<b c>) [d]: e",
		"```\n\t\x00\r\n```",
		"| a | b |\n| - | - |\n| 日本語のテキスト | 🇺🇸🇺🇸🇺🇸 |",
		"1. \n2.\n\n 3)  x",
		"<div>\n\x9b2J\n</div>",
		"&#x1b;&#0;&#xD800;&#1114112;&amp",
	} {
		f.Add(src, uint8(20), true)
	}
	f.Fuzz(func(t *testing.T, src string, w uint8, colour bool) {
		width := int(w%160) + 1
		st := plainStyles
		if colour {
			st = darkStyles
		}
		checkLines(t, Render(src, width, st), width)
	})
}
