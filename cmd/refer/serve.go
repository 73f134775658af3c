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
	"github.com/refer-project/refer/gen"
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
	loadSample := fs.Bool("load-sample", false, "load the bundled sample directory (San Mateo County, CA) when the store is empty; the same as --sample san-mateo")
	sampleFlag := fs.String("sample", "", "load a sample `directory` when the store is empty: san-mateo (19 real services, bundled) or synthetic (1,000 made-up services around Miami, from refer gen)")
	hc := hardeningFlags(fs)
	rf := addReferralFlags(fs)
	ixLim := indexFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: refer serve [--data DIR] [--addr HOST:PORT] [--load-sample | --sample san-mateo|synthetic] [--public-read=false] [--trusted-proxy CIDR] [--cors-origin ORIGIN] [--rate-limit-address N] [--rate-limit-key N]")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	sample := *sampleFlag
	switch {
	case *loadSample && sample != "" && sample != sampleSanMateo:
		return usageError{"--load-sample is --sample san-mateo; give one of them"}
	case *loadSample:
		sample = sampleSanMateo
	case sample != "" && sample != sampleSanMateo && sample != sampleSynthetic:
		return usageError{fmt.Sprintf("--sample is %q; use san-mateo or synthetic", sample)}
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
	var sampleNote web.Sample
	switch sample {
	case sampleSanMateo:
		if err := loadSampleIfEmpty(ctx, store, log); err != nil {
			return err
		}
		sampleNote = web.Sample{Source: sampleSource}
	case sampleSynthetic:
		if sampleNote, err = loadSyntheticIfEmpty(ctx, store, log); err != nil {
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
	pages := web.New(web.Config{Store: store, Index: ix, Vocabulary: vocab, Logger: log, Now: cfg.Now,
		Accounts: accounts, Keys: store, BaseURL: baseURL(), Closed: cfg.RequireKeyToRead, Referrals: refs.rs,
		Sample: sampleNote,
		// The SMTP server that sends lists to clients (env REFER_SMTP_ADDR,
		// host:port, and REFER_SMTP_FROM); none, and lists are only printed.
		Mail: web.MailConfig{Addr: os.Getenv("REFER_SMTP_ADDR"), From: envOr("REFER_SMTP_FROM", "refer@localhost")}})
	cfg.Pages = pages
	warmCtx, stopWarming := context.WithCancel(ctx)
	defer stopWarming()
	go pages.WarmPlaces(warmCtx)
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
// The samples refer serve --sample loads.
const (
	sampleSanMateo  = "san-mateo"
	sampleSynthetic = "synthetic"
)

// The synthetic sample: refer gen --services 1000 --seed 1 --metro Miami.
const (
	syntheticServices = 1000
	syntheticSeed     = 1
	syntheticMetro    = "Miami"
)

// loadSyntheticIfEmpty loads the synthetic sample into an empty store. A
// store that already holds it (a restart) is left as it is and still
// named the sample; a store that holds another directory is left as it is
// and not named a sample: the pages must not call real records made up.
func loadSyntheticIfEmpty(ctx context.Context, s resources.Store, log *slog.Logger) (web.Sample, error) {
	note := web.Sample{Source: fmt.Sprintf("refer gen --services %d --seed %d --metro %s", syntheticServices, syntheticSeed, syntheticMetro), Synthetic: true}
	d, err := gen.GenerateWith(syntheticServices, syntheticSeed, gen.Options{Metro: syntheticMetro})
	if err != nil {
		return web.Sample{}, err
	}
	n, err := s.Count(ctx, resources.KindService)
	if err != nil {
		return web.Sample{}, err
	}
	if n > 0 {
		// Its taxonomy's id depends on the taxonomy's code alone, and its
		// first organization's on the seed.
		for _, r := range d.Records {
			if o, ok := r.(*resources.Organization); ok {
				if _, err := s.Get(ctx, resources.KindOrganization, o.ID); err == nil {
					log.Info("store holds the synthetic sample; not loading it again", "services", n)
					return note, nil
				}
				break
			}
		}
		log.Warn("store holds another directory; not loading the synthetic sample, and the pages do not call it one", "services", n)
		return web.Sample{}, nil
	}
	rep, err := hsds.Load(ctx, s, d)
	if err != nil {
		return web.Sample{}, fmt.Errorf("loading the synthetic sample: %w", err)
	}
	log.Info("loaded the synthetic sample directory", "created", rep.Created, "rejected", len(rep.Rejected))
	return note, nil
}
