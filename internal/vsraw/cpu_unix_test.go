//go:build unix

package vsraw

import "testing"

func TestCPUTimeGrows(t *testing.T) {
	a, ok := CPUTime()
	if !ok {
		t.Fatal("no CPU time")
	}
	x := 0
	for i := range 20_000_000 {
		x ^= i
	}
	_ = x
	if b, _ := CPUTime(); b <= a {
		t.Errorf("CPU time %d then %d", a, b)
	}
}
