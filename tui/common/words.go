package common

import "strings"

// Mark is glyph, or in accessible mode words: what a screen reader must
// say where a sighted learner sees a ✓, a ✗ or an arrow.
func (c *Context) Mark(glyph, words string) string {
	if c.Accessible {
		return words
	}
	return glyph
}

// Route names a connection's way: "a visitor → web-1", or "a visitor to
// web-1" in accessible mode.
func (c *Context) Route(from, to string) string { return from + c.Mark(" → ", " to ") + to }

// keyWords are the names a screen reader says for the keys' glyphs and
// abbreviations in the help.
var keyWords = map[string]string{
	"↑": "up", "↓": "down", "←": "left", "→": "right",
	"esc": "escape", "pgup": "page up", "pgdn": "page down", "pgdown": "page down",
	"?": "question mark", "arrows": "arrow keys",
}

// KeyWords spells a key as the help names it ("↑/k", "ctrl+s", "a–c")
// in words a screen reader says ("up or k", "control s", "a to c").
func KeyWords(k string) string {
	if !strings.Contains(k, "/") {
		return keyWord(k) // one key, maybe of several words: "any key"
	}
	groups := strings.Fields(k)
	for g, group := range groups {
		alts := strings.Split(group, "/")
		if group == "/" {
			alts = []string{"slash"}
		}
		for a, alt := range alts {
			alts[a] = keyWord(alt)
		}
		groups[g] = strings.Join(alts, " or ")
	}
	return strings.Join(groups, ", ")
}

func keyWord(k string) string {
	if w, ok := keyWords[k]; ok {
		return w
	}
	for _, mod := range []string{"ctrl+", "shift+", "alt+"} {
		if rest, ok := strings.CutPrefix(k, mod); ok && rest != "" {
			return map[string]string{"ctrl+": "control ", "shift+": "shift ", "alt+": "alt "}[mod] + keyWord(rest)
		}
	}
	for _, dash := range []string{"–", "-"} {
		if lo, hi, ok := strings.Cut(k, dash); ok && lo != "" && hi != "" {
			return lo + " to " + hi
		}
	}
	return k
}
