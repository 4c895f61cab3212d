// want: undefined: metrics.RouterRequest
package bad

import "example.com/gogentest/metrics"

// request is a port of http_server, not of router.
func use(m *metrics.Metrics) { m.CountMessage(metrics.RouterRequest, nil) }
