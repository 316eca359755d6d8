//go:build unix

package vsraw

import "syscall"

// CPUTime returns the user and system CPU time of the process so far, in
// nanoseconds.
func CPUTime() (int64, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, false
	}
	return ru.Utime.Nano() + ru.Stime.Nano(), true
}
