package api

import (
	"net/http"
)

// Starting answers while the server is getting ready (the search index is
// being opened or rebuilt, which takes seconds at state scale): /healthz says
// the process is alive, /readyz says not yet, everything else is a 503 in
// the contract's error shape with Retry-After, so load balancers and clients
// wait instead of failing.
func Starting() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.Header().Set("Cache-Control", "no-store")
		switch r.URL.Path {
		case "/healthz":
			w.WriteHeader(http.StatusOK)
			w.Write([]byte(`{"status":"ok"}` + "\n"))
		case "/readyz":
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"status":"starting"}` + "\n"))
		default:
			w.Header().Set("Retry-After", "5")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"error":{"code":"internal","message":"the server is starting: the search index is being opened; try again in a few seconds"}}` + "\n"))
		}
	})
}
