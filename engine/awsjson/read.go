package awsjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Input is one file of AWS CLI output.
type Input struct {
	Name string // the path as the user gave it, for messages
	// Region is the region the path names (Batfish's
	// aws_configs/<region>/ folders), or empty.
	Region string
	Data   []byte
	// InDir is true for a file found in a directory the user named: one
	// that is not AWS output is skipped with a warning there, but is an
	// error when named on its own.
	InDir bool
}

// MaxFileSize is the largest file ReadPaths reads: an account's
// describe-network-interfaces for 10,000 interfaces is about 40 MiB.
const MaxFileSize = 1 << 30

// ReadPaths reads the files and directories the user named. A directory is
// read recursively for files ending in .json, in lexical order.
func ReadPaths(paths []string) ([]Input, error) {
	var out []Input
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", p, unwrap(err))
		}
		if !fi.IsDir() {
			in, err := readFile(p, fi, false)
			if err != nil {
				return nil, err
			}
			out = append(out, in)
			continue
		}
		var found []Input
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("cannot read %s: %w", path, unwrap(err))
			}
			if d.IsDir() || !strings.EqualFold(filepath.Ext(path), ".json") || !d.Type().IsRegular() {
				return nil
			}
			fi, err := d.Info()
			if err != nil {
				return fmt.Errorf("cannot read %s: %w", path, unwrap(err))
			}
			in, err := readFile(path, fi, true)
			if err != nil {
				return err
			}
			found = append(found, in)
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s holds no .json file", p)
		}
		out = append(out, found...)
	}
	return out, nil
}

func readFile(path string, fi fs.FileInfo, inDir bool) (Input, error) {
	if !fi.Mode().IsRegular() {
		return Input{}, fmt.Errorf("%s is not a regular file", path)
	}
	if fi.Size() > MaxFileSize {
		return Input{}, fmt.Errorf("%s is %d bytes; sglab reads files of up to %d", path, fi.Size(), MaxFileSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Input{}, fmt.Errorf("cannot read %s: %w", path, unwrap(err))
	}
	return Input{Name: path, Region: regionOfPath(path), Data: data, InDir: inDir}, nil
}

func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// regionPattern matches a region name (us-east-1, eu-central-2,
// us-gov-west-1, ap-southeast-5) at the start of a string: of a folder
// name, or of an availability zone (us-east-1a, us-west-2-lax-1a). It is
// compiled at first use, not at every start of sglab.
var regionPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+`) })

// regionOfPath returns the innermost folder of path named like a region.
func regionOfPath(path string) string {
	dir := filepath.Dir(filepath.Clean(path))
	for {
		base := filepath.Base(dir)
		if m := regionPattern().FindString(base); m != "" && m == base {
			return base
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// regionOfZone returns the region of an availability zone, or "".
func regionOfZone(az string) string { return regionPattern().FindString(az) }

// decode reads one file. It returns the commands recognised in it and, for
// keys of other describe-* commands, their plain names.
func decode(in Input) (doc document, commands, others []string, err error) {
	if keys, ok := topKeys(in.Data); ok {
		// The common file: only keys sglab reads, decoded in one pass.
		// Invalid JSON fails there as it would have below.
		for _, k := range keys {
			commands = append(commands, knownKeys[k])
		}
		if err := json.Unmarshal(in.Data, &doc); err != nil {
			return doc, nil, nil, jsonError(in, err)
		}
		return doc, commands, nil, nil
	}
	return decodeByMap(in)
}

// decodeByMap is decode for any file: it reads the top-level keys into a
// map first, and decodes only the known ones.
func decodeByMap(in Input) (doc document, commands, others []string, err error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(in.Data, &top); err != nil {
		return doc, nil, nil, jsonError(in, err)
	}
	if top == nil {
		return doc, nil, nil, fmt.Errorf("%s: not AWS CLI output: the file is JSON null, not an object", in.Name)
	}
	keys := make([]string, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if cmd, ok := knownKeys[k]; ok {
			commands = append(commands, cmd)
		} else if what, ok := otherKeys[k]; ok {
			others = append(others, what)
		}
	}
	if len(commands) == 0 {
		return doc, nil, others, nil
	}
	data := in.Data
	if len(commands) < len(keys) {
		data = onlyKeys(top, keys)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return doc, nil, nil, jsonError(in, err)
	}
	return doc, commands, others, nil
}

// topKeys returns the sorted keys of data's top-level object when data
// looks like one whose keys are all known, each once, written without
// escapes; false sends the file the long way, through a map. It reads
// valid JSON correctly and may read invalid JSON any way it likes: the
// decoder then finds the same error the map would have.
func topKeys(data []byte) ([]string, bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	var keys []string
	for i = skipSpace(data, i+1); i < len(data) && data[i] == '"'; i = skipSpace(data, i+1) {
		end := bytes.IndexByte(data[i+1:], '"')
		if end < 0 {
			return nil, false
		}
		key := data[i+1 : i+1+end]
		if _, ok := knownKeys[string(key)]; !ok || bytes.IndexByte(key, '\\') >= 0 || slices.Contains(keys, string(key)) {
			return nil, false
		}
		keys = append(keys, string(key))
		i = skipSpace(data, i+end+2)
		if i >= len(data) || data[i] != ':' {
			return nil, false
		}
		if i = skipValue(data, skipSpace(data, i+1)); i < 0 {
			return nil, false
		}
		if i = skipSpace(data, i); i < len(data) && data[i] == ',' {
			continue
		}
		if i >= len(data) || data[i] != '}' {
			return nil, false
		}
		slices.Sort(keys)
		return keys, len(keys) > 0
	}
	return nil, false
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the offset just after the JSON value at i, or -1: it
// follows strings and nesting, and trusts the rest to the decoder.
func skipValue(data []byte, i int) int {
	depth := 0
	for ; i < len(data); i++ {
		switch data[i] {
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
			continue
		case '}', ']':
			depth--
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return i // the end of a number, true, false or null
			}
			continue
		default:
			if depth == 0 && i+1 < len(data) && (data[i+1] == '}' || data[i+1] == ']') {
				return i + 1 // a number or literal that ends the object
			}
			continue
		}
		if depth == 0 {
			return i + 1
		}
		if depth < 0 {
			return -1
		}
	}
	return -1
}

// onlyKeys writes the object again with the keys sglab reads: a file may
// carry keys of other commands (NextToken, route tables) that need not fit
// its shapes.
func onlyKeys(top map[string]json.RawMessage, keys []string) []byte {
	var known bytes.Buffer
	known.WriteByte('{')
	first := true
	for _, k := range keys {
		if _, ok := knownKeys[k]; !ok {
			continue
		}
		if !first {
			known.WriteByte(',')
		}
		first = false
		kb, _ := json.Marshal(k)
		known.Write(kb)
		known.WriteByte(':')
		known.Write(top[k])
	}
	known.WriteByte('}')
	return known.Bytes()
}

// jsonError says where a file is not the JSON the AWS CLI prints.
func jsonError(in Input, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := lineCol(in.Data, se.Offset)
		return fmt.Errorf("%s:%d:%d: not JSON: %v", in.Name, line, col, se)
	case errors.As(err, &te):
		if te.Field == "" {
			return fmt.Errorf("%s: not AWS CLI output of a describe command: the file is a JSON %s, not an object", in.Name, te.Value)
		}
		return fmt.Errorf("%s: %s is a JSON %s where AWS writes %s", in.Name, te.Field, te.Value, kindOf(te.Type.String()))
	}
	return fmt.Errorf("%s: %v", in.Name, err)
}

func kindOf(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case goType == "string":
		return "a string"
	case goType == "int", goType == "*int":
		return "a whole number"
	case goType == "bool":
		return "true or false"
	}
	return "an object"
}

// lineCol turns a byte offset into a 1-based line and column.
func lineCol(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, max(col, 1)
}
