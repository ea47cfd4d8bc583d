package engine_test

import (
	"strings"
	"testing"

	"github.com/sglab/sglab/engine"
)

func TestExplanationByNameNamesGroupsAsLearnersKnowThem(t *testing.T) {
	w, ds := engine.Parse("t.yaml", []byte(`version: 1
vpcs: [{ id: vpc-a, cidr: 10.0.0.0/16 }]
security_groups:
  - { id: sg-0001, name: web, vpc: vpc-a, inbound: [{ protocol: tcp, ports: 443, source: sg-0002 }] }
  - { id: sg-0002, name: workers, vpc: vpc-a }
instances:
  - { id: i-1, name: api, vpc: vpc-a, private_ip: 10.0.0.10, public_ip: 54.210.0.10, security_groups: [sg-0001], listening: [443] }
  - { id: i-2, name: worker, vpc: vpc-a, private_ip: 10.0.0.11, public_ip: 54.210.0.11, security_groups: [sg-0002] }
`))
	if w == nil {
		t.Fatal(ds)
	}
	tests := []struct{ to, byID, byName string }{
		{"api", "Inbound rule 1 of sg-0001 (tcp 443 sg-0002) lets", "Inbound rule 1 of web (tcp 443 workers) lets"},
		{"54.210.0.10", "No inbound rule of sg-0001 allows tcp/443 from 54.210.0.11. sg-0001 references sg-0002",
			"No inbound rule of web allows tcp/443 from 54.210.0.11. web references workers"},
	}
	for _, tt := range tests {
		r := engine.Evaluate(w, engine.Connection{From: "worker", To: tt.to, Protocol: engine.ProtoTCP, Port: 443})
		if got := r.Explanation(); !strings.HasPrefix(got, tt.byID) {
			t.Errorf("Explanation() = %q, want prefix %q", got, tt.byID)
		}
		if got := r.ExplanationByName(); !strings.HasPrefix(got, tt.byName) {
			t.Errorf("ExplanationByName() = %q, want prefix %q", got, tt.byName)
		}
	}
}
