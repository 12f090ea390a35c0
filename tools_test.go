package main

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// requireTools reports whether a missing outside program fails a test
// instead of skipping it. .ci/run sets it, having installed the programs.
var requireTools = os.Getenv("STATUSDOCS_REQUIRE_TOOLS") == "1"

// needTool returns the path of an outside program, or skips the test with
// a clear message where it is missing (fails, under requireTools).
func needTool(t testing.TB, name string, candidates ...string) string {
	t.Helper()
	for _, c := range append(candidates, name) {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if requireTools {
		t.Fatalf("%s is not installed and STATUSDOCS_REQUIRE_TOOLS=1 (Debian: apt-get install %s)", name, name)
	}
	t.Skipf("skipping: %s is not installed (Debian: apt-get install %s; set STATUSDOCS_REQUIRE_TOOLS=1 to make this a failure)", name, name)
	return ""
}

// browser is the one headless Chromium that every browser test shares,
// started on first use and stopped by TestMain.
var browser struct {
	once   sync.Once
	ctx    context.Context
	cancel func()
	err    error
	dir    string
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if browser.cancel != nil {
		browser.cancel()
		// Chromium's helpers may still be writing for a moment.
		for range 50 {
			if os.RemoveAll(browser.dir) == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	os.Exit(code)
}

// newTab returns a context for a new tab of the shared browser, closed when
// the test ends. It skips (or fails) the test where Chromium is missing.
func newTab(t testing.TB) context.Context {
	t.Helper()
	path := needTool(t, "chromium", "/usr/bin/chromium", "chromium-browser")
	browser.once.Do(func() {
		browser.dir, browser.err = os.MkdirTemp("", "statusdocs-chromium-")
		if browser.err != nil {
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.UserDataDir(browser.dir),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("allow-file-access-from-files", false),
		)
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelCtx := chromedp.NewContext(allocCtx)
		browser.ctx = ctx
		browser.cancel = func() { cancelCtx(); cancelAlloc() }
		browser.err = chromedp.Do(ctx) // start the browser now
	})
	if browser.err != nil {
		t.Fatalf("starting chromium: %v", browser.err)
	}
	ctx, cancel := chromedp.NewContext(browser.ctx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	return ctx
}
