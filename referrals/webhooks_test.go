package referrals_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/refer-project/refer/referrals"
	"github.com/refer-project/refer/resources"
)

func TestSignAndVerify(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"id":"d1","event":"referral.created"}`)
	h := referrals.Sign("whsec_abc", now, body)
	if !strings.HasPrefix(h, "t=1800000000,v1=") {
		t.Fatalf("header %q", h)
	}
	if err := referrals.Verify("whsec_abc", h, body, now.Add(time.Minute), 5*time.Minute); err != nil {
		t.Errorf("verify: %v", err)
	}
	for name, check := range map[string]error{
		"another body":   referrals.Verify("whsec_abc", h, []byte(`{}`), now, 5*time.Minute),
		"another secret": referrals.Verify("whsec_abd", h, body, now, 5*time.Minute),
		"a replay":       referrals.Verify("whsec_abc", h, body, now.Add(6*time.Minute), 5*time.Minute),
		"no time":        referrals.Verify("whsec_abc", strings.Replace(h, "t=", "x=", 1), body, now, 5*time.Minute),
	} {
		if check == nil {
			t.Errorf("%s verified", name)
		}
	}
}

// receiver is a webhook receiver on 127.0.0.1 that refuses its first
// failures deliveries, then takes them, checking every signature.
type receiver struct {
	t        *testing.T
	secret   func() string
	mu       sync.Mutex
	failures int
	got      []referrals.DeliveryBody
	tries    map[string]int
	bodies   []string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if err := referrals.Verify(rc.secret(), r.Header.Get(referrals.SignatureHeader), body, time.Now(), 5*time.Minute); err != nil {
		rc.t.Errorf("delivery does not verify: %v", err)
	}
	var d referrals.DeliveryBody
	if err := json.Unmarshal(body, &d); err != nil {
		rc.t.Errorf("delivery body: %v", err)
	}
	rc.tries[d.ID]++
	rc.bodies = append(rc.bodies, string(body))
	if rc.failures > 0 {
		rc.failures--
		http.Error(w, "not now", http.StatusServiceUnavailable)
		return
	}
	rc.got = append(rc.got, d)
}

func TestDispatcherDeliversAndRetries(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var secret string
	rc := &receiver{t: t, secret: func() string { return secret }, failures: 2, tries: map[string]int{}}
	srv := httptest.NewServer(rc)
	defer srv.Close()

	if _, err := e.rs.Subscribe(ctx, pantry, srv.URL, []string{resources.EventReferralCreated}, false); resources.ErrorFields(err)["url"] == "" {
		t.Fatalf("a loopback URL without --allow-private-webhooks: %v", err)
	}
	if _, err := e.rs.Subscribe(ctx, pantry, "ftp://example.org/x", []string{resources.EventReferralCreated}, true); resources.ErrorFields(err)["url"] == "" {
		t.Errorf("an ftp URL: %v", err)
	}
	if _, err := e.rs.Subscribe(ctx, pantry, srv.URL, []string{"referral.deleted"}, true); resources.ErrorFields(err)["events"] == "" {
		t.Errorf("an unknown event: %v", err)
	}
	sub, err := e.rs.Subscribe(ctx, pantry, srv.URL+"/hooks", resources.ReferralEvents, true)
	if err != nil {
		t.Fatal(err)
	}
	secret = sub.Secret
	// Another organization's subscription gets nothing of this one's.
	other, err := e.rs.Subscribe(ctx, stranger, srv.URL+"/other", resources.ReferralEvents, true)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Add(time.Second)
	v, _, err := e.rs.Create(ctx, manager, input(), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.rs.SetStatus(ctx, pantry, v.ID, resources.StatusAccepted, ""); err != nil {
		t.Fatal(err)
	}
	d := &referrals.Dispatcher{Store: e.db, Sealer: mustSealer(t, e.key), AllowPrivate: true, Backoff: 20 * time.Millisecond}
	d.Start()
	go d.Run(ctx)
	deadline := time.Now().Add(10 * time.Second)
	for {
		rc.mu.Lock()
		n := len(rc.got)
		rc.mu.Unlock()
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries arrived", n)
		}
		d.Wake()
		time.Sleep(20 * time.Millisecond)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	// Deliveries are not ordered (each says when its event happened, and
	// the referral is fetched for its state): sort them to compare.
	slices.SortFunc(rc.got, func(a, b referrals.DeliveryBody) int { return strings.Compare(a.Event, b.Event) })
	if rc.got[0].Event != resources.EventReferralCreated || rc.got[1].Event != resources.EventReferralStatusChanged ||
		rc.got[1].Status != resources.StatusAccepted || rc.got[0].ReferralID != v.ID {
		t.Errorf("deliveries %+v", rc.got)
	}
	if len(rc.tries) != 2 || rc.tries[rc.got[0].ID]+rc.tries[rc.got[1].ID] != 4 {
		t.Errorf("tries by delivery id %v: want two ids tried four times in all (two refusals, retried with the same id)", rc.tries)
	}
	for _, b := range rc.bodies {
		for _, s := range []string{secretName, "MRN-0042", "no car", "5550100", "555-0100"} {
			if strings.Contains(b, s) {
				t.Errorf("a webhook body carries client data %q: %s", s, b)
			}
		}
	}
	// The receiver has answered; the dispatcher records the answer just
	// after, so wait (a little) for the log to say so.
	log, err := e.rs.Deliveries(ctx, pantry, sub.ID, 10)
	for err == nil && time.Now().Before(deadline) && !(len(log) == 2 && log[0].State == resources.DeliveryDelivered && log[1].State == resources.DeliveryDelivered) {
		time.Sleep(10 * time.Millisecond)
		log, err = e.rs.Deliveries(ctx, pantry, sub.ID, 10)
	}
	if err != nil || len(log) != 2 || log[0].State != resources.DeliveryDelivered || log[1].State != resources.DeliveryDelivered ||
		log[0].Attempts+log[1].Attempts != 4 || log[1].LastCode != 200 {
		t.Errorf("delivery log: %v %+v", err, log)
	}
	if log, _ := e.rs.Deliveries(ctx, stranger, other.ID, 10); len(log) != 0 {
		t.Errorf("another organization's subscription got %d deliveries", len(log))
	}
	if _, err := e.rs.Deliveries(ctx, stranger, sub.ID, 10); resources.ErrorCode(err) != resources.ENOTFOUND {
		t.Errorf("another organization reads this one's delivery log: %v", err)
	}
}

// TestDispatcherRefusesPrivateAddresses: a subscription made while its
// name pointed elsewhere (or by a server that allowed private addresses)
// is still not delivered to loopback by a dispatcher that does not.
func TestDispatcherRefusesPrivateAddresses(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hit := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hit <- struct{}{} }))
	defer srv.Close()
	sub, err := e.rs.Subscribe(ctx, admin, srv.URL, resources.ReferralEvents, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.rs.Create(ctx, manager, input(), ""); err != nil {
		t.Fatal(err)
	}
	d := &referrals.Dispatcher{Store: e.db, Sealer: mustSealer(t, e.key), Backoff: time.Hour}
	d.Start()
	go d.Run(ctx)
	deadline := time.Now().Add(5 * time.Second)
	for {
		log, _ := e.rs.Deliveries(ctx, admin, sub.ID, 1)
		if len(log) == 1 && log[0].Attempts == 1 {
			if !strings.Contains(log[0].LastError, "private or local address") {
				t.Errorf("last error %q", log[0].LastError)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no attempt logged: %+v", log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case <-hit:
		t.Error("the dispatcher called a loopback address")
	default:
	}
}

func mustSealer(tb testing.TB, key []byte) *referrals.Sealer {
	s, err := referrals.NewSealer(key)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// TestHangingReceiverHoldsUpOnlyItself: one subscriber's server hangs;
// another's still gets its deliveries at once.
func TestHangingReceiverHoldsUpOnlyItself(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	release := make(chan struct{})
	hanging := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	defer hanging.Close()
	defer close(release)
	got := make(chan struct{}, 10)
	prompt := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { got <- struct{}{} }))
	defer prompt.Close()
	if _, err := e.rs.Subscribe(ctx, admin, hanging.URL, resources.ReferralEvents, true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.rs.Subscribe(ctx, pantry, prompt.URL, resources.ReferralEvents, true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.rs.Create(ctx, manager, input(), ""); err != nil {
		t.Fatal(err)
	}
	d := &referrals.Dispatcher{Store: e.db, Sealer: mustSealer(t, e.key), AllowPrivate: true, Timeout: time.Minute}
	d.Start()
	go d.Run(ctx)
	select {
	case <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("the prompt receiver waited for the hanging one")
	}
}

// TestDeliveriesGiveUp: a receiver that always fails is tried MaxAttempts
// times and then given up (failed, no more attempts); a deleted
// subscription's pending deliveries are given up too and never made.
func TestDeliveriesGiveUp(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	calls := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls[r.URL.Path]++
		mu.Unlock()
		http.Error(w, "no", http.StatusInternalServerError)
	}))
	defer srv.Close()
	failing, err := e.rs.Subscribe(ctx, admin, srv.URL+"/failing", []string{resources.EventReferralCreated}, true)
	if err != nil {
		t.Fatal(err)
	}
	deleted, err := e.rs.Subscribe(ctx, pantry, srv.URL+"/deleted", []string{resources.EventReferralCreated}, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.rs.Subscribe(ctx, pantry, "http://user:pw@127.0.0.1:9/x", resources.ReferralEvents, true); resources.ErrorFields(err)["url"] == "" {
		t.Errorf("a URL with credentials: %v", err)
	}
	if _, _, err := e.rs.Create(ctx, manager, input(), ""); err != nil {
		t.Fatal(err)
	}
	if err := e.rs.Unsubscribe(ctx, pantry, deleted.ID); err != nil {
		t.Fatal(err)
	}
	d := &referrals.Dispatcher{Store: e.db, Sealer: mustSealer(t, e.key), AllowPrivate: true, Backoff: time.Millisecond, MaxAttempts: 3}
	d.Start()
	go d.Run(ctx)
	deadline := time.Now().Add(10 * time.Second)
	for {
		log, _ := e.rs.Deliveries(ctx, admin, failing.ID, 1)
		if len(log) == 1 && log[0].State == resources.DeliveryFailed {
			if log[0].Attempts != 3 || log[0].LastCode != 500 {
				t.Errorf("given up after %d attempts, last %d", log[0].Attempts, log[0].LastCode)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not given up: %+v", log)
		}
		d.Wake()
		time.Sleep(10 * time.Millisecond)
	}
	d.Wake()
	time.Sleep(100 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if calls["/failing"] != 3 || calls["/deleted"] != 0 {
		t.Errorf("calls %v: want 3 to the failing receiver and none to the deleted subscription", calls)
	}
	if _, err := e.rs.Deliveries(ctx, pantry, deleted.ID, 10); resources.ErrorCode(err) != resources.ENOTFOUND {
		t.Errorf("a deleted subscription's log: %v", err)
	}
}
