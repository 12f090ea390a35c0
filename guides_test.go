package main

import (
	"context"
	"fmt"
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
	noJS := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})
	if err := chromedp.Do(ctx, noJS, chromedp.Navigate("file://"+filepath.Join(offline.Out, "guides", "which", "index.html")), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	defer chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
		return err
	}))
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
	noJS := func(v bool) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: v})
			return err
		})
	}
	if err := chromedp.Do(ctx, noJS(true), chromedp.Navigate(base+"/4xx/?sent-by=server"), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	defer chromedp.Do(ctx, noJS(false))
	got, _ = chromedp.Run(ctx, chromedp.Evaluate[[]string](visible))
	shown, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("[data-sender-filter]").offsetParent !== null`))
	if len(got) != 3 || shown {
		t.Errorf("without script 4xx shows %v (filter visible: %v), want all 3 codes and no filter", got, shown)
	}
}
