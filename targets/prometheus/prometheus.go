// Package prometheus renders a module's alerts and SLOs as Prometheus rules.
//
// Every module compiles to three files under <module>/:
//
//	rules.yaml           a plain rule file for Prometheus, Thanos and Mimir rulers
//	prometheusrule.yaml  the same groups in a monitoring.coreos.com/v1 PrometheusRule
//	rules_test.yaml      promtool unit tests proving every alert fires and stays quiet
//
// Rules are built from the IR's shared expression builders (ir/promql.go), put
// through the Prometheus parser and printed back, so the text is canonical and
// is known to parse before it is written, and every record, label and
// annotation name is checked against what Prometheus 2.x accepts. A failure
// of either check is an internal error: the IR was checked by compile
// (including every annotation template), so a bad rule here is a bug in
// this package. Under targets.SelfCheck (in every test) the rule file is
// also put through rulefmt, the loader Prometheus itself runs.
package prometheus

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	prommodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	promparser "github.com/prometheus/prometheus/promql/parser"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/yamlx"
	"github.com/tinysystems/obsc/targets"
)

// Output file names, relative to the module directory.
const (
	RulesFile          = "rules.yaml"
	PrometheusRuleFile = "prometheusrule.yaml"
	RulesTestFile      = "rules_test.yaml"
)

// ruleFile is the document of a plain Prometheus rule file. Its groups are
// the operator's RuleGroups, marshalled once (json.RawMessage) into both
// documents, so the rule file and the PrometheusRule hold the very same
// values.
type ruleFile struct {
	Groups json.RawMessage `json:"groups"`
}

// promRule is a monitoringv1.PrometheusRule whose spec holds the groups
// already marshalled; the tests decode it strictly into the operator type.
type promRule struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              ruleFile `json:"spec"`
}

// Render returns the rule file, the PrometheusRule and the promtool unit tests
// of m, under <m.Name>/.
func Render(m *ir.Module) (targets.FileSet, error) {
	if m == nil || m.Name == "" {
		return nil, fmt.Errorf("internal error: module without a name")
	}
	p := promparser.NewParser(promparser.Options{})

	groups, err := newBuilder(m, p).groups()
	if err != nil {
		return nil, err
	}

	if err := checkNames(groups); err != nil {
		return nil, fmt.Errorf("internal error: module %s: generated %s is invalid: %w", m.Name, RulesFile, err)
	}
	groupsJSON, err := json.Marshal(groups)
	if err != nil {
		return nil, fmt.Errorf("internal error: could not marshal rule groups: %w", err)
	}
	rules, err := marshal(m, ruleFile{Groups: groupsJSON})
	if err != nil {
		return nil, err
	}
	if targets.SelfCheck {
		if err := validateRuleFile(rules, p); err != nil {
			return nil, fmt.Errorf("internal error: module %s: generated %s is invalid: %w", m.Name, RulesFile, err)
		}
	}

	promRule, err := marshal(m, prometheusRule(m, groupsJSON))
	if err != nil {
		return nil, err
	}

	tf, err := newTestGen(m, p).file()
	if err != nil {
		return nil, err
	}
	tests, err := marshal(m, tf)
	if err != nil {
		return nil, err
	}

	fs := targets.FileSet{}
	for _, f := range []struct {
		name string
		data []byte
	}{
		{PrometheusRuleFile, promRule},
		{RulesFile, rules},
		{RulesTestFile, tests},
	} {
		if err := fs.Add(path.Join(m.Name, f.name), f.data); err != nil {
			return nil, err
		}
	}
	return fs, nil
}

// prometheusRule wraps the groups in a PrometheusRule named after the module.
// Labels: module.labels, then kubernetes.ruleLabels (the Prometheus rule
// selector usually keys on these), then the managed-by label, which always
// wins because it is how obsc recognises its objects.
func prometheusRule(m *ir.Module, groups json.RawMessage) *promRule {
	labels := m.ObjectLabelsWith(m.Kubernetes.RuleLabels)
	return &promRule{
		TypeMeta: metav1.TypeMeta{
			APIVersion: monitoringv1.SchemeGroupVersion.String(),
			Kind:       monitoringv1.PrometheusRuleKind,
		},
		ObjectMeta: metav1.ObjectMeta{
			Name:      m.Name,
			Namespace: m.Namespace,
			Labels:    labels,
		},
		Spec: ruleFile{Groups: groups},
	}
}

// marshal renders v as YAML behind the generated-file header. yamlx goes
// through v's JSON (the operator types' json tags), with every mapping's
// keys sorted, so the layout is stable.
func marshal(m *ir.Module, v any) ([]byte, error) {
	b, err := yamlx.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("internal error: could not marshal %T: %w", v, err)
	}
	return append(targets.YAMLHeader(m.Name), b...), nil
}

// validateRuleFile runs the checks Prometheus runs when it loads a rule
// file: strict YAML fields, legacy metric and label names (what the 2.x
// servers and promtool accept), PromQL and annotation templates.
func validateRuleFile(content []byte, p promparser.Parser) error {
	_, errs := rulefmt.Parse(content, false, prommodel.LegacyValidation, p, slog.New(slog.DiscardHandler))
	return errors.Join(errs...)
}

// checkNames checks what rulefmt would check of the names in groups:
// record names are metric names, label and annotation names are label
// names, in the legacy charset Prometheus 2.x servers and promtool accept.
func checkNames(groups []monitoringv1.RuleGroup) error {
	var errs []error
	for _, g := range groups {
		for _, r := range g.Rules {
			if r.Record != "" && !prommodel.LegacyValidation.IsValidMetricName(r.Record) {
				errs = append(errs, fmt.Errorf("group %s: invalid recording rule name %q", g.Name, r.Record))
			}
			for _, kind := range []struct {
				what  string
				names map[string]string
			}{{"label", r.Labels}, {"annotation", r.Annotations}} {
				for _, n := range ir.SortedKeys(kind.names) {
					if !prommodel.LegacyValidation.IsValidLabelName(n) {
						errs = append(errs, fmt.Errorf("group %s: rule %s%s: invalid %s name %q", g.Name, r.Alert, r.Record, kind.what, n))
					}
				}
			}
		}
	}
	return errors.Join(errs...)
}
