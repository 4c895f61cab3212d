// Command gen writes N realistic obsc modules, and Sloth specs for the very
// same SLOs, for the benchmark harness (see bench/README.md):
//
//	go run ./bench/gen -n 1000 -o /tmp/obsc-bench/1000
//
// writes <out>/modules/svc-NNNNN/module.cue and <out>/sloth/svc-NNNNN.yaml
// (see package corpus for what a module holds). With -edit I it rewrites
// only module I with one objective changed, for the incremental build.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/tinysystems/obsc/bench/corpus"
)

func main() {
	n := flag.Int("n", 100, "number of modules")
	out := flag.String("o", "", "output directory (required); modules/ and sloth/ are written below it")
	edit := flag.Int("edit", -1, "rewrite only module `I` with a changed objective and exit")
	revert := flag.Bool("revert", false, "with -edit: write module I as it was generated")
	flag.Parse()
	if *out == "" || *n < 1 {
		flag.Usage()
		os.Exit(2)
	}
	if *edit >= 0 {
		if err := corpus.Write(*out, *edit, !*revert); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		return
	}
	for i := range *n {
		if err := corpus.Write(*out, i, false); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
}
