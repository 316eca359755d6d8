package main

// This file is the demo's scaffolding: it chooses between the real API and
// an in-process fake from the environment, and starts and seeds the fake.
// The recipe is in main.go.

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

// client returns a client of the console in S1_CONSOLE_URL/S1_API_TOKEN,
// or of a fake console.
func client(stderr io.Writer) (*sentinelone.Client, func(), error) {
	if u := os.Getenv("S1_CONSOLE_URL"); u != "" {
		s, err := sentinelone.NewClient(u, os.Getenv("S1_API_TOKEN"))
		return s, func() {}, err
	}
	fmt.Fprintln(stderr, "S1_CONSOLE_URL not set: using a fake console")
	srv, err := sentinelonetest.Start()
	if err != nil {
		return nil, nil, err
	}
	now := srv.Now()
	srv.AddDVEvent("FINANCE-LT-042", "powershell.exe", "powershell.exe -NoP -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoA", now.Add(-5*time.Hour))
	srv.AddDVEvent("FINANCE-LT-042", "cmd.exe", "cmd.exe /c whoami /all", now.Add(-5*time.Hour+time.Minute))
	srv.AddDVEvent("SRV-DC-01", "PowerShell.exe", "PowerShell.exe -File C:\\Scripts\\backup.ps1", now.Add(-2*time.Hour))
	srv.AddDVEvent("HR-LT-001", "winword.exe", "WINWORD.EXE /n invoice.docm", now.Add(-30*time.Minute))
	srv.SetDVPlan(sentinelonetest.DVPlan{Polls: 2})
	s, err := srv.Client(sentinelone.WithoutRateLimits())
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	return s, srv.Close, nil
}
