package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestMistakesReadAsSentences runs the real binary with the mistakes a
// person makes on the command line: each is one plain sentence, then the
// command's usage line, with exit status 2; none shows Go's or cobra's
// wording.
func TestMistakesReadAsSentences(t *testing.T) {
	dir := writeScenario(t, "s.yaml", okScenario)
	tests := []struct {
		args  []string
		first string // the first line of standard error
		usage string // the usage line that follows
	}{
		{[]string{"explain", "s.yaml", "--from", "me", "--to", "web-1", "--port", "ssh"},
			`sglab: --port: "ssh" is not a port number (0-65535)`, "sglab explain FILE"},
		{[]string{"explain", "s.yaml", "--from", "me", "--to", "web-1", "--port", "70000"},
			`sglab: --port: "70000" is not a port number (0-65535)`, "sglab explain FILE"},
		{[]string{"explain", "s.yaml", "--from", "me", "--to", "web-1", "--port"},
			`sglab: --port needs a value`, "sglab explain FILE"},
		{[]string{"explain"}, "sglab: missing FILE: the scenario file that holds the connection", "sglab explain FILE"},
		{[]string{"explain", "s.yaml"}, "sglab: missing --from and --to: where the connection starts and where it goes (instances, hosts or IP addresses)", "sglab explain FILE"},
		{[]string{"explain", "s.yaml", "--from", "me"}, "sglab: missing --to: where the connection goes (an instance, a host or an IP address)", "sglab explain FILE"},
		{[]string{"explain", "s.yaml", "--from", "me", "--to", "web-1"}, "sglab: missing --port: a tcp connection goes to a port", "sglab explain FILE"},
		{[]string{"explain", "a.yaml", "b.yaml"}, `sglab: explain takes one FILE, but was given 2: "a.yaml" "b.yaml"`, "sglab explain FILE"},
		{[]string{"check"}, "sglab: missing FILE: the scenario files to check", "sglab check FILE..."},
		{[]string{"check", "--bogus", "s.yaml"}, "sglab: check has no flag --bogus", "sglab check FILE..."},
		{[]string{"--bogus"}, "sglab: there is no flag --bogus", "sglab [flags]"},
		{[]string{"lessons", "foo"}, `sglab: lessons has no command "foo"; the commands are list, validate`, "sglab lessons COMMAND"},
		{[]string{"lessons", "lsit"}, `sglab: lessons has no command "lsit"; did you mean "list"?`, "sglab lessons COMMAND"},
		{[]string{"lesons"}, `sglab: there is no command "lesons"; did you mean "lessons"?`, "sglab [flags]"},
		{[]string{"lessons", "validate"}, "sglab: missing DIR: the lesson pack to check", "sglab lessons validate DIR"},
		{[]string{"progress", "now"}, `sglab: progress takes no arguments, but was given "now"`, "sglab progress"},
		{[]string{"lab", "a.yaml", "b.yaml"}, `sglab: lab takes one FILE, but was given 2: "a.yaml" "b.yaml"`, "sglab lab [FILE]"},
		{[]string{"quiz", "--count", "many"}, `sglab: --count: "many" is not a whole number`, "sglab quiz"},
		{[]string{"--timeout-seconds", "soon", "lab"}, `sglab: --timeout-seconds: "soon" is not a number`, "sglab lab"},
		{[]string{"lab", "--theme", "purple"}, `sglab: --theme is light or dark, not "purple"`, "sglab lab"},
		{[]string{"audit"}, "sglab: missing FILE: the scenario file to review", "sglab audit FILE"},
		{[]string{"export", "s.yaml"}, "sglab: missing --format: terraform, cli or cloudformation", "sglab export FILE"},
		{[]string{"import"}, "sglab: missing PATH: the AWS CLI output to read, as files or directories", "sglab import PATH..."},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, errOut, code := sglab(t, dir, tt.args...)
			lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
			if code != 2 || out != "" || len(lines) != 3 {
				t.Fatalf("exit %d, stdout %q, stderr:\n%s", code, out, errOut)
			}
			if lines[0] != tt.first {
				t.Errorf("first line %q, want %q", lines[0], tt.first)
			}
			if !strings.HasPrefix(lines[1], "Usage: "+tt.usage) || !strings.HasPrefix(lines[2], "Run 'sglab") {
				t.Errorf("no usage line:\n%s", errOut)
			}
			for _, bad := range []string{"sglab: sglab", "strconv.", "arg(s)", "invalid argument", "unknown command", "flag(s)"} {
				if strings.Contains(errOut, bad) {
					t.Errorf("stderr says %q:\n%s", bad, errOut)
				}
			}
		})
	}
}

// TestOtherErrorsDoNotPointToHelp: what goes wrong with a file or the
// state directory is not a mistake on the command line, and --help would
// not help.
func TestOtherErrorsDoNotPointToHelp(t *testing.T) {
	dir := writeScenario(t, "s.yaml", okScenario)
	home := t.TempDir()
	if runtime.GOOS != "windows" {
		os.Symlink(filepath.Join(dir, "s.yaml"), filepath.Join(home, "quiz.json"))
	}
	for _, args := range [][]string{
		{"check", "missing.yaml"},
		{"explain", "s.yaml", "--from", "me", "--to", "nobody", "--port", "22"},
		{"--data-dir", home, "progress"},
	} {
		if args[0] == "--data-dir" && runtime.GOOS == "windows" {
			continue
		}
		_, errOut, code := sglab(t, dir, args...)
		if code != 2 || !strings.HasPrefix(errOut, "sglab: ") || strings.Contains(errOut, "--help") || strings.Contains(errOut, "Usage:") {
			t.Errorf("sglab %s: exit %d, stderr:\n%s", strings.Join(args, " "), code, errOut)
		}
	}
	_, errOut, _ := sglab(t, dir, "--data-dir", home, "progress")
	if runtime.GOOS != "windows" && !strings.Contains(errOut, "quiz.json: it is a symbolic link, and sglab does not follow links in its state directory") {
		t.Errorf("a symlinked state file: %s", errOut)
	}
}

func TestNoHelpForAGroupOfCommandsIsStillHelp(t *testing.T) {
	out, errOut, code := sglab(t, ".", "lessons")
	if code != 0 || errOut != "" || !strings.Contains(out, "sglab lessons [command]") {
		t.Errorf("sglab lessons: exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
}
