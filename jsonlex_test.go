package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// jsonRef returns the tokens of chroma's own JSON lexer, uncoalesced, as
// the HTTP lexer takes them for a body.
func jsonRef(t testing.TB, body string) []chroma.Token {
	t.Helper()
	it, err := lexers.Get("json").Tokenise(nil, body)
	if err != nil {
		t.Fatal(err)
	}
	return it.Tokens()
}

// checkLexJSON fails when lexJSON accepts body but disagrees with chroma,
// and reports whether it accepted.
func checkLexJSON(t testing.TB, name, body string) bool {
	t.Helper()
	got, ok := lexJSON(body)
	if !ok {
		return false
	}
	if want := jsonRef(t, body); !slices.Equal(got, want) {
		t.Fatalf("%s: lexJSON(%q)\ngot:    %v\nchroma: %v", name, body, got, want)
	}
	return true
}

var lexJSONCases = []struct {
	body   string
	accept bool
}{
	{`{"type": "about:blank", "status": 404, "title": "Not Found"}` + "\n", true},
	{"{\n  \"a\": [1, -2, 3.5, 0.25e-3, 6E+2, 7e9, true, false, null],\n  \"b\": {\"c\": {}}, \"d\": []\n}\n", true},
	{`"just a string"`, true},
	{`[{"a": 1}, {"b": [2, {"c": "\"quoted\" \\ back\slash"}]}]`, true},
	{`{"é": "naïve – ünïcode ✓"}`, true},
	{"// a comment\n{\"a\": 1 // another\n}\n", true},
	{"{\"a\":1,\"b\":2}", true},
	{"\t\v\f\n[1]\n", true},
	{"[1]\r\n", false}, // chroma turns CR LF into LF first
	{"012", true},      // the integer 0, then 12
	{"1.5e", false},    // 1.5, then a stray e: chroma's error
	{"-", false},       // no digits
	{`{"a": "unclosed}`, false},
	{`"a\"`, false}, // backtracking would find "a\" closed
	{"// no newline", false},
	{"{'a': 1}", false}, // single quotes
	{"trueish", false},  // no word boundary after true
	{"true_", false},
	{"[1, 2] ]", false}, // a ] with nothing open
	{"{\"a\" 1}", true}, // no colon: chroma lexes it all the same
	{"{\"a\": 1}}", false},
	{"\u00a0[1]", false}, // non-ASCII white space outside strings
	{"[1]\x1c", false},
	{"[\"\xff\"]", false}, // invalid UTF-8
	{"", true},
}

// TestLexJSONMatchesChroma holds lexJSON to chroma's JSON lexer on hand
// cases and on every JSON body of the shipped examples, which it must all
// take.
func TestLexJSONMatchesChroma(t *testing.T) {
	t.Parallel()
	for _, c := range lexJSONCases {
		if ok := checkLexJSON(t, "case", c.body); ok != c.accept {
			t.Errorf("lexJSON(%q) accepted = %v, want %v", c.body, ok, c.accept)
		}
	}
	var bodies int
	for _, b := range shippedBlocks(t, "http") {
		for _, msg := range splitHTTPMessages(b.code) {
			head, body, ok := strings.Cut(chromaText(msg), "\n\n")
			if !ok || body == "" {
				continue
			}
			tokens, _ := lexHTTP(head + "\n\n")
			if !jsonMIMETypes[httpContentType(tokens)] {
				continue
			}
			bodies++
			if !checkLexJSON(t, b.file, body) {
				t.Errorf("%s: lexJSON gave up on a JSON body:\n%s", b.file, body)
			}
		}
	}
	if bodies < 15 {
		t.Errorf("found only %d JSON bodies in the examples", bodies)
	}
}

// TestJSONMIMETypes checks that chroma's registry gives its JSON lexer for
// every type lexJSON is used for, by the lookup httpBody makes otherwise
// (and which chroma's HTTP lexer makes).
func TestJSONMIMETypes(t *testing.T) {
	t.Parallel()
	for ct := range jsonMIMETypes {
		if lexer := mediaTypeLexer(ct); lexer == nil || lexer.Config().Name != "JSON" {
			t.Errorf("%s: chroma's registry gives %v, not its JSON lexer", ct, lexer)
		}
	}
}

func FuzzLexJSON(f *testing.F) {
	for _, c := range lexJSONCases {
		f.Add(c.body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if len(body) > 300 {
			return
		}
		checkLexJSON(t, "fuzz", body)
	})
}
