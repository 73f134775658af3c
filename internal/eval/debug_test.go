package eval

import (
	"os"
	"strings"
	"testing"
)

// debugCase prints a case's options with their grades when EVAL_DEBUG names it.
func debugCase(t *testing.T, name, need string, ids []string, detail func(string) string) {
	if q := os.Getenv("EVAL_DEBUG"); q == "" || !strings.Contains(name, q) {
		return
	}
	for _, id := range ids {
		t.Logf("   %s %s", need, detail(id))
	}
}
