package site

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func readOut(t *testing.T, cfg *Config, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(cfg.Out, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func edit(t *testing.T, m fstest.MapFS, name, old, new string) {
	t.Helper()
	s := string(m[name].Data)
	if !strings.Contains(s, old) {
		t.Fatalf("%s does not contain %q", name, old)
	}
	m[name] = &fstest.MapFile{Data: []byte(strings.Replace(s, old, new, 1))}
}

// TestStaleTranslation changes the English text a translation was made
// from: the build warns, naming the file and the hash to set, the Chinese
// page says so in Chinese with a link to the English page, and
// StrictTranslations fails the build instead.
func TestStaleTranslation(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	if res := mustBuild(t, cfg); strings.Contains(strings.Join(res.Warnings, "\n"), "out of date") {
		t.Fatalf("fixture translations are stale already: %v", res.Warnings)
	}
	if page := readOut(t, cfg, "zh-cn/404/index.html"); strings.Contains(page, "notice-stale") {
		t.Fatal("a fresh translation shows the stale notice")
	}
	content := cfg.Content.FS.(fstest.MapFS)
	edit(t, content, "4xx/404.md", "There is nothing at this URL.", "There is nothing at this URL, and never was.")
	res := mustBuild(t, cfg)
	var warned string
	for _, w := range res.Warnings {
		if strings.HasPrefix(w, "content/zh-cn/4xx/404.md: translation of content/4xx/404.md is out of date") {
			warned = w
		}
	}
	if warned == "" || !strings.Contains(warned, "set source_hash: ") {
		t.Errorf("warnings %q: want one for content/zh-cn/4xx/404.md with the hash to set", res.Warnings)
	}
	page := readOut(t, cfg, "zh-cn/404/index.html")
	if !strings.Contains(page, `class="translation-notice notice-stale"`) || !strings.Contains(page, `本译文根据英文页面的旧版本翻译`) ||
		!strings.Contains(page, `<a href="../../404/" lang="en">`) {
		t.Errorf("stale zh-cn/404 page has no Chinese notice linking ../../404/")
	}
	if strings.Contains(readOut(t, cfg, "404/index.html"), "translation-notice") {
		t.Error("the English page shows a translation notice")
	}
	// The hash the warning names makes the translation fresh again.
	hash := warned[strings.LastIndex(warned, " ")+1 : len(warned)-1]
	zh := string(content["zh-cn/4xx/404.md"].Data)
	old := zh[strings.Index(zh, "source_hash: "):]
	old = old[:strings.IndexByte(old, '\n')]
	edit(t, content, "zh-cn/4xx/404.md", old, "source_hash: "+hash)
	if res := mustBuild(t, cfg); strings.Contains(strings.Join(res.Warnings, "\n"), "out of date") {
		t.Errorf("after setting source_hash %s: still warned %v", hash, res.Warnings)
	}

	edit(t, content, "zh-cn/4xx/404.md", "source_hash: "+hash, "source_hash: 000000000000")
	cfg.StrictTranslations = true
	_, err := Build(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "content/zh-cn/4xx/404.md: translation of content/4xx/404.md is out of date") {
		t.Errorf("strict build with a stale translation: %v", err)
	}
}

// TestUntranslated checks a page with no translation: the edition has it,
// in Chinese chrome with the English text marked lang="en" and a notice,
// and the build counts it in one warning line.
func TestUntranslated(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	res := mustBuild(t, cfg)
	page := readOut(t, cfg, "zh-cn/418/index.html")
	for _, want := range []string{`<html lang="zh-CN">`, `notice-untranslated`, `本页尚未翻译成中文`,
		`<p class="lead" lang="en">`, `<div class="prose" lang="en">`, `placeholder="搜索状态码（按 / 键）"`,
		`<link rel="alternate" hreflang="en" href="../../418/">`, `<link rel="alternate" hreflang="x-default" href="../../418/">`} {
		if !strings.Contains(page, want) {
			t.Errorf("zh-cn/418/index.html lacks %s", want)
		}
	}
	found := false
	for _, w := range res.Warnings {
		found = found || strings.HasPrefix(w, "content/zh-cn: 9 of 11 pages not translated yet")
	}
	if !found {
		t.Errorf("warnings %q: want one line counting the pages not translated", res.Warnings)
	}
	// A link in a translation goes to the same edition's page.
	if zh := readOut(t, cfg, "zh-cn/404/index.html"); !strings.Contains(zh, `href="../../zh-cn/about/"`) {
		t.Error("zh-cn/404's link to /about/ does not go to the zh-cn page")
	}
}

// TestTranslationErrors: facts and unknown keys in a translation, a
// translation of no page, a missing source_hash, text the page has no
// place for, and a page named after a language are errors naming the file
// (and line), and nothing is written.
func TestTranslationErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, data, want string
	}{
		{"a fact", "zh-cn/4xx/404.md", "---\ntitle: 未找到\nsummary: 没有。\nstatus: standard\nsource_hash: x\n---\n正文\n",
			`content/zh-cn/4xx/404.md:4: "status" is a fact: a translation holds only text`},
		{"related", "zh-cn/4xx/404.md", "---\ntitle: 未找到\nsummary: 没有。\nsource_hash: x\nrelated: [418]\n---\n正文\n",
			`content/zh-cn/4xx/404.md:5: "related" is a fact`},
		{"unknown key", "zh-cn/4xx/404.md", "---\ntitle: 未找到\nsumary: 没有。\nsource_hash: x\n---\n正文\n",
			`content/zh-cn/4xx/404.md:3: unknown front matter key "sumary"`},
		{"no hash", "zh-cn/4xx/404.md", "---\ntitle: 未找到\nsummary: 没有。\n---\n正文\n",
			`content/zh-cn/4xx/404.md:1: missing "source_hash"`},
		{"orphan", "zh-cn/4xx/499.md", "---\ntitle: 客户端关闭了请求\nsummary: 没有。\nsource_hash: x\n---\n正文\n",
			`content/zh-cn/4xx/499.md: translates content/4xx/499.md, which does not exist`},
		// Text with no place in the page it translates, and a page that
		// would take an edition's home.
		{"too many tells", "zh-cn/4xx/404.md", "---\ntitle: 未找到\nsummary: 没有。\nsenders: [一, 二, 三]\nsource_hash: x\n---\n正文\n",
			`content/zh-cn/4xx/404.md:4: 3 senders' tells, but content/4xx/404.md has 2 senders`},
		{"tree on a code page", "zh-cn/4xx/404.md", "---\ntitle: 未找到\nsummary: 没有。\ntree:\n  a:\n    text: 问？\nsource_hash: x\n---\n正文\n",
			`content/zh-cn/4xx/404.md:4: tree: content/4xx/404.md has no decision tree`},
		{"unknown question", "zh-cn/guides/which.md", "---\ntitle: 选哪个？\nsummary: 问答。\ntree:\n  fonud:\n    text: 有吗？\nsource_hash: x\n---\n正文\n",
			`content/zh-cn/guides/which.md:5: tree: content/guides/which.md has no question "fonud"`},
		{"extra answers", "zh-cn/guides/which.md", "---\ntitle: 选哪个？\nsummary: 问答。\ntree:\n  why:\n    text: 为什么？\n    answers: [{text: 一}, {text: 二}, {text: 三}]\nsource_hash: x\n---\n正文\n",
			`content/zh-cn/guides/which.md:5: tree: question "why" has 2 answers in content/guides/which.md, not 3`},
		{"a page named after a language", "zh-cn.md", "---\ntitle: Chinese\nsummary: A page.\n---\nText.\n",
			`content/zh-cn.md: URL /zh-cn/ is the zh-cn edition's`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := fixtureConfig(t)
			cfg.Content.FS.(fstest.MapFS)[tt.file] = &fstest.MapFile{Data: []byte(tt.data)}
			_, err := Build(context.Background(), cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %s", err, tt.want)
			}
			if _, serr := os.Stat(cfg.Out); !os.IsNotExist(serr) {
				t.Errorf("a failed build wrote %s", cfg.Out)
			}
		})
	}
}

// TestCatalogErrors: a message missing from a catalogue, one a layout
// uses that no catalogue has, and a missing default catalogue fail the
// build, naming the key and the file.
func TestCatalogErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(m fstest.MapFS)
		want string
	}{
		{"missing in zh-cn", func(m fstest.MapFS) { edit(t, m, "i18n/zh-cn.yaml", "skip: 跳到正文\n", "") },
			`layouts/i18n/zh-cn.yaml: message "skip" is missing (layouts/i18n/en.yaml:`},
		{"extra in zh-cn", func(m fstest.MapFS) {
			edit(t, m, "i18n/zh-cn.yaml", "skip: 跳到正文\n", "skip: 跳到正文\nskipp: 多余\n")
		},
			`layouts/i18n/zh-cn.yaml:6: message "skipp" is not in layouts/i18n/en.yaml`},
		{"unknown in a layout", func(m fstest.MapFS) { edit(t, m, "class.html", `{{t "class.codes"}}`, `{{t "class.kodes"}}`) },
			`layouts/class.html:8: message "class.kodes" is not in layouts/i18n/en.yaml`},
		{"needed by the program", func(m fstest.MapFS) {
			edit(t, m, "i18n/en.yaml", "notfound.title: Page not found\n", "")
			edit(t, m, "i18n/zh-cn.yaml", "notfound.title: 页面不存在\n", "")
		}, `layouts/i18n/en.yaml: message "notfound.title" is missing (the program uses it)`},
		{"no default", func(m fstest.MapFS) { delete(m, "i18n/en.yaml") }, `layouts/i18n/en.yaml: missing`},
		{"verbs differ", func(m fstest.MapFS) {
			edit(t, m, "i18n/zh-cn.yaml", "alias.moved: '本页已移至 %s。'", "alias.moved: '本页已移走。'")
		},
			`layouts/i18n/zh-cn.yaml:35: message "alias.moved" has the verbs [], layouts/i18n/en.yaml has [%s]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := fixtureConfig(t)
			tt.edit(cfg.Layouts.FS.(fstest.MapFS))
			_, err := Build(context.Background(), cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %s", err, tt.want)
			}
		})
	}
}

// TestEditionLinkErrors: a broken link is reported once, as written, for
// the file that has it: not again for the untranslated copy of the page in
// another edition, nor with that edition's prefix.
func TestEditionLinkErrors(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	content := cfg.Content.FS.(fstest.MapFS)
	edit(t, content, "4xx/418.md", "status: reserved", "status: reserved\n")
	content["4xx/418.md"].Data = append(content["4xx/418.md"].Data, "\nSee [x](/nonexistent/).\n"...)
	content["zh-cn/4xx/404.md"].Data = append(content["zh-cn/4xx/404.md"].Data, "\n见 [x](/nowhere/)。\n"...)
	_, err := Build(context.Background(), cfg)
	if err == nil {
		t.Fatal("built with broken links")
	}
	msg := err.Error()
	if strings.Count(msg, "link to /nonexistent/: no such page") != 1 || !strings.Contains(msg, "content/zh-cn/4xx/404.md:27: link to /nowhere/: no such page") || strings.Contains(msg, "/zh-cn/nonexistent/") {
		t.Errorf("errors:\n%s", msg)
	}
}
