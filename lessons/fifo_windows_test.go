//go:build windows

package lessons

import "errors"

func mkfifo(string) error { return errors.New("Windows has no FIFOs in the file system") }
