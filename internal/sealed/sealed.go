// Package sealed closes a text file with the SHA-256 of its content, so a
// reader can tell a whole file from a truncated or altered one. The build
// cache's entries and the output State use it.
package sealed

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
)

// Seal appends the closing line "end <sha256 of body>\n" to body, which
// must end in a newline.
func Seal(body []byte) []byte {
	sum := sha256.Sum256(body)
	return append(append(append(body, "end "...), hex.EncodeToString(sum[:])...), '\n')
}

// A Writer writes a sealed file as it goes, without holding its body:
// what it writes to w is what Seal returns for all that was written to it
// before Close.
type Writer struct {
	w io.Writer
	h hash.Hash
}

// NewWriter returns a Writer of a sealed file to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w, h: sha256.New()} }

// Write writes p to the body.
func (s *Writer) Write(p []byte) (int, error) {
	s.h.Write(p)
	return s.w.Write(p)
}

// Close writes the closing line. The body must end in a newline. It does
// not close w.
func (s *Writer) Close() error {
	_, err := io.WriteString(s.w, "end "+hex.EncodeToString(s.h.Sum(nil))+"\n")
	return err
}

// Open returns the body of a sealed file, and false when data is not one
// whole sealed file.
func Open(data []byte) ([]byte, bool) {
	if len(data) == 0 || data[len(data)-1] != '\n' {
		return nil, false
	}
	i := bytes.LastIndexByte(data[:len(data)-1], '\n')
	if i < 0 {
		return nil, false
	}
	body, last := data[:i+1], data[i+1:len(data)-1]
	sum := sha256.Sum256(body)
	return body, string(last) == "end "+hex.EncodeToString(sum[:])
}
