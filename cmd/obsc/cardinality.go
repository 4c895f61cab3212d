package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/tinysystems/obsc/compile/ir"
)

// cardinalityReport is the --format json shape of `obsc cardinality`.
type cardinalityReport struct {
	Modules []moduleCardinality `json:"modules"`
}

type moduleCardinality struct {
	Module    string              `json:"module"`
	Replicas  int                 `json:"replicas"`
	Series    int                 `json:"series"`
	MaxSeries int                 `json:"maxSeries"`
	Percent   float64             `json:"percentOfBudget"`
	Metrics   []metricCardinality `json:"metrics"`
}

type metricCardinality struct {
	Metric  string   `json:"metric"`
	Type    string   `json:"type"`
	Labels  []string `json:"labels"`
	Series  int      `json:"series"`
	Budget  int      `json:"budget"`
	Percent float64  `json:"percentOfBudget"`
}

func percent(n, budget int) float64 {
	if budget <= 0 {
		return 0
	}
	return float64(int(float64(n)*1000/float64(budget)+0.5)) / 10
}

func report(mods []*ir.Module) cardinalityReport {
	var r cardinalityReport
	for _, m := range mods {
		mc := moduleCardinality{Module: m.Name, Replicas: m.Cardinality.Replicas, Series: m.Cardinality.Series,
			MaxSeries: m.Cardinality.MaxSeries, Percent: percent(m.Cardinality.Series, m.Cardinality.MaxSeries)}
		for _, mt := range m.Metrics {
			labels := mt.Labels
			if labels == nil {
				labels = []string{}
			}
			mc.Metrics = append(mc.Metrics, metricCardinality{Metric: mt.Name, Type: string(mt.Type), Labels: labels,
				Series: mt.Series, Budget: m.Cardinality.MaxSeriesPerMetric, Percent: percent(mt.Series, m.Cardinality.MaxSeriesPerMetric)})
		}
		r.Modules = append(r.Modules, mc)
	}
	return r
}

func newCardinalityCmd(c *cli) *command {
	fs := pflag.NewFlagSet("cardinality", pflag.ContinueOnError)
	format := fs.String("format", "table", "output format: table or json")
	cmd := &command{name: "cardinality", args: "[--format table|json] [PATTERN...]", short: "print series per metric and per module against the budgets", flags: fs}
	cmd.run = func(args []string) int {
		if *format != "table" && *format != "json" {
			return c.usageErr("cardinality", "--format must be table or json, not %q", *format)
		}
		mods, ok := c.compileAll(args)
		if !ok {
			return exitFail
		}
		r := report(mods)
		if *format == "json" {
			out, _ := json.MarshalIndent(r, "", "  ")
			fmt.Fprintln(c.stdout, string(out))
			return exitOK
		}
		for i, m := range r.Modules {
			if i > 0 {
				fmt.Fprintln(c.stdout)
			}
			fmt.Fprintf(c.stdout, "module %s (%s): %d series of %d (%.1f%%)\n", m.Module, count(m.Replicas, "replica"), m.Series, m.MaxSeries, m.Percent)
			tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "METRIC\tTYPE\tLABELS\tSERIES\tBUDGET\t% OF BUDGET")
			for _, mt := range m.Metrics {
				labels := strings.Join(mt.Labels, ",")
				if labels == "" {
					labels = "-"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%.1f%%\n", mt.Metric, mt.Type, labels, mt.Series, mt.Budget, mt.Percent)
			}
			tw.Flush()
		}
		return exitOK
	}
	return cmd
}
