package main

import (
	"bytes"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// checkLexHTTP fails when lexHTTP accepts code but disagrees with chroma,
// and reports whether lexHTTP accepted it.
func checkLexHTTP(t testing.TB, name, code string) bool {
	t.Helper()
	got, ok := lexHTTP(code)
	if !ok {
		return false
	}
	it, err := chroma.Coalesce(lexers.Get("http")).Tokenise(nil, code)
	if err != nil {
		t.Fatal(err)
	}
	if want := it.Tokens(); !slices.Equal(got, want) {
		t.Fatalf("%s: lexHTTP differs from chroma for %q\nlexHTTP: %v\nchroma:  %v", name, code, got, want)
	}
	return true
}

var lexHTTPCases = []struct {
	code   string
	accept bool
}{
	{"GET /index.html HTTP/1.1\nHost: example.org\n", true},
	{"POST  /form  HTTP/2\nContent-Type: application/x-www-form-urlencoded\n\na=1&b=2", true},
	{"DELETE /x HTTP/1.0", true},
	{"HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: 9\n\n{\"a\": 1}\n", true},
	{"HTTP/1.1 422 Unprocessable Content\nContent-Type: application/problem+json\n\n{\"title\": \"x\"}", true},
	{"HTTP/1.1 200 OK\nContent-Type: text/html; charset=utf-8\n\n<p>hi</p>\n", true},
	{"HTTP/1.1 200 OK\nContent-Type: application/x-unknown\n\nbinary", true},
	{"HTTP/1.1 200 OK\n\nno content type", true},
	{"HTTP/2 204\n", true},
	{"HTTP/1.1 208 Already Reported", true},
	{"HTTP/1.1 2000 Odd\n", true},
	{"HTTP/3 103 Early Hints\nLink: </style.css>; rel=preload\n  continued value\n\t tabbed\nX-Blank:   \nX-One: \n", true},
	{"HTTP/1.1 200 OK\nX:  é ü\nContent-type : text/plain\n\nbody", true},
	{"HTTP/1.1 200 OK\nContent-Type:;x\n\nbody", true},
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

func TestLexHTTPMatchesChroma(t *testing.T) {
	t.Parallel()
	for _, c := range lexHTTPCases {
		if ok := checkLexHTTP(t, "case", c.code); ok != c.accept {
			t.Errorf("lexHTTP(%q) accepted = %v, want %v", c.code, ok, c.accept)
		}
	}
	// Every http example of the shipped content, message by message as
	// highlight splits them: lexHTTP must take each, except where chroma
	// itself marks an error (methods it does not know, such as WebDAV's).
	var blocks, messages, declined int
	fs.WalkDir(os.DirFS("content"), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(name, ".md") {
			return err
		}
		data, _ := fs.ReadFile(os.DirFS("content"), name)
		for _, block := range fencedBlocks(string(data), "http") {
			blocks++
			for _, msg := range splitHTTPMessages(block) {
				messages++
				if !checkLexHTTP(t, name, msg) {
					declined++
					it, _ := chroma.Coalesce(lexers.Get("http")).Tokenise(nil, msg)
					if !slices.ContainsFunc(it.Tokens(), func(t chroma.Token) bool { return t.Type == chroma.Error }) {
						t.Errorf("%s: lexHTTP gave up on a message chroma lexes cleanly:\n%s", name, msg)
					}
				}
			}
		}
		return nil
	})
	if blocks < 80 {
		t.Errorf("found only %d http blocks in the content", blocks)
	}
	t.Logf("%d http blocks, %d messages: %d lexed by lexHTTP, equal to chroma; %d left to chroma", blocks, messages, messages-declined, declined)
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
	fs.WalkDir(os.DirFS("content"), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(name, ".md") {
			return err
		}
		data, _ := fs.ReadFile(os.DirFS("content"), name)
		for _, block := range fencedBlocks(string(data), "http") {
			for _, msg := range splitHTTPMessages(block) {
				it, _ := chroma.Coalesce(lexers.Get("http")).Tokenise(nil, msg)
				lists = append(lists, it.Tokens())
			}
		}
		return nil
	})
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
