package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/statusdocs/statusdocs/internal/content"
	"github.com/statusdocs/statusdocs/internal/site"
)

// ianaRegistry is this test's own copy of the IANA HTTP Status Code
// Registry (https://www.iana.org/assignments/http-status-codes/): every
// assigned code and its reason phrase.
var ianaRegistry = map[int]string{
	100: "Continue", 101: "Switching Protocols", 102: "Processing", 103: "Early Hints",
	104: "Upload Resumption Supported",
	200: "OK", 201: "Created", 202: "Accepted", 203: "Non-Authoritative Information", 204: "No Content",
	205: "Reset Content", 206: "Partial Content", 207: "Multi-Status", 208: "Already Reported", 226: "IM Used",
	300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
	305: "Use Proxy", 306: "(Unused)", 307: "Temporary Redirect", 308: "Permanent Redirect",
	400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found",
	405: "Method Not Allowed", 406: "Not Acceptable", 407: "Proxy Authentication Required",
	408: "Request Timeout", 409: "Conflict", 410: "Gone", 411: "Length Required", 412: "Precondition Failed",
	413: "Content Too Large", 414: "URI Too Long", 415: "Unsupported Media Type", 416: "Range Not Satisfiable",
	417: "Expectation Failed", 418: "(Unused)", 421: "Misdirected Request", 422: "Unprocessable Content",
	423: "Locked", 424: "Failed Dependency", 425: "Too Early", 426: "Upgrade Required",
	428: "Precondition Required", 429: "Too Many Requests", 431: "Request Header Fields Too Large",
	451: "Unavailable For Legal Reasons",
	500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
	504: "Gateway Timeout", 505: "HTTP Version Not Supported", 506: "Variant Also Negotiates",
	507: "Insufficient Storage", 508: "Loop Detected", 510: "Not Extended", 511: "Network Authentication Required",
}

// registryStatus is the status a registered code's page must have where it
// is not "standard".
var registryStatus = map[int]string{
	102: "deprecated", 104: "temporary", 305: "deprecated", 306: "reserved", 418: "reserved", 510: "obsolete",
}

// shippedSite loads the repository's content, every body rendered.
func shippedSite(t *testing.T) *content.Site {
	t.Helper()
	s, err := site.LoadSite(context.Background(), shippedConfig(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRegistryCoverage checks every registered code has a page whose title
// is the registry's reason phrase (418 keeps "I'm a teapot" and says the
// registry lists it as unused), with the right status; and every other page
// is marked unofficial.
func TestRegistryCoverage(t *testing.T) {
	t.Parallel()
	site := shippedSite(t)
	for code, phrase := range ianaRegistry {
		p := site.Code(code)
		if p == nil {
			t.Errorf("registered code %d %s has no page", code, phrase)
			continue
		}
		wantTitle := phrase
		if code == 418 {
			wantTitle = "I'm a teapot"
			if !strings.Contains(p.Text, "(Unused)") {
				t.Errorf("418 does not say the registry lists it as (Unused)")
			}
		}
		if p.Title != wantTitle {
			t.Errorf("%d title = %q, want %q", code, p.Title, wantTitle)
		}
		want := registryStatus[code]
		if want == "" {
			want = "standard"
		}
		if p.Status != want {
			t.Errorf("%d status = %q, want %q", code, p.Status, want)
		}
	}
	for _, p := range site.Codes {
		if _, ok := ianaRegistry[p.Code]; !ok && p.Status != "unofficial" {
			t.Errorf("%d %s is not in the registry but has status %q, want unofficial", p.Code, p.Title, p.Status)
		}
	}
	// The seed's extra codes and the unofficial codes readers meet.
	for _, code := range []int{419, 420, 440, 444, 449, 494, 495, 496, 497, 498, 499, 509, 520, 521, 522, 523, 524, 525, 526, 530} {
		if site.Code(code) == nil {
			t.Errorf("unofficial code %d has no page", code)
		}
	}
}

// TestGoStatusText cross-checks Go's net/http: every code it knows has a
// page. Its names for 413, 414, 416 and 422 are the pre-RFC 9110 ones, so
// they must be a former name of the page instead of its title.
func TestGoStatusText(t *testing.T) {
	t.Parallel()
	site := shippedSite(t)
	renamed := map[int]bool{413: true, 414: true, 416: true, 422: true}
	for code := 100; code < 600; code++ {
		text := http.StatusText(code)
		if text == "" {
			continue
		}
		p := site.Code(code)
		if p == nil {
			t.Errorf("Go knows %d %q; no page", code, text)
			continue
		}
		switch {
		case renamed[code]:
			if !slices.Contains(p.Former, text) {
				t.Errorf("%d: Go's name %q is not among the former names %q", code, text, p.Former)
			}
		case code == 306 || code == 418:
			// (Unused) in the registry; Go says "Switch Proxy"/"I'm a teapot".
			if p.Title != text && !slices.Contains(p.Former, text) {
				t.Errorf("%d: Go's name %q is neither title nor former name", code, text)
			}
		case !strings.EqualFold(p.Title, text):
			t.Errorf("%d: title %q, Go says %q", code, p.Title, text)
		}
	}
}

var httpFence = regexp.MustCompile("(?s)```http\n(.*?)```")

// TestHTTPExamples parses every ```http example with net/http: an optional
// request, then a response whose status is the page's code (1xx interim
// responses may come first on other pages, but the first response is this
// page's). After the last message only white space may remain.
func TestHTTPExamples(t *testing.T) {
	t.Parallel()
	names, err := content.List(os.DirFS("content"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		p, err := content.Classify(name, name)
		if err != nil || p.Kind != content.KindCode {
			continue
		}
		src, _ := os.ReadFile("content/" + name)
		blocks := httpFence.FindAllSubmatch(src, -1)
		if len(blocks) == 0 {
			t.Errorf("%s: no ```http example", name)
		}
		for _, b := range blocks {
			if err := checkExchange(string(b[1]), p.Code); err != nil {
				t.Errorf("%s: example: %v", name, err)
			}
		}
	}
}

func checkExchange(text string, code int) error {
	r := bufio.NewReader(strings.NewReader(text))
	if !strings.HasPrefix(text, "HTTP/") {
		req, err := http.ReadRequest(r)
		if err != nil {
			return err
		}
		if _, err := io.Copy(io.Discard, req.Body); err != nil {
			return err
		}
	}
	first := true
	for {
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			return err
		}
		if first && resp.StatusCode != code {
			return fmt.Errorf("first response has status %d, want %d", resp.StatusCode, code)
		}
		if resp.ProtoMajor != 1 || resp.ProtoMinor != 1 {
			return fmt.Errorf("response is %s, want HTTP/1.1", resp.Proto)
		}
		first = false
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return err
		}
		rest, _ := r.Peek(r.Buffered())
		if strings.TrimSpace(string(rest)) == "" {
			return nil
		}
		if !strings.HasPrefix(strings.TrimLeft(string(rest), "\r\n"), "HTTP/") {
			return fmt.Errorf("%q left after the response (is Content-Length right?)", rest)
		}
		if resp.StatusCode >= 200 {
			// A body read by length leaves the next message; skip blank lines.
			for {
				b, _ := r.Peek(1)
				if len(b) == 0 || (b[0] != '\n' && b[0] != '\r') {
					break
				}
				r.ReadByte()
			}
		}
	}
}

// TestPageFacts checks, for every code page: related codes have pages;
// registered codes cite an https spec URL with a section anchor; unofficial
// pages name their source and say plainly they are not standard; summaries
// are one short sentence; 4xx and 5xx pages have a two-part How to fix.
func TestPageFacts(t *testing.T) {
	t.Parallel()
	site := shippedSite(t)
	for _, p := range site.Codes {
		if len(p.Summary) >= 160 {
			t.Errorf("%d: summary is %d characters, want under 160", p.Code, len(p.Summary))
		}
		if len(p.Spec) == 0 {
			t.Errorf("%d: no spec (for unofficial codes: who uses it)", p.Code)
		}
		for _, s := range p.Spec {
			u, err := url.Parse(s.URL)
			if err != nil || u.Scheme != "https" {
				t.Errorf("%d: spec URL %q is not https", p.Code, s.URL)
			}
			if _, registered := ianaRegistry[p.Code]; registered && p.Spec[0] == s && u.Fragment == "" {
				t.Errorf("%d: spec URL %q has no section anchor", p.Code, s.URL)
			}
		}
		if p.Status == "unofficial" {
			first := strings.ToLower(firstParagraph(p.Body))
			if !strings.Contains(first, "not") || !(strings.Contains(first, "standard") || strings.Contains(first, "registered") || strings.Contains(first, "official")) {
				t.Errorf("%d: first paragraph does not say plainly it is not a standard code: %q", p.Code, first)
			}
		}
		if p.Class >= 4 {
			var fix, visitor, operator bool
			for _, h := range p.Headings {
				fix = fix || (h.Level == 2 && h.Text == "How to fix")
				visitor = visitor || (h.Level == 3 && strings.HasPrefix(h.Text, "If you are a visitor"))
				operator = operator || (h.Level == 3 && strings.HasPrefix(h.Text, "If you run the server"))
			}
			if p.Status != "unofficial" && !(fix && visitor && operator) {
				t.Errorf("%d: How to fix needs its two parts (got fix=%v visitor=%v operator=%v)", p.Code, fix, visitor, operator)
			}
		}
		for _, f := range p.Former {
			if !strings.Contains(p.Text, f) {
				t.Errorf("%d: former name %q is not mentioned in the text", p.Code, f)
			}
		}
	}
}

// firstParagraph returns the text of the first <p> of rendered HTML.
func firstParagraph(body []byte) string {
	s := string(body)
	i := strings.Index(s, "<p>")
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], "</p>")
	if j < 0 {
		return s[i:]
	}
	return s[i+3 : i+j]
}
