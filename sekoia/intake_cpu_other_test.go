//go:build !unix

package sekoia_test

import "time"

// processCPU returns 0: the process's CPU time is not read here, and the
// benchmarks report no CPU figure.
func processCPU() time.Duration { return 0 }
