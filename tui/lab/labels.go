package lab

import (
	"net/netip"

	"github.com/sglab/sglab/engine"
)

// groupLabel names a group by its name, or by id when it is gone.
func groupLabel(w *engine.World, id string) string {
	if g := w.Group(id); g != nil {
		return g.Label()
	}
	return id
}

// machineLabel names an instance or a host, or says id when it is gone.
func machineLabel(w *engine.World, id string) string {
	if e, ok := w.Endpoint(id); ok && (e.Instance != nil || e.Host != nil) {
		return e.Label()
	}
	return id
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
