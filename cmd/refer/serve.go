package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/openreferral/refer/api"
	"github.com/openreferral/refer/data"
	"github.com/openreferral/refer/matcher"
	"github.com/openreferral/refer/resources"
	"github.com/openreferral/refer/resources/hsds"
)

// shutdownGrace is how long requests in flight get to finish on SIGTERM.
const shutdownGrace = 10 * time.Second

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dataDir := newFlags("serve", stderr)
	addr := fs.String("addr", envOr("REFER_ADDR", "127.0.0.1:8080"), "`address` to listen on (env REFER_ADDR)")
	loadSample := fs.Bool("load-sample", false, "load the bundled sample directory (San Mateo County, CA) when the store is empty")
	hc := hardeningFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: refer serve [--data DIR] [--addr HOST:PORT] [--load-sample] [--public-read=false] [--trusted-proxy CIDR] [--cors-origin ORIGIN] [--rate-limit-address N] [--rate-limit-key N]")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	cfg, err := hc.config()
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))

	store, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	if *loadSample {
		if err := loadSampleIfEmpty(ctx, store, log); err != nil {
			return err
		}
	}

	ix, err := openIndex(ctx, *dataDir, store, log)
	if err != nil {
		return err
	}
	defer ix.Close()
	vocab, err := matcher.LoadVocabulary()
	if err != nil {
		return err
	}

	stopControl, err := serveControl(*dataDir, store)
	if err != nil {
		return err
	}
	defer stopControl()

	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	cfg.Store, cfg.Keys, cfg.Audit, cfg.Index, cfg.Vocabulary, cfg.Logger = store, store, store, ix, vocab, log
	srv := api.New(cfg)
	srv.SetReady(true)
	// The one line scripts and tests wait for; it carries the real port
	// when --addr asked for port 0.
	fmt.Fprintf(stdout, "refer: serving on http://%s\n", l.Addr())

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return <-errc
}

// loadSampleIfEmpty loads the embedded sample directory into an empty store.
func loadSampleIfEmpty(ctx context.Context, s resources.Store, log *slog.Logger) error {
	n, err := s.Count(ctx, resources.KindService)
	if err != nil {
		return err
	}
	if n > 0 {
		log.Info("store holds services; not loading the sample", "services", n)
		return nil
	}
	d, err := hsds.ReadFS(data.Sample(), "the bundled sample", hsds.Options{Centroid: data.Centroid})
	if err != nil {
		return err
	}
	rep, err := hsds.Load(ctx, s, d)
	if err != nil {
		return fmt.Errorf("loading the sample: %w", err)
	}
	log.Info("loaded the sample directory", "created", rep.Created, "rejected", len(rep.Rejected))
	return nil
}
