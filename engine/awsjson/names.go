package awsjson

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sglab/sglab/internal/safetext"
)

// clean makes text from the input safe for a message or a YAML comment:
// control characters (a newline would end a comment and start YAML) are
// shown escaped.
func clean(s string) string { return safetext.Line(s) }

// strqLine quotes text from the input for a message or a comment.
func strqLine(s string) string { return `"` + clean(s) + `"` }

func safeIndex(s string) int { return safetext.Index(s) }

// sanitizeName returns a name the format accepts: control characters and
// bytes that are not UTF-8 become _, and spaces at either end go. why
// says what changed, when anything did.
func sanitizeName(s string) (name, why string) {
	if safetext.Index(s) >= 0 {
		var b strings.Builder
		for i, r := range s {
			if safetext.IsControl(r) || (r == utf8.RuneError && !validRune(s, i)) {
				b.WriteByte('_')
				continue
			}
			b.WriteRune(r)
		}
		s, why = b.String(), "it holds control characters, which the format refuses in names"
	}
	if t := strings.TrimSpace(s); t != s {
		s = t
		if why == "" {
			why = "spaces at its ends would not survive in a name"
		}
	}
	if s == "" && why == "" {
		why = "it is empty"
	}
	return s, why
}

func validRune(s string, i int) bool {
	_, n := utf8.DecodeRuneInString(s[i:])
	return n == 3
}

// sanitizeText returns free text (a description) without control
// characters, which nothing in a scenario should hold.
func sanitizeText(s string) (string, bool) {
	if safetext.Index(s) < 0 {
		return s, false
	}
	n, _ := sanitizeName(s)
	return n, true
}

// looksLikeAddress reports whether s reads as an IP address or CIDR (or a
// mistyped one): the format takes such a value as an address wherever a
// group or machine could be named.
func looksLikeAddress(s string) bool {
	addr, _, _ := strings.Cut(s, "/")
	return strings.Contains(addr, ":") || (addr != "" && strings.Trim(addr, "0123456789.") == "")
}

// yamlKeywords read as something other than a string when plain.
var yamlKeywords = map[string]bool{"": true, "null": true, "~": true, "true": true, "false": true,
	"yes": true, "no": true, "on": true, "off": true, "y": true, "n": true}

// quote writes s as a YAML scalar that reads back as exactly s: plain when
// it is a simple word, double-quoted with escapes otherwise.
func quote(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == utf8.RuneError && !validRune(s, i):
			b.WriteString(`\ufffd`)
		case safetext.IsControl(r) || r == 0xfeff:
			b.WriteString(`\u`)
			q := strconv.FormatInt(int64(r), 16)
			b.WriteString(strings.Repeat("0", 4-len(q)) + q)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func isPlain(s string) bool {
	if len(s) <= len("false") && yamlKeywords[strings.ToLower(s)] {
		return false
	}
	if c := s[0]; '0' <= c && c <= '9' {
		// An address, a CIDR, a port or a range; anything else starting
		// with a digit could read as a number.
		return strings.Trim(s, "0123456789./-") == ""
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_':
		case i > 0 && ('0' <= c && c <= '9' || c == '-' || c == '.' || c == '/'):
		default:
			return false
		}
	}
	return true
}

// validID reports whether an AWS id can stand as an id in the format:
// AWS's ids are a prefix, a dash and hex digits (sg-0a1b2c3d); anything
// that could read as an address, `self` or a VPC's default group id, or
// that holds control characters, cannot.
func validID(s string) bool {
	if s == "" || s == "self" || len(s) > 255 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '-' || c == '_'):
		default:
			return false
		}
	}
	return true
}
