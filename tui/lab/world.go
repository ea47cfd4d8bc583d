package lab

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/internal/safetext"
	"github.com/sglab/sglab/internal/store"
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

// loadScratch reads the scratch lab from the store and returns the saver
// that keeps it. A missing lab gives the default world; one that no
// longer loads is set aside (lab.yaml.corrupt-TIME in the state
// directory), so nothing is lost, and the lab starts from the default
// world with a warning saying so.
func loadScratch(p *store.Persister, now func() time.Time) (w *engine.World, a *autosaver, warning string, err error) {
	a = &autosaver{persist: p, st: p.Store(), now: now}
	data, err := p.ReadBlob(ScratchFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return DefaultWorld(), a, "", nil
	case err != nil:
		return nil, nil, "", err
	}
	w, ds := engine.Parse(a.name(ScratchFile), data)
	if w != nil {
		return w, a, "", nil
	}
	first := ds.Errors()[0]
	aside, err := a.st.SetAside(ScratchFile)
	if err != nil {
		return nil, nil, "", fmt.Errorf("%s does not load (%v) and could not be set aside: %w", a.name(ScratchFile), first, err)
	}
	p.SetBase(ScratchFile, store.Sum{})
	return DefaultWorld(), a, fmt.Sprintf("Your last lab did not load (%s: %s); it was kept as %s and the lab starts fresh.",
		first.Code, first.Message, aside), nil
}

// OpenScratch opens the learner's scratch lab from the store, autosaved
// after every change. Within one session it is opened once: leaving the
// lab and coming back finds it as it was, undo history and all.
func OpenScratch(ctx *common.Context) (*Model, error) {
	return common.Keep(ctx, "lab/scratch", func() (*Model, error) { return openScratch(ctx) })
}

func openScratch(ctx *common.Context) (*Model, error) {
	p, err := ctx.Persister()
	if err != nil {
		return nil, err
	}
	w, saver, warning, err := loadScratch(p, ctx.Now)
	if err != nil {
		return nil, err
	}
	opts := []Option{func(m *Model) { m.saver = saver }}
	if warning != "" {
		opts = append(opts, WithStatus(warning))
	}
	return New(ctx, w, opts...), nil
}

// autosaver writes the scratch lab after every change without holding up
// the UI: each change is marshalled at once and handed to the session's
// persistence service, which writes the newest of a burst.
//
// Two sglab processes may have the scratch lab open at once. The store
// writes only over the version this lab last read or wrote (compare and
// swap on its hash): when another process changed it, nothing is written,
// and the lab asks the learner whether to keep theirs or load the other
// one (scratchMsg). Neither is ever overwritten silently.
type autosaver struct {
	persist *store.Persister
	st      store.Store
	now     func() time.Time

	mu      sync.Mutex
	latest  uint64 // the version of the newest change
	written uint64 // the newest version in the store
	data    []byte // the newest change, marshalled
}

// name is how messages name blob name: its path in a state directory.
func (a *autosaver) name(name string) string {
	if p, ok := a.st.(interface{ Path(string) string }); ok {
		return p.Path(name)
	}
	return name
}

// autosaveFailedMsg reports a failed autosave.
type autosaveFailedMsg struct{ err error }

// scratchMsg is about the scratch lab and another sglab: it changed under
// this lab (theirs is what it holds now, sum its hash), then the learner's
// choice about it; or note says what was done about a lab another sglab
// left that does not load.
type scratchMsg struct {
	theirs *engine.World
	sum    store.Sum
	// chosen is set once the learner has chosen: keep is true to keep
	// this lab's world, false to load theirs.
	chosen, keep bool
	note         string
}

// save queues the world's current state, with conns as its test
// connections, and returns the command that reports how the write went.
func (a *autosaver) save(w *engine.World, conns []engine.Connection) tea.Cmd {
	snapshot := *w // Marshal only reads, so a shallow copy will do
	snapshot.Connections = conns
	data := engine.Marshal(&snapshot)
	a.mu.Lock()
	a.latest++
	version := a.latest
	a.data = data
	a.mu.Unlock()
	wait := a.persist.Put(ScratchFile, data)
	return func() tea.Msg { return a.outcome(wait(), version) }
}

// outcome turns a write's outcome into what the lab hears: nothing when
// it went well, the other sglab's lab when it changed in between.
func (a *autosaver) outcome(out store.Outcome, version uint64) tea.Msg {
	current, changed := store.IsChanged(out.Err)
	switch {
	case changed:
		theirs, ds := engine.Parse(a.name(ScratchFile), current)
		if theirs != nil {
			return scratchMsg{theirs: theirs, sum: store.SumOf(current)}
		}
		// What another sglab left does not load: there is no lab of
		// theirs to choose, but it is kept all the same.
		first := ds.Errors()[0]
		aside, err := a.st.SetAside(ScratchFile)
		if err != nil {
			return autosaveFailedMsg{fmt.Errorf("another sglab left a scratch lab that does not load (%v), and it could not be set aside: %w", first, err)}
		}
		a.persist.SetBase(ScratchFile, store.Sum{})
		a.mu.Lock()
		data, latest := a.data, a.latest
		a.mu.Unlock()
		if out := a.persist.Put(ScratchFile, data)(); out.Err != nil {
			return autosaveFailedMsg{out.Err}
		}
		a.wrote(latest)
		return scratchMsg{note: fmt.Sprintf("Your lab is saved. The scratch lab another sglab left did not load (%s: %s); it was kept as %s.", first.Code, first.Message, aside)}
	case out.Err != nil:
		return autosaveFailedMsg{out.Err}
	}
	a.wrote(version)
	return nil
}

func (a *autosaver) wrote(version uint64) {
	a.mu.Lock()
	a.written = max(a.written, version)
	a.mu.Unlock()
}

// keepMine takes the learner's choice to keep this lab: the version of
// the lab they were shown may be overwritten, and the newest change is
// written over it. A change another sglab made since is a new conflict.
func (a *autosaver) keepMine(theirs store.Sum) tea.Cmd {
	a.persist.SetBase(ScratchFile, theirs)
	a.mu.Lock()
	data, version := a.data, a.latest
	a.mu.Unlock()
	wait := a.persist.Put(ScratchFile, data)
	return func() tea.Msg { return a.outcome(wait(), version) }
}

// adopt takes the learner's choice to load the other sglab's lab: its
// version is the one this lab knows from now on.
func (a *autosaver) adopt(theirs store.Sum) { a.persist.SetBase(ScratchFile, theirs) }

// Flush writes a pending change when the learner leaves the lab or quits.
// When another sglab changed the lab and the learner has not chosen,
// there is no one to ask: theirs stays, and this lab is kept beside it,
// with an error that says where. (A lab the learner comes back to in the
// same run asks again at its next change.)
func (a *autosaver) Flush() error {
	a.mu.Lock()
	data, version, pending := a.data, a.latest, a.written < a.latest
	a.mu.Unlock()
	if !pending {
		return nil
	}
	wait := a.persist.Put(ScratchFile, data)
	a.persist.Flush()
	switch msg := a.outcome(wait(), version).(type) {
	case autosaveFailedMsg:
		return msg.err
	case scratchMsg:
		if msg.theirs == nil {
			return nil // theirs did not load and was set aside; this lab is saved
		}
	default:
		return nil
	}
	name := fmt.Sprintf("lab-kept-%s-%d.yaml", a.now().UTC().Format("20060102T150405"), os.Getpid())
	if err := a.st.SwapBlob(name, store.Sum{}, data); err != nil {
		return fmt.Errorf("another sglab changed your scratch lab, and yours could not be kept beside it: %w", err)
	}
	a.wrote(version) // kept: leaving again does not keep another copy
	if kept := a.name(name); kept != name {
		return fmt.Errorf("another sglab changed your scratch lab while this one was open; yours is kept in %s (sglab lab %s opens it)", kept, kept)
	}
	return fmt.Errorf("another session changed your scratch lab while this one was open; yours is kept as %s %s", name, a.st.Where())
}

// scratch handles a scratchMsg: it asks the learner to choose when
// another sglab changed the scratch file, then acts on the choice.
func (m *Model) scratch(msg scratchMsg) tea.Cmd {
	switch {
	case m.saver == nil:
		return nil // the lab was saved to a file since: no longer the scratch lab
	case msg.note != "":
		m.setStatus(common.StatusWarn, msg.note)
		return nil
	case !msg.chosen:
		if m.form != nil {
			return nil // asked already; the next change asks again
		}
		m.setStatus(common.StatusWarn, "Another sglab changed your scratch lab. Your changes stay here, but nothing is saved until you choose.")
		return openForm(conflictForm(m.env, msg))
	case msg.keep:
		m.setStatus(common.StatusOK, "Kept your lab: the other sglab's changes were replaced by yours.")
		return m.saver.keepMine(msg.sum)
	}
	m.saver.adopt(msg.sum)
	theirs := msg.theirs
	cmd := m.apply(func(w *engine.World) (done, error) {
		*w = *theirs.Clone()
		return done{status: "Loaded the lab the other sglab saved; u brings yours back."}, nil
	})
	// Take their history of tests too, so that what this lab saves next
	// is their file as it is, not a change to it.
	m.conn.seed(theirs.Connections)
	return tea.Batch(cmd, m.saver.save(m.env.w, m.conn.connections()))
}

// conflictForm asks whether to keep this lab or load the one another
// sglab saved.
func conflictForm(e *env, msg scratchMsg) *form {
	keep := true
	f := newForm(e, "Another sglab changed your scratch lab", func() tea.Msg {
		msg.chosen, msg.keep = true, keep
		return msg
	}, field(huh.NewSelect[bool]().Title("Which lab do you keep?").Options(
		huh.NewOption("Keep mine: the other sglab's changes are replaced", true),
		huh.NewOption("Load theirs: mine stays one undo (u) away", false),
	).Value(&keep).Height(3)))
	f.intro = fmt.Sprintf("Another sglab saved the scratch lab while this one was open; nothing was overwritten. Theirs has %s; yours has %s.",
		groupNames(msg.theirs), groupNames(e.w))
	return f
}

// groupNames lists a world's security groups for the learner to tell two
// labs apart: "the groups default, web-sg", or "no group".
func groupNames(w *engine.World) string {
	names := make([]string, len(w.Groups))
	for k, g := range w.Groups {
		names[k] = safetext.Line(g.Label())
	}
	switch len(names) {
	case 0:
		return "no group"
	case 1:
		return "the group " + names[0]
	}
	return "the groups " + strings.Join(names, ", ")
}
