package audit_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/engine/audit"
	"github.com/sglab/sglab/engine/awsjson"
)

// The figure: importing and auditing an account of 10,000
// interfaces and 5,000 groups of up to 60 rules takes at most 2 s and
// 500 MiB.
//
//	go test -run='^$' -bench=ImportAudit -benchtime=1x -count=6 -cpu=1 ./engine/audit
//
// Timing is reported, never asserted. Peak memory is the process's
// maximum resident size (/usr/bin/time -v on the test binary).

const (
	benchVPCs       = 5
	benchGroups     = 5000
	benchInterfaces = 10000
)

// account is the AWS CLI output of a large account, made once.
var account = sync.OnceValue(func() []awsjson.Input { return bigAccount(1) })

// bigAccount writes describe-vpcs, describe-security-groups and
// describe-network-interfaces output for the benchmark's account: groups
// of 1 to 60 inbound rules (ports, ranges, all traffic, private and public
// CIDRs, the internet, references) and 1 to 3 outbound, interfaces with 1
// to 5 groups, a third with a public IP, a tenth with IPv6.
func bigAccount(seed uint64) []awsjson.Input {
	r := rand.New(rand.NewPCG(seed, 77))
	type m = map[string]any
	var vpcs, groups, enis []m
	perVPC := benchGroups / benchVPCs
	used := perVPC * 19 / 20 // the last groups of each VPC are attached nowhere and referenced by none
	groupID := func(v, k int) string { return fmt.Sprintf("sg-%02x%06x", v, k) }
	ports := []int{22, 80, 443, 3306, 5432, 6379, 8080, 8443, 3389, 9200}
	for v := range benchVPCs {
		vpcID := fmt.Sprintf("vpc-%08x", v)
		vpcs = append(vpcs, m{"VpcId": vpcID, "CidrBlock": fmt.Sprintf("10.%d.0.0/16", v), "OwnerId": "111122223333",
			"Ipv6CidrBlockAssociationSet": []m{{"Ipv6CidrBlock": fmt.Sprintf("2600:1f18:%x::/56", v*256), "Ipv6CidrBlockState": m{"State": "associated"}}}})
		for k := range perVPC {
			var in []m
			for j := range 1 + r.IntN(60) {
				p := m{"IpProtocol": "tcp"}
				switch x := r.IntN(20); {
				case x == 0:
					p = m{"IpProtocol": "-1"}
				case x < 4:
					lo := 1024 + r.IntN(30000)
					p["FromPort"], p["ToPort"] = lo, lo+r.IntN(2000)
				case x == 4:
					p = m{"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1}
				default:
					port := ports[r.IntN(len(ports))]
					if r.IntN(3) == 0 {
						port = 1000 + j
					}
					p["FromPort"], p["ToPort"] = port, port
				}
				switch x := r.IntN(10); {
				case x == 0:
					p["IpRanges"] = []m{{"CidrIp": "0.0.0.0/0", "Description": "anyone"}}
				case x == 1:
					p["Ipv6Ranges"] = []m{{"CidrIpv6": "::/0"}}
				case x < 4:
					p["IpRanges"] = []m{{"CidrIp": fmt.Sprintf("%d.%d.%d.0/24", 100+r.IntN(100), r.IntN(256), r.IntN(256))}}
				case x < 7:
					p["IpRanges"] = []m{{"CidrIp": fmt.Sprintf("10.%d.%d.0/%d", v, r.IntN(256), 16+r.IntN(17))}}
				default:
					p["UserIdGroupPairs"] = []m{{"GroupId": groupID(v, r.IntN(used)), "UserId": "111122223333"}}
				}
				in = append(in, p)
			}
			out := []m{{"IpProtocol": "-1", "IpRanges": []m{{"CidrIp": "0.0.0.0/0"}}}}
			if r.IntN(4) == 0 {
				out = []m{{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": []m{{"CidrIp": "0.0.0.0/0"}}},
					{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": []m{{"GroupId": groupID(v, r.IntN(used))}}}}
			}
			name := fmt.Sprintf("group-%d-%d", v, k)
			if k == 0 {
				name = "default"
			}
			groups = append(groups, m{"GroupId": groupID(v, k), "GroupName": name, "Description": "benchmark group", "VpcId": vpcID,
				"OwnerId": "111122223333", "IpPermissions": in, "IpPermissionsEgress": out})
		}
	}
	for k := range benchInterfaces {
		v := k % benchVPCs
		var gs []m
		seen := map[int]bool{}
		for range 1 + r.IntN(5) {
			g := r.IntN(benchGroups / benchVPCs * 19 / 20)
			if !seen[g] {
				seen[g] = true
				gs = append(gs, m{"GroupId": groupID(v, g)})
			}
		}
		n := k / benchVPCs
		e := m{"NetworkInterfaceId": fmt.Sprintf("eni-%017x", k), "VpcId": fmt.Sprintf("vpc-%08x", v),
			"PrivateIpAddress": fmt.Sprintf("10.%d.%d.%d", v, n/250, 1+n%250), "Groups": gs, "InterfaceType": "interface",
			"Description": "benchmark interface", "TagSet": []m{{"Key": "Name", "Value": fmt.Sprintf("server-%d", k)}}}
		if r.IntN(3) == 0 {
			e["Association"] = m{"PublicIp": fmt.Sprintf("54.%d.%d.%d", k>>16, (k>>8)&255, k&255)}
		}
		if r.IntN(10) == 0 {
			e["Ipv6Addresses"] = []m{{"Ipv6Address": fmt.Sprintf("2600:1f18:%x::%x", v*256, k+1)}}
		}
		enis = append(enis, e)
	}
	enc := func(key string, v any) []byte {
		b, err := json.Marshal(map[string]any{key: v})
		if err != nil {
			panic(err)
		}
		return b
	}
	return []awsjson.Input{
		{Name: "vpcs.json", Data: enc("Vpcs", vpcs)},
		{Name: "security-groups.json", Data: enc("SecurityGroups", groups)},
		{Name: "network-interfaces.json", Data: enc("NetworkInterfaces", enis)},
	}
}

// BenchmarkImportAudit is what `sglab import` then `sglab audit` do: read
// the JSON, write the scenario, load it as every command does, audit it.
func BenchmarkImportAudit(b *testing.B) {
	in := account()
	b.ReportAllocs()
	for b.Loop() {
		res, err := awsjson.Import(in, awsjson.Options{})
		if err != nil {
			b.Fatal(err)
		}
		w, ds := engine.Parse("account.yaml", res.YAML)
		if w == nil {
			b.Fatal(ds.Error())
		}
		audit.Run(w)
	}
}

// The parts, to see where the time goes.
func BenchmarkImport(b *testing.B) {
	in := account()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := awsjson.Import(in, awsjson.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadImported(b *testing.B) {
	res, err := awsjson.Import(account(), awsjson.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(res.YAML)))
	b.ReportAllocs()
	for b.Loop() {
		if w, ds := engine.Parse("account.yaml", res.YAML); w == nil {
			b.Fatal(ds.Error())
		}
	}
}

func BenchmarkAudit(b *testing.B) {
	res, err := awsjson.Import(account(), awsjson.Options{})
	if err != nil {
		b.Fatal(err)
	}
	w, ds := engine.Parse("account.yaml", res.YAML)
	if w == nil {
		b.Fatal(ds.Error())
	}
	b.ReportAllocs()
	for b.Loop() {
		audit.Run(w)
	}
}

// TestBigAccountImports: the benchmark's account is a valid import whose
// audit finds something of every common kind, so the benchmark measures
// real work.
func TestBigAccountImports(t *testing.T) {
	if testing.Short() {
		t.Skip("large")
	}
	res, err := awsjson.Import(account(), awsjson.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w, ds := engine.Parse("account.yaml", res.YAML)
	if w == nil {
		t.Fatal(ds.Error())
	}
	if len(w.Instances) != benchInterfaces || len(w.Groups) != benchGroups {
		t.Fatalf("%d interfaces, %d groups", len(w.Instances), len(w.Groups))
	}
	rep := audit.Run(w)
	ids := map[string]int{}
	for _, f := range rep.Findings {
		ids[f.ID]++
	}
	for _, c := range []audit.Check{audit.AdminPortOpen, audit.AllPortsOpen, audit.DatabasePortOpen, audit.DefaultAllows, audit.Unused, audit.Shadowed} {
		if ids[c.ID] == 0 {
			t.Errorf("no %s finding in the benchmark account: %v", c.ID, ids)
		}
	}
	if len(rep.Exposure) == 0 {
		t.Errorf("nothing exposed in the benchmark account")
	}
}
