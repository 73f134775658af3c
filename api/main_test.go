package api_test

import (
	"os"
	"testing"

	"github.com/refer-project/refer/internal/fixture"
)

// TestMain names, in one line, the tests skipped for want of ../shared/data.
func TestMain(m *testing.M) { os.Exit(fixture.Run(m)) }
