//go:build linux

package targets

import (
	"io"
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

// createFile creates file, which must not exist, holding data. It makes
// the three system calls that takes (open, write, close) and no more:
// os.OpenFile adds fcntl and epoll calls to set up a file for the
// runtime's poller, which a regular file never uses, and a build creates
// ten files per module on filesystems where every system call counts.
func createFile(file string, data []byte) error {
	fd, err := openCreate(file)
	if err != nil {
		return &fs.PathError{Op: "open", Path: file, Err: err}
	}
	for len(data) > 0 && err == nil {
		var n int
		n, err = syscall.Write(fd, data)
		switch {
		case err == syscall.EINTR:
			err = nil
		case err == nil && n == 0:
			err = io.ErrShortWrite
		case err == nil:
			data = data[n:]
		}
	}
	if err != nil {
		syscall.Close(fd)
		return &fs.PathError{Op: "write", Path: file, Err: err}
	}
	if err := syscall.Close(fd); err != nil {
		return &fs.PathError{Op: "close", Path: file, Err: err}
	}
	return nil
}

func openCreate(file string) (int, error) {
	for {
		fd, err := syscall.Open(file, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, 0o644)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}
