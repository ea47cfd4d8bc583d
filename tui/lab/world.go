package lab

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/tui/common"
)

// Names of the outside hosts of the starting world. "My IP" in the rule
// form means the address of yourComputer.
const (
	yourComputer = "your computer"
	someoneElse  = "someone else's computer"
)

// ScratchFile is the name of the scratch lab in the state directory.
const ScratchFile = "lab.yaml"

// DefaultWorld is the scratch lab's starting world: one instance running
// sshd with only its VPC's default group, so SSH from outside times out
// until the learner opens port 22; your computer, someone else's, and a
// website to reach on the way out.
func DefaultWorld() *engine.World {
	w := engine.NewWorld("Scratch lab")
	w.Description = "Your own lab: build security groups and test them."
	must(w.AddVPC(engine.VPC{ID: "vpc-main", CIDR: netip.MustParsePrefix("10.0.0.0/16")}))
	_, err := w.LaunchInstance(engine.Instance{
		Name: "web-1", VPC: "vpc-main",
		PrivateIP: netip.MustParseAddr("10.0.1.10"), PublicIP: w.FreePublicIP(),
		Listening: []engine.Service{{Protocol: engine.ProtoTCP, Port: 22}},
	})
	must(err)
	for _, h := range []engine.Host{
		{ID: "laptop", Name: yourComputer, IP: netip.MustParseAddr("203.0.113.10")},
		{ID: "neighbour", Name: someoneElse, IP: netip.MustParseAddr("198.51.100.7")},
		{ID: "website", Name: "website", IP: netip.MustParseAddr("192.0.2.44"),
			Listening: []engine.Service{{Protocol: engine.ProtoTCP, Port: 443}}},
	} {
		_, err := w.AddHost(h)
		must(err)
	}
	return w
}

// must stops on an error that only a bug in DefaultWorld can cause.
func must(err error) {
	if err != nil {
		panic("lab: the default world is invalid: " + err.Error())
	}
}

// LoadScratch reads the scratch lab from path. A missing file gives the
// default world; a file that no longer loads is set aside as
// path.corrupt-TIME, so nothing is lost, and the lab starts from the
// default world with a warning saying so.
func LoadScratch(path string, now time.Time) (w *engine.World, warning string, err error) {
	w, ds, err := engine.LoadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return DefaultWorld(), "", nil
	case err != nil:
		return nil, "", err
	case w != nil:
		return w, "", nil
	}
	aside := path + ".corrupt-" + now.UTC().Format("20060102T150405")
	if err := os.Rename(path, aside); err != nil {
		return nil, "", fmt.Errorf("%s does not load (%v) and could not be set aside: %w", path, ds.Errors()[0], err)
	}
	first := ds.Errors()[0]
	return DefaultWorld(), fmt.Sprintf("Your last lab did not load (%s: %s); it was kept as %s and the lab starts fresh.",
		first.Code, first.Message, aside), nil
}

// OpenScratch opens the learner's scratch lab from the state directory,
// autosaved after every change. Within one session it is opened once:
// leaving the lab and coming back finds it as it was, undo history and
// all.
func OpenScratch(ctx *common.Context) (*Model, error) {
	return common.Keep(ctx, "lab/scratch", func() (*Model, error) { return openScratch(ctx) })
}

func openScratch(ctx *common.Context) (*Model, error) {
	path := filepath.Join(ctx.DataDir, ScratchFile)
	w, warning, err := LoadScratch(path, ctx.Now())
	if err != nil {
		return nil, err
	}
	opts := []Option{WithAutosave(path)}
	if warning != "" {
		opts = append(opts, WithStatus(warning))
	}
	return New(ctx, w, opts...), nil
}

// autosaver writes the world to a file after every change without holding
// up the UI: each change is marshalled at once and written by a command.
// Writes carry a version and the newest one wins, whatever order the
// commands run in; Flush writes what is still pending, for the end of the
// program.
type autosaver struct {
	path string

	mu      sync.Mutex
	latest  uint64 // the version of the newest change
	written uint64 // the newest version on disk
	data    []byte // the newest change, marshalled
}

// autosaveFailedMsg reports a failed autosave.
type autosaveFailedMsg struct{ err error }

// save queues the world's current state, with conns as its test
// connections, and returns the command that writes it.
func (a *autosaver) save(w *engine.World, conns []engine.Connection) tea.Cmd {
	snapshot := *w // Marshal only reads, so a shallow copy will do
	snapshot.Connections = conns
	data := engine.Marshal(&snapshot)
	a.mu.Lock()
	a.latest++
	a.data = data
	a.mu.Unlock()
	return func() tea.Msg {
		if err := a.Flush(); err != nil {
			return autosaveFailedMsg{err}
		}
		return nil
	}
}

// Flush writes the newest change if it is not on disk yet.
func (a *autosaver) Flush() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.written == a.latest {
		return nil
	}
	if err := engine.WriteFileAtomic(a.path, a.data, 0o644); err != nil {
		return err
	}
	a.written = a.latest
	return nil
}
