//go:build !docs

package main

// buildTags builds the binary the tests run as the test binary was built:
// without the __docs command (docs_test.go tests it, with -tags docs).
const buildTags = ""
