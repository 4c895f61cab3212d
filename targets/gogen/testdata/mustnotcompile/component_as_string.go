// want: cannot use "router" \(untyped string constant\) as "?[a-z./]*metrics"?.Component value
package bad

import "example.com/gogentest/metrics"

func use(m *metrics.Metrics) { m.TinysystemsActiveOperations("router").Inc() }
