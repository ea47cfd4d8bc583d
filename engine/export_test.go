package engine

// Hooks for the external tests of this package.

// ParseUnguarded is Parse without its safety net, so that a fuzz test sees
// any panic rather than the SyntaxError Parse turns it into.
func ParseUnguarded(file string, data []byte) (*World, Diagnostics) {
	return parseWith(file, string(data), newOptions(nil))
}

// ParseFullYAML is ParseUnguarded with the full YAML parser alone, never
// the fast decoder.
func ParseFullYAML(file string, data []byte) (*World, Diagnostics) {
	o := newOptions(nil)
	o.fullYAML = true
	return parseWith(file, string(data), o)
}
