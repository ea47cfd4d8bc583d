//go:build docs

package main

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// buildTags builds the binary the tests run as the test binary was built:
// with the __docs command.
const buildTags = "docs"

// TestDocsCompletionsAreCobras runs the hidden command as .ci/release does
// and checks each shell's file is what `sglab completion SHELL` prints, so
// the archive's files and the README's one-liners load the same thing.
func TestDocsCompletionsAreCobras(t *testing.T) {
	dir := t.TempDir()
	if out, errOut, code := sglab(t, ".", docsCommand, dir); code != 0 || out != "" || errOut != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	for shell, file := range map[string]string{"bash": "sglab.bash", "zsh": "_sglab", "fish": "sglab.fish", "powershell": "sglab.ps1"} {
		got, err := os.ReadFile(filepath.Join(dir, "completions", file))
		if err != nil {
			t.Fatal(err)
		}
		want, _, code := sglab(t, ".", "completion", shell)
		if code != 0 || len(want) < 1000 || string(got) != want {
			t.Errorf("completions/%s (%d bytes) is not `sglab completion %s` (%d bytes, exit %d)", file, len(got), shell, len(want), code)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "man", "man1", "sglab.1")); err != nil {
		t.Errorf("no man page for sglab: %v", err)
	}
}

// TestDocsManPages checks there is one page per command a user can run,
// each headed with the build's version and date, and none for the hidden
// command itself.
func TestDocsManPages(t *testing.T) {
	dir := t.TempDir()
	b := buildInfo{Version: "v9.8.7", Time: "2025-05-06T07:08:09Z"}
	if err := writeDocs(newRoot(io.Discard, io.Discard), dir, b); err != nil {
		t.Fatal(err)
	}
	var want []string
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		want = append(want, strings.ReplaceAll(c.CommandPath(), " ", "-")+".1")
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() {
				walk(sub)
			}
		}
	}
	root := newRoot(io.Discard, io.Discard)
	root.InitDefaultCompletionCmd()
	walk(root)
	for _, must := range []string{"sglab.1", "sglab-check.1", "sglab-lessons-validate.1", "sglab-completion-bash.1"} {
		if !slices.Contains(want, must) {
			t.Fatalf("the command tree has no %s: %v", must, want)
		}
	}

	entries, err := os.ReadDir(filepath.Join(dir, "man", "man1"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
		page, err := os.ReadFile(filepath.Join(dir, "man", "man1", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		title := strings.ToUpper(strings.TrimSuffix(e.Name(), ".1"))
		head := `.TH "` + title + `" "1" "May 2025" "sglab v9.8.7" "sglab manual"`
		if !strings.Contains(string(page), head+"\n") {
			t.Errorf("%s does not start with %s:\n%.200s", e.Name(), head, page)
		}
		if strings.Contains(string(page), "Auto generated") {
			t.Errorf("%s has cobra's dated auto-generated line", e.Name())
		}
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("man pages %v, want one per command: %v", got, want)
	}

	root1, err := os.ReadFile(filepath.Join(dir, "man", "man1", "sglab.1"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(root1), "version for sglab") {
		t.Errorf("sglab.1 does not list --version:\n%s", root1)
	}
}

// TestDocsKeepPlainText checks that help texts, which are plain text, reach
// the man page as written rather than read as Markdown, while an indented
// line (a shell command in cobra's completion help) stays a code block.
func TestDocsKeepPlainText(t *testing.T) {
	root := &cobra.Command{Use: "sglab", Short: "Learn *security* groups"}
	root.AddCommand(&cobra.Command{
		Use:   "import PATH",
		Short: "Turn AWS CLI output into a scenario_file",
		Long:  "Reads aws_configs/<region>/ folders, [any] of them, `as is`, *all* of a_b_c\\d.\n\n\tsource <(sglab completion bash) > _sglab\n",
		Run:   func(*cobra.Command, []string) {},
	})
	dir := t.TempDir()
	if err := writeDocs(root, dir, buildInfo{Version: "dev"}); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, "man", "man1", "sglab-import.1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"sglab-import - Turn AWS CLI output into a scenario_file\n",
		"Reads aws_configs/<region>/ folders, [any] of them, `as is`, *all* of a_b_c\\\\d.\n",
		"source <(sglab completion bash) > _sglab\n",
	} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the page does not have %q:\n%s", want, page)
		}
	}
}

func TestDocsErrors(t *testing.T) {
	_, errOut, code := sglab(t, ".", docsCommand)
	if code != exitInvalid || !strings.HasPrefix(errOut, "sglab: missing DIR: ") || !strings.Contains(errOut, "Usage: sglab __docs DIR") {
		t.Errorf("no DIR: exit %d, stderr:\n%s", code, errOut)
	}
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = sglab(t, ".", docsCommand, file)
	if code != exitInvalid || !strings.HasPrefix(errOut, "sglab: cannot make the folder ") || strings.Contains(errOut, "Usage:") {
		t.Errorf("DIR is a file: exit %d, stderr:\n%s", code, errOut)
	}
	out, _, _ := sglab(t, ".", "--help")
	if strings.Contains(out, docsCommand) {
		t.Errorf("sglab --help shows the hidden command:\n%s", out)
	}
}
