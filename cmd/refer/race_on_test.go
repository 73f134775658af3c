//go:build race

package main

// raceEnabled says the tests run under the race detector, whose shadow
// memory multiplies the process's.
const raceEnabled = true
