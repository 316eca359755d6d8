// Package vsraw runs the comparison benchmarks of the module: a benchmark
// BenchmarkVsRaw<Path> has exactly two sub-benchmarks, sdk (the client's
// call) and raw (a hand-written net/http + encoding/json loop decoding the
// same fields), over the same pre-serialised data on a loopback server.
// go run ./internal/benchtable prints their ratios.
package vsraw

import "testing"

// Run runs sdk and raw as the sub-benchmarks "sdk" and "raw" of b; one
// iteration of either handles n items. Besides ns/op, B/op and allocs/op,
// each reports items/s and, where the system tells it, cpu-ns/op: the CPU
// time of the whole process (all goroutines, the loopback server's
// included) per iteration, which other load on the machine changes far
// less than the elapsed time.
func Run(b *testing.B, n int, sdk, raw func(b *testing.B)) {
	for _, s := range []struct {
		name string
		f    func(*testing.B)
	}{{"sdk", sdk}, {"raw", raw}} {
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0, ok := CPUTime()
			s.f(b)
			if cpu1, ok1 := CPUTime(); ok && ok1 {
				b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
			}
			b.ReportMetric(float64(b.N)*float64(n)/b.Elapsed().Seconds(), "items/s")
		})
	}
}
