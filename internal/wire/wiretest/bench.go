package wiretest

import (
	"testing"

	"github.com/socgo/xdr/internal/vsraw"
)

// Bench runs a request-building benchmark of an API package: the
// sub-benchmarks "handwritten" (hand, which builds the query as the
// package did before the wire layer) and "generated" (gen, which builds
// the request with the generated builder), one call per iteration, each
// encoding its query. Besides ns/op, B/op and allocs/op, each reports
// cpu-ns/op where the system tells it: the process CPU time per
// iteration, which other load on the machine disturbs less than the
// elapsed time.
func Bench(b *testing.B, hand, gen func() error) {
	for _, s := range []struct {
		name string
		f    func() error
	}{{"handwritten", hand}, {"generated", gen}} {
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0, ok := vsraw.CPUTime()
			for b.Loop() {
				if err := s.f(); err != nil {
					b.Fatal(err)
				}
			}
			if cpu1, ok1 := vsraw.CPUTime(); ok && ok1 {
				b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
			}
		})
	}
}
