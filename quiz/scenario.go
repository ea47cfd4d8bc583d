package quiz

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/sglab/sglab/engine"
)

// ScenarioKind is the question a generated scenario asks.
type ScenarioKind string

// The scenario questions.
const (
	AskOutcome ScenarioKind = "outcome" // what happens when X connects to Y on port P?
	AskRule    ScenarioKind = "rule"    // which rule lets it in?
	AskFix     ScenarioKind = "fix"     // which one rule would make it connect?
)

// ScenarioKinds lists the scenario questions.
var ScenarioKinds = []ScenarioKind{AskOutcome, AskRule, AskFix}

// Scenario is what a generated question is about, so that its answer can
// be re-checked by anyone: the world, the connection asked about, and what
// each choice stands for.
type Scenario struct {
	Kind  ScenarioKind
	World *engine.World
	Conn  engine.Connection
	// Rules[k] is the rule choice k names (AskRule).
	Rules []engine.RuleRef
	// Fixes[k] is the rule choice k proposes to add (AskFix).
	Fixes []Fix
}

// Fix is a rule to add to a group.
type Fix struct {
	Group     string
	Direction engine.Direction
	Rule      engine.Rule
}

// Apply returns a copy of w with the fix's rule added; w is not changed.
func (f Fix) Apply(w *engine.World) (*engine.World, error) {
	c := w.Clone()
	if err := c.AddRule(f.Group, f.Direction, f.Rule); err != nil {
		return nil, err
	}
	return c, nil
}

// generatorVersion starts every generated id. Review rebuilds a missed
// question from its id; a generator that builds different worlds from the
// same seed must get a new version, so that old ids stop matching instead
// of bringing back a different question.
const generatorVersion = "scn1"

func scenarioID(kind ScenarioKind, seed uint64) string {
	return generatorVersion + "-" + string(kind) + "-" + strconv.FormatUint(seed, 10)
}

func parseScenarioID(id string) (ScenarioKind, uint64, bool) {
	parts := strings.Split(id, "-")
	if len(parts) != 3 || parts[0] != generatorVersion || !slices.Contains(ScenarioKinds, ScenarioKind(parts[1])) {
		return "", 0, false
	}
	seed, err := strconv.ParseUint(parts[2], 10, 64)
	return ScenarioKind(parts[1]), seed, err == nil
}

// maxWorlds bounds the worlds tried for one question. A world rarely lacks
// a connection that fits the question; the tests show every seed they try
// finds one within a few worlds.
const maxWorlds = 50

// Generate builds the question of this kind for seed: a small random world
// and a question about one connection in it, answered by engine.Evaluate.
// The same kind and seed always give the same question.
func Generate(kind ScenarioKind, seed uint64) (Question, error) {
	ask := map[ScenarioKind]func(*engine.World, *rng) (Question, bool){
		AskOutcome: askOutcome, AskRule: askRule, AskFix: askFix,
	}[kind]
	if ask == nil {
		return Question{}, fmt.Errorf("a scenario question is outcome, rule or fix, not %q", kind)
	}
	r := newRNG(seed)
	for range maxWorlds {
		w := randomWorld(r)
		if q, ok := ask(w, r); ok {
			q.ID, q.Topic, q.Kind = scenarioID(kind, seed), Scenarios, Single
			q.Exhibit = NewExhibit(w)
			q.Scenario.Kind, q.Scenario.World = kind, w
			return q, nil
		}
	}
	return Question{}, fmt.Errorf("no %s question found for seed %d", kind, seed)
}

// The material worlds are built from. Hosts sit in documentation ranges,
// outside the VPC.
var (
	vpcCIDR      = netip.MustParsePrefix("10.0.0.0/16")
	anywhere     = netip.MustParsePrefix("0.0.0.0/0")
	instancePool = []string{"web-1", "web-2", "app-1", "db-1", "bastion"}
	groupPool    = []string{"web", "app", "db", "admin", "remote"}
	portPool     = []int{22, 80, 443, 3389, 5432, 8080}
	hostPool     = []struct{ name, ip string }{
		{"laptop", "203.0.113.10"}, {"office-pc", "198.51.100.20"}, {"stranger", "192.0.2.77"},
	}
)

const vpcID = "vpc-quiz"

// randomWorld builds one VPC with 2-4 groups of 1-3 inbound rules each
// (sometimes a group reference, sometimes a restricted outbound list), 2-4
// instances with 1-2 groups each and some services running, and 1-3 hosts
// outside AWS. It uses the engine's own changes, which validate every step.
func randomWorld(r *rng) *engine.World {
	w := engine.NewWorld("quiz scenario")
	must(w.AddVPC(engine.VPC{ID: vpcID, CIDR: vpcCIDR}))
	var hosts []netip.Addr
	for _, h := range sample(r, hostPool, 1+r.intn(3)) {
		ip := netip.MustParseAddr(h.ip)
		hosts = append(hosts, ip)
		_, err := w.AddHost(engine.Host{ID: h.name, IP: ip})
		must(err)
	}
	groups := sample(r, groupPool, 2+r.intn(3))
	for k, name := range groups {
		groups[k] = "sg-" + name
		g := engine.Group{ID: groups[k], Name: name, VPC: vpcID, Description: name + " servers"}
		if r.chance(15) {
			// Only HTTPS out: a connection this group's instances open
			// on another port is blocked on the way out.
			g.Outbound = []engine.Rule{{Protocol: engine.ProtoTCP, Ports: engine.PortRange{Lo: 443, Hi: 443}, Peer: engine.CIDRPeer(anywhere)}}
		}
		_, err := w.CreateGroup(g)
		must(err)
	}
	for _, g := range groups {
		for range 1 + r.intn(3) {
			err := w.AddRule(g, engine.Inbound, randomRule(r, g, groups, hosts))
			var ee *engine.Error
			if errors.As(err, &ee) && ee.Code == engine.CodePermissionDup {
				continue // drew the same rule twice: the group keeps one
			}
			must(err)
		}
	}
	launchInstances(w, r, groups)
	return w
}

func launchInstances(w *engine.World, r *rng, groups []string) {
	names := sample(r, instancePool, 2+r.intn(3))
	attached := make([][]string, len(names))
	for k := range names {
		attached[k] = sample(r, groups, 1+r.intn(2))
	}
	// Every group guards something, or its rules would be noise.
	for _, g := range groups {
		if !slices.ContainsFunc(attached, func(gs []string) bool { return slices.Contains(gs, g) }) {
			k := r.intn(len(names))
			attached[k] = append(attached[k], g)
		}
	}
	for k, name := range names {
		i := engine.Instance{ID: name, VPC: vpcID, Groups: attached[k]}
		if r.chance(60) {
			i.PublicIP = w.FreePublicIP()
		}
		for _, port := range portPool {
			// Services mostly run where a rule opens their port, so that
			// connected and refused both come up.
			odds := 20
			if opens(w, attached[k], port) {
				odds = 65
			}
			if r.chance(odds) {
				i.Listening = append(i.Listening, engine.Service{Protocol: engine.ProtoTCP, Port: port})
			}
		}
		_, err := w.LaunchInstance(i)
		must(err)
	}
}

// opens reports whether an inbound rule of the groups covers tcp port.
func opens(w *engine.World, groups []string, port int) bool {
	for _, id := range groups {
		for _, rule := range w.Group(id).Inbound {
			if rule.Protocol == engine.ProtoAll || (rule.Protocol == engine.ProtoTCP && rule.Ports.Lo <= port && port <= rule.Ports.Hi) {
				return true
			}
		}
	}
	return false
}

func randomRule(r *rng, self string, groups []string, hosts []netip.Addr) engine.Rule {
	rule := engine.Rule{Protocol: engine.ProtoTCP}
	switch n := r.intn(12); {
	case n == 0:
		// All traffic, as the default group has it, only ever between
		// group members: nobody opens every port to an address.
		rule.Protocol = engine.ProtoAll
		rule.Peer = engine.Peer{Self: true}
		if r.chance(50) {
			rule.Peer = engine.GroupPeer(pick(r, groups))
		}
		return rule
	case n == 1:
		rule.Ports = engine.PortRange{Lo: 8000, Hi: 8999}
	default:
		p := pick(r, portPool)
		rule.Ports = engine.PortRange{Lo: p, Hi: p}
	}
	switch n := r.intn(10); {
	case n < 3:
		rule.Peer = engine.CIDRPeer(anywhere)
	case n < 6:
		ip := pick(r, hosts)
		rule.Peer = engine.CIDRPeer(netip.PrefixFrom(ip, 32))
	case n == 6:
		rule.Peer = engine.CIDRPeer(netip.PrefixFrom(pick(r, hosts), 24))
	case n == 7:
		rule.Peer = engine.CIDRPeer(vpcCIDR)
	case n == 8:
		rule.Peer = engine.GroupPeer(pick(r, groups))
	default:
		rule.Peer = engine.Peer{Self: true}
	}
	if rule.Peer.Group == self {
		rule.Peer = engine.Peer{Self: true}
	}
	return rule
}

// sample returns n items of pool chosen at random, in pool order.
func sample[T any](r *rng, pool []T, n int) []T {
	idx := make([]int, len(pool))
	for k := range idx {
		idx[k] = k
	}
	shuffle(r, idx)
	idx = idx[:min(n, len(idx))]
	slices.Sort(idx)
	out := make([]T, len(idx))
	for k, i := range idx {
		out[k] = pool[i]
	}
	return out
}

// must stops on an error the generator can only cause through a bug: the
// worlds it builds are valid by construction, and the tests build hundreds.
func must(err error) {
	if err != nil {
		panic("quiz: the scenario generator built an invalid world: " + err.Error())
	}
}

// connections lists every tcp connection a question may ask about: from
// each machine to each instance, by name, and to each public IP, on each
// port of the pool.
func connections(w *engine.World) []engine.Connection {
	var froms []string
	for _, i := range w.Instances {
		froms = append(froms, i.ID)
	}
	for _, h := range w.Hosts {
		froms = append(froms, h.ID)
	}
	var out []engine.Connection
	for _, from := range froms {
		for _, dst := range w.Instances {
			if dst.ID == from {
				continue
			}
			tos := []string{dst.ID}
			if dst.PublicIP.IsValid() && w.Instance(from) != nil {
				// From another instance, the public IP takes the long way
				// round, where group references no longer match.
				tos = append(tos, dst.PublicIP.String())
			}
			for _, to := range tos {
				for _, port := range portPool {
					out = append(out, engine.Connection{From: from, To: to, Protocol: engine.ProtoTCP, Port: port})
				}
			}
		}
	}
	return out
}

// target names a connection's destination in a prompt: "web-1", or
// "web-1's public IP 54.210.0.10".
func target(w *engine.World, to string) string {
	a, err := netip.ParseAddr(to)
	if err != nil {
		return to
	}
	e, _ := w.Endpoint(to)
	return e.Label() + "'s public IP " + a.String()
}

func portText(port int) string {
	s := "TCP port " + strconv.Itoa(port)
	if name := engine.ServiceName(port); name != "" {
		s += " (" + name + ")"
	}
	return s
}

// Outcomes are the choices of an outcome question, in the engine's order.
var outcomes = []engine.Outcome{engine.Connected, engine.Refused, engine.Timeout}

var outcomeChoices = []string{"Connected", "Refused", "Timeout"}

// askOutcome asks what happens to one connection. It first draws the
// outcome, so that the three answers come up about equally often.
func askOutcome(w *engine.World, r *rng) (Question, bool) {
	want := pick(r, outcomes)
	var hits []engine.Connection
	for _, c := range connections(w) {
		if engine.Evaluate(w, c).Outcome == want {
			hits = append(hits, c)
		}
	}
	if len(hits) == 0 {
		return Question{}, false
	}
	c := pick(r, hits)
	res := engine.Evaluate(w, c)
	return Question{
		Lesson:      outcomeLesson(w, res),
		Prompt:      fmt.Sprintf("What happens when %s connects to %s on %s?", c.From, target(w, c.To), portText(c.Port)),
		Choices:     outcomeChoices,
		Correct:     []int{slices.Index(outcomes, res.Outcome)},
		Explanation: res.Explanation(),
		Scenario:    &Scenario{Conn: c},
	}, true
}

// outcomeLesson is the lesson that teaches why the connection ended so.
func outcomeLesson(w *engine.World, res engine.Result) string {
	switch res.Reason {
	case engine.Allowed:
		return matchedLesson(w, res)
	case engine.OutboundBlocked:
		return "inbound-and-outbound"
	case engine.InboundBlocked:
		if referencedOverPublicIP(w, res) {
			return "references-match-private-addresses"
		}
	}
	return "timeout-versus-refused"
}

func matchedLesson(w *engine.World, res engine.Result) string {
	if ref, ok := res.FirstMatch(engine.Inbound); ok && w.Rule(ref).Peer.IsGroup() {
		return "referencing-security-groups"
	}
	return "anatomy-of-a-rule"
}

// referencedOverPublicIP reports the classic surprise: the destination has
// a rule naming a group the source has, but the packet went over a public
// IP, where group references do not match.
func referencedOverPublicIP(w *engine.World, res engine.Result) bool {
	src, dst := res.From.Instance, res.To.Instance
	if res.Private || src == nil || dst == nil {
		return false
	}
	for _, g := range w.GroupsOf(dst) {
		for _, rule := range g.Inbound {
			if rule.Peer.IsGroup() && slices.Contains(src.Groups, rule.Peer.Group) {
				return true
			}
		}
	}
	return false
}

// askRule asks which inbound rule lets a connection in. It asks only when
// exactly one rule of the destination's groups matches, so that exactly one
// choice is right; the others are the destination's other inbound rules.
func askRule(w *engine.World, r *rng) (Question, bool) {
	conns := connections(w)
	shuffle(r, conns)
	for _, c := range conns {
		res := engine.Evaluate(w, c)
		if res.Outcome == engine.Timeout {
			continue
		}
		var in []engine.RuleRef
		for _, m := range res.Matched() {
			if m.Direction == engine.Inbound {
				in = append(in, m)
			}
		}
		if len(in) != 1 {
			continue
		}
		var others []engine.RuleRef
		for _, g := range w.GroupsOf(res.To.Instance) {
			for k := range g.Inbound {
				if ref := (engine.RuleRef{Group: g.ID, Direction: engine.Inbound, Index: k}); ref != in[0] {
					others = append(others, ref)
				}
			}
		}
		if len(others) < 2 {
			continue
		}
		shuffle(r, others)
		refs := append(slices.Clone(others[:min(3, len(others))]), in[0])
		shuffle(r, refs)
		q := Question{
			Lesson:   matchedLesson(w, res),
			Prompt:   fmt.Sprintf("%s connects to %s on %s. Which inbound rule lets it in?", c.From, target(w, c.To), portText(c.Port)),
			Scenario: &Scenario{Conn: c, Rules: refs},
			Explanation: res.Explanation() + " The other rules do not match: " +
				strings.Join(ruleSteps(w, c, refs, in[0]), "; ") + ".",
		}
		for k, ref := range refs {
			q.Choices = append(q.Choices, ref.Group+": "+ruleText(w, ref.Direction, *w.Rule(ref)))
			if ref == in[0] {
				q.Correct = []int{k}
			}
		}
		return q, true
	}
	return Question{}, false
}

// ruleSteps returns the engine's words about each rule of refs but skip, from
// its trace of the connection: "sg-web inbound rule 1 (tcp 22 ...) does not
// match tcp/80 from 203.0.113.10".
func ruleSteps(w *engine.World, c engine.Connection, refs []engine.RuleRef, skip engine.RuleRef) []string {
	var out []string
	steps := engine.Trace(w, c).Trace
	for _, ref := range refs {
		for _, s := range steps {
			if ref != skip && s.Phase == engine.PhaseInbound && s.Group == ref.Group && s.Rule == ref.Index {
				out = append(out, s.Text)
			}
		}
	}
	return out
}

// askFix asks which one rule would make a blocked connection connect. The
// connection times out at the destination's inbound rules and something
// listens there; each candidate rule is added to a copy of the world and
// the engine says whether it then connects. Exactly one chosen candidate
// does.
func askFix(w *engine.World, r *rng) (Question, bool) {
	conns := connections(w)
	shuffle(r, conns)
	for _, c := range conns {
		res := engine.Evaluate(w, c)
		if res.Reason != engine.InboundBlocked || !res.To.Listens(c.Protocol, c.Port) {
			continue
		}
		var works, fails []Fix
		var after []engine.Result // what the engine says once each working fix is added
		seen := map[string]bool{}
		for _, f := range fixCandidates(w, r, c, res) {
			text := fixText(w, f)
			if seen[text] {
				continue
			}
			seen[text] = true
			fixed, err := f.Apply(w)
			if err != nil {
				continue // AWS would refuse the rule (a duplicate): not a choice
			}
			if out := engine.Evaluate(fixed, c); out.Outcome == engine.Connected {
				works, after = append(works, f), append(after, out)
			} else {
				fails = append(fails, f)
			}
		}
		if len(works) == 0 || len(fails) < 2 {
			continue
		}
		shuffle(r, fails)
		right := r.intn(len(works))
		// The right fix goes last, then the choices are put in random order.
		options := append(slices.Clone(fails[:min(3, len(fails))]), works[right])
		order := make([]int, len(options))
		for k := range order {
			order[k] = k
		}
		shuffle(r, order)
		q := Question{
			Lesson: fixLesson(works[right]),
			Prompt: fmt.Sprintf("%s connects to %s on %s and times out, though %s listens on that port. Which one rule, added, would make it connect?",
				c.From, target(w, c.To), portText(c.Port), res.To.Label()),
			Scenario:    &Scenario{Conn: c},
			Explanation: "As it is: " + res.Explanation() + " With the new rule: " + after[right].Explanation(),
		}
		for k, i := range order {
			q.Scenario.Fixes = append(q.Scenario.Fixes, options[i])
			q.Choices = append(q.Choices, fixText(w, options[i]))
			if i == len(options)-1 {
				q.Correct = []int{k}
			}
		}
		return q, true
	}
	return Question{}, false
}

// fixCandidates proposes rules that look like fixes: the right port from
// the address the destination sees (or from everywhere, or from the
// source's group, or from the VPC's range), and the classic mistakes: the
// wrong port, UDP, an outbound rule, the wrong group, the wrong address.
// Which of them work is for the engine to say.
func fixCandidates(w *engine.World, r *rng, c engine.Connection, res engine.Result) []Fix {
	dst := res.To.Instance
	g := pick(r, dst.Groups)
	src := netip.PrefixFrom(res.SrcAddr, res.SrcAddr.BitLen())
	rule := func(p engine.Protocol, port int, peer engine.Peer) engine.Rule {
		return engine.Rule{Protocol: p, Ports: engine.PortRange{Lo: port, Hi: port}, Peer: peer}
	}
	tcp := func(peer engine.Peer) engine.Rule { return rule(engine.ProtoTCP, c.Port, peer) }
	other := pick(r, slices.DeleteFunc(slices.Clone(portPool), func(p int) bool { return p == c.Port }))
	fixes := []Fix{
		{g, engine.Inbound, tcp(engine.CIDRPeer(src))},
		{g, engine.Inbound, tcp(engine.CIDRPeer(vpcCIDR))},
		{g, engine.Inbound, rule(engine.ProtoTCP, other, engine.CIDRPeer(src))},
		{g, engine.Inbound, rule(engine.ProtoUDP, c.Port, engine.CIDRPeer(src))},
		{g, engine.Outbound, tcp(engine.CIDRPeer(src))},
	}
	if c.Port != 22 && c.Port != 3389 {
		// Opening SSH or RDP to the world is never offered as the answer.
		fixes = append(fixes, Fix{g, engine.Inbound, tcp(engine.CIDRPeer(anywhere))})
	}
	for _, h := range w.Hosts {
		if h.IP != res.SrcAddr {
			fixes = append(fixes, Fix{g, engine.Inbound, tcp(engine.CIDRPeer(netip.PrefixFrom(h.IP, 32)))})
		}
	}
	if s := res.From.Instance; s != nil {
		for _, sg := range s.Groups {
			fixes = append(fixes, Fix{g, engine.Inbound, tcp(engine.GroupPeer(sg))})
		}
		fixes = append(fixes, Fix{s.Groups[0], engine.Outbound, tcp(engine.CIDRPeer(netip.PrefixFrom(res.DstAddr, 32)))})
	}
	for _, og := range w.Groups {
		if og.Name != engine.DefaultGroupName && !slices.Contains(dst.Groups, og.ID) {
			fixes = append(fixes, Fix{og.ID, engine.Inbound, tcp(engine.CIDRPeer(src))})
		}
	}
	return fixes
}

func fixText(w *engine.World, f Fix) string {
	return "Add to " + f.Group + " an " + f.Direction.String() + " rule: " + ruleText(w, f.Direction, f.Rule)
}

func fixLesson(f Fix) string {
	switch {
	case f.Rule.Peer.IsGroup():
		return "referencing-security-groups"
	case f.Rule.Ports.Lo == 22 && f.Rule.Peer.CIDR.Bits() == 32:
		return "ssh-from-your-computer-only"
	}
	return "anatomy-of-a-rule"
}
