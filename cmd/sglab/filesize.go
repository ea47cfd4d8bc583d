package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sglab/sglab/engine"
)

// maxFileSizeFlag is --max-file-size, on the commands that read scenario
// files: the largest file they read, 64 MiB unless raised.
const maxFileSizeFlag = "max-file-size"

func addMaxFileSize(cmd *cobra.Command) {
	size := byteSize(engine.DefaultMaxFileSize)
	cmd.Flags().Var(&size, maxFileSizeFlag, "the largest scenario file to read, such as 64MiB or 200MB")
}

// maxFileSize is the command's --max-file-size, or the default.
func maxFileSize(cmd *cobra.Command) engine.Option {
	if f := cmd.Flags().Lookup(maxFileSizeFlag); f != nil {
		if s, ok := f.Value.(*byteSize); ok {
			return engine.MaxFileSize(int64(*s))
		}
	}
	return engine.MaxFileSize(engine.DefaultMaxFileSize)
}

// byteSize is a size in bytes written as people write one: 200MB, 64MiB,
// 1GiB, or a plain number of bytes.
type byteSize int64

var units = []struct {
	suffix string
	factor int64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"b", 1},
}

func (s *byteSize) Set(text string) error {
	t := strings.ToLower(strings.TrimSpace(text))
	factor := int64(1)
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			t, factor = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.factor
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<50)/factor {
		return fmt.Errorf("%q is not a size such as 64MiB, 200MB or 1GiB", text)
	}
	*s = byteSize(n * factor)
	return nil
}

func (s *byteSize) String() string {
	n := int64(*s)
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + "GiB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + "KiB"
	}
	return strconv.FormatInt(n, 10)
}

func (s *byteSize) Type() string { return "size" }
