package state

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// doc is a document at schema 2 that knows how to upgrade from 1.
type doc struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func (*doc) SchemaVersion() int { return 2 }

func (d *doc) Upgrade(from int) error {
	switch from {
	case 1:
		d.Count *= 10 // schema 1 counted tens
	case 2:
	default:
		return errors.New("unknown schema")
	}
	return nil
}

func open(t *testing.T) (*Store, *[]string) {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "state"))
	if err != nil {
		t.Fatal(err)
	}
	var warnings []string
	s.Warn = func(w string) { warnings = append(warnings, w) }
	return s, &warnings
}

func TestWriteThenReadRoundTrips(t *testing.T) {
	s, _ := open(t)
	if err := s.Write("d.json", &doc{Name: "x", Count: 3}); err != nil {
		t.Fatal(err)
	}
	var got doc
	if err := s.Read("d.json", &got); err != nil || got != (doc{"x", 3}) {
		t.Fatalf("read %+v, %v", got, err)
	}
	entries, _ := os.ReadDir(s.Dir())
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("a temporary file was left behind: %s", e.Name())
		}
	}
}

func TestReadMissingFileLeavesValue(t *testing.T) {
	s, warnings := open(t)
	got := doc{Name: "keep"}
	if err := s.Read("none.json", &got); err != nil || got.Name != "keep" || len(*warnings) != 0 {
		t.Fatalf("got %+v, %v, warnings %v", got, err, *warnings)
	}
}

func TestReadUpgradesOlderSchema(t *testing.T) {
	s, _ := open(t)
	os.WriteFile(s.Path("d.json"), []byte(`{"schema": 1, "data": {"name": "old", "count": 4}}`), 0o644)
	var got doc
	if err := s.Read("d.json", &got); err != nil || got != (doc{"old", 40}) {
		t.Fatalf("read %+v, %v", got, err)
	}
}

func TestCorruptFileIsSetAsideAndValueUntouched(t *testing.T) {
	for name, content := range map[string]string{
		"not json":        `{"schema": 2, "data": {"name": "half`,
		"wrong shape":     `{"schema": 2, "data": {"name": 5, "count": 1}}`,
		"failing upgrade": `{"schema": 0, "data": {"name": "x", "count": 1}}`,
	} {
		t.Run(name, func(t *testing.T) {
			s, warnings := open(t)
			os.WriteFile(s.Path("d.json"), []byte(content), 0o644)
			got := doc{Name: "keep", Count: 7}
			if err := s.Read("d.json", &got); err != nil {
				t.Fatalf("a corrupt file is set aside, not an error: %v", err)
			}
			if got != (doc{"keep", 7}) {
				t.Errorf("value changed to %+v", got)
			}
			if _, err := os.Stat(s.Path("d.json")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the corrupt file is still in place")
			}
			aside, _ := filepath.Glob(s.Path("d.json.corrupt-*"))
			if len(aside) != 1 || len(*warnings) != 1 || !strings.Contains((*warnings)[0], aside[0]) {
				t.Errorf("set aside as %v with warnings %v", aside, *warnings)
			}
		})
	}
}

func TestNewerSchemaIsRefusedAndKept(t *testing.T) {
	s, _ := open(t)
	os.WriteFile(s.Path("d.json"), []byte(`{"schema": 9, "data": {}}`), 0o644)
	var got doc
	err := s.Read("d.json", &got)
	if err == nil || !strings.Contains(err.Error(), "newer sglab") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(s.Path("d.json")); err != nil {
		t.Errorf("a newer file must not be set aside: %v", err)
	}
}

func TestUpdateAppliesChangeUnderLock(t *testing.T) {
	s, _ := open(t)
	for range 3 {
		var d doc
		if err := s.Update("d.json", &d, func() error { d.Count++; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	var d doc
	s.Read("d.json", &d)
	if d.Count != 3 {
		t.Errorf("count %d after three updates", d.Count)
	}
	var e doc
	failed := errors.New("no")
	if err := s.Update("d.json", &e, func() error { e.Count = 100; return failed }); !errors.Is(err, failed) {
		t.Errorf("err = %v", err)
	}
	s.Read("d.json", &d)
	if d.Count != 3 {
		t.Errorf("a failed change was written: count %d", d.Count)
	}
}

func TestDirPrecedence(t *testing.T) {
	t.Setenv("SGLAB_HOME", filepath.FromSlash("/from/env"))
	if d, _ := Dir(filepath.FromSlash("/flag")); d != filepath.FromSlash("/flag") {
		t.Errorf("--data-dir wins: %s", d)
	}
	if d, _ := Dir(""); d != filepath.FromSlash("/from/env") {
		t.Errorf("SGLAB_HOME next: %s", d)
	}
}

func TestSystemDirIsWhereEachSystemKeepsState(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	j := filepath.Join
	tests := []struct {
		goos string
		env  map[string]string
		home string
		want string
	}{
		{"linux", map[string]string{"XDG_STATE_HOME": "/xdg"}, "/home/me", j("/xdg", "sglab")},
		{"linux", nil, "/home/me", j("/home/me", ".local", "state", "sglab")},
		// The XDG specification: a relative path is invalid and ignored.
		{"linux", map[string]string{"XDG_STATE_HOME": "relative"}, "/home/me", j("/home/me", ".local", "state", "sglab")},
		{"freebsd", nil, "/home/me", j("/home/me", ".local", "state", "sglab")},
		{"darwin", map[string]string{"XDG_STATE_HOME": "/xdg"}, "/Users/me", j("/Users/me", "Library", "Application Support", "sglab")},
		{"windows", map[string]string{"LocalAppData": `C:\Users\me\AppData\Local`}, `C:\Users\me`, j(`C:\Users\me\AppData\Local`, "sglab")},
		{"windows", nil, `C:\Users\me`, j(`C:\Users\me`, "AppData", "Local", "sglab")},
	}
	for _, tt := range tests {
		got, err := systemDir(tt.goos, env(tt.env), tt.home)
		if err != nil || got != tt.want {
			t.Errorf("%s %v: %q, %v; want %q", tt.goos, tt.env, got, err, tt.want)
		}
	}
	for _, goos := range []string{"linux", "darwin", "windows"} {
		if _, err := systemDir(goos, env(nil), ""); err == nil {
			t.Errorf("%s without a home: no error", goos)
		}
	}
}
