package testenv

import (
	"os"
	"strconv"
	"testing"
	"time"
)

// Seed returns the seed of a randomized test: STATUSDOCS_SEED if set (to
// replay a failure), else a new one, which the test logs so a failure can
// be replayed.
func Seed(t testing.TB) int64 {
	t.Helper()
	if s := os.Getenv("STATUSDOCS_SEED"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("STATUSDOCS_SEED=%q: %v", s, err)
		}
		return n
	}
	n := time.Now().UnixNano()
	t.Logf("seed %d (replay with STATUSDOCS_SEED=%d)", n, n)
	return n
}

// Slow returns d, or 20 times d under the race detector: for deadlines that
// catch a hang, not measure speed.
func Slow(d time.Duration) time.Duration {
	if Race {
		return 20 * d
	}
	return d
}
