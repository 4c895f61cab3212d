// Command writefloor measures what writing obsc's output costs on this
// machine by itself: it reads the files of one module's output directory
// (a template) and writes them n times, as n module directories below
// -o, one file at a time on one goroutine, as obsc's writer does (create,
// write, close), from memory, computing nothing. bench/run.sh runs it
// after obsc's cold build, so the difference between the two is what
// compiling and rendering add.
//
//	writefloor -from out/svc-00000 -n 10000 -o floor-out
//
// With -curve MB it measures instead what each successive 100 MB written
// into the page cache costs (one 100 MB file at a time, from one 1 MiB
// buffer), printing a line "MB seconds" per file: on this VM the first
// gigabyte or so after settle is cheap and every later one about twenty
// times dearer (see bench/README.md), which is what N = 10,000 runs into.
//
//	writefloor -curve 3000 -o curve-out
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

func main() {
	from := flag.String("from", "", "a module's output directory: the files to write")
	n := flag.Int("n", 0, "how many module directories to write")
	out := flag.String("o", "", "output directory; must not exist")
	curveMB := flag.Int("curve", 0, "instead: write this many MB, 100 MB per file, timing each file")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 || (*curveMB <= 0 && (*from == "" || *n <= 0)) {
		fmt.Fprintln(os.Stderr, "usage: writefloor -from DIR -n N -o OUT | writefloor -curve MB -o OUT")
		os.Exit(2)
	}
	var err error
	if *curveMB > 0 {
		err = curve(*curveMB, *out)
	} else {
		err = run(*from, *n, *out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "writefloor:", err)
		os.Exit(1)
	}
}

type file struct {
	name string
	data []byte
}

func run(from string, n int, out string) error {
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	var files []file
	size := 0
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			return err
		}
		files = append(files, file{e.Name(), data})
		size += len(data)
	}
	if len(files) == 0 {
		return fmt.Errorf("no files in %s", from)
	}
	if err := os.Mkdir(out, 0o755); err != nil {
		return err
	}
	start := time.Now()
	for i := range n {
		dir := filepath.Join(out, fmt.Sprintf("m%06d", i))
		if err := os.Mkdir(dir, 0o755); err != nil {
			return err
		}
		for _, f := range files {
			if err := write(filepath.Join(dir, f.name), f.data); err != nil {
				return err
			}
		}
	}
	fmt.Printf("wrote %d files, %.1f MB, in %.2f s\n", n*len(files), float64(n*size)/1e6, time.Since(start).Seconds())
	return nil
}

func write(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// curve writes mb MB into files of 100 MB below out, printing after each
// the MB written so far and the seconds that file took.
func curve(mb int, out string) error {
	const step = 100
	if err := os.Mkdir(out, 0o755); err != nil {
		return err
	}
	buf := make([]byte, 1<<20)
	for i := range buf {
		buf[i] = byte('a' + i%26) // not zeros: nothing may special-case them
	}
	for done := 0; done < mb; done += step {
		start := time.Now()
		f, err := os.OpenFile(filepath.Join(out, fmt.Sprintf("f%04d", done/step)), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return err
		}
		for range step {
			if _, err := f.Write(buf); err != nil {
				f.Close()
				return err
			}
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Printf("%d %.3f\n", done+step, time.Since(start).Seconds())
	}
	return nil
}
