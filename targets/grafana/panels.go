package grafana

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/gauge"
	"github.com/grafana/grafana-foundation-sdk/go/heatmap"
	"github.com/grafana/grafana-foundation-sdk/go/logs"
	"github.com/grafana/grafana-foundation-sdk/go/loki"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"

	"github.com/tinysystems/obsc/compile/ir"
)

// Panel sizes on Grafana's 24-column grid. Widths add up to 24 within a
// row whatever the mix, so the builder's auto-placement never overflows.
const (
	heightPanel = 8
	heightLogs  = 12
	widthHalf   = 12
	widthFull   = 24
	widthSmall  = 6
)

// Colours of threshold steps.
const (
	colorOK   = "green"
	colorWarn = "orange"
	colorBad  = "red"
)

// datasourceVar is the name of the Prometheus datasource variable every
// metric panel and query reads from.
const datasourceVar = "datasource"

// promDatasource references the Prometheus datasource picked in the
// dashboard's datasource variable. Every panel and query has one: the
// references share their two strings, which nothing writes through.
func promDatasource() common.DataSourceRef {
	return common.DataSourceRef{Type: &promType, Uid: &promUID}
}

var promType, promUID = "prometheus", "${" + datasourceVar + "}"

// defaultTimeseries is the look shared by every time series panel.
func defaultTimeseries() *timeseries.PanelBuilder {
	return timeseries.NewPanelBuilder().
		Datasource(promDatasource()).
		Height(heightPanel).
		Span(widthHalf).
		LineWidth(1).
		FillOpacity(10).
		ShowPoints(common.VisibilityModeNever).
		DrawStyle(common.GraphDrawStyleLine).
		SpanNulls(common.BoolOrFloat64{Bool: cog.ToPtr(false)}).
		Legend(common.NewVizLegendOptionsBuilder().
			DisplayMode(common.LegendDisplayModeTable).
			Placement(common.LegendPlacementBottom).
			ShowLegend(true).
			Calcs([]string{"mean", "max", "lastNotNull"}),
		).
		Tooltip(common.NewVizTooltipOptionsBuilder().
			Mode(common.TooltipDisplayModeMulti).
			Sort(common.SortOrderDescending),
		)
}

// defaultStat is the look shared by every stat panel: the last value.
func defaultStat() *stat.PanelBuilder {
	return stat.NewPanelBuilder().
		Datasource(promDatasource()).
		Height(heightPanel).
		Span(widthSmall).
		GraphMode(common.BigValueGraphModeArea).
		ColorMode(common.BigValueColorModeValue).
		TextMode(common.BigValueTextModeValueAndName).
		Orientation(common.VizOrientationAuto).
		ReduceOptions(common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}).Values(false))
}

// defaultGauge is the look shared by every gauge panel.
func defaultGauge() *gauge.PanelBuilder {
	return gauge.NewPanelBuilder().
		Datasource(promDatasource()).
		Height(heightPanel).
		Span(widthSmall).
		ShowThresholdMarkers(true).
		Orientation(common.VizOrientationAuto).
		ReduceOptions(common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}).Values(false))
}

// thresholds builds absolute threshold steps: base colour, then each
// value with its colour.
func thresholds(base string, steps ...dashboard.Threshold) *dashboard.ThresholdsConfigBuilder {
	all := append([]dashboard.Threshold{{Color: base}}, steps...)
	return dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).Steps(all)
}

func step(v float64, color string) dashboard.Threshold {
	return dashboard.Threshold{Value: cog.ToPtr(v), Color: color}
}

// thresholdLine draws a panel's thresholds as dashed lines.
func thresholdLine() *common.GraphThresholdsStyleConfigBuilder {
	return common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeDashed)
}

// query is a Prometheus query on the datasource variable. Every query is
// parsed before the dashboard is written (see checkQuery).
func (r *renderer) query(refID, expr, legendFormat string) *prometheus.DataqueryBuilder {
	if err := r.checkQuery(expr); err != nil {
		r.errs = append(r.errs, err)
	}
	return prometheus.NewDataqueryBuilder().
		Datasource(promDatasource()).
		RefId(refID).
		Expr(expr).
		LegendFormat(legendFormat).
		Range()
}

// latencyQuery is a query on a histogram: with traces configured
// it asks for exemplars, which link each point to its trace in Tempo.
func (r *renderer) latencyQuery(refID, expr, legendFormat string) *prometheus.DataqueryBuilder {
	q := r.query(refID, expr, legendFormat)
	if r.m.Dashboard.Traces != nil {
		q = q.Exemplar(true)
	}
	return q
}

// --- SLOs ---

// sloAvailabilityStat shows the SLI over the SLO window next to the objective.
func (r *renderer) sloAvailabilityStat(slo *ir.SLO) *stat.PanelBuilder {
	window := ir.FormatDuration(slo.Window)
	good := "availability"
	if slo.SLI.Kind == ir.SLILatency {
		good = "within " + slo.SLI.ThresholdLE + "s"
	}
	return defaultStat().
		Id(r.id()).
		Title(fmt.Sprintf("SLO %s: %s vs objective (%s)", slo.Name, good, window)).
		Description(r.sloText(slo).desc + " Share of good events over the last " + window + " (1 - " + ir.SLIErrorRecord(slo.Window) + "), and the objective.").
		Unit(unitPercent).
		Decimals(3).
		Thresholds(thresholds(colorBad, step(slo.ObjectiveRatio(), colorOK))).
		WithTarget(r.query("A", "1 - "+r.sloSelector(ir.SLIErrorRecord(slo.Window), slo), good)).
		WithTarget(r.query("B", r.sloSelector(ir.RecObjective, slo), "objective"))
}

// sloBudgetGauge shows the share of the window's error budget left.
func (r *renderer) sloBudgetGauge(slo *ir.SLO) *gauge.PanelBuilder {
	return defaultGauge().
		Id(r.id()).
		Title(fmt.Sprintf("SLO %s: error budget remaining", slo.Name)).
		Description(r.sloText(slo).desc + " Share of the " + ir.FormatDuration(slo.Window) + " error budget (" + percent(slo.ErrorBudget()) + " of events) not yet spent; below 0 the objective is missed.").
		Unit(unitPercent).
		Decimals(1).
		Max(1).
		Thresholds(thresholds(colorBad, step(0, colorWarn), step(0.25, colorOK))).
		WithTarget(r.query("A", r.sloSelector(ir.RecBudgetRemaining, slo), "remaining"))
}

// sloBurnRate plots the burn rate over every alert window, with the
// alerts' burn-rate factors as threshold lines.
func (r *renderer) sloBurnRate(slo *ir.SLO) *timeseries.PanelBuilder {
	var steps []dashboard.Threshold
	for _, f := range burnFactors(slo) {
		color := colorWarn
		for _, b := range slo.BurnRates {
			if b.Factor == f && b.Tier == ir.TierPage {
				color = colorBad
			}
		}
		steps = append(steps, step(f, color))
	}
	p := defaultTimeseries().
		Id(r.id()).
		Title(fmt.Sprintf("SLO %s: burn rate by window", slo.Name)).
		Description(r.sloText(slo).desc + " Error ratio over each alert window divided by the error budget: 1 spends the budget exactly by the end of the " + ir.FormatDuration(slo.Window) + " window. Dashed lines are the burn-rate alert factors.").
		Unit(unitNone).
		Min(0).
		Thresholds(thresholds(colorOK, steps...)).
		ThresholdsStyle(thresholdLine())
	ref := 'A'
	for _, w := range burnWindows(slo) {
		p = p.WithTarget(r.query(string(ref), r.burnRateExpr(slo, w), ir.FormatDuration(w)))
		ref++
	}
	return p.WithTarget(r.query(string(ref), r.sloSelector(ir.RecPeriodBurnRate, slo), ir.FormatDuration(slo.Window)+" (period)"))
}

func sloDescription(m *ir.Module, slo *ir.SLO) string {
	var sli string
	switch slo.SLI.Kind {
	case ir.SLILatency:
		sli = fmt.Sprintf("%s observations at or below %ss", slo.SLI.Metric, slo.SLI.ThresholdLE)
	case ir.SLIRaw:
		// A raw SLI reads the same recording rules as any other; the
		// description names its queries, since there is no metric to name.
		sli = fmt.Sprintf("events not counted by %s out of %s", ir.RawQuery(slo.SLI.ErrorQuery, "w"), ir.RawQuery(slo.SLI.TotalQuery, "w"))
	default:
		sli = fmt.Sprintf("%s events not matching %s", slo.SLI.Metric, strings.Join(ir.Matchers(slo.SLI.Errors), ", "))
	}
	d := fmt.Sprintf("Objective: %s of %s over %s.", percent(slo.ObjectiveRatio()), sli, ir.FormatDuration(slo.Window))
	if slo.Description != "" {
		d = sentence(slo.Description) + " " + d
	}
	return d
}

// --- alerts ---

// alertList lists the firing and pending alerts of this module: every
// rule obsc generates carries the module label. The SDK has no alertlist
// package, so the options are written as Grafana stores them.
func (r *renderer) alertList() *dashboard.PanelBuilder {
	return dashboard.NewPanelBuilder().
		Type("alertlist").
		Id(r.id()).
		Title("Alerts").
		Description("Firing and pending alerts of module " + r.m.Name + " (label " + r.m.ModuleMatcher() + ").").
		Height(heightPanel).
		Span(widthFull).
		Options(map[string]any{
			"alertInstanceLabelFilter": "{" + r.m.ModuleMatcher() + "}",
			"alertName":                "",
			"dashboardAlerts":          false,
			"groupBy":                  []string{},
			"groupMode":                "default",
			"maxItems":                 20,
			"sortOrder":                1,
			"stateFilter": map[string]bool{
				"error": true, "firing": true, "noData": false, "normal": false, "pending": true,
			},
			"viewMode": "list",
		})
}

// exprAlert plots the value an expr alert compares, with its threshold as
// a line; an expression that is no simple comparison is plotted as is.
//
// The expression is plotted exactly as the Prometheus target evaluates it
// (compile has confined it to the module), so the panel shows what the
// alert sees.
func (r *renderer) exprAlert(a *ir.Alert) *timeseries.PanelBuilder {
	e, err := parser.ParseExpr(a.Expr)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("internal error: expression %q does not parse: %w", a.Expr, err))
		return defaultTimeseries()
	}
	p := defaultTimeseries().
		Id(r.id()).
		Title("Alert " + a.Name).
		Unit(unitShort)
	desc := fmt.Sprintf("%s Fires when %s holds for %s (severity %s).", sentence(a.Summary), a.Expr, ir.FormatDuration(a.For), a.Severity)
	if lhs, v, ok := thresholdOf(e); ok {
		return p.Description(desc + " The dashed line is the threshold.").
			Thresholds(thresholds(colorOK, step(v, colorBad))).
			ThresholdsStyle(thresholdLine()).
			WithTarget(r.query("A", lhs.String(), a.Name))
	}
	return p.Description(desc + " Series appear while the condition holds.").
		WithTarget(r.query("A", e.String(), a.Name))
}

// --- counters ---

// counterRate is the per-second rate of a counter by its main labels
// (the seed's "Messages/sec").
func (r *renderer) counterRate(mt *ir.Metric) *timeseries.PanelBuilder {
	by := r.mainLabels(mt)
	return defaultTimeseries().
		Id(r.id()).
		Title(humanName(r.m, mt) + "/sec").
		Description(sentence(mt.Help) + " Per-second rate" + byPhrase(by) + ".").
		Unit(rateUnit(mt)).
		Min(0).
		WithTarget(r.query("A", r.m.RateSum(mt.Name, by, rateInterval, r.filters(mt)...), legend(by, "rate")))
}

// errorRatio is the share of a counter's events that are errors, with the
// threshold drawn as a line.
func (r *renderer) errorRatio(mt *ir.Metric, errors []ir.Matcher, by []string, title, why string, threshold float64) *timeseries.PanelBuilder {
	return defaultTimeseries().
		Id(r.id()).
		Title(title).
		Description(fmt.Sprintf("%s Share of events matching %s%s. %s",
			sentence(mt.Help), strings.Join(ir.Matchers(errors), ", "), byPhrase(by), why)).
		Unit(unitPercent).
		Min(0).
		Thresholds(thresholds(colorOK, step(threshold, colorBad))).
		ThresholdsStyle(thresholdLine()).
		WithTarget(r.query("A", r.m.ErrorRatioExpr(mt.Name, errors, by, rateInterval, r.filters(mt)...), legend(by, "error ratio")))
}

// errorRatioAlert plots the ratio an errorRatio alert evaluates.
func (r *renderer) errorRatioAlert(mt *ir.Metric, a *ir.Alert) *timeseries.PanelBuilder {
	return r.errorRatio(mt, a.Errors, a.By,
		"Error ratio"+byPhrase(a.By)+" ("+a.Name+")",
		fmt.Sprintf("Alert %s fires above %s for %s (dashed line).", a.Name, percent(a.Above), ir.FormatDuration(a.For)),
		a.Above)
}

// errorRatioSLO plots the raw error ratio of a ratio SLO against its
// error budget.
func (r *renderer) errorRatioSLO(mt *ir.Metric, slo *ir.SLO) *timeseries.PanelBuilder {
	return r.errorRatio(mt, slo.SLI.Errors, nil,
		"Error ratio (SLO "+slo.Name+")",
		fmt.Sprintf("SLO %s allows %s (dashed line: the error budget; above it the budget burns faster than the %s window allows).",
			slo.Name, percent(slo.ErrorBudget()), ir.FormatDuration(slo.Window)),
		slo.ErrorBudget())
}

// --- histograms ---

// histogramP99 is the 99th percentile by the histogram's main labels (the
// seed's "Processing Latency p99", aggregated correctly).
func (r *renderer) histogramP99(mt *ir.Metric) *timeseries.PanelBuilder {
	by := r.mainLabels(mt)
	return defaultTimeseries().
		Id(r.id()).
		Title(humanName(r.m, mt) + " p99").
		Description(sentence(mt.Help) + " 99th percentile" + byPhrase(by) + ", from the bucket rates summed by le.").
		Unit(valueUnit(mt)).
		Min(0).
		Links(r.traceLinks()).
		WithTarget(r.latencyQuery("A", r.m.QuantileExpr(0.99, mt.Name, by, rateInterval, r.filters(mt)...), legend(by, "p99")))
}

// histogramQuantiles plots p50, p90 and p99 over everything selected.
func (r *renderer) histogramQuantiles(mt *ir.Metric) *timeseries.PanelBuilder {
	p := defaultTimeseries().
		Id(r.id()).
		Title(humanName(r.m, mt) + " p50 / p90 / p99").
		Description(sentence(mt.Help) + " Percentiles over all selected series.").
		Unit(valueUnit(mt)).
		Min(0).
		Links(r.traceLinks())
	for i, q := range quantiles {
		name := "p" + ir.FormatFloat(q*100)
		p = p.WithTarget(r.latencyQuery(string(rune('A'+i)), r.m.QuantileExpr(q, mt.Name, nil, rateInterval, r.filters(mt)...), name))
	}
	return p
}

// quantileAlert plots the quantile a quantile alert evaluates, with its
// threshold as a line.
func (r *renderer) quantileAlert(mt *ir.Metric, a *ir.Alert) *timeseries.PanelBuilder {
	name := "p" + ir.FormatFloat(a.Q*100)
	return defaultTimeseries().
		Id(r.id()).
		Title(humanName(r.m, mt) + " " + name + byPhrase(a.By) + " (" + a.Name + ")").
		Description(fmt.Sprintf("%s Alert %s fires when the %s is above %s for %s (dashed line).",
			sentence(mt.Help), a.Name, name, withUnit(a.Above, valueUnit(mt)), ir.FormatDuration(a.For))).
		Unit(valueUnit(mt)).
		Min(0).
		Thresholds(thresholds(colorOK, step(a.Above, colorBad))).
		ThresholdsStyle(thresholdLine()).
		Links(r.traceLinks()).
		WithTarget(r.latencyQuery("A", r.m.QuantileExpr(a.Q, mt.Name, a.By, rateInterval, r.filters(mt)...), legend(a.By, name)))
}

// histogramHeatmap shows the distribution of observations over time from
// the bucket rates (Grafana reads the le labels as the y buckets).
func (r *renderer) histogramHeatmap(mt *ir.Metric) *heatmap.PanelBuilder {
	q := r.latencyQuery("A", r.m.RateSum(mt.Name+"_bucket", []string{"le"}, rateInterval, r.filters(mt)...), "{{le}}").
		Format(prometheus.PromQueryFormatHeatmap)
	return heatmap.NewPanelBuilder().
		Id(r.id()).
		Title(humanName(r.m, mt) + " heatmap").
		Description(sentence(mt.Help) + " Observations per second in each bucket.").
		Datasource(promDatasource()).
		Height(heightPanel).
		Span(widthHalf).
		Unit(valueUnit(mt)).
		Calculate(false).
		YAxis(heatmap.NewYAxisConfigBuilder().Unit(valueUnit(mt))).
		Color(heatmap.NewHeatmapColorOptionsBuilder().
			Mode(heatmap.HeatmapColorModeScheme).
			Scheme("Oranges").
			Fill("dark-orange").
			Scale(heatmap.HeatmapColorScaleExponential).
			Exponent(0.5).
			Steps(64)).
		RowsFrame(heatmap.NewRowsHeatmapOptionsBuilder().Layout(common.HeatmapCellLayoutAuto)).
		Tooltip(heatmap.NewHeatmapTooltipBuilder().Mode(common.TooltipDisplayModeSingle).YHistogram(true).ShowColorScale(true)).
		CellValues(heatmap.NewCellValuesBuilder().Unit(unitOpsRate)).
		Links(r.traceLinks()).
		WithTarget(q)
}

// traceLinks opens the module's traces in Explore on the Tempo datasource
// over the panel's time range; nil without traces. The link's URL is the
// same on every panel and worked out once.
func (r *renderer) traceLinks() []cog.Builder[dashboard.DashboardLink] {
	t := r.m.Dashboard.Traces
	if t == nil {
		return nil
	}
	if r.traceURL == "" {
		r.traceURL = tempoExploreURL(t.Datasource, t.Query)
	}
	return []cog.Builder[dashboard.DashboardLink]{
		dashboard.NewDashboardLinkBuilder("Traces in Tempo").
			Type(dashboard.DashboardLinkTypeLink).
			Icon("external link").
			Tooltip(traceTooltip(t)).
			Url(r.traceURL).
			TargetBlank(true),
	}
}

// traceTooltip says what the trace links search.
func traceTooltip(t *ir.Traces) string {
	if t.Query == "{}" {
		return "Search the traces of this time range in Explore (" + t.Datasource + ")"
	}
	return "Search the traces of this time range matching " + t.Query + " in Explore (" + t.Datasource + ")"
}

// tempoExploreURL is an Explore link with the TraceQL search query on ds.
// The time range stays as ${__from}/${__to}, which Grafana interpolates
// when the link is opened (epoch milliseconds, safe in a URL).
func tempoExploreURL(ds, query string) string {
	from, to := "FROM_PLACEHOLDER", "TO_PLACEHOLDER"
	for strings.Contains(query, from) || strings.Contains(query, to) {
		from, to = from+"X", to+"X" // not to replace what the query says
	}
	q := exploreQuery{RefID: "A", QueryType: "traceql", Query: query}
	q.Datasource.Type, q.Datasource.UID = "tempo", ds
	var pane explorePane
	pane.Traces.Datasource, pane.Traces.Queries = ds, []exploreQuery{q}
	pane.Traces.Range.From, pane.Traces.Range.To = from, to
	b, _ := json.Marshal(pane) // strings cannot fail
	// Spaces as %20, not +: every URL decoder reads %20 as a space.
	u := "/explore?schemaVersion=1&panes=" + strings.ReplaceAll(url.QueryEscape(string(b)), "+", "%20")
	// The placeholders are letters and underscores, which QueryEscape
	// keeps, and neither overlaps the other nor a replacement.
	return strings.ReplaceAll(strings.ReplaceAll(u, from, "${__from}"), to, "${__to}")
}

// An explorePane is the state of Explore's pane "traces" in a link. Its
// fields, like those of every struct inside, are in the order of their
// JSON names, as encoding/json writes the keys of a map.
type explorePane struct {
	Traces struct {
		Datasource string         `json:"datasource"`
		Queries    []exploreQuery `json:"queries"`
		Range      struct {
			From string `json:"from"`
			To   string `json:"to"`
		} `json:"range"`
	} `json:"traces"`
}

type exploreQuery struct {
	Datasource struct {
		Type string `json:"type"`
		UID  string `json:"uid"`
	} `json:"datasource"`
	Query     string `json:"query"`
	QueryType string `json:"queryType"`
	RefID     string `json:"refId"`
}

// --- gauges ---

// gaugeTimeseries plots a gauge by its main labels.
func (r *renderer) gaugeTimeseries(mt *ir.Metric) *timeseries.PanelBuilder {
	by := r.mainLabels(mt)
	return defaultTimeseries().
		Id(r.id()).
		Span(widthFull - widthSmall).
		Title(humanName(r.m, mt)).
		Description(sentence(mt.Help) + " Summed over pods" + byPhrase(by) + ".").
		Unit(valueUnit(mt)).
		WithTarget(r.query("A", sumBy(by, r.m.Selector(mt.Name, r.filters(mt)...)), legend(by, humanName(r.m, mt))))
}

// gaugeStat shows the current total of a gauge.
func (r *renderer) gaugeStat(mt *ir.Metric) *stat.PanelBuilder {
	return defaultStat().
		Id(r.id()).
		Title(humanName(r.m, mt) + " (now)").
		Description(sentence(mt.Help) + " Current value summed over everything selected.").
		Unit(valueUnit(mt)).
		WithTarget(r.query("A", sumBy(nil, r.m.Selector(mt.Name, r.filters(mt)...)), humanName(r.m, mt)))
}

// --- logs ---

// logsPanel shows the module's logs from Loki.
func (r *renderer) logsPanel() *logs.PanelBuilder {
	l := r.m.Dashboard.Logs
	ds := common.DataSourceRef{Type: cog.ToPtr("loki"), Uid: cog.ToPtr(l.Datasource)}
	sel := logsSelector(r.m)
	return logs.NewPanelBuilder().
		Id(r.id()).
		Title("Logs").
		Description("Logs of module " + r.m.Name + " from " + l.Datasource + ": " + sel + ".").
		Datasource(ds).
		Height(heightLogs).
		Span(widthFull).
		ShowTime(true).
		WrapLogMessage(true).
		EnableLogDetails(true).
		SortOrder(common.LogsSortOrderDescending).
		DedupStrategy(common.LogsDedupStrategyNone).
		WithTarget(loki.NewDataqueryBuilder().
			Datasource(ds).
			RefId("A").
			Expr(sel))
}

// --- the user's panels ---

// customPanel renders one of the user's dashboard.panels. compile has
// already confined its expression to the module's series.
func (r *renderer) customPanel(p ir.Panel) cog.Builder[dashboard.Panel] {
	// Grafana's range variables ($__rate_interval) stay as written; the
	// query parses with them substituted.
	e, err := parser.ParseExpr(r.subst.Replace(p.Expr))
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("internal error: expression %q does not parse: %w", p.Expr, err))
		return defaultTimeseries()
	}
	expr := e.String()
	if ir.GrafanaRangeVar.MatchString(p.Expr) {
		expr = p.Expr // compile printed it from the AST, the variables written back
	}
	unit := p.Unit
	if unit == "" {
		unit = unitShort
	}
	desc := "Declared in module.cue (dashboard.panels): " + expr
	switch p.Kind {
	case "stat":
		return defaultStat().Id(r.id()).Span(widthHalf).Title(p.Title).Description(desc).Unit(unit).
			WithTarget(r.query("A", expr, p.Title))
	case "gauge":
		return defaultGauge().Id(r.id()).Span(widthHalf).Title(p.Title).Description(desc).Unit(unit).
			WithTarget(r.query("A", expr, p.Title))
	case "table":
		return table.NewPanelBuilder().Id(r.id()).Title(p.Title).Description(desc).Unit(unit).
			Datasource(promDatasource()).Height(heightPanel).Span(widthHalf).
			Footer(common.NewTableFooterOptionsBuilder().Show(false).Reducer([]string{"sum"})).
			WithTarget(r.query("A", expr, "").Instant().Format(prometheus.PromQueryFormatTable))
	default:
		return defaultTimeseries().Id(r.id()).Title(p.Title).Description(desc).Unit(unit).
			WithTarget(r.query("A", expr, ""))
	}
}
