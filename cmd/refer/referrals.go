package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/referrals"
	"github.com/refer-project/refer/resources/bolt"
)

// referralFlags are refer serve's flags for referrals and their webhooks.
type referralFlags struct {
	insecure     *bool
	allowPrivate *bool
	retention    *time.Duration
	purgeEvery   *time.Duration
}

func addReferralFlags(fs *flag.FlagSet) *referralFlags {
	return &referralFlags{
		insecure: fs.Bool("insecure-no-secret-key", false,
			"store referrals' client data unencrypted when REFER_SECRET_KEY is not set (a demo or test server only; without this flag such a server refuses referrals)"),
		allowPrivate: fs.Bool("allow-private-webhooks", false,
			"let webhook subscriptions reach loopback and private addresses (refused by default: a subscription could otherwise probe the server's own network)"),
		retention: fs.Duration("referral-retention", referrals.DefaultRetention,
			"how long a closed referral keeps its client data before it is purged (the anonymous history stays)"),
		purgeEvery: fs.Duration("purge-every", time.Hour, "how often closed referrals past the retention time are purged"),
	}
}

// sealerFromEnv reads the secret key from REFER_SECRET_KEY (and the keys
// being rotated out from REFER_SECRET_KEY_PREVIOUS, comma-separated). With
// no key it returns nil (referrals are refused), or with insecure an
// unsealing sealer.
func sealerFromEnv(insecure bool) (*referrals.Sealer, error) {
	cur := strings.TrimSpace(os.Getenv("REFER_SECRET_KEY"))
	var prev [][]byte
	for _, p := range strings.Split(os.Getenv("REFER_SECRET_KEY_PREVIOUS"), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		k, err := referrals.ParseKey(p)
		if err != nil {
			return nil, fmt.Errorf("REFER_SECRET_KEY_PREVIOUS: %w", err)
		}
		prev = append(prev, k)
	}
	if cur == "" {
		if !insecure {
			return nil, nil
		}
		return referrals.NewSealer(nil, prev...)
	}
	k, err := referrals.ParseKey(cur)
	if err != nil {
		return nil, fmt.Errorf("REFER_SECRET_KEY: %w", err)
	}
	return referrals.NewSealer(k, prev...)
}

// referralService is what serve runs for referrals: the rules, the
// webhook dispatcher, the unmet-needs tally and the purge.
type referralService struct {
	rs       *referrals.Referrals
	unmet    *referrals.UnmetCounter
	dispatch *referrals.Dispatcher
	stop     func()
}

func startReferrals(ctx context.Context, store *bolt.DB, vocab *matcher.Vocabulary, log *slog.Logger, f *referralFlags) (*referralService, error) {
	sealer, err := sealerFromEnv(*f.insecure)
	if err != nil {
		return nil, err
	}
	switch {
	case sealer == nil:
		log.Warn("referrals are off: REFER_SECRET_KEY is not set (make one with: openssl rand -base64 32)")
	case !sealer.Secure():
		log.Warn("referrals' client data is stored UNENCRYPTED (--insecure-no-secret-key): for demos and tests only")
	}
	d := &referrals.Dispatcher{Store: store, Sealer: sealer, Log: log, AllowPrivate: *f.allowPrivate}
	rs := referrals.New(referrals.Config{Directory: store, Store: store, Sealer: sealer, Notify: d.Wake,
		KnownNeed: func(code string) bool { _, ok := vocab.Need(code); return ok }})
	unmet := &referrals.UnmetCounter{Store: store, Now: time.Now, Log: log}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { unmet.Run(ctx, 10*time.Second) })
	if sealer != nil {
		d.Start()
		wg.Go(func() { d.Run(ctx) })
	}
	if sealer != nil && sealer.Secure() && strings.TrimSpace(os.Getenv("REFER_SECRET_KEY_PREVIOUS")) != "" {
		// Keys are rotating: seal what the old keys sealed under the new
		// one while serving, so the old key can be dropped at the next
		// restart without stopping for refer referrals reseal.
		wg.Go(func() {
			n, err := rs.Reseal(ctx)
			switch {
			case err != nil && ctx.Err() == nil:
				log.Error("referrals: re-sealing under the new key failed", "sealed", n, "err", err)
			case err == nil:
				log.Info("referrals: client data sealed under the new key; REFER_SECRET_KEY_PREVIOUS may be dropped", "sealed", n)
			}
		})
	}
	wg.Go(func() {
		t := time.NewTicker(*f.purgeEvery)
		defer t.Stop()
		for {
			if n, err := rs.Purge(ctx, *f.retention); err != nil && ctx.Err() == nil {
				log.Error("referrals: purge failed", "err", err)
			} else if n > 0 {
				log.Info("referrals: client data purged", "referrals", n)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
	return &referralService{rs: rs, unmet: unmet, dispatch: d, stop: func() { cancel(); wg.Wait() }}, nil
}

// runReferrals runs the referral commands that work on the store itself:
// reseal (after rotating REFER_SECRET_KEY) and purge.
func runReferrals(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"give reseal or purge"}
	}
	fs, dataDir := newFlags("referrals "+args[0], stderr)
	retention := fs.Duration("retention", referrals.DefaultRetention, "purge: how long a closed referral keeps its client data")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	sealer, err := sealerFromEnv(false)
	if err != nil {
		return err
	}
	store, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	rs := referrals.New(referrals.Config{Directory: store, Store: store, Sealer: sealer})
	switch args[0] {
	case "reseal":
		if sealer == nil {
			return fmt.Errorf("REFER_SECRET_KEY is not set: give the new key there and the old one in REFER_SECRET_KEY_PREVIOUS")
		}
		n, err := rs.Reseal(ctx)
		if err != nil {
			return fmt.Errorf("after sealing %d anew: %w", n, err)
		}
		fmt.Fprintf(stdout, "sealed %d referrals and subscriptions under key %s\n", n, sealer.Current())
	case "purge":
		n, err := rs.Purge(ctx, *retention)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "purged the client data of %d referrals closed more than %s ago\n", n, *retention)
	default:
		return usageError{fmt.Sprintf("unknown referrals command %q; give reseal or purge", args[0])}
	}
	return nil
}
