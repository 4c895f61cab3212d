// Package prometheus renders a module's alerts and SLOs as Prometheus rules.
//
// Every module compiles to three files under <module>/:
//
//	rules.yaml           a plain rule file for Prometheus, Thanos and Mimir rulers
//	prometheusrule.yaml  the same groups in a monitoring.coreos.com/v1 PrometheusRule
//	rules_test.yaml      promtool unit tests proving every alert fires and stays quiet
//
// Rules are the IR's shared expressions (ir/promql.go) printed from the
// Prometheus parser's trees, so the text is canonical: what the user wrote
// is parsed, and what obsc writes itself is built as the tree its text
// parses to (under targets.SelfCheck its text is parsed too, and must
// print the same). Every record, label and annotation name is checked
// against what Prometheus 2.x accepts. A failed parse or check is an
// internal error: the IR was checked by compile
// (including every annotation template), so a bad rule here is a bug in
// this package. Under targets.SelfCheck (in every test) the rule file is
// also put through rulefmt, the loader Prometheus itself runs.
package prometheus

import (
	"bytes"
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

// ruleFile is the document of a plain Prometheus rule file, which is also
// the spec of the PrometheusRule: the two documents hold the very same
// groups, written once (yamlWriter.ruleFile).
type ruleFile struct {
	Groups []monitoringv1.RuleGroup `json:"groups"`
}

// promRule is a monitoringv1.PrometheusRule with the groups in the same
// type as the rule file's; the tests decode it strictly into the operator
// type. ruleFile and promRule are what encoding/json writes the documents
// from, which targets.SelfCheck compares with what obsc writes.
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

	d := newDerived(m)
	groups, err := newBuilder(d, p).groups()
	if err != nil {
		return nil, err
	}

	if err := checkNames(groups); err != nil {
		return nil, fmt.Errorf("internal error: module %s: generated %s is invalid: %w", m.Name, RulesFile, err)
	}
	header := targets.YAMLHeader(m.Name)

	// The groups are written once, as the rule file's document at column
	// 0, and indented as the spec of the PrometheusRule.
	w := yamlWriter{b: append(make([]byte, 0, len(header)+rulesSize(groups)), header...)}
	w.ruleFile(groups)
	rules, spec := w.b, w.b[len(header):]
	if err := selfCheck(m, rules, ruleFile{Groups: groups}); err != nil {
		return nil, err
	}
	if targets.SelfCheck {
		if err := validateRuleFile(rules, p); err != nil {
			return nil, fmt.Errorf("internal error: module %s: generated %s is invalid: %w", m.Name, RulesFile, err)
		}
	}

	pr := prometheusRule(m, groups)
	promRule, err := prometheusRuleYAML(pr, header, spec)
	if err != nil {
		return nil, err
	}
	if err := selfCheck(m, promRule, pr); err != nil {
		return nil, err
	}

	tf, err := newTestGen(d, p).file()
	if err != nil {
		return nil, err
	}
	w = yamlWriter{b: append(make([]byte, 0, 64<<10), header...), keys: w.keys}
	w.testFile(tf)
	if w.err != nil {
		return nil, fmt.Errorf("internal error: could not marshal %T: %w", tf, w.err)
	}
	tests := w.b
	if err := selfCheck(m, tests, tf); err != nil {
		return nil, err
	}
	if d.err != nil {
		return nil, d.err
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
func prometheusRule(m *ir.Module, groups []monitoringv1.RuleGroup) *promRule {
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

// rulesSize estimates the size of the rule file document, generously:
// its expressions, indented, and for every rule some 250 bytes of keys,
// labels and annotations.
func rulesSize(groups []monitoringv1.RuleGroup) int {
	n := 256
	for _, g := range groups {
		n += 64
		for _, r := range g.Rules {
			n += 250 + len(r.Expr.StrVal) + len(r.Expr.StrVal)/4
		}
	}
	return n
}

// prometheusRuleYAML writes pr behind header with spec, the rule file
// document, as its spec, indented. The small rest of the object is left
// to encoding/json and yamlx; spec is its last key.
func prometheusRuleYAML(pr *promRule, header, spec []byte) ([]byte, error) {
	meta, err := yamlx.Marshal(struct {
		metav1.TypeMeta   `json:",inline"`
		metav1.ObjectMeta `json:"metadata"`
	}{pr.TypeMeta, pr.ObjectMeta})
	if err != nil {
		return nil, fmt.Errorf("internal error: could not marshal %T: %w", pr, err)
	}
	out := make([]byte, 0, len(header)+len(meta)+len(spec)+len(spec)/4+16)
	out = append(out, header...)
	out = append(out, meta...)
	out = append(out, "spec:\n"...)
	return indentLines(out, spec), nil
}

// selfCheck checks, under targets.SelfCheck, that out, a document written
// as YAML behind the generated-file header, is what encoding/json's JSON
// of v, the same document, gives (marshal).
func selfCheck(m *ir.Module, out []byte, v any) error {
	if !targets.SelfCheck {
		return nil
	}
	want, err := marshal(m, v)
	if err != nil {
		return err
	}
	if !bytes.Equal(out, want) {
		return fmt.Errorf("internal error: module %s: %T written as\n%s\nnot as encoding/json writes it:\n%s", m.Name, v, out, want)
	}
	return nil
}

// marshal renders v as YAML behind the generated-file header, through
// encoding/json (the operator types' json tags).
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
	for _, g := range groups {
		for _, r := range g.Rules {
			if !validNames(r) {
				return namesError(groups)
			}
		}
	}
	return nil
}

// validNames reports whether the names of r are valid.
func validNames(r monitoringv1.Rule) bool {
	if r.Record != "" && !prommodel.LegacyValidation.IsValidMetricName(r.Record) {
		return false
	}
	for _, names := range []map[string]string{r.Labels, r.Annotations} {
		for n := range names {
			if !prommodel.LegacyValidation.IsValidLabelName(n) {
				return false
			}
		}
	}
	return true
}

// namesError lists the invalid names of groups, in order.
func namesError(groups []monitoringv1.RuleGroup) error {
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
