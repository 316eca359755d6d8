// Package idcheck checks the shapes of identifiers shared by the API packages.
package idcheck

// IsUUID reports whether s is a UUID in its canonical textual form:
// 8-4-4-4-12 hexadecimal digits (either case) separated by hyphens.
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}
