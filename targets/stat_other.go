//go:build !linux

package targets

import (
	"io/fs"
	"os"
)

// statOf without inode and status-change time: a State then trusts size,
// mode and modification time, as git does on such systems.
func statOf(info fs.FileInfo) Stat {
	return Stat{Size: info.Size(), Mtime: info.ModTime().UnixNano(), Mode: uint32(info.Mode())}
}

// createFile creates file, which must not exist, holding data. Its Stat
// is not known here (Output.State takes it after Commit).
func createFile(file string, data []byte) (st Stat, known bool, err error) {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return st, false, err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return st, false, err
}
