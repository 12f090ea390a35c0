// Package testenv holds what the tests of several packages share: finding
// outside programs (skipping, or failing under STATUSDOCS_REQUIRE_TOOLS=1,
// where one is missing), one headless Chromium per test process, the
// repository's folders, fixtures, and helpers for reading HTML. Only tests
// import it.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// RequireTools reports whether a missing outside program fails a test
// instead of skipping it. .ci/run sets it, having installed the programs.
var RequireTools = os.Getenv("STATUSDOCS_REQUIRE_TOOLS") == "1"

// NeedTool returns the path of an outside program, or skips the test with
// a clear message where it is missing (fails, under RequireTools). The
// candidates are tried before name; pkg is its Debian package.
func NeedTool(t testing.TB, name, pkg string, candidates ...string) string {
	t.Helper()
	for _, c := range append(candidates, name) {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if RequireTools {
		t.Fatalf("%s is not installed and STATUSDOCS_REQUIRE_TOOLS=1 (Debian: apt-get install %s)", name, pkg)
	}
	t.Skipf("skipping: %s is not installed (Debian: apt-get install %s; set STATUSDOCS_REQUIRE_TOOLS=1 to make this a failure)", name, pkg)
	return ""
}
