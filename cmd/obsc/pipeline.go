package main

import (
	"fmt"

	"github.com/tinysystems/obsc/compile"
	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/targets"
	"github.com/tinysystems/obsc/targets/grafana"
	"github.com/tinysystems/obsc/targets/k8s"
	"github.com/tinysystems/obsc/targets/prometheus"
)

// renderers are the targets every module is rendered with.
var renderers = []struct {
	name   string
	render func(*ir.Module) (targets.FileSet, error)
}{
	{"kubernetes", k8s.Render},
	{"prometheus", prometheus.Render},
	{"grafana", grafana.Render},
}

// compileAll expands patterns and compiles every module. It prints errors
// itself and returns nil modules when there were any.
func (c *cli) compileAll(patterns []string) ([]*ir.Module, bool) {
	dirs, err := compile.Dirs(patterns)
	if err != nil {
		fmt.Fprintln(c.stderr, "obsc:", err)
		return nil, false
	}
	res, err := compile.All(dirs)
	if err != nil {
		fmt.Fprintln(c.stderr, "obsc:", err)
		return nil, false
	}
	if len(res.Errors) > 0 {
		for _, e := range res.Errors.Relative(c.cwd) {
			fmt.Fprintln(c.stderr, e.Error())
		}
		fmt.Fprintf(c.stderr, "obsc: %d error(s); nothing written\n", len(res.Errors))
		return nil, false
	}
	return res.Modules, true
}

// render renders every module with every target, all in memory, so a
// failure anywhere writes nothing.
func render(mods []*ir.Module) (targets.FileSet, error) {
	all := targets.FileSet{}
	for _, m := range mods {
		for _, r := range renderers {
			fs, err := r.render(m)
			if err != nil {
				return nil, fmt.Errorf("module %s: %s target: %w", m.Name, r.name, err)
			}
			if err := all.Merge(fs); err != nil {
				return nil, err
			}
		}
	}
	root, err := k8s.RenderRoot(mods)
	if err != nil {
		return nil, err
	}
	if err := all.Merge(root); err != nil {
		return nil, err
	}
	return all, nil
}
