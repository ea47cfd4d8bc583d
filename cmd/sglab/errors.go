package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sglab/sglab/internal/safetext"
)

// usageError is a mistake on the command line: the message says what is
// wrong in a plain sentence, and the usage line of the command follows.
// Every other error is about a file, the state directory or sglab itself,
// where the usage would not help.
type usageError struct {
	cmd *cobra.Command
	msg string
}

func (e *usageError) Error() string { return e.msg }

// usage returns a usageError of cmd.
func usage(cmd *cobra.Command, format string, args ...any) error {
	return &usageError{cmd: cmd, msg: fmt.Sprintf(format, args...)}
}

// printError prints what ended sglab on w: one plain sentence (text that
// came from a file or the command line is shown escaped), then for a
// mistake on the command line the usage line and where to read more.
func printError(w io.Writer, err error) {
	var ue *usageError
	if !errors.As(err, &ue) {
		fmt.Fprintf(w, "sglab: %s\n", safetext.Block(err.Error()))
		return
	}
	fmt.Fprintf(w, "sglab: %s\n", safetext.Line(ue.msg))
	fmt.Fprintf(w, "Usage: %s\n", ue.cmd.UseLine())
	fmt.Fprintf(w, "Run '%s --help' for more.\n", ue.cmd.CommandPath())
}

// flagError turns pflag's errors ("invalid argument "ssh" for "--port"
// flag: strconv.ParseInt: parsing "ssh": invalid syntax") into sentences
// ("--port: "ssh" is not a port number (0-65535)").
func flagError(cmd *cobra.Command, err error) error {
	var (
		invalid  *pflag.InvalidValueError
		missing  *pflag.ValueRequiredError
		unknown  *pflag.NotExistError
		badName  *pflag.InvalidSyntaxError
		numError *strconv.NumError
	)
	switch {
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		why := invalid.Unwrap().Error()
		if kind, ok := valueKinds[f.Value.Type()]; ok && errors.As(err, &numError) {
			why = "is not " + kind
		}
		return usage(cmd, "--%s: %q %s", f.Name, invalid.GetValue(), why)
	case errors.As(err, &missing):
		return usage(cmd, "--%s needs a value", missing.GetSpecifiedName())
	case errors.As(err, &unknown):
		name := "--" + unknown.GetSpecifiedName()
		if unknown.GetSpecifiedShortnames() != "" {
			name = "-" + unknown.GetSpecifiedName()[:1]
		}
		if !cmd.HasParent() {
			return usage(cmd, "there is no flag %s", name)
		}
		return usage(cmd, "%s has no flag %s", subject(cmd), name)
	case errors.As(err, &badName):
		return usage(cmd, "%q is not a flag: a flag is --name, or -x for a one-letter one", badName.GetSpecifiedFlag())
	}
	return usage(cmd, "%s", err)
}

// valueKinds says what a flag of each pflag type takes.
var valueKinds = map[string]string{
	"int":     "a whole number",
	"int64":   "a whole number",
	"uint64":  "a whole number, 0 or more",
	"float64": "a number",
	"bool":    "true or false",
}

// portValue is the --port flag: a port number, checked as it is parsed.
type portValue int

func (p *portValue) String() string { return strconv.Itoa(int(*p)) }
func (p *portValue) Type() string   { return "port" }

func (p *portValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 65535 {
		return errors.New("is not a port number (0-65535)")
	}
	*p = portValue(n)
	return nil
}

// args checks a command's positional arguments: at least min of them
// (named name, what they are for the message), at most max (-1: any
// number).
func args(name, what string, min, max int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < min:
			return usage(cmd, "missing %s: %s", name, what)
		case max >= 0 && len(args) > max:
			return usage(cmd, "%s takes %s, but was given %d: %s", subject(cmd), count(max, name), len(args), quoteAll(args))
		}
		return nil
	}
}

// noArgs checks that a command was given no arguments; for a command with
// subcommands, an argument is an unknown subcommand.
func noArgs(cmd *cobra.Command, args []string) error {
	switch {
	case len(args) == 0:
		return nil
	case cmd.HasSubCommands():
		msg := fmt.Sprintf("%s has no command %q", subject(cmd), args[0])
		if !cmd.HasParent() {
			msg = fmt.Sprintf("there is no command %q", args[0])
		}
		cmd.SuggestionsMinimumDistance = 2
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			msg += fmt.Sprintf("; did you mean %q?", s[0])
		} else {
			msg += "; the commands are " + strings.Join(commandNames(cmd), ", ")
		}
		return usage(cmd, "%s", msg)
	}
	return usage(cmd, "%s takes no arguments, but was given %s", subject(cmd), quoteAll(args))
}

// subject names cmd in a sentence that sglab's own prefix starts: "lessons
// validate", not "sglab lessons validate".
func subject(cmd *cobra.Command) string {
	return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
}

func commandNames(cmd *cobra.Command) []string {
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	return names
}

func count(n int, name string) string {
	switch n {
	case 0:
		return "no arguments"
	case 1:
		return "one " + name
	}
	return fmt.Sprintf("at most %d %ss", n, name)
}

func quoteAll(args []string) string {
	q := make([]string, len(args))
	for k, a := range args {
		q[k] = strconv.Quote(a)
	}
	return strings.Join(q, " ")
}
