package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/pflag"

	"github.com/tinysystems/obsc/compile"
	"github.com/tinysystems/obsc/importer"
)

// importers are the formats `obsc import` reads.
var importers = map[string]func([]importer.Input) ([]*importer.Module, compile.Errors){
	"sloth":   importer.Sloth,
	"openslo": importer.OpenSLO,
	"rules":   importer.Rules,
}

// newImportCmd writes one module directory per imported service: Sloth
// specs, OpenSLO documents or Prometheus rule files in, module.cue out.
// Every module is compiled before anything is written; on any error
// nothing is.
func newImportCmd(c *cli) *command {
	fs := pflag.NewFlagSet("import", pflag.ContinueOnError)
	out := fs.StringP("out", "o", ".", "directory to write <module>/module.cue under")
	force := fs.Bool("force", false, "overwrite an existing module.cue")
	cmd := &command{name: "import", args: "sloth|openslo|rules [-o DIR] FILE|DIR...", short: "write module.cue files from Sloth, OpenSLO or Prometheus rule files", flags: fs}
	cmd.run = func(args []string) int {
		if len(args) < 2 {
			return c.usageErr("import", "want a format (sloth, openslo or rules) and at least one FILE or DIR")
		}
		imp, ok := importers[args[0]]
		if !ok {
			return c.usageErr("import", "unknown format %q: want sloth, openslo or rules", args[0])
		}
		inputs, err := importer.ReadInputs(args[1:])
		if err != nil {
			fmt.Fprintln(c.stderr, "obsc:", err)
			return exitFail
		}
		mods, errs := imp(inputs)
		if len(errs) == 0 {
			var files map[string][]byte
			files, errs, err = importer.Files(mods, *out)
			if err != nil {
				fmt.Fprintln(c.stderr, "obsc:", err)
				return exitFail
			}
			if len(errs) == 0 {
				return c.writeImport(files, *force)
			}
		}
		for _, e := range errs.Relative(c.cwd) {
			fmt.Fprintln(c.stderr, e.Error())
		}
		fmt.Fprintf(c.stderr, "obsc: %s; nothing written\n", count(len(errs), "error"))
		return exitFail
	}
	return cmd
}

func (c *cli) writeImport(files map[string][]byte, force bool) int {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	if !force {
		var exist []string
		for _, p := range paths {
			if _, err := os.Stat(p); err == nil {
				exist = append(exist, p)
			}
		}
		if len(exist) > 0 {
			for _, p := range exist {
				fmt.Fprintf(c.stderr, "obsc: %s exists; pass --force to overwrite it\n", filepath.ToSlash(compile.RelPath(c.cwd, abs(p))))
			}
			fmt.Fprintln(c.stderr, "obsc: nothing written")
			return exitFail
		}
	}
	for _, p := range paths {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			fmt.Fprintln(c.stderr, "obsc:", err)
			return exitFail
		}
		if err := os.WriteFile(p, files[p], 0o644); err != nil {
			fmt.Fprintln(c.stderr, "obsc:", err)
			return exitFail
		}
		fmt.Fprintf(c.stderr, "obsc: wrote %s\n", compile.RelPath(c.cwd, abs(p)))
	}
	fmt.Fprintf(c.stderr, "obsc: imported %s; run obsc check on them, then resolve the TODO(import) markers\n", count(len(paths), "module"))
	return exitOK
}

func abs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
