package idcheck

import "testing"

func TestIsUUID(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"2efc4930-1442-4abb-acf2-58ba219a4fd0":  true,
		"2EFC4930-1442-4ABB-ACF2-58BA219A4FD0":  true,
		"2efc4930-1442-4abb-acf2-58ba219a4fd":   false,
		"2efc4930-1442-4abb-acf2-58ba219a4fd00": false,
		"2efc4930x1442-4abb-acf2-58ba219a4fd0":  false,
		"2efc4930-1442-4abb-acf2-58ba219a4fg0":  false,
		"":                                      false,
		"AL8GxTZe7Tn4":                          false,
	} {
		if got := IsUUID(s); got != want {
			t.Errorf("IsUUID(%q) = %v, want %v", s, got, want)
		}
	}
}
