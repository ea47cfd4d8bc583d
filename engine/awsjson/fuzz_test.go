package awsjson

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sglab/sglab/engine"
	"github.com/sglab/sglab/internal/safetext"
)

// addAccounts seeds f with the example accounts in testdata/account.
func addAccounts(f *testing.F) {
	files, _ := filepath.Glob("testdata/account/*.json")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzImport: whatever JSON arrives, Import never panics, and whenever it
// writes a scenario, the engine loads that scenario without an error and
// nothing in it is a control character a terminal would act on.
func FuzzImport(f *testing.F) {
	addAccounts(f)
	f.Add([]byte(`{"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "sg-x", "VpcId": "vpc-1", "IpPermissions": [{"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "IpRanges": [{"CidrIp": "1.2.3.4/8"}]}]}],
		"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "VpcId": "vpc-1", "PrivateIpAddress": "10.0.0.1", "Groups": [{"GroupId": "sg-1"}], "TagSet": [{"Key": "Name", "Value": "a\u2028b"}]}]}`))
	f.Add([]byte(`{"SecurityGroupRules": [{"GroupId": "sg-2", "IsEgress": true, "IpProtocol": "-1", "CidrIpv6": "::/0"}]}`))
	// Subnets and network ACLs the format refuses as they stand: ranges
	// outside the VPC or overlapping, shared names, a second default ACL,
	// repeated rule numbers, bad CIDRs, a machine in no subnet.
	f.Add([]byte(`{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}],
		"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24", "Tags": [{"Key": "Name", "Value": "web"}]},
			{"SubnetId": "subnet-2", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/25", "Tags": [{"Key": "Name", "Value": "web"}]},
			{"SubnetId": "subnet-3", "VpcId": "vpc-1", "CidrBlock": "10.9.0.0/24", "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2600::/64"}]},
			{"SubnetId": "subnet-4", "VpcId": "vpc-1", "CidrBlock": "10.0.2.0/24", "Tags": [{"Key": "Name", "Value": "default"}]}],
		"NetworkAcls": [{"NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": true, "Tags": [{"Key": "Name", "Value": "x\u001b[31m"}],
				"Entries": [{"RuleNumber": 100, "Egress": false, "Protocol": "6", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 443, "To": 443}},
					{"RuleNumber": 100, "Egress": false, "Protocol": "-1", "RuleAction": "deny", "CidrBlock": "1.2.3.4/8"},
					{"RuleNumber": 0, "Egress": true, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "::ffff:1.2.3.4/128"},
					{"RuleNumber": 7, "Egress": true, "Protocol": "1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "IcmpTypeCode": {"Type": 8, "Code": -1}},
					{"RuleNumber": 32767, "Egress": true, "Protocol": "-1", "RuleAction": "deny", "CidrBlock": "0.0.0.0/0"}],
				"Associations": [{"SubnetId": "subnet-1"}, {"SubnetId": "subnet-9"}]},
			{"NetworkAclId": "acl-2", "VpcId": "vpc-1", "IsDefault": true, "Tags": [{"Key": "Name", "Value": "default"}], "Associations": [{"SubnetId": "subnet-4"}]},
			{"NetworkAclId": "acl-3", "VpcId": "vpc-2", "Entries": [{"RuleNumber": 5, "Egress": false, "Protocol": "17", "RuleAction": "maybe", "CidrBlock": "0.0.0.0/0"}]}],
		"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "VpcId": "vpc-1", "PrivateIpAddress": "10.0.1.5", "Groups": [{"GroupId": "sg-1"}]},
			{"NetworkInterfaceId": "eni-2", "VpcId": "vpc-1", "PrivateIpAddress": "10.0.7.5", "Groups": [{"GroupId": "sg-1"}]}],
		"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web", "VpcId": "vpc-1"}]}`))
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
