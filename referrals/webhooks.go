package referrals

import (
	"bytes"
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/refer-project/refer/resources"
)

// SignatureHeader carries a delivery's signature:
// "t=UNIX_SECONDS,v1=HEX(HMAC-SHA256(secret, t + "." + body))".
const SignatureHeader = "Refer-Signature"

// SubscriptionView is a subscription as its owner sees it. Secret is set
// only in the answer to its creation: it is shown once.
type SubscriptionView struct {
	ID      string    `json:"id"`
	URL     string    `json:"url"`
	Events  []string  `json:"events"`
	Owner   string    `json:"owner"`
	Created time.Time `json:"created"`
	Secret  string    `json:"secret,omitempty"`
}

// Subscribe makes a webhook subscription for someone: what it receives
// follows from who they are (Receives). allowPrivate lets URLs reach
// loopback and private addresses (tests, and servers started with
// --allow-private-webhooks).
func (rs *Referrals) Subscribe(ctx context.Context, a resources.Actor, rawURL string, events []string, allowPrivate bool) (*SubscriptionView, error) {
	if rs.sealer == nil {
		return nil, resources.Errorf(resources.EUNAVAILABLE,
			"subscriptions are off: this server has no secret key to keep their signing secrets with (set REFER_SECRET_KEY)")
	}
	if a.KeyID == "" && a.UserID == "" {
		return nil, resources.Errorf(resources.EUNAUTHORIZED, "a subscription needs an owner: an API key or a signed-in person")
	}
	f := resources.FieldErrors{}
	u, err := CheckWebhookURL(ctx, rawURL, allowPrivate)
	if err != nil {
		f.Add("url", "%s", err.Error())
	}
	if len(events) == 0 {
		f.Add("events", "is required: one or more of %s", strings.Join(resources.ReferralEvents, ", "))
	}
	for _, e := range events {
		if !slices.Contains(resources.ReferralEvents, e) {
			f.Add("events", "%q is not an event; use %s", clip(e, 40), strings.Join(resources.ReferralEvents, ", "))
		}
	}
	if err := f.Err("the subscription"); err != nil {
		return nil, err
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	shown := "whsec_" + hex.EncodeToString(secret)
	now := rs.now().UTC().Truncate(time.Second)
	s := resources.Subscription{ID: rs.ids.next(now), URL: u.String(), Events: slices.Compact(slices.Sorted(slices.Values(events))),
		Owner: a, Created: now}
	if s.Secret, err = rs.sealer.Seal([]byte(shown), "subscription:"+s.ID); err != nil {
		return nil, err
	}
	if err := rs.store.CreateSubscription(ctx, s); err != nil {
		return nil, err
	}
	v := subscriptionView(s)
	v.Secret = shown
	return &v, nil
}

func subscriptionView(s resources.Subscription) SubscriptionView {
	return SubscriptionView{ID: s.ID, URL: s.URL, Events: s.Events, Owner: s.Owner.Name, Created: s.Created}
}

// Subscriptions lists the subscriptions someone may see: an admin, all;
// anyone else, their own.
func (rs *Referrals) Subscriptions(ctx context.Context, a resources.Actor) ([]SubscriptionView, error) {
	all, err := rs.store.ListSubscriptions(ctx)
	if err != nil {
		return nil, err
	}
	out := []SubscriptionView{}
	for _, s := range all {
		if mayManage(a, s) {
			out = append(out, subscriptionView(s))
		}
	}
	return out, nil
}

// Unsubscribe deletes a subscription of someone's (any, for an admin).
func (rs *Referrals) Unsubscribe(ctx context.Context, a resources.Actor, id string) error {
	if _, err := rs.subscription(ctx, a, id); err != nil {
		return err
	}
	return rs.store.DeleteSubscription(ctx, id)
}

// Deliveries returns a subscription's latest deliveries, newest first.
func (rs *Referrals) Deliveries(ctx context.Context, a resources.Actor, id string, limit int) ([]resources.Delivery, error) {
	if _, err := rs.subscription(ctx, a, id); err != nil {
		return nil, err
	}
	out, err := rs.store.Deliveries(ctx, id, min(max(limit, 1), 500))
	if out == nil {
		out = []resources.Delivery{}
	}
	return out, err
}

func (rs *Referrals) subscription(ctx context.Context, a resources.Actor, id string) (resources.Subscription, error) {
	s, err := rs.store.GetSubscription(ctx, id)
	if err == nil && !mayManage(a, s) {
		err = resources.Errorf(resources.ENOTFOUND, "there is no subscription %q", id)
	}
	return s, err
}

func mayManage(a resources.Actor, s resources.Subscription) bool {
	return a.Role == resources.RoleAdmin || (a.KeyID != "" || a.UserID != "") && resources.PartySender(a) == resources.PartySender(s.Owner)
}

// CheckWebhookURL parses a subscription's URL and refuses what a server
// should not be made to call: other schemes, credentials in the URL, and,
// unless allowPrivate, hosts that resolve to loopback, private, link-local
// or otherwise internal addresses (the dialer checks again at each
// delivery, so a name that changes its address later is caught then).
func CheckWebhookURL(ctx context.Context, raw string, allowPrivate bool) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("is required")
	}
	if len(raw) > 2000 {
		return nil, errors.New("is longer than 2000 characters")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "":
		return nil, errors.New("is not an absolute http(s) URL")
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("has scheme %q; use https (or http)", u.Scheme)
	case u.User != nil:
		return nil, errors.New("may not hold a user name or password")
	case u.Fragment != "":
		return nil, errors.New("may not hold a #fragment")
	}
	if allowPrivate {
		return u, nil
	}
	ips, err := net.DefaultResolver.LookupIPAddr(ctx, u.Hostname())
	if err != nil || len(ips) == 0 {
		return nil, fmt.Errorf("names host %q, which does not resolve", u.Hostname())
	}
	for _, ip := range ips {
		if internal(ip.IP) {
			return nil, fmt.Errorf("reaches %s, a private or local address; the server refuses those unless started with --allow-private-webhooks", ip.IP)
		}
	}
	return u, nil
}

// internal reports whether ip is not on the public internet.
func internal(ip net.IP) bool {
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast() ||
		ip.Equal(net.IPv4bcast) || ip.To4() != nil && ip.To4()[0] == 100 && ip.To4()[1]&0xc0 == 64 // CGNAT 100.64/10
}

// Sign returns the Refer-Signature header value for a body sent at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a Refer-Signature header as a receiver should: the
// signature matches the body under the secret, and was made within
// tolerance of now (refusing replays of old deliveries).
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("signature has no time")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("signature time is %s from now", d.Round(time.Second))
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	want := mac.Sum(nil)
	for _, s := range sigs {
		if got, err := hex.DecodeString(s); err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return errors.New("signature does not match")
}

// DeliveryBody is what a delivery POSTs: what changed and where to fetch
// it, never client data.
type DeliveryBody struct {
	ID         string                   `json:"id"`
	Event      string                   `json:"event"`
	ReferralID string                   `json:"referral_id"`
	Status     resources.ReferralStatus `json:"status,omitempty"`
	At         time.Time                `json:"at"`
}

// Dispatcher delivers the outbox's events to their subscriptions: it runs
// in the server, fans each event out into deliveries (in the store, so a
// restart loses none), POSTs them signed, and retries failures with
// backoff.
type Dispatcher struct {
	Store  resources.ReferralStore
	Sealer *Sealer
	Log    *slog.Logger
	Now    func() time.Time
	// AllowPrivate lets deliveries reach loopback and private addresses.
	AllowPrivate bool
	// Backoff is the wait after the first failed attempt; each later one
	// doubles it, up to MaxBackoff. Zero means 10 s.
	Backoff, MaxBackoff time.Duration
	// MaxAttempts before a delivery is given up; zero means 15.
	MaxAttempts int
	// Timeout of one attempt; zero means 10 s.
	Timeout time.Duration

	wake   chan struct{}
	client *http.Client
}

// Wake tells the dispatcher that new events may be waiting. It never
// blocks.
func (d *Dispatcher) Wake() {
	if d.wake == nil {
		return
	}
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Start prepares the dispatcher; call before Run and Wake.
func (d *Dispatcher) Start() {
	d.wake = make(chan struct{}, 1)
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	if !d.AllowPrivate {
		dialer.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, _ := net.SplitHostPort(address)
			if ip := net.ParseIP(host); ip == nil || internal(ip) {
				return fmt.Errorf("refusing to deliver to %s, a private or local address", host)
			}
			return nil
		}
	}
	d.client = &http.Client{
		Timeout:   cmp.Or(d.Timeout, 10*time.Second),
		Transport: &http.Transport{DialContext: dialer.DialContext, Proxy: nil, MaxIdleConnsPerHost: 4, IdleConnTimeout: 30 * time.Second},
		// A redirect could lead anywhere; the receiver must answer itself.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Run delivers until ctx ends. Deliveries in flight when it ends (or when
// the process is killed) are still pending in the store, and are made
// again after a restart: receivers see each delivery at least once, and
// tell retries by its id.
func (d *Dispatcher) Run(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		d.round(ctx)
		select {
		case <-ctx.Done():
			return
		case <-d.wake:
		case <-tick.C:
		}
	}
}

// round fans out waiting events and makes every due delivery.
func (d *Dispatcher) round(ctx context.Context) {
	for {
		n, err := d.Store.FanOut(ctx, 100, func(ev resources.OutboxEvent, subs []resources.Subscription) []resources.Delivery {
			var out []resources.Delivery
			for _, s := range subs {
				if Receives(s, ev) && !ev.At.Before(s.Created.Truncate(time.Second)) {
					out = append(out, resources.Delivery{ID: deliveryID(ev.ID, s.ID), SubscriptionID: s.ID, Event: ev.Event,
						ReferralID: ev.ReferralID, Status: ev.Status, EventAt: ev.At, State: resources.DeliveryPending,
						NextAttempt: ev.At})
				}
			}
			return out
		})
		if err != nil {
			if ctx.Err() == nil {
				d.Log.Error("webhooks: fan-out failed", "err", err)
			}
			return
		}
		if n < 100 {
			break
		}
	}
	due, err := d.Store.DueDeliveries(ctx, d.Now(), 50)
	if err != nil {
		if ctx.Err() == nil {
			d.Log.Error("webhooks: reading due deliveries failed", "err", err)
		}
		return
	}
	// Each subscription's deliveries in turn, several subscriptions at
	// once: a receiver that hangs until the timeout holds up only its own.
	bySub := map[string][]resources.Delivery{}
	var order []string
	for _, dl := range due {
		if bySub[dl.SubscriptionID] == nil {
			order = append(order, dl.SubscriptionID)
		}
		bySub[dl.SubscriptionID] = append(bySub[dl.SubscriptionID], dl)
	}
	sem := make(chan struct{}, parallelSubscriptions)
	var wg sync.WaitGroup
	for _, sub := range order {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			for _, dl := range bySub[sub] {
				if ctx.Err() != nil {
					return
				}
				d.attempt(ctx, dl)
			}
		})
	}
	wg.Wait()
}

// parallelSubscriptions is how many subscriptions are delivered to at once.
const parallelSubscriptions = 8

// deliveryID is the same for an event and subscription every time it is
// worked out, so a fan-out made again after a crash makes no second
// delivery. It starts with the event id's time (event ids are UUIDv7), so
// a subscription's delivery log reads newest first.
func deliveryID(eventID, subID string) string {
	h := sha256.Sum256([]byte(eventID + "/" + subID))
	return eventID[:min(len(eventID), 13)] + "-" + hex.EncodeToString(h[:10])
}

func (d *Dispatcher) attempt(ctx context.Context, dl resources.Delivery) {
	sub, err := d.Store.GetSubscription(ctx, dl.SubscriptionID)
	if err != nil {
		dl.State, dl.LastError = resources.DeliveryFailed, "the subscription is gone"
		d.save(ctx, dl)
		return
	}
	secret, err := d.Sealer.Open(sub.Secret, "subscription:"+sub.ID)
	if err != nil {
		d.Log.Error("webhooks: subscription secret does not open", "subscription", sub.ID, "err", err)
		return
	}
	body, _ := json.Marshal(DeliveryBody{ID: dl.ID, Event: dl.Event, ReferralID: dl.ReferralID, Status: dl.Status, At: dl.EventAt})
	now := d.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.URL, bytes.NewReader(body))
	if err != nil {
		dl.State, dl.LastError = resources.DeliveryFailed, "the URL cannot be called"
		d.save(ctx, dl)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "refer-webhooks/1")
	req.Header.Set(SignatureHeader, Sign(string(secret), now, body))
	req.Header.Set("Refer-Delivery", dl.ID)
	resp, err := d.client.Do(req)
	if ctx.Err() != nil {
		return // stopping: the delivery stays pending and is made after a restart
	}
	dl.Attempts++
	dl.LastAttempt = now.UTC()
	dl.LastCode, dl.LastError = 0, ""
	if err == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		dl.LastCode = resp.StatusCode
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			dl.State, dl.Delivered = resources.DeliveryDelivered, dl.LastAttempt
			d.save(ctx, dl)
			return
		}
		dl.LastError = "answered " + strconv.Itoa(resp.StatusCode)
	} else {
		dl.LastError = shortError(err)
	}
	if dl.Attempts >= cmp.Or(d.MaxAttempts, 15) {
		dl.State = resources.DeliveryFailed
	} else {
		dl.NextAttempt = now.Add(d.backoff(dl.Attempts)).UTC()
	}
	d.save(ctx, dl)
}

// backoff is the wait after the n-th failed attempt.
func (d *Dispatcher) backoff(n int) time.Duration {
	b, top := cmp.Or(d.Backoff, 10*time.Second), cmp.Or(d.MaxBackoff, 6*time.Hour)
	for i := 1; i < n && b < top; i++ {
		b *= 2
	}
	return min(b, top)
}

func (d *Dispatcher) save(ctx context.Context, dl resources.Delivery) {
	if err := d.Store.SaveDelivery(ctx, dl); err != nil && ctx.Err() == nil && resources.ErrorCode(err) != resources.ENOTFOUND {
		d.Log.Error("webhooks: saving a delivery failed", "delivery", dl.ID, "err", err)
	}
}

// shortError says why an attempt failed without the whole chain of
// wrapped errors.
func shortError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	s := err.Error()
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
