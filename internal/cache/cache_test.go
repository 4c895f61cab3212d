package cache

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tinysystems/obsc/compile/ir"
	"github.com/tinysystems/obsc/internal/sealed"
	"github.com/tinysystems/obsc/targets"
)

func testEntry() *Entry {
	return &Entry{
		Name: "orders",
		Pos:  ir.Pos{File: "module.cue", Line: 6, Col: 15},
		Files: map[string]Digest{
			"orders/rules.yaml":     targets.Sum([]byte("rules")),
			"orders/dashboard.json": targets.Sum([]byte("{}")),
		},
	}
}

func moduleDir(t *testing.T, content string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "module.cue"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestRoundTrip(t *testing.T) {
	c, err := open(t.TempDir(), []byte("obsc-test"))
	if err != nil {
		t.Fatal(err)
	}
	k, ok := c.Key(moduleDir(t, "package obs\n"))
	if !ok {
		t.Fatal("module not cacheable")
	}
	k2, _ := c.Key(moduleDir(t, "package obs\n// other\n"))
	out := filepath.Join(t.TempDir(), "out")
	prev := c.LoadEntries(out)
	if prev.Len() != 0 {
		t.Fatal("entries in an empty cache")
	}
	e2 := testEntry()
	e2.Name = "payments"
	e2.Files = map[string]Digest{"payments/rules.yaml": targets.Sum([]byte("p"))}
	rec := c.Record(out, prev)
	rec.Add(k, testEntry())
	rec.Add(k2, e2)
	if err := rec.Commit(); err != nil {
		t.Fatal(err)
	}
	got := c.LoadEntries(out)
	for key, want := range map[Key]*Entry{k: testEntry(), k2: e2} {
		e, hit := got.Get(key)
		if !hit {
			t.Fatal("miss after Commit")
		}
		if diff := cmp.Diff(want, e); diff != "" {
			t.Errorf("Get() mismatch (-want +got):\n%s", diff)
		}
	}
	if got.Len() != 2 {
		t.Errorf("%d entries, want 2", got.Len())
	}
	if _, hit := c.LoadEntries(filepath.Join(t.TempDir(), "other")).Get(k); hit {
		t.Error("another output directory has the entries")
	}
	noTemp(t, c)

	// The same keys again, one compiled, one taken from the cache:
	// nothing written.
	os.Remove(c.EntriesFile(out))
	rec = c.Record(out, got)
	rec.Add(k, testEntry())
	rec.Keep(k2)
	if err := rec.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(c.EntriesFile(out)); !os.IsNotExist(err) {
		t.Errorf("unchanged entries written again (%v)", err)
	}
	noTemp(t, c)
}

// TestRecordKeeps: the entries a build leaves are those it compiled and
// those it took from the cache (Keep), not the others of the last build.
func TestRecordKeeps(t *testing.T) {
	c, out, k := cacheKeys(t, 3)
	k1, k2, k3 := k[0], k[1], k[2]
	rec := c.Record(out, c.LoadEntries(out))
	rec.Add(k1, testEntry())
	rec.Add(k2, testEntry())
	if err := rec.Commit(); err != nil {
		t.Fatal(err)
	}
	// k1 unchanged (kept), k2 gone, k3 new; nothing else.
	rec = c.Record(out, c.LoadEntries(out))
	rec.Add(k3, testEntry())
	rec.Keep(k1)
	rec.Keep(k3) // added already: once
	if err := rec.Commit(); err != nil {
		t.Fatal(err)
	}
	got := c.LoadEntries(out)
	for k, want := range map[Key]bool{k1: true, k2: false, k3: true} {
		e, hit := got.Get(k)
		if hit != want {
			t.Errorf("entry %x: hit %v, want %v", k[:4], hit, want)
		} else if hit {
			if diff := cmp.Diff(testEntry(), e); diff != "" {
				t.Errorf("entry %x (-want +got):\n%s", k[:4], diff)
			}
		}
	}
	if got.Len() != 2 {
		t.Errorf("%d entries, want 2", got.Len())
	}
	if err := rec.Commit(); err == nil {
		t.Error("a second Commit succeeded")
	}
	// Nothing compiled, a module gone: the file is written from the
	// entries kept alone.
	rec = c.Record(out, got)
	rec.Keep(k1)
	if err := rec.Commit(); err != nil {
		t.Fatal(err)
	}
	got = c.LoadEntries(out)
	if _, hit := got.Get(k1); !hit || got.Len() != 1 {
		t.Errorf("after a build that kept one entry: hit %v, %d entries; want it alone", hit, got.Len())
	}
	noTemp(t, c)
}

// TestRecordAbort: a build that fails leaves the entries as they were
// and no temporary file; Add and Commit after Abort write nothing.
func TestRecordAbort(t *testing.T) {
	c, out, k := cacheKeys(t, 2)
	k1, k2 := k[0], k[1]
	rec := c.Record(out, c.LoadEntries(out))
	rec.Add(k1, testEntry())
	if err := rec.Commit(); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(c.EntriesFile(out))
	if err != nil {
		t.Fatal(err)
	}
	rec = c.Record(out, c.LoadEntries(out))
	rec.Add(k2, testEntry())
	rec.Abort()
	rec.Add(k2, testEntry())
	if err := rec.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
	after, err := os.ReadFile(c.EntriesFile(out))
	if err != nil || string(after) != string(before) {
		t.Errorf("entries changed by an aborted build (%v)", err)
	}
	noTemp(t, c)
}

// cacheKeys returns a cache, an output directory and the keys of n
// modules.
func cacheKeys(t *testing.T, n int) (*Cache, string, []Key) {
	t.Helper()
	c, err := open(t.TempDir(), []byte("obsc-test"))
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]Key, n)
	for i := range keys {
		keys[i], _ = c.Key(moduleDir(t, fmt.Sprintf("package obs\n// %d\n", i)))
	}
	return c, filepath.Join(t.TempDir(), "out"), keys
}

// noTemp fails when the entries directory holds anything but entries.
func noTemp(t *testing.T, c *Cache) {
	t.Helper()
	des, _ := os.ReadDir(filepath.Join(c.dir, "v1", "entries"))
	for _, de := range des {
		if strings.HasPrefix(de.Name(), ".") {
			t.Errorf("temporary file %s left in the cache", de.Name())
		}
	}
}

func TestKey(t *testing.T) {
	c1, _ := open(t.TempDir(), []byte("obsc 1"))
	c2, _ := open(t.TempDir(), []byte("obsc 2"))
	a := moduleDir(t, "package obs\nmodule: name: \"a\"\n")
	sameContent := moduleDir(t, "package obs\nmodule: name: \"a\"\n")
	edited := moduleDir(t, "package obs\nmodule: name: \"b\"\n")
	extra := moduleDir(t, "package obs\nmodule: name: \"a\"\n")
	os.WriteFile(filepath.Join(extra, "more.cue"), []byte("package obs\n"), 0o644)
	os.WriteFile(filepath.Join(sameContent, "notes.txt"), []byte("not CUE"), 0o644)

	key := func(c *Cache, dir string) Key {
		k, ok := c.Key(dir)
		if !ok {
			t.Fatalf("%s not cacheable", dir)
		}
		return k
	}
	if key(c1, a) != key(c1, sameContent) {
		t.Error("same .cue files in another directory give another key")
	}
	if key(c1, a) == key(c1, edited) {
		t.Error("an edit does not change the key")
	}
	if key(c1, a) == key(c1, extra) {
		t.Error("another .cue file does not change the key")
	}
	if key(c1, a) == key(c2, a) {
		t.Error("another obsc binary gives the same key")
	}

	// Inside a CUE module, files up to the root count, and imports make
	// a module uncacheable.
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "cue.mod"), 0o755)
	os.WriteFile(filepath.Join(root, "cue.mod", "module.cue"), []byte("module: \"x.example/m\"\n"), 0o644)
	sub := filepath.Join(root, "svc")
	os.MkdirAll(sub, 0o755)
	os.WriteFile(filepath.Join(sub, "module.cue"), []byte("package obs\n"), 0o644)
	before := key(c1, sub)
	os.WriteFile(filepath.Join(root, "shared.cue"), []byte("package obs\nmodule: team: \"t\"\n"), 0o644)
	if key(c1, sub) == before {
		t.Error("a package file above the module does not change the key")
	}
	os.WriteFile(filepath.Join(sub, "module.cue"), []byte("package obs\nimport \"x.example/m/lib\"\n"), 0o644)
	if _, ok := c1.Key(sub); ok {
		t.Error("a module importing packages is cacheable")
	}
}

// TestKeyFiles: KeyFiles gives Key's key and the .cue files it hashed, in
// name order, to be compiled as they are; inside a CUE module, whose key
// covers files elsewhere too, no files.
func TestKeyFiles(t *testing.T) {
	c, _ := open(t.TempDir(), []byte("obsc 1"))
	dir := moduleDir(t, "package obs\nmodule: name: \"a\"\n")
	os.WriteFile(filepath.Join(dir, "b.cue"), []byte("package obs\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not CUE"), 0o644)
	k, files, ok := c.KeyFiles(dir)
	if k2, ok2 := c.Key(dir); !ok || !ok2 || k != k2 {
		t.Fatalf("KeyFiles = %x, %v; Key = %x, %v", k, ok, k2, ok2)
	}
	var got []string
	for _, f := range files {
		disk, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil || string(disk) != string(f.Data) || !f.Regular {
			t.Errorf("%s: %q (regular %v), on disk %q", f.Name, f.Data, f.Regular, disk)
		}
		got = append(got, f.Name)
	}
	if strings.Join(got, " ") != "b.cue module.cue" {
		t.Errorf("files %v, want b.cue module.cue", got)
	}

	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "cue.mod"), 0o755)
	sub := filepath.Join(root, "svc")
	os.MkdirAll(sub, 0o755)
	os.WriteFile(filepath.Join(sub, "module.cue"), []byte("package obs\n"), 0o644)
	if _, files, ok := c.KeyFiles(sub); !ok || files != nil {
		t.Errorf("in a CUE module: files %v, ok %v; want none, cacheable", files, ok)
	}
}

// TestCorrupt checks that a damaged entries file is a miss for every
// module, and is removed.
func TestCorrupt(t *testing.T) {
	c, _ := open(t.TempDir(), []byte("obsc-test"))
	k, _ := c.Key(moduleDir(t, "package obs\n"))
	out := filepath.Join(t.TempDir(), "out")
	one := func(k Key, e *Entry) []byte {
		return sealed.Seal(appendEntry([]byte(format+"\n"), k, e))
	}
	rec := c.Record(out, NewEntries())
	rec.Add(k, testEntry())
	if err := rec.Commit(); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(c.EntriesFile(out))
	if err != nil {
		t.Fatal(err)
	}
	opened, ok := sealed.Open(good)
	if !ok {
		t.Fatal("the written file does not open")
	}
	body := string(opened)
	reseal := func(s string) []byte { return sealed.Seal([]byte(s)) }
	at := ir.Pos{File: "m.cue", Line: 1, Col: 1}
	tests := map[string][]byte{
		"An empty file is a miss.":                {},
		"A truncated file is a miss.":             good[:len(good)/2],
		"A file without its last byte is a miss.": good[:len(good)-1],
		"A flipped byte is a miss.":               flip(good, len(good)/3),
		"Garbage is a miss.":                      []byte("\x00\x01garbage\n"),
		"Another format is a miss.":               reseal(strings.Replace(body, format, "obsc-cache v1", 1)),
		"A bad key is a miss.":                    reseal(strings.Replace(body, "entry ", "entry zz", 1)),
		"A key twice is a miss.":                  reseal(body + strings.TrimPrefix(body, format+"\n")),
		"A key too long is a miss.":               reseal(strings.Replace(body, "entry ", "entry 00", 1)),
		"A digest too long is a miss.":            reseal(strings.Replace(body, "file ", "file 0000", 1)),
		"A digest too short is a miss.":           reseal(body[:strings.Index(body, "file ")+5] + body[strings.Index(body, "file ")+7:]),
		"A path outside the module is a miss.": one(k, &Entry{Name: "orders", Pos: at,
			Files: map[string]Digest{"other/rules.yaml": {}}}),
		"A path escaping the output is a miss.": one(k, &Entry{Name: "orders", Pos: at,
			Files: map[string]Digest{"orders/../../etc/passwd": {}}}),
		"An entry without files is a miss.": one(k, &Entry{Name: "orders", Pos: at}),
		"A name with a slash is a miss.": one(k, &Entry{Name: "a/b", Pos: at,
			Files: map[string]Digest{"a/b/rules.yaml": {}}}),
	}
	if len(body) == 0 || !strings.HasPrefix(body, format+"\n") {
		t.Fatalf("unexpected layout:\n%s", good)
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(c.EntriesFile(out), data, 0o644); err != nil {
				t.Fatal(err)
			}
			if s := c.LoadEntries(out); s.Len() != 0 {
				t.Fatalf("LoadEntries() has %d entries, want none", s.Len())
			}
			if _, err := os.Stat(c.EntriesFile(out)); !os.IsNotExist(err) {
				t.Errorf("corrupt file left in place (%v)", err)
			}
		})
	}
}

func flip(b []byte, i int) []byte {
	out := append([]byte(nil), b...)
	out[i] ^= 0x20
	return out
}

// TestBinaryIDIsTheGoBuildID: the cache is keyed by the Go build ID the
// go command wrote into the binary (not a hash of the whole file, which
// would cost a read of tens of megabytes per run).
func TestBinaryIDIsTheGoBuildID(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the build ID is read from the ELF note; elsewhere the binary is hashed")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "tool", "buildid", exe).Output()
	if err != nil {
		t.Fatalf("go tool buildid: %v", err)
	}
	want := strings.TrimSpace(string(out))
	f, err := os.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := string(elfBuildID(f)); got != want {
		t.Errorf("elfBuildID() = %q, want %q", got, want)
	}
	id, err := binaryID()
	if err != nil || !strings.HasSuffix(string(id), "\x00"+want) {
		t.Errorf("binaryID() = %q, %v; want it to end in the build ID %q", id, err, want)
	}
}
