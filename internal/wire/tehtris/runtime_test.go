package tehtris

import (
	"testing"

	"github.com/socgo/xdr/internal/wire/wiretest"
)

// Every builder makes the request that encoding each parameter with
// oapi-codegen/runtime would make, over random parameters (escaping-prone
// strings, extreme numbers, empty and nil lists, nil params).
func TestBuildersMatchRuntime(t *testing.T) {
	t.Parallel()
	wiretest.Compare(t, runtimePairs, 300)
}
