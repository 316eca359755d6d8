package sentinelone_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

const benchUploadSize = 16 << 20

// benchUpload starts a fake console holding one 16 MiB upload and returns
// it with the upload's agent and activity ids.
func benchUpload(b *testing.B) (*sentinelonetest.Server, string, string) {
	b.Helper()
	srv := sentinelonetest.NewServer(b)
	srv.SetUploadSize(benchUploadSize)
	agent := srv.AddAgent(sentinelonetest.Agent{ComputerName: "bench"})
	c, err := sentinelone.NewClient(srv.URL(), srv.APIToken(), sentinelone.WithoutRateLimits())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Files.FetchAgentFiles(ctx, agent, []string{"/big"}, "Infected-2024!", nil); err != nil {
		b.Fatal(err)
	}
	up, err := c.Files.WaitForUpload(ctx, sentinelone.WaitUploadOptions{AgentID: agent, PollInterval: time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	return srv, agent, up.ActivityID
}

// BenchmarkDownload_SDK streams a 16 MiB upload with Files.Download.
func BenchmarkDownload_SDK(b *testing.B) {
	srv, agent, act := benchUpload(b)
	c, err := sentinelone.NewClient(srv.URL(), srv.APIToken(), sentinelone.WithoutRateLimits())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(benchUploadSize)
	b.ReportAllocs()
	for b.Loop() {
		if n, err := c.Files.Download(context.Background(), agent, act, io.Discard); err != nil || n != benchUploadSize {
			b.Fatal(n, err)
		}
	}
}

// BenchmarkDownload_Baseline streams the same upload with net/http and
// io.Copy: what the network and the fake cost.
func BenchmarkDownload_Baseline(b *testing.B) {
	srv, agent, act := benchUpload(b)
	hc := &http.Client{}
	url := srv.URL() + sentinelone.APIPath + "/agents/" + agent + "/uploads/" + act
	b.SetBytes(benchUploadSize)
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Authorization", "ApiToken "+srv.APIToken())
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || n != benchUploadSize {
			b.Fatal(n, err)
		}
	}
}
