package main

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestReadBuildInfo(t *testing.T) {
	tagged := &debug.BuildInfo{GoVersion: "go1.24.2", Main: debug.Module{Version: "v1.2.3"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2025-03-14T15:09:26Z"}, {Key: "vcs.modified", Value: "true"},
	}}
	platform := runtime.GOOS + "/" + runtime.GOARCH
	tests := []struct {
		name                string
		bi                  *debug.BuildInfo
		ok                  bool
		ldVersion, ldCommit string
		ldDate              string
		want                buildInfo
		line                string
	}{
		{name: "a tagged checkout", bi: tagged, ok: true,
			want: buildInfo{Version: "v1.2.3", Revision: "0123456789abcdef0123", Time: "2025-03-14T15:09:26Z", Modified: true, Go: "go1.24.2", Platform: platform, ScenarioFormat: 1},
			line: "sglab v1.2.3 (revision 0123456789ab, 2025-03-14T15:09:26Z, modified; go1.24.2 " + platform + "; scenario format 1)"},
		{name: "a release sets -ldflags", bi: tagged, ok: true, ldVersion: "v1.3.0", ldCommit: "fedcba987654", ldDate: "2025-04-01T00:00:00Z",
			want: buildInfo{Version: "v1.3.0", Revision: "fedcba987654", Time: "2025-04-01T00:00:00Z", Go: "go1.24.2", Platform: platform, ScenarioFormat: 1},
			line: "sglab v1.3.0 (revision fedcba987654, 2025-04-01T00:00:00Z; go1.24.2 " + platform + "; scenario format 1)"},
		{name: "go install of a module version", bi: &debug.BuildInfo{GoVersion: "go1.25.0", Main: debug.Module{Version: "v1.2.3"}}, ok: true,
			want: buildInfo{Version: "v1.2.3", Go: "go1.25.0", Platform: platform, ScenarioFormat: 1},
			line: "sglab v1.2.3 (go1.25.0 " + platform + "; scenario format 1)"},
		{name: "a development build", bi: &debug.BuildInfo{GoVersion: "go1.25.0", Main: debug.Module{Version: "(devel)"}}, ok: true,
			want: buildInfo{Version: "dev", Go: "go1.25.0", Platform: platform, ScenarioFormat: 1}},
	}
	defer func(v, c, d string) { version, commit, date = v, c, d }(version, commit, date)
	for _, tt := range tests {
		version, commit, date = tt.ldVersion, tt.ldCommit, tt.ldDate
		got := readBuildInfo(tt.bi, tt.ok)
		if got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
		if tt.line != "" && got.String() != tt.line {
			t.Errorf("%s: %q, want %q", tt.name, got.String(), tt.line)
		}
	}
}

// TestVersionOfAReleaseBuild builds sglab as a release would, with
// -ldflags, and reads the version as a person and as a tool would.
func TestVersionOfAReleaseBuild(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "sglab")
	ld := "-X main.version=v9.8.7 -X main.commit=abcdef0123456789 -X main.date=2025-05-06T07:08:09Z"
	if out, err := exec.Command("go", "build", "-ldflags", ld, "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := "sglab v9.8.7 (revision abcdef012345, 2025-05-06T07:08:09Z; " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "; scenario format 1)\n"
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, err := exec.Command(bin, args...).Output()
		if err != nil || string(out) != want {
			t.Errorf("sglab %s: %q (%v), want %q", strings.Join(args, " "), out, err, want)
		}
	}
	out, err := exec.Command(bin, "version", "--json").Output()
	var got buildInfo
	if err != nil || json.Unmarshal(out, &got) != nil || got.Version != "v9.8.7" || got.Revision != "abcdef0123456789" || got.ScenarioFormat != 1 {
		t.Errorf("version --json: %s (%v)", out, err)
	}
}
