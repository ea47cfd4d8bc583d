package engine

import (
	"net/netip"
	"slices"
)

// index holds the lookups evaluation needs, rebuilt after every change so
// that evaluating a connection allocates nothing.
type index struct {
	groups map[string]*Group
	refs   map[string]Endpoint // instance and host ids and names
	addrs  map[netip.Addr]Endpoint
	// attached holds each instance's groups, resolved, in attachment order.
	attached map[*Instance][]*Group
}

func (w *World) reindex() {
	x := &index{
		groups:   make(map[string]*Group, len(w.Groups)),
		refs:     make(map[string]Endpoint, 2*(len(w.Instances)+len(w.Hosts))),
		addrs:    make(map[netip.Addr]Endpoint, 3*len(w.Instances)+len(w.Hosts)),
		attached: make(map[*Instance][]*Group, len(w.Instances)),
	}
	for _, g := range w.Groups {
		if _, dup := x.groups[g.ID]; !dup {
			x.groups[g.ID] = g
		}
	}
	// Names first, so that an id wins over a name if the two ever collide.
	for _, i := range w.Instances {
		x.addName(i.Name, Endpoint{Instance: i})
	}
	for _, h := range w.Hosts {
		x.addName(h.Name, Endpoint{Host: h})
	}
	for _, i := range w.Instances {
		e := Endpoint{Instance: i}
		x.refs[i.ID] = e
		for _, a := range []netip.Addr{i.PrivateIP, i.PublicIP, i.IPv6} {
			if a.IsValid() {
				x.addrs[a] = e
			}
		}
		gs := make([]*Group, 0, len(i.Groups))
		for _, id := range i.Groups {
			if g := x.groups[id]; g != nil && !slices.Contains(gs, g) {
				gs = append(gs, g)
			}
		}
		x.attached[i] = gs
	}
	for _, h := range w.Hosts {
		e := Endpoint{Host: h}
		x.refs[h.ID] = e
		if h.IP.IsValid() {
			x.addrs[h.IP] = e
		}
	}
	w.idx = x
}

func (x *index) addName(name string, e Endpoint) {
	if name != "" {
		x.refs[name] = e
	}
}

func (w *World) index() *index {
	if w.idx == nil {
		w.reindex()
	}
	return w.idx
}

// Endpoint is one end of a connection: an instance, a host, or an address
// that no machine of the world has (a computer somewhere on the internet).
type Endpoint struct {
	Instance *Instance
	Host     *Host
	Addr     netip.Addr // the address as written, when the end was given as one
}

func (e Endpoint) known() bool { return e.Instance != nil || e.Host != nil }

// sameMachine reports whether both ends are one instance or host, however
// each was written: by id, by name or by one of its addresses.
func (e Endpoint) sameMachine(o Endpoint) bool {
	return (e.Instance != nil && e.Instance == o.Instance) || (e.Host != nil && e.Host == o.Host)
}

// Label names the endpoint for a learner.
func (e Endpoint) Label() string {
	switch {
	case e.Instance != nil:
		return e.Instance.Label()
	case e.Host != nil:
		return e.Host.Label()
	}
	return e.Addr.String()
}

// listening returns what runs on the endpoint.
func (e Endpoint) listening() []Service {
	switch {
	case e.Instance != nil:
		return e.Instance.Listening
	case e.Host != nil:
		return e.Host.Listening
	}
	return nil
}

// Listens reports whether something on the endpoint listens on protocol and port.
func (e Endpoint) Listens(p Protocol, port int) bool {
	for _, s := range e.listening() {
		if s.Protocol == p && s.Port == port {
			return true
		}
	}
	return false
}

// endpointRef resolves a connection's from or to: an instance or host by id
// or name, or an IP address literal. An address keeps the machine that owns
// it, if any, and the address itself.
func (w *World) endpointRef(ref string) (Endpoint, bool) {
	x := w.index()
	if e, ok := x.refs[ref]; ok {
		return e, true
	}
	if !couldBeAddr(ref) {
		return Endpoint{}, false
	}
	a, err := netip.ParseAddr(ref)
	if err != nil {
		return Endpoint{}, false
	}
	a = a.Unmap()
	e := x.addrs[a]
	e.Addr = a
	return e, true
}

// Endpoint resolves a connection's from or to, as the format reads them.
func (w *World) Endpoint(ref string) (Endpoint, bool) { return w.endpointRef(ref) }

// couldBeAddr reports whether s is made of the characters of an IP address
// without a zone. Other names never reach netip.ParseAddr, whose error
// allocates: evaluating a connection to a name that names nothing must
// not allocate either.
func couldBeAddr(s string) bool {
	for i := range len(s) {
		switch c := s[i]; {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F', c == '.', c == ':':
		default:
			return false
		}
	}
	return s != ""
}
