//go:build !unix

package checkpoint

// lockFile is a no-op where flock(2) is missing: FileLeases then guards
// the goroutines of one process only (with its mutex).
func lockFile(string) (func(), error) { return func() {}, nil }
