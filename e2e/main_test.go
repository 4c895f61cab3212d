package e2e

import (
	"os"
	"testing"

	"github.com/tinysystems/obsc/compile"
	"github.com/tinysystems/obsc/targets"
)

// TestMain turns targets.SelfCheck on: every file the tests render is put
// through the real parsers.
func TestMain(m *testing.M) {
	targets.SelfCheck = true
	compile.SelfCheck = true
	os.Exit(m.Run())
}
