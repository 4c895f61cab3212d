// want: undefined: metrics.StatusTimeout
package bad

import "example.com/gogentest/metrics"

func use(m *metrics.Metrics) {
	m.TinysystemsMessagesTotal(metrics.RouterInput, metrics.StatusTimeout).Inc()
}
