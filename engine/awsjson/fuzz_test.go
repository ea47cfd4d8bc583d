package awsjson

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/internal/safetext"
)

// FuzzImport: whatever JSON arrives, Import never panics, and whenever it
// writes a scenario, the engine loads that scenario without an error and
// nothing in it is a control character a terminal would act on.
func FuzzImport(f *testing.F) {
	files, _ := filepath.Glob("testdata/account/*.json")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "sg-x", "VpcId": "vpc-1", "IpPermissions": [{"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "IpRanges": [{"CidrIp": "1.2.3.4/8"}]}]}],
		"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "VpcId": "vpc-1", "PrivateIpAddress": "10.0.0.1", "Groups": [{"GroupId": "sg-1"}], "TagSet": [{"Key": "Name", "Value": "a\u2028b"}]}]}`))
	f.Add([]byte(`{"SecurityGroupRules": [{"GroupId": "sg-2", "IsEgress": true, "IpProtocol": "-1", "CidrIpv6": "::/0"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Import([]Input{{Name: "fuzz.json", Data: data}}, Options{})
		if err != nil {
			return
		}
		w, ds := engine.Parse("fuzz.yaml", res.YAML)
		if w == nil {
			t.Fatalf("the scenario written does not load:\n%s\n--- input\n%s\n--- output\n%s", ds.Error(), data, res.YAML)
		}
		for _, line := range strings.Split(string(res.YAML), "\n") {
			if safetext.Index(line) >= 0 {
				t.Fatalf("a control character in the file: %q", line)
			}
		}
	})
}
