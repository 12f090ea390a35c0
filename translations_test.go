package main

import (
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/statusdocs/statusdocs/internal/content"
)

// TestTranslationFiles checks that every English page has its Chinese
// page and every Chinese file translates an English page.
func TestTranslationFiles(t *testing.T) {
	t.Parallel()
	en, zh := map[string]bool{}, map[string]bool{}
	fs.WalkDir(os.DirFS("content"), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(name, ".md") {
			return err
		}
		if rest, ok := strings.CutPrefix(name, "zh-cn/"); ok {
			zh[rest] = true
		} else {
			en[name] = true
		}
		return nil
	})
	for name := range en {
		if !zh[name] {
			t.Errorf("content/%s has no translation content/zh-cn/%s", name, name)
		}
	}
	for name := range zh {
		if !en[name] {
			t.Errorf("content/zh-cn/%s translates no page", name)
		}
	}
	if len(en) != 102 {
		t.Errorf("%d English pages, want 102", len(en))
	}
}

var (
	httpBlock = regexp.MustCompile("(?ms)^```http\n.*?^```$")
	codeHTML  = regexp.MustCompile(`(?s)<pre.*?</pre>|<code>.*?</code>`)
	tagHTML   = regexp.MustCompile(`<[^>]*>`)
)

// TestTranslations compares each Chinese page with the English page it
// translates: fresh (made from the English text as it is), the same
// sections with the same anchors, the same example messages byte for
// byte, links to the same pages, every sender's tell translated, and no
// Markdown left unparsed (a closing ** after full-width punctuation and
// before a Han character does not close in CommonMark).
func TestTranslations(t *testing.T) {
	t.Parallel()
	s := shippedSite(t)
	zh := s.Edition("zh-cn")
	if zh == nil {
		t.Fatal("no zh-cn edition")
	}
	for _, p := range zh.Pages() {
		en := p.Source
		if p.Untranslated {
			t.Errorf("%s: no translation", en.File)
			continue
		}
		if p.Stale {
			t.Errorf("%s: out of date: made from %s, %s is now %s", p.File, p.SourceHash, en.File, en.TextHash)
		}
		type head struct {
			level int
			id    string
		}
		heads := func(p *content.Page) (hs []head) {
			for _, h := range p.Headings {
				hs = append(hs, head{h.Level, h.ID})
			}
			return hs
		}
		if got, want := heads(p), heads(en); !slices.Equal(got, want) {
			t.Errorf("%s: headings %v, English %v", p.File, got, want)
		}
		zhSrc, err1 := os.ReadFile(p.File)
		enSrc, err2 := os.ReadFile(en.File)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if got, want := httpBlock.FindAllString(string(zhSrc), -1), httpBlock.FindAllString(string(enSrc), -1); !slices.Equal(got, want) {
			t.Errorf("%s: its http examples differ from %s's", p.File, en.File)
		}
		targets := func(p *content.Page) (ts []string) {
			for _, l := range p.Links {
				ts = append(ts, strings.TrimPrefix(l.Target, p.LangPrefix()))
			}
			slices.Sort(ts)
			return ts
		}
		if got, want := targets(p), targets(en); !slices.Equal(got, want) {
			t.Errorf("%s: links to %v, English to %v", p.File, got, want)
		}
		prose := tagHTML.ReplaceAllString(codeHTML.ReplaceAllString(string(p.Body), ""), "")
		for _, mark := range []string{"**", "__", "](", "{#"} {
			if strings.Contains(prose, mark) {
				i := strings.Index(prose, mark)
				t.Errorf("%s: %q left in the rendered text: …%s…", p.File, mark, prose[max(0, i-40):min(len(prose), i+40)])
			}
		}
		if han(p.Text) < len(strings.Fields(en.Text))/2 {
			t.Errorf("%s: only %d Han characters", p.File, han(p.Text))
		}
		for i, sd := range p.Senders {
			if sd.Tell == en.Senders[i].Tell || han(sd.Tell) == 0 {
				t.Errorf("%s: senders entry %d (%s) is not translated: %q", p.File, i+1, sd.By, sd.Tell)
			}
		}
	}
}

func han(s string) int {
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			n++
		}
	}
	return n
}
