package importer

import "testing"

// TestSlothTemplate pins how Sloth's identity labels in alert templates
// become obsc's: the labels of the SLI series map to module and slo, and
// sloth_severity, a label of Sloth's rule that reads empty in a
// template, becomes the tier's name.
func TestSlothTemplate(t *testing.T) {
	for _, c := range []struct{ in, tier, want string }{
		{"{{$labels.sloth_slo}} of {{ $labels.sloth_service }}", "page", "{{$labels.slo}} of {{ $labels.module }}"},
		{"{{$labels.sloth_id}}", "page", "{{$labels.slo}}"},
		{"burns ({{$labels.sloth_severity}})", "page", "burns (page)"},
		{"burns ({{ $labels.sloth_severity }})", "ticket", "burns (ticket)"},
		{"{{ $labels.sloth_severity | toUpper }}", "page", `{{ "page" | toUpper }}`},
		{`{{ if eq $labels.sloth_severity "page" }}wake up{{ end }}`, "page", `{{ if eq "page" "page" }}wake up{{ end }}`},
		{"no template", "ticket", "no template"},
	} {
		if got := slothTemplate(c.in, c.tier); got != c.want {
			t.Errorf("slothTemplate(%q, %s) = %q, want %q", c.in, c.tier, got, c.want)
		}
	}
}
