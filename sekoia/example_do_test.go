package sekoia_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"

	"github.com/socgo/xdr/sekoia"
)

func ExampleClient_Do() {
	srv := startFake()
	defer srv.Close()
	srv.SeedAlerts(3)
	c, err := sekoia.NewClient(srv.APIKey(), sekoia.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// An endpoint called by hand: the query is a struct with url tags (or
	// url.Values), the answer decoded into out.
	type alertQuery struct {
		Limit  int `url:"limit"`
		Offset int `url:"offset,omitempty"`
	}
	var page struct {
		Items []struct {
			ShortID string `json:"short_id"`
		} `json:"items"`
		Total int `json:"total"`
	}
	if err := c.Do(ctx, http.MethodGet, "/v1/sic/alerts", alertQuery{Limit: 2}, nil, &page); err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(page.Items), "of", page.Total, "alerts")

	// A failed answer is an *APIError, as for every other call.
	err = c.Do(ctx, http.MethodGet, "/v1/sic/no-such-endpoint", nil, nil, nil)
	var apiErr *sekoia.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("status", apiErr.StatusCode, errors.Is(err, sekoia.ErrNotFound))
	}

	// Another host is refused before any request.
	err = c.Do(ctx, http.MethodGet, "https://elsewhere.example/v1/sic/alerts", nil, nil, nil)
	fmt.Println(err)
	// Output:
	// 2 of 3 alerts
	// status 404 true
	// sekoia: Do: path "https://elsewhere.example/v1/sic/alerts" is an absolute URL: give the path under the client's base URL, starting with /
}
