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

// createFile creates file, which must not exist, holding data, and
// returns its Stat as the file holds it then (known false when that
// could not be had). It makes the four system calls that takes (open,
// write, fstat, close) and no more: os.OpenFile adds fcntl and epoll
// calls to set up a file for the runtime's poller, which a regular file
// never uses, and a build creates ten files per module on filesystems
// where every system call counts. The Stat saves the State an lstat of
// the file by its path after Commit (see Output.State).
func createFile(file string, data []byte) (st Stat, known bool, err error) {
	fd, err := openCreate(file)
	if err != nil {
		return st, false, &fs.PathError{Op: "open", Path: file, Err: err}
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
		return st, false, &fs.PathError{Op: "write", Path: file, Err: err}
	}
	var sys syscall.Stat_t
	if syscall.Fstat(fd, &sys) == nil {
		st, known = statOfSys(&sys)
	}
	if err := syscall.Close(fd); err != nil {
		return st, false, &fs.PathError{Op: "close", Path: file, Err: err}
	}
	return st, known, nil
}

// statOfSys is statOf of a regular file's fstat, or false for anything
// else: the mode of a Stat is an fs.FileMode, which only the permission
// bits of a plain regular file carry over as they are.
func statOfSys(sys *syscall.Stat_t) (Stat, bool) {
	if sys.Mode&syscall.S_IFMT != syscall.S_IFREG || sys.Mode&(syscall.S_ISUID|syscall.S_ISGID|syscall.S_ISVTX) != 0 {
		return Stat{}, false
	}
	return Stat{
		Size:  sys.Size,
		Mtime: sys.Mtim.Sec*1e9 + sys.Mtim.Nsec,
		Ctime: sys.Ctim.Sec*1e9 + sys.Ctim.Nsec,
		Ino:   uint64(sys.Ino),
		Dev:   uint64(sys.Dev),
		Mode:  uint32(fs.FileMode(sys.Mode & 0o777)),
	}, true
}

func openCreate(file string) (int, error) {
	for {
		fd, err := syscall.Open(file, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, 0o644)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}
