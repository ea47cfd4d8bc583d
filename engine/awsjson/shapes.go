package awsjson

// The JSON the AWS CLI v2 prints for the describe-* commands sglab reads.
// Only the fields the import uses are declared: encoding/json skips the
// rest. Field names are AWS's (EC2 API reference, "Data Types"); every
// value is untrusted text until the builder has checked it.

// document is one file: each describe-* command prints an object with one
// list under its own top-level key, and a file may hold several of them.
type document struct {
	Vpcs               []vpcJSON     `json:"Vpcs"`
	Subnets            []subnetJSON  `json:"Subnets"`
	SecurityGroups     []groupJSON   `json:"SecurityGroups"`
	SecurityGroupRules []sgRuleJSON  `json:"SecurityGroupRules"`
	Reservations       []reservation `json:"Reservations"`
	NetworkInterfaces  []eniJSON     `json:"NetworkInterfaces"`
	NetworkAcls        []aclJSON     `json:"NetworkAcls"`
}

// knownKeys are the top-level keys that say which command printed a file.
var knownKeys = map[string]string{
	"Vpcs":               "describe-vpcs",
	"Subnets":            "describe-subnets",
	"SecurityGroups":     "describe-security-groups",
	"SecurityGroupRules": "describe-security-group-rules",
	"Reservations":       "describe-instances",
	"NetworkInterfaces":  "describe-network-interfaces",
	"NetworkAcls":        "describe-network-acls",
}

// otherKeys are what other describe-* commands print: recognised, so that
// a snapshot folder's route tables or gateways are named in a warning
// rather than called "not AWS output".
var otherKeys = map[string]string{
	"RouteTables":               "route tables",
	"InternetGateways":          "internet gateways",
	"NatGateways":               "NAT gateways",
	"VpcEndpoints":              "VPC endpoints",
	"VpcPeeringConnections":     "VPC peering connections",
	"TransitGateways":           "transit gateways",
	"TransitGatewayAttachments": "transit gateway attachments",
	"PrefixLists":               "prefix lists",
	"ManagedPrefixLists":        "managed prefix lists",
	"Addresses":                 "Elastic IP addresses",
	"LoadBalancerDescriptions":  "classic load balancers",
	"LoadBalancers":             "load balancers",
	"DBInstances":               "RDS instances",
	"CustomerGateways":          "customer gateways",
	"VpnGateways":               "VPN gateways",
	"VpnConnections":            "VPN connections",
	"AvailabilityZones":         "availability zones",
	"Volumes":                   "EBS volumes",
	"Images":                    "AMIs",
}

type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// nameTag returns the value of the Name tag, if any.
func nameTag(tags []tag) string {
	for _, t := range tags {
		if t.Key == "Name" {
			return t.Value
		}
	}
	return ""
}

type vpcJSON struct {
	VpcID                       string          `json:"VpcId"`
	CidrBlock                   string          `json:"CidrBlock"`
	OwnerID                     string          `json:"OwnerId"`
	IsDefault                   bool            `json:"IsDefault"`
	Tags                        []tag           `json:"Tags"`
	CidrBlockAssociationSet     []cidrAssoc     `json:"CidrBlockAssociationSet"`
	Ipv6CidrBlockAssociationSet []ipv6CidrAssoc `json:"Ipv6CidrBlockAssociationSet"`
}

type cidrAssoc struct {
	CidrBlock      string     `json:"CidrBlock"`
	CidrBlockState blockState `json:"CidrBlockState"`
}

type ipv6CidrAssoc struct {
	Ipv6CidrBlock      string     `json:"Ipv6CidrBlock"`
	Ipv6CidrBlockState blockState `json:"Ipv6CidrBlockState"`
}

type blockState struct {
	State string `json:"State"`
}

type subnetJSON struct {
	SubnetID                    string          `json:"SubnetId"`
	VpcID                       string          `json:"VpcId"`
	CidrBlock                   string          `json:"CidrBlock"`
	AvailabilityZone            string          `json:"AvailabilityZone"`
	Tags                        []tag           `json:"Tags"`
	Ipv6CidrBlockAssociationSet []ipv6CidrAssoc `json:"Ipv6CidrBlockAssociationSet"`
}

type groupJSON struct {
	GroupID             string       `json:"GroupId"`
	GroupName           string       `json:"GroupName"`
	Description         string       `json:"Description"`
	VpcID               string       `json:"VpcId"`
	OwnerID             string       `json:"OwnerId"`
	Tags                []tag        `json:"Tags"`
	IpPermissions       []permission `json:"IpPermissions"`
	IpPermissionsEgress []permission `json:"IpPermissionsEgress"`
}

// permission is one IpPermissions entry: a protocol and port range, and
// every peer it applies to.
type permission struct {
	IPProtocol       string       `json:"IpProtocol"`
	FromPort         *int         `json:"FromPort"`
	ToPort           *int         `json:"ToPort"`
	IPRanges         []ipRange    `json:"IpRanges"`
	Ipv6Ranges       []ipv6Range  `json:"Ipv6Ranges"`
	PrefixListIDs    []prefixList `json:"PrefixListIds"`
	UserIDGroupPairs []groupPair  `json:"UserIdGroupPairs"`
}

type ipRange struct {
	CidrIP      string `json:"CidrIp"`
	Description string `json:"Description"`
}

type ipv6Range struct {
	CidrIpv6    string `json:"CidrIpv6"`
	Description string `json:"Description"`
}

type prefixList struct {
	PrefixListID string `json:"PrefixListId"`
	Description  string `json:"Description"`
}

type groupPair struct {
	GroupID                string `json:"GroupId"`
	GroupName              string `json:"GroupName"`
	UserID                 string `json:"UserId"`
	VpcID                  string `json:"VpcId"`
	VpcPeeringConnectionID string `json:"VpcPeeringConnectionId"`
	PeeringStatus          string `json:"PeeringStatus"`
	Description            string `json:"Description"`
}

// sgRuleJSON is one item of describe-security-group-rules: already one
// rule per peer. Ports are -1 where AWS means "all".
type sgRuleJSON struct {
	SecurityGroupRuleID string        `json:"SecurityGroupRuleId"`
	GroupID             string        `json:"GroupId"`
	GroupOwnerID        string        `json:"GroupOwnerId"`
	IsEgress            bool          `json:"IsEgress"`
	IPProtocol          string        `json:"IpProtocol"`
	FromPort            *int          `json:"FromPort"`
	ToPort              *int          `json:"ToPort"`
	CidrIpv4            string        `json:"CidrIpv4"`
	CidrIpv6            string        `json:"CidrIpv6"`
	PrefixListID        string        `json:"PrefixListId"`
	ReferencedGroupInfo *referencedSG `json:"ReferencedGroupInfo"`
	Description         string        `json:"Description"`
}

type referencedSG struct {
	GroupID                string `json:"GroupId"`
	UserID                 string `json:"UserId"`
	VpcID                  string `json:"VpcId"`
	VpcPeeringConnectionID string `json:"VpcPeeringConnectionId"`
	PeeringStatus          string `json:"PeeringStatus"`
}

type reservation struct {
	OwnerID   string         `json:"OwnerId"`
	Instances []instanceJSON `json:"Instances"`
}

type instanceJSON struct {
	InstanceID       string     `json:"InstanceId"`
	InstanceType     string     `json:"InstanceType"`
	State            stateJSON  `json:"State"`
	VpcID            string     `json:"VpcId"`
	SubnetID         string     `json:"SubnetId"`
	PrivateIPAddress string     `json:"PrivateIpAddress"`
	PublicIPAddress  string     `json:"PublicIpAddress"`
	Placement        placement  `json:"Placement"`
	SecurityGroups   []groupRef `json:"SecurityGroups"`
	Tags             []tag      `json:"Tags"`
	NetworkInterface []eniJSON  `json:"NetworkInterfaces"`
	Ipv6Address      string     `json:"Ipv6Address"`
}

type stateJSON struct {
	Name string `json:"Name"`
}

type placement struct {
	AvailabilityZone string `json:"AvailabilityZone"`
}

type groupRef struct {
	GroupID   string `json:"GroupId"`
	GroupName string `json:"GroupName"`
}

// eniJSON is a network interface as describe-network-interfaces prints it,
// and as describe-instances nests it in an instance (with fewer fields).
type eniJSON struct {
	NetworkInterfaceID string         `json:"NetworkInterfaceId"`
	VpcID              string         `json:"VpcId"`
	SubnetID           string         `json:"SubnetId"`
	AvailabilityZone   string         `json:"AvailabilityZone"`
	Description        string         `json:"Description"`
	InterfaceType      string         `json:"InterfaceType"`
	RequesterID        string         `json:"RequesterId"`
	Status             string         `json:"Status"`
	PrivateIPAddress   string         `json:"PrivateIpAddress"`
	PrivateIPAddresses []privateIP    `json:"PrivateIpAddresses"`
	Ipv6Addresses      []ipv6Address  `json:"Ipv6Addresses"`
	Association        *association   `json:"Association"`
	Attachment         *eniAttachment `json:"Attachment"`
	Groups             []groupRef     `json:"Groups"`
	TagSet             []tag          `json:"TagSet"`
	Tags               []tag          `json:"Tags"`
}

type privateIP struct {
	PrivateIPAddress string       `json:"PrivateIpAddress"`
	Primary          bool         `json:"Primary"`
	Association      *association `json:"Association"`
}

type ipv6Address struct {
	Ipv6Address string `json:"Ipv6Address"`
}

type association struct {
	PublicIP string `json:"PublicIp"`
}

type eniAttachment struct {
	InstanceID  string `json:"InstanceId"`
	DeviceIndex *int   `json:"DeviceIndex"`
	Status      string `json:"Status"`
}

type aclJSON struct {
	NetworkAclID string           `json:"NetworkAclId"`
	VpcID        string           `json:"VpcId"`
	IsDefault    bool             `json:"IsDefault"`
	Tags         []tag            `json:"Tags"`
	Entries      []aclEntryJSON   `json:"Entries"`
	Associations []aclAssociation `json:"Associations"`
}

type aclEntryJSON struct {
	RuleNumber    int        `json:"RuleNumber"`
	Egress        bool       `json:"Egress"`
	Protocol      string     `json:"Protocol"`
	RuleAction    string     `json:"RuleAction"`
	CidrBlock     string     `json:"CidrBlock"`
	Ipv6CidrBlock string     `json:"Ipv6CidrBlock"`
	PortRange     *portRange `json:"PortRange"`
	IcmpTypeCode  *icmpCode  `json:"IcmpTypeCode"`
}

type portRange struct {
	From *int `json:"From"`
	To   *int `json:"To"`
}

type icmpCode struct {
	Type *int `json:"Type"`
	Code *int `json:"Code"`
}

type aclAssociation struct {
	SubnetID string `json:"SubnetId"`
}
