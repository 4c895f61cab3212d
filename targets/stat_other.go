//go:build !linux

package targets

import "io/fs"

// statOf without inode and status-change time: a State then trusts size,
// mode and modification time, as git does on such systems.
func statOf(info fs.FileInfo) Stat {
	return Stat{Size: info.Size(), Mtime: info.ModTime().UnixNano(), Mode: uint32(info.Mode())}
}
