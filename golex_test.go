package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// chromaRef returns chroma's own coalesced tokens for code in lang: the
// reference the hand-written lexers are held to.
func chromaRef(t testing.TB, lang, code string) []chroma.Token {
	t.Helper()
	it, err := chroma.Coalesce(lexers.Get(lang)).Tokenise(nil, code)
	if err != nil {
		t.Fatal(err)
	}
	return it.Tokens()
}

// checkFastLexer fails when fast accepts code but disagrees with chroma's
// lexer for lang, naming the first token that differs, and reports whether
// fast accepted the code.
func checkFastLexer(t testing.TB, name, lang, code string, fast func(string) ([]chroma.Token, bool)) bool {
	t.Helper()
	got, ok := fast(code)
	if !ok {
		return false
	}
	want := chromaRef(t, lang, code)
	for i := 0; i < len(got) || i < len(want); i++ {
		var g, w chroma.Token
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Fatalf("%s: token %d: %s lexer %v %q, chroma %v %q (of %d/%d)\ncode: %q", name, i, lang, g.Type, g.Value, w.Type, w.Value, len(got), len(want), code)
		}
	}
	return true
}

func checkLexGo(t testing.TB, name, code string) bool {
	t.Helper()
	return checkFastLexer(t, name, "go", code, lexGo)
}

// lexGoCases are the corners of chroma's rules: rule order, word
// boundaries, every number form, rune and string escapes, comments, and
// the inputs lexGo must leave to chroma (accept false).
var lexGoCases = []struct {
	code   string
	accept bool
}{
	{"package main\n\nimport \"net/http\"\n", true},
	{"func f(w http.ResponseWriter) {\n\tw.WriteHeader(http.StatusOK)\n}\n", true},
	{"// comment\n//go:generate x\n//\n/* block\n * more */ x /**/ y", true},
	{"/\\\n* odd */ /* a *\\\n/ b", true},
	{"importx packages import\tpackage", true},
	{"var func struct map chan type interface const funcs", true},
	{"break default select case defer go else goto switch fallthrough if range continue for return gox goto", true},
	{"true false iota nil nilly", true},
	{"len(x) len (x) uint8(1) uint8 (1) any(x) integer(3) new(T) min(a, b) clear(m)", true},
	{"int int8 string bool error uintptr any anyway", true},
	{"1i 12i 1.5i 1.i 1.5e+3i 1.5e3i 1e-2i .5i .5e+1i .5e1i 1e+5i 1e5i", true},
	{"1.5e3 1.5e+3 1.5E-3 1. 1.5 1e3 1E+3 1e 1e+ .5 .5e3 .5e+ 1.5ex", true},
	{"0 00 07 0755 08 0x 0xFF 0X_1 0b 0b101 0b2 0o17 1_000 123abc 2import 3.14.15", true},
	{"'a' '\\n' '\\'' '\\x41' '\\101' '\\1' '\\12' '\\u00e9' '\\U0001F600' 'é' '\n' ''' 'ab' '\\'", true},
	{"\"plain\" \"esc\\\"aped\" \"back\\\\\" \"multi\nline\" \"\"", true},
	{"`raw` `with { brace` `` `{`", true},
	{"x<<=1; y>>=2; a<<b>>c <= >= &^= &^ += -= *= /= %= &= |= && || <- ++ -- == != := ... + - * / % & | ^ < > = ! ( ) [ ] { } . , ; : ~", true},
	{"foo(1) foo (1) foo\n\t(1) _(x) x.y(z) Foo\t \n (", true},
	{"a # b @ c $ d ? e \\ f", true},
	{"\v\f tabs\t\t and  spaces", true},
	{"", true},
	{"x := `{{.Name}}`", false}, // template action inside a raw string
	{"s := \"unclosed", false},  // backtracking decides
	{"/* unclosed", false},      // likewise
	{"x := `unclosed", false},   // likewise
	{"line\r\nbreaks", false},   // chroma rewrites \r first
	{"café := 1", false},        // \w is Unicode
	{"x := 1\u00a0+ 2", false},  // so is \s
	{"s := \"\xff\"", false},    // invalid UTF-8 becomes U+FFFD in chroma
	{"// comment é\ns := \"ü\" /* ß */ r := 'ñ'", true},
}

func TestLexGoMatchesChroma(t *testing.T) {
	t.Parallel()
	for _, c := range lexGoCases {
		if ok := checkLexGo(t, "case", c.code); ok != c.accept {
			t.Errorf("lexGo(%q) accepted = %v, want %v", c.code, ok, c.accept)
		}
	}
	// The synthetic benchmark page's block, which must take the fast path.
	for _, i := range []int{0, 7, 12345} {
		src := string(syntheticPage(i, 100))
		start := strings.Index(src, "```go\n") + len("```go\n")
		block := src[start : start+strings.Index(src[start:], "```")]
		if !checkLexGo(t, "synthetic", block) {
			t.Errorf("lexGo gave up on the synthetic page's Go block:\n%s", block)
		}
	}
}

// TestLexGoStandardLibrary compares lexGo with chroma on real Go: files of
// the standard library, whole and in ten-line pieces (as examples are
// cut), and counts how much lexGo takes on.
func TestLexGoStandardLibrary(t *testing.T) {
	t.Parallel()
	root := filepath.Join(runtime.GOROOT(), "src", "net", "http")
	var files []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".go") && !strings.Contains(p, "testdata") {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		t.Skipf("no Go sources under %s", root)
	}
	slices.Sort(files)
	limit := 12
	if testing.Short() {
		limit = 3
	}
	var pieces, accepted int
	for _, f := range files[:min(limit, len(files))] {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfter(string(data), "\n")
		for i := 0; i < len(lines); i += 10 {
			pieces++
			if checkLexGo(t, f, strings.Join(lines[i:min(i+10, len(lines))], "")) {
				accepted++
			}
		}
		if len(data) < 20000 {
			pieces++
			if checkLexGo(t, f, string(data)) {
				accepted++
			}
		}
	}
	t.Logf("lexGo took %d of %d pieces; chroma the rest", accepted, pieces)
	if accepted*2 < pieces {
		t.Errorf("lexGo took only %d of %d pieces of ordinary Go", accepted, pieces)
	}
}

func FuzzLexGo(f *testing.F) {
	for _, c := range lexGoCases {
		f.Add(c.code)
	}
	f.Fuzz(func(t *testing.T, code string) {
		if len(code) > 300 {
			return // chroma takes long enough on big inputs to stall the fuzzer
		}
		checkLexGo(t, "fuzz", code)
	})
}

// BenchmarkLexers compares lexGo, lexHTTP and lexJSON with chroma's lexers
// on the synthetic page's two blocks and a problem+json body, the same
// tokens either way (JSON's before coalescing, as the HTTP lexer takes
// them).
func BenchmarkLexers(b *testing.B) {
	src := string(syntheticPage(7, 100))
	block := func(lang string) string {
		start := strings.Index(src, "```"+lang+"\n") + len(lang) + 4
		return src[start : start+strings.Index(src[start:], "```")]
	}
	json := `{"type": "https://example.com/probs/no-such-user", "title": "No such user", "status": 404,` + "\n" +
		` "detail": "There is no user 9999.", "instance": "/users/9999", "retry": [1, 2.5, null, false]}` + "\n"
	for _, c := range []struct {
		lang, code string
		fast       func(string) ([]chroma.Token, bool)
	}{{"go", block("go"), lexGo}, {"http", block("http"), lexHTTP}, {"json", json, lexJSON}} {
		code := c.code
		b.Run(c.lang+"/chroma", func(b *testing.B) {
			for b.Loop() {
				it, _ := chroma.Coalesce(lexers.Get(c.lang)).Tokenise(nil, code)
				it.Tokens()
			}
		})
		b.Run(c.lang+"/fast", func(b *testing.B) {
			for b.Loop() {
				if _, ok := c.fast(code); !ok {
					b.Fatal("declined")
				}
			}
		})
	}
}
