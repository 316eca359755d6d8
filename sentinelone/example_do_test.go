package sentinelone_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/url"

	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

func ExampleClient_Do() {
	srv, err := sentinelonetest.Start() // a fake console; use your console URL and token
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.AddAgent(sentinelonetest.Agent{ComputerName: "FINANCE-LT-042"})

	s, err := sentinelone.NewClient(srv.URL(), srv.APIToken())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// An endpoint called by hand: out gets the whole envelope.
	var page struct {
		Data []struct {
			ComputerName string `json:"computerName"`
		} `json:"data"`
		Pagination sentinelone.Pagination `json:"pagination"`
	}
	q := url.Values{"computerName": {"FINANCE-LT-042"}, "limit": {"10"}}
	if err := s.Do(ctx, http.MethodGet, "/agents", q, nil, &page); err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(page.Data), page.Data[0].ComputerName)

	// The path is under the API base: no host, no query in it.
	err = s.Do(ctx, http.MethodGet, "/agents?limit=10", nil, nil, nil)
	fmt.Println(err)
	// Output:
	// 1 FINANCE-LT-042
	// sentinelone: Do: path "/agents?limit=10" has a query or fragment: give the query in query
}
