package api_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/refer-project/refer/api"
	"github.com/refer-project/refer/internal/fixture"
	"github.com/refer-project/refer/internal/query"
	"github.com/refer-project/refer/matcher"
	"github.com/refer-project/refer/resources"
)

// A search's words are bounded (Config.MaxQueryLength, refer serve
// --max-query-length): past the limit, 400 naming the parameter, the limit
// and its flag, on search, the HSDS API and the one reading of a search the
// pages share (SearchQuery); the limit counts characters, not bytes. It was
// 500 bytes, fixed, and said only "is longer than 500 characters".
func TestQueryLengthLimit(t *testing.T) {
	ts := startServer(t, fixture.Seed, func(c *api.Config) { c.MaxQueryLength = 20 })
	t.Cleanup(func() { startServer(t, fixture.Seed) }) // back to the default for the tests after
	over, at := strings.Repeat("food ", 4)+"x", strings.Repeat("ñ", 20)
	for _, tc := range []struct{ path, param string }{
		{"/api/v1/search?q=", "q"},
		{"/api/hsds/services?search=", "search"},
		{"/api/hsds/service_at_locations?search=", "search"},
		{"/api/hsds/organizations?search=", "search"},
	} {
		var e errorBody
		resp := ts.call(t, "GET", tc.path+url.QueryEscape(over), "", nil, &e)
		why := e.Error.Fields[tc.param]
		if resp.StatusCode != 400 || e.Error.Code != "invalid" || !strings.Contains(why, "21 characters, more than the limit of 20") || !strings.Contains(why, "--max-query-length") {
			t.Errorf("GET %s (21 characters): %d %+v", tc.path, resp.StatusCode, e)
		}
		if resp, b := ts.do(t, "GET", tc.path+url.QueryEscape(at), "", nil); resp.StatusCode != 200 {
			t.Errorf("GET %s (20 characters, 40 bytes): %d %s", tc.path, resp.StatusCode, b)
		}
	}
	vocab, err := matcher.LoadVocabulary()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.SearchQuery(vocab, url.Values{"q": {over}}); resources.ErrorCode(err) != resources.EINVALID || !strings.Contains(resources.ErrorFields(err)["q"], "--max-query-length") {
		t.Errorf("SearchQuery, as the pages call it: %v", err)
	}

	// The default: 500.
	ts = startServer(t, fixture.Seed)
	if query.MaxQueryLength() != query.DefaultMaxQueryLength {
		t.Errorf("MaxQueryLength() = %d with the default config", query.MaxQueryLength())
	}
	var e errorBody
	if resp := ts.call(t, "GET", "/api/v1/search?q="+strings.Repeat("a", 501), "", nil, &e); resp.StatusCode != 400 || !strings.Contains(e.Error.Fields["q"], "limit of 500") {
		t.Errorf("501 characters under the default: %d %+v", resp.StatusCode, e)
	}
	if resp, b := ts.do(t, "GET", "/api/v1/search?q="+strings.Repeat("food+", 100)[:500], "", nil); resp.StatusCode != 200 {
		t.Errorf("500 characters under the default: %d %s", resp.StatusCode, b)
	}
}
