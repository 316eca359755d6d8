package sentinelone_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

func ExampleBlocklistService_Add() {
	srv, err := sentinelonetest.Start() // a fake console; use your console URL and token
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	s, err := sentinelone.NewClient(srv.URL(), srv.APIToken())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// Block a SHA-1 on the Windows endpoints of one site. The scope is
	// always explicit: sentinelone.TenantScope() blocks it everywhere.
	entries, err := s.Blocklist.Add(ctx, sentinelone.SiteScope("225494730938493804"), sentinelone.BlocklistAdd{
		Value:       "3395856ce81f2b7382dee72602f798b642f14140",
		OSType:      sentinelone.OSWindows,
		Description: "dropper seen in case 1234",
		Source:      "SOC",
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(entries), entries[0].Value, entries[0].OSType)

	// An empty scope is refused before any request.
	_, err = s.Blocklist.Add(ctx, sentinelone.Scope{}, sentinelone.BlocklistAdd{Value: entries[0].Value, OSType: sentinelone.OSLinux}, nil)
	fmt.Println(err)
	// Output:
	// 1 3395856ce81f2b7382dee72602f798b642f14140 windows
	// sentinelone: Blocklist.Add: scope is empty; use one of tenant, account, site, group (TenantScope for a global entry)
}

func ExampleFilesService_Download() {
	srv, err := sentinelonetest.Start() // a fake console; use your console URL and token
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	agentID := srv.AddAgent(sentinelonetest.Agent{ComputerName: "host07"})
	threatID := srv.AddThreat("dropper.exe", time.Now().Add(-time.Hour), agentID)

	s, err := sentinelone.NewClient(srv.URL(), srv.APIToken())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// Ask the agent to upload the threat's file, in a zip protected by a
	// password, and wait for the activity that announces the upload.
	since := time.Now().Add(-time.Minute)
	if _, err := s.Files.FetchThreatFile(ctx, sentinelone.ThreatFilter{IDs: []string{threatID}}, "Infected-2024!", nil); err != nil {
		log.Fatal(err)
	}
	up, err := s.Files.WaitForUpload(ctx, sentinelone.WaitUploadOptions{ThreatID: threatID, Since: since,
		PollInterval: 10 * time.Millisecond, Timeout: 5 * time.Minute})
	if err != nil {
		log.Fatal(err)
	}

	// Stream the archive, as the console sends it, to a file.
	dir, err := os.MkdirTemp("", "fetched")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	f, err := os.Create(filepath.Join(dir, up.ActivityID+".zip"))
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	n, err := s.Files.DownloadUpload(ctx, up, f)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(up.FileName, n, "bytes")
	// Output:
	// dropper.exe 4096 bytes
}
