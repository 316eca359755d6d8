package main

import (
	"strings"
	"testing"
)

func TestParseAndPrint(t *testing.T) {
	r := results{}
	r.parse("sentinelone", []byte(`goos: linux
BenchmarkVsRawAgentsAll/sdk-2   	       1	 900 ns/op	  100 items/s	  50 B/op	  10 allocs/op
BenchmarkVsRawAgentsAll/raw-2   	       1	1000 ns/op	   90 items/s	 100 B/op	  20 allocs/op
BenchmarkOther-2   	       1	1000 ns/op
PASS
`))
	r.parse("sentinelone", []byte("BenchmarkVsRawAgentsAll/sdk-2 1 700 ns/op 120 items/s 50 B/op 10 allocs/op\n"+
		"BenchmarkVsRawAgentsAll/raw-2 1 1000 ns/op 90 items/s 100 B/op 20 allocs/op\n"+
		"BenchmarkVsRawAgentsAll/sdk-2 1 800 ns/op 110 items/s 50 B/op 10 allocs/op\n"))
	var b strings.Builder
	r.print(&b)
	got := b.String()
	for _, want := range []string{
		"| sentinelone.VsRawAgentsAll | ns/op | 800 | 1000 | 0.80x | 2 |",
		"| sentinelone.VsRawAgentsAll | allocs/op | 10 | 20 | 0.50x | 2 |",
		"| sentinelone.VsRawAgentsAll | B/op | 50 | 100 | 0.50x | 2 |",
		"| sentinelone.VsRawAgentsAll | items/s | 110 | 90 | 1.22x | 2 |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Other") {
		t.Errorf("table holds a benchmark that is no comparison:\n%s", got)
	}
	if i, j := strings.Index(got, "ns/op"), strings.Index(got, "allocs/op"); i > j {
		t.Errorf("ns/op is not first:\n%s", got)
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}
