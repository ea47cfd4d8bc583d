package lab

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/engine/awsjson"
)

// The lab on an imported AWS account: the scenario `sglab import` writes
// for describe-vpcs, describe-security-groups and describe-instances
// output of n running instances in four VPCs, loaded as `sglab lab` loads
// it. Groups (one for every ten instances) have 1 to 12 inbound rules:
// the exam's ports and others, ranges, the internet, private and office
// CIDRs, references to other groups; instances have one to three groups,
// a third a public IP, a tenth IPv6. Instances are named server-0001 and
// on, and the groups web-1, db-2 and so on, so tests can filter for them.

// accounts memoises each size's scenario: the import takes a while, and
// each test loads its own world from it.
var accounts sync.Map // n -> []byte

func importedAccount(tb testing.TB, n int) *engine.World {
	tb.Helper()
	data, ok := accounts.Load(n)
	if !ok {
		res, err := awsjson.Import(accountJSON(n), awsjson.Options{
			Hosts: []awsjson.Host{{Name: yourComputer, IP: netip.MustParseAddr("203.0.113.10")}}})
		if err != nil {
			tb.Fatal(err)
		}
		data, _ = accounts.LoadOrStore(n, res.YAML)
	}
	w, ds := engine.Parse("account.yaml", data.([]byte))
	if w == nil {
		tb.Fatal(ds.Error())
	}
	return w
}

// accountJSON is the AWS CLI output of the account.
func accountJSON(n int) []awsjson.Input {
	type m = map[string]any
	r := rand.New(rand.NewPCG(uint64(n), 14))
	const vpcs = 4
	groups := max(n/10, vpcs)
	roles := []string{"web", "app", "db", "cache", "bastion", "batch"}
	ports := []int{21, 22, 80, 443, 3389, 5432, 6379, 8080}
	groupID := func(k int) string { return fmt.Sprintf("sg-%017x", k+1) }
	var vpcList, groupList []m
	for v := range vpcs {
		vpcList = append(vpcList, m{"VpcId": fmt.Sprintf("vpc-%017x", v+1), "CidrBlock": fmt.Sprintf("10.%d.0.0/16", v),
			"Ipv6CidrBlockAssociationSet": []m{{"Ipv6CidrBlock": fmt.Sprintf("2600:1f18:%x::/56", (v+1)*256),
				"Ipv6CidrBlockState": m{"State": "associated"}}}})
	}
	for k := range groups {
		v := k % vpcs
		var in []m
		for range 1 + r.IntN(12) {
			p := m{"IpProtocol": "tcp"}
			switch x := r.IntN(10); {
			case x == 0:
				p = m{"IpProtocol": "-1"}
			case x == 1:
				lo := 1024 + r.IntN(30000)
				p["FromPort"], p["ToPort"] = lo, lo+r.IntN(2000)
			default:
				port := ports[r.IntN(len(ports))]
				p["FromPort"], p["ToPort"] = port, port
			}
			switch x := r.IntN(8); {
			case x == 0:
				p["IpRanges"] = []m{{"CidrIp": "0.0.0.0/0", "Description": "anyone"}}
			case x == 1:
				p["IpRanges"] = []m{{"CidrIp": "203.0.113.0/24", "Description": "office"}}
			case x < 4:
				p["IpRanges"] = []m{{"CidrIp": fmt.Sprintf("10.%d.%d.0/%d", v, r.IntN(20), 20+r.IntN(5))}}
			default:
				p["UserIdGroupPairs"] = []m{{"GroupId": groupID(r.IntN(groups/vpcs)*vpcs + v), "UserId": "111122223333"}}
			}
			in = append(in, p)
		}
		name := fmt.Sprintf("%s-%d", roles[k%len(roles)], k+1)
		if k < vpcs {
			name = "default"
		}
		groupList = append(groupList, m{"GroupId": groupID(k), "GroupName": name, "Description": "a group of the account",
			"VpcId": fmt.Sprintf("vpc-%017x", v+1), "OwnerId": "111122223333", "IpPermissions": in,
			"IpPermissionsEgress": []m{{"IpProtocol": "-1", "IpRanges": []m{{"CidrIp": "0.0.0.0/0"}}}}})
	}
	var instances []m
	for k := range n {
		v := k % vpcs
		var gs []m
		seen := map[int]bool{}
		for range 1 + r.IntN(3) {
			g := r.IntN(groups/vpcs)*vpcs + v
			if !seen[g] {
				seen[g] = true
				gs = append(gs, m{"GroupId": groupID(g), "GroupName": groupList[g]["GroupName"]})
			}
		}
		h := k / vpcs
		i := m{"InstanceId": fmt.Sprintf("i-%017x", k+1), "State": m{"Name": "running"}, "VpcId": fmt.Sprintf("vpc-%017x", v+1),
			"PrivateIpAddress": fmt.Sprintf("10.%d.%d.%d", v, h/250, 4+h%250), "SecurityGroups": gs,
			"Placement": m{"AvailabilityZone": "eu-west-1a"}, "Tags": []m{{"Key": "Name", "Value": fmt.Sprintf("server-%04d", k+1)}}}
		if r.IntN(3) == 0 {
			i["PublicIpAddress"] = fmt.Sprintf("54.%d.%d.%d", 10+k>>16, (k>>8)&255, k&255)
		}
		if r.IntN(10) == 0 {
			i["Ipv6Address"] = fmt.Sprintf("2600:1f18:%x::%x", (v+1)*256, k+1)
		}
		instances = append(instances, i)
	}
	enc := func(key string, v any) []byte {
		b, err := json.Marshal(m{key: v})
		if err != nil {
			panic(err)
		}
		return b
	}
	return []awsjson.Input{
		{Name: "vpcs.json", Data: enc("Vpcs", vpcList)},
		{Name: "security-groups.json", Data: enc("SecurityGroups", groupList)},
		{Name: "instances.json", Data: enc("Reservations", []m{{"OwnerId": "111122223333", "Instances": instances}})},
	}
}

func TestImportedAccount(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := importedAccount(t, 5000)
		if len(w.Instances) != 5000 || len(w.Groups) != 500 || len(w.VPCs) != 4 || w.Host(yourComputer) == nil {
			t.Fatalf("the account has %d instances, %d groups, %d VPCs, hosts %v", len(w.Instances), len(w.Groups), len(w.VPCs), w.Hosts)
		}
		if i := w.Instance("server-0042"); i == nil || len(i.Groups) == 0 {
			t.Fatalf("server-0042 is %+v", i)
		}
	})
}
