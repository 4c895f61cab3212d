package importer

import (
	"slices"
	"testing"
)

// TestSlothTemplate pins how Sloth's identity labels in alert templates
// become obsc's: the labels of the SLI series map to module and slo, and
// sloth_severity, a label of Sloth's rule that reads empty in a
// template, becomes the tier's name.
func TestSlothTemplate(t *testing.T) {
	consts := map[string]string{"sloth_severity": "page", "team": "inventory", "tier": "{{ x }}"}
	for _, c := range []struct {
		in, want string
		used     []string
	}{
		{"{{$labels.sloth_slo}} of {{ $labels.sloth_service }}", "{{$labels.slo}} of {{ $labels.module }}", nil},
		{"{{$labels.sloth_id}}", "{{$labels.slo}}", nil},
		{"burns ({{$labels.sloth_severity}})", "burns (page)", []string{"sloth_severity"}},
		{"burns ({{ $labels.sloth_severity }})", "burns (page)", []string{"sloth_severity"}},
		{"{{ $labels.sloth_severity | toUpper }}", `{{ "page" | toUpper }}`, []string{"sloth_severity"}},
		{`{{ if eq $labels.sloth_severity "page" }}wake up{{ end }}`, `{{ if eq "page" "page" }}wake up{{ end }}`, []string{"sloth_severity"}},
		// A spec label Sloth records on its SLI series: its value.
		{"{{ $labels.team }} owns {{ $labels.sloth_slo }}", "inventory owns {{ $labels.slo }}", []string{"team"}},
		// Whole names only: team_name is not team.
		{"{{ $labels.team_name }}", "{{ $labels.team_name }}", nil},
		// A value that looks like a template stays a string.
		{"{{ $labels.tier }}", `{{ "{{ x }}" }}`, []string{"tier"}},
		{"no template", "no template", nil},
	} {
		got, used := slothTemplate(c.in, consts)
		if got != c.want || !slices.Equal(used, c.used) {
			t.Errorf("slothTemplate(%q) = %q, %v; want %q, %v", c.in, got, used, c.want, c.used)
		}
	}
}
