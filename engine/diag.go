package engine

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/sglab/sglab/internal/safetext"
	"github.com/sglab/sglab/internal/yamlread"
)

// Codes of problems, as AWS names them where AWS has a name. The three
// the YAML reader reports itself are defined there.
const (
	CodeSyntax             = yamlread.CodeSyntax
	CodeUnknownField       = "UnknownField"
	CodeMissingField       = yamlread.CodeMissingField
	CodeDuplicateID        = "DuplicateId"
	CodeInvalidValue       = yamlread.CodeInvalidValue
	CodeGroupNotFound      = "InvalidGroup.NotFound"
	CodeInvalidParameter   = "InvalidParameter"
	CodeGroupDuplicate     = "InvalidGroup.Duplicate"
	CodePermissionDup      = "InvalidPermission.Duplicate"
	CodeRulesLimit         = "RulesPerSecurityGroupLimitExceeded"
	CodeGroupsLimit        = "SecurityGroupsPerInterfaceLimitExceeded"
	CodeAddressInUse       = "InvalidIPAddress.InUse"
	CodeInstanceNotFound   = "InvalidInstanceID.NotFound"
	CodeVPCNotFound        = "InvalidVpcID.NotFound"
	CodeDependency         = "DependencyViolation"
	CodeCannotDelete       = "CannotDelete"
	CodePermissionNotFound = "InvalidPermission.NotFound"
	// CodeInsufficientAddresses is AWS's code for a launch into a full subnet.
	CodeInsufficientAddresses = "InsufficientFreeAddressesInSubnet"
)

// Diagnostic is one problem or warning about a world.
type Diagnostic struct {
	File    string
	Pos     Pos
	Code    string // empty for a warning
	Message string
}

// IsWarning reports whether the diagnostic is a warning rather than an error.
func (d Diagnostic) IsWarning() bool { return d.Code == "" }

// String formats the diagnostic as FILE:LINE:COL: CODE: message, with
// "warning" in place of the code for warnings.
func (d Diagnostic) String() string {
	code := d.Code
	if code == "" {
		code = "warning"
	}
	var b strings.Builder
	if d.File != "" {
		b.WriteString(d.File)
		b.WriteByte(':')
	}
	if d.Pos.IsValid() {
		fmt.Fprintf(&b, "%d:%d: ", d.Pos.Line, d.Pos.Col)
	} else if d.File != "" {
		b.WriteByte(' ')
	}
	b.WriteString(code)
	b.WriteString(": ")
	b.WriteString(d.Message)
	return b.String()
}

// Diagnostics is every problem found in a world, sorted by position.
type Diagnostics []Diagnostic

// Errors returns only the errors.
func (ds Diagnostics) Errors() Diagnostics {
	return slices.DeleteFunc(slices.Clone(ds), Diagnostic.IsWarning)
}

// Warnings returns only the warnings.
func (ds Diagnostics) Warnings() Diagnostics {
	return slices.DeleteFunc(slices.Clone(ds), func(d Diagnostic) bool { return !d.IsWarning() })
}

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return !d.IsWarning() })
}

// Error joins the errors, one per line, so Diagnostics can be returned as an error.
func (ds Diagnostics) Error() string {
	lines := make([]string, 0, len(ds))
	for _, d := range ds.Errors() {
		lines = append(lines, d.String())
	}
	return strings.Join(lines, "\n")
}

func (ds Diagnostics) sort() {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Col, b.Pos.Col))
	})
}

// Error is a failed change to a world, with AWS's error code.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// errorf makes an Error. Its message, like every diagnostic's, is one line
// of printable text: what a file or a program put in a name is shown
// escaped, never written raw to a terminal.
func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: safetext.Line(fmt.Sprintf(format, args...))}
}

// diags collects diagnostics while reading or validating.
type diags struct {
	file string
	list Diagnostics
}

func (d *diags) add(p Pos, code, format string, args ...any) {
	d.list = append(d.list, Diagnostic{File: d.file, Pos: p, Code: code, Message: safetext.Line(fmt.Sprintf(format, args...))})
}

func (d *diags) warn(p Pos, format string, args ...any) {
	d.add(p, "", format, args...)
}
