package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/statusdocs/statusdocs/internal/testenv"
)

// scriptDisabled turns the tab's JavaScript off (or on again), to see a
// page as a reader without script does.
func scriptDisabled(v bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: v})
		return err
	})
}

// clickThrough answers the decision guide's questions by their texts and
// returns the code and link of the answer reached.
func clickThrough(t *testing.T, ctx context.Context, answers ...string) (code, href string) {
	t.Helper()
	for _, a := range answers {
		js := fmt.Sprintf(`(() => {
			const b = [...document.querySelectorAll(".decision-option")].find(b => b.textContent === %q);
			if (!b) return false;
			b.click();
			return true;
		})()`, a)
		ok, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(5*time.Second)))
		if err != nil || !ok {
			t.Fatalf("answer %q: no such button (%v)", a, err)
		}
	}
	res, err := chromedp.Run(ctx, chromedp.Poll[[]string](`(() => {
		const a = document.querySelector(".decision-code");
		return a ? [a.getAttribute("data-code"), a.href] : null;
	})()`, chromedp.WithPollingTimeout(5*time.Second)))
	if err != nil || len(res) != 2 {
		t.Fatalf("answers %q: no code reached (%v)", answers, err)
	}
	return res[0], res[1]
}

// TestDecisionGuide clicks through the fixture's decision guide to three
// codes, hosted and from file://, and follows a result's link; with Back
// and Start over; and without JavaScript the same tree is a nested list
// of links.
func TestDecisionGuide(t *testing.T) {
	ctx := testenv.NewTab(t)
	hosted := fixtureConfig(t)
	hosted.HashAssets = true
	mustBuild(t, hosted)
	offline := fixtureConfig(t)
	offline.HashAssets, offline.Offline = true, true
	mustBuild(t, offline)
	for _, where := range []string{serveDir(t, hosted.Out) + "/guides/which/", "file://" + filepath.Join(offline.Out, "guides", "which", "index.html")} {
		paths := []struct {
			answers []string
			code    string
		}{
			{[]string{"Yes"}, "200"},
			{[]string{"No", "It never existed"}, "404"},
			{[]string{"No", "I am a teapot"}, "418"},
		}
		for _, p := range paths {
			if err := chromedp.Do(ctx, chromedp.Navigate(where)); err != nil {
				t.Fatal(err)
			}
			code, href := clickThrough(t, ctx, p.answers...)
			if code != p.code || !strings.Contains(href, "/"+p.code+"/") {
				t.Errorf("%s: %q reached %s (%s), want %s", where, p.answers, code, href, p.code)
			}
		}
		// Back returns to the last question, Start over to the first.
		hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("[data-decision-list]").hidden`))
		if err != nil || !hidden {
			t.Errorf("%s: the list for readers without script still shows beside the guide", where)
		}
		chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.querySelector(".decision-back").click(), true)`))
		q, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(".decision-q").textContent`))
		if q != "Why not?" {
			t.Errorf("%s: after Back the question is %q, want Why not?", where, q)
		}
		chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.querySelector(".decision-restart").click(), true)`))
		q, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(".decision-q").textContent`))
		if q != "Is there something at the URL?" {
			t.Errorf("%s: after Start over the question is %q", where, q)
		}
		// A result is a link to the code's page, which opens.
		clickThrough(t, ctx, "No", "I am a teapot")
		if err := chromedp.Do(ctx, chromedp.Click(".decision-code"), chromedp.WaitVisible("h1")); err != nil {
			t.Fatal(err)
		}
		h1, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("h1 .code").textContent`))
		if h1 != "418" {
			t.Errorf("%s: the 418 result opened a page whose h1 is %q", where, h1)
		}
	}

	// Without script: the nested list, every leaf a link to its page.
	if err := chromedp.Do(ctx, scriptDisabled(true), chromedp.Navigate("file://"+filepath.Join(offline.Out, "guides", "which", "index.html")), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	defer chromedp.Do(ctx, scriptDisabled(false))
	codes, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("[data-decision-list] a[data-code]")].filter(a => a.offsetParent !== null).map(a => a.dataset.code)`))
	if err != nil || !slices.Equal(codes, []string{"200", "404", "418"}) {
		t.Errorf("without script the list shows links to %v (%v), want 200 404 418", codes, err)
	}
	appShown, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("[data-decision]").offsetParent !== null`))
	if appShown {
		t.Error("without script the interactive guide shows (empty)")
	}
}

// TestSenderFilter filters the fixture's home and 4xx pages by sender:
// only the codes that party sends stay, a class left empty disappears, the
// count is announced, ?sent-by= restores the choice; without script the
// filter is hidden and every code shows.
func TestSenderFilter(t *testing.T) {
	ctx := testenv.NewTab(t)
	cfg := fixtureConfig(t)
	mustBuild(t, cfg)
	base := serveDir(t, cfg.Out)
	visible := `[...document.querySelectorAll("main [data-senders]")].filter(e => e.offsetParent !== null).map(e => (e.querySelector(".code") || e).textContent.trim())`
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible("[data-sender-filter]")); err != nil {
		t.Fatal(err)
	}
	all, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](visible))
	if err := chromedp.Do(ctx, chromedp.Click(`input[name=sent-by][value=server]`)); err != nil {
		t.Fatal(err)
	}
	got, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](visible))
	if !slices.Equal(got, []string{"404"}) || len(all) != 4 {
		t.Errorf("home filtered by server shows %v of %v, want [404] of 4", got, all)
	}
	count, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(".filter-count").textContent`))
	if count != "1 of 4 codes shown" {
		t.Errorf("count %q", count)
	}
	gone, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#class-2xx").closest("section").offsetParent === null`))
	if !gone {
		t.Error("2xx, with no code sent by a web server, still shows")
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/4xx/?sent-by=server"), chromedp.WaitVisible("[data-sender-filter]")); err != nil {
		t.Fatal(err)
	}
	got, _ = chromedp.Run(ctx, chromedp.Evaluate[[]string](visible))
	if !slices.Equal(got, []string{"404"}) {
		t.Errorf("4xx/?sent-by=server shows %v, want [404]", got)
	}
	if err := chromedp.Do(ctx, scriptDisabled(true), chromedp.Navigate(base+"/4xx/?sent-by=server"), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	defer chromedp.Do(ctx, scriptDisabled(false))
	got, _ = chromedp.Run(ctx, chromedp.Evaluate[[]string](visible))
	shown, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("[data-sender-filter]").offsetParent !== null`))
	if len(got) != 3 || shown {
		t.Errorf("without script 4xx shows %v (filter visible: %v), want all 3 codes and no filter", got, shown)
	}
}

// TestShippedGuides checks the shipped guides: each family the issue
// names has its comparison guide in both languages, every code a guide
// covers links to it, and the decision guide reaches the common API and
// web answers, its Chinese tree in Chinese with links to Chinese pages.
func TestShippedGuides(t *testing.T) {
	t.Parallel()
	cfg := shippedConfig(t)
	mustBuild(t, cfg)
	s := shippedSite(t)
	want := map[string][]int{
		"/guides/redirects/":    {301, 302, 303, 307, 308},
		"/guides/401-403-404/":  {401, 403, 404, 407},
		"/guides/400-409-422/":  {400, 409, 422},
		"/guides/5xx-gateways/": {500, 502, 503, 504, 520, 521, 522, 523, 524},
		"/guides/429-503/":      {429, 503},
		"/guides/404-410/":      {404, 410},
	}
	for url, codes := range want {
		g := s.ByURL(url)
		if g == nil {
			t.Errorf("no guide %s", url)
			continue
		}
		if !slices.Equal(g.GuideCodes, codes) {
			t.Errorf("%s compares %v, want %v", url, g.GuideCodes, codes)
		}
		for _, c := range codes {
			for _, prefix := range []string{"", "zh-cn/"} {
				page := readFile(t, filepath.Join(cfg.Out, prefix+fmt.Sprint(c), "index.html"))
				if !strings.Contains(page, `href="../`+prefix2(prefix)+`guides/`+strings.Trim(strings.TrimPrefix(url, "/guides/"), "/")+`/"`) {
					t.Errorf("%s%d does not link to its guide %s", prefix, c, url)
				}
			}
		}
	}
	tree := s.ByURL("/guides/which-status-code/")
	if tree == nil || tree.Tree == nil {
		t.Fatal("no decision guide")
	}
	reached := tree.Tree.Codes()
	for _, c := range []int{200, 201, 202, 204, 301, 302, 303, 307, 308, 400, 401, 403, 404, 409, 410, 422, 429, 500, 502, 503, 504} {
		if !slices.Contains(reached, c) {
			t.Errorf("the decision guide never answers %d", c)
		}
	}
	zh := readFile(t, filepath.Join(cfg.Out, "zh-cn", "guides", "which-status-code", "index.html"))
	if !strings.Contains(zh, "服务器") || !strings.Contains(zh, `href="../../../zh-cn/404/"`) || strings.Contains(zh, "Did the server do what the request asked?") {
		t.Error("the Chinese decision guide is not in Chinese, or does not link the Chinese pages")
	}
}

// prefix2 is the path from a code page's folder back up through its
// edition's folder: "" for English, "../" for zh-cn/ (from /zh-cn/404/
// the guides are at ../../zh-cn/guides/).
func prefix2(prefix string) string {
	if prefix == "" {
		return ""
	}
	return "../" + prefix
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
