package main

import (
	"flag"
	"fmt"
	"net"
	"strings"

	"github.com/refer-project/refer/api"
	"github.com/refer-project/refer/internal/query"
)

// serveFlags are refer serve's flags for running on a network: who may
// read, which proxy to believe, which browser origins may call, how fast.
type serveFlags struct {
	publicRead  *bool
	proxies     listFlag
	origins     listFlag
	addressRate *float64
	keyRate     *float64
	maxBody     *int64
	maxHeader   *int
	jsonDepth   *int
	queryLength *int
}

func hardeningFlags(fs *flag.FlagSet) *serveFlags {
	f := &serveFlags{}
	f.publicRead = fs.Bool("public-read", true, "let anyone read the directory (search, needs, the HSDS API, listings, the web pages); false asks for a key")
	fs.Var(&f.proxies, "trusted-proxy", "a `CIDR` whose X-Forwarded-For is believed (repeatable); without one, a client's address is the connection's")
	fs.Var(&f.origins, "cors-origin", "an `ORIGIN` (https://app.example.org) whose pages may call the API (repeatable); none by default")
	f.addressRate = fs.Float64("rate-limit-address", api.DefaultAddressLimit.Rate, "requests a second per client address, in bursts of 4 times as many; 0 for no limit")
	f.keyRate = fs.Float64("rate-limit-key", api.DefaultKeyLimit.Rate, "requests a second per API key, in bursts of 5 times as many; 0 for no limit")
	f.maxBody = fs.Int64("max-body", api.DefaultBodyLimit, "largest request body in `bytes` (413 above it)")
	f.maxHeader = fs.Int("max-header-bytes", api.DefaultHeaderLimit, "largest request headers in `bytes` (431 above it)")
	f.jsonDepth = fs.Int("max-json-depth", api.DefaultJSONDepth, "deepest nesting of a request body's JSON (objects and lists; 400 above it)")
	f.queryLength = fs.Int("max-query-length", query.DefaultMaxQueryLength, "most `characters` in a search's words (q, the HSDS API's search, the search page; 400 above it)")
	return f
}

// config turns the flags into the server's configuration.
func (f *serveFlags) config() (api.Config, error) {
	cfg := api.Config{
		RequireKeyToRead: !*f.publicRead,
		CORSOrigins:      f.origins,
		AddressLimit:     limit(*f.addressRate, 4),
		KeyLimit:         limit(*f.keyRate, 5),
		BodyLimit:        *f.maxBody,
		HeaderLimit:      *f.maxHeader,
		JSONDepth:        *f.jsonDepth,
		MaxQueryLength:   *f.queryLength,
	}
	if *f.addressRate < 0 || *f.keyRate < 0 || *f.maxBody <= 0 || *f.maxHeader <= 0 || *f.jsonDepth <= 0 || *f.queryLength <= 0 {
		return cfg, usageError{"rate limits are 0 (none) or more, and --max-body, --max-header-bytes, --max-json-depth and --max-query-length are more than 0"}
	}
	for _, p := range f.proxies {
		_, n, err := net.ParseCIDR(p)
		if err != nil {
			return cfg, usageError{fmt.Sprintf("--trusted-proxy %q is not a CIDR such as 10.0.0.0/8 or 127.0.0.1/32", p)}
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, n)
	}
	for _, o := range f.origins {
		if !strings.HasPrefix(o, "https://") && !strings.HasPrefix(o, "http://") {
			return cfg, usageError{fmt.Sprintf("--cors-origin %q is not an origin such as https://app.example.org", o)}
		}
	}
	return cfg, nil
}

// limit is a rate with its burst; 0 means no limit.
func limit(rate float64, burst float64) api.Limit {
	if rate == 0 {
		return api.Limit{Rate: -1}
	}
	return api.Limit{Rate: rate, Burst: max(1, int(rate*burst))}
}

// listFlag is a flag that may be given more than once, or as a comma list.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}
