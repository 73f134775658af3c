package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"regexp"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/refer-project/refer/api"
	"github.com/refer-project/refer/data"
	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/people"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/hsds"
	"github.com/refer-project/refer/web"
)

// shutdownGrace is how long requests in flight get to finish on SIGTERM.
const shutdownGrace = 10 * time.Second

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dataDir := newFlags("serve", stderr)
	addr := fs.String("addr", envOr("REFER_ADDR", "127.0.0.1:8080"), "`address` to listen on (env REFER_ADDR)")
	loadSample := fs.Bool("load-sample", false, "load the bundled sample directory (San Mateo County, CA) when the store is empty")
	hc := hardeningFlags(fs)
	rf := addReferralFlags(fs)
	ixLim := indexFlags(fs)
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
	if err := ixLim.check(); err != nil {
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

	vocab, err := matcher.LoadVocabulary()
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	// The one line scripts and tests wait for; it carries the real port
	// when --addr asked for port 0. From here /healthz answers, and
	// /readyz says "starting" until the index is open.
	fmt.Fprintf(stdout, "refer: serving on http://%s\n", l.Addr())
	starting := startWhileOpening(l)
	ix, err := openIndex(ctx, *dataDir, store, vocab, ixLim, log)
	if serr := starting.stop(); err == nil {
		err = serr
	}
	if err != nil {
		l.Close()
		return err
	}
	defer ix.Close()
	accounts := people.New(people.Config{Store: store, BaseURL: baseURL(), Now: cfg.Now})
	stopControl, err := serveControl(*dataDir, store, accounts)
	if err != nil {
		l.Close()
		return err
	}
	defer stopControl()

	setServingGC()

	refs, err := startReferrals(ctx, store, vocab, log, rf)
	if err != nil {
		l.Close()
		return err
	}
	defer refs.stop()

	cfg.Store, cfg.Keys, cfg.Audit, cfg.Index, cfg.Vocabulary, cfg.Logger = store, store, store, ix, vocab, log
	cfg.Referrals, cfg.Unmet, cfg.AllowPrivateWebhooks = refs.rs, refs.unmet, *rf.allowPrivate
	cfg.Pages = web.New(web.Config{Store: store, Index: ix, Vocabulary: vocab, Logger: log, Now: cfg.Now,
		Accounts: accounts, Keys: store, BaseURL: baseURL(), Closed: cfg.RequireKeyToRead, Referrals: refs.rs,
		Sample: sampleName(*loadSample),
		// The SMTP server that sends lists to clients (env REFER_SMTP_ADDR,
		// host:port, and REFER_SMTP_FROM); none, and lists are only printed.
		Mail: web.MailConfig{Addr: os.Getenv("REFER_SMTP_ADDR"), From: envOr("REFER_SMTP_FROM", "refer@localhost")}})
	srv := api.New(cfg)
	srv.SetReady(true)

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

// servingGCPercent is the collector's target while serving. Most of the
// heap is the directory itself (the index's catalog), alive for the whole
// run, so Go's default (collect when the heap has doubled) mostly reserves
// memory for garbage: at 100k services, 50 keeps the server's memory under
// load at about 350 MB instead of 480 MB, for a few percent of its
// throughput (BENCHMARKS.md). GOGC in the environment still decides.
const servingGCPercent = 50

func setServingGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(servingGCPercent)
	}
}

// startingServer answers on the listener with api.Starting while the index
// opens, then gives the listener back without closing it.
type startingServer struct {
	srv      *http.Server
	l        *net.TCPListener
	stopping atomic.Bool
	done     chan struct{}
}

func startWhileOpening(l net.Listener) *startingServer {
	s := &startingServer{srv: &http.Server{Handler: api.Starting(), ReadHeaderTimeout: 10 * time.Second}, done: make(chan struct{})}
	tl, ok := l.(*net.TCPListener)
	if !ok {
		close(s.done)
		return s
	}
	s.l = tl
	go func() {
		defer close(s.done)
		s.srv.Serve(keepOpen{tl, &s.stopping})
	}()
	return s
}

// stop ends the starting server: a deadline in the past makes its Accept
// return, requests in flight finish, and the listener stays open for the
// real server (connections that arrive meanwhile wait in the backlog).
func (s *startingServer) stop() error {
	if s.l == nil {
		return nil
	}
	s.stopping.Store(true)
	s.l.SetDeadline(time.Now())
	<-s.done
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	s.l.SetDeadline(time.Time{})
	return err
}

// keepOpen is a listener whose Close leaves the socket open (Serve closes
// its listener when it returns), and whose Accept, once stopping, turns the
// deadline's timeout into "closed" so that Serve returns rather than
// retrying.
type keepOpen struct {
	*net.TCPListener
	stopping *atomic.Bool
}

func (k keepOpen) Accept() (net.Conn, error) {
	c, err := k.TCPListener.Accept()
	if err != nil && k.stopping.Load() {
		return nil, net.ErrClosed
	}
	return c, err
}

func (keepOpen) Close() error { return nil }

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
	var dropped int
	d.Records, dropped = dropTestRecords(d.Records)
	log.Info("left test records out of the sample", "records", dropped)
	rep, err := hsds.Load(ctx, s, d)
	if err != nil {
		return fmt.Errorf("loading the sample: %w", err)
	}
	log.Info("loaded the sample directory", "created", rep.Created, "rejected", len(rep.Rejected))
	return nil
}

// sampleSource is the bundled sample's source, as the pages name it.
const sampleSource = "Code for America's Ohana API sample (BSD-3-Clause)"

// testName is how upstream samples name their test records: "Example
// Agency", "Fake Org", "Admin Test Org".
var testName = regexp.MustCompile(`^(?i:example|fake)\b|\b(?i:test)\b`)

// dropTestRecords leaves out of a sample the organizations and services
// named as tests, and what belongs to them: an organization's services
// and locations, the service_at_locations of any record left out.
func dropTestRecords(rs []resources.Record) ([]resources.Record, int) {
	gone := map[string]bool{} // kind + "/" + id: the kinds' ids may repeat
	for _, r := range rs {
		switch r := r.(type) {
		case *resources.Organization:
			if testName.MatchString(r.Name) {
				gone[key(r)] = true
			}
		}
	}
	for _, r := range rs {
		switch r := r.(type) {
		case *resources.Service:
			if testName.MatchString(r.Name) || gone["organization/"+r.OrganizationID] {
				gone[key(r)] = true
			}
		case *resources.Location:
			if gone["organization/"+r.OrganizationID] {
				gone[key(r)] = true
			}
		}
	}
	var kept []resources.Record
	for _, r := range rs {
		switch r := r.(type) {
		case *resources.Organization:
			if gone[key(r)] {
				continue
			}
		case *resources.Service:
			if gone[key(r)] {
				continue
			}
		case *resources.Location:
			if gone[key(r)] {
				continue
			}
		case *resources.ServiceAtLocation:
			if gone["service/"+r.ServiceID] || gone["location/"+r.LocationID] {
				continue
			}
		}
		kept = append(kept, r)
	}
	return kept, len(rs) - len(kept)
}

func key(r resources.Record) string { return string(r.Kind()) + "/" + r.RecordID() }

// sampleName is the sample's source when serve loads it, for the pages.
func sampleName(loaded bool) string {
	if loaded {
		return sampleSource
	}
	return ""
}
