package quiz

import (
	"strings"
	"testing"
)

func TestZZDebug(t *testing.T) {
	n := 0
	for seed := uint64(0); seed < 400 && n < 4; seed++ {
		q, err := Generate(AskOutcome, 2, seed)
		if err != nil {
			t.Fatal(err)
		}
		if !isACL(q.Scenario.Cause) {
			continue
		}
		n++
		t.Logf("%s %s\n%s\n%s", q.ID, q.Scenario.Cause, strings.Join(q.Exhibit.Lines(), "\n"), q.Prompt)
		for k, c := range q.Choices {
			t.Logf("  %s) %s   [%v] %s", ChoiceLabel(k), c, k == q.Correct[0], q.Why[k])
		}
		t.Logf("  => %s", q.Explanation)
	}
}
