package k8s

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/tinysystems/obsc/internal/yamlx"
	"github.com/tinysystems/obsc/targets"
)

// marshal renders obj as YAML behind the generated-file header of source.
//
// The Kubernetes API types marshal zero values that omitempty cannot drop:
// `creationTimestamp: null`, `selector: null`, `containers: null`,
// `strategy: {}`, `resources: {}`. In a strategic-merge patch a null is
// not harmless, it deletes the field from the patched object, so every
// null and every empty map or list is pruned before the YAML is written.
// Nothing obsc writes means anything by an empty value.
//
// sigs.k8s.io/yaml sorts keys, so the output is deterministic.
func marshal(source string, obj any) ([]byte, error) {
	j, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber() // keep integers as written
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	v = prune(v)
	if v == nil {
		return nil, fmt.Errorf("internal error: %T rendered empty", obj)
	}
	if j, err = json.Marshal(v); err != nil {
		return nil, err
	}
	y, err := yamlx.FromJSON(j) // sigs.k8s.io/yaml.JSONToYAML, faster
	if err != nil {
		return nil, err
	}
	return append(targets.YAMLHeader(source), y...), nil
}

// prune drops nulls and empty maps and lists, recursively; it returns nil
// when nothing is left of v.
func prune(v any) any {
	switch v := v.(type) {
	case nil:
		return nil
	case map[string]any:
		for k, x := range v {
			if p := prune(x); p == nil {
				delete(v, k)
			} else {
				v[k] = p
			}
		}
		if len(v) == 0 {
			return nil
		}
		return v
	case []any:
		out := v[:0]
		for _, x := range v {
			if p := prune(x); p != nil {
				out = append(out, p)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	default:
		return v
	}
}
