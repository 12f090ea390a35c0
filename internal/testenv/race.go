//go:build race

package testenv

// Race reports whether the race detector is on; it makes code 5–20 times
// slower, so deadlines meant for plain runs are stretched (see Slow).
const Race = true
