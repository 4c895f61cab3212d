package cache

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tinysystems/obsc/internal/sealed"
)

// FuzzDecodeEntries: an entries file whose seal holds (a damaged one is
// caught by the seal before parsing) never panics the parser, and what it
// reads is what a Recorder writes back: every entry written again and the
// file read again, the same entries.
func FuzzDecodeEntries(f *testing.F) {
	var k Key
	k[0], k[31] = 0xab, 0xcd
	f.Add(appendEntry([]byte(format+"\n"), k, testEntry()))
	f.Add([]byte(format + "\n"))
	f.Add([]byte(format + "\nentry 00\nname a\npos 1 2 m.cue\nfile 00 a/x\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) == 0 || body[len(body)-1] != '\n' {
			body = append(body, '\n')
		}
		s, err := decodeEntries(sealed.Seal(body))
		if err != nil {
			return
		}
		again := []byte(format + "\n")
		for k, e := range s.m {
			again = appendEntry(again, k, e)
		}
		s2, err := decodeEntries(sealed.Seal(again))
		if err != nil {
			t.Fatalf("entries read from\n%s\nwritten again do not read: %v\n%s", body, err, again)
		}
		if diff := cmp.Diff(s.m, s2.m); diff != "" {
			t.Fatalf("entries written again read differently (-first +again):\n%s", diff)
		}
	})
}
