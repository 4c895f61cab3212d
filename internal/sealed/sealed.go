// Package sealed closes a text file with the SHA-256 of its content, so a
// reader can tell a whole file from a truncated or altered one. The build
// cache's entries and the output State use it.
package sealed

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
)

// Seal appends the closing line "end <sha256 of body>\n" to body, which
// must end in a newline.
func Seal(body []byte) []byte {
	sum := sha256.Sum256(body)
	return append(append(append(body, "end "...), hex.EncodeToString(sum[:])...), '\n')
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
