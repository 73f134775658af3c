package hsdsapi_test

import (
	"testing"

	"github.com/refer-project/refer/api"
	"github.com/refer-project/refer/internal/apitest"
	"github.com/refer-project/refer/resources"
)

// testServer is the whole server (package api hosts this face), real store
// and index included, started by apitest.
type testServer struct{ *apitest.TestServer }

func startServer(tb testing.TB, seed func(tb testing.TB, s resources.Store), opts ...func(*api.Config)) *testServer {
	tb.Helper()
	return &testServer{apitest.Start(tb, seed, opts...)}
}

func (ts *testServer) get(tb testing.TB, path string, out any) int {
	tb.Helper()
	return ts.Get(tb, path, out)
}

type errorBody = apitest.ErrorBody
