package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/checkpoint/leasetest"
	"github.com/socgo/xdr/checkpoint/pgstore"
)

// Environment of the tests against a real database (.ci/run sets them).
const (
	envDSN     = "XDR_TEST_POSTGRES_DSN"     // connection string
	envRestart = "XDR_TEST_POSTGRES_RESTART" // shell command restarting the server
)

// testDSN returns the database of the tests. Without one the test fails
// under CI=true and is skipped elsewhere, saying how to get one.
func testDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(envDSN)
	if dsn == "" {
		msg := envDSN + " is not set: start a PostgreSQL with `bash .ci/postgres start DIR` and export the line it prints as " + envDSN
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dsn
}

func open(t *testing.T, table string) *pgstore.Store {
	t.Helper()
	s, err := pgstore.Open(t.Context(), testDSN(t), pgstore.Options{Table: table})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestContract(t *testing.T) {
	table := fmt.Sprintf("xdr_contract_%d", time.Now().UnixNano())
	leasetest.Run(t, func(t *testing.T) checkpoint.LeaseStore { return open(t, table) })
	dropTables(t, table)
}

func TestCreatesTableOnceConcurrently(t *testing.T) {
	dsn := testDSN(t) // here, not in the goroutines: t.Fatal must run on the test's own
	table := fmt.Sprintf("xdr_create_%d", time.Now().UnixNano())
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			s, err := pgstore.Open(context.Background(), dsn, pgstore.Options{Table: table})
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Errorf("Open: %v", err)
		}
	}
	dropTables(t, table)
}

func TestOptionsAndErrors(t *testing.T) {
	t.Parallel()
	for _, table := range []string{"a;drop table x", "a.b.c", "1abc", strings.Repeat("a", 64)} {
		if _, err := pgstore.MigrationSQL(table); err == nil {
			t.Errorf("MigrationSQL(%q) accepted the name", table)
		}
	}
	sql, err := pgstore.MigrationSQL("")
	if err != nil || !strings.Contains(sql, `CREATE TABLE IF NOT EXISTS "xdr_checkpoints"`) {
		t.Errorf("MigrationSQL(\"\") = %q, %v", sql, err)
	}
	if sql, err := pgstore.MigrationSQL("collect.cp"); err != nil || !strings.Contains(sql, `"collect"."cp"`) {
		t.Errorf("MigrationSQL(collect.cp) = %q, %v", sql, err)
	}
	const secret = "postgres://u:hunter2-secret@[::1"
	_, err = pgstore.Open(t.Context(), secret, pgstore.Options{})
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Open with a bad DSN = %v; want an error that does not quote the password", err)
	}
	if _, err := pgstore.New(t.Context(), nil, pgstore.Options{}); err == nil {
		t.Error("New(nil pool) succeeded")
	}
}

func TestSaveSurvivesARestart(t *testing.T) {
	restart := os.Getenv(envRestart)
	if restart == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal(envRestart + " is not set")
		}
		t.Skip(envRestart + " is not set: the restart test needs a command that restarts the server")
	}
	table := fmt.Sprintf("xdr_restart_%d", time.Now().UnixNano())
	s := open(t, table)
	ctx := t.Context()
	l, err := s.Acquire(ctx, "src", "a", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, l, []byte("before")); err != nil {
		t.Fatal(err)
	}
	if err := runShell(restart); err != nil {
		t.Fatalf("restart: %v", err)
	}
	// The pool's connections died with the server: the first calls may
	// fail, then the pool reconnects.
	var saveErr error
	for range 50 {
		if saveErr = s.Save(ctx, l, []byte("after")); saveErr == nil || errors.Is(saveErr, checkpoint.ErrLeaseLost) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if saveErr != nil {
		t.Fatalf("Save after the restart: %v", saveErr)
	}
	if b, err := s.Load(ctx, "src"); err != nil || string(b) != "after" {
		t.Fatalf("Load = %q, %v", b, err)
	}
	dropTables(t, table)
}
