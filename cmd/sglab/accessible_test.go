package main

import "testing"

// ACCESSIBLE turns accessible mode on as huh and gum read it, set
// meaning on, and a false value off; --accessible=false wins over it.
func TestAccessibleEnv(t *testing.T) {
	for v, want := range map[string]bool{"": false, "1": true, "true": true, "yes": true, "0": false, "false": false, "No": false, "off": false} {
		t.Setenv("ACCESSIBLE", v)
		if got := accessibleEnv(); got != want {
			t.Errorf("ACCESSIBLE=%q: %v, want %v", v, got, want)
		}
	}
	t.Setenv("ACCESSIBLE", "1")
	root := newRoot(nil, nil)
	if f := root.PersistentFlags().Lookup("accessible"); f == nil || f.DefValue != "true" {
		t.Fatalf("--accessible with ACCESSIBLE=1: %+v", f)
	}
	if err := root.PersistentFlags().Parse([]string{"--accessible=false"}); err != nil {
		t.Fatal(err)
	}
	if f := root.PersistentFlags().Lookup("accessible"); f.Value.String() != "false" {
		t.Fatalf("--accessible=false does not win over ACCESSIBLE=1: %s", f.Value)
	}
}
