package fleet_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/fleet"
)

// printer stands for a collector (tehtris.Collector, sentinelone.Collector):
// it runs until its ctx is done. For the example's sake it stops the fleet
// once it runs (a timer would not do on a busy machine).
type printer struct {
	id   string
	stop context.CancelFunc
}

func (p printer) Run(ctx context.Context) error {
	fmt.Println("running", p.id)
	p.stop()
	<-ctx.Done()
	return nil
}

// Every replica runs the same program with the same sources; each source
// runs in one replica at a time. Across machines, use the PostgreSQL store
// of github.com/socgo/xdr/checkpoint/pgstore instead of FileLeases.
func Example() {
	dir, _ := os.MkdirTemp("", "fleet")
	defer os.RemoveAll(dir)
	leases, err := checkpoint.NewFileLeases(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var sources []fleet.Source
	for _, id := range []string{"tehtris/tenant-a"} {
		sources = append(sources, fleet.Source{ID: id, New: func(store checkpoint.Store) (fleet.Runner, error) {
			// Build the collector on store, e.g.:
			// client.EventCollector(tehtris.CollectorConfig{Store: store}, handle)
			return printer{id, cancel}, nil
		}})
	}
	f, err := fleet.New(fleet.Config{Leases: leases, Sources: sources, MaxSources: 10, TTL: 3 * time.Second})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = f.Run(ctx) // until ctx is done: then its collectors stop and its leases are released
	fmt.Println("released on stop:", len(f.Running()) == 0)
	// Output:
	// running tehtris/tenant-a
	// released on stop: true
}
