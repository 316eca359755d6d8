package vsraw

import (
	"testing"
)

func TestRunReports(t *testing.T) {
	var ran []string
	r := testing.Benchmark(func(b *testing.B) {
		Run(b, 10, func(b *testing.B) {
			ran = append(ran, "sdk")
			for b.Loop() {
			}
		}, func(b *testing.B) {
			ran = append(ran, "raw")
			for b.Loop() {
			}
		})
	})
	_ = r
	if len(ran) < 2 || ran[0] != "sdk" || ran[len(ran)-1] != "raw" {
		t.Errorf("sub-benchmarks ran as %v", ran)
	}
}
