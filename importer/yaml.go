package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	prommodel "github.com/prometheus/common/model"
	yaml "go.yaml.in/yaml/v3"

	"github.com/tinysystems/obsc/compile"
	"github.com/tinysystems/obsc/compile/ir"
)

// node is a YAML node and the file it came from, so every value read from
// it can be blamed at file:line:col.
type node struct {
	n    *yaml.Node
	file string
}

// documents parses every YAML document of a file.
func documents(file string, data []byte) ([]node, compile.Errors) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []node
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, compile.Errors{compile.Errorf(yamlErrPos(file, err), "", "invalid YAML: %s", yamlErrMsg(err))}
		}
		if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
			if c := n.Content[0]; c.Kind == yaml.ScalarNode && c.Tag == "!!null" {
				continue // an empty document between separators
			}
			out = append(out, node{n: n.Content[0], file: file})
		}
	}
	return out, nil
}

// yamlErrPos extracts "line N" from a yaml.v3 error.
func yamlErrPos(file string, err error) ir.Pos {
	var line int
	msg := err.Error()
	for i := 0; i+5 < len(msg); i++ {
		if msg[i:i+5] == "line " {
			j := i + 5
			for j < len(msg) && msg[j] >= '0' && msg[j] <= '9' {
				j++
			}
			if n, e := strconv.Atoi(msg[i+5 : j]); e == nil {
				line = n
				break
			}
		}
	}
	return ir.Pos{File: file, Line: max(line, 1), Col: 1}
}

func yamlErrMsg(err error) string {
	msg := err.Error()
	if len(msg) > 6 && msg[:6] == "yaml: " {
		msg = msg[6:]
	}
	return msg
}

func (n node) pos() ir.Pos {
	if n.n == nil {
		return ir.Pos{File: n.file, Line: 1, Col: 1}
	}
	return ir.Pos{File: n.file, Line: n.n.Line, Col: n.n.Column}
}

func (n node) ok() bool { return n.n != nil }

// get looks up the first of keys present in a mapping; it returns a node
// without value (ok() false) when none is.
func (n node) get(keys ...string) node {
	if n.n == nil || n.n.Kind != yaml.MappingNode {
		return node{file: n.file}
	}
	for _, k := range keys {
		for i := 0; i+1 < len(n.n.Content); i += 2 {
			if n.n.Content[i].Value == k {
				v := n.n.Content[i+1]
				if v.Kind == yaml.AliasNode {
					v = v.Alias
				}
				return node{n: v, file: n.file}
			}
		}
	}
	return node{file: n.file}
}

// items returns a sequence's elements.
func (n node) items() []node {
	if n.n == nil || n.n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]node, len(n.n.Content))
	for i, c := range n.n.Content {
		out[i] = node{n: c, file: n.file}
	}
	return out
}

// entries returns a mapping's keys and values in order.
func (n node) entries() (keys []node, values []node) {
	if n.n == nil || n.n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.n.Content); i += 2 {
		keys = append(keys, node{n: n.n.Content[i], file: n.file})
		values = append(values, node{n: n.n.Content[i+1], file: n.file})
	}
	return keys, values
}

func (n node) isScalar() bool { return n.n != nil && n.n.Kind == yaml.ScalarNode }
func (n node) isMap() bool    { return n.n != nil && n.n.Kind == yaml.MappingNode }
func (n node) isSeq() bool    { return n.n != nil && n.n.Kind == yaml.SequenceNode }

// errs collects positioned errors while reading one input.
type errs struct{ list compile.Errors }

func (e *errs) at(n node, hint, format string, args ...any) {
	e.list = append(e.list, compile.Errorf(n.pos(), hint, format, args...))
}

// duration is the optional duration field of r, as written; one that is
// not a Prometheus duration is an error naming example.
func (e *errs) duration(r node, field, example string) string {
	f := e.str(r.get(field), field, false, r)
	if _, err := prommodel.ParseDuration(f); f != "" && err != nil {
		e.at(r.get(field), fmt.Sprintf("use a Prometheus duration such as %q", example), "%q is not a duration", f)
	}
	return f
}

// str reads a scalar string; a missing optional field is "".
func (e *errs) str(n node, field string, required bool, parent node) string {
	if !n.ok() {
		if required {
			e.at(parent, "", "field '%s' must be set", field)
		}
		return ""
	}
	if !n.isScalar() {
		e.at(n, "", "field '%s' must be a string", field)
		return ""
	}
	return n.n.Value
}

// num reads a scalar number.
func (e *errs) num(n node, field string, required bool, parent node) (float64, bool) {
	if !n.ok() {
		if required {
			e.at(parent, "", "field '%s' must be set", field)
		}
		return 0, false
	}
	f, err := strconv.ParseFloat(n.n.Value, 64)
	if !n.isScalar() || err != nil {
		e.at(n, "", "field '%s' must be a number, not %q", field, n.n.Value)
		return 0, false
	}
	return f, true
}

// boolean reads a scalar bool (default false).
func (e *errs) boolean(n node, field string) bool {
	if !n.ok() {
		return false
	}
	b, err := strconv.ParseBool(n.n.Value)
	if !n.isScalar() || err != nil {
		e.at(n, "", "field '%s' must be true or false", field)
		return false
	}
	return b
}

// strMap reads a mapping of strings.
func (e *errs) strMap(n node, field string) map[string]string {
	if !n.ok() {
		return nil
	}
	if !n.isMap() {
		e.at(n, "", "field '%s' must be a mapping of strings", field)
		return nil
	}
	out := map[string]string{}
	ks, vs := n.entries()
	for i := range ks {
		if !vs[i].isScalar() {
			e.at(vs[i], "", "%s.%s must be a string", field, ks[i].n.Value)
			continue
		}
		out[ks[i].n.Value] = vs[i].n.Value
	}
	return out
}

func describe(n node) string {
	if n.n == nil {
		return "nothing"
	}
	switch n.n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", n.n.Value)
}
