//go:build !linux

package targets

// exchange replaces target with staging by two renames: target is moved
// aside, staging moved in. A crash between the two leaves target missing
// and the old tree beside it; the next Replace puts it back
// (recoverLeftovers). It returns where the old tree now is.
func exchange(staging, target string) (string, error) {
	return renameSwap(staging, target)
}

// lockDir is a no-op here: concurrent obsc runs on the same output are
// not supported on this platform.
func lockDir(string) (func(), error) { return func() {}, nil }

// exchangeEntry: no atomic exchange here; the whole tree is swapped.
func exchangeEntry(string, string) error { return errNotSwappable }
