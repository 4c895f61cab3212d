// want: cannot use "input" \(untyped string constant\) as "?[a-z./]*metrics"?.ComponentPort value
package bad

import "example.com/gogentest/metrics"

func use(m *metrics.Metrics) { m.CountMessage("input", nil) }
