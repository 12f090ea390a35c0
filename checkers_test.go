package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/statusdocs/statusdocs/internal/testenv"
)

// npmFile finds a file of an npm package that .ci/run installs globally
// (npm install -g), or where the environment variable env points. Without
// it the test skips, or fails with STATUSDOCS_REQUIRE_TOOLS=1.
func npmFile(t *testing.T, env, pkg, rel string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		return p
	}
	var candidates []string
	if out, err := exec.Command("npm", "root", "-g").Output(); err == nil {
		candidates = append(candidates, filepath.Join(strings.TrimSpace(string(out)), pkg, rel))
	}
	candidates = append(candidates, filepath.Join("/usr/lib/node_modules", pkg, rel), filepath.Join("/usr/local/lib/node_modules", pkg, rel))
	for _, c := range candidates {
		if _, err := os.Stat(c); err == nil {
			return c
		}
	}
	msg := fmt.Sprintf("%s is not installed (npm install -g %s, as .ci/run does; or set %s)", pkg, pkg, env)
	if testenv.RequireTools {
		t.Fatalf("%s and STATUSDOCS_REQUIRE_TOOLS=1", msg)
	}
	t.Skip("skipping: " + msg)
	return ""
}

// TestNuHTMLChecker runs the Nu HTML Checker (vnu.jar, from npm's
// vnu-jar, on Debian's Java) over every HTML file of a plain, an -offline
// and a -base-url build: zero errors. A file with a known error is checked
// with them, so a checker that checks nothing cannot pass.
func TestNuHTMLChecker(t *testing.T) {
	t.Parallel()
	java := testenv.NeedTool(t, "java", "default-jre-headless")
	jar := npmFile(t, "STATUSDOCS_VNU_JAR", "vnu-jar", "build/dist/vnu.jar")
	var dirs []string
	for _, variant := range []string{"plain", "offline", "base-url"} {
		cfg := shippedConfig(t)
		cfg.HashAssets = true
		switch variant {
		case "offline":
			cfg.Offline = true
		case "base-url":
			cfg.BaseURL = "https://example.org/docs/"
		}
		mustBuild(t, cfg)
		dirs = append(dirs, cfg.Out)
	}
	canary := filepath.Join(t.TempDir(), "canary")
	if err := os.MkdirAll(canary, 0o777); err != nil {
		t.Fatal(err)
	}
	bad := `<!doctype html><html lang="en"><title>x</title><input type="search" role="combobox" aria-expanded="false">`
	if err := os.WriteFile(filepath.Join(canary, "bad.html"), []byte(bad), 0o666); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"-jar", jar, "--errors-only", "--format", "gnu", "--skip-non-html"}, append(dirs, canary)...)
	out, _ := exec.Command(java, args...).CombinedOutput() // exits 1 when it reports errors
	var errs []string
	canaryFound := false
	for line := range strings.Lines(string(out)) {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.Contains(line, canary):
			canaryFound = true
		default:
			errs = append(errs, line)
		}
	}
	if !canaryFound {
		t.Fatalf("the checker did not report the known error in %s; its output:\n%s", canary, out)
	}
	if len(errs) > 0 {
		t.Errorf("Nu HTML Checker: %d errors, first:\n%s", len(errs), strings.Join(errs[:min(len(errs), 20)], "\n"))
	}
}

// axeViolation is what axe-core reports of one rule a page breaks.
type axeViolation struct {
	ID, Impact, Help string
	Nodes            []struct{ Target []string }
}

// TestAxe runs axe-core (npm's axe-core, injected with chromedp) over each
// kind of page, in light and dark color schemes: no violations of WCAG
// 2.2 A and AA or of axe's best practices. The search box is checked open,
// with results and with none, since its markup changes as you type.
func TestAxe(t *testing.T) {
	ctx := testenv.NewTab(t)
	axeSrc, err := os.ReadFile(npmFile(t, "STATUSDOCS_AXE", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := shippedConfig(t)
	cfg.HashAssets = true
	mustBuild(t, cfg)
	srv := httptest.NewServer(http.FileServer(http.Dir(cfg.Out)))
	defer srv.Close()
	pages := []struct{ path, typed string }{
		{"/", ""}, {"/4xx/", ""}, {"/404/", ""}, {"/418/", ""}, {"/520/", ""}, {"/404.html", ""},
		{"/errors/503.html", ""}, {"/search/?q=teapot", ""}, {"/search/?q=zzzzqqq", ""},
		{"/", "redirect"}, {"/", "zzzzqqq"},
		// The Chinese edition.
		{"/zh-cn/", ""}, {"/zh-cn/4xx/", ""}, {"/zh-cn/404/", ""}, {"/zh-cn/520/", ""}, {"/zh-cn/404.html", ""},
		{"/errors/zh-cn/503.html", ""}, {"/zh-cn/search/?q=%E6%9C%AA%E6%89%BE%E5%88%B0", ""}, {"/zh-cn/", "重定向"},
	}
	for _, scheme := range []string{"light", "dark"} {
		setScheme := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
			})
			return err
		})
		for _, pg := range pages {
			actions := []chromedp.Action[chromedp.Void]{setScheme, chromedp.Navigate(srv.URL + pg.path), chromedp.WaitReady("body")}
			if pg.typed != "" {
				actions = append(actions, chromedp.SendKeys("#search-box", pg.typed), chromedp.WaitVisible("#search-results"))
			}
			if strings.HasPrefix(pg.path, "/search/") {
				actions = append(actions, chromedp.WaitNotPresent("#search-page-status:empty"))
			}
			if err := chromedp.Do(ctx, actions...); err != nil {
				t.Fatalf("%s %s: %v", scheme, pg.path, err)
			}
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](string(axeSrc))); err != nil {
				t.Fatalf("injecting axe: %v", err)
			}
			raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](`axe.run(document, {
				runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
				resultTypes: ["violations"]
			}).then(r => r.violations)`, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("%s %s: axe.run: %v", scheme, pg.path, err)
			}
			var vs []axeViolation
			if err := json.Unmarshal(raw, &vs); err != nil {
				t.Fatal(err)
			}
			for _, v := range vs {
				var where []string
				for _, n := range v.Nodes[:min(len(v.Nodes), 3)] {
					where = append(where, strings.Join(n.Target, " "))
				}
				t.Errorf("%s, %s (typed %q): %s (%s): %s, at %s", pg.path, scheme, pg.typed, v.ID, v.Impact, v.Help, strings.Join(where, "; "))
			}
		}
	}
}
