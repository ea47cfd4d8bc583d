package lab

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/internal/console"
	"github.com/sglab/sglab/internal/safetext"
	"github.com/sglab/sglab/tui/common"
)

// Every name, id and description the lab shows came from a file someone
// else may have written: it goes through safe (safetext.Line) on its way
// to the screen, so that a control character shows escaped ("\x1b")
// instead of acting on the terminal. The helpers below return safe text.

// safe makes one line of text from a file safe to draw.
func safe(s string) string { return safetext.Line(s) }

// groupLabel names a group by its name, or by id when it is gone.
func groupLabel(w *engine.World, id string) string {
	if g := w.Group(id); g != nil {
		return safe(g.Label())
	}
	return safe(id)
}

// machineLabel names an instance or a host, or says id when it is gone.
func machineLabel(w *engine.World, id string) string {
	if e, ok := w.Endpoint(id); ok && (e.Instance != nil || e.Host != nil) {
		return safe(e.Label())
	}
	return safe(id)
}

// consoleRow is a rule as the console's table shows it, each cell safe.
func consoleRow(w *engine.World, r engine.Rule) []string {
	cells := console.Row(w, r)
	for k := range cells {
		cells[k] = safe(cells[k])
	}
	return cells
}

// myIP is the address the console's "My IP" means: the learner's own
// computer, the host named "your computer", as a /32. It is invalid when
// the world has no such host.
func myIP(w *engine.World) netip.Prefix {
	if h := w.Host(yourComputer); h != nil {
		return netip.PrefixFrom(h.IP, h.IP.BitLen())
	}
	return netip.Prefix{}
}

// ruleText names a rule by its content, as the console's table shows it:
// "SSH · TCP · 22 · 203.0.113.10/32 · my laptop", or in accessible mode
// with each part named by its column: "Type: SSH, Protocol: TCP, …". A
// learner never meets a rule's index.
func ruleText(ctx *common.Context, w *engine.World, dir engine.Direction, r engine.Rule) string {
	if !ctx.Accessible {
		return strings.Join(nonEmpty(consoleRow(w, r)), " · ")
	}
	var said []string
	for k, c := range consoleRow(w, r) {
		if c != "" {
			said = append(said, console.Columns(dir)[k]+": "+c)
		}
	}
	return strings.Join(said, ", ")
}

// groupList names groups by their ids: "default, ssh-from-me", or "no group".
func groupList(w *engine.World, ids []string) string {
	if len(ids) == 0 {
		return "no group"
	}
	labels := make([]string, len(ids))
	for k, id := range ids {
		labels[k] = groupLabel(w, id)
	}
	return strings.Join(labels, ", ")
}

// attachedTo names the instances a group is attached to, or "nothing".
// In a big world it names the first few and counts the rest: a default
// group of an imported account can guard thousands.
func attachedTo(w *engine.World, groupID string) string {
	users := w.InstancesWith(groupID)
	if len(users) == 0 {
		return "nothing"
	}
	const named = 8
	labels := make([]string, 0, min(len(users), named))
	for _, i := range users[:min(len(users), named)] {
		labels = append(labels, safe(i.Label()))
	}
	if more := len(users) - len(labels); more > 0 {
		return fmt.Sprintf("%s and %s", strings.Join(labels, ", "), plural(more, "more instance"))
	}
	return strings.Join(labels, ", ")
}

// tooManyGroups is AWS's refusal of more groups than an instance may have,
// counting the groups the learner asked for.
func tooManyGroups(w *engine.World, instance string, n int) error {
	if limit := w.Quotas.GroupsPerInstance; n > limit {
		return &engine.Error{Code: engine.CodeGroupsLimit,
			Message: fmt.Sprintf("that makes %d security groups for %s; an instance can have at most %d", n, instance, limit)}
	}
	return nil
}
