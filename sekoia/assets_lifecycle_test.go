package sekoia_test

import (
	"context"
	"strings"
	"testing"
)

// Merge refuses a source listed twice before any request, naming it.
func TestAssetsMergeDuplicateSource(t *testing.T) {
	t.Parallel()
	c, _ := mockAPI(t) // any request fails the test
	const (
		dst = "4c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
		src = "5c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
	)
	_, err := c.Assets.Merge(context.Background(), dst, []string{src, "6c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", src})
	if err == nil || !strings.Contains(err.Error(), "Assets.Merge: sources[2]") {
		t.Errorf("err = %v, want one naming sources[2]", err)
	}
}
