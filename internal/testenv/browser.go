package testenv

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser is the one headless Chromium that every browser test of a test
// process shares, started on first use and stopped by Main.
var browser struct {
	once   sync.Once
	ctx    context.Context
	cancel func()
	err    error
	dir    string
}

// atExit are run by Main after the tests, for what several tests share.
var atExit []func()

// AtExit registers fn to run once all of the package's tests are done.
// Call it only from inside a sync.Once or before the tests start.
func AtExit(fn func()) { atExit = append(atExit, fn) }

// Main runs a package's tests and stops the shared browser after them.
// Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	for _, fn := range atExit {
		fn()
	}
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

// NewTab returns a context for a new tab of the shared browser, closed when
// the test ends. It skips (or fails) the test where Chromium is missing.
// The browser is started with no network beyond what a test serves: no
// background requests, no component updates, no QUIC.
func NewTab(t testing.TB) context.Context {
	t.Helper()
	path := NeedTool(t, "chromium", "chromium", "/usr/bin/chromium", "chromium-browser")
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
