package hsds

import (
	"os"
	"testing"

	"github.com/refer-project/refer/internal/fixture"
)

// TestMain names, in one line, the tests skipped for want of ../shared/data
// (the HSDS 3.0 examples and schema, Miami's and San Mateo's exports). The
// import of the project's own directories in each format is tested from a
// plain clone by cmd/refer's TestImportTwiceAndRoundTrip, and the round
// trip of generated ones here by TestRoundTripGenerated.
func TestMain(m *testing.M) { os.Exit(fixture.Run(m)) }
