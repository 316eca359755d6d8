package sekoia_test

import (
	"context"
	"strings"
	"testing"

	"github.com/socgo/xdr/sekoia"
)

func TestBadArgumentsQuotedShort(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 64<<10)
	c, _ := mockAPI(t)
	ctx := context.Background()
	_, errRegion := sekoia.ParseRegion(long)
	_, errWith := sekoia.NewClient("k3y-under-test", sekoia.WithRegion(sekoia.Region(long)))
	_, errTypes := c.Assets.List(ctx, &sekoia.AssetListOptions{Types: []sekoia.AssetType{sekoia.AssetType(long)}})
	_, errCreate := c.Assets.Create(ctx, &sekoia.AssetCreate{Name: "host", Type: sekoia.AssetType(long), CommunityUUID: "6f1e2d3c-4b5a-4978-8a9b-0c1d2e3f4a5b"})
	for name, err := range map[string]error{"ParseRegion": errRegion, "WithRegion": errWith, "Types": errTypes, "Create": errCreate} {
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if len(err.Error()) > 400 {
			t.Errorf("%s: error of %d bytes quotes the whole argument", name, len(err.Error()))
		}
	}
}

func TestKeyControlBytesRefused(t *testing.T) {
	t.Parallel()
	c, _ := mockAPI(t)
	for _, k := range []string{"ab\x00cdef", "ab\x7fcdef", "ab\x1bcdef", "abc def"} {
		if _, err := sekoia.NewClient(k); err == nil {
			t.Errorf("NewClient accepted key %q", k)
		}
		if err := c.SetAPIKey(k); err == nil {
			t.Errorf("SetAPIKey accepted key %q", k)
		}
		if _, err := sekoia.NewIntake(k); err == nil {
			t.Errorf("NewIntake accepted key %q", k)
		}
	}
}
