package lessons

import (
	"fmt"

	"github.com/sglab/sglab/engine"
)

// Validate checks what loading a pack cannot: that every challenge's
// reference solution applies to its starting world and meets every goal,
// that the starting world does not already meet them all (a challenge the
// learner has nothing to do for), and that the goals reject the obvious
// over-broad variants of the reference solution (each CIDR widened, the
// protocol replaced by all traffic, the ports by every port), so that only
// a least-privilege solution passes. Problems are reported at their place
// in the lesson file. Loading has already checked the front matter, the
// blocks and the scenarios.
func Validate(p *Pack) engine.Diagnostics {
	var diags engine.Diagnostics
	for _, l := range p.Lessons {
		for _, c := range l.Challenges {
			diags = append(diags, validateChallenge(l.File, c)...)
		}
	}
	return diags
}

func validateChallenge(file string, c *Challenge) engine.Diagnostics {
	var diags engine.Diagnostics
	report := func(p engine.Pos, code, format string, args ...any) {
		diags = append(diags, engine.Diagnostic{File: file, Pos: p, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	if c.Check(c.start).Solved() {
		report(c.Pos, CodeStartSolved, "the starting world of challenge %q already meets every goal: the learner would have nothing to do", c.ID)
	}
	w := c.Start()
	if k, err := c.applySolution(w); err != nil {
		code, msg := errorCode(err)
		s := c.Solution[k]
		report(s.Pos, code, "step %d of the solution of challenge %q (%s) fails: %s", k+1, c.ID, s.Text, msg)
		return diags
	}
	met := true
	for _, st := range c.Check(w).Goals {
		if !st.Met {
			met = false
			report(st.Goal.Pos, CodeSolutionFails, "the reference solution of challenge %q does not meet the goal %q: %s", c.ID, st.Goal.Label, st.Why)
		}
	}
	if met {
		diags = append(diags, checkOverBroad(file, c)...)
	}
	return diags
}
