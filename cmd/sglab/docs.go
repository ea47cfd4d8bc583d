//go:build docs

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// docsCommand is the hidden command .ci/release runs, with the binary it
// just built, to write what every release archive carries beside it. The
// files come from the command tree itself, so they never drift from the
// flags and commands of the build they ship with.
const docsCommand = "__docs"

func newDocsCmd() *cobra.Command {
	return &cobra.Command{
		Use:    docsCommand + " DIR",
		Short:  "Write sglab's man pages and shell completions into DIR, as a release archive carries them",
		Hidden: true,
		Args:   args("DIR", "the folder to write the man pages and shell completions in", 1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return writeDocs(cmd.Root(), args[0], currentBuild())
		},
	}
}

// completionFiles are the shell completions a release carries, under the
// names each shell looks for: bash-completion finds sglab.bash, zsh's
// fpath wants _sglab, fish sglab.fish, and PowerShell dot-sources a .ps1.
// They are what `sglab completion SHELL` prints.
var completionFiles = []struct {
	name  string
	write func(root *cobra.Command, path string) error
}{
	{"sglab.bash", func(root *cobra.Command, path string) error { return root.GenBashCompletionFileV2(path, true) }},
	{"_sglab", (*cobra.Command).GenZshCompletionFile},
	{"sglab.fish", func(root *cobra.Command, path string) error { return root.GenFishCompletionFile(path, true) }},
	{"sglab.ps1", (*cobra.Command).GenPowerShellCompletionFileWithDesc},
}

// writeDocs writes dir/completions/* and dir/man/man1/*.1, one man page per
// command a user can run, for the build b. It edits the command tree for
// the man pages: the process ends after it.
func writeDocs(root *cobra.Command, dir string, b buildInfo) error {
	completionDir := filepath.Join(dir, "completions")
	manDir := filepath.Join(dir, "man", "man1")
	for _, d := range []string{completionDir, manDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("cannot make the folder %s: %w", d, err)
		}
	}

	for _, c := range completionFiles {
		if err := c.write(root, filepath.Join(completionDir, c.name)); err != nil {
			return fmt.Errorf("cannot write the completions in %s: %w", completionDir, err)
		}
	}

	// A release's files must be the same however often it is rebuilt:
	// no "Auto generated on <today>" line, and the build's own date.
	root.DisableAutoGenTag = true
	// Execute adds --version only to the command it runs, and the
	// completion command only when it runs: the pages list both, as
	// `sglab --help` does.
	root.InitDefaultVersionFlag()
	root.InitDefaultCompletionCmd()
	plainTextForMarkdown(root)
	header := &doc.GenManHeader{Source: "sglab " + b.Version, Manual: "sglab manual"}
	if t, err := time.Parse(time.RFC3339, b.Time); err == nil {
		header.Date = &t
	}
	if err := doc.GenManTree(root, header, manDir); err != nil {
		return fmt.Errorf("cannot write the man pages in %s: %w", manDir, err)
	}
	return nil
}

// markdownEscaper keeps the help texts' punctuation from being read as
// Markdown by the man page generator, which would drop "<region>" as an
// HTML tag and turn "_x_" into emphasis.
var markdownEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`, `<`, `\<`, `>`, `\>`,
)

// plainTextForMarkdown escapes the Short and Long texts of cmd and its
// descendants for cobra's Markdown-to-roff pages. Indented lines are left
// alone: Markdown shows them as they are, in a code block (cobra's own
// completion commands indent their shell commands with a tab).
func plainTextForMarkdown(cmd *cobra.Command) {
	cmd.Short = markdownEscaper.Replace(cmd.Short)
	lines := strings.Split(cmd.Long, "\n")
	for k, l := range lines {
		if !strings.HasPrefix(l, "\t") && !strings.HasPrefix(l, "    ") {
			lines[k] = markdownEscaper.Replace(l)
		}
	}
	cmd.Long = strings.Join(lines, "\n")
	for _, c := range cmd.Commands() {
		plainTextForMarkdown(c)
	}
}

// addDocsCmd adds the hidden __docs command: this file is built only with
// -tags docs (see nodocs.go).
func addDocsCmd(root *cobra.Command) { root.AddCommand(newDocsCmd()) }
