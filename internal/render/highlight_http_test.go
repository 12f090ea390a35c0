package render

import (
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/statusdocs/statusdocs/internal/testenv"
)

// httpCases are message heads and whole messages, odd ones included.
var httpCases = []string{
	"GET /index.html HTTP/1.1\nHost: example.org\n",
	"POST  /form  HTTP/2\nContent-Type: application/x-www-form-urlencoded\n\na=1&b=2",
	"DELETE /x HTTP/1.0",
	"HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: 9\n\n{\"a\": 1}\n",
	"HTTP/1.1 422 Unprocessable Content\nContent-Type: application/problem+json\n\n{\"title\": \"x\"}",
	"HTTP/1.1 200 OK\nContent-Type: text/html; charset=utf-8\n\n<p>hi</p>\n",
	"HTTP/1.1 200 OK\nContent-Type: text/plain; charset=utf-8\n\nRetry in 60 seconds if you can.\nOr not.",
	"HTTP/1.1 200 OK\nContent-Type: application/x-unknown\n\nbinary",
	"HTTP/1.1 200 OK\n\nno content type",
	"HTTP/2 204\n",
	"HTTP/3 103 Early Hints\nLink: </style.css>; rel=preload\n  continued value\n\t tabbed\nX-Blank:   \nX-One: \n",
	"HTTP/1.1 200 OK\nContent-Type:;x\n\nbody",
	"PROPFIND /dav/ HTTP/1.1\nDepth: 1\nContent-Type: application/xml\n\n<propfind xmlns=\"DAV:\"/>\n",
	"COPY /a HTTP/1.1\nDestination: /b\n",
	"PURGE /x HTTP/1.1\n",
	"BREW /pot HTTP/1.1\n\n",
	"HTTP/1.2 200 OK\n",
	"GET /x\n",
	"HTTP/1.1 200 OK\r\nX: y\r\n\r\nbody\r\n",
	"HTTP/1.1 200 OK\nNäme: y\n\n\xffbad",
	"",
}

func chromaRef(t testing.TB, code string) []chroma.Token {
	t.Helper()
	tokens, err := chromaTokens(lexers.Get("http"), code)
	if err != nil {
		t.Fatal(err)
	}
	return tokens
}

// checkMessage checks httpTokens on one message: its tokens are chroma's
// HTTP lexer's, but for the three things it changes. A text/plain body is
// plain Text instead of chroma's Nu shell highlighting; an extension
// method is read as if it were GET, where chroma marks the head an error;
// and where chroma cannot read the head at all, the body is lexed on its
// own.
func checkMessage(t testing.TB, name, code string) {
	t.Helper()
	got, err := httpTokens(code)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if text := chromaText(code); strings.Join(tokenValues(got), "") != text {
		t.Fatalf("%s: tokens of %q do not add up to it: %q", name, code, tokenValues(got))
	}
	head, body, _ := strings.Cut(chromaText(code), "\n\n")
	headTokens := chromaRef(t, head+"\n\n")
	if method := extensionMethod(code); method != "" {
		want := chromaRef(t, "GET"+code[len(method):])
		if want[0].Value == "GET" {
			want[0].Value = method
			if body != "" && httpContentType(want) == "text/plain" {
				return
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s: %s request differs from chroma's GET:\ngot:    %v\nchroma: %v", name, method, got, want)
			}
			return
		}
	}
	if body != "" && slices.ContainsFunc(headTokens, func(t chroma.Token) bool { return t.Type == chroma.Error }) {
		return // chroma cannot read the head; the body is lexed on its own
	}
	if body != "" && httpContentType(headTokens) == "text/plain" {
		n := 0
		for n < len(got) && len(strings.Join(tokenValues(got[:n]), "")) < len(head)+2 {
			n++
		}
		for _, tok := range got[n:] {
			if tok.Type != chroma.Text {
				t.Errorf("%s: text/plain body token %v %q is not plain text", name, tok.Type, tok.Value)
			}
		}
		return
	}
	if want := chromaRef(t, code); !slices.Equal(got, want) {
		t.Fatalf("%s: httpTokens differs from chroma for %q\ngot:    %v\nchroma: %v", name, code, got, want)
	}
}

func tokenValues(tokens []chroma.Token) []string {
	var out []string
	for _, t := range tokens {
		out = append(out, t.Value)
	}
	return out
}

// TestHTTPTokens holds the HTTP layer to chroma's HTTP lexer (see
// checkMessage) on the cases and on every message of every http example
// of the shipped content.
func TestHTTPTokens(t *testing.T) {
	t.Parallel()
	for _, c := range httpCases {
		checkMessage(t, "case", c)
	}
	blocks, messages := 0, 0
	for _, b := range shippedBlocks(t, "http") {
		blocks++
		for _, msg := range splitHTTPMessages(b.code) {
			messages++
			checkMessage(t, b.file, msg)
		}
	}
	if blocks < 80 || messages < blocks {
		t.Errorf("found only %d http blocks (%d messages) in the content", blocks, messages)
	}
}

func FuzzHTTPTokens(f *testing.F) {
	for _, c := range httpCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, code string) {
		if len(code) > 300 {
			return
		}
		checkMessage(t, "fuzz", code)
	})
}

// TestPlainTextBodies checks that a text/plain body is shown as plain text,
// not as chroma's Nu shell highlighting (429's example: "Rate limit of 60
// requests per minute exceeded.").
func TestPlainTextBodies(t *testing.T) {
	t.Parallel()
	code := "HTTP/1.1 429 Too Many Requests\nContent-Type: text/plain\n\nRate limit of 60 requests per minute exceeded.\n"
	html, _ := highlight("http", code)
	if got := string(html); !strings.HasSuffix(got, "\n\nRate limit of 60 requests per minute exceeded.\n</code></pre>\n") {
		t.Errorf("text/plain body is not plain text:\n%s", got)
	}
}

// TestNoErrorHighlighting checks that no example of the shipped content is
// highlighted with chroma's error class, which the stylesheet shows as
// white on dark red: a WebDAV request (COPY, PROPFIND), or a response
// written right after a request's body, once came out that way on 15
// pages.
func TestNoErrorHighlighting(t *testing.T) {
	t.Parallel()
	blocks := shippedBlocks(t, "http", "go", "json", "xml", "html", "sh", "nginx")
	for _, b := range blocks {
		html, _ := highlight(b.lang, b.code)
		if i := strings.Index(string(html), `class="err"`); i >= 0 {
			t.Errorf("%s: a %s block has an error token at %q", b.file, b.lang, string(html[i:min(len(html), i+80)]))
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
	fsys := os.DirFS(testenv.Repo(t, "content"))
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(name, ".md") {
			return err
		}
		data, err := fs.ReadFile(fsys, name)
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

// BenchmarkHighlight measures one block of each kind the examples have,
// lexed by chroma, and one answered from the memory cache.
func BenchmarkHighlight(b *testing.B) {
	blocks := map[string][2]string{
		"http":      {"http", "HTTP/1.1 200 OK\nContent-Type: text/html; charset=utf-8\nContent-Length: 1042\nCache-Control: max-age=60\nETag: \"page-1\"\nVary: Accept-Encoding\nDate: Tue, 01 Jul 2025 12:00:00 GMT\nServer: synthetic/1\n"},
		"http+json": {"http", "HTTP/1.1 422 Unprocessable Content\nContent-Type: application/problem+json\n\n{\"type\": \"https://example.org/probs/x\", \"title\": \"Invalid\", \"status\": 422}\n"},
		"go":        {"go", "package main\n\nimport \"net/http\"\n\n// handler1 answers page 1.\nfunc handler1(w http.ResponseWriter, r *http.Request) {\n\tw.Header().Set(\"ETag\", `\"page-1\"`)\n\tw.WriteHeader(http.StatusOK)\n\tw.Write([]byte(\"page 1\"))\n}\n"},
	}
	for name, blk := range blocks {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				highlight(blk[0], blk[1])
			}
		})
	}
	b.Run("cached", func(b *testing.B) {
		h := NewHighlighter(HighlightOptions{})
		h.Highlight("go", blocks["go"][1])
		for b.Loop() {
			h.Highlight("go", blocks["go"][1])
		}
	})
}
