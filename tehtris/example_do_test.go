package tehtris_test

import (
	"context"
	"fmt"
	"log"
	"net/http"

	"github.com/socgo/xdr/tehtris"
	"github.com/socgo/xdr/tehtris/tehtristest"
)

func ExampleClient_Do() {
	srv, err := tehtristest.Start() // a fake platform on loopback
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.AddFilter(tehtristest.Filter{Name: "Critical alerts"})
	srv.AddFilter(tehtristest.Filter{Name: "Sandbox"})

	c, err := tehtris.NewClient("", srv.APIKey(), tehtris.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// An endpoint called by hand: the query is a struct with url tags (or
	// url.Values), the answer decoded into out.
	type filterQuery struct {
		Name string `url:"name,omitempty"`
	}
	var filters []struct {
		Name string `json:"name"`
	}
	if err := c.Do(ctx, http.MethodGet, "/xdr/v2/filter", filterQuery{Name: "critical"}, nil, &filters); err != nil {
		log.Fatal(err)
	}
	for _, f := range filters {
		fmt.Println(f.Name)
	}

	// A dot segment is refused before any request.
	err = c.Do(ctx, http.MethodGet, "/xdr/v2/filter/%2e%2e/admin", nil, nil, nil)
	fmt.Println(err)
	// Output:
	// Critical alerts
	// tehtris: Do: path "/xdr/v2/filter/%2e%2e/admin" has a . or .. segment, which a proxy would resolve
}
