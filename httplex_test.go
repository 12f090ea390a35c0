package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

func checkLexHTTP(t testing.TB, name, code string) bool {
	t.Helper()
	return checkFastLexer(t, name, "http", code, lexHTTP)
}

// lexHTTPCases are message heads and whole messages; accept says whether
// lexHTTP takes the input as it is (it declines bodies).
var lexHTTPCases = []struct {
	code   string
	accept bool
}{
	{"GET /index.html HTTP/1.1\nHost: example.org\n", true},
	{"POST  /form  HTTP/2\nContent-Type: application/x-www-form-urlencoded\n\na=1&b=2", false},
	{"POST  /form  HTTP/2\nContent-Type: application/x-www-form-urlencoded\n\n", true},
	{"DELETE /x HTTP/1.0", true},
	{"HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: 9\n\n{\"a\": 1}\n", false},
	{"HTTP/1.1 422 Unprocessable Content\nContent-Type: application/problem+json\n\n{\"title\": \"x\"}", false},
	{"HTTP/1.1 200 OK\nContent-Type: text/html; charset=utf-8\n\n<p>hi</p>\n", false},
	{"HTTP/1.1 200 OK\nContent-Type: text/plain; charset=utf-8\n\nRetry in 60 seconds if you can.\nOr not.", false},
	{"HTTP/1.1 200 OK\nContent-Type: application/x-unknown\n\nbinary", false},
	{"HTTP/1.1 200 OK\n\nno content type", false},
	{"HTTP/2 204\n", true},
	{"HTTP/1.1 208 Already Reported", true},
	{"HTTP/1.1 2000 Odd\n", true},
	{"HTTP/3 103 Early Hints\nLink: </style.css>; rel=preload\n  continued value\n\t tabbed\nX-Blank:   \nX-One: \n", true},
	{"HTTP/1.1 200 OK\nX:  é ü\nContent-type : text/plain\n\n", true},
	{"HTTP/1.1 200 OK\nContent-Type:;x\n\nbody", false},
	{"HTTP/1.1 200 OK\n\n", true},
	{"GET /a\nb HTTP/1.1\n", true},
	{"HTTP/1.2 200 OK\n", false},         // chroma marks the start an error
	{"GET /x\n", false},                  // likewise
	{"  HTTP/1.1 200 OK\n", false},       // likewise
	{"HTTP/1.1 200 OK\nBroken\n", false}, // a header line chroma cannot match
	{"HTTP/1.1 200 OK\nX:\n", false},
	{"HTTP/1.1 200 OK\r\nX: y\r\n", false},
	{"HTTP/1.1 200 OK\nNäme: y\n", false},
	{"", false},
}

// checkMessage checks tokeniseHTTP on a whole message: the fast way equals
// the chroma-only way, and both equal chroma's HTTP lexer unless the body
// is text/plain, where they must be plain Text instead of chroma's Nu shell
// highlighting, or chroma marks the head as an error (a method it does not
// know), where chroma gives up on the body too.
func checkMessage(t testing.TB, name, code string) {
	t.Helper()
	http := lexers.Get("http")
	fast, _, err1 := tokeniseHTTP(http, code, true)
	slow, _, err2 := tokeniseHTTP(http, code, false)
	if err1 != nil || err2 != nil {
		t.Fatalf("%s: %v, %v", name, err1, err2)
	}
	if !slices.Equal(fast, slow) {
		t.Fatalf("%s: fast and chroma-only tokens differ for %q\nfast: %v\nslow: %v", name, code, fast, slow)
	}
	head, body, _ := strings.Cut(chromaText(code), "\n\n")
	headTokens := chromaRef(t, "http", head+"\n\n")
	if body != "" && slices.ContainsFunc(headTokens, func(t chroma.Token) bool { return t.Type == chroma.Error }) {
		return // chroma cannot read the head; the body is lexed on its own
	}
	if body != "" && httpContentType(headTokens) == "text/plain" {
		n := 0
		for n < len(fast) && len(strings.Join(tokenValues(fast[:n]), "")) < len(head)+2 {
			n++
		}
		for _, tok := range fast[n:] {
			if tok.Type != chroma.Text {
				t.Errorf("%s: text/plain body token %v %q is not plain text", name, tok.Type, tok.Value)
			}
		}
		return
	}
	want := chromaRef(t, "http", code)
	if method := extensionMethod(code); method != "" {
		// Read as if the method were GET; chroma marks the whole head
		// as an error.
		if want = chromaRef(t, "http", "GET"+code[len(method):]); want[0].Value == "GET" {
			want[0].Value = method
		} else {
			want = chromaRef(t, "http", code)
		}
	}
	if !slices.Equal(fast, want) {
		t.Fatalf("%s: tokeniseHTTP differs from chroma for %q\ngot:    %v\nchroma: %v", name, code, fast, want)
	}
}

func tokenValues(tokens []chroma.Token) []string {
	var out []string
	for _, t := range tokens {
		out = append(out, t.Value)
	}
	return out
}

func TestLexHTTPMatchesChroma(t *testing.T) {
	t.Parallel()
	for _, c := range lexHTTPCases {
		if ok := checkLexHTTP(t, "case", c.code); ok != c.accept {
			t.Errorf("lexHTTP(%q) accepted = %v, want %v", c.code, ok, c.accept)
		}
		checkMessage(t, "case", c.code)
	}
	// Every http example of the shipped content, message by message as
	// highlight splits them: lexHTTP must take each head, except where
	// chroma itself marks an error (methods it does not know, such as
	// WebDAV's).
	var blocks, messages, declined int
	for _, b := range shippedBlocks(t, "http") {
		blocks++
		for _, msg := range splitHTTPMessages(b.code) {
			messages++
			checkMessage(t, b.file, msg)
			head := msg
			if i := strings.Index(msg, "\n\n"); i >= 0 {
				head = msg[:i+2]
			}
			if !checkLexHTTP(t, b.file, head) {
				declined++
				if !slices.ContainsFunc(chromaRef(t, "http", head), func(t chroma.Token) bool { return t.Type == chroma.Error }) {
					t.Errorf("%s: lexHTTP gave up on a head chroma lexes cleanly:\n%s", b.file, head)
				}
			}
		}
	}
	if blocks < 80 {
		t.Errorf("found only %d http blocks in the content", blocks)
	}
	t.Logf("%d http blocks, %d messages: %d heads lexed by lexHTTP, equal to chroma; %d left to chroma", blocks, messages, messages-declined, declined)
}

// TestPlainTextBodies checks that a text/plain body is shown as plain text
// on a built page, not as chroma's Nu shell highlighting (429's example:
// "Rate limit of 60 requests per minute exceeded.").
func TestPlainTextBodies(t *testing.T) {
	t.Parallel()
	code := "HTTP/1.1 429 Too Many Requests\nContent-Type: text/plain\n\nRate limit of 60 requests per minute exceeded.\n"
	html, _ := highlightUncached("http", code)
	got := string(html)
	if !strings.HasSuffix(got, "\n\nRate limit of 60 requests per minute exceeded.\n</code></pre>\n") {
		t.Errorf("text/plain body is not plain text:\n%s", got)
	}
}

// TestNoErrorHighlighting checks that no example of the shipped content is
// highlighted with chroma's error class, which the stylesheet shows as
// white on dark red: a WebDAV request (COPY, PROPFIND), or a response
// written right after a request's body, once came out that way on 15
// pages.
// It switches the fast lexers off and on, so it does not run in parallel.
func TestNoErrorHighlighting(t *testing.T) {
	blocks := shippedBlocks(t, "http", "go", "json", "xml", "html", "sh", "nginx")
	for _, b := range blocks {
		for _, fast := range []bool{true, false} {
			useFastLexers.Store(fast)
			html, _ := highlightUncached(b.lang, b.code)
			useFastLexers.Store(true)
			if i := strings.Index(string(html), `class="err"`); i >= 0 {
				t.Errorf("%s: a %s block has an error token (fast lexers %v) at %q", b.file, b.lang, fast, string(html[i:min(len(html), i+80)]))
			}
		}
	}
	if len(blocks) < 80 {
		t.Errorf("checked only %d blocks", len(blocks))
	}
}

// exampleBlock is a fenced code block of the shipped content.
type exampleBlock struct{ file, lang, code string }

// shippedBlocks returns the fenced blocks of the shipped content in the
// given languages, in file order.
func shippedBlocks(t testing.TB, langs ...string) []exampleBlock {
	t.Helper()
	var out []exampleBlock
	err := fs.WalkDir(os.DirFS("content"), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(name, ".md") {
			return err
		}
		data, err := fs.ReadFile(os.DirFS("content"), name)
		for _, lang := range langs {
			for _, code := range fencedBlocks(string(data), lang) {
				out = append(out, exampleBlock{name, lang, code})
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// fencedBlocks returns the code of the ```lang blocks of a Markdown page.
func fencedBlocks(md, lang string) []string {
	var out []string
	for {
		i := strings.Index(md, "```"+lang+"\n")
		if i < 0 {
			return out
		}
		md = md[i+len(lang)+4:]
		j := strings.Index(md, "\n```")
		if j < 0 {
			return out
		}
		out = append(out, md[:j+1])
		md = md[j+4:]
	}
}

func FuzzLexHTTP(f *testing.F) {
	for _, c := range lexHTTPCases {
		f.Add(c.code)
	}
	f.Fuzz(func(t *testing.T, code string) {
		if len(code) > 300 {
			return
		}
		checkLexHTTP(t, "fuzz", code)
		checkMessage(t, "fuzz", code)
	})
}

func TestSplitHTTPMessages(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		code string
		want []string
	}{
		{"GET / HTTP/1.1\nHost: a\n\nHTTP/1.1 200 OK\n\nbody\n", []string{"GET / HTTP/1.1\nHost: a\n\n", "HTTP/1.1 200 OK\n\nbody\n"}},
		{"GET / HTTP/1.1\n\nHTTP/2 204\n", []string{"GET / HTTP/1.1\n\n", "HTTP/2 204\n"}},
		{"HTTP/1.1 103 Early Hints\nLink: x\n\nHTTP/1.1 200 OK\n", []string{"HTTP/1.1 103 Early Hints\nLink: x\n\n", "HTTP/1.1 200 OK\n"}},
		// A body that starts with "HTTP/" is not a new message.
		{"HTTP/1.1 505 HTTP Version Not Supported\n\nHTTP/2.0 is not supported.\n", []string{"HTTP/1.1 505 HTTP Version Not Supported\n\nHTTP/2.0 is not supported.\n"}},
		{"HTTP/1.1 200 OK\n\nHTTP/1.1 2000\n", []string{"HTTP/1.1 200 OK\n\nHTTP/1.1 2000\n"}},
		{"HTTP/1.1 200 OK\nHTTP/1.1 200 OK\n", []string{"HTTP/1.1 200 OK\nHTTP/1.1 200 OK\n"}}, // no blank line
		// A request's body, then the response with no blank line between.
		{"POST /a HTTP/1.1\nContent-Type: application/json\n\n{\"a\":1}\nHTTP/1.1 201 Created\n\n{}\n",
			[]string{"POST /a HTTP/1.1\nContent-Type: application/json\n\n{\"a\":1}\n", "HTTP/1.1 201 Created\n\n{}\n"}},
		{"PUT /a HTTP/1.1\n\nline 1\nline 2\nHTTP/1.1 204 No Content\n", []string{"PUT /a HTTP/1.1\n\nline 1\nline 2\n", "HTTP/1.1 204 No Content\n"}},
		// Not in a head, nor in a response's body.
		{"POST /a HTTP/1.1\nHTTP/1.1 200 OK\n", []string{"POST /a HTTP/1.1\nHTTP/1.1 200 OK\n"}},
		{"HTTP/1.1 200 OK\n\nquoted:\nHTTP/1.1 404 Not Found\n", []string{"HTTP/1.1 200 OK\n\nquoted:\nHTTP/1.1 404 Not Found\n"}},
	} {
		if got := splitHTTPMessages(c.code); !slices.Equal(got, c.want) {
			t.Errorf("splitHTTPMessages(%q) = %q, want %q", c.code, got, c.want)
		}
	}
}

// TestFormatTokensMatchesChroma compares formatTokens with chroma's own
// formatter on the tokens of every http example, the Go cases, and tokens
// made to hold what must be escaped, span lines, or have no class.
func TestFormatTokensMatchesChroma(t *testing.T) {
	t.Parallel()
	var lists [][]chroma.Token
	for _, c := range lexGoCases {
		if tokens, ok := lexGo(c.code); ok {
			lists = append(lists, tokens)
		}
	}
	for _, b := range shippedBlocks(t, "http") {
		for _, msg := range splitHTTPMessages(b.code) {
			it, _ := chroma.Coalesce(lexers.Get("http")).Tokenise(nil, msg)
			lists = append(lists, it.Tokens())
		}
	}
	lists = append(lists, []chroma.Token{
		{Type: chroma.LiteralString, Value: "\"<a href='x'>&amp;</a>\"\n"},
		{Type: chroma.Text, Value: "plain\n\nlines\n"},
		{Type: chroma.Comment, Value: "/* one\ntwo\n*/"},
		{Type: chroma.Error, Value: "#"},
		{Type: chroma.Background, Value: "bg"},
		{Type: chroma.TokenType(9999), Value: "unknown type"},
		{Type: chroma.NameBuiltinPseudo, Value: "self"},
		{Type: chroma.LiteralStringAffix, Value: "\n"},
	})
	for _, tokens := range lists {
		var got, want bytes.Buffer
		if err := formatTokens(&got, tokens); err != nil {
			t.Fatal(err)
		}
		if err := chromaFormatter.Format(&want, classStyle, chroma.Literator(tokens...)); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("formatTokens(%v):\n%s\nchroma:\n%s", tokens, got.String(), want.String())
		}
	}
	if len(lists) < 150 {
		t.Errorf("compared only %d token lists", len(lists))
	}
}

// TestHighlightVersion guards the disk cache: it hashes the highlighting of
// every example of the shipped content, and fails when that output changes
// while highlightVersion, which keys the cache, stays the same (old entries
// would then be served). After a deliberate change: bump highlightVersion,
// then run go test -run TestHighlightVersion -update.
func TestHighlightVersion(t *testing.T) {
	h := sha256.New()
	for _, b := range shippedBlocks(t, "http", "go", "json", "xml", "html") {
		html, _ := highlightUncached(b.lang, b.code)
		h.Write(html)
	}
	got := highlightVersion + "\n" + hex.EncodeToString(h.Sum(nil)) + "\n"
	file := filepath.Join("testdata", "highlight-version.txt")
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	wantVersion, _, _ := strings.Cut(string(want), "\n")
	switch {
	case string(want) == got:
	case wantVersion == highlightVersion:
		t.Errorf("highlighted output changed but highlightVersion did not: bump it (old disk caches would serve stale blocks), then run with -update")
	default:
		t.Errorf("highlightVersion changed: run go test -run TestHighlightVersion -update")
	}
}
