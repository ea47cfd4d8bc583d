//go:build windows

package state

import "errors"

func mkfifo(string) error { return errors.New("Windows has no FIFOs in the file system") }
