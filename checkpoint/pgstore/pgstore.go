// Package pgstore is a checkpoint.LeaseStore in PostgreSQL, for collectors
// run by several replicas on several machines (see package fleet).
//
// It lives in a module of its own, github.com/socgo/xdr/checkpoint/pgstore,
// so that the users of the API packages download no database driver. It
// uses github.com/jackc/pgx/v5 with a connection pool, which reconnects by
// itself: a database restart fails the calls made while it is down (the
// collectors retry them, and a lease not renewed in time is lost and
// acquired again), and nothing else.
//
// Every source is one row holding its lease (fencing token, holder,
// expiry) and its checkpoint. Each call is one statement, so the check of
// the lease and the write of the checkpoint are one transaction. Expiry is
// computed and compared by the database alone (clock_timestamp()), never
// by the replicas' clocks.
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/socgo/xdr/checkpoint"
)

// DefaultTable is the table used when Options.Table is empty.
const DefaultTable = "xdr_checkpoints"

// Options configures a Store.
type Options struct {
	// Table is the table's name, optionally schema-qualified
	// ("collectors.checkpoints"). Default DefaultTable.
	Table string
	// NoMigrate leaves the table alone: create it yourself with
	// MigrationSQL. By default New creates it if it is absent.
	NoMigrate bool
}

// Store is a checkpoint.LeaseStore in a PostgreSQL table. Its methods are
// safe for concurrent use.
type Store struct {
	pool  *pgxpool.Pool
	owned bool
	table string // quoted identifier
	q     queries
}

type queries struct{ acquire, renew, release, load, save string }

var _ checkpoint.LeaseStore = (*Store)(nil)

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

// quoteTable checks and quotes a table name.
func quoteTable(name string) (string, error) {
	if name == "" {
		name = DefaultTable
	}
	parts := strings.Split(name, ".")
	if len(parts) > 2 {
		return "", errors.New("pgstore: Table has more than two dotted parts")
	}
	for _, p := range parts {
		if !identRE.MatchString(p) {
			return "", errors.New("pgstore: Table must be letters, digits and underscores (at most 63), optionally schema-qualified")
		}
	}
	return pgx.Identifier(parts).Sanitize(), nil
}

// MigrationSQL returns the SQL that creates the table (if absent), for
// those who run their migrations themselves (Options.NoMigrate). table ""
// means DefaultTable.
func MigrationSQL(table string) (string, error) {
	t, err := quoteTable(table)
	if err != nil {
		return "", err
	}
	return migration(t), nil
}

func migration(t string) string {
	return `CREATE TABLE IF NOT EXISTS ` + t + ` (
	source     text        PRIMARY KEY,
	token      bigint      NOT NULL,
	holder     text        NOT NULL DEFAULT '',
	expires_at timestamptz NOT NULL DEFAULT '-infinity',
	data       bytea,
	saved_at   timestamptz
)`
}

// Open connects to the database at dsn (a PostgreSQL URL or key=value
// string) and returns a Store that owns the pool; Close closes it.
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, errors.New("pgstore: Open: the connection string does not parse") // never quote it: it may hold a password
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: Open: %w", err)
	}
	s, err := New(ctx, pool, opt)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s.owned = true
	return s, nil
}

// New returns a Store on pool, creating the table if absent unless
// opt.NoMigrate. Close does not close a pool given to New.
func New(ctx context.Context, pool *pgxpool.Pool, opt Options) (*Store, error) {
	if pool == nil {
		return nil, errors.New("pgstore: New: pool is nil")
	}
	t, err := quoteTable(opt.Table)
	if err != nil {
		return nil, err
	}
	s := &Store{pool: pool, table: t, q: queries{
		acquire: `INSERT INTO ` + t + ` AS c (source, token, holder, expires_at)
			VALUES ($1, 1, $2, clock_timestamp() + $3::bigint * interval '1 microsecond')
			ON CONFLICT (source) DO UPDATE SET token = c.token + 1, holder = excluded.holder, expires_at = excluded.expires_at
			WHERE c.holder = '' OR c.holder = excluded.holder OR c.expires_at <= clock_timestamp()
			RETURNING token`,
		renew: `UPDATE ` + t + ` SET expires_at = clock_timestamp() + $3::bigint * interval '1 microsecond'
			WHERE source = $1 AND token = $2 AND holder <> '' AND expires_at > clock_timestamp()`,
		release: `UPDATE ` + t + ` SET holder = '', expires_at = '-infinity' WHERE source = $1 AND token = $2 AND holder <> ''`,
		load:    `SELECT data FROM ` + t + ` WHERE source = $1`,
		save: `UPDATE ` + t + ` SET data = $3, saved_at = clock_timestamp()
			WHERE source = $1 AND token = $2 AND holder <> '' AND expires_at > clock_timestamp()`,
	}}
	if !opt.NoMigrate {
		if err := s.migrate(ctx); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// migrate creates the table under an advisory lock, so that replicas
// starting together do not race on CREATE TABLE.
func (s *Store) migrate(ctx context.Context) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, "socgo/xdr pgstore "+s.table); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, migration(s.table))
		return err
	})
	if err != nil {
		return fmt.Errorf("pgstore: create table %s: %w", s.table, err)
	}
	return nil
}

// Close closes the pool if Open made it.
func (s *Store) Close() {
	if s.owned {
		s.pool.Close()
	}
}

func micros(ttl time.Duration) int64 { return max(ttl.Microseconds(), 1) }

// Acquire implements checkpoint.LeaseStore.
func (s *Store) Acquire(ctx context.Context, source, holder string, ttl time.Duration) (checkpoint.Lease, error) {
	if err := checkArgs(source, holder, ttl); err != nil {
		return checkpoint.Lease{}, err
	}
	var token int64
	err := s.pool.QueryRow(ctx, s.q.acquire, source, holder, micros(ttl)).Scan(&token)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return checkpoint.Lease{}, fmt.Errorf("%w: %s", checkpoint.ErrLeaseHeld, source)
	case err != nil:
		return checkpoint.Lease{}, fmt.Errorf("pgstore: Acquire: %w", err)
	}
	return checkpoint.Lease{Source: source, Holder: holder, Token: token}, nil
}

func checkArgs(source, holder string, ttl time.Duration) error {
	if err := checkpoint.CheckSource(source); err != nil {
		return fmt.Errorf("pgstore: source %s", err)
	}
	if err := checkpoint.CheckSource(holder); err != nil {
		return fmt.Errorf("pgstore: holder %s", err)
	}
	if ttl < time.Millisecond {
		return fmt.Errorf("pgstore: ttl %s is shorter than a millisecond", ttl)
	}
	return nil
}

// fenced runs a statement that changes the row only under l.
func (s *Store) fenced(ctx context.Context, op, q string, l checkpoint.Lease, arg any) error {
	tag, err := s.pool.Exec(ctx, q, l.Source, l.Token, arg)
	if err != nil {
		return fmt.Errorf("pgstore: %s: %w", op, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: %s (token %d)", checkpoint.ErrLeaseLost, l.Source, l.Token)
	}
	return nil
}

// Renew implements checkpoint.LeaseStore.
func (s *Store) Renew(ctx context.Context, l checkpoint.Lease, ttl time.Duration) error {
	if ttl < time.Millisecond {
		return fmt.Errorf("pgstore: ttl %s is shorter than a millisecond", ttl)
	}
	return s.fenced(ctx, "Renew", s.q.renew, l, micros(ttl))
}

// Release implements checkpoint.LeaseStore.
func (s *Store) Release(ctx context.Context, l checkpoint.Lease) error {
	if _, err := s.pool.Exec(ctx, s.q.release, l.Source, l.Token); err != nil {
		return fmt.Errorf("pgstore: Release: %w", err)
	}
	return nil
}

// Load implements checkpoint.LeaseStore.
func (s *Store) Load(ctx context.Context, source string) ([]byte, error) {
	var data []byte
	err := s.pool.QueryRow(ctx, s.q.load, source).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pgstore: Load: %w", err)
	}
	return data, nil
}

// Save implements checkpoint.LeaseStore.
func (s *Store) Save(ctx context.Context, l checkpoint.Lease, data []byte) error {
	if data == nil {
		data = []byte{}
	}
	return s.fenced(ctx, "Save", s.q.save, l, data)
}
