package targets

import (
	"path/filepath"
	"testing"

	"github.com/tinysystems/obsc/internal/sealed"
)

// FuzzParseState: a State file whose seal holds (a damaged one is caught
// by the seal before parsing) never panics the parser, and what it reads
// is what Save writes back: saved and loaded again, the same State.
func FuzzParseState(f *testing.F) {
	f.Add([]byte(stateFormat + "\n" +
		"000102030405060708090a0b0c0d0e0f 7 1700000000123456789 1700000000123456789 42 2049 420 a/rules.yaml\n" +
		"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff 0 1 2 3 4 420 kustomization.yaml\n"))
	f.Add([]byte(stateFormat + "\n"))
	f.Add([]byte(stateFormat + "\n" + "00 1 2 3 4 5 6 a\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) == 0 || body[len(body)-1] != '\n' {
			body = append(body, '\n')
		}
		s := parseState(sealed.Seal(body))
		if s == nil {
			return
		}
		file := filepath.Join(t.TempDir(), "state")
		if err := s.Save(file); err != nil {
			t.Fatal(err)
		}
		if again := LoadState(file); !s.Equal(again) {
			t.Fatalf("read %+v, saved and read again %+v", s, again)
		}
		for p := range s.Files {
			if err := checkPath(p); err != nil {
				t.Fatalf("path %q accepted: %v", p, err)
			}
		}
	})
}
