//go:build !unix

package bench

import "time"

// cpuTime is not measured here: benchmarks report cpu-ms/op as 0.
func cpuTime() time.Duration { return 0 }
