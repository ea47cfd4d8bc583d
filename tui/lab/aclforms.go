package lab

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/charmbracelet/huh"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/internal/console"
)

// The forms of subnets and network ACLs: add or edit an entry, create an
// ACL or a subnet, associate a subnet with an ACL. Like every lab form
// they check the change on a copy of the world, so AWS's error shows by
// the field it is about and everything typed stays.

// aclEntryInput is what the entry form edits.
type aclEntryInput struct {
	rule         string
	allow        bool
	typ          int
	ports, proto string
	cidr         string
}

// entry builds the engine's entry from the input. On an error the entry
// holds every part that parsed.
func (in *aclEntryInput) entry() (engine.ACLEntry, error) {
	t := console.Types[in.typ]
	e := engine.ACLEntry{Action: engine.Deny, Protocol: t.Protocol, Ports: t.Ports}
	if in.allow {
		e.Action = engine.Allow
	}
	n, err := ruleNumber(in.rule)
	e.Rule = n
	errs := []error{err}
	switch {
	case t.Number:
		p, err := customProtocol(in.proto)
		e.Protocol, errs = p, append(errs, err)
	case t.Custom:
		p, err := engine.ParsePorts(t.Protocol, in.ports)
		e.Ports, errs = p, append(errs, err)
	}
	p, _, err := engine.ParseCIDR(in.cidr)
	e.CIDR, errs = p, append(errs, err)
	for _, err := range errs {
		if err != nil {
			return e, awsError(err)
		}
	}
	return e, nil
}

// ruleNumber reads an entry's rule number, 1-32766 as in AWS.
func ruleNumber(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < engine.MinACLRule || n > engine.MaxACLRule {
		return n, &engine.Error{Code: engine.CodeInvalidValue,
			Message: fmt.Sprintf("a rule number is a whole number from %d to %d; the lowest that matches decides", engine.MinACLRule, engine.MaxACLRule)}
	}
	return n, nil
}

// nextRule is the rule number the form suggests for a new entry: the
// next hundred after the highest, as AWS's examples number them.
func nextRule(a *engine.NetworkACL, d engine.Direction) int {
	top := 0
	for _, e := range a.Entries(d) {
		top = max(top, e.Rule)
	}
	return min((top/100+1)*100, engine.MaxACLRule)
}

// aclEntryForm adds an entry to an ACL (was nil) or edits entry was. As in
// the console, editing may change the rule number: the entry is then
// deleted and added again under its new number, in one change.
func aclEntryForm(e *env, aclID string, dir engine.Direction, was *engine.ACLEntry) *form {
	a := e.w.NetworkACL(aclID)
	name := aclName(a)
	in := aclEntryInput{rule: strconv.Itoa(nextRule(a, dir)), allow: true, cidr: "0.0.0.0/0"}
	verb := "Add"
	if was != nil {
		verb = "Edit"
		in = aclEntryInput{rule: strconv.Itoa(was.Rule), allow: was.Action == engine.Allow, cidr: was.CIDR.String(),
			typ: console.TypeIndex(engine.Rule{Protocol: was.Protocol, Ports: was.Ports})}
		if t := console.Types[in.typ]; t.Custom {
			in.ports = was.Ports.Format(was.Protocol)
		} else if t.Number {
			in.proto = was.Protocol.String()
		}
	}
	do := func(w *engine.World) (done, error) {
		x, err := in.entry()
		if err != nil {
			return done{}, err
		}
		now := entryText(x, dir)
		sel := ref{kindACL, aclID}
		if was == nil {
			return done{status: fmt.Sprintf("Added %s rule %d to %s: %s", dir, x.Rule, name, now),
				undo: fmt.Sprintf("%s no longer has %s rule %d", name, dir, x.Rule),
				redo: fmt.Sprintf("%s has %s rule %d again (%s)", name, dir, x.Rule, now),
				sel:  sel, focus: paneDetail}, w.AddACLEntry(aclID, dir, x)
		}
		before := fmt.Sprintf("%s rule %d (%s)", dir, was.Rule, entryText(*was, dir))
		after := fmt.Sprintf("%s rule %d (%s)", dir, x.Rule, now)
		d := done{status: fmt.Sprintf("Changed %s of %s to %s", before, name, after),
			undo: fmt.Sprintf("%s has %s again", name, before),
			redo: fmt.Sprintf("%s has %s again", name, after),
			sel:  sel, focus: paneDetail}
		if x.Rule == was.Rule {
			return d, w.ReplaceACLEntry(aclID, dir, x)
		}
		if err := w.DeleteACLEntry(aclID, dir, was.Rule); err != nil {
			return done{}, err
		}
		return d, w.AddACLEntry(aclID, dir, x)
	}
	// The rule number alone, checked as AWS would (a number taken is
	// NetworkAclEntryAlreadyExists) before the rest is typed.
	numberAlone := func(s string) error {
		n, err := ruleNumber(s)
		if err != nil || was != nil && n == was.Rule {
			return err
		}
		return trial(e, func(w *engine.World) (done, error) {
			return done{}, w.AddACLEntry(aclID, dir, engine.ACLEntry{Rule: n, Protocol: engine.ProtoAll, CIDR: netip.MustParsePrefix("0.0.0.0/0")})
		})
	}
	typeOpts := make([]huh.Option[int], len(console.Types))
	for k, t := range console.Types {
		typeOpts[k] = huh.NewOption(t.Name, k)
	}
	peer := aclColumns(dir)[4]
	custom := portSteps(&in.typ, &in.ports, &in.proto)
	f := changeForm(e, fmt.Sprintf("%s %s entry · %s", verb, dir, name), do,
		field(huh.NewInput().Title("Rule number").Placeholder("1-32766: the lowest that matches decides").Value(&in.rule).
			Validate(func(s string) error { in.rule = s; return numberAlone(s) })),
		choice("Type", typeOpts, &in.typ),
		custom[0], custom[1],
		choice("Allow/Deny", []huh.Option[bool]{huh.NewOption("Allow", true), huh.NewOption("Deny", false)}, &in.allow),
		field(huh.NewInput().Title(peer+" CIDR").Placeholder("e.g. 0.0.0.0/0 or 198.51.100.7/32").Value(&in.cidr).
			Validate(func(s string) error { in.cidr = s; return trial(e, do) })),
	)
	f.preview = func() []string { return entryPreview(e, dir, &in, f.width) }
	return f
}

// entryPreview shows the entry being built as a row of the console's
// table, with "?" for what does not parse yet.
func entryPreview(e *env, dir engine.Direction, in *aclEntryInput, width int) []string {
	st := e.st
	x, _ := in.entry()
	cells := aclRow(x)
	t := console.Types[in.typ]
	unknown := e.ctx.Mark("?", "not valid yet")
	if _, err := ruleNumber(in.rule); err != nil {
		cells[0] = unknown
	}
	if _, err := engine.ParsePorts(t.Protocol, in.ports); t.Custom && err != nil {
		cells[3] = unknown
	}
	if _, err := customProtocol(in.proto); t.Number && err != nil {
		cells[2] = unknown
	}
	if _, _, err := engine.ParseCIDR(in.cidr); err != nil {
		cells[4] = unknown
	}
	cols := aclColumns(dir)
	tab := newTable(e.ctx, width, [][]string{cols}, cells)
	var lines []string
	for _, l := range tab.header(cols) {
		lines = append(lines, st.Faint.Render(l))
	}
	if e.ctx.Accessible {
		lines = append(lines, st.Muted.Render("The entry so far:"))
	}
	for _, l := range tab.row(cols, cells) {
		lines = append(lines, st.Bold.Render(l))
	}
	return lines
}

// newACLForm creates a network ACL, which denies everything until
// entries are added, as a new custom network ACL does in AWS.
func newACLForm(e *env, vpc string) *form {
	var name string
	do := func(w *engine.World) (done, error) {
		n := strings.TrimSpace(name)
		if n == "" {
			return done{}, &engine.Error{Code: engine.CodeMissingField, Message: "name the network ACL, such as acl-web"}
		}
		id, err := w.CreateNetworkACL(engine.NetworkACL{Name: n, VPC: vpc})
		return done{status: fmt.Sprintf("Created network ACL %s (%s): it denies everything until you add entries. Select a subnet and press e to associate it.", n, id),
			undo: "the network ACL " + n + " no longer exists", redo: "the network ACL " + n + " exists again",
			sel: ref{kindACL, id}, focus: paneDetail}, err
	}
	f := changeForm(e, "Create network ACL", do,
		vpcStep(e.w, &vpc),
		field(huh.NewInput().Title("Name").Placeholder("e.g. acl-web").Value(&name).
			Validate(func(s string) error { name = s; return trial(e, do) })),
	)
	f.intro = "A new network ACL has no entries: its * rule denies everything in and out, as in AWS. It guards no subnet until you associate one."
	return f
}

// newSubnetForm creates a subnet in a VPC, with the ACL that guards it.
func newSubnetForm(e *env, vpc string) *form {
	w := e.w
	var name, cidr string
	aclID := ""
	var aclOpts []huh.Option[string]
	for _, a := range w.NetworkACLs {
		if a.VPC == vpc {
			v := a.ID
			if a.Name == engine.DefaultGroupName {
				v = ""
			}
			aclOpts = append(aclOpts, huh.NewOption(aclName(a), v))
		}
	}
	do := func(w *engine.World) (done, error) {
		p, _, err := engine.ParseCIDR(cidr)
		if err != nil {
			return done{}, awsError(err)
		}
		n := strings.TrimSpace(name)
		id, err := w.CreateSubnet(engine.Subnet{Name: n, VPC: vpc, CIDR: p, NetworkACL: aclID})
		label := n
		if label == "" {
			label = id
		}
		return done{status: fmt.Sprintf("Created subnet %s (%s), guarded by %s", label, p, aclLabel(w, w.ACLOf(vpc, w.Subnet(id)).ID)),
			undo: "the subnet " + label + " no longer exists", redo: "the subnet " + label + " exists again",
			sel: ref{kindSubnet, id}, focus: paneDetail}, err
	}
	f := changeForm(e, "Create subnet", do,
		vpcStep(w, &vpc),
		field(huh.NewInput().Title("Name (optional)").Placeholder("e.g. subnet-web").Value(&name)),
		choice("Network ACL", aclOpts, &aclID),
		field(huh.NewInput().Title("IPv4 CIDR").Placeholder("e.g. 10.0.1.0/24, inside the VPC").Value(&cidr).
			Validate(func(s string) error { cidr = s; return trial(e, do) })),
	)
	f.intro = "Once a VPC has subnets, every instance must be in one: an instance whose address is in no subnet is refused."
	return f
}

// associateForm associates a subnet with a network ACL of its VPC
// (ReplaceNetworkAclAssociation).
func associateForm(e *env, subnetID string) *form {
	w := e.w
	s := w.Subnet(subnetID)
	label := safe(s.Label())
	chosen := w.ACLOf(s.VPC, s).ID
	var opts []huh.Option[string]
	for _, a := range w.NetworkACLs {
		if a.VPC == s.VPC {
			opts = append(opts, huh.NewOption(aclName(a)+"  "+aclInfo(e.ctx, w, a), a.ID))
		}
	}
	do := func(w *engine.World) (done, error) {
		was := aclName(w.ACLOf(s.VPC, w.Subnet(subnetID)))
		now := aclLabel(w, chosen)
		return done{status: label + " is now associated with " + now,
			undo: label + " is associated with " + was + " again",
			redo: label + " is associated with " + now + " again",
			sel:  ref{kindSubnet, subnetID}}, w.AssociateACL(subnetID, chosen)
	}
	return changeForm(e, "Network ACL of "+label, do,
		field(huh.NewSelect[string]().Title("Associate "+label+" with").Options(opts...).Value(&chosen).
			Height(min(len(opts)+1, 10)).
			Validate(func(id string) error { chosen = id; return trial(e, do) })),
	)
}

// subnetChoice is the launch form's subnet: in a VPC with subnets the
// learner picks the one the instance goes in (its address is the
// subnet's next free one); it hides in a VPC without subnets, where the
// instance gets an address of the VPC as before.
func subnetChoice(w *engine.World, vpc *string) (*string, step) {
	chosen := ""
	var opts []huh.Option[string]
	for _, s := range w.Subnets {
		opts = append(opts, huh.NewOption(safe(s.Label())+"  "+subnetInfo(w, s)+"  "+safe(s.VPC), s.ID))
		if chosen == "" && s.VPC == *vpc {
			chosen = s.ID
		}
	}
	s := choice("Subnet", opts, &chosen).hideWhen(func() bool {
		for _, s := range w.Subnets {
			if s.VPC == *vpc {
				return false
			}
		}
		chosen = ""
		return true
	})
	return &chosen, s
}

// portSteps are the fields a console Type leaves to the learner: the port
// range (an ICMP type and code for ICMP) of a Custom type, and the number
// of a Custom protocol; each hides unless the Type at *typ needs it.
// (The group rule form's fields are the same; it can use these once the
// forms settle.)
func portSteps(typ *int, ports, proto *string) [2]step {
	portTitle := func() string {
		if console.Types[*typ].Protocol.IsICMP() {
			return "ICMP type, or type/code"
		}
		return "Port range"
	}
	return [2]step{
		retitled(field(huh.NewInput().TitleFunc(portTitle, typ).PlaceholderFunc(func() string {
			if console.Types[*typ].Protocol.IsICMP() {
				return "type, or type/code (8, 3/4)"
			}
			return "e.g. 443, or 1024-65535 for replies"
		}, typ).Value(ports).
			Validate(func(s string) error {
				_, err := engine.ParsePorts(console.Types[*typ].Protocol, s)
				return awsError(err)
			})), portTitle).hideWhen(func() bool { return !console.Types[*typ].Custom }),
		field(huh.NewInput().Title("Protocol number").Placeholder("e.g. 50 (ESP)").Value(proto).
			Validate(func(s string) error {
				_, err := customProtocol(s)
				return awsError(err)
			})).hideWhen(func() bool { return !console.Types[*typ].Number }),
	}
}
