// Command sglab teaches AWS security groups by letting people use them: a
// terminal lab, a course and a quiz, plus commands that evaluate scenario
// files without the terminal UI.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
