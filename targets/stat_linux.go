//go:build linux

package targets

import (
	"io/fs"
	"syscall"
)

func statOf(info fs.FileInfo) Stat {
	s := Stat{Size: info.Size(), Mtime: info.ModTime().UnixNano(), Mode: uint32(info.Mode())}
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		s.Ctime = st.Ctim.Sec*1e9 + st.Ctim.Nsec
		s.Ino, s.Dev = uint64(st.Ino), uint64(st.Dev)
	}
	return s
}
