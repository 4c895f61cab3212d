package compile

import (
	"encoding/json"
	"fmt"
	"testing"
)

func TestSmoke(t *testing.T) {
	c, err := NewCompiler()
	if err != nil {
		t.Fatal(err)
	}
	m, errs := c.Module("../examples/http-module")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	out, _ := json.MarshalIndent(m, "", " ")
	fmt.Println(string(out))
}
