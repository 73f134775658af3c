package query_test

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/refer-project/refer/internal/query"
	"github.com/refer-project/refer/resources"
)

// TestParams reads good values and names every bad one in one error.
func TestParams(t *testing.T) {
	q, _ := url.ParseQuery("q=+rent+&need=food,housing&need=legal&lat=25.7&page=3&free=true&at=2026-11-27T15:00:00-05:00&sort=name")
	p := query.New(q)
	if got := p.Str("q", 10); got != "rent" {
		t.Errorf("Str: %q", got)
	}
	if got := p.List("need", 5); !reflect.DeepEqual(got, []string{"food", "housing", "legal"}) {
		t.Errorf("List: %q", got)
	}
	if f, ok := p.Float("lat", -90, 90); !ok || f != 25.7 {
		t.Errorf("Float: %v %v", f, ok)
	}
	if _, ok := p.Float("absent", 0, 1); ok {
		t.Error("Float of an absent parameter is ok")
	}
	if n := p.Int("page", 1, 1, 100); n != 3 {
		t.Errorf("Int: %d", n)
	}
	if n := p.Int("per_page", 20, 1, 100); n != 20 {
		t.Errorf("Int default: %d", n)
	}
	if !p.Bool("free", false) || p.Time("at").IsZero() || p.OneOf("sort", "relevance", "relevance", "name") != "name" {
		t.Error("Bool, Time or OneOf")
	}
	if err := p.Err(); err != nil {
		t.Fatalf("good values: %v", err)
	}

	bad, _ := url.ParseQuery("q=toolong&need=a,b,c&lat=north&lon=200&page=0&per_page=x&free=maybe&at=tomorrow&sort=size")
	p = query.New(bad)
	p.Str("q", 3)
	p.List("need", 2)
	p.Float("lat", -90, 90)
	p.Float("lon", -180, 180)
	p.Int("page", 1, 1, 100)
	p.Int("per_page", 20, 1, 100)
	p.Bool("free", false)
	p.Time("at")
	p.OneOf("sort", "relevance", "relevance", "name")
	err := p.Err()
	if resources.ErrorCode(err) != resources.EINVALID {
		t.Fatalf("bad values: %v", err)
	}
	fields := resources.ErrorFields(err)
	for _, name := range []string{"q", "need", "lat", "lon", "page", "per_page", "free", "at", "sort"} {
		if fields[name] == "" {
			t.Errorf("the error does not name %s: %v", name, fields)
		}
	}
}
