package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// Dir returns the directory sglab keeps its state in: override when not
// empty (the --data-dir flag), else $SGLAB_HOME, else where the system
// keeps an application's state: $XDG_STATE_HOME/sglab or
// ~/.local/state/sglab on Linux and the other Unix systems,
// ~/Library/Application Support/sglab on macOS, %LocalAppData%\sglab on
// Windows. The path is in the system's own form.
func Dir(override string) (string, error) {
	if override != "" {
		return filepath.Clean(override), nil
	}
	if d := os.Getenv("SGLAB_HOME"); d != "" {
		return filepath.Clean(d), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		home = ""
	}
	d, err := systemDir(runtime.GOOS, os.Getenv, home)
	if err != nil {
		return "", fmt.Errorf("cannot find a directory for sglab's state: set SGLAB_HOME or --data-dir (%w)", err)
	}
	return d, nil
}

// systemDir is where the system goos keeps an application's state, given
// its environment and the user's home directory ("" when unknown).
func systemDir(goos string, getenv func(string) string, home string) (string, error) {
	switch goos {
	case "windows":
		if d := getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "sglab"), nil
		}
		if home != "" {
			return filepath.Join(home, "AppData", "Local", "sglab"), nil
		}
	case "darwin", "ios":
		if home != "" {
			return filepath.Join(home, "Library", "Application Support", "sglab"), nil
		}
	default:
		// The XDG Base Directory specification: a relative path is invalid
		// and is ignored.
		if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
			return filepath.Join(d, "sglab"), nil
		}
		if home != "" {
			return filepath.Join(home, ".local", "state", "sglab"), nil
		}
	}
	return "", errors.New("the home directory is unknown")
}
