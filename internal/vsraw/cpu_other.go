//go:build !unix

package vsraw

// CPUTime reports false: the process CPU time is not read on this system.
func CPUTime() (int64, bool) { return 0, false }
