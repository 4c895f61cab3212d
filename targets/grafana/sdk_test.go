//lint:file-ignore SA1019 the Foundation SDK deprecates its dashboard v1 types for dashboardv2; the sidecar and file provisioning load v1 JSON, which obsc writes

package grafana

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/gauge"
	"github.com/grafana/grafana-foundation-sdk/go/heatmap"
	"github.com/grafana/grafana-foundation-sdk/go/logs"
	"github.com/grafana/grafana-foundation-sdk/go/loki"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// No Grafana server runs here, so the SDK is the judge: the dashboard must
// decode strictly (no unknown, missing or mistyped field) into the SDK's
// dashboard.Dashboard, every panel's options and every query into the
// typed plugin structs, and encoding the decoded value again must give
// back the same bytes (nothing was lost or invented on the way).
func TestDashboardDecodesIntoSDK(t *testing.T) {
	// Panel options and queries decode into their plugin types only once
	// the plugins are registered.
	plugins.RegisterDefaultPlugins()

	for name, m := range fixtures() {
		t.Run(name, func(t *testing.T) {
			_, data := renderDashboard(t, m)

			// Strict decoding rejects unknown, missing and mistyped fields.
			var strict dashboard.Dashboard
			if err := sdkError(strict.UnmarshalJSONStrict(data)); err != nil {
				t.Fatalf("UnmarshalJSONStrict() error: %v", err)
			}

			// The strict decoder of v0.0.22 drops panels on the way (see
			// sdkError), so the typed checks and the round trip use the
			// ordinary decoder, which the SDK documents for dashboards.
			var d dashboard.Dashboard
			if err := json.Unmarshal(data, &d); err != nil {
				t.Fatalf("json.Unmarshal() error: %v", err)
			}
			if got, want := *d.Uid, m.Dashboard.UID; got != want {
				t.Errorf("uid = %q, want %q", got, want)
			}

			for _, pr := range d.Panels {
				if pr.RowPanel != nil {
					continue
				}
				p := pr.Panel
				if err := checkTyped(p); err != nil {
					t.Errorf("panel %q: %v", *p.Title, err)
				}
			}

			again, _, err := marshalJSON(d)
			if err != nil {
				t.Fatalf("marshalJSON() error: %v", err)
			}
			if diff := cmp.Diff(string(data), string(again)); diff != "" {
				t.Errorf("SDK round trip mismatch (-rendered +decoded and encoded):\n%s", diff)
			}
		})
	}
}

// sdkError filters the SDK's empty error: the strict decoders of v0.0.22
// (Dashboard, Panel) return their cog.BuildErrors even when the list is
// empty, a non-nil error holding a nil slice. PanelOrRowPanel then drops
// the panel it was decoding, so strict decoding can only find errors, not
// prove a decoded dashboard complete.
func sdkError(err error) error {
	var be cog.BuildErrors
	if errors.As(err, &be) && len(be) == 0 {
		return nil
	}
	return err
}

// checkTyped reports a panel whose options or queries did not decode into
// the SDK type of its plugin.
func checkTyped(p *dashboard.Panel) error {
	var ok bool
	switch p.Type {
	case "timeseries":
		_, ok = p.Options.(*timeseries.Options)
	case "stat":
		_, ok = p.Options.(*stat.Options)
	case "gauge":
		_, ok = p.Options.(*gauge.Options)
	case "heatmap":
		_, ok = p.Options.(*heatmap.Options)
	case "logs":
		_, ok = p.Options.(*logs.Options)
	case "table":
		_, ok = p.Options.(*table.Options)
	case "alertlist":
		// The SDK (v0.0.22) has no alertlist plugin: options stay generic.
		_, ok = p.Options.(map[string]any)
	default:
		return fmt.Errorf("unexpected panel type %q", p.Type)
	}
	if !ok {
		return fmt.Errorf("options decoded as %T", p.Options)
	}
	for _, q := range p.Targets {
		switch q.(type) {
		case *prometheus.Dataquery, *loki.Dataquery:
		default:
			return fmt.Errorf("query decoded as %T", q)
		}
	}
	return nil
}
