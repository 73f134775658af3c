package referrals

import (
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/refer-project/refer/resources"
)

// Config is what Referrals needs.
type Config struct {
	// Directory is the store of services, to check what is referred to.
	Directory resources.Store
	// Store keeps referrals, subscriptions, deliveries and capacity.
	Store resources.ReferralStore
	// Sealer seals client data. Nil means referrals are refused: a server
	// with no secret key stores no client data (unless it was started
	// with --insecure-no-secret-key, which gives an unsealing Sealer).
	Sealer *Sealer
	// KnownNeed reports whether a code is in the needs vocabulary.
	KnownNeed func(code string) bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Notify, if set, is called after each change that left an event in
	// the outbox (the webhook dispatcher's Wake).
	Notify func()
}

// Referrals makes referrals and follows them: the rules of who may see and
// change a referral, for the API and the pages alike.
type Referrals struct {
	dir    resources.Store
	store  resources.ReferralStore
	sealer *Sealer
	known  func(string) bool
	now    func() time.Time
	notify func()
	ids    idMaker
}

// New returns Referrals over the stores of cfg.
func New(cfg Config) *Referrals {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	known := cfg.KnownNeed
	if known == nil {
		known = func(string) bool { return true }
	}
	notify := cfg.Notify
	if notify == nil {
		notify = func() {}
	}
	return &Referrals{dir: cfg.Directory, store: cfg.Store, sealer: cfg.Sealer, known: known, now: now, notify: notify}
}

// IdempotencyWindow is how long an Idempotency-Key is remembered.
const IdempotencyWindow = 24 * time.Hour

// Limits of what a referral holds.
const (
	maxNotes      = 2000
	maxReason     = 1000
	maxClientText = 200
	maxIdemKey    = 255
)

// Input is a new referral as the sender gives it.
type Input struct {
	ServiceID           string                   `json:"service_id"`
	ServiceAtLocationID string                   `json:"service_at_location_id,omitempty"`
	Need                string                   `json:"need"`
	Client              resources.ReferralClient `json:"client"`
	Consent             resources.Consent        `json:"consent"`
	Notes               string                   `json:"notes,omitempty"`
}

// View is a referral as its sender and receiver see it, client data
// opened.
type View struct {
	ID                  string                    `json:"id"`
	Status              resources.ReferralStatus  `json:"status"`
	ServiceID           string                    `json:"service_id"`
	ServiceAtLocationID string                    `json:"service_at_location_id,omitempty"`
	ServiceName         string                    `json:"service_name"`
	OrganizationID      string                    `json:"organization_id"`
	Need                string                    `json:"need"`
	Client              *resources.ReferralClient `json:"client,omitempty"`
	Notes               string                    `json:"notes,omitempty"`
	Consent             resources.Consent         `json:"consent"`
	Sender              SenderView                `json:"sender"`
	Created             time.Time                 `json:"created"`
	Updated             time.Time                 `json:"updated"`
	History             []HistoryEntry            `json:"history"`
	Warnings            []string                  `json:"warnings,omitempty"`
	// Purged is when the client data was removed, after the referral was
	// closed for the retention time.
	Purged *time.Time `json:"purged,omitempty"`
	// Next lists the statuses the one who asked may move the referral to
	// now (Allowed for their side), for pages that offer only what will
	// work; not part of the API's answer.
	Next []resources.ReferralStatus `json:"-"`
}

// SenderView names who sent a referral.
type SenderView struct {
	Name           string         `json:"name"`
	Role           resources.Role `json:"role,omitempty"`
	OrganizationID string         `json:"organization_id,omitempty"`
}

// HistoryEntry is one status of a referral's history.
type HistoryEntry struct {
	Status resources.ReferralStatus `json:"status"`
	At     time.Time                `json:"at"`
	By     string                   `json:"by"`
	Reason string                   `json:"reason,omitempty"`
}

// Create makes a referral from the sender's input. With an idempotency key
// (the Idempotency-Key header) a retry within IdempotencyWindow returns the
// first answer, replayed true, and makes nothing.
func (rs *Referrals) Create(ctx context.Context, a resources.Actor, in Input, idemKey string) (v *View, replayed bool, err error) {
	if rs.sealer == nil {
		return nil, false, resources.Errorf(resources.EUNAVAILABLE,
			"referrals are off: this server has no secret key to seal client data with (set REFER_SECRET_KEY)")
	}
	if a.KeyID == "" && a.UserID == "" {
		return nil, false, resources.Errorf(resources.EUNAUTHORIZED, "a referral needs a sender: an API key or a signed-in person")
	}
	// A key is a token, not text: no control character at all (HasControl
	// lets line breaks through, as notes have them).
	if len(idemKey) > maxIdemKey || strings.IndexFunc(idemKey, unicode.IsControl) >= 0 {
		return nil, false, &resources.Error{Code: resources.EINVALID, Message: "the Idempotency-Key header is invalid",
			Fields: map[string]string{"Idempotency-Key": fmt.Sprintf("must be at most %d printable characters", maxIdemKey)}}
	}
	now := rs.now().UTC().Truncate(time.Millisecond)
	in = tidy(in)
	if err := rs.validate(in, now); err != nil {
		return nil, false, err
	}
	svc, err := resources.Get[*resources.Service](ctx, rs.dir, in.ServiceID)
	if resources.ErrorCode(err) == resources.ENOTFOUND {
		return nil, false, invalidField("service_id", "names no service %q", in.ServiceID)
	} else if err != nil {
		return nil, false, err
	}
	if !TakesReferrals(svc) {
		return nil, false, invalidField("service_id", "service %q is %s and takes no referrals", svc.ID, svc.Status)
	}
	if in.ServiceAtLocationID != "" {
		sal, err := resources.Get[*resources.ServiceAtLocation](ctx, rs.dir, in.ServiceAtLocationID)
		if resources.ErrorCode(err) == resources.ENOTFOUND || err == nil && sal.ServiceID != svc.ID {
			return nil, false, invalidField("service_at_location_id", "names no site of service %q", svc.ID)
		} else if err != nil {
			return nil, false, err
		}
	}
	r := &resources.Referral{
		ID: rs.ids.next(now), ServiceID: svc.ID, ServiceAtLocationID: in.ServiceAtLocationID,
		OrganizationID: svc.OrganizationID, ServiceName: svc.Name, Need: in.Need,
		Status: resources.StatusRequested, Consent: in.Consent, Sender: a, Created: now, Updated: now,
		History: []resources.ReferralEvent{{Status: resources.StatusRequested, At: now, By: a.Name, ByRole: a.Role}},
	}
	c, ok, err := rs.store.Capacity(ctx, svc.ID)
	if err != nil {
		return nil, false, err
	}
	if ok {
		if w := capacityWarning(c.At(now)); w != "" {
			r.Warnings = append(r.Warnings, w)
		}
	}
	private := resources.ReferralPrivate{Client: in.Client, Notes: in.Notes}
	if err := rs.seal(r, &private); err != nil {
		return nil, false, err
	}
	view := rs.view(r, &private)
	var idem resources.IdempotencyKey
	var rec *resources.Idempotent
	fingerprint := ""
	if idemKey != "" {
		idem = resources.IdempotencyKey{Holder: resources.PartySender(a), Key: idemKey, NotBefore: now.Add(-IdempotencyWindow)}
		body, _ := json.Marshal(in)
		fingerprint = rs.sealer.Fingerprint(body)
		answer, _ := json.Marshal(view)
		sealed, err := rs.sealer.Seal(answer, "idempotency:"+r.ID)
		if err != nil {
			return nil, false, err
		}
		rec = &resources.Idempotent{ReferralID: r.ID, RequestHash: fingerprint, At: now, StatusCode: 201, Answer: sealed}
	}
	ev := resources.OutboxEvent{ID: rs.ids.next(now), Event: resources.EventReferralCreated, ReferralID: r.ID,
		Status: r.Status, At: now, OrganizationID: r.OrganizationID, SenderID: resources.PartySender(a),
		SenderOrganizationID: a.OrganizationID}
	first, err := rs.store.CreateReferral(ctx, r, ev, idem, rec)
	if err != nil {
		return nil, false, err
	}
	if first != nil {
		if first.RequestHash != fingerprint {
			return nil, false, &resources.Error{Code: resources.ECONFLICT,
				Message: "this Idempotency-Key was used for a different referral in the last 24 hours; use a new key for a new referral",
				Fields:  map[string]string{"Idempotency-Key": "was used with a different request"}}
		}
		answer, err := rs.sealer.Open(first.Answer, "idempotency:"+first.ReferralID)
		if err != nil {
			return nil, false, err
		}
		var old View
		if err := json.Unmarshal(answer, &old); err != nil {
			return nil, false, fmt.Errorf("idempotency record: %w", err)
		}
		return &old, true, nil
	}
	rs.notify()
	return view, false, nil
}

// tidy trims what people type.
func tidy(in Input) Input {
	in.ServiceID = strings.TrimSpace(in.ServiceID)
	in.ServiceAtLocationID = strings.TrimSpace(in.ServiceAtLocationID)
	in.Need = strings.TrimSpace(in.Need)
	in.Client.Reference = strings.TrimSpace(in.Client.Reference)
	in.Client.Name = strings.TrimSpace(in.Client.Name)
	in.Client.Phone = strings.TrimSpace(in.Client.Phone)
	in.Client.Email = strings.TrimSpace(in.Client.Email)
	in.Consent.Method = strings.TrimSpace(in.Consent.Method)
	in.Consent.Date = strings.TrimSpace(in.Consent.Date)
	in.Notes = strings.TrimSpace(in.Notes)
	return in
}

// validate checks a new referral's fields. Messages never repeat a client
// field's value: errors are logged and shown, and client data is not.
func (rs *Referrals) validate(in Input, now time.Time) error {
	f := resources.FieldErrors{}
	if in.ServiceID == "" {
		f.Add("service_id", "is required")
	}
	switch {
	case in.Need == "":
		f.Add("need", "is required: the need code the referral answers (GET /api/v1/needs)")
	case !rs.known(in.Need):
		f.Add("need", "%q is not a need code (GET /api/v1/needs lists them)", clip(in.Need, 60))
	}
	if in.Client.Reference == "" {
		f.Add("client.reference", "is required: your own id of the client, such as a record number")
	}
	for name, v := range map[string]string{"client.reference": in.Client.Reference, "client.name": in.Client.Name,
		"client.phone": in.Client.Phone, "client.email": in.Client.Email} {
		if utf8.RuneCountInString(v) > maxClientText {
			f.Add(name, "is longer than %d characters", maxClientText)
		} else if resources.HasControl(v) {
			f.Add(name, "holds control characters")
		}
	}
	if e := in.Client.Email; e != "" {
		if addr, err := mail.ParseAddress(e); err != nil || addr.Address != e {
			f.Add("client.email", "is not an e-mail address")
		}
	}
	if p := in.Client.Phone; p != "" && !phoneLike(p) {
		f.Add("client.phone", "is not a phone number")
	}
	if !in.Consent.Obtained {
		f.Add("consent.obtained", "must be true: a referral shares the client's data with another organization, which needs their consent")
	}
	switch in.Consent.Method {
	case "verbal", "written", "electronic":
	case "":
		f.Add("consent.method", "is required: verbal, written or electronic")
	default:
		f.Add("consent.method", "is %q; use verbal, written or electronic", clip(in.Consent.Method, 40))
	}
	if d, err := time.Parse(time.DateOnly, in.Consent.Date); in.Consent.Date == "" {
		f.Add("consent.date", "is required (YYYY-MM-DD)")
	} else if err != nil {
		f.Add("consent.date", "is not a date in the form YYYY-MM-DD")
	} else if d.After(now.Add(24 * time.Hour)) {
		f.Add("consent.date", "is in the future")
	}
	if n := utf8.RuneCountInString(in.Notes); n > maxNotes {
		f.Add("notes", "has %d characters; at most %d", n, maxNotes)
	} else if resources.HasControl(in.Notes) {
		f.Add("notes", "holds control characters")
	}
	return f.Err("the referral")
}

// Get returns a referral to someone who may see it; ENOTFOUND otherwise,
// so that ids of others' referrals tell nothing.
func (rs *Referrals) Get(ctx context.Context, a resources.Actor, id string) (*View, error) {
	r, err := rs.store.GetReferral(ctx, id)
	if err == nil && SideOf(a, r) == Nobody {
		err = resources.Errorf(resources.ENOTFOUND, "there is no referral %q", id)
	}
	if err != nil {
		return nil, err
	}
	v, err := rs.open(r)
	if err != nil {
		return nil, err
	}
	v.Next = Allowed(SideOf(a, r), r.Status)
	return v, nil
}

// SetStatus moves a referral to a new status, as the rules allow (May),
// keeping who, when and why in its history.
func (rs *Referrals) SetStatus(ctx context.Context, a resources.Actor, id string, to resources.ReferralStatus, reason string) (*View, error) {
	reason = strings.TrimSpace(reason)
	f := resources.FieldErrors{}
	switch n := utf8.RuneCountInString(reason); {
	case needsReason[to] && reason == "":
		f.Add("reason", "is required when a referral becomes %s", to)
	case n > maxReason:
		f.Add("reason", "has %d characters; at most %d", n, maxReason)
	case resources.HasControl(reason):
		f.Add("reason", "holds control characters")
	}
	if err := f.Err("the status change"); err != nil {
		return nil, err
	}
	var private *resources.ReferralPrivate
	r, err := rs.store.UpdateReferral(ctx, id, func(r *resources.Referral) (*resources.OutboxEvent, error) {
		side := SideOf(a, r)
		if side == Nobody {
			return nil, resources.Errorf(resources.ENOTFOUND, "there is no referral %q", id)
		}
		if err := May(side, r.Status, to); err != nil {
			return nil, err
		}
		now := rs.now().UTC().Truncate(time.Millisecond)
		if now.Before(r.Updated) {
			now = r.Updated // a clock stepped back must not reorder the history
		}
		r.Status, r.Updated = to, now
		r.History = append(r.History, resources.ReferralEvent{Status: to, At: now, By: a.Name, ByRole: a.Role, HasReason: reason != ""})
		var err error
		if private, err = rs.unseal(r); err != nil {
			return nil, err
		}
		if private != nil && reason != "" {
			if private.Reasons == nil {
				private.Reasons = map[int]string{}
			}
			private.Reasons[len(r.History)-1] = reason
			if err := rs.seal(r, private); err != nil {
				return nil, err
			}
		}
		return &resources.OutboxEvent{ID: rs.ids.next(now), Event: resources.EventReferralStatusChanged, ReferralID: r.ID,
			Status: to, At: now, OrganizationID: r.OrganizationID, SenderID: resources.PartySender(r.Sender),
			SenderOrganizationID: r.Sender.OrganizationID}, nil
	})
	if err != nil {
		return nil, err
	}
	rs.notify()
	v := rs.view(r, private)
	v.Next = Allowed(SideOf(a, r), r.Status)
	return v, nil
}

// Filter selects referrals for List.
type Filter struct {
	Status         resources.ReferralStatus
	OrganizationID string // the receiving organization
	Need           string
	// From and To bound when referrals were made: From inclusive, To
	// exclusive; zero means unbounded.
	From, To time.Time
	Page     int // from 1
	PerPage  int
}

// Page is one page of a list of referrals, newest first.
type Page struct {
	Total   int     `json:"total"`
	Page    int     `json:"page"`
	PerPage int     `json:"per_page"`
	Results []*View `json:"results"`
}

// List pagination.
const (
	DefaultPerPage = 20
	MaxPerPage     = 100
)

// List returns the referrals someone may see that pass the filter, newest
// first.
func (rs *Referrals) List(ctx context.Context, a resources.Actor, f Filter) (*Page, error) {
	if f.Status != "" && !slices.Contains(resources.ReferralStatuses, f.Status) {
		return nil, invalidField("status", "%q is not a referral status", clip(string(f.Status), 40))
	}
	page, per := max(f.Page, 1), f.PerPage
	if per <= 0 {
		per = DefaultPerPage
	}
	per = min(per, MaxPerPage)
	out := &Page{Page: page, PerPage: per, Results: []*View{}}
	skip := (page - 1) * per
	var keep []*resources.Referral
	err := rs.store.ScanReferrals(ctx, partiesOf(a), f.From, func(r *resources.Referral) bool {
		if !f.To.IsZero() && !r.Created.Before(f.To) ||
			f.Status != "" && r.Status != f.Status ||
			f.OrganizationID != "" && r.OrganizationID != f.OrganizationID ||
			f.Need != "" && r.Need != f.Need {
			return true
		}
		if out.Total >= skip && len(keep) < per {
			keep = append(keep, r)
		}
		out.Total++
		return true
	})
	if err != nil {
		return nil, err
	}
	for _, r := range keep {
		v, err := rs.open(r)
		if err != nil {
			return nil, err
		}
		v.Next = Allowed(SideOf(a, r), r.Status)
		out.Results = append(out.Results, v)
	}
	return out, nil
}

// open returns a stored referral's view with its client data opened.
func (rs *Referrals) open(r *resources.Referral) (*View, error) {
	p, err := rs.unseal(r)
	if err != nil {
		return nil, err
	}
	return rs.view(r, p), nil
}

func (rs *Referrals) unseal(r *resources.Referral) (*resources.ReferralPrivate, error) {
	if r.Sealed == nil {
		return nil, nil
	}
	if rs.sealer == nil {
		return nil, resources.Errorf(resources.EUNAVAILABLE,
			"this referral's client data is sealed, and this server has no secret key (set REFER_SECRET_KEY)")
	}
	b, err := rs.sealer.Open(r.Sealed, "referral:"+r.ID)
	if err != nil {
		return nil, fmt.Errorf("referral %s: %w", r.ID, err)
	}
	var p resources.ReferralPrivate
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("referral %s: sealed data: %w", r.ID, err)
	}
	return &p, nil
}

func (rs *Referrals) seal(r *resources.Referral, p *resources.ReferralPrivate) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	s, err := rs.sealer.Seal(b, "referral:"+r.ID)
	if err != nil {
		return err
	}
	r.Sealed = s
	return nil
}

func (rs *Referrals) view(r *resources.Referral, p *resources.ReferralPrivate) *View {
	v := &View{ID: r.ID, Status: r.Status, ServiceID: r.ServiceID, ServiceAtLocationID: r.ServiceAtLocationID,
		ServiceName: r.ServiceName, OrganizationID: r.OrganizationID, Need: r.Need, Consent: r.Consent,
		Sender:  SenderView{Name: r.Sender.Name, Role: r.Sender.Role, OrganizationID: r.Sender.OrganizationID},
		Created: r.Created, Updated: r.Updated, Warnings: r.Warnings, Purged: r.Purged,
		History: make([]HistoryEntry, len(r.History))}
	if p != nil {
		c := p.Client
		v.Client, v.Notes = &c, p.Notes
	}
	for i, e := range r.History {
		v.History[i] = HistoryEntry{Status: e.Status, At: e.At, By: e.By}
		if p != nil {
			v.History[i].Reason = p.Reasons[i]
		}
	}
	return v
}

func invalidField(field, format string, args ...any) error {
	f := resources.FieldErrors{}
	f.Add(field, format, args...)
	return f.Err("the referral")
}

// clip shortens what is echoed back in an error.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// phoneLike accepts what people write as phone numbers: digits with
// spaces, dots, dashes, brackets, a leading plus and an extension.
func phoneLike(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" .-()+xX#", r):
		default:
			return false
		}
	}
	return digits >= 3 && digits <= 20
}

// idMaker makes UUIDv7 ids from the injected clock, so that ids sort in
// the order referrals were made (lists read them newest first) and tests
// with a fixed clock still get distinct, ordered ids.
type idMaker struct {
	mu   sync.Mutex
	last int64 // the millisecond of the last id
	seq  uint16
}

func (m *idMaker) next(now time.Time) string {
	m.mu.Lock()
	ms := now.UnixMilli()
	if ms <= m.last {
		ms = m.last
		m.seq++
		if m.seq >= 1<<12 {
			ms++
			m.seq = 0
		}
	} else {
		m.seq = 0
	}
	m.last = ms
	seq := m.seq
	m.mu.Unlock()
	u := uuid.New() // random bits, then the time and the sequence over them
	u[0], u[1], u[2], u[3], u[4], u[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	u[6] = 0x70 | byte(seq>>8)
	u[7] = byte(seq)
	u[8] = u[8]&0x3f | 0x80
	return u.String()
}
