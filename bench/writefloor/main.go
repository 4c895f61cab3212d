// Command writefloor measures what writing obsc's output costs on this
// machine by itself: it reads the files of one module's output directory
// (a template) and writes them n times, as n module directories below
// -o, one file at a time on one goroutine, as obsc's writer does (create,
// write, close), from memory, computing nothing. bench/run.sh runs it
// after obsc's cold build, so the difference between the two is what
// compiling and rendering add.
//
//	writefloor -from out/svc-00000 -n 10000 -o floor-out
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
	flag.Parse()
	if *from == "" || *n <= 0 || *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: writefloor -from DIR -n N -o OUT")
		os.Exit(2)
	}
	if err := run(*from, *n, *out); err != nil {
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
