//go:build !docs

package main

import "github.com/spf13/cobra"

// addDocsCmd adds the hidden __docs command only to the build that
// .ci/release makes with -tags docs to write the man pages and
// completions: cobra's man page writer (and the Markdown parser under it)
// would cost every other start of sglab a millisecond of initialisation.
func addDocsCmd(*cobra.Command) {}
