package k8s

import (
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tinysystems/obsc/compile/ir"
)

// monitor renders the ServiceMonitor, or the PodMonitor in podMonitor mode.
func monitor(m *ir.Module) ([]byte, error) {
	if m.Scrape.Mode == ir.ScrapePodMonitor {
		return render(m.Name, podMonitor(m))
	}
	return render(m.Name, serviceMonitor(m))
}

func serviceMonitor(m *ir.Module) *monitoringv1.ServiceMonitor {
	return &monitoringv1.ServiceMonitor{
		TypeMeta: metav1.TypeMeta{
			APIVersion: monitoringv1.SchemeGroupVersion.String(),
			Kind:       monitoringv1.ServiceMonitorsKind,
		},
		ObjectMeta: monitorMeta(m),
		Spec: monitoringv1.ServiceMonitorSpec{
			Selector: selector(m),
			Endpoints: []monitoringv1.Endpoint{{
				Port:           m.Scrape.Port,
				Path:           m.Scrape.Path,
				Interval:       interval(m),
				RelabelConfigs: moduleRelabeling(m),
			}},
		},
	}
}

func podMonitor(m *ir.Module) *monitoringv1.PodMonitor {
	port := m.Scrape.Port
	return &monitoringv1.PodMonitor{
		TypeMeta: metav1.TypeMeta{
			APIVersion: monitoringv1.SchemeGroupVersion.String(),
			Kind:       monitoringv1.PodMonitorsKind,
		},
		ObjectMeta: monitorMeta(m),
		Spec: monitoringv1.PodMonitorSpec{
			Selector: selector(m),
			PodMetricsEndpoints: []monitoringv1.PodMetricsEndpoint{{
				Port:           &port,
				Path:           m.Scrape.Path,
				Interval:       interval(m),
				RelabelConfigs: moduleRelabeling(m),
			}},
		},
	}
}

func monitorMeta(m *ir.Module) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name:      m.Name,
		Namespace: m.Namespace,
		Labels:    m.ObjectLabelsWith(m.Kubernetes.MonitorLabels),
	}
}

func selector(m *ir.Module) metav1.LabelSelector {
	labels := make(map[string]string, len(m.Scrape.Selector))
	for k, v := range m.Scrape.Selector {
		labels[k] = v
	}
	return metav1.LabelSelector{MatchLabels: labels}
}

// interval is the scrape interval; zero leaves Prometheus' default.
func interval(m *ir.Module) monitoringv1.Duration {
	if m.Scrape.Interval <= 0 {
		return ""
	}
	return monitoringv1.Duration(ir.FormatDuration(m.Scrape.Interval))
}

// moduleRelabeling attaches module="<name>" to every scraped series: every
// generated rule and dashboard query selects on it (ir.Module.ModuleMatcher).
// A replace action without source labels matches the empty source value
// with the default regex (.*) and writes the replacement.
func moduleRelabeling(m *ir.Module) []monitoringv1.RelabelConfig {
	name := m.Name
	return []monitoringv1.RelabelConfig{{
		Action:      "replace",
		TargetLabel: ir.LabelModule,
		Replacement: &name,
	}}
}
