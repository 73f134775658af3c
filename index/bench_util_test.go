package index_test

import "os"

// osTempDir makes a folder for benchmark data that outlives one benchmark
// function (b.TempDir is removed when it returns), so sizes are built once.
func osTempDir(name string) (string, error) { return os.MkdirTemp("", name+"-*") }
