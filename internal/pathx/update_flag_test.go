package pathx

import "flag"

// -update is accepted so `go test ./... -update` (make golden) runs here
// too; this package has no golden files to rewrite.
var _ = flag.Bool("update", false, "no golden files in this package")
