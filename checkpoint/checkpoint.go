// Package checkpoint stores the position of a collector between runs.
//
// A collector (tehtris.Collector, sentinelone.Collector) saves its
// checkpoint only after the caller has accepted a batch, so a crash at any
// point delivers again at most one batch: the last one handed to the caller
// whose checkpoint save had not completed (delivery is at least once, and
// exactly once outside that window). Store is the whole
// contract for one process: plug a database, Redis or a Kubernetes
// ConfigMap by implementing Load and Save; File is the implementation on
// local disk.
//
// # Several replicas: leases and fencing
//
// To run the same sources from several processes, use a LeaseStore: it
// keeps the checkpoints of many sources, each guarded by a lease with a
// fencing token. Hold acquires a source's lease and renews it in the
// background; its Store is a Fenced Store bound to the lease, which a
// collector uses like any Store: it checks the lease before each batch and
// every save is refused once the lease is lost (ErrLeaseLost). The
// fleet package runs a list of sources across replicas on top of this.
// FileLeases works across the processes of one machine, MemoryLeases
// within one process, and the module github.com/socgo/xdr/checkpoint/pgstore
// across machines with PostgreSQL.
package checkpoint

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Store loads and saves one checkpoint as opaque bytes.
type Store interface {
	// Load returns the saved checkpoint, or nil and no error if none was
	// ever saved.
	Load(ctx context.Context) ([]byte, error)
	// Save replaces the checkpoint. It must be durable when it returns nil.
	Save(ctx context.Context, data []byte) error
}

// File is a Store in one file. Save writes a temporary file beside it,
// syncs it and renames it over the old one, so a crash leaves either the
// old or the new checkpoint, never a torn one.
type File struct {
	path string
}

// NewFile returns a File store at path. The directory must exist.
func NewFile(path string) (*File, error) {
	if path == "" {
		return nil, errors.New("checkpoint: path is empty")
	}
	return &File{path: path}, nil
}

// Path returns the file's path.
func (f *File) Path() string { return f.path }

// Load reads the file; a missing file is no checkpoint.
func (f *File) Load(ctx context.Context) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(f.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	return b, nil
}

// Save replaces the file atomically.
func (f *File) Save(ctx context.Context, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return writeAtomic(f.path, data)
}

// writeAtomic writes data to a temporary file beside path, syncs it and
// renames it over path.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	name := tmp.Name()
	fail := func(err error) error {
		_ = tmp.Close()
		_ = os.Remove(name)
		return fmt.Errorf("checkpoint: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(name, path); err != nil {
		_ = os.Remove(name)
		return fmt.Errorf("checkpoint: %w", err)
	}
	if d, err := os.Open(dir); err == nil { // make the rename itself durable
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// Memory is a Store in memory, for tests and short-lived programs.
type Memory struct {
	mu   sync.Mutex
	data []byte
}

// Load returns a copy of the saved bytes.
func (m *Memory) Load(ctx context.Context) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.data == nil {
		return nil, ctx.Err()
	}
	return append([]byte(nil), m.data...), ctx.Err()
}

// Save keeps a copy of data.
func (m *Memory) Save(ctx context.Context, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.data = append([]byte{}, data...)
	return nil
}
