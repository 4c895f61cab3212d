package compile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/cuecontext"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/load"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/pathx"
	"github.com/tinysystems/obsc/schema"
)

// MaxModuleDirs bounds how many module directories one invocation
// compiles, so a pattern rooted at / fails with a message instead of
// exhausting the machine.
const MaxModuleDirs = 20000

// Dirs expands patterns into module directories: "dir" is one module,
// "dir/..." every directory below dir (dir included) holding *.cue files
// (AllCached passes by those that hold shared CUE, not a module: see
// library and Result.Named).
// Directories named testdata or cue.mod and those starting with "." or "_"
// are skipped, as the go tool does. The result is sorted and unique.
func Dirs(patterns []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	add := func(d string) {
		d = filepath.Clean(d)
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	for _, p := range orDefault(patterns) {
		root, recursive := splitPattern(p)
		fi, err := os.Stat(root)
		if err != nil {
			return nil, fmt.Errorf("pattern %q: %w", p, err)
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("pattern %q: not a directory (give the module's directory)", p)
		}
		if !recursive {
			if !hasCUE(root) {
				return nil, fmt.Errorf("pattern %q: no .cue files in %s", p, root)
			}
			add(root)
			continue
		}
		n := len(out)
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if !d.IsDir() {
				// A directory holding a .cue file (what hasCUE asks) is
				// known from the walk's own listing: no second read.
				if strings.HasSuffix(name, ".cue") {
					add(filepath.Dir(path))
					if len(out) > MaxModuleDirs {
						return fmt.Errorf("more than %d module directories; narrow the pattern", MaxModuleDirs)
					}
				}
				return nil
			}
			if path != root && (name == "testdata" || name == "cue.mod" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("pattern %q: %w", p, err)
		}
		if len(out) == n {
			return nil, fmt.Errorf("pattern %q matched no module directories (none holds .cue files)", p)
		}
	}
	sort.Strings(out)
	return out, nil
}

// orDefault is patterns, or ./... when there are none.
func orDefault(patterns []string) []string {
	if len(patterns) == 0 {
		return []string{"./..."}
	}
	return patterns
}

// splitPattern splits a pattern into the directory it names and whether
// it is "dir/...", every directory below dir.
func splitPattern(p string) (root string, recursive bool) {
	root, recursive = strings.CutSuffix(filepath.ToSlash(p), "/...")
	if p == "..." {
		root, recursive = ".", true
	}
	if root == "" {
		root = "."
	}
	return root, recursive
}

func hasCUE(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".cue") {
			return true
		}
	}
	return false
}

// MaxFileSize bounds a module file; specs are hand-written and small.
const MaxFileSize = 4 << 20

// Compiler compiles module directories. It owns one CUE context and the
// schema compiled in it; a Compiler is not safe for concurrent use, so
// parallel builds use one per worker.
type Compiler struct {
	ctx    *cue.Context
	schema cue.Value
	// templates holds parseTemplate's outcome for the alert templates of
	// the modules compiled so far (see builder.template).
	templates map[string]error
	// moduleFree holds the directories known to have no cue.mod in them
	// or above them (see inModule): modules share their parents.
	moduleFree map[string]bool
	// planValues holds the schema values of the fast path's planCUE
	// parts, looked up in this Compiler's context.
	planValues map[*plan]cue.Value
	abs        pathx.Abs // the working directory when the Compiler was made
	// evaluated counts what this Compiler's CUE context evaluated: the
	// modules of the slow path, the parts of the fast one left to CUE.
	evaluated int
}

// NewCompiler returns a Compiler with the embedded schema compiled once.
func NewCompiler() (*Compiler, error) {
	ctx := cuecontext.New()
	def, err := schema.Module(ctx)
	if err != nil {
		return nil, err
	}
	return &Compiler{ctx: ctx, schema: def, templates: map[string]error{}, moduleFree: map[string]bool{}, abs: pathx.NewAbs()}, nil
}

// load reads the CUE package in dir and unifies it with #Module. It
// returns the user's own value (for positions) and the unified one.
func (c *Compiler) load(dir string) (user, unified cue.Value, errs Errors) {
	inst, _, errs := c.instance(dir, nil)
	if len(errs) > 0 {
		return user, unified, errs
	}
	return c.evaluate(inst)
}

// instance reads and parses the CUE package in dir, or given, its .cue
// files as the caller read them. plain reports that plainInstance built
// it: the module's files are all its source, with no import and no
// attribute, parsed by obsc. Given files that cue/load would have to read
// again (a CUE module) are not used: cue/load reads them.
func (c *Compiler) instance(dir string, given []SourceFile) (inst *build.Instance, plain bool, errs Errors) {
	abs, err := c.abs.Of(dir)
	if err != nil {
		return nil, false, Errors{Errorf(ir.Pos{File: dir}, "", "%v", err)}
	}
	files, errs := checkFiles(abs, given)
	if len(errs) > 0 {
		return nil, false, errs
	}
	if inst := c.plainInstance(abs, files); inst != nil {
		return inst, true, nil
	}
	inst, errs = loadInstance(abs)
	return inst, false, errs
}

// loadInstance loads the CUE package in dir with cue/load.
func loadInstance(dir string) (*build.Instance, Errors) {
	insts := load.Instances([]string{"."}, &load.Config{Dir: dir})
	if len(insts) != 1 {
		return nil, Errors{Errorf(ir.Pos{File: dir}, "", "expected one CUE package, found %d", len(insts))}
	}
	return insts[0], nil
}

// evaluate builds the instance and unifies it with #Module.
func (c *Compiler) evaluate(inst *build.Instance) (user, unified cue.Value, errs Errors) {
	c.evaluated++
	if inst.Err != nil {
		return user, unified, c.cueErrors(inst.Err, cue.Value{})
	}
	user = c.ctx.BuildInstance(inst)
	if err := user.Err(); err != nil {
		return user, unified, c.cueErrors(err, user)
	}
	unified = c.schema.Unify(user)
	if err := unified.Validate(cue.Concrete(true)); err != nil {
		return user, unified, c.cueErrors(err, user)
	}
	return user, unified, nil
}

// sourceFile is a .cue file of a module directory, read once for the
// checks and for building the instance.
type sourceFile struct {
	path    string // absolute
	data    []byte
	regular bool // a regular file, not a symbolic link or device
}

// SourceFile is a .cue file of a module directory as a caller read it
// (see AllCached): compiled as it is, not read again.
type SourceFile struct {
	Name    string // base name
	Data    []byte
	Regular bool // a regular file, not a symbolic link or device
}

// checkFiles refuses oversized and non-UTF-8 files before CUE reads them.
// It returns the files it read, or given, the directory's .cue files as
// the caller read them, checked the same way.
func checkFiles(dir string, given []SourceFile) ([]sourceFile, Errors) {
	type entry struct {
		name    string
		regular bool
		size    int64
		data    []byte // nil: read it
		err     error
	}
	var entries []entry
	if given != nil {
		for _, f := range given {
			entries = append(entries, entry{name: f.Name, regular: f.Regular, size: int64(len(f.Data)), data: f.Data})
		}
	} else {
		des, err := os.ReadDir(dir)
		if err != nil {
			return nil, Errors{Errorf(ir.Pos{File: dir}, "", "%v", err)}
		}
		for _, e := range des {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".cue") {
				continue
			}
			en := entry{name: e.Name(), regular: e.Type().IsRegular()}
			if info, err := e.Info(); err != nil {
				en.err = err
			} else {
				en.size = info.Size()
			}
			entries = append(entries, en)
		}
	}
	var files []sourceFile
	var errs Errors
	var pkg, pkgFile string
	for _, e := range entries {
		file := filepath.Join(dir, e.name)
		if e.err != nil {
			errs = append(errs, Errorf(ir.Pos{File: file, Line: 1, Col: 1}, "", "%v", e.err))
			continue
		}
		if e.size > MaxFileSize {
			errs = append(errs, Errorf(ir.Pos{File: file, Line: 1, Col: 1}, "split the module or move data out of it",
				"file is %d bytes, over the %d-byte limit for a module file", e.size, MaxFileSize))
			continue
		}
		data := e.data
		if data == nil {
			var err error
			if data, err = os.ReadFile(file); err != nil {
				errs = append(errs, Errorf(ir.Pos{File: file, Line: 1, Col: 1}, "", "%v", err))
				continue
			}
		}
		if line, col, ok := invalidUTF8(data); ok {
			errs = append(errs, Errorf(ir.Pos{File: file, Line: line, Col: col}, "save the file as UTF-8",
				"invalid UTF-8 byte %#02x", data[lineOffset(data, line)+col-1]))
			continue
		}
		files = append(files, sourceFile{path: file, data: data, regular: e.regular})
		// A file without a package clause, or of another package, makes
		// the CUE loader fail without a position.
		f, err := parser.ParseFile(file, data, parser.PackageClauseOnly)
		if err != nil {
			continue // a syntax error: CUE reports it with its position
		}
		switch name := f.PackageName(); {
		case name == "":
			errs = append(errs, Errorf(ir.Pos{File: file, Line: 1, Col: 1}, "start it with `package obs`",
				"file has no package clause; every file of a module belongs to one CUE package"))
		case pkg == "":
			pkg, pkgFile = name, e.name
		case name != pkg:
			pos := ir.Pos{File: file, Line: 1, Col: 1}
			for _, d := range f.Decls {
				if pc, ok := d.(*ast.Package); ok {
					pos = toPos(pc.Name.Pos())
				}
			}
			errs = append(errs, Errorf(pos, "one directory is one module: one CUE package",
				"package %s differs from package %s of %s", name, pkg, pkgFile))
		}
	}
	return files, errs
}

// plainInstance builds the CUE instance of a module directory without
// cue/load, which costs more than parsing the files. It does so only where
// loading is plain: no cue.mod in dir or above it (so no module, no
// dependencies and no files of parent directories to add), and only files
// cue/load would include (no names starting with "." or "_", no _test.cue
// or _tool.cue, no byte order mark), each parsing, with a package clause,
// without imports and without attributes (@if, @tag, @embed, …). For any
// other directory it returns nil: cue/load builds the instance and reports
// what is wrong with the files. The instance is named as cue/load names a
// package outside a module.
func (c *Compiler) plainInstance(dir string, files []sourceFile) *build.Instance {
	if len(files) == 0 || c.inModule(dir) {
		return nil
	}
	inst := build.NewContext().NewInstance(dir, nil)
	for _, f := range files {
		base := filepath.Base(f.path)
		if !f.regular || strings.HasPrefix(base, ".") || strings.HasPrefix(base, "_") ||
			strings.HasSuffix(base, "_test.cue") || strings.HasSuffix(base, "_tool.cue") ||
			bytes.HasPrefix(f.data, []byte("\uFEFF")) {
			return nil
		}
		syntax, err := parser.ParseFile(f.path, f.data)
		if err != nil || !plainSyntax(syntax, f.data) {
			return nil
		}
		if inst.AddSyntax(syntax) != nil {
			return nil
		}
	}
	if inst.Err != nil {
		return nil
	}
	inst.ImportPath = ":" + inst.PkgName
	inst.DisplayPath = "."
	inst.Root = dir
	return inst
}

// plainSyntax reports whether a parsed file has a package clause (not the
// anonymous package _), no imports and no attributes.
func plainSyntax(f *ast.File, data []byte) bool {
	if name := f.PackageName(); name == "" || name == "_" {
		return false
	}
	for range f.ImportSpecs() {
		return false
	}
	if bytes.IndexByte(data, '@') < 0 {
		return true // no attribute can hide in the file
	}
	plain := true
	ast.Walk(f, func(n ast.Node) bool {
		if _, ok := n.(*ast.Attribute); ok {
			plain = false
		}
		return plain
	}, nil)
	return plain
}

// inModule reports whether cue/load would look for a CUE module for dir:
// dir lies inside a cue.mod directory, or a cue.mod (a directory, or the
// legacy file) exists in dir or one of its parents. A cue.mod that cannot
// be checked counts as present.
func (c *Compiler) inModule(dir string) bool {
	if c.moduleFree[dir] {
		return false
	}
	if filepath.Base(dir) == "cue.mod" {
		return true
	}
	if _, err := os.Lstat(filepath.Join(dir, "cue.mod")); !errors.Is(err, fs.ErrNotExist) {
		return true
	}
	if parent := filepath.Dir(dir); parent != dir && c.inModule(parent) {
		return true
	}
	c.moduleFree[dir] = true
	return false
}

// invalidUTF8 finds the first byte of data that is not valid UTF-8 and
// returns its line and column (1-based, columns in bytes as CUE counts
// them). CUE itself accepts such bytes inside strings and comments, and
// they would end up in label values Prometheus refuses.
func invalidUTF8(data []byte) (line, col int, found bool) {
	if utf8.Valid(data) {
		return 0, 0, false
	}
	line, start := 1, 0
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return line, i - start + 1, true
		}
		if data[i] == '\n' {
			line, start = line+1, i+1
		}
		i += size
	}
	return 0, 0, false
}

// lineOffset is the byte offset at which 1-based line starts in data.
func lineOffset(data []byte, line int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return len(data)
		}
		off += i + 1
	}
	return off
}

// cueErrors converts CUE's errors into positioned obsc errors, blaming the
// user's files rather than the schema wherever CUE knows both.
func (c *Compiler) cueErrors(err error, user cue.Value) Errors {
	var out Errors
	conflicts := map[string]*conflict{}
	for _, e := range cueerrors.Errors(err) {
		format, args := e.Msg()
		msg := fmt.Sprintf(format, args...)
		path := fieldPath(e.Path())
		pos := userPos(e)
		hint := ""
		var related []ir.Pos
		switch {
		case strings.Contains(msg, "errors in empty disjunction"):
			continue // its parts follow, one per alternative
		case strings.HasPrefix(msg, "conflicting values") && len(args) == 2:
			// A disjunction fails with one conflict per alternative at
			// the same place: fold them into "x is not allowed".
			key := pos.String() + "|" + path
			pair := [2]string{fmt.Sprint(args[0]), fmt.Sprint(args[1])}
			if g, ok := conflicts[key]; ok {
				g.pairs = append(g.pairs, pair)
				continue
			}
			for _, p := range e.InputPositions() {
				if rp := toPos(p); rp.IsValid() && p.Filename() != schema.Filename && rp != pos {
					related = append(related, rp)
				}
			}
			g := &conflict{err: &Error{Pos: pos, Msg: path + ": " + msg, Related: related}, pairs: [][2]string{pair}}
			conflicts[key] = g
			out = append(out, g.err)
			continue
		case strings.HasPrefix(msg, "field not allowed") && len(e.Path()) > 0:
			p := e.Path()
			hint = suggestOrList(p[len(p)-1], c.allowedFields(p[:len(p)-1]))
			if hint != "" && !strings.HasPrefix(hint, "did you mean") {
				hint = "allowed fields: " + strings.TrimPrefix(hint, "must be ")
			}
			msg = "unknown field " + path
			path = ""
		case strings.HasPrefix(msg, "incomplete value"):
			// In a CUE module the schema may be a file of a parent
			// directory that the module embeds (README, "Editor
			// support"): a field only that file declares is one the
			// module left out, reported at the module's nearest field.
			kind := strings.TrimPrefix(msg, "incomplete value ")
			v := user.LookupPath(cue.ParsePath(strings.Join(quoteSels(e.Path()), ".")))
			if own := ownPos(user, v); user.Exists() && v.Exists() && own.IsValid() {
				msg = fmt.Sprintf("%s must be a concrete value, not %s", path, kind)
				if !pos.IsValid() || !inDir(pos, user) {
					pos = own
				}
			} else {
				msg = fmt.Sprintf("missing required field %s (%s)", path, kind)
				if !pos.IsValid() || !inDir(pos, user) {
					pos = nearestPos(user, e.Path())
				}
			}
			path = ""
		}
		if path != "" {
			msg = path + ": " + msg
		}
		out = append(out, &Error{Pos: pos, Msg: msg, Hint: hint, Related: related})
	}
	for _, g := range conflicts {
		g.fold()
	}
	return out.Sort()
}

// numberRange reports numbers that do not fit the Go types obsc decodes
// into (CUE numbers are arbitrary-precision; Decode would fail with
// "value was rounded down" and no position).
func numberRange(user, unified cue.Value) Errors {
	var errs Errors
	unified.Walk(func(v cue.Value) bool {
		if numberFits(v) {
			return true
		}
		sels := v.Path().Selectors()
		if len(sels) > 0 && sels[0].IsDefinition() {
			sels = sels[1:] // #Module
		}
		pos := ir.Pos{}
		for n := len(sels); n >= 0 && !pos.IsValid(); n-- {
			pos = toPos(user.LookupPath(cue.MakePath(sels[:n]...)).Pos())
		}
		kind := "a 64-bit integer"
		if v.Kind() == cue.FloatKind {
			kind = "a 64-bit float"
		}
		errs = append(errs, Errorf(pos, "", "%s: %v does not fit %s", cue.MakePath(sels...), v, kind))
		return true
	}, nil)
	return errs
}

// fieldPath renders a CUE error path without the #Module prefix.
func fieldPath(p []string) string {
	if len(p) > 0 && p[0] == "#Module" {
		p = p[1:]
	}
	return strings.Join(p, ".")
}

func quoteSels(p []string) []string {
	if len(p) > 0 && p[0] == "#Module" {
		p = p[1:]
	}
	out := make([]string, len(p))
	for i, s := range p {
		if isIdent(s) {
			out[i] = s
		} else {
			out[i] = fmt.Sprintf("%q", s)
		}
	}
	return out
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == '_' || r == '$' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9') {
			continue
		}
		return false
	}
	return true
}

// userPos picks the error's first position that lies in a user file.
func userPos(e cueerrors.Error) ir.Pos {
	cands := append([]token.Pos{e.Position()}, e.InputPositions()...)
	for _, p := range cands {
		if p.IsValid() && p.Filename() != schema.Filename {
			return toPos(p)
		}
	}
	return ir.Pos{}
}

// inDir reports whether pos lies in the directory of the package user
// was built from (true when that is not known).
func inDir(pos ir.Pos, user cue.Value) bool {
	inst := user.BuildInstance()
	if inst == nil || inst.Dir == "" {
		return true
	}
	return filepath.Dir(pos.File) == filepath.Clean(inst.Dir)
}

// nearestPos is the position of the closest ancestor of path the user
// wrote, for errors about fields they left out.
func nearestPos(user cue.Value, path []string) ir.Pos {
	sels := quoteSels(path)
	for i := len(sels) - 1; i >= 0; i-- {
		v := user.LookupPath(cue.ParsePath(strings.Join(sels[:i], ".")))
		if i == 0 {
			v = user
		}
		if p := ownPos(user, v); p.IsValid() {
			return p
		}
	}
	return ir.Pos{}
}

// ownPos is where the module's own files declare v: the position of v or
// of one of its conjuncts that lies in the module's directory (see inDir).
func ownPos(user, v cue.Value) ir.Pos {
	if !v.Exists() {
		return ir.Pos{}
	}
	cands := []cue.Value{v}
	if op, args := v.Expr(); op == cue.AndOp {
		cands = append(cands, args...) // the module's part and the schema's
	}
	for _, c := range cands {
		if p := toPos(c.Pos()); p.IsValid() && inDir(p, user) {
			return p
		}
	}
	return ir.Pos{}
}

// allowedFields lists the schema's fields at a (user) path.
func (c *Compiler) allowedFields(path []string) []string {
	v := c.schema
	for _, s := range path {
		if s == "#Module" {
			continue
		}
		next := v.LookupPath(cue.MakePath(cue.Str(s)))
		if !next.Exists() {
			next = v.LookupPath(cue.MakePath(cue.AnyString))
		}
		if !next.Exists() {
			return nil
		}
		v = next
	}
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		return nil
	}
	var out []string
	for it.Next() {
		out = append(out, it.Selector().Unquoted())
	}
	sort.Strings(out)
	return out
}

func toPos(p token.Pos) ir.Pos {
	if !p.IsValid() {
		return ir.Pos{}
	}
	return ir.Pos{File: p.Filename(), Line: p.Line(), Col: p.Column()}
}

// conflict collects CUE's "conflicting values" errors at one place.
type conflict struct {
	err   *Error
	pairs [][2]string
}

// fold turns the conflicts of a failed disjunction into one error naming
// the bad value (the one in every pair) and the allowed alternatives.
func (g *conflict) fold() {
	if len(g.pairs) < 2 {
		return
	}
	for _, bad := range g.pairs[0] {
		var allowed []string
		for _, p := range g.pairs {
			switch bad {
			case p[0]:
				allowed = append(allowed, p[1])
			case p[1]:
				allowed = append(allowed, p[0])
			}
		}
		if len(allowed) != len(g.pairs) {
			continue
		}
		path, _, _ := strings.Cut(g.err.Msg, ": ")
		g.err.Msg = fmt.Sprintf("%s: %s is not allowed", path, bad)
		g.err.Hint = "must be one of " + strings.Join(allowed, ", ")
		unq := make([]string, len(allowed))
		for i, a := range allowed {
			unq[i] = strings.Trim(a, `"`)
		}
		if h := suggest(strings.Trim(bad, `"`), unq); h != "" {
			g.err.Hint = h
		}
		return
	}
}
