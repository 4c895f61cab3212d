// want: cannot use "sucess" \(untyped string constant\) as "?[a-z./]*metrics"?.Status value
package bad

import "example.com/gogentest/metrics"

func use(m *metrics.Metrics) { m.TinysystemsMessagesTotal(metrics.RouterInput, "sucess").Inc() }
