package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/refer-project/refer/referrals"
)

// call sends a JSON request and returns the status, the body and the
// answer's headers.
func call(tb testing.TB, method, url, key, body string, header ...string) (int, []byte, http.Header) {
	tb.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		tb.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

// decode reads JSON into a fresh value of T.
func decode[T any](tb testing.TB, b []byte) T {
	tb.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		tb.Fatalf("%v: %s", err, b)
	}
	return v
}

type referralOut struct {
	ID       string   `json:"id"`
	Status   string   `json:"status"`
	Warnings []string `json:"warnings"`
	Client   *struct {
		Name string `json:"name"`
	} `json:"client"`
	History []struct {
		Status, By, Reason string
	} `json:"history"`
}

// testSecretKey is a REFER_SECRET_KEY for tests.
var testSecretKey = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("k"), 32))

const clientName = "Zenobia Quartermaine"

// sampleService finds a service of the bundled sample, and its organization.
func sampleService(tb testing.TB, base string) (service, org string) {
	tb.Helper()
	_, b, _ := call(tb, "GET", base+"/api/v1/search?q=food&per_page=1", "", "")
	res := decode[struct {
		Results []struct {
			ServiceID    string `json:"service_id"`
			Organization struct{ ID string }
		}
	}](tb, b)
	if len(res.Results) == 0 {
		tb.Fatalf("no service in the sample: %s", b)
	}
	return res.Results[0].ServiceID, res.Results[0].Organization.ID
}

func referralBody(service string) string {
	return `{"service_id": "` + service + `", "need": "food-insecurity",
		"client": {"reference": "MRN-0042", "name": "` + clientName + `", "phone": "650-555-0100"},
		"consent": {"obtained": true, "method": "verbal", "date": "2026-11-27"},
		"notes": "` + clientName + ` has no car"}`
}

// TestReferralLoopOverHTTP runs the loop on the real binary: a case
// manager refers, retries with the same Idempotency-Key, the organization
// finds it in its inbox, accepts and completes it; another is rejected
// with a reason, another cancelled; the rules answer 403, 409 and 422
// where they should; and the server's logs never name the client.
func TestReferralLoopOverHTTP(t *testing.T) {
	t.Setenv("REFER_SECRET_KEY", testSecretKey)
	dir := t.TempDir()
	admin := lastLineOf(mustRun(t, "keys", "create", "--data", dir, "--role", "admin", "--name", "Directory admin"))
	manager := lastLineOf(mustRun(t, "keys", "create", "--data", dir, "--role", "case_manager", "--name", "Maria at the clinic"))
	srv := startServe(t, "--data", dir, "--load-sample")
	waitReady(t, srv.base)
	api := srv.base + "/api/v1"
	service, org := sampleService(t, srv.base)
	code, b, _ := call(t, "POST", api+"/keys", admin, `{"name": "Ana at the pantry", "role": "org_editor", "organization_id": "`+org+`"}`)
	if code != 201 {
		t.Fatalf("org key: %d %s", code, b)
	}
	staff := decode[struct{ Key string }](t, b).Key

	// Send, and send again as a retrying intake system would.
	code, b, h := call(t, "POST", api+"/referrals", manager, referralBody(service), "Idempotency-Key", "visit-1")
	first := decode[referralOut](t, b)
	if code != 201 || first.Status != "requested" || h.Get("Location") != "/api/v1/referrals/"+first.ID {
		t.Fatalf("create: %d %s", code, b)
	}
	code, b, h = call(t, "POST", api+"/referrals", manager, referralBody(service), "Idempotency-Key", "visit-1")
	if again := decode[referralOut](t, b); code != 201 || again.ID != first.ID || h.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry: %d %s", code, b)
	}
	// The organization's inbox holds it once.
	code, b, _ = call(t, "GET", api+"/referrals?status=requested", staff, "")
	inbox := decode[struct {
		Total   int
		Results []referralOut
	}](t, b)
	if code != 200 || inbox.Total != 1 || inbox.Results[0].ID != first.ID || inbox.Results[0].Client.Name != clientName {
		t.Fatalf("inbox: %d %s", code, b)
	}
	step := func(key, id, body string, want int) referralOut {
		t.Helper()
		code, b, _ := call(t, "POST", api+"/referrals/"+id+"/status", key, body)
		if code != want {
			t.Fatalf("%s -> %d, want %d: %s", body, code, want, b)
		}
		return decode[referralOut](t, b)
	}
	step(manager, first.ID, `{"status": "accepted"}`, 403)
	step(staff, first.ID, `{"status": "accepted"}`, 200)
	step(staff, first.ID, `{"status": "on-hold"}`, 422)
	step(staff, first.ID, `{"status": "done"}`, 422)
	done := step(staff, first.ID, `{"status": "completed"}`, 200)
	step(manager, first.ID, `{"status": "cancelled", "reason": "too late"}`, 409)
	if len(done.History) != 3 || done.History[2].By != "Ana at the pantry" {
		t.Errorf("history %+v", done.History)
	}
	// Rejected with a reason; cancelled by the sender.
	_, b, _ = call(t, "POST", api+"/referrals", manager, referralBody(service))
	second := decode[referralOut](t, b)
	rejected := step(staff, second.ID, `{"status": "rejected", "reason": "We serve only Redwood City"}`, 200)
	if rejected.History[1].Reason != "We serve only Redwood City" {
		t.Errorf("rejection reason: %+v", rejected.History)
	}
	_, b, _ = call(t, "POST", api+"/referrals", manager, referralBody(service))
	third := decode[referralOut](t, b)
	step(staff, third.ID, `{"status": "cancelled", "reason": "x"}`, 403)
	step(manager, third.ID, `{"status": "cancelled"}`, 422)
	step(manager, third.ID, `{"status": "cancelled", "reason": "Client found help elsewhere"}`, 200)
	// Without consent: 422; without a key: 401.
	if code, b, _ := call(t, "POST", api+"/referrals", manager, strings.Replace(referralBody(service), `"obtained": true`, `"obtained": false`, 1)); code != 422 || !bytes.Contains(b, []byte("consent.obtained")) {
		t.Errorf("without consent: %d %s", code, b)
	}
	if code, _, _ := call(t, "GET", api+"/referrals/"+first.ID, "", ""); code != 401 {
		t.Errorf("without a key: %d", code)
	}
	// The figures.
	code, b, _ = call(t, "GET", api+"/referrals/stats", admin, "")
	st := decode[referrals.Stats](t, b)
	if code != 200 || st.Total != 3 || st.AcceptanceRate == nil || *st.AcceptanceRate != 0.5 || *st.CompletionRate != 0.333 {
		t.Errorf("stats: %d %s", code, b)
	}
	// A full service still takes a referral, with a warning, and search
	// and match show the capacity.
	if code, b, _ := call(t, "PUT", api+"/services/"+service+"/capacity", staff, `{"status": "waitlist", "expected_wait_days": 10}`); code != 200 {
		t.Fatalf("capacity: %d %s", code, b)
	}
	_, b, _ = call(t, "POST", api+"/referrals", manager, referralBody(service))
	if w := decode[referralOut](t, b).Warnings; len(w) != 1 || !strings.Contains(w[0], "waitlist") {
		t.Errorf("warnings %q", w)
	}
	_, b, _ = call(t, "GET", api+"/search?q=food&per_page=50", "", "")
	if !bytes.Contains(b, []byte(`"status":"waitlist"`)) {
		t.Errorf("search does not show the waitlist: %s", b)
	}

	if code := srv.stop(t); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
	if logs := srv.stderr.String(); strings.Contains(logs, "Zenobia") || strings.Contains(logs, "MRN-0042") || strings.Contains(logs, "no car") {
		t.Errorf("the server's log names the client:\n%s", logs)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "refer.db"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("Zenobia")) || bytes.Contains(raw, []byte("MRN-0042")) {
		t.Error("the store file holds the client's name or reference in clear text")
	}
}

// TestServeWithoutSecretKey: with no REFER_SECRET_KEY the server runs the
// directory but refuses referrals, saying why.
func TestServeWithoutSecretKey(t *testing.T) {
	t.Setenv("REFER_SECRET_KEY", "")
	dir := t.TempDir()
	manager := lastLineOf(mustRun(t, "keys", "create", "--data", dir, "--role", "case_manager", "--name", "m"))
	srv := startServe(t, "--data", dir, "--load-sample")
	waitReady(t, srv.base)
	service, _ := sampleService(t, srv.base)
	code, b, _ := call(t, "POST", srv.base+"/api/v1/referrals", manager, referralBody(service))
	if code != 503 || !bytes.Contains(b, []byte("REFER_SECRET_KEY")) {
		t.Errorf("referral without a secret key: %d %s", code, b)
	}
	t.Setenv("REFER_SECRET_KEY", "too-short")
	if code, _, errs := run(t, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0"); code != 1 || !strings.Contains(errs, "32") {
		t.Errorf("a bad key: exit %d %q", code, errs)
	}
}

// hookReceiver records signed deliveries. Until released, it holds the
// first request it gets open, so the server can be killed mid-delivery.
type hookReceiver struct {
	t       *testing.T
	secret  string
	mu      sync.Mutex
	seen    map[string]referrals.DeliveryBody // by delivery id
	bodies  []string
	arrived chan struct{}
	release chan struct{}
	once    sync.Once
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.once.Do(func() {
		close(h.arrived)
		<-h.release // the server is killed while this delivery waits
	})
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := referrals.Verify(h.secret, r.Header.Get(referrals.SignatureHeader), body, time.Now(), 5*time.Minute); err != nil {
		h.t.Errorf("a delivery does not verify: %v", err)
		http.Error(w, "bad signature", 400)
		return
	}
	var d referrals.DeliveryBody
	json.Unmarshal(body, &d)
	h.seen[d.ID] = d
	h.bodies = append(h.bodies, string(body))
}

// startServeChild runs refer serve in a child process (so it can be
// killed), with extra flags and environment.
func startServeChild(t *testing.T, dataDir string, env []string, flags ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--data", dataDir, "--addr", "127.0.0.1:0", "--load-sample"}, flags...)...)
	cmd.Env = append(append(os.Environ(), "REFER_TEST_MAIN=1"), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("child did not start: %v", err)
	}
	go io.Copy(io.Discard, stdout)
	base := strings.TrimSpace(strings.TrimPrefix(line, "refer: serving on "))
	waitReady(t, base)
	return cmd, base
}

// TestWebhooksSurviveKill subscribes a receiver, makes referral events,
// and kills the server with SIGKILL while a delivery is in flight. After a
// restart every event arrives, each signed so the receiver verifies it,
// none carrying client data.
func TestWebhooksSurviveKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills child processes")
	}
	dir := t.TempDir()
	env := []string{"REFER_SECRET_KEY=" + testSecretKey}
	admin := lastLineOf(mustRun(t, "keys", "create", "--data", dir, "--role", "admin", "--name", "Directory admin"))
	manager := lastLineOf(mustRun(t, "keys", "create", "--data", dir, "--role", "case_manager", "--name", "Maria"))
	rc := &hookReceiver{t: t, seen: map[string]referrals.DeliveryBody{}, arrived: make(chan struct{}), release: make(chan struct{})}
	hooks := httptest.NewServer(rc)
	defer hooks.Close()
	defer func() {
		select {
		case <-rc.release:
		default:
			close(rc.release)
		}
	}()

	child, base := startServeChild(t, dir, env, "--allow-private-webhooks")
	api := base + "/api/v1"
	code, b, _ := call(t, "POST", api+"/subscriptions", admin, `{"url": "`+hooks.URL+`/refer", "events": ["referral.created", "referral.status_changed"]}`)
	if code != 201 {
		t.Fatalf("subscribe: %d %s", code, b)
	}
	sub := decode[referrals.SubscriptionView](t, b)
	rc.secret = sub.Secret
	service, _ := sampleService(t, base)
	var ids []string
	for range 5 {
		code, b, _ := call(t, "POST", api+"/referrals", manager, referralBody(service))
		if code != 201 {
			t.Fatalf("create: %d %s", code, b)
		}
		id := decode[referralOut](t, b).ID
		ids = append(ids, id)
		if code, b, _ := call(t, "POST", api+"/referrals/"+id+"/status", admin, `{"status": "accepted"}`); code != 200 {
			t.Fatalf("accept: %d %s", code, b)
		}
	}
	select {
	case <-rc.arrived:
	case <-time.After(20 * time.Second):
		t.Fatal("no delivery started")
	}
	child.Process.Signal(syscall.SIGKILL)
	child.Wait()
	close(rc.release)

	_, base = startServeChild(t, dir, env, "--allow-private-webhooks")
	want := 2 * len(ids)
	deadline := time.Now().Add(30 * time.Second)
	for {
		rc.mu.Lock()
		n := len(rc.seen)
		rc.mu.Unlock()
		if n >= want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d events delivered after the restart", n, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	got := map[string]int{}
	for _, d := range rc.seen {
		got[d.ReferralID+" "+d.Event+" "+string(d.Status)]++
	}
	for _, id := range ids {
		for _, k := range []string{id + " referral.created requested", id + " referral.status_changed accepted"} {
			if got[k] != 1 {
				t.Errorf("%s delivered %d times (by distinct delivery ids)", k, got[k])
			}
		}
	}
	for _, body := range rc.bodies {
		if strings.Contains(body, "Zenobia") || strings.Contains(body, "MRN") {
			t.Errorf("a webhook body carries client data: %s", body)
		}
	}
	// The delivery log says each was delivered: the server writes that
	// once the receiver has answered, so the last may still be on its way.
	var states []string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		_, b, _ = call(t, "GET", base+"/api/v1/subscriptions/"+sub.ID+"/deliveries", admin, "")
		log := decode[struct{ Deliveries []struct{ State string } }](t, b)
		states = states[:0]
		for _, d := range log.Deliveries {
			states = append(states, d.State)
		}
		if len(states) == want && !slices.ContainsFunc(states, func(s string) bool { return s != "delivered" }) || time.Now().After(deadline) {
			break
		}
	}
	if len(states) != want {
		t.Errorf("delivery log has %d entries, want %d", len(states), want)
	}
	for _, s := range states {
		if s != "delivered" {
			t.Errorf("a delivery is %s", s)
		}
	}
}

// TestKeyRotationWhileServing: a server restarted with a new key and the
// old one as previous reads every referral and seals them anew by itself;
// after that the old key can go.
func TestKeyRotationWhileServing(t *testing.T) {
	dir := t.TempDir()
	manager := lastLineOf(mustRun(t, "keys", "create", "--data", dir, "--role", "case_manager", "--name", "Maria"))
	t.Setenv("REFER_SECRET_KEY", testSecretKey)
	srv := startServe(t, "--data", dir, "--load-sample")
	waitReady(t, srv.base)
	service, _ := sampleService(t, srv.base)
	_, b, _ := call(t, "POST", srv.base+"/api/v1/referrals", manager, referralBody(service))
	id := decode[referralOut](t, b).ID
	srv.stop(t)

	newKey := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("n"), 32))
	t.Setenv("REFER_SECRET_KEY", newKey)
	t.Setenv("REFER_SECRET_KEY_PREVIOUS", testSecretKey)
	srv = startServe(t, "--data", dir)
	waitReady(t, srv.base)
	if code, b, _ := call(t, "GET", srv.base+"/api/v1/referrals/"+id, manager, ""); code != 200 || decode[referralOut](t, b).Client.Name != clientName {
		t.Fatalf("during rotation: %d %s", code, b)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(srv.stderr.String(), "sealed under the new key") {
		if time.Now().After(deadline) {
			t.Fatalf("no re-seal logged:\n%s", srv.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	srv.stop(t)

	t.Setenv("REFER_SECRET_KEY_PREVIOUS", "")
	srv = startServe(t, "--data", dir)
	waitReady(t, srv.base)
	if code, b, _ := call(t, "GET", srv.base+"/api/v1/referrals/"+id, manager, ""); code != 200 || decode[referralOut](t, b).Client.Name != clientName {
		t.Fatalf("with only the new key: %d %s", code, b)
	}
	srv.stop(t)
	// And the command does the same with the server stopped: nothing is
	// left under another key.
	if out := mustRun(t, "referrals", "reseal", "--data", dir); !strings.Contains(out, "sealed 0 ") {
		t.Errorf("reseal after the server did it: %q", out)
	}
}
