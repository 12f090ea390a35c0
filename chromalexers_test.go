package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	upstream "github.com/alecthomas/chroma/v2/lexers"
	ours "statusdocs.local/chromalexers"
)

// chroma's lexers package builds its registry when the program starts:
// it parses the configuration of all 279 XML lexers, 16-22 ms and half of
// the start-up's page faults on this project's machines, in every run,
// though a build uses two or three lexers. third_party/chromalexers is that
// package with the registry filled on first lookup instead. Its files are
// chroma's, copied from the module; patchChromaLexers makes the only
// changes, and TestChromaLexersCopy re-derives the copy from the module in
// use, so upgrading chroma means running that test with -update.

// chromaLexersPatches rewrites, file by file, upstream text into ours. Each
// old string must occur exactly once, so an upstream change that moves
// them fails loudly instead of being patched wrongly.
var chromaLexersPatches = map[string][][2]string{
	"lexers.go": {
		{"import (\n\t\"embed\"\n\t\"io/fs\"\n\n\t\"github.com/alecthomas/chroma/v2\"\n)",
			"import (\n\t\"embed\"\n\n\t\"github.com/alecthomas/chroma/v2\"\n)"},
		{`// GlobalLexerRegistry is the global LexerRegistry of Lexers.
var GlobalLexerRegistry = func() *chroma.LexerRegistry {
	reg := chroma.NewLexerRegistry()
	// index(reg)
	paths, err := fs.Glob(embedded, "embedded/*.xml")
	if err != nil {
		panic(err)
	}
	for _, path := range paths {
		reg.Register(chroma.MustNewXMLLexer(embedded, path))
	}
	return reg
}()`, `// GlobalLexerRegistry is the global LexerRegistry of Lexers.
//
// statusdocs: filled on first lookup, not at start-up; see lazy.go.
var GlobalLexerRegistry = chroma.NewLexerRegistry()`},
		{"return GlobalLexerRegistry.Names(withAliases)", "return registry().Names(withAliases)"},
		{"return GlobalLexerRegistry.Aliases(skipWithoutAliases)", "return registry().Aliases(skipWithoutAliases)"},
		{"return GlobalLexerRegistry.Get(name)", "return registry().Get(name)"},
		{"return GlobalLexerRegistry.MatchMimeType(mimeType)", "return registry().MatchMimeType(mimeType)"},
		{"return GlobalLexerRegistry.Match(filename)", "return registry().Match(filename)"},
		{"return GlobalLexerRegistry.Register(lexer)", "return register(lexer)"},
		{"return GlobalLexerRegistry.Analyse(text)", "return registry().Analyse(text)"},
	},
	// These set analysers on XML lexers from init functions, which would
	// force the load at start-up; they run right after the load instead.
	// (They look the lexer up in the registry being filled, not through
	// Get, which would wait for the load they are part of.)
	"dns.go":   {{"func init() { // nolint: gochecknoinits", "var _ = afterLoad(func() { // statusdocs: was init"}, {"\t})\n}\n", "\t})\n})\n"}, {`Get("dns")`, `GlobalLexerRegistry.Get("dns")`}},
	"mysql.go": {{"func init() { // nolint: gochecknoinits", "var _ = afterLoad(func() { // statusdocs: was init"}, {"\t\t})\n}\n", "\t\t})\n})\n"}, {`Get("mysql")`, `GlobalLexerRegistry.Get("mysql")`}},
	"zed.go":   {{"func init() { // nolint: gochecknoinits", "var _ = afterLoad(func() { // statusdocs: was init"}, {"\t})\n}\n", "\t})\n})\n"}, {`Get("Zed")`, `GlobalLexerRegistry.Get("Zed")`}},
}

// patchChromaLexers returns the statusdocs version of one upstream file.
func patchChromaLexers(name, upstream string) (string, error) {
	out := upstream
	for _, p := range chromaLexersPatches[name] {
		if n := strings.Count(out, p[0]); n != 1 {
			return "", fmt.Errorf("chroma lexers/%s: the text to patch occurs %d times, want 1: %q", name, n, p[0])
		}
		out = strings.Replace(out, p[0], p[1], 1)
	}
	return out, nil
}

// chromaModuleDir returns the folder of the chroma module this build uses.
func chromaModuleDir(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/alecthomas/chroma/v2").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Skipf("cannot locate the chroma module: %v", err)
	}
	return dir
}

// TestChromaLexersCopy checks that third_party/chromalexers is chroma's
// lexers package with exactly chromaLexersPatches applied; -update
// rewrites it from the module in use.
func TestChromaLexersCopy(t *testing.T) {
	up := filepath.Join(chromaModuleDir(t), "lexers")
	ours := filepath.Join("third_party", "chromalexers")
	want := map[string][]byte{}
	err := filepath.WalkDir(up, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(up, p)
		if strings.HasSuffix(rel, "_test.go") || strings.HasPrefix(rel, "testdata") || rel == "README.md" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if _, patched := chromaLexersPatches[rel]; patched {
			s, err := patchChromaLexers(rel, string(data))
			if err != nil {
				return err
			}
			data = []byte(s)
		}
		want[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	license, err := os.ReadFile(filepath.Join(up, "..", "COPYING"))
	if err != nil {
		t.Fatal(err)
	}
	want["LICENSE"] = license
	ownFiles := map[string]bool{"lazy.go": true, "README.md": true, "go.mod": true, "go.sum": true}
	if *update {
		for name, data := range want {
			p := filepath.Join(ours, filepath.FromSlash(name))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	have := map[string]bool{}
	filepath.WalkDir(ours, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(ours, p)
			have[filepath.ToSlash(rel)] = true
		}
		return nil
	})
	for name, data := range want {
		got, err := os.ReadFile(filepath.Join(ours, filepath.FromSlash(name)))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("third_party/chromalexers/%s differs from chroma's (patched); run go test -run TestChromaLexersCopy -update", name)
		}
	}
	for name := range have {
		if _, ok := want[name]; !ok && !ownFiles[name] {
			t.Errorf("third_party/chromalexers/%s is not in chroma's lexers package", name)
		}
	}
}

// TestChromaLexersMatchUpstream compares the lazy copy with chroma's own
// package: the names, every lookup by name, alias, MIME type and file
// name, content analysis, and the tokens of the lexers that delegate to
// others through the registry.
func TestChromaLexersMatchUpstream(t *testing.T) {
	t.Parallel()
	name := func(l chroma.Lexer) string {
		if l == nil {
			return "<nil>"
		}
		return l.Config().Name
	}
	if got, want := ours.Names(true), upstream.Names(true); !slices.Equal(got, want) {
		t.Fatalf("Names differ: %d lexers here, %d upstream", len(got), len(want))
	}
	for _, n := range upstream.Names(true) {
		if got, want := name(ours.Get(n)), name(upstream.Get(n)); got != want {
			t.Errorf("Get(%q) = %s, upstream %s", n, got, want)
		}
	}
	var samples []string
	for _, l := range upstream.GlobalLexerRegistry.Lexers {
		c := l.Config()
		for _, m := range c.MimeTypes {
			if got, want := name(ours.MatchMimeType(m)), name(upstream.MatchMimeType(m)); got != want {
				t.Errorf("MatchMimeType(%q) = %s, upstream %s", m, got, want)
			}
		}
		for _, g := range append(c.Filenames, c.AliasFilenames...) {
			f := strings.NewReplacer("*", "x", "[", "", "]", "", "?", "y").Replace(g)
			if got, want := name(ours.Match(f)), name(upstream.Match(f)); got != want {
				t.Errorf("Match(%q) = %s, upstream %s", f, got, want)
			}
		}
		samples = append(samples, c.Name)
	}
	for _, text := range []string{"@ IN SOA ns1.example.org. admin.example.org. 1 2 3 4 5\n",
		"SELECT `a`, `b` FROM `t`;", "definition user {}\nrelation x: user\npermission y = x\n",
		"package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(1) }\n", "#!/bin/sh\necho hi\n", "<?php echo 1; ?>"} {
		if got, want := name(ours.Analyse(text)), name(upstream.Analyse(text)); got != want {
			t.Errorf("Analyse(%q) = %s, upstream %s", text, got, want)
		}
	}
	// The lexer files are chroma's (TestChromaLexersCopy), so tokens can
	// differ only through the registry: lexers that hand text to others.
	for _, c := range []struct{ lang, code string }{
		{"go", "package main\n\nvar s = `{{.Name}}`\n"},
		{"http", "HTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"a\": [1, true]}\n"},
		{"markdown", "# Title\n\n```go\nfunc f() {}\n```\n"},
		{"php", "<p><?php echo $x; ?></p>"},
		{"rst", ".. code-block:: python\n\n   print(1)\n"},
		{"html", "<style>p{color:red}</style><script>let a = 1;</script>"},
		{"go-html-template", "<p>{{ .T }}</p>"},
		{"erb", "<p><%= @x %></p>"},
		{"svelte", "<script>let a = 1;</script><p>{a}</p>"},
		{"yaml+jinja", "a: {{ b }}\n"},
	} {
		o, err1 := chroma.Coalesce(ours.Get(c.lang)).Tokenise(nil, c.code)
		u, err2 := chroma.Coalesce(upstream.Get(c.lang)).Tokenise(nil, c.code)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v, %v", c.lang, err1, err2)
		}
		if !slices.Equal(o.Tokens(), u.Tokens()) {
			t.Errorf("%s: tokens differ from upstream", c.lang)
		}
	}
	if len(samples) < 250 {
		t.Errorf("compared only %d lexers", len(samples))
	}
}

// TestLexerFor checks that lexerFor's shortcuts are what the registry
// answers.
func TestLexerFor(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"go", "Go", "GO", "golang", "Golang", "http", "HTTP", "Http", "python", "json", "nosuchlanguage"} {
		if got, want := lexerFor(lang), ours.Get(lang); got != want {
			t.Errorf("lexerFor(%q) = %v, lexers.Get gives %v", lang, got, want)
		}
	}
}
