package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/refer-project/refer/index"
	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
)

// stressSeconds is how long the load test runs: REFER_STRESS_SECONDS (make
// stress sets 60), else 8, so make test runs it too, shorter.
func stressSeconds() time.Duration {
	if n, err := strconv.Atoi(os.Getenv("REFER_STRESS_SECONDS")); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	return 8 * time.Second
}

// TestKilledAgainAndAgain kills refer with SIGKILL at random moments, 20
// times: during API writes from 4 clients (even rounds) and during an
// import (odd rounds). After each kill the store opens and holds every
// write that was acknowledged (201) before it; at the end the index, caught
// up at start, finds every one of them, and is at the store's last change.
func TestKilledAgainAndAgain(t *testing.T) {
	const rounds = 20
	dir := t.TempDir()
	src := filepath.Join(t.TempDir(), "src")
	mustRun(t, "gen", "--services", "3000", "--seed", "5", src)
	key := lastLineOf(mustRun(t, "keys", "create", "--data", dir, "--role", "admin", "--name", "kill-test"))
	rng := rand.New(rand.NewPCG(14, 20))
	var acked []string // names of services whose POST answered 201
	for round := range rounds {
		var child *exec.Cmd
		if round%2 == 0 {
			var base string
			child, base = startChild(t, dir, "--rate-limit-address", "0", "--rate-limit-key", "0")
			var mu sync.Mutex
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Go(func() {
					for i := 0; ; i++ {
						name := fmt.Sprintf("Kill pantry zk%dr%dw%di%d", round, round, w, i)
						body := fmt.Sprintf(`{"organization_id": "1", "name": %q, "status": "active"}`, name)
						req, _ := http.NewRequest("POST", base+"/api/v1/services", strings.NewReader(body))
						req.Header.Set("Content-Type", "application/json")
						req.Header.Set("Authorization", "Bearer "+key)
						resp, err := http.DefaultClient.Do(req)
						if err != nil {
							return // killed
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode == http.StatusCreated {
							mu.Lock()
							acked = append(acked, name)
							mu.Unlock()
						}
					}
				})
			}
			time.Sleep(time.Duration(100+rng.IntN(600)) * time.Millisecond)
			child.Process.Signal(syscall.SIGKILL)
			child.Wait()
			wg.Wait()
		} else {
			child = exec.Command(os.Args[0], "import", "--data", dir, src)
			child.Env = append(os.Environ(), "REFER_TEST_MAIN=1")
			if err := child.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Duration(50+rng.IntN(1500)) * time.Millisecond)
			child.Process.Signal(syscall.SIGKILL)
			child.Wait()
		}
		// The store opens, and every acknowledged write is in it.
		db, err := bolt.Open(filepath.Join(dir, "refer.db"))
		if err != nil {
			t.Fatalf("round %d: the store does not open after SIGKILL: %v", round, err)
		}
		have := map[string]bool{}
		all, err := db.List(context.Background(), resources.KindService, resources.ListOptions{})
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		for _, r := range all {
			have[r.(*resources.Service).Name] = true
		}
		db.Close()
		for _, name := range acked {
			if !have[name] {
				t.Fatalf("round %d: %q was acknowledged and is not in the store", round, name)
			}
		}
	}
	if len(acked) == 0 {
		t.Fatal("no write was acknowledged in any round")
	}

	// The index catches up and finds every acknowledged write.
	again, base := startChild(t, dir, "--rate-limit-address", "0", "--rate-limit-key", "0")
	for _, name := range acked {
		resp, err := http.Get(base + "/api/v1/search?" + url.Values{"q": {strings.Fields(name)[2]}, "per_page": {"100"}}.Encode())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), name) {
			t.Errorf("%q is in the store but search does not find it: %.600s", name, b)
		}
	}
	again.Process.Signal(syscall.SIGTERM)
	again.Wait()
	db, err := bolt.Open(filepath.Join(dir, "refer.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	seq, _ := db.LastSeq(ctx)
	vocab, _ := matcher.LoadVocabulary()
	ix, err := index.Open(ctx, index.Config{Dir: filepath.Join(dir, "index"), Store: db, NeedsOf: vocab.NeedsOfTerm})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.Applied() != seq {
		t.Errorf("index at change %d, store at %d", ix.Applied(), seq)
	}
	t.Logf("%d kills (%d during writes, %d during imports); %d acknowledged writes, all in the store and found by search",
		rounds, rounds/2, rounds/2, len(acked))
}

// TestMixedLoad runs 32 clients against one server for stressSeconds:
// searches, matches, listing updates (each a read, then a PUT with
// If-Match) and referrals (sent, accepted, completed). No request may fail,
// no acknowledged update may be lost or applied twice, every acknowledged
// referral ends where its last acknowledged step put it; the latencies'
// p50 and p99 are logged.
func TestMixedLoad(t *testing.T) {
	t.Setenv("REFER_SECRET_KEY", testSecretKey)
	dir := t.TempDir()
	admin := lastLineOf(mustRun(t, "keys", "create", "--data", dir, "--role", "admin", "--name", "load-admin"))
	cm := lastLineOf(mustRun(t, "keys", "create", "--data", dir, "--role", "case_manager", "--name", "load-cm"))
	_, base := startChild(t, dir, "--rate-limit-address", "0", "--rate-limit-key", "0")
	referred, _ := sampleService(t, base)
	var referralsMu sync.Mutex
	referralState := map[string]string{} // referral id → its last acknowledged status

	// Each writer owns one service, so the count of its acknowledged
	// updates is the version the service must end at.
	const clients = 32
	owned := make([]string, clients)
	for w := range clients {
		if w%4 != 3 {
			continue
		}
		body := fmt.Sprintf(`{"organization_id": "1", "name": "Load pantry %d", "status": "active", "description": "v0"}`, w)
		code, b := send(t, "POST", base+"/api/v1/services", admin, body)
		if code != http.StatusCreated {
			t.Fatalf("create: %d %s", code, b)
		}
		owned[w] = jsonField(b, "id")
	}
	deadline := time.Now().Add(stressSeconds())
	var mu sync.Mutex
	var latencies []time.Duration
	updates := make([]int, clients)
	failures := 0
	var wg sync.WaitGroup
	for w := range clients {
		wg.Go(func() {
			for i := 0; time.Now().Before(deadline); i++ {
				start := time.Now()
				var code int
				var b string
				switch w % 4 {
				case 0:
					code, b = send(t, "GET", base+"/api/v1/search?q=food&postcode=94063&radius_km=20", "", "")
				case 1:
					code, b = send(t, "GET", base+"/api/v1/search?need=housing-instability&page="+strconv.Itoa(1+i%3), "", "")
				case 2:
					if w%8 == 6 {
						code, b = referralCycle(t, base, cm, admin, referred, fmt.Sprintf("load-%d-%d", w, i), &referralsMu, referralState)
						break
					}
					code, b = send(t, "POST", base+"/api/v1/match", cm, `{"client": {"postcode": "94063"}, "needs": [{"code": "food-insecurity"}, {"text": "they are going to shut off my electricity"}]}`)
				case 3:
					var etag string
					code, b, etag = sendETag(t, base+"/api/v1/services/"+owned[w])
					if code == http.StatusOK {
						body := strings.Replace(b, `"description":"v`+strconv.Itoa(updates[w])+`"`, `"description":"v`+strconv.Itoa(updates[w]+1)+`"`, 1)
						code, b = send(t, "PUT", base+"/api/v1/services/"+owned[w], admin, body, "If-Match", etag)
						if code == http.StatusOK {
							updates[w]++
						}
					}
				}
				d := time.Since(start)
				mu.Lock()
				latencies = append(latencies, d)
				if code != http.StatusOK {
					failures++
					if failures <= 5 {
						t.Errorf("client %d: %d %.200s", w, code, b)
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	// No update lost, none doubled: each service is at its writer's count.
	for w, id := range owned {
		if id == "" {
			continue
		}
		_, b := send(t, "GET", base+"/api/v1/services/"+id, "", "")
		if want := `"description":"v` + strconv.Itoa(updates[w]) + `"`; !strings.Contains(b, want) {
			t.Errorf("service %s: %d acknowledged updates, but it holds %.300s", id, updates[w], b)
		}
	}
	// Each referral is where its last acknowledged step put it.
	for id, want := range referralState {
		_, b := send(t, "GET", base+"/api/v1/referrals/"+id, admin, "")
		if !strings.Contains(b, `"status":"`+want+`"`) {
			t.Errorf("referral %s: last acknowledged %s, but it says %.300s", id, want, b)
		}
	}
	slices.Sort(latencies)
	pct := func(p float64) time.Duration { return latencies[int(p*float64(len(latencies)-1))] }
	t.Logf("%d clients, %s: %d requests (%.0f/s; %d referral cycles), %d failed; p50 %s, p99 %s, max %s",
		clients, stressSeconds(), len(latencies), float64(len(latencies))/stressSeconds().Seconds(), len(referralState), failures,
		pct(0.5).Round(time.Microsecond), pct(0.99).Round(time.Microsecond), latencies[len(latencies)-1].Round(time.Microsecond))
}

// send makes one request, with header pairs after the body, and returns
// its status and body. Unlike call, a failed connection is an answer
// (status 0) and not t.Fatal: send runs on the load's goroutines.
func send(t *testing.T, method, u, key, body string, header ...string) (int, string) {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, u, r)
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
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func sendETag(t *testing.T, u string) (int, string, string) {
	resp, err := http.Get(u)
	if err != nil {
		return 0, err.Error(), ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("ETag")
}

// jsonField is a string field of a flat JSON answer (enough for an id).
func jsonField(b, field string) string {
	_, rest, ok := strings.Cut(b, `"`+field+`":"`)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, `"`)
	return v
}

// referralCycle sends a referral as a case manager, then accepts and
// completes it as an admin (who may act for the organization), recording
// each acknowledged step. It returns the last step's status and body.
func referralCycle(t *testing.T, base, cm, admin, service, idem string, mu *sync.Mutex, state map[string]string) (int, string) {
	code, b := send(t, "POST", base+"/api/v1/referrals", cm, referralBody(service), "Idempotency-Key", idem)
	if code != http.StatusCreated {
		return code, b
	}
	id := jsonField(b, "id")
	mu.Lock()
	state[id] = "requested"
	mu.Unlock()
	for _, status := range []string{"accepted", "completed"} {
		if code, b = send(t, "POST", base+"/api/v1/referrals/"+id+"/status", admin, `{"status": "`+status+`"}`); code != http.StatusOK {
			return code, b
		}
		mu.Lock()
		state[id] = status
		mu.Unlock()
	}
	return http.StatusOK, b
}
