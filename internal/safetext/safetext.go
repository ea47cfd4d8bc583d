// Package safetext makes text that came from a file safe to print on a
// terminal. Scenario files, lesson packs and (soon) AWS exports are written
// by other people: a name holding ESC, BEL or a C1 control could retitle the
// window, rewrite the clipboard (OSC 52) or wipe the screen. Every text path
// that prints such a string goes through Line or Block, which show control
// characters escaped (`\x1b`, `\n`) and never emit them.
//
// JSON output needs none of this: encoding/json already escapes them.
package safetext

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Line returns s for a single line of output: every control character,
// newlines and tabs included, is shown escaped.
func Line(s string) string { return clean(s, false) }

// Block returns s for output that may span lines: newlines and tabs are
// kept, every other control character is shown escaped.
func Block(s string) string { return clean(s, true) }

// IsControl reports whether r is a character a terminal may act on rather
// than show: C0 controls, DEL, C1 controls, and the Unicode formatting
// characters that reorder or hide text (bidirectional overrides and
// isolates, line and paragraph separators).
func IsControl(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x2028, r == 0x2029:
		return true
	}
	return false
}

// Index returns the byte offset of the first control character or invalid
// UTF-8 byte in s, or -1 when there is none.
func Index(s string) int {
	for i, r := range s {
		if IsControl(r) || (r == utf8.RuneError && !validAt(s, i)) {
			return i
		}
	}
	return -1
}

// validAt reports whether s holds a real U+FFFD at byte i, rather than a
// byte that is not UTF-8 (which range also reads as U+FFFD).
func validAt(s string, i int) bool {
	_, n := utf8.DecodeRuneInString(s[i:])
	return n == 3
}

func clean(s string, multiline bool) string {
	if Index(s) < 0 {
		return s // the common case allocates nothing
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !validAt(s, i):
			// A lone byte such as 0x9b is CSI to a terminal in 8-bit mode.
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i]))
		case multiline && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80 && IsControl(r):
			b.WriteString(`\x`)
			b.WriteString(hex2(byte(r)))
		case IsControl(r):
			b.WriteString(`\u`)
			q := strconv.FormatInt(int64(r), 16)
			b.WriteString(strings.Repeat("0", 4-len(q)) + q)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}
