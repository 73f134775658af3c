package refer_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyRule enforces the one rule of the house: the arrows point
// one way. The domain (resources) and the matcher speak no storage, search
// or HTTP; only their own sub-packages import bbolt, Bleve and Echo.
func TestDependencyRule(t *testing.T) {
	forbidden := map[string][]string{
		"github.com/refer-project/refer/resources":      {"go.etcd.io/bbolt", "github.com/blevesearch/", "github.com/labstack/echo"},
		"github.com/refer-project/refer/data":           {"go.etcd.io/bbolt", "github.com/blevesearch/", "github.com/labstack/echo", "github.com/refer-project/refer/"},
		"github.com/refer-project/refer/resources/hsds": {"go.etcd.io/bbolt", "github.com/blevesearch/", "github.com/labstack/echo"},
		"github.com/refer-project/refer/matcher":        {"go.etcd.io/bbolt", "github.com/blevesearch/", "github.com/labstack/echo", "github.com/refer-project/refer/index", "github.com/refer-project/refer/api"},
		"github.com/refer-project/refer/index":          {"github.com/labstack/echo", "github.com/refer-project/refer/matcher", "github.com/refer-project/refer/api"},
		// The rules both faces call speak no HTTP and no storage.
		"github.com/refer-project/refer/listings": {"go.etcd.io/bbolt", "github.com/blevesearch/", "github.com/labstack/echo", "github.com/refer-project/refer/api", "github.com/refer-project/refer/web"},
		"github.com/refer-project/refer/people":   {"go.etcd.io/bbolt", "github.com/blevesearch/", "github.com/labstack/echo", "github.com/refer-project/refer/api", "github.com/refer-project/refer/web"},
		// A face per audience: the contract API (api), the HSDS read API
		// (hsdsapi) and the pages (web). The API's server hosts the other
		// two, the pages without knowing them (api.Pages); the HSDS read
		// API knows neither the contract API nor the pages (nor matching or
		// referrals: it reads the directory). What two faces share (query parameters)
		// is in internal/query, which knows none of them and no HTTP
		// framework.
		"github.com/refer-project/refer/api":            {"github.com/refer-project/refer/web"},
		"github.com/refer-project/refer/hsdsapi":        {"github.com/refer-project/refer/api", "github.com/refer-project/refer/web", "github.com/refer-project/refer/matcher", "github.com/refer-project/refer/referrals"},
		"github.com/refer-project/refer/internal/query": {"go.etcd.io/bbolt", "github.com/blevesearch/", "github.com/labstack/echo", "github.com/refer-project/refer/api", "github.com/refer-project/refer/hsdsapi", "github.com/refer-project/refer/web"},
		"github.com/refer-project/refer/listing":        {"go.etcd.io/bbolt", "github.com/blevesearch/", "github.com/labstack/echo", "github.com/refer-project/refer/resources", "github.com/refer-project/refer/index", "github.com/refer-project/refer/matcher"},
		"github.com/refer-project/refer/finder":         {"github.com/labstack/echo", "github.com/refer-project/refer/api"},
	}
	for pkg, bad := range forbidden {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep == pkg {
				continue
			}
			for _, b := range bad {
				if strings.HasPrefix(dep, b) {
					t.Errorf("%s imports %s (through its dependencies); the dependency rule forbids it", pkg, dep)
				}
			}
		}
	}
}
