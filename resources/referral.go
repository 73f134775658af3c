package resources

import (
	"context"
	"time"
)

// ReferralStatus is where a referral stands: the status of the HL7 SDOH
// Clinical Care "Task for referral management" (every FHIR TaskStatus but
// draft, ready and received).
type ReferralStatus string

// The statuses of a referral. The rules of who may move a referral from
// one to another are in package referrals.
const (
	StatusRequested      ReferralStatus = "requested"
	StatusAccepted       ReferralStatus = "accepted"
	StatusRejected       ReferralStatus = "rejected"
	StatusInProgress     ReferralStatus = "in-progress"
	StatusOnHold         ReferralStatus = "on-hold"
	StatusCompleted      ReferralStatus = "completed"
	StatusFailed         ReferralStatus = "failed"
	StatusCancelled      ReferralStatus = "cancelled"
	StatusEnteredInError ReferralStatus = "entered-in-error"
)

// ReferralStatuses lists every status, in the order a referral usually
// passes through them.
var ReferralStatuses = []ReferralStatus{StatusRequested, StatusAccepted, StatusInProgress, StatusOnHold,
	StatusCompleted, StatusRejected, StatusFailed, StatusCancelled, StatusEnteredInError}

// Closed reports whether nothing more will happen to a referral in the
// status: its loop is closed, and its client data may be purged after the
// retention time.
func (s ReferralStatus) Closed() bool {
	switch s {
	case StatusRejected, StatusCompleted, StatusFailed, StatusCancelled, StatusEnteredInError:
		return true
	}
	return false
}

// Referral is one referral of a client to a service. Everything here but
// Sealed is anonymous: the figures (GET /api/v1/referrals/stats) are made
// from it, and it stays when the client data is purged.
type Referral struct {
	ID string `json:"id"`
	// The service referred to, and the site when one was chosen.
	ServiceID           string `json:"service_id"`
	ServiceAtLocationID string `json:"service_at_location_id,omitempty"`
	// OrganizationID is the receiving organization: the service's.
	OrganizationID string         `json:"organization_id"`
	ServiceName    string         `json:"service_name"`
	Need           string         `json:"need"`
	Status         ReferralStatus `json:"status"`
	Consent        Consent        `json:"consent"`
	// Sender is who made the referral (an API key or a person).
	Sender  Actor     `json:"sender"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	// History holds every status the referral had, from requested on.
	History []ReferralEvent `json:"history"`
	// Warnings said at creation, such as "the service reports no capacity".
	Warnings []string `json:"warnings,omitempty"`
	// Sealed holds the client fields, the note and the reasons, encrypted;
	// nil once purged.
	Sealed *Sealed `json:"sealed,omitempty"`
	// Purged is when the client data was removed.
	Purged *time.Time `json:"purged,omitempty"`
}

// Consent records the client's consent to share their data with the
// receiving organization.
type Consent struct {
	Obtained bool   `json:"obtained"`
	Method   string `json:"method"` // verbal, written or electronic
	Date     string `json:"date"`   // YYYY-MM-DD
}

// ReferralEvent is one status a referral took: who set it and when. Its
// reason, which people write and which may name the client, is sealed
// with the client's data (ReferralPrivate.Reasons, by position).
type ReferralEvent struct {
	Status    ReferralStatus `json:"status"`
	At        time.Time      `json:"at"`
	By        string         `json:"by"`
	ByRole    Role           `json:"by_role,omitempty"`
	HasReason bool           `json:"has_reason,omitempty"`
}

// Closed returns when the referral reached a closed status, or the zero
// time if it has not.
func (r *Referral) Closed() time.Time {
	if !r.Status.Closed() || len(r.History) == 0 {
		return time.Time{}
	}
	return r.History[len(r.History)-1].At
}

// FirstResponse returns when the receiving organization first answered
// (accepted or rejected, or moved it on), or the zero time.
func (r *Referral) FirstResponse() time.Time {
	for _, e := range r.History[min(1, len(r.History)):] {
		switch e.Status {
		case StatusCancelled, StatusEnteredInError:
			continue
		}
		return e.At
	}
	return time.Time{}
}

// Sealed is data encrypted with AES-256-GCM: the key's id (so a rotated
// key is found), the nonce and the ciphertext with its tag.
type Sealed struct {
	KeyID string `json:"kid"`
	Nonce []byte `json:"nonce"`
	Data  []byte `json:"data"`
}

// ReferralPrivate is what a referral seals: the client's fields, the note
// to the receiving organization, and the reasons given with statuses.
type ReferralPrivate struct {
	Client ReferralClient `json:"client"`
	Notes  string         `json:"notes,omitempty"`
	// Reasons maps a history position to the reason given with it.
	Reasons map[int]string `json:"reasons,omitempty"`
}

// ReferralClient is all a referral keeps of its client: enough for the
// receiving organization to reach them, nothing more.
type ReferralClient struct {
	// Reference is the sender's own id of the client (a record number).
	Reference string `json:"reference"`
	Name      string `json:"name,omitempty"`
	Phone     string `json:"phone,omitempty"`
	Email     string `json:"email,omitempty"`
}

// Referral events, as webhooks name them.
const (
	EventReferralCreated       = "referral.created"
	EventReferralStatusChanged = "referral.status_changed"
)

// ReferralEvents lists the events a subscription may ask for.
var ReferralEvents = []string{EventReferralCreated, EventReferralStatusChanged}

// OutboxEvent is an event waiting in the outbox, written in the
// transaction of the change it tells of. It carries no client data.
type OutboxEvent struct {
	ID         string         `json:"id"`
	Event      string         `json:"event"`
	ReferralID string         `json:"referral_id"`
	Status     ReferralStatus `json:"status,omitempty"`
	At         time.Time      `json:"at"`
	// Who the referral concerns, so subscriptions can be matched to it.
	OrganizationID       string `json:"organization_id"`
	SenderID             string `json:"sender_id"`
	SenderOrganizationID string `json:"sender_organization_id,omitempty"`
}

// Subscription asks for referral events to be POSTed to a URL.
type Subscription struct {
	ID     string   `json:"id"`
	URL    string   `json:"url"`
	Events []string `json:"events"`
	// Owner is who subscribed; what the subscription receives follows
	// from it (package referrals, Receives).
	Owner   Actor     `json:"owner"`
	Created time.Time `json:"created"`
	// Secret signs the deliveries; it is sealed when a secret key is set.
	Secret *Sealed `json:"secret,omitempty"`
}

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed" // retries given up
)

// Delivery is one event to be POSTed to one subscription; its id stays the
// same through every retry, so receivers can tell a retry from a new event.
type Delivery struct {
	ID             string         `json:"id"`
	SubscriptionID string         `json:"subscription_id"`
	Event          string         `json:"event"`
	ReferralID     string         `json:"referral_id"`
	Status         ReferralStatus `json:"status,omitempty"`
	EventAt        time.Time      `json:"event_at"`
	State          string         `json:"state"`
	Attempts       int            `json:"attempts"`
	NextAttempt    time.Time      `json:"next_attempt,omitzero"`
	LastAttempt    time.Time      `json:"last_attempt,omitzero"`
	LastCode       int            `json:"last_status_code,omitempty"`
	LastError      string         `json:"last_error,omitempty"`
	Delivered      time.Time      `json:"delivered,omitzero"`
}

// Idempotent is what a create with an Idempotency-Key header left behind:
// the answer to give a retry, sealed since it holds the client's fields.
type Idempotent struct {
	ReferralID  string    `json:"referral_id"`
	RequestHash string    `json:"request_hash"`
	At          time.Time `json:"at"`
	StatusCode  int       `json:"status_code"`
	Answer      *Sealed   `json:"answer,omitempty"`
}

// ReferralStore keeps referrals, their outbox, webhook subscriptions and
// deliveries, and services' capacity. Every method is safe for concurrent
// use.
type ReferralStore interface {
	// CreateReferral stores a new referral and its event in one
	// transaction. With an idempotency key (holder and key not empty), a
	// key already stored after notBefore is not stored again: the first
	// Idempotent is returned and nothing is written.
	CreateReferral(ctx context.Context, r *Referral, ev OutboxEvent, idem IdempotencyKey, rec *Idempotent) (*Idempotent, error)

	// UpdateReferral reads the referral, lets change alter it, and stores
	// it with the event change returns (if any), in one transaction.
	// ENOTFOUND if there is none; change's error is returned as it is.
	UpdateReferral(ctx context.Context, id string, change func(r *Referral) (*OutboxEvent, error)) (*Referral, error)

	// GetReferral returns a referral; ENOTFOUND if none.
	GetReferral(ctx context.Context, id string) (*Referral, error)

	// ScanReferrals calls fn with referrals newest first until it returns
	// false: every referral when parties is nil, else those of any of the
	// parties (see ReferralParties). Only referrals made at or after since
	// (if not zero) are read.
	ScanReferrals(ctx context.Context, parties []string, since time.Time, fn func(*Referral) bool) error

	// PutCapacity sets a service's capacity and logs a change of the
	// service, so the search index follows. ENOTFOUND if no such service.
	// When ifAsOf is not nil, the change is made from the capacity set at
	// *ifAsOf (the zero time: none was set): ECONFLICT if another is
	// stored now, so a form read before someone else's change does not
	// undo it.
	PutCapacity(ctx context.Context, serviceID string, c Capacity, ifAsOf *time.Time) error
	CapacityReader

	CreateSubscription(ctx context.Context, s Subscription) error
	// PutSubscription replaces a stored subscription (its secret sealed
	// anew); ENOTFOUND if none.
	PutSubscription(ctx context.Context, s Subscription) error
	GetSubscription(ctx context.Context, id string) (Subscription, error)
	ListSubscriptions(ctx context.Context) ([]Subscription, error)
	// DeleteSubscription removes it and its pending deliveries.
	DeleteSubscription(ctx context.Context, id string) error

	// FanOut turns the outbox's events not yet fanned out into deliveries,
	// at most limit events at a time: deliveries returns those an event
	// makes. It returns how many events it took.
	FanOut(ctx context.Context, limit int, deliveries func(OutboxEvent, []Subscription) []Delivery) (int, error)
	// DueDeliveries returns pending deliveries whose next attempt is at or
	// before now, soonest first.
	DueDeliveries(ctx context.Context, now time.Time, limit int) ([]Delivery, error)
	// SaveDelivery stores a delivery after an attempt.
	SaveDelivery(ctx context.Context, d Delivery) error
	// Deliveries returns a subscription's deliveries, newest first.
	Deliveries(ctx context.Context, subscriptionID string, limit int) ([]Delivery, error)

	// DeleteIdempotencyBefore removes idempotency records older than t.
	DeleteIdempotencyBefore(ctx context.Context, t time.Time) (int, error)

	// AddUnmet adds counts of needs that matches found no option for.
	AddUnmet(ctx context.Context, counts map[UnmetKey]int) error
	// Unmet returns the counts of the days from from to to, both inclusive.
	Unmet(ctx context.Context, from, to time.Time) (map[UnmetKey]int, error)
}

// UnmetKey names a count of unmet needs: the day (YYYY-MM-DD, UTC), the
// need and the client's postcode ("" when the match gave none).
type UnmetKey struct {
	Day, Need, Postcode string
}

// CapacityReader reads services' capacity: what the search index needs of
// a ReferralStore to show and rank it.
type CapacityReader interface {
	// Capacity returns a service's capacity (ok false if never set).
	Capacity(ctx context.Context, serviceID string) (c Capacity, ok bool, err error)
}

// IdempotencyKey names a create that may be retried: the key holder and
// the Idempotency-Key header they sent.
type IdempotencyKey struct {
	Holder, Key string
	// NotBefore: a record made before it is expired and may be replaced.
	NotBefore time.Time
}

// ReferralParties returns the party keys under which a referral is found:
// its receiving organization, its sender and its sender's organization.
func ReferralParties(r *Referral) []string {
	out := []string{PartyOrganization(r.OrganizationID), PartySender(r.Sender)}
	if r.Sender.OrganizationID != "" && r.Sender.OrganizationID != r.OrganizationID {
		out = append(out, PartyOrganization(r.Sender.OrganizationID))
	}
	return out
}

// PartyOrganization is the party key of an organization.
func PartyOrganization(id string) string { return "org:" + id }

// PartySender is the party key of one sender, a key or a person.
func PartySender(a Actor) string {
	if a.UserID != "" {
		return "user:" + a.UserID
	}
	return "key:" + a.KeyID
}
