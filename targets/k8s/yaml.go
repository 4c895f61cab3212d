package k8s

import (
	"encoding/json"
	"errors"
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
// null and every empty map or list is pruned (yamlx.FromJSONPruned)
// before the YAML is written. Nothing obsc writes means anything by an
// empty value.
//
// yamlx sorts keys, so the output is deterministic.
func marshal(source string, obj any) ([]byte, error) {
	j, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	y, err := yamlx.FromJSONPruned(j)
	if errors.Is(err, yamlx.ErrEmpty) {
		return nil, fmt.Errorf("internal error: %T rendered empty", obj)
	}
	if err != nil {
		return nil, err
	}
	return append(targets.YAMLHeader(source), y...), nil
}
