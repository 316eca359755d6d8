package pgstore_test

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/checkpoint/pgstore"
	"github.com/socgo/xdr/fleet"
	"github.com/socgo/xdr/internal/collect"
)

// The fleet test's replicas are this test binary run again with these
// variables set (see TestMain).
const (
	envChild   = "XDR_FLEET_CHILD"   // the replica's holder name
	envRun     = "XDR_FLEET_RUN"     // the run's id (table names)
	envBase    = "XDR_FLEET_BASE"    // time of the sources' first event, Unix ns
	envSources = "XDR_FLEET_SOURCES" // number of sources
)

// Timing of the fleet test: short, so that many kills fit in a CI run.
const (
	fleetTTL     = time.Second
	fleetRenew   = 250 * time.Millisecond
	fleetAcquire = 200 * time.Millisecond
	fleetPoll    = 200 * time.Millisecond
	eventStep    = 20 * time.Millisecond // 50 events a second per source
)

func TestMain(m *testing.M) {
	if holder := os.Getenv(envChild); holder != "" {
		os.Exit(runReplica(holder))
	}
	os.Exit(m.Run())
}

// event is a synthetic source's event: number I at time base + I*eventStep.
type event struct {
	I int64
	T time.Time
}

// synthFetch returns the events of [from, to] of a source that produces
// one event every eventStep from base: new events keep arriving as time
// passes, and every replica sees the same ones.
func synthFetch(base time.Time) func(ctx context.Context, from, to time.Time) iter.Seq2[event, error] {
	return func(ctx context.Context, from, to time.Time) iter.Seq2[event, error] {
		return func(yield func(event, error) bool) {
			lo := max(int64((from.Sub(base)+eventStep-1)/eventStep), 0)
			hi := int64(to.Sub(base) / eventStep)
			for i := lo; i <= hi; i++ {
				if !yield(event{I: i, T: base.Add(time.Duration(i) * eventStep)}, nil) {
					return
				}
			}
		}
	}
}

func tables(run string) (leases, batches, deliveries string) {
	return "xdr_fleet_" + run, "xdr_fleet_batches_" + run, "xdr_fleet_deliveries_" + run
}

// runReplica is one replica: a fleet over the sources, every delivery
// recorded in the database with the lease's fencing token.
func runReplica(holder string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	run := os.Getenv(envRun)
	baseNs, _ := strconv.ParseInt(os.Getenv(envBase), 10, 64)
	base := time.Unix(0, baseNs)
	n, _ := strconv.Atoi(os.Getenv(envSources))
	leaseTable, batchTable, delivTable := tables(run)
	dsn := os.Getenv(envDSN)
	store, err := pgstore.Open(ctx, dsn, pgstore.Options{Table: leaseTable})
	if err != nil {
		fmt.Fprintln(os.Stderr, "replica:", err)
		return 1
	}
	defer store.Close()
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		fmt.Fprintln(os.Stderr, "replica:", err)
		return 1
	}
	defer pool.Close()
	var srcs []fleet.Source
	for k := range n {
		id := fmt.Sprintf("source-%d", k)
		srcs = append(srcs, fleet.Source{ID: id, New: func(st checkpoint.Store) (fleet.Runner, error) {
			token := st.(checkpoint.Fenced).Lease().Token
			return collect.New(collect.Config[event]{
				Name: id, Store: st, Start: base, Granularity: time.Millisecond,
				Key:   func(e event) (string, time.Time) { return strconv.FormatInt(e.I, 10), e.T },
				Fetch: synthFetch(base),
				Handle: func(ctx context.Context, batch []event) error {
					started := time.Now()
					ids := make([]int64, len(batch))
					for i, e := range batch {
						ids[i] = e.I
					}
					_, err := pool.Exec(ctx, `WITH b AS (
						INSERT INTO `+batchTable+` (source, token, holder, n, started_at, ended_at)
						VALUES ($1, $2, $3, $4, $5, clock_timestamp()) RETURNING id)
						INSERT INTO `+delivTable+` (source, event_id, token, batch)
						SELECT $1, unnest($6::bigint[]), $2, (SELECT id FROM b)`,
						id, token, holder, len(batch), started, ids)
					return err
				},
				BatchSize: 25, PollInterval: fleetPoll, RetryMin: 50 * time.Millisecond, RetryMax: 500 * time.Millisecond,
				SaveTimeout: 2 * time.Second, ProgressInterval: -1,
			})
		}})
	}
	f, err := fleet.New(fleet.Config{Leases: store, Sources: srcs, Holder: holder, MaxSources: 3,
		TTL: fleetTTL, RenewEvery: fleetRenew, AcquireEvery: fleetAcquire, RetryAfter: time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, "replica:", err)
		return 1
	}
	_ = f.Run(ctx)
	return 0
}

type replica struct {
	holder string
	cmd    *exec.Cmd
	done   chan struct{}
}

type kill struct {
	at     time.Time
	holder string
	held   map[string]int64 // source -> token held at the kill
}

// TestFleetFailoverUnderKills runs three replicas (processes) over the same
// sources, SIGKILLs the holder of a random source at random moments while
// events keep arriving, restarts the database once in the middle, and then
// checks: every event delivered, no two holders delivering a source's
// batches at once, failover within TTL plus one acquisition attempt and
// one poll. The figures are logged.
func TestFleetFailoverUnderKills(t *testing.T) {
	dsn := testDSN(t)
	restart := os.Getenv(envRestart)
	if restart == "" && os.Getenv("CI") == "true" {
		t.Fatal(envRestart + " is not set")
	}
	duration := 25 * time.Second
	if s := os.Getenv("XDR_FLEET_SECONDS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			duration = time.Duration(n) * time.Second
		}
	}
	const nSources = 4
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	leaseTable, batchTable, delivTable := tables(run)
	ctx := t.Context()
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, `CREATE TABLE `+batchTable+` (id bigserial PRIMARY KEY, source text, token bigint, holder text, n int,
		started_at timestamptz, ended_at timestamptz);
		CREATE TABLE `+delivTable+` (source text, event_id bigint, token bigint, batch bigint);
		CREATE INDEX ON `+delivTable+` (source, event_id)`); err != nil {
		t.Fatal(err)
	}
	if _, err := pgstore.Open(ctx, dsn, pgstore.Options{Table: leaseTable}); err != nil {
		t.Fatal(err)
	}
	defer dropTables(t, leaseTable, batchTable, delivTable)

	base := time.Now().Add(-3 * time.Second)
	exe, _ := os.Executable()
	var mu sync.Mutex
	replicas := map[string]*replica{}
	seq := 0
	start := func() {
		seq++
		holder := fmt.Sprintf("replica-%d", seq)
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), envChild+"="+holder, envRun+"="+run,
			envBase+"="+strconv.FormatInt(base.UnixNano(), 10), envSources+"="+strconv.Itoa(nSources))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		r := &replica{holder: holder, cmd: cmd, done: make(chan struct{})}
		go func() { _ = cmd.Wait(); close(r.done) }()
		mu.Lock()
		replicas[holder] = r
		mu.Unlock()
	}
	for range 3 {
		start()
	}
	defer func() {
		for _, r := range replicas {
			_ = r.cmd.Process.Kill()
			<-r.done
		}
	}()

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	var kills []kill
	var restartFrom, restartTo time.Time
	end := time.Now().Add(duration)
	for time.Now().Before(end) {
		time.Sleep(300*time.Millisecond + time.Duration(rng.Int64N(int64(1700*time.Millisecond))))
		if restart != "" && restartFrom.IsZero() && time.Until(end) < duration/2 {
			restartFrom = time.Now()
			if err := runShell(restart); err != nil {
				t.Fatalf("database restart: %v", err)
			}
			restartTo = time.Now()
			continue
		}
		// The holder of a random source, as the database sees it.
		source := fmt.Sprintf("source-%d", rng.IntN(nSources))
		var holder string
		if err := pool.QueryRow(ctx, `SELECT holder FROM `+leaseTable+` WHERE source = $1 AND expires_at > clock_timestamp()`,
			source).Scan(&holder); err != nil || holder == "" {
			continue
		}
		held := map[string]int64{}
		rows, _ := pool.Query(ctx, `SELECT source, token FROM `+leaseTable+` WHERE holder = $1 AND expires_at > clock_timestamp()`, holder)
		for rows.Next() {
			var s string
			var tok int64
			_ = rows.Scan(&s, &tok)
			held[s] = tok
		}
		rows.Close()
		mu.Lock()
		r := replicas[holder]
		delete(replicas, holder)
		mu.Unlock()
		if r == nil {
			continue
		}
		_ = r.cmd.Process.Signal(syscall.SIGKILL)
		kills = append(kills, kill{at: time.Now(), holder: holder, held: held})
		<-r.done
		start()
	}

	// Events keep arriving; wait until every event up to cutoff is in.
	cutoff := time.Now()
	want := int64(cutoff.Sub(base)/eventStep) + 1
	deadline := time.Now().Add(30 * time.Second)
	for {
		var short int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM generate_series(0, $1::int - 1) AS s(k)
			WHERE (SELECT count(DISTINCT event_id) FROM `+delivTable+` d WHERE d.source = 'source-' || s.k AND d.event_id < $2) < $2`,
			nSources, want).Scan(&short); err != nil {
			t.Fatal(err)
		}
		if short == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, r := range replicas { // clean stop: save, release, exit
		_ = r.cmd.Process.Signal(syscall.SIGTERM)
	}
	for _, r := range replicas {
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			t.Errorf("%s did not stop within 10s of SIGTERM", r.holder)
		}
	}

	// Lost: events up to the cutoff never delivered.
	var lost, total, rowsN int64
	if err := pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM generate_series(0, $1::int - 1) s(k), generate_series(0, $2::bigint - 1) e(i)
			WHERE NOT EXISTS (SELECT 1 FROM `+delivTable+` d WHERE d.source = 'source-' || s.k AND d.event_id = e.i)),
		(SELECT count(DISTINCT (source, event_id)) FROM `+delivTable+`),
		(SELECT count(*) FROM `+delivTable+`)`, nSources, want).Scan(&lost, &total, &rowsN); err != nil {
		t.Fatal(err)
	}

	// Concurrent batches: two batches of one source by different tokens
	// whose [started, ended] intervals overlap.
	type batch struct {
		token      int64
		holder     string
		start, end time.Time
	}
	bySource := map[string][]batch{}
	rows, err := pool.Query(ctx, `SELECT source, token, holder, started_at, ended_at FROM `+batchTable+` ORDER BY started_at`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		var b batch
		if err := rows.Scan(&s, &b.token, &b.holder, &b.start, &b.end); err != nil {
			t.Fatal(err)
		}
		bySource[s] = append(bySource[s], b)
	}
	rows.Close()
	concurrent := 0
	for s, bs := range bySource {
		var last batch
		for i, b := range bs {
			if i > 0 && b.token != last.token && b.start.Before(last.end) {
				concurrent++
				t.Errorf("%s: batch of token %d (%s) started at %s, before token %d's ended at %s",
					s, b.token, b.holder, b.start.Format(time.RFC3339Nano), last.token, last.end.Format(time.RFC3339Nano))
			}
			if i == 0 || b.end.After(last.end) {
				last = b
			}
		}
	}

	// Duplicates and where each came from.
	killed := map[string]bool{}
	for _, k := range kills {
		killed[k.holder] = true
	}
	causes := map[string]int{}
	drows, err := pool.Query(ctx, `SELECT d.source, d.event_id, array_agg(b.holder ORDER BY b.started_at), array_agg(b.started_at ORDER BY b.started_at)
		FROM `+delivTable+` d JOIN `+batchTable+` b ON b.id = d.batch GROUP BY d.source, d.event_id HAVING count(*) > 1`)
	if err != nil {
		t.Fatal(err)
	}
	for drows.Next() {
		var s string
		var id int64
		var holders []string
		var starts []time.Time
		if err := drows.Scan(&s, &id, &holders, &starts); err != nil {
			t.Fatal(err)
		}
		switch {
		case killed[holders[0]] && holders[0] != holders[1]:
			causes["holder SIGKILLed between its handler's commit and the checkpoint save"]++
		case !restartFrom.IsZero() && starts[0].After(restartFrom.Add(-fleetTTL)) && starts[0].Before(restartTo.Add(fleetTTL)):
			causes["database restart between the handler's commit and the checkpoint save"]++
		default:
			causes[fmt.Sprintf("other (%s then %s)", holders[0], holders[1])]++
		}
	}
	drows.Close()

	// Failover: from a kill to the first batch of each source it held
	// delivered under a newer token.
	var failovers []time.Duration
	bound := fleetTTL + fleetAcquire*5/4 + fleetPoll + time.Second // + 1s for scheduling on a loaded machine
	for _, k := range kills {
		if !restartFrom.IsZero() && k.at.After(restartFrom.Add(-fleetTTL)) && k.at.Before(restartTo.Add(2*fleetTTL)) {
			continue // the restart, not the kill, decides this one
		}
		for s, tok := range k.held {
			for _, b := range bySource[s] {
				if b.token > tok && b.start.After(k.at) {
					d := b.start.Sub(k.at)
					failovers = append(failovers, d)
					if d > bound {
						t.Errorf("%s: failover after the kill of %s took %s, above TTL + one attempt + one poll (%s)", s, k.holder, d, bound)
					}
					break
				}
			}
		}
	}
	slices.Sort(failovers)
	dups := rowsN - total
	t.Logf("events %d (expected at least %d), kills %d, database restarts %d, lost %d, concurrent batches %d, duplicates %d %v",
		total, want*nSources, len(kills), map[bool]int{true: 1}[!restartFrom.IsZero()], lost, concurrent, dups, causes)
	if n := len(failovers); n > 0 {
		t.Logf("failover (kill to first batch of the new holder) over %d handovers: min %s, median %s, max %s (bound %s)",
			n, failovers[0].Round(time.Millisecond), failovers[n/2].Round(time.Millisecond), failovers[n-1].Round(time.Millisecond), bound)
	}
	if lost != 0 {
		t.Errorf("%d events lost", lost)
	}
	if len(kills) < 5 {
		t.Errorf("only %d kills; the test needs many", len(kills))
	}
	if len(failovers) == 0 {
		t.Error("no failover measured")
	}
}

func runShell(cmd string) error {
	c := exec.Command("sh", "-c", cmd)
	c.Stdout, c.Stderr = os.Stderr, os.Stderr
	return c.Run()
}

func dropTables(t *testing.T, tables ...string) {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), testDSN(t))
	if err != nil {
		return
	}
	defer pool.Close()
	for _, tb := range tables {
		_, _ = pool.Exec(context.Background(), `DROP TABLE IF EXISTS `+tb)
	}
}
