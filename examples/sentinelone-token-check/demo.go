package main

// This file is the demo's scaffolding: it chooses between the real API and
// an in-process fake from the environment, and starts and seeds the fake.
// The recipe is in main.go.

import (
	"time"

	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

// demoConsoles starts a fake console holding two tokens, one with 90 days
// left and one with 45, and returns them; stop stops the console.
func demoConsoles() (consoles []console, stop func(), err error) {
	srv, err := sentinelonetest.Start()
	if err != nil {
		return nil, nil, err
	}
	now := srv.Now()
	srv.SetTokenExpiry(srv.APIToken(), now.Add(90*24*time.Hour+time.Hour))
	other := srv.AddToken(now.Add(45*24*time.Hour + time.Hour))
	return []console{{srv.URL(), srv.APIToken()}, {srv.URL(), other}}, srv.Close, nil
}
