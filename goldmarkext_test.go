package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/yuin/goldmark"
	upext "github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	extension "statusdocs.local/goldmarkext"
)

// goldmark's extension package compiles linkify's two URL expressions at
// start-up, ~4 ms of every run; third_party/goldmarkext is that package
// with them compiled on first use (lazy.go). These patches are the only
// changes to upstream's files.
var goldmarkExtPatches = map[string][][2]string{
	"linkify.go": {
		{"var wwwURLRegxp = regexp.MustCompile(", "// statusdocs: compiled on first use, see lazy.go.\nvar wwwURLRegxpSource = ("},
		{"var urlRegexp = regexp.MustCompile(", "// statusdocs: compiled on first use, see lazy.go.\nvar urlRegexpSource = ("},
		{"\t\t\tURLRegexp:        urlRegexp,\n\t\t\tWWWRegexp:        wwwURLRegxp,\n", ""},
		{"protoFTP) {\n\t\t\tm = s.LinkifyConfig.URLRegexp.FindSubmatchIndex(line)", "protoFTP) {\n\t\t\tm = s.urlRegexp().FindSubmatchIndex(line)"},
		{"if bytes.HasPrefix(line, prefix) {\n\t\t\t\tm = s.LinkifyConfig.URLRegexp.FindSubmatchIndex(line)", "if bytes.HasPrefix(line, prefix) {\n\t\t\t\tm = s.urlRegexp().FindSubmatchIndex(line)"},
		{"m = s.LinkifyConfig.WWWRegexp.FindSubmatchIndex(line)", "m = s.wwwRegexp().FindSubmatchIndex(line)"},
	},
}

// TestGoldmarkExtensionCopy checks that third_party/goldmarkext is
// goldmark's extension package with exactly goldmarkExtPatches applied;
// -update rewrites it from the module in use.
func TestGoldmarkExtensionCopy(t *testing.T) {
	mod := moduleDir(t, "github.com/yuin/goldmark")
	checkCopy(t, thirdPartyCopy{
		name:     "goldmark's extension package",
		upstream: filepath.Join(mod, "extension"),
		ours:     filepath.Join("third_party", "goldmarkext"),
		license:  filepath.Join(mod, "LICENSE"),
		patches:  goldmarkExtPatches,
		own:      []string{"lazy.go", "README.md", "go.mod", "go.sum"},
		test:     "TestGoldmarkExtensionCopy",
	})
}

// TestGoldmarkExtensionMatchesUpstream renders every shipped page and a
// sample full of what the extensions handle (bare URLs, www. addresses,
// e-mail addresses, tables, strikethrough, typography) with the copy and
// with upstream's package: the HTML must be the same, including from many
// goroutines at once, as builds render.
func TestGoldmarkExtensionMatchesUpstream(t *testing.T) {
	t.Parallel()
	md := func(ext ...goldmark.Extender) goldmark.Markdown {
		return goldmark.New(goldmark.WithExtensions(ext...), goldmark.WithParserOptions(parser.WithAutoHeadingID()))
	}
	ours := md(extension.Table, extension.Strikethrough, extension.Linkify, extension.Typographer, extension.GFM, extension.Footnote, extension.DefinitionList)
	theirs := md(upext.Table, upext.Strikethrough, upext.Linkify, upext.Typographer, upext.GFM, upext.Footnote, upext.DefinitionList)
	docs := []string{`Visit https://example.org/a?b=1&c=(2), www.example.com/x, ftp://files.example.net/f.txt
or mail someone@example.org; not http:// alone, nor www. alone. (http://example.org/in-parens)
*https://example.org/emphasis* and ~~struck~~ "quoted" -- dashes... 'single'

| a | b |
|:--|--:|
| 1 | www.example.org |

- [x] done
- [ ] todo

Term
: definition[^1]

[^1]: A footnote with https://example.org/fn.
`}
	err := fs.WalkDir(os.DirFS("content"), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(name, ".md") {
			return err
		}
		data, err := fs.ReadFile(os.DirFS("content"), name)
		docs = append(docs, string(data))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i, doc := range docs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var a, b bytes.Buffer
			if err := ours.Convert([]byte(doc), &a); err != nil {
				t.Error(err)
			}
			if err := theirs.Convert([]byte(doc), &b); err != nil {
				t.Error(err)
			}
			if a.String() != b.String() {
				t.Errorf("document %d renders differently with the copy:\n%s\nupstream:\n%s", i, a.String(), b.String())
			}
		}()
	}
	wg.Wait()
	if len(docs) < 50 {
		t.Errorf("compared only %d documents", len(docs))
	}
	var out bytes.Buffer
	ours.Convert([]byte(docs[0]), &out)
	for _, want := range []string{`<a href="https://example.org/a?b=1&amp;c=(2)">`, `<a href="http://www.example.com/x">`, `<a href="mailto:someone@example.org">`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the sample lacks %s:\n%s", want, out.String())
		}
	}
}
