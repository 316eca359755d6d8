package sekoia_test

import (
	"context"
	"testing"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

// assetTriageFake seeds n unreviewed assets (tagged "new"), plus some
// reviewed ones, and returns the unreviewed ones.
func assetTriageFake(t *testing.T, srv *sekoiatest.Server, n int) map[string]bool {
	t.Helper()
	want := make(map[string]bool, n)
	for i := range n {
		a := srv.AddAsset(sekoia.Asset{Name: "host", Tags: []string{"new"}})
		want[a.UUID] = true
		if i%10 == 0 {
			srv.AddAsset(sekoia.Asset{Name: "host", Reviewed: true})
		}
	}
	return want
}

// TestAssetsAllChangeInLoop changes, inside the loop, the very field the
// loop filters on (reviewed, a tag), while new assets arrive. Each
// original is visited exactly once.
func TestAssetsAllChangeInLoop(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		opts   sekoia.AssetListOptions
		change func(c *sekoia.Client, a *sekoia.Asset) error
	}{
		{"review", sekoia.AssetListOptions{Reviewed: ptr(false)}, func(c *sekoia.Client, a *sekoia.Asset) error {
			_, err := c.Assets.Update(ctx, a.UUID, &sekoia.AssetUpdate{Reviewed: ptr(true)})
			return err
		}},
		{"untag, small pages", sekoia.AssetListOptions{Tags: []string{"new"}, Limit: 7}, func(c *sekoia.Client, a *sekoia.Asset) error {
			return c.Assets.RemoveTag(ctx, a.UUID, "new")
		}},
		{"revoke, by name", sekoia.AssetListOptions{Tags: []string{"new"}, Sort: sekoia.AssetSortName, Direction: sekoia.Descending}, func(c *sekoia.Client, a *sekoia.Asset) error {
			_, err := c.Assets.Revoke(ctx, a.UUID)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, c := fakeAPI(t)
			want := assetTriageFake(t, srv, 260)
			onlyOriginals(t, want, visitOnce(t, want, c.Assets.All(ctx, &tc.opts), func(a sekoia.Asset) string { return a.UUID },
				func(a sekoia.Asset) error { return tc.change(c, &a) },
				func() error { srv.AddAsset(sekoia.Asset{Name: "host", Tags: []string{"new"}}); return nil }))
		})
	}
}
