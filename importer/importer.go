package importer

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tinysystems/obsc/compile"
	"github.com/tinysystems/obsc/compile/ir"
)

// ModuleFile is the file an imported module is written to, below the
// output directory.
const ModuleFile = "module.cue"

// ReadInputs reads the files named by args; a directory stands for every
// *.yaml and *.yml file below it, in lexical order.
func ReadInputs(args []string) ([]Input, error) {
	var out []Input
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			data, err := os.ReadFile(a)
			if err != nil {
				return nil, err
			}
			out = append(out, Input{Name: a, Data: data})
			continue
		}
		var files []string
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && p != a && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
		if len(files) == 0 {
			return nil, fmt.Errorf("%s: no .yaml or .yml files", a)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			out = append(out, Input{Name: f, Data: data})
		}
	}
	return out, nil
}

// Files renders every module as <name>/module.cue and proves each one
// compiles, in a temporary directory, before anything is written: an
// import whose output obsc would refuse is an error, reported against the
// generated file (path under outDir) so it can be read next to the input.
func Files(mods []*Module, outDir string) (map[string][]byte, compile.Errors, error) {
	out := map[string][]byte{}
	seen := map[string]string{}
	var cerrs compile.Errors
	tmp, err := os.MkdirTemp("", "obsc-import-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(tmp)
	c, err := compile.NewCompiler()
	if err != nil {
		return nil, nil, err
	}
	for _, m := range mods {
		if prev, dup := seen[m.Name]; dup {
			cerrs = append(cerrs, compile.Errorf(ir.Pos{File: strings.Join(m.Sources, ", ")}, "rename one of them",
				"module %s is also imported from %s", m.Name, prev))
			continue
		}
		seen[m.Name] = strings.Join(m.Sources, ", ")
		data, err := m.Render()
		if err != nil {
			return nil, nil, err
		}
		dir := filepath.Join(tmp, m.Name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, ModuleFile), data, 0o644); err != nil {
			return nil, nil, err
		}
		path := filepath.Join(outDir, m.Name, ModuleFile)
		if _, errs := c.Module(dir); len(errs) > 0 {
			for _, e := range errs {
				x := *e
				x.Pos.File = strings.Replace(x.Pos.File, filepath.Join(dir, ModuleFile), path, 1)
				x.Msg = "imported module does not compile: " + x.Msg
				cerrs = append(cerrs, &x)
			}
			continue
		}
		out[path] = data
	}
	if len(cerrs) > 0 {
		return nil, cerrs.Sort(), nil
	}
	return out, nil, nil
}
