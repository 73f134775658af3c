package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/refer-project/refer/people"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
)

// A running server holds the store's lock, so `refer backup` asks it for
// the copy over a Unix socket in the data folder: only who may read the
// store file may connect (the socket is 0600), and the copy is made in one
// read transaction of the server (bbolt hot backup), consistent while
// writes go on. With no server running, backup opens the store itself.

// controlSocket is the server's local control socket in the data folder.
func controlSocket(dataDir string) string { return filepath.Join(dataDir, "refer.sock") }

// serveControl answers GET /backup, and refer users' calls, on the data
// folder's socket until stop is called. It returns once listening.
func serveControl(dataDir string, store *bolt.DB, accounts *people.Accounts) (stop func(), err error) {
	path := controlSocket(dataDir)
	os.Remove(path) // a socket left by a server that died; the store lock says none runs now
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		l.Close()
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /backup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		store.Backup(w) // a failure mid-stream shows as a short file, which the client refuses
	})
	usersControl(mux, accounts)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(l)
	return func() { srv.Close(); os.Remove(path) }, nil
}

func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dataDir := newFlags("backup", stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: refer backup [--data DIR] OUT"); fs.PrintDefaults() }
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"give one OUT file"}
	}
	out := fs.Arg(0)
	if _, err := os.Stat(filepath.Join(*dataDir, "refer.db")); err != nil {
		return fmt.Errorf("backup: no store in %s: %w", *dataDir, err)
	}
	n, err := writeAtomically(out, func(w io.Writer) (int64, error) {
		store, err := bolt.Open(filepath.Join(*dataDir, "refer.db"), bolt.WithTimeout(200*time.Millisecond))
		if err == nil {
			defer store.Close()
			return store.Backup(w)
		}
		if resources.ErrorCode(err) != resources.ECONFLICT {
			return 0, err
		}
		return backupFromServer(ctx, *dataDir, w)
	})
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	// A copy that bbolt cannot open is no backup.
	check, err := bolt.Open(out, bolt.WithTimeout(time.Second))
	if err != nil {
		os.Remove(out)
		return fmt.Errorf("backup: the copy does not open: %w", err)
	}
	check.Close()
	fmt.Fprintf(stdout, "wrote %d bytes to %s\n", n, out)
	return nil
}

// backupFromServer streams the store from the server running on dataDir.
func backupFromServer(ctx context.Context, dataDir string, w io.Writer) (int64, error) {
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", controlSocket(dataDir))
		},
	}}
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://refer/backup", nil)
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("the store is in use and its server does not answer on %s: %w", controlSocket(dataDir), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("the server answered %s", resp.Status)
	}
	return io.Copy(w, resp.Body)
}

// writeAtomically writes path through a temporary file in its folder, so a
// failure never leaves a half-written file under the name.
func writeAtomically(path string, write func(io.Writer) (int64, error)) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".refer-backup-*")
	if err != nil {
		return 0, err
	}
	n, err := write(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return 0, err
	}
	return n, nil
}
