package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chromedp/chromedp"

	"github.com/statusdocs/statusdocs/internal/site"
	"github.com/statusdocs/statusdocs/internal/testenv"
)

// hanPages give the fixture pages in Chinese: text without spaces between
// words, which search must still find (issue 15's search, before the
// Chinese edition exists).
var hanPages = map[string]string{
	"4xx/404.md":    "---\ntitle: 未找到\nsummary: 服务器找不到与请求地址对应的资源。\nstatus: standard\nspec:\n  - name: RFC 9110, section 15.5.5\n    url: https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5\naliases: [not-found]\n---\n## What it means\n\n## 含义\n\n服务器上没有这个地址的资源，或者不愿透露它是否存在。\n",
	"4xx/413.md":    "---\ntitle: 内容过大\nsummary: 请求内容超过了服务器愿意处理的大小。\nstatus: standard\nspec:\n  - name: RFC 9110, section 15.5.14\n    url: https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14\n---\n## 含义\n\n请求体太大。\n",
	"5xx/_index.md": "---\ntitle: 服务器错误\nsummary: 服务器出了问题。\n---\n服务器端的错误。\n",
	"5xx/503.md":    "---\ntitle: 服务不可用\nsummary: 服务器暂时无法处理请求，通常是过载或维护。\nstatus: standard\nspec:\n  - name: RFC 9110, section 15.6.4\n    url: https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4\n---\n## 含义\n\n稍后重试。\n",
}

// TestHanSearch searches Chinese pages, hosted and from file://: a phrase
// finds its page though the text has no spaces between words, codes and
// English words still work, and mixed queries combine both.
func TestHanSearch(t *testing.T) {
	ctx := testenv.NewTab(t)
	build := func(offline bool) *site.Config {
		cfg := fixtureConfig(t)
		cfg.HashAssets, cfg.Offline = true, offline
		m := cfg.Content.FS.(fstest.MapFS)
		for name := range m {
			if strings.HasPrefix(name, "zh-cn/") {
				delete(m, name) // this test's Chinese pages are the default language's
			}
		}
		for name, data := range hanPages {
			m[name] = &fstest.MapFile{Data: []byte(data)}
		}
		mustBuild(t, cfg)
		return cfg
	}
	hosted, offline := build(false), build(true)
	tests := []queryFirst{
		{"未找到", "404"},
		{"找不到", "404"},
		{"服务不可用", "503"},
		{"内容过大", "413"},
		{"413 请求", "413"},
		{"404", "404"},
		{"过载", "503"},
		{"teapot", "418"}, // an English page of the fixture
	}
	for _, where := range []string{serveDir(t, hosted.Out) + "/", "file://" + filepath.Join(offline.Out, "index.html")} {
		if err := chromedp.Do(ctx, chromedp.Navigate(where)); err != nil {
			t.Fatal(err)
		}
		wantFirst(t, ctx, where, tests)
		typeQuery(t, ctx, "未找到")
		marked, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#search-results li .phrase mark")].map(m => m.textContent).join("|")`))
		if err != nil || marked != "未找到" {
			t.Errorf("%s: 未找到 marked %q in the title, want the whole phrase once (%v)", where, marked, err)
		}
		if got := typeQuery(t, ctx, "服务"); !slices.Contains(got, "503") {
			t.Errorf("%s: 服务 gave %v, want 503 among them", where, got)
		}
	}
}

// TestChineseEdition searches the shipped site's Chinese edition, hosted
// and from file://: Chinese words find their pages though Chinese has no
// spaces, a class's Chinese name lists its codes, codes, mixed queries and
// the English reason phrase still work, results open the Chinese pages, and
// the interface speaks Chinese.
func TestChineseEdition(t *testing.T) {
	ctx := testenv.NewTab(t)
	build := func(offline bool) *site.Config {
		cfg := shippedConfig(t)
		cfg.HashAssets, cfg.Offline = true, offline
		mustBuild(t, cfg)
		return cfg
	}
	hosted, offline := build(false), build(true)
	tests := []queryFirst{
		{"未找到", "404"},
		{"服务不可用", "503"},
		{"内容过大", "413"},
		{"404", "404"},
		{"413 请求", "413"},
		{"gateway timeout", "504"}, // the English reason phrase, from a Chinese page
		{"gatway timeout", "504"},  // with a typo
		{"网关超时", "504"},
	}
	for _, where := range []string{serveDir(t, hosted.Out) + "/zh-cn/", "file://" + filepath.Join(offline.Out, "zh-cn", "index.html")} {
		if err := chromedp.Do(ctx, chromedp.Navigate(where)); err != nil {
			t.Fatal(err)
		}
		wantFirst(t, ctx, where, tests)
		// 重定向 (redirection) lists the class and every 3xx code first.
		got := typeQuery(t, ctx, "重定向")
		want := []string{"3xx", "300", "301", "302", "303", "304", "305", "306", "307", "308"}
		if len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
			t.Errorf("%s: 重定向 gave %v, want %v first", where, got, want)
		}
		typeQuery(t, ctx, "未找到")
		href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#search-results li[role=option]").getAttribute("data-href")`))
		if err != nil || !strings.Contains(href, "zh-cn/404/") {
			t.Errorf("%s: the 未找到 result opens %q, want the zh-cn 404 page (%v)", where, href, err)
		}
		typeQuery(t, ctx, "520")
		badge, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("#search-results li .badge") || {}).textContent || ""`))
		if err != nil || badge != "非官方" {
			t.Errorf("%s: 520's badge %q, want 非官方", where, badge)
		}
		typeQuery(t, ctx, "没有这种状态码吧")
		none, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("search-live").textContent`))
		if err != nil || none != "没有匹配的状态码。" {
			t.Errorf("%s: no results announced as %q, want 没有匹配的状态码。", where, none)
		}
	}
	for _, ed := range []string{"", "zh-cn/"} {
		info, err := os.Stat(filepath.Join(hosted.Out, ed))
		if err != nil || !info.IsDir() {
			t.Fatal(err)
		}
		idx, _ := filepath.Glob(filepath.Join(hosted.Out, ed, "search-index.*.js"))
		if len(idx) != 1 {
			t.Fatalf("%s: search indexes %v", ed, idx)
		}
		st, _ := os.Stat(idx[0])
		t.Logf("search index %s: %d bytes", idx[0][len(hosted.Out)+1:], st.Size())
	}
}

// queryFirst is a query and the code of the result it must put first.
type queryFirst struct{ query, first string }

// wantFirst types each query into the page open in ctx (where, for
// messages) and checks its first result.
func wantFirst(t *testing.T, ctx context.Context, where string, tests []queryFirst) {
	t.Helper()
	for _, tt := range tests {
		got := typeQuery(t, ctx, tt.query)
		if len(got) == 0 || got[0] != tt.first {
			t.Errorf("%s: %q gave %v, want %s first", where, tt.query, got, tt.first)
		}
	}
}
