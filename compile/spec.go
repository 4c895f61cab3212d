package compile

import (
	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"

	"github.com/tinysystems/obsc/compile/ir"
)

// spec is the module as the schema shapes it, decoded from the unified
// CUE value. Positions are looked up on demand (see source.pos) from the
// user's own value, so an error points at what the user wrote, never at
// the schema's defaults.
type spec struct {
	Module struct {
		Name        string            `json:"name"`
		Namespace   string            `json:"namespace"`
		Team        string            `json:"team"`
		RunbookBase string            `json:"runbookBase"`
		Labels      map[string]string `json:"labels"`
	} `json:"module"`
	Scrape struct {
		Selector   map[string]string `json:"selector"`
		Port       string            `json:"port"`
		PortNumber int64             `json:"portNumber"`
		Path       string            `json:"path"`
		Interval   string            `json:"interval"`
		Mode       string            `json:"mode"`
	} `json:"scrape"`
	Standard *struct {
		Prefix     string `json:"prefix"`
		Components map[string]struct {
			Ports []string `json:"ports"`
		} `json:"components"`
		ErrorTypes int64     `json:"errorTypes"`
		Buckets    []float64 `json:"buckets"`
	} `json:"standard"`
	Labels      map[string]labelSpec  `json:"labels"`
	Metrics     map[string]metricSpec `json:"metrics"`
	Cardinality struct {
		Replicas           int64 `json:"replicas"`
		MaxSeriesPerMetric int64 `json:"maxSeriesPerMetric"`
		MaxSeries          int64 `json:"maxSeries"`
	} `json:"cardinality"`
	SLOs       map[string]sloSpec   `json:"slos"`
	Alerts     map[string]alertSpec `json:"alerts"`
	External   []string             `json:"external"`
	Probes     *probesSpec          `json:"probes"`
	Dashboard  *dashboardSpec       `json:"dashboard"`
	Kubernetes struct {
		RuleLabels      map[string]string `json:"ruleLabels"`
		MonitorLabels   map[string]string `json:"monitorLabels"`
		DashboardLabels map[string]string `json:"dashboardLabels"`
	} `json:"kubernetes"`
}

type labelSpec struct {
	Values    []string `json:"values"`
	MaxValues *int64   `json:"maxValues"`
	Allow     *string  `json:"allow"`
}

type metricSpec struct {
	Type    string    `json:"type"`
	Help    string    `json:"help"`
	Labels  []string  `json:"labels"`
	Buckets []float64 `json:"buckets"`
	Allow   *string   `json:"allow"`
}

// matchersSpec maps a label to one value (string) or several ([]any).
type matchersSpec map[string]any

type sloSpec struct {
	Objective   float64 `json:"objective"`
	Window      string  `json:"window"`
	Description string  `json:"description"`
	Ratio       *struct {
		Metric string       `json:"metric"`
		Errors matchersSpec `json:"errors"`
	} `json:"ratio"`
	Latency *struct {
		Metric    string  `json:"metric"`
		Threshold float64 `json:"threshold"`
	} `json:"latency"`
	Raw *struct {
		ErrorQuery string `json:"errorQuery"`
		TotalQuery string `json:"totalQuery"`
	} `json:"raw"`
	Alerting struct {
		Page   any `json:"page"`
		Ticket any `json:"ticket"`
	} `json:"alerting"`
}

type alertSpec struct {
	ErrorRatio *struct {
		Metric string       `json:"metric"`
		Errors matchersSpec `json:"errors"`
		By     []string     `json:"by"`
	} `json:"errorRatio"`
	Quantile *struct {
		Metric string   `json:"metric"`
		Q      float64  `json:"q"`
		By     []string `json:"by"`
	} `json:"quantile"`
	Expr          *string           `json:"expr"`
	Above         *float64          `json:"above"`
	For           string            `json:"for"`
	KeepFiringFor string            `json:"keepFiringFor"`
	Severity      string            `json:"severity"`
	Summary       string            `json:"summary"`
	Description   string            `json:"description"`
	Labels        map[string]string `json:"labels"`
	Annotations   map[string]string `json:"annotations"`
}

type probeSpec struct {
	Path             string `json:"path"`
	Port             int64  `json:"port"`
	Period           string `json:"period"`
	FailureThreshold int64  `json:"failureThreshold"`
	InitialDelay     string `json:"initialDelay"`
	Timeout          string `json:"timeout"`
}

type probesSpec struct {
	Liveness  *probeSpec `json:"liveness"`
	Readiness *probeSpec `json:"readiness"`
	Startup   *probeSpec `json:"startup"`
	Target    *struct {
		Deployment string `json:"deployment"`
		Container  string `json:"container"`
	} `json:"target"`
}

type dashboardSpec struct {
	Title   string   `json:"title"`
	Folder  string   `json:"folder"`
	Tags    []string `json:"tags"`
	Refresh string   `json:"refresh"`
	Logs    *struct {
		Datasource string `json:"datasource"`
		Selector   string `json:"selector"`
	} `json:"logs"`
	Traces *struct {
		Datasource string `json:"datasource"`
		Query      string `json:"query"`
	} `json:"traces"`
	Panels []struct {
		Title string `json:"title"`
		Expr  string `json:"expr"`
		Unit  string `json:"unit"`
		Kind  string `json:"kind"`
	} `json:"panels"`
}

// source resolves positions of fields in the user's value.
type source struct {
	user    cue.Value
	unified cue.Value
	dir     string
	// top, on the fast path (see decodeSyntax), is the module's top-level
	// fields: positions come from the syntax, as CUE would report them.
	top  []*ast.Field
	fast bool
	// ambiguous: a position was asked of a field written more than once.
	ambiguous bool
}

// pos returns the position of the value at path (strings are field names,
// ints list indexes) as the user wrote it. For a field the user left to
// its default, it returns the position of the nearest ancestor they wrote.
func (s *source) pos(path ...any) ir.Pos { return s.lookup(false, path) }

// keyPos is the position of the field name at path, for errors about a
// key (a Kubernetes label key) rather than its value.
func (s *source) keyPos(path ...any) ir.Pos { return s.lookup(true, path) }

func (s *source) lookup(key bool, path []any) ir.Pos {
	if s.fast {
		for n := len(path); n > 0; n-- {
			p, ambiguous := syntaxPos(s.top, path[:n], key)
			if ambiguous {
				s.ambiguous = true
				return ir.Pos{File: s.dir}
			}
			if p.IsValid() {
				return p
			}
		}
		return ir.Pos{File: s.dir}
	}
	sels := make([]cue.Selector, len(path))
	for i, p := range path {
		switch p := p.(type) {
		case string:
			sels[i] = cue.Str(p)
		case int:
			sels[i] = cue.Index(p)
		}
	}
	for n := len(sels); n >= 0; n-- {
		v := s.user.LookupPath(cue.MakePath(sels[:n]...))
		if !v.Exists() {
			continue
		}
		p := toPos(v.Pos())
		if !key {
			p = valuePos(v)
		}
		if p.IsValid() {
			return p
		}
	}
	return ir.Pos{File: s.dir}
}

// syntaxPos is lookup's answer from the syntax of a plain-data module:
// valuePos of the field or element at path, or the position of its name
// for a key; the zero Pos if nothing is written there. A field written
// more than once (merged by the fast path, see mergeFields) has no one
// position: for it syntaxPos reports ambiguous, and the fast path leaves
// the module to CUE.
func syntaxPos(top []*ast.Field, path []any, key bool) (pos ir.Pos, ambiguous bool) {
	var field *ast.Field
	var cur ast.Expr
	cands := top
	for i, sel := range path {
		switch sel := sel.(type) {
		case string:
			if i > 0 && field != nil {
				var ok bool
				if cands, ok = structFieldsOf(cur); !ok {
					return ir.Pos{}, false
				}
			}
			var found []*ast.Field
			for _, f := range cands {
				if name, ok := fieldName(f); ok && name == sel {
					found = append(found, f)
				}
			}
			switch {
			case len(found) == 0:
				return ir.Pos{}, false
			case len(found) == 1:
				field, cur = found[0], found[0].Value
			case i == len(path)-1:
				return ir.Pos{}, true
			default:
				cands = nil
				for _, f := range found {
					fs, ok := structFieldsOf(f.Value)
					if !ok {
						return ir.Pos{}, true
					}
					cands = append(cands, fs...)
				}
				field, cur = nil, nil
			}
		case int:
			l, ok := cur.(*ast.ListLit)
			if !ok || sel < 0 || sel >= len(l.Elts) {
				return ir.Pos{}, false
			}
			field, cur = nil, l.Elts[sel]
		default:
			return ir.Pos{}, false
		}
	}
	if field == nil {
		if cur == nil {
			return ir.Pos{}, true
		}
		return toPos(cur.Pos()), false
	}
	if _, isStruct := field.Value.(*ast.StructLit); !key && !isStruct {
		if p := toPos(field.Value.Pos()); p.IsValid() {
			return p, false
		}
	}
	return toPos(field.Pos()), false
}

// valuePos is where the value itself starts: for a field written as
// `expr: "..."` CUE reports the label, but an error about a scalar or a
// list (and a column inside a PromQL string) must point at the literal.
// For a struct — an alert, a label, a metric — the label is the name the
// error is about, so it stays.
func valuePos(v cue.Value) ir.Pos {
	if f, ok := v.Source().(*ast.Field); ok && f.Value != nil {
		if _, isStruct := f.Value.(*ast.StructLit); !isStruct {
			if p := toPos(f.Value.Pos()); p.IsValid() {
				return p
			}
		}
	}
	return toPos(v.Pos())
}
