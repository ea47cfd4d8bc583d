package engine

import (
	"bytes"
	"runtime"
	"sync"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Parsing YAML is most of the time `sglab check` spends on a large world, so
// large files are cut into chunks at the items of their top-level lists and
// the chunks are parsed in parallel. Each chunk is the file with every line
// outside the chunk blanked, so positions in errors stay exact. Anything
// unusual (anchors, several documents, a chunk that does not parse) falls
// back to parsing the file whole, which also gives the exact syntax error.

// splitMin is the size below which splitting does not pay, and splitProcs
// how many chunks to parse at once. Tests change both.
var (
	splitMin   = 256 << 10
	splitProcs = min(runtime.GOMAXPROCS(0), 4)
)

// parseYAML returns the file's syntax tree, or the parser's error.
func parseYAML(data []byte) (*ast.File, error) {
	if splitProcs > 1 && len(data) >= splitMin {
		if f := parseSplit(data, splitProcs); f != nil {
			return f, nil
		}
	}
	return parser.ParseBytes(data, 0)
}

// parseSplit parses data in up to n chunks and merges them, or returns nil
// when the file is not plain enough to split safely.
func parseSplit(data []byte, n int) *ast.File {
	if bytes.ContainsAny(data, "&*\t\r") {
		// Anchors and aliases cross chunks; tabs make indentation unclear;
		// the parser counts lines around a carriage return in ways a chunk's
		// blanked lines do not keep (a comment's CRLF is two lines).
		return nil
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	cuts := chunkCuts(lines, len(data)/n)
	if cuts == nil {
		return nil
	}
	files := make([]*ast.File, len(cuts))
	var wg sync.WaitGroup
	for k, c := range cuts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { recover() }() // a panicking chunk means: parse whole
			if f, err := parser.ParseBytes(chunkText(lines, c), 0); err == nil {
				files[k] = f
			}
		}()
	}
	wg.Wait()
	return mergeChunks(files, cuts)
}

// chunk is a range of lines [from, to), and the top-level key whose list
// it continues (empty when it starts at a top-level key).
type chunk struct {
	from, to int
	header   []byte
}

// chunkCuts chooses where to cut: at an item of a top-level list, once a
// chunk has at least size bytes. The indentation of a list's items is that
// of the first line under its key, when that line is an item; deeper items
// belong to nested lists. It returns nil for files it does not understand.
func chunkCuts(lines [][]byte, size int) []chunk {
	var (
		cuts             []chunk
		start, bytesIn   int
		key, startHeader []byte // the current top-level key, and the one the chunk continues
		itemIndent       = -1
		firstUnderKey    bool
	)
	for i, line := range lines {
		bytesIn += len(line)
		trimmed := bytes.TrimLeft(line, " ")
		indent := len(line) - len(trimmed)
		if len(bytes.TrimSpace(trimmed)) == 0 || trimmed[0] == '#' {
			continue
		}
		item := isItem(trimmed)
		switch {
		case indent == 0 && !item:
			if bytes.HasPrefix(line, []byte("---")) || bytes.HasPrefix(line, []byte("...")) || line[0] == '%' {
				return nil
			}
			k, _, ok := bytes.Cut(line, []byte(":"))
			if !ok {
				return nil
			}
			key, itemIndent, firstUnderKey = bytes.TrimSpace(k), -1, true
		case firstUnderKey:
			firstUnderKey = false
			if item {
				itemIndent = indent
			}
		case item && indent == itemIndent && bytesIn-len(line) >= size:
			cuts = append(cuts, chunk{from: start, to: i, header: startHeader})
			start, bytesIn, startHeader = i, len(line), key
		}
	}
	if len(cuts) == 0 {
		return nil
	}
	return append(cuts, chunk{from: start, to: len(lines), header: startHeader})
}

// isItem reports whether a line, without its indentation, starts a list item.
func isItem(t []byte) bool {
	return len(t) > 0 && t[0] == '-' && (len(t) == 1 || t[1] == ' ' || t[1] == '\n' || t[1] == '\r')
}

// chunkText is the file with the lines outside c blanked, and c's top-level
// key on the line before it when c continues a list.
func chunkText(lines [][]byte, c chunk) []byte {
	var b bytes.Buffer
	for i, line := range lines {
		switch {
		case i >= c.from && i < c.to:
			b.Write(line)
		case i == c.from-1 && c.header != nil:
			b.Write(c.header)
			b.WriteString(":\n")
		default:
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// mergeChunks joins the chunks' top-level mappings: a key that continues a
// list gets its items appended to the list the key started with.
func mergeChunks(files []*ast.File, cuts []chunk) *ast.File {
	var (
		body  *ast.MappingNode
		lists = map[string]*ast.SequenceNode{}
	)
	for k, f := range files {
		if f == nil || len(f.Docs) != 1 {
			return nil
		}
		m, ok := f.Docs[0].Body.(*ast.MappingNode)
		if !ok {
			return nil
		}
		for j, kv := range m.Values {
			name := kv.Key.GetToken().Value
			seq, isList := kv.Value.(*ast.SequenceNode)
			if j == 0 && cuts[k].header != nil {
				head := lists[name]
				if head == nil || !isList || name != string(cuts[k].header) {
					return nil
				}
				head.Values = append(head.Values, seq.Values...)
				head.Entries = append(head.Entries, seq.Entries...)
				continue
			}
			if _, dup := lists[name]; dup {
				return nil // a real duplicate key: let the whole parse report it
			}
			lists[name] = seq // nil when the value is not a list
			if k > 0 {
				body.Values = append(body.Values, kv)
			}
		}
		if k == 0 {
			body = m
		}
	}
	if body == nil {
		return nil
	}
	files[0].Docs[0].Body = body
	return files[0]
}
