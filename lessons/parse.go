package lessons

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/sglab/sglab/engine"
)

// The info strings of the fenced blocks that hold a lesson's structured
// parts. Any other fenced block is ordinary Markdown.
const (
	blockChallenge = "challenge"
	blockQuestion  = "question"
	blockScenario  = "scenario"
)

// block is one fenced lesson block.
type block struct {
	kind string
	name string // a scenario block's name
	line int    // the opening fence's line in the lesson file
	body []byte
	page int // the page it sits in, -1 before the first page
}

// scenarioFile is a scenario file a challenge starts from, read once per
// pack however many challenges use it.
type scenarioFile struct {
	world *engine.World // nil when the file is invalid or unreadable
	read  bool          // the file could be read, whether valid or not
}

// parser reads one lesson file of a pack.
type parser struct {
	fsys    fs.FS
	dir     string // the lesson's directory in fsys
	file    string // the lesson file as diagnostics name it
	display func(fsPath string) string
	files   map[string]scenarioFile // shared by the lessons of one pack

	diags     engine.Diagnostics
	scenarios map[string]*engine.World
	used      map[string]bool
}

// idPattern matches a lesson's or a block's id; compiled at first use, not
// at every start of sglab.
var idPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`) })

func (p *parser) reader(offset int) *reader {
	return &reader{file: p.file, offset: offset, diags: &p.diags}
}

func (p *parser) errorf(line int, code, format string, args ...any) {
	p.reader(0).errorf(engine.Pos{Line: line, Col: 1}, code, format, args...)
}

// lesson parses a lesson file. The lesson is nil when the file has errors:
// nothing in a bad lesson is half-used.
func (p *parser) lesson(data []byte) *Lesson {
	// Editors on Windows may add a byte order mark and CRLF line ends.
	text := strings.ReplaceAll(strings.TrimPrefix(string(data), "\ufeff"), "\r\n", "\n")
	lines := strings.Split(text, "\n")
	end := p.frontMatterEnd(lines)
	if end < 0 {
		return nil
	}
	l := &Lesson{File: p.file}
	p.frontMatter(l, lines[1:end])
	pages, blocks := p.body(lines, end+1)
	l.Pages = pages
	p.scenarios, p.used = map[string]*engine.World{}, map[string]bool{}
	for _, b := range blocks {
		if b.kind == blockScenario {
			p.scenario(b)
		}
	}
	ids := map[string]int{}
	for _, b := range blocks {
		switch b.kind {
		case blockChallenge:
			c := p.challenge(b, len(l.Challenges)+1)
			switch {
			case c == nil:
			case b.page < 0:
				p.errorf(b.line, engine.CodeInvalidValue, "a challenge belongs to a page: put it after a `# Title` line")
			case l.Pages[b.page].Challenge != nil:
				p.errorf(b.line, engine.CodeInvalidValue, "page %q already has a challenge; give each challenge a page of its own", l.Pages[b.page].Title)
			default:
				p.uniqueID(ids, c.ID, b.line)
				l.Pages[b.page].Challenge = c
				l.Challenges = append(l.Challenges, c)
			}
		case blockQuestion:
			if q := p.question(b, len(l.Questions)+1); q != nil {
				p.uniqueID(ids, q.ID, b.line)
				l.Questions = append(l.Questions, q)
			}
		}
	}
	for _, b := range blocks {
		if b.kind == blockScenario && b.name != "" && !p.used[b.name] {
			p.reader(0).warnf(engine.Pos{Line: b.line, Col: 1}, "scenario %q is used by no challenge", b.name)
		}
	}
	if len(l.Pages) == 0 {
		p.errorf(end+1, engine.CodeMissingField, "the lesson has no pages: start each page with a `# Title` line")
	}
	if p.diags.HasErrors() {
		return nil
	}
	return l
}

func (p *parser) uniqueID(ids map[string]int, id string, line int) {
	if prev, dup := ids[id]; dup {
		p.errorf(line, engine.CodeDuplicateID, "id %q is already used on line %d; challenge and question ids are unique within a lesson", id, prev)
		return
	}
	ids[id] = line
}

// frontMatterEnd returns the index of the line that closes the front
// matter, or -1 after reporting that there is none.
func (p *parser) frontMatterEnd(lines []string) int {
	if strings.TrimRight(lines[0], " \t") != "---" {
		p.errorf(1, engine.CodeMissingField, "a lesson file starts with front matter: a `---` line, the lesson's id, title, order, summary, minutes and concepts, and another `---` line")
		return -1
	}
	for k := 1; k < len(lines); k++ {
		if s := strings.TrimRight(lines[k], " \t"); s == "---" || s == "..." {
			return k
		}
	}
	p.errorf(1, engine.CodeSyntax, "the front matter that starts here is never closed by a `---` line")
	return -1
}

func (p *parser) frontMatter(l *Lesson, lines []string) {
	r := p.reader(1)
	body := r.parse(strings.Join(lines, "\n"), "the front matter")
	f, ok := r.object(body, "the front matter", "id", "title", "order", "summary", "minutes", "concepts")
	if !ok {
		return
	}
	l.ID = f.str("id", true)
	if l.ID != "" && !idPattern().MatchString(l.ID) {
		r.errorf(f.at("id"), engine.CodeInvalidValue, "id %q must be lowercase letters, digits and dashes, such as ssh-from-your-computer", l.ID)
	}
	l.Title = f.str("title", true)
	l.Order, _ = f.number("order", true, 1, 9999)
	l.Summary = f.str("summary", true)
	l.Minutes, _ = f.number("minutes", true, 1, 240)
	l.Concepts = f.texts("concepts", true)
}

// body splits the Markdown after the front matter into pages, each
// starting at a `# Title` line, and takes the lesson blocks out of them.
func (p *parser) body(lines []string, from int) ([]Page, []block) {
	var (
		pages  []Page
		text   [][]string // each page's lines
		blocks []block
		fence  string // the marker of the ordinary code block we are in
		stray  bool
	)
	for k := from; k < len(lines); k++ {
		line := lines[k]
		if fence != "" {
			if len(pages) > 0 {
				text[len(text)-1] = append(text[len(text)-1], line)
			}
			if closesFence(line, fence) {
				fence = ""
			}
			continue
		}
		if marker, info, ok := openFence(line); ok {
			if kind, name, ok := p.blockKind(info, k+1); ok {
				end := k + 1
				for end < len(lines) && !closesFence(lines[end], marker) {
					end++
				}
				if end == len(lines) {
					p.errorf(k+1, engine.CodeSyntax, "the %s block that starts here is never closed by a %s line", kind, marker)
					break
				}
				blocks = append(blocks, block{kind: kind, name: name, line: k + 1,
					body: []byte(strings.Join(lines[k+1:end], "\n")), page: len(pages) - 1})
				k = end
				continue
			}
			fence = marker
		}
		if title, ok := heading(line); ok {
			if title == "" {
				p.errorf(k+1, engine.CodeMissingField, "a page heading needs a title: `# Your title`")
			}
			pages = append(pages, Page{Title: title})
			text = append(text, []string{line})
			continue
		}
		if len(pages) == 0 {
			if strings.TrimSpace(line) != "" && !stray {
				p.errorf(k+1, engine.CodeInvalidValue, "text before the first page: every page starts with a `# Title` line")
				stray = true
			}
			continue
		}
		text[len(text)-1] = append(text[len(text)-1], line)
	}
	for k := range pages {
		pages[k].Markdown = strings.TrimSpace(strings.Join(text[k], "\n")) + "\n"
	}
	return pages, blocks
}

// blockKind tells a lesson block from an ordinary code block by its info
// string.
func (p *parser) blockKind(info string, line int) (kind, name string, ok bool) {
	words := strings.Fields(info)
	if len(words) == 0 {
		return "", "", false
	}
	switch words[0] {
	case blockChallenge, blockQuestion:
		if len(words) > 1 {
			p.errorf(line, engine.CodeInvalidValue, "a %s block takes no name: write the opening line as ```%s", words[0], words[0])
		}
		return words[0], "", true
	case blockScenario:
		if len(words) != 2 {
			p.errorf(line, engine.CodeMissingField, "a scenario block needs one name, which challenges use in `start`: ```scenario start")
			return blockScenario, "", true
		}
		return blockScenario, words[1], true
	}
	return "", "", false
}

// openFence recognizes the opening line of a fenced code block written
// from the first column: three or more backticks or tildes.
func openFence(line string) (marker, info string, ok bool) {
	for _, c := range []string{"`", "~"} {
		n := len(line) - len(strings.TrimLeft(line, c))
		if n >= 3 {
			return line[:n], strings.TrimSpace(line[n:]), true
		}
	}
	return "", "", false
}

// closesFence reports whether line closes a block opened with marker: the
// same character at least as many times, and nothing else.
func closesFence(line, marker string) bool {
	s := strings.TrimSpace(line)
	return len(s) >= len(marker) && strings.Trim(s, marker[:1]) == ""
}

// heading recognizes a page's `# Title` line.
func heading(line string) (string, bool) {
	if line != "#" && !strings.HasPrefix(line, "# ") {
		return "", false
	}
	title := strings.TrimSpace(line[1:])
	// A closing sequence of #s is not part of the title.
	if t := strings.TrimRight(title, "#"); t != title && (t == "" || strings.HasSuffix(t, " ")) {
		title = strings.TrimSpace(t)
	}
	return title, true
}

// scenario parses a named scenario block with the engine, reporting its
// problems at their lines in the lesson file.
func (p *parser) scenario(b block) {
	if b.name == "" {
		return
	}
	if _, dup := p.scenarios[b.name]; dup {
		p.errorf(b.line, engine.CodeDuplicateID, "a scenario named %q is already defined in this lesson", b.name)
		return
	}
	w, ds := engine.Parse(p.file, b.body)
	for _, d := range ds {
		if d.Pos.IsValid() {
			d.Pos.Line += b.line
		}
		p.diags = append(p.diags, d)
	}
	p.scenarios[b.name] = w
}

// startWorld resolves a challenge's `start`: a scenario block of the lesson
// by name, or a .yaml file of the pack by path.
func (p *parser) startWorld(f fields) *engine.World {
	ref := f.str("start", true)
	if ref == "" {
		return nil
	}
	at := f.at("start")
	if ext := path.Ext(ref); ext != ".yaml" && ext != ".yml" {
		w, ok := p.scenarios[ref]
		if !ok {
			f.r.errorf(at, engine.CodeInvalidValue, "no ```scenario %s block in this lesson (a scenario file's name ends in .yaml)", ref)
			return nil
		}
		p.used[ref] = true
		if w == nil {
			f.r.errorf(at, engine.CodeInvalidValue, "scenario %q has errors, reported above", ref)
		}
		return w
	}
	full := path.Join(p.dir, ref)
	if path.IsAbs(ref) || !fs.ValidPath(full) {
		f.r.errorf(at, engine.CodeInvalidValue, "start %q must be a path inside the lesson pack, relative to the lesson file", ref)
		return nil
	}
	sf, seen := p.files[full]
	if !seen {
		sf = p.readScenario(full, at)
		p.files[full] = sf
	}
	if sf.read && sf.world == nil {
		f.r.errorf(at, engine.CodeInvalidValue, "the scenario file %s has errors, reported at their lines in it", p.display(full))
	}
	return sf.world
}

func (p *parser) readScenario(full string, at engine.Pos) scenarioFile {
	data, err := fs.ReadFile(p.fsys, full)
	if err != nil {
		p.reader(0).errorf(at, CodeFileNotFound, "cannot read the scenario file %s: %v", p.display(full), unwrapPathError(err))
		return scenarioFile{}
	}
	w, ds := engine.Parse(p.display(full), data)
	p.diags = append(p.diags, ds...)
	return scenarioFile{world: w, read: true}
}

func (p *parser) challenge(b block, n int) *Challenge {
	r := p.reader(b.line)
	f, ok := r.object(r.parse(string(b.body), "a challenge block"), "a challenge",
		"id", "title", "task", "start", "goals", "hints", "solution")
	if !ok {
		return nil
	}
	c := &Challenge{ID: p.blockID(f, "challenge", n), Title: f.str("title", true), Task: f.str("task", true),
		Pos: engine.Pos{Line: b.line, Col: 1}}
	c.start = p.startWorld(f)
	for _, item := range f.list("goals", true) {
		if g, ok := parseGoal(r, item, c.start); ok {
			c.Goals = append(c.Goals, g)
		}
	}
	c.Hints = f.texts("hints", true)
	if len(c.Hints) > MaxHints {
		r.errorf(f.at("hints"), engine.CodeInvalidValue, "a challenge has at most %d hints, each more specific than the last; this one has %d", MaxHints, len(c.Hints))
	}
	for _, item := range f.list("solution", true) {
		if s, ok := parseStep(r, item, c.start); ok {
			c.Solution = append(c.Solution, s)
		}
	}
	return c
}

// blockID returns a block's id, or one made from its kind and number.
func (p *parser) blockID(f fields, kind string, n int) string {
	id := f.str("id", false)
	if id == "" {
		return fmt.Sprintf("%s-%d", kind, n)
	}
	if !idPattern().MatchString(id) {
		f.r.errorf(f.at("id"), engine.CodeInvalidValue, "id %q must be lowercase letters, digits and dashes", id)
	}
	return id
}

func (p *parser) question(b block, n int) *Question {
	r := p.reader(b.line)
	f, ok := r.object(r.parse(string(b.body), "a question block"), "a question", "id", "ask", "choices", "answer", "explain")
	if !ok {
		return nil
	}
	q := &Question{ID: p.blockID(f, "question", n), Prompt: f.str("ask", true), Explanation: f.str("explain", true),
		Pos: engine.Pos{Line: b.line, Col: 1}}
	q.Choices = f.texts("choices", true)
	if len(q.Choices) == 1 || len(q.Choices) > 6 {
		r.errorf(f.at("choices"), engine.CodeInvalidValue, "a question has 2 to 6 choices, not %d", len(q.Choices))
	}
	if len(q.Choices) > 0 {
		answer, ok := f.number("answer", true, 1, len(q.Choices))
		q.Answer = answer - 1
		if !ok {
			q.Answer = -1
		}
	}
	return q
}
