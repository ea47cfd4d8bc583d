package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Set by a release build with -ldflags "-X main.version=v1.2.3 -X
// main.commit=… -X main.date=…"; they win over what Go recorded.
var version, commit, date string

// buildInfo names the exact build of sglab.
type buildInfo struct {
	Version  string `json:"version"`            // the module version, or "dev"
	Revision string `json:"revision,omitempty"` // the VCS revision
	Time     string `json:"time,omitempty"`     // the revision's time (RFC 3339)
	Modified bool   `json:"modified,omitempty"` // built with uncommitted changes
	Go       string `json:"go"`
	Platform string `json:"platform"` // GOOS/GOARCH
	// ScenarioFormat is the scenario file format version this build reads.
	ScenarioFormat int `json:"scenario_format"`
}

// readBuildInfo reads what Go recorded in the binary (bi, nil when
// nothing was), with the -ldflags values first.
func readBuildInfo(bi *debug.BuildInfo, ok bool) buildInfo {
	b := buildInfo{Version: "dev", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH, ScenarioFormat: 1}
	if ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			b.Version = v
		}
		b.Go = bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				b.Revision = s.Value
			case "vcs.time":
				b.Time = s.Value
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
	}
	if version != "" {
		b.Version = version
	}
	if commit != "" {
		b.Revision, b.Modified = commit, false
	}
	if date != "" {
		b.Time = date
	}
	return b
}

func currentBuild() buildInfo { return readBuildInfo(debug.ReadBuildInfo()) }

// String is the line `sglab version` prints: "sglab v1.2.3 (revision
// 0123abcd4567, 2025-03-14T15:09:26Z; go1.24.2 linux/amd64; scenario
// format 1)".
func (b buildInfo) String() string {
	var details []string
	if b.Revision != "" {
		rev := "revision " + b.Revision[:min(len(b.Revision), 12)]
		if b.Time != "" {
			rev += ", " + b.Time
		}
		if b.Modified {
			rev += ", modified"
		}
		details = append(details, rev)
	}
	details = append(details, b.Go+" "+b.Platform, fmt.Sprintf("scenario format %d", b.ScenarioFormat))
	return fmt.Sprintf("sglab %s (%s)", b.Version, strings.Join(details, "; "))
}

func newVersionCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print sglab's version, the revision it was built from, and the Go it was built with",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return printVersion(cmd.OutOrStdout(), asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON document on standard output")
	return cmd
}

// printVersion writes `sglab version`'s line, or its JSON document.
func printVersion(w io.Writer, asJSON bool) error {
	if asJSON {
		return writeJSON(w, currentBuild())
	}
	_, err := fmt.Fprintln(w, currentBuild())
	return err
}
