package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/refer-project/refer/api"
)

func TestStarting(t *testing.T) {
	h := api.Starting()
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 503, "/api/v1/search": 503, "/": 503} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != want {
			t.Errorf("GET %s while starting: %d; want %d", path, rec.Code, want)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Errorf("GET %s: body is not JSON: %s", path, rec.Body)
		}
		if want == 503 && path != "/readyz" && rec.Header().Get("Retry-After") == "" {
			t.Errorf("GET %s: no Retry-After", path)
		}
	}
	var body struct {
		Error struct{ Code string } `json:"error"`
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/match", nil))
	json.Unmarshal(rec.Body.Bytes(), &body)
	if body.Error.Code != "internal" || rec.Code != http.StatusServiceUnavailable {
		t.Errorf("match while starting: %d %+v", rec.Code, body)
	}
}
