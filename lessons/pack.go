package lessons

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/sglab/sglab/engine"
)

// Pack is a directory of lessons: the built-in course, or one an
// instructor adds with --pack.
type Pack struct {
	Name    string    // "built-in", or the directory as given
	Lessons []*Lesson // by order
}

// BuiltinName is the name of the pack embedded in sglab.
const BuiltinName = "built-in"

//go:embed course/*.md
var courseFS embed.FS

var builtin = sync.OnceValues(func() (*Pack, engine.Diagnostics) {
	sub, err := fs.Sub(courseFS, "course")
	if err != nil {
		return nil, engine.Diagnostics{{File: "course", Code: CodeFileNotFound, Message: err.Error()}}
	}
	p, ds := LoadFS(sub, "course")
	if p != nil {
		p.Name = BuiltinName
		for _, l := range p.Lessons {
			l.Pack = BuiltinName
		}
	}
	return p, ds
})

// Builtin returns the course embedded in sglab. The tests make sure it
// loads and validates; the error is there so that a broken build says so
// instead of crashing.
func Builtin() (*Pack, error) {
	p, ds := builtin()
	if ds.HasErrors() {
		return nil, fmt.Errorf("the built-in course has errors:\n%w", ds)
	}
	return p, nil
}

// LoadDir reads the lesson pack in directory dir. It reads only the
// pack's own regular files (see packFS): a symbolic link out of the
// directory, a FIFO, a device or a file over MaxPackFileSize is refused
// with an error at that file.
func LoadDir(dir string) (*Pack, engine.Diagnostics) {
	fi, err := os.Stat(dir)
	switch {
	case err != nil:
		return nil, engine.Diagnostics{{File: dir, Code: CodeFileNotFound, Message: "cannot read the lesson pack: " + unwrapPathError(err).Error()}}
	case !fi.IsDir():
		return nil, engine.Diagnostics{{File: dir, Code: CodeFileNotFound, Message: "a lesson pack is a directory of lesson files, not a file"}}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, engine.Diagnostics{{File: dir, Code: CodeFileNotFound, Message: "cannot read the lesson pack: " + unwrapPathError(err).Error()}}
	}
	defer root.Close()
	return LoadFS(packFS{root: root, dir: dir}, dir)
}

// MaxPackFileSize bounds each file of a lesson pack: a lesson or a
// scenario a challenge starts from. The built-in course's largest file is
// a few kilobytes.
const MaxPackFileSize = 16 << 20

// packFS is a lesson pack's directory as LoadFS reads it. Packs come from
// other people, so it reads only regular files inside the directory: a
// symbolic link is followed only while it stays inside (os.Root sees to
// that; "start: s.yaml" with s.yaml -> /etc/passwd is refused), a FIFO is
// refused before it is opened (opening one blocks), a device or a
// directory too, and a file is read to MaxPackFileSize at most, so a link
// to /dev/zero could not fill the memory even if it were followed.
type packFS struct {
	root *os.Root
	dir  string
}

func (p packFS) Open(name string) (fs.File, error) {
	if err := p.check(name, true); err != nil {
		return nil, err
	}
	return p.root.FS().Open(name)
}

func (p packFS) ReadDir(name string) ([]fs.DirEntry, error) {
	return fs.ReadDir(p.root.FS(), name)
}

func (p packFS) ReadFile(name string) ([]byte, error) {
	if err := p.check(name, false); err != nil {
		return nil, err
	}
	f, err := p.root.Open(filepath.FromSlash(name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errors.New("it changed while sglab opened it; it is no longer a regular file")}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxPackFileSize+1))
	if err == nil && len(data) > MaxPackFileSize {
		err = &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("it is larger than %d MiB, the limit for a file of a lesson pack", MaxPackFileSize>>20)}
	}
	return data, err
}

// check makes sure name is a regular file inside the pack (or a
// directory, with dirOK), with an error that says what it is otherwise.
func (p packFS) check(name string, dirOK bool) error {
	fail := func(format string, args ...any) error {
		return &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf(format, args...)}
	}
	native := filepath.FromSlash(name)
	fi, err := p.root.Stat(native)
	if err != nil {
		if lfi, lerr := p.root.Lstat(native); lerr == nil && lfi.Mode()&fs.ModeSymlink != 0 {
			target, _ := os.Readlink(filepath.Join(p.dir, native))
			return fail("it is a symbolic link that leads out of the lesson pack (to %s); a pack reads only its own files", target)
		}
		return err
	}
	switch m := fi.Mode(); {
	case m.IsRegular(), m.IsDir() && dirOK:
		return nil
	case m.IsDir():
		return fail("it is a directory, not a lesson or scenario file")
	case m&fs.ModeNamedPipe != 0:
		return fail("it is a FIFO, not a regular file; a pack holds regular files only")
	case m&fs.ModeDevice != 0:
		return fail("it is a device, not a regular file; a pack holds regular files only")
	}
	return fail("it is not a regular file; a pack holds regular files only")
}

// LoadFS reads a lesson pack: every .md file at the top of fsys except
// README.md is a lesson. name is the pack's name, and the prefix of the
// file names in diagnostics. The pack holds the lessons that could be
// read, in order; when the diagnostics hold errors, it is for reporting,
// not for teaching.
func LoadFS(fsys fs.FS, name string) (*Pack, engine.Diagnostics) {
	display := func(p string) string { return filepath.Join(name, filepath.FromSlash(p)) }
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, engine.Diagnostics{{File: name, Code: CodeFileNotFound, Message: "cannot read the lesson pack: " + unwrapPathError(err).Error()}}
	}
	pack := &Pack{Name: name}
	var diags engine.Diagnostics
	files := map[string]scenarioFile{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".md") || strings.EqualFold(e.Name(), "README.md") {
			continue
		}
		p := &parser{fsys: fsys, dir: ".", file: display(e.Name()), display: display, files: files}
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			diags = append(diags, engine.Diagnostic{File: p.file, Code: CodeFileNotFound, Message: unwrapPathError(err).Error()})
			continue
		}
		l := p.lesson(data)
		diags = append(diags, p.diags...)
		if l != nil {
			l.Pack = name
			pack.Lessons = append(pack.Lessons, l)
		}
	}
	if len(pack.Lessons) == 0 && !diags.HasErrors() {
		diags = append(diags, engine.Diagnostic{File: name, Code: CodeNoLessons, Message: "no lesson files (*.md) in this directory"})
	}
	slices.SortStableFunc(pack.Lessons, func(a, b *Lesson) int { return a.Order - b.Order })
	for k, l := range pack.Lessons {
		if k > 0 && pack.Lessons[k-1].Order == l.Order {
			diags = append(diags, engine.Diagnostic{File: l.File, Pos: engine.Pos{Line: 1, Col: 1}, Code: engine.CodeInvalidValue,
				Message: fmt.Sprintf("order %d is already taken by %s; give each lesson of a pack its own order", l.Order, pack.Lessons[k-1].File)})
		}
	}
	diags = append(diags, duplicateIDs(pack.Lessons, map[string]*Lesson{})...)
	return pack, diags
}

// duplicateIDs reports the lessons whose id an earlier lesson (or one in
// seen) has, and records the rest in seen.
func duplicateIDs(lessons []*Lesson, seen map[string]*Lesson) engine.Diagnostics {
	var diags engine.Diagnostics
	for _, l := range lessons {
		if prev := seen[l.ID]; prev != nil {
			diags = append(diags, engine.Diagnostic{File: l.File, Pos: engine.Pos{Line: 1, Col: 1}, Code: engine.CodeDuplicateID,
				Message: fmt.Sprintf("lesson id %q is already used by %s", l.ID, prev.File)})
			continue
		}
		seen[l.ID] = l
	}
	return diags
}

// Course is the lessons a learner can take: the built-in ones, then those
// of each pack added.
type Course struct {
	Lessons []*Lesson
}

// LoadCourse returns the built-in course followed by the packs in dirs. A
// pack with errors is left out, and the diagnostics say why; they also
// hold the packs' warnings.
func LoadCourse(dirs ...string) (*Course, engine.Diagnostics) {
	c := &Course{}
	seen := map[string]*Lesson{}
	p, ds := builtin()
	// The built-in course's warnings are known and intended (a lesson may
	// start from a badly built world); its tests make sure of the rest.
	diags := ds.Errors()
	if p != nil && len(diags) == 0 {
		c.add(p, seen)
	}
	for _, dir := range dirs {
		p, ds := LoadDir(dir)
		if p != nil && !ds.HasErrors() {
			ds = append(ds, c.add(p, seen)...)
		}
		diags = append(diags, ds...)
	}
	return c, diags
}

// add appends a pack's lessons, unless one has an id already taken: a
// pack is added whole or not at all.
func (c *Course) add(p *Pack, seen map[string]*Lesson) engine.Diagnostics {
	trial := maps.Clone(seen)
	if ds := duplicateIDs(p.Lessons, trial); len(ds) > 0 {
		return ds
	}
	maps.Copy(seen, trial)
	c.Lessons = append(c.Lessons, p.Lessons...)
	return nil
}

// Lesson returns the lesson with this id, or nil.
func (c *Course) Lesson(id string) *Lesson {
	if k := c.Index(id); k >= 0 {
		return c.Lessons[k]
	}
	return nil
}

// Index returns the position of the lesson with this id, or -1.
func (c *Course) Index(id string) int {
	return slices.IndexFunc(c.Lessons, func(l *Lesson) bool { return l.ID == id })
}

// unwrapPathError drops the path from an error that repeats it.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
