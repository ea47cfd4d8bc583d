package lessons

import (
	"strings"
	"testing"
)

// exposureGoal closes the lesson of lessonText to anything but the
// website, so that its reference solution is the least-privilege one.
const websiteOnly = "\n  - { exposure: { instance: web-1, inbound: [{ port: 80, from: anywhere }] } }\nhints:"

func TestValidate(t *testing.T) {
	base := strings.Replace(lessonText("validate", 1), "\nhints:", websiteOnly, 1)
	tests := []struct {
		name, old, new string
		want           []string // each a part of one diagnostic; none for a valid lesson
	}{
		{"valid", "", "", nil},
		{"the solution misses a goal",
			"source: 0.0.0.0/0 }\n", "source: 203.0.113.0/24 }\n",
			[]string{`lesson.md:38:7: SolutionDoesNotMeetGoal: the reference solution of challenge "challenge-1" does not meet the goal "a visitor → web-1 on tcp/80: connected": timeout, not connected: the packet is dropped inbound.`}},
		{"a solution step fails",
			"- add-rule: { group: web-sg,", "- attach-group: { group: web-sg, instance: web-1 }\n  - add-rule: { group: web-sg,",
			[]string{`lesson.md:43:5: InvalidParameterValue: step 1 of the solution of challenge "challenge-1" (Attach web-sg to web-1) fails: web-sg is already attached to web-1`}},
		{"the start already meets the goals",
			"expect: connected }", "expect: timeout }",
			[]string{`lesson.md:33:1: StartAlreadyMeetsGoals: the starting world of challenge "challenge-1" already meets every goal`,
				`lesson.md:38:7: SolutionDoesNotMeetGoal`}},
		{"a solution that opens too much fails the exposure goal",
			"protocol: tcp, ports: 80, source", "protocol: all, source",
			[]string{`lesson.md:39:7: SolutionDoesNotMeetGoal: the reference solution of challenge "challenge-1" does not meet the goal "web-1 lets in only tcp/80 from anywhere": a visitor also gets in to web-1 on tcp/1, through web-sg's inbound rule all traffic from 0.0.0.0/0.`}},
		{"goals that accept all traffic and every port",
			websiteOnly, "\nhints:",
			[]string{
				`lesson.md:42:5: GoalsAcceptOverBroadSolution: an over-broad variant of the reference solution of challenge "challenge-1" meets every goal: step 1 (Add an inbound rule to web-sg: tcp 80 from 0.0.0.0/0) with all traffic instead of tcp 80.`,
				`lesson.md:42:5: GoalsAcceptOverBroadSolution: an over-broad variant of the reference solution of challenge "challenge-1" meets every goal: step 1 (Add an inbound rule to web-sg: tcp 80 from 0.0.0.0/0) with every tcp port instead of 80.`,
			}},
		{"goals that accept a wider source, narrowest reported",
			"source: 0.0.0.0/0 }\n", "source: 198.51.100.7/32 }\n",
			[]string{`lesson.md:43:5: GoalsAcceptOverBroadSolution: an over-broad variant of the reference solution of challenge "challenge-1" meets every goal: step 1 (Add an inbound rule to web-sg: tcp 80 from 198.51.100.7/32) with source 198.51.100.0/24 instead of 198.51.100.7/32.`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, ds := loadOne(t, strings.Replace(base, tc.old, tc.new, 1))
			if ds.HasErrors() {
				t.Fatalf("the lesson should load:\n%s", ds.Error())
			}
			got := Validate(p)
			if len(got) != len(tc.want) {
				t.Errorf("got %d problems, want %d:\n%s", len(got), len(tc.want), got.Error())
			}
			for _, want := range tc.want {
				if !strings.Contains(got.Error(), want) {
					t.Errorf("want %q in:\n%s", want, got.Error())
				}
			}
		})
	}
}

// TestBuiltinChallenges checks every challenge of the built-in course both
// ways round: the starting world fails at least one goal, and the world the
// reference solution builds meets them all.
func TestBuiltinChallenges(t *testing.T) {
	p, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range p.Lessons {
		for _, c := range l.Challenges {
			t.Run(l.ID+"/"+c.ID, func(t *testing.T) {
				if c.Check(c.Start()).Solved() {
					t.Error("the starting world already meets every goal")
				}
				w, err := c.SolvedWorld()
				if err != nil {
					t.Fatalf("the solution does not apply: %v", err)
				}
				if first, failed := c.Check(w).FirstFailure(); failed {
					t.Errorf("the solution fails %q: %s", first.Goal.Label, first.Why)
				}
			})
		}
	}
}
