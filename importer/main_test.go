package importer

import (
	"os"
	"testing"

	"github.com/tinysystems/obsc/compile"
	"github.com/tinysystems/obsc/targets"
)

// TestMain turns compile.SelfCheck and targets.SelfCheck on: every module
// the importer writes is compiled by the fast path and by CUE, which must
// agree, and every file rendered from it goes through the real parsers.
func TestMain(m *testing.M) {
	compile.SelfCheck = true
	targets.SelfCheck = true
	os.Exit(m.Run())
}
