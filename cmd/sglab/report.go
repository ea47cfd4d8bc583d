package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/internal/safetext"
)

// report is the JSON document of `check` and `explain`, as the scenario
// format's contract specifies it.
type report struct {
	Scenario string       `json:"scenario"`
	Results  []resultJSON `json:"results"`
	Summary  summary      `json:"summary"`
}

type resultJSON struct {
	From        string     `json:"from"`
	To          string     `json:"to"`
	Protocol    string     `json:"protocol"`
	Port        *int       `json:"port"`
	Outcome     string     `json:"outcome"`
	Reason      string     `json:"reason"`
	Expected    *string    `json:"expected"`
	OK          *bool      `json:"ok"`
	Matched     []ruleJSON `json:"matched"`
	Explanation string     `json:"explanation"`
	Trace       []stepJSON `json:"trace,omitempty"`
}

type ruleJSON struct {
	Group     string `json:"group"`
	Direction string `json:"direction"`
	Rule      int    `json:"rule"`
}

type stepJSON struct {
	Phase string   `json:"phase"`
	Text  string   `json:"text"`
	Group string   `json:"group,omitempty"`
	Rule  *int     `json:"rule,omitempty"`
	Match bool     `json:"match"`
	Code  *string  `json:"code,omitempty"`
	ACL   *aclJSON `json:"acl,omitempty"`
}

// aclJSON is a network ACL's decision in a trace: the entry that decided
// (null when none matched and the * rule denied) and the packet judged.
type aclJSON struct {
	ID        string `json:"id"`
	Subnet    string `json:"subnet,omitempty"`
	Direction string `json:"direction"`
	Reply     bool   `json:"reply"`
	Rule      *int   `json:"rule"`
	Allowed   bool   `json:"allowed"`
	Protocol  string `json:"protocol"`
	Src       string `json:"src"`
	Dst       string `json:"dst"`
	SrcPort   *int   `json:"src_port,omitempty"`
	DstPort   *int   `json:"dst_port,omitempty"`
}

func toACLJSON(d *engine.ACLDecision) *aclJSON {
	if d == nil {
		return nil
	}
	p := d.Packet
	a := &aclJSON{ID: d.ACL, Subnet: d.Subnet, Direction: d.Direction.String(), Reply: d.Reply, Allowed: d.Allowed,
		Protocol: p.Protocol.String(), Src: p.Src.String(), Dst: p.Dst.String()}
	if d.Rule != 0 {
		rule := d.Rule
		a.Rule = &rule
	}
	if p.Protocol.HasPorts() {
		sp, dp := p.SrcPort, p.DstPort
		a.SrcPort, a.DstPort = &sp, &dp
	}
	return a
}

type summary struct {
	Total     int `json:"total"`
	Passed    int `json:"passed"`
	Failed    int `json:"failed"`
	Unchecked int `json:"unchecked"`
}

func (s *summary) add(c engine.Connection, r engine.Result) {
	s.Total++
	switch {
	case c.Expect == engine.OutcomeNone:
		s.Unchecked++
	case c.Expect == r.Outcome:
		s.Passed++
	default:
		s.Failed++
	}
}

func toJSON(c engine.Connection, r engine.Result) resultJSON {
	out := resultJSON{
		From: c.From, To: c.To, Protocol: c.Protocol.String(),
		Outcome: r.Outcome.String(), Reason: r.Reason.String(),
		Matched: []ruleJSON{}, Explanation: r.Explanation(),
	}
	if c.HasPort() {
		port := c.Port
		out.Port = &port
	}
	if c.Expect != engine.OutcomeNone {
		exp, ok := c.Expect.String(), c.Expect == r.Outcome
		out.Expected, out.OK = &exp, &ok
	}
	for _, m := range r.Matched() {
		out.Matched = append(out.Matched, ruleJSON{Group: m.Group, Direction: m.Direction.String(), Rule: m.Index})
	}
	for _, s := range r.Trace {
		st := stepJSON{Phase: string(s.Phase), Text: s.Text, Group: s.Group, Match: s.Match, ACL: toACLJSON(s.ACL)}
		if s.Rule >= 0 {
			rule := s.Rule
			st.Rule = &rule
		}
		if s.Code != "" {
			code := s.Code
			st.Code = &code
		}
		out.Trace = append(out.Trace, st)
	}
	return out
}

// writeJSON prints v as one indented JSON document.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// styles colour text output when it goes to a terminal, and leave it plain
// otherwise or when NO_COLOR is set.
type styles struct {
	r                        *lipgloss.Renderer
	title, dim, header       lipgloss.Style
	connected, refused, tout lipgloss.Style
	pass, fail               lipgloss.Style
}

func newStyles(w io.Writer) styles {
	r := lipgloss.NewRenderer(w)
	if !isTerminal(w) {
		r.SetColorProfile(termenv.Ascii)
	}
	return styles{
		r:         r,
		title:     r.NewStyle().Bold(true),
		dim:       r.NewStyle().Faint(true),
		header:    r.NewStyle().Bold(true),
		connected: r.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#1a7f37", Dark: "#3fb950"}),
		refused:   r.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#9a6700", Dark: "#d29922"}),
		tout:      r.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#cf222e", Dark: "#f85149"}),
		pass:      r.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#1a7f37", Dark: "#3fb950"}),
		fail:      r.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#cf222e", Dark: "#f85149"}).Bold(true),
	}
}

func (s styles) outcome(o engine.Outcome) string {
	switch o {
	case engine.Connected:
		return s.connected.Render(o.String())
	case engine.Refused:
		return s.refused.Render(o.String())
	}
	return s.tout.Render(o.String())
}

func (s styles) expectation(c engine.Connection, r engine.Result) string {
	switch {
	case c.Expect == engine.OutcomeNone:
		return s.dim.Render("-")
	case c.Expect == r.Outcome:
		return s.pass.Render("✓ " + c.Expect.String())
	}
	return s.fail.Render("✗ " + c.Expect.String())
}

// writeTable prints the results of check as a table. Names and ids come
// from the scenario file: every one is shown through safetext.
func writeTable(w io.Writer, st styles, title string, conns []engine.Connection, results []engine.Result, sum summary) {
	if title != "" {
		fmt.Fprintln(w, st.title.Render(safetext.Line(title)))
	}
	rows := make([][]string, len(conns))
	for k, c := range conns {
		r := results[k]
		rows[k] = []string{safetext.Line(c.From), safetext.Line(c.To), safetext.Line(c.What()), st.outcome(r.Outcome), r.Reason.String(), st.expectation(c, r)}
	}
	fmt.Fprintln(w, columns(st.header, []string{"FROM", "TO", "TRAFFIC", "OUTCOME", "REASON", "EXPECTED"}, rows))
	fmt.Fprintln(w)
	line := fmt.Sprintf("%d %s: %d passed, %d failed, %d unchecked", sum.Total, plural(sum.Total, "connection"), sum.Passed, sum.Failed, sum.Unchecked)
	if sum.Failed > 0 {
		line = st.fail.Render(line)
		for k, c := range conns {
			if c.Expect != engine.OutcomeNone && c.Expect != results[k].Outcome {
				fmt.Fprintf(w, "%s %s → %s %s: expected %s, got %s. %s\n", st.fail.Render("✗"), safetext.Line(c.From), safetext.Line(c.To),
					safetext.Line(c.What()), c.Expect, results[k].Outcome, safetext.Line(results[k].Explanation()))
			}
		}
	}
	fmt.Fprintln(w, line)
}

// writeTrace prints explain's step-by-step account of one connection.
func writeTrace(w io.Writer, st styles, c engine.Connection, r engine.Result) {
	fmt.Fprintf(w, "%s %s %s: %s (%s)\n\n", st.title.Render(safetext.Line(c.From+" → "+c.To)), st.dim.Render("on"), safetext.Line(c.What()), st.outcome(r.Outcome), r.Reason)
	for k, s := range r.Trace {
		if s.Phase == engine.PhaseVerdict {
			continue // the explanation below says it
		}
		mark := st.pass.Render("✓")
		if !s.Match {
			mark = st.fail.Render("✗")
		}
		text := safetext.Line(s.Text)
		if s.Code != "" {
			text += " " + st.dim.Render("["+safetext.Line(s.Code)+"]")
		}
		fmt.Fprintf(w, "%3d  %-9s %s %s\n", k+1, s.Phase, mark, text)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, safetext.Line(r.Explanation()))
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// printDiagnostics writes every error and warning, one line each. File
// names and messages quote what the file holds: each line is shown
// through safetext.
func printDiagnostics(w io.Writer, ds engine.Diagnostics) {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(safetext.Line(d.String()))
		b.WriteByte('\n')
	}
	io.WriteString(w, b.String())
}

// writeSafe runs write, which prints plain text that may quote files
// (state files, lesson packs), and passes what it printed to w through
// safetext.
func writeSafe(w io.Writer, write func(io.Writer) error) error {
	var b strings.Builder
	if err := write(&b); err != nil {
		return err
	}
	_, err := io.WriteString(w, safetext.Block(b.String()))
	return err
}
