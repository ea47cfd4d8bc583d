package awsjson

import (
	"fmt"
	"reflect"
	"testing"
)

// FuzzDecodeFastPath: decode's one-pass path for files of known keys
// gives what reading the keys into a map first gives: the same records,
// commands and warnings, or the same error, for any bytes.
func FuzzDecodeFastPath(f *testing.F) {
	addAccounts(f)
	for _, s := range []string{
		`{"Vpcs": []}`, ` {"Vpcs":[] , "Subnets" :[{"SubnetId":"s\"}]"}]}`, `{"Vpcs": null}`, `{"Vpcs": 7}`,
		`{"Vpcs": [1}`, `{"Vpcs": []} x`, `{"Vpcs": [], "Vpcs": [{"VpcId": "vpc-1"}]}`, `{"vpcs": [{"VpcId": "vpc-1"}]}`,
		`{"V\u0070cs": []}`, `{"Vpcs": [], "NextToken": "x"}`, `{}`, `[]`, `null`, `{"Vpcs": true}`, `{"Vpcs": "]}"}`,
		`{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"FromPort": "22"}]}]}`, "{\"Vpcs\":\t[]\n}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := Input{Name: "fuzz.json", Data: data}
		doc, commands, others, err := decode(in)
		wdoc, wcommands, wothers, werr := decodeByMap(in)
		if fmt.Sprint(err) != fmt.Sprint(werr) {
			t.Fatalf("%q: error %v, by map %v", data, err, werr)
		}
		if err == nil && (!reflect.DeepEqual(doc, wdoc) || !reflect.DeepEqual(commands, wcommands) || len(others) != len(wothers)) {
			t.Fatalf("%q: %v %v %+v, by map %v %v %+v", data, commands, others, doc, wcommands, wothers, wdoc)
		}
	})
}
