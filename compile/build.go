package compile

import (
	"fmt"
	"math"
	"net/url"
	"sort"
	"strings"
	"time"

	prommodel "github.com/prometheus/common/model"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/tinysystems/obsc/compile/ir"
)

// build runs every check and assembles the IR. It keeps going after an
// error so one run reports every problem of the module.
func (b *builder) build() *ir.Module {
	s := b.spec
	m := &ir.Module{
		Name:         s.Module.Name,
		Namespace:    s.Module.Namespace,
		Team:         s.Module.Team,
		RunbookBase:  s.Module.RunbookBase,
		ObjectLabels: s.Module.Labels,
		Pos:          b.at("module", "name"),
	}
	b.m = m
	b.moduleMeta()
	b.scrape()
	b.labels()
	b.metrics()
	b.cardinality()
	b.external()
	b.slos()
	b.alerts()
	b.probes()
	b.dashboard()
	b.kubernetes()
	return m
}

func (b *builder) moduleMeta() {
	s, m := b.spec, b.m
	if len(validation.IsDNS1123Label(m.Name)) > 0 {
		b.errorf(b.at("module", "name"), dnsHint(m.Name), "module name %q is not a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)", m.Name)
	}
	if len(validation.IsDNS1123Label(m.Namespace)) > 0 {
		b.errorf(b.at("module", "namespace"), dnsHint(m.Namespace), "namespace %q is not a DNS-1123 label", m.Namespace)
	}
	if s.Module.Team != "" {
		b.labelValue(b.at("module", "team"), "team", s.Module.Team)
	}
	if rb := s.Module.RunbookBase; rb != "" {
		u, err := url.Parse(rb)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" {
			b.errorf(b.at("module", "runbookBase"), `e.g. "https://runbooks.example.com/my-module" (obsc appends "#<alert>")`,
				"runbookBase %q is not an http(s) URL without a fragment", rb)
		}
	}
	b.k8sLabels(m.ObjectLabels, "module", "labels")
}

// dnsHint proposes a DNS-1123 spelling of s.
func dnsHint(s string) string {
	var out []rune
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			out = append(out, r)
		case r == '-' || r == '_' || r == '.' || r == ' ':
			out = append(out, '-')
		}
	}
	fixed := strings.Trim(string(out), "-")
	if len(fixed) > 63 {
		fixed = strings.Trim(fixed[:63], "-")
	}
	if fixed == "" || fixed == s {
		return ""
	}
	return fmt.Sprintf("did you mean %q?", fixed)
}

// k8sLabels checks a map of Kubernetes labels at path.
func (b *builder) k8sLabels(labels map[string]string, path ...any) {
	for _, k := range ir.SortedKeys(labels) {
		p := append(append([]any{}, path...), k)
		if errs := validation.IsQualifiedName(k); len(errs) > 0 {
			b.errorf(b.src.keyPos(p...), "", "%q is not a valid Kubernetes label key: %s", k, firstSentence(errs[0]))
		}
		if errs := validation.IsValidLabelValue(labels[k]); len(errs) > 0 {
			b.errorf(b.at(p...), "", "%q is not a valid Kubernetes label value for %s: %s", labels[k], k, firstSentence(errs[0]))
		}
	}
}

// firstSentence trims apimachinery's validation messages before their
// examples and regexp.
func firstSentence(s string) string {
	if i := strings.Index(s, " (e.g."); i > 0 {
		return s[:i]
	}
	return s
}

// duration parses a Prometheus duration at path; ok is false after an error.
func (b *builder) duration(text string, path ...any) (time.Duration, bool) {
	d, err := prommodel.ParseDuration(text)
	if err != nil {
		b.errorf(b.at(path...), `use a Prometheus duration such as "30s", "5m", "1h" or "30d"`, "%q is not a duration", text)
		return 0, false
	}
	if d <= 0 {
		b.errorf(b.at(path...), "", "duration %q must be positive", text)
		return 0, false
	}
	return time.Duration(d), true
}

func (b *builder) port(n int64, path ...any) int {
	if n < 1 || n > 65535 {
		b.errorf(b.at(path...), "", "port %d is out of range: must be 1..65535", n)
		return 0
	}
	return int(n)
}

func (b *builder) httpPath(p string, path ...any) {
	if !strings.HasPrefix(p, "/") {
		b.errorf(b.at(path...), fmt.Sprintf("did you mean %q?", "/"+p), "path %q must be absolute", p)
	} else if strings.ContainsAny(p, " \t\n?#") {
		b.errorf(b.at(path...), "", "path %q must not contain spaces, a query or a fragment", p)
	}
}

func (b *builder) scrape() {
	s, m := b.spec.Scrape, b.m
	sel := s.Selector
	if len(sel) == 0 {
		b.errorf(b.at("scrape", "selector"), fmt.Sprintf("e.g. selector: {app: %q}", m.Name), "scrape.selector must match at least one label")
	}
	b.k8sLabels(sel, "scrape", "selector")
	if errs := validation.IsValidPortName(s.Port); len(errs) > 0 {
		b.errorf(b.at("scrape", "port"), "", "scrape.port %q is not a valid port name: %s", s.Port, errs[0])
	}
	interval, _ := b.duration(s.Interval, "scrape", "interval")
	b.httpPath(s.Path, "scrape", "path")
	m.Scrape = ir.Scrape{
		Selector:   sel,
		Port:       s.Port,
		PortNumber: b.port(s.PortNumber, "scrape", "portNumber"),
		Path:       s.Path,
		Interval:   interval,
		Mode:       s.Mode,
	}
	// Threshold alerts rate over max(5m, 4 x interval), whole minutes.
	w := max(5*time.Minute, 4*interval)
	m.RateWindow = (w + time.Minute - 1) / time.Minute * time.Minute
}

// labels declares the standard labels and the user's, checking bounds.
func (b *builder) labels() {
	s, m := b.spec, b.m
	decl := map[string]*ir.Label{}
	if st := s.Standard; st != nil {
		pos := b.at("standard")
		comps := ir.SortedKeys(st.Components)
		if len(comps) == 0 {
			b.errorf(b.at("standard", "components"), `e.g. components: {router: ports: ["input", "output"]}`, "standard.components must declare at least one component")
		}
		std := &ir.Standard{Prefix: st.Prefix}
		portSet := map[string]bool{}
		for _, c := range comps {
			ports := st.Components[c].Ports
			if len(ports) == 0 {
				b.errorf(b.at("standard", "components", c, "ports"), "", "component %q must declare at least one port", c)
			}
			seen := map[string]bool{}
			for i, p := range ports {
				if p == "" || seen[p] {
					b.errorf(b.at("standard", "components", c, "ports", i), "", "port %q of component %q is empty or declared twice", p, c)
				}
				seen[p] = true
				portSet[p] = true
			}
			std.Components = append(std.Components, ir.Component{Name: c, Ports: ports})
		}
		if st.ErrorTypes < 1 || st.ErrorTypes > maxLabelValues {
			b.errorf(b.at("standard", "errorTypes"), "", "standard.errorTypes must be 1..%d, got %d", maxLabelValues, st.ErrorTypes)
		}
		m.Standard = std
		decl["component"] = &ir.Label{Name: "component", Values: comps, Pos: pos}
		decl["port"] = &ir.Label{Name: "port", Values: ir.SortedKeys(portSet), Pos: pos}
		decl["status"] = &ir.Label{Name: "status", Values: []string{"success", "error"}, Pos: pos}
		decl["error_type"] = &ir.Label{Name: "error_type", MaxValues: int(st.ErrorTypes), Pos: pos}
	}
	for _, name := range ir.SortedKeys(s.Labels) {
		ls := s.Labels[name]
		pos := b.at("labels", name)
		l := &ir.Label{Name: name, Values: ls.Values, Pos: pos}
		if ls.Allow != nil {
			l.Allow = *ls.Allow
		}
		b.labelName(pos, name)
		b.labelAllow(pos, name, ls.Allow)
		switch {
		case ls.Values != nil && ls.MaxValues != nil:
			b.errorf(pos, "keep values when they are known, maxValues when they are not", "label %s declares both values and maxValues", name)
		case ls.Values != nil:
			if len(ls.Values) == 0 {
				b.errorf(b.at("labels", name, "values"), "", "label %s declares an empty value set", name)
			}
			if len(ls.Values) > maxLabelValues {
				b.errorf(b.at("labels", name, "values"), "", "label %s declares %d values, over the limit of %d", name, len(ls.Values), maxLabelValues)
			}
			seen := map[string]bool{}
			for i, v := range ls.Values {
				if seen[v] {
					b.errorf(b.at("labels", name, "values", i), "", "value %q of label %s is declared twice", v, name)
				}
				seen[v] = true
			}
		case ls.MaxValues != nil:
			if *ls.MaxValues < 1 || *ls.MaxValues > maxLabelValues {
				b.errorf(b.at("labels", name, "maxValues"), "", "maxValues of label %s must be 1..%d, got %d", name, maxLabelValues, *ls.MaxValues)
			}
			l.MaxValues = int(*ls.MaxValues)
		default:
			b.errorf(pos, `add values: [...] (the exact set) or maxValues: N (a bound)`, "label %s is unbounded", name)
		}
		if prev, ok := decl[name]; ok {
			if !sameBound(prev, l) {
				b.errorf(pos, fmt.Sprintf("standard: declares it as %s; declare it once or make them agree", describeBound(prev)),
					"label %s conflicts with the standard metric set", name)
			}
			continue
		}
		decl[name] = l
	}
	for _, name := range ir.SortedKeys(decl) {
		m.LabelDefs = append(m.LabelDefs, decl[name])
	}
}

func sameBound(a, b *ir.Label) bool {
	if (a.Values == nil) != (b.Values == nil) {
		return false
	}
	if a.Values == nil {
		return a.MaxValues == b.MaxValues
	}
	x, y := append([]string{}, a.Values...), append([]string{}, b.Values...)
	sort.Strings(x)
	sort.Strings(y)
	return strings.Join(x, "\x00") == strings.Join(y, "\x00")
}

func describeBound(l *ir.Label) string {
	if l.Values != nil {
		return "values " + oneOf(l.Values)[len(oneOfPrefix(l.Values)):]
	}
	return fmt.Sprintf("maxValues %d", l.MaxValues)
}

func oneOfPrefix(v []string) string {
	if len(v) == 1 {
		return ""
	}
	return "one of "
}

// labelName checks a label name at pos.
func (b *builder) labelName(pos ir.Pos, name string) bool {
	if !labelNameRE.MatchString(name) {
		b.errorf(pos, "label names match [a-zA-Z_][a-zA-Z0-9_]*", "%q is not a valid Prometheus label name", name)
		return false
	}
	if strings.HasPrefix(name, "__") {
		b.errorf(pos, "", "label %s is reserved: names starting with __ are internal to Prometheus", name)
		return false
	}
	if why, ok := reservedLabels[name]; ok {
		b.errorf(pos, "choose another name", "label %s is reserved: %s", name, why)
		return false
	}
	return true
}

// labelValue checks a value that becomes a Prometheus label value.
func (b *builder) labelValue(pos ir.Pos, what, v string) {
	if v == "" {
		b.errorf(pos, "", "%s must not be empty", what)
	}
}

// metricLabelPos is where an error about label i of a metric points: the
// label in the user's list, or standard: for a standard metric. Errors
// are rare, so it is looked up only for one.
func (b *builder) metricLabelPos(mt *ir.Metric, i int) ir.Pos {
	if mt.Standard {
		return mt.Pos
	}
	return b.at("metrics", mt.Name, "labels", i)
}

// metrics expands `standard:` and checks every metric definition.
func (b *builder) metrics() {
	s, m := b.spec, b.m
	defined := map[string]*ir.Metric{}
	add := func(mt *ir.Metric) {
		if prev, dup := defined[mt.Name]; dup {
			hint := "remove one of them"
			if prev.Standard {
				hint = "standard: already defines it; remove it from metrics"
			}
			b.errorf(mt.Pos, hint, "metric %s is defined twice", mt.Name)
			return
		}
		defined[mt.Name] = mt
	}
	if st := s.Standard; st != nil {
		pos := b.at("standard", "prefix")
		if !metricNameRE.MatchString(st.Prefix) || strings.HasSuffix(st.Prefix, "_") {
			b.errorf(pos, `e.g. "tinysystems"`, "standard.prefix %q is not a valid metric name prefix", st.Prefix)
		} else if problems := NamingProblems(st.Prefix+ir.StdActive, ir.Gauge); len(problems) > 0 {
			// The standard names' own words are conventional: a problem
			// is the prefix's, and the standard set has no allow.
			fixed, _ := conventionalName(st.Prefix, "")
			b.errorf(pos, fmt.Sprintf("write it as %q", fixed), "standard.prefix %q gives names against Prometheus' naming conventions: %s: %s",
				st.Prefix, st.Prefix+ir.StdActive, strings.Join(problems, "; "))
		}
		buckets := defBuckets
		if st.Buckets != nil {
			buckets = st.Buckets
			b.buckets(buckets, "standard", "buckets")
		}
		p := st.Prefix
		for _, mt := range []*ir.Metric{
			{Name: p + ir.StdMessages, Type: ir.Counter, Help: "Messages processed, by component, port and status", Labels: []string{"component", "port", "status"}},
			{Name: p + ir.StdDuration, Type: ir.Histogram, Help: "Message processing duration in seconds", Labels: []string{"component", "port"}, Buckets: buckets},
			{Name: p + ir.StdErrors, Type: ir.Counter, Help: "Errors, by component and error type", Labels: []string{"component", "error_type"}},
			{Name: p + ir.StdActive, Type: ir.Gauge, Help: "In-flight operations, by component", Labels: []string{"component"}},
		} {
			mt.Standard = true
			mt.Pos = pos
			add(mt)
		}
	}
	for _, name := range ir.SortedKeys(s.Metrics) {
		ms := s.Metrics[name]
		pos := b.at("metrics", name)
		mt := &ir.Metric{Name: name, Type: ir.MetricType(ms.Type), Help: ms.Help, Labels: ms.Labels, Buckets: ms.Buckets, Pos: pos}
		b.metricName(mt)
		b.conventions(mt, ms.Allow)
		if strings.TrimSpace(ms.Help) == "" {
			b.errorf(b.at("metrics", name, "help"), "say what the metric counts or measures, with its unit", "metric %s needs a non-empty help text", name)
		}
		switch {
		case mt.Type == ir.Histogram && ms.Buckets == nil:
			mt.Buckets = defBuckets
		case mt.Type == ir.Histogram:
			b.buckets(ms.Buckets, "metrics", name, "buckets")
		case ms.Buckets != nil:
			b.errorf(b.at("metrics", name, "buckets"), "remove buckets, or make the metric a histogram", "metric %s is a %s: only histograms have buckets", name, mt.Type)
		}
		add(mt)
	}
	// A histogram exposes name_bucket, name_sum and name_count: another
	// metric with one of those names would collide with it.
	for _, name := range ir.SortedKeys(defined) {
		mt := defined[name]
		if mt.Type != ir.Histogram {
			continue
		}
		for _, suf := range []string{"_bucket", "_sum", "_count"} {
			if other, ok := defined[name+suf]; ok {
				b.errorf(other.Pos, "rename one of them", "metric %s collides with the %s series of histogram %s", other.Name, suf, name)
			}
		}
	}
	labelNames := make([]string, 0, len(m.LabelDefs))
	for _, l := range m.LabelDefs {
		labelNames = append(labelNames, l.Name)
	}
	for _, name := range ir.SortedKeys(defined) {
		mt := defined[name]
		seen := map[string]bool{}
		for i, l := range mt.Labels {
			if seen[l] {
				b.errorf(b.metricLabelPos(mt, i), "", "metric %s lists label %s twice", name, l)
				continue
			}
			seen[l] = true
			if m.Label(l) == nil {
				if !labelNameRE.MatchString(l) || strings.HasPrefix(l, "__") || reservedLabels[l] != "" {
					b.labelName(b.metricLabelPos(mt, i), l)
					continue
				}
				b.errorf(b.metricLabelPos(mt, i), undeclaredHint(l, labelNames), "metric %s uses label %s, which is not declared in labels", name, l)
			}
		}
		mt.Pairs = m.Standard != nil && seen["component"] && seen["port"]
		m.Metrics = append(m.Metrics, mt)
	}
}

func undeclaredHint(l string, declared []string) string {
	if h := suggest(l, declared); h != "" {
		return h
	}
	return fmt.Sprintf("declare it: labels: %s: values: [...] or maxValues: N", l)
}

func (b *builder) metricName(mt *ir.Metric) {
	name := mt.Name
	switch {
	case strings.Contains(name, ":"):
		b.errorf(mt.Pos, "colons are reserved for recording rules", "metric name %q must not contain ':'", name)
		return
	case !metricNameRE.MatchString(name):
		b.errorf(mt.Pos, "metric names match [a-zA-Z_][a-zA-Z0-9_]*", "%q is not a valid Prometheus metric name", name)
		return
	case strings.HasPrefix(name, "__"):
		b.errorf(mt.Pos, "", "metric name %q is reserved: names starting with __ are internal to Prometheus", name)
		return
	}
	switch mt.Type {
	case ir.Counter:
		if !strings.HasSuffix(name, "_total") {
			fixed := strings.TrimSuffix(strings.TrimSuffix(name, "_count"), "_sum") + "_total"
			b.errorf(mt.Pos, fmt.Sprintf("rename it to %q", fixed), "counter %s must end in _total", name)
		}
	case ir.Histogram:
		for _, suf := range []string{"_bucket", "_count", "_sum", "_total"} {
			if strings.HasSuffix(name, suf) {
				b.errorf(mt.Pos, fmt.Sprintf("rename it to %q", strings.TrimSuffix(name, suf)),
					"histogram %s must not end in %s: Prometheus appends _bucket, _sum and _count to histogram names", name, suf)
				break
			}
		}
	case ir.Gauge:
		if strings.HasSuffix(name, "_total") {
			b.errorf(mt.Pos, fmt.Sprintf("rename it to %q, or make it a counter", strings.TrimSuffix(name, "_total")),
				"gauge %s must not end in _total: the suffix means counter", name)
		}
	}
}

// buckets checks histogram bounds: strictly increasing and finite.
func (b *builder) buckets(bs []float64, path ...any) {
	if len(bs) == 0 {
		b.errorf(b.at(path...), "omit buckets for the default set", "buckets must not be empty")
		return
	}
	for i, x := range bs {
		p := append(append([]any{}, path...), i)
		if math.IsInf(x, 0) || math.IsNaN(x) {
			b.errorf(b.at(p...), "+Inf is implicit", "bucket %v is not finite", x)
		}
		if i > 0 && x <= bs[i-1] {
			b.errorf(b.at(p...), "", "buckets must be strictly increasing: %s follows %s", ir.FormatFloat(x), ir.FormatFloat(bs[i-1]))
		}
	}
	if len(bs) > 100 {
		b.errorf(b.at(path...), "", "%d buckets is more than the limit of 100: every bucket is a series", len(bs))
	}
}
