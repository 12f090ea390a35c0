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
	"strconv"
	"strings"
	"testing"
	"time"

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
	s, err := site.LoadSite(context.Background(), shippedConfig(t), nil, nil)
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
		if code == 510 && !strings.Contains(p.Text, "Not Extended (OBSOLETED)") {
			t.Errorf("510 does not quote the registry's entry, Not Extended (OBSOLETED)")
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

// codeFence matches any fenced block, to leave examples out of the prose.
var codeFence = regexp.MustCompile("(?ms)^```.*?^```")

// TestHTTPExamples holds every ```http example to the rules in
// CONTRIBUTING.md ("Examples"): an optional request, then responses, the
// first with the page's code; HTTP/1.1 syntax net/http parses; a
// Content-Length that is the body's exact size (the newline ending the
// body's last line is not part of it: it ends the block or comes before
// the blank line that separates the next message); a Date on every final
// response; reason phrases that are the pages' titles (or former names);
// and a request method the page's prose names, unless it is GET or HEAD.
func TestHTTPExamples(t *testing.T) {
	t.Parallel()
	site := shippedSite(t)
	for _, p := range site.Codes {
		src, err := os.ReadFile(p.File)
		if err != nil {
			t.Fatal(err)
		}
		blocks := httpFence.FindAllSubmatch(src, -1)
		if len(blocks) == 0 {
			t.Errorf("%s: no ```http example", p.File)
		}
		prose := codeFence.ReplaceAllString(string(src[p.BodyStart:]), "")
		for _, b := range blocks {
			for _, err := range checkExchange(site, p, string(b[1]), prose) {
				t.Errorf("%s: example: %v", p.File, err)
			}
		}
	}
}

// TestCheckExchange shows checkExchange catches each kind of mistake.
func TestCheckExchange(t *testing.T) {
	t.Parallel()
	site := shippedSite(t)
	p := site.Code(404)
	const date = "Date: Tue, 01 Dec 2026 10:00:00 GMT\n"
	for _, c := range []struct{ text, want string }{
		{"GET / HTTP/1.1\nHost: a\n\nHTTP/1.1 404 Not Found\n" + date + "Content-Length: 2\n\nno\n", ""},
		{"HTTP/1.1 404 Not Found\n" + date + "Content-Length: 3\n\nno\n", "body"},
		{"HTTP/1.1 404 Not Found\n" + date + "Content-Length: 1\n\nno\n", "Content-Length"},
		{"HTTP/1.1 404 Not Found\nContent-Length: 0\n\n", "no Date"},
		{"HTTP/1.1 404 Not Found\nDate: Wed, 01 Dec 2026 10:00:00 GMT\nContent-Length: 0\n\n", "IMF-fixdate"},
		{"HTTP/1.1 404 Missing\n" + date + "Content-Length: 0\n\n", "reason phrase"},
		{"HTTP/1.1 410 Gone\n" + date + "Content-Length: 0\n\n", "status 410"},
		{"BREW / HTTP/1.1\nHost: a\n\nHTTP/1.1 404 Not Found\n" + date + "Content-Length: 0\n\n", "not a registered method"},
		{"GET / HTTP/1.1\nHost: a\nContent-Length: 2\n\nab\nHTTP/1.1 404 Not Found\n" + date + "Content-Length: 0\n\n", "blank line"},
		{"PROPFIND / HTTP/1.1\nHost: a\n\nHTTP/1.1 404 Not Found\n" + date + "Content-Length: 0\n\n", "PROPFIND"},
		{"HTTP/1.1 404 Not Found\n" + date + "\nno\n", "without Content-Length"},
		{"HTTP/1.0 404 Not Found\n" + date + "Content-Length: 0\n\n", "HTTP/1.1"},
	} {
		errs := checkExchange(site, p, c.text, "prose")
		got := fmt.Sprint(errs)
		if c.want == "" && len(errs) > 0 || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("checkExchange(%q) = %s, want %q", c.text, got, c.want)
		}
	}
	// A page whose text says why its example has no Date.
	why := "It is shown without `Date`: it never crosses the network."
	if errs := checkExchange(site, p, "HTTP/1.1 404 Not Found\nContent-Length: 0\n\n", why); len(errs) > 0 {
		t.Errorf("no Date, and the page says why: %v", errs)
	}
}

// methods is the IANA HTTP Method Registry.
var methods = strings.Fields(`ACL BASELINE-CONTROL BIND CHECKIN CHECKOUT CONNECT COPY DELETE GET HEAD LABEL LINK
	LOCK MERGE MKACTIVITY MKCALENDAR MKCOL MKREDIRECTREF MKWORKSPACE MOVE OPTIONS ORDERPATCH PATCH POST PRI
	PROPFIND PROPPATCH PUT QUERY REBIND REPORT SEARCH TRACE UNBIND UNCHECKOUT UNLINK UNLOCK UPDATE
	UPDATEREDIRECTREF VERSION-CONTROL`)

func checkExchange(site *content.Site, p *content.Page, text, prose string) (errs []error) {
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	r := bufio.NewReader(strings.NewReader(text))
	var req *http.Request
	if !strings.HasPrefix(text, "HTTP/") {
		var err error
		if req, err = http.ReadRequest(r); err != nil {
			return append(errs, err)
		}
		named := regexp.MustCompile(`\b` + regexp.QuoteMeta(req.Method) + `\b`).MatchString(prose)
		switch m := req.Method; {
		case !slices.Contains(methods, m) && !named:
			fail("%s is not a registered method, and the page's text does not name it", m)
		case m != "GET" && m != "HEAD" && !named:
			fail("the request uses %s, which the page's text never names", m)
		}
		n, err := io.Copy(io.Discard, req.Body)
		if err != nil {
			return append(errs, err)
		}
		if err := messageEnd(r, n > 0); err != nil {
			return append(errs, err)
		}
	}
	for first := true; ; first = false {
		resp, err := http.ReadResponse(r, req)
		if err != nil {
			return append(errs, err)
		}
		if first && resp.StatusCode != p.Code {
			fail("first response has status %d, want %d", resp.StatusCode, p.Code)
		}
		if resp.Proto != "HTTP/1.1" {
			fail("response is %s, want HTTP/1.1", resp.Proto)
		}
		reason := strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode)+" ")
		if q := site.Code(resp.StatusCode); q == nil {
			fail("status %d has no page", resp.StatusCode)
		} else if reason != q.Title && !slices.Contains(q.Former, reason) && !strings.Contains(prose, resp.Status) {
			fail("status line %q: the reason phrase is neither the title %q, a former name, nor an alternative the page's text quotes", resp.Status, q.Title)
		}
		if resp.StatusCode >= 200 && !noDate.MatchString(prose) {
			checkDate(resp.Header, fail)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		if err != nil {
			return append(errs, err)
		}
		if n > 0 && resp.ContentLength < 0 && len(resp.TransferEncoding) == 0 {
			return append(errs, fmt.Errorf("%d response has a body without Content-Length", resp.StatusCode))
		}
		if err := messageEnd(r, n > 0 && len(resp.TransferEncoding) == 0); err != nil {
			return append(errs, fmt.Errorf("%d response: %w", resp.StatusCode, err))
		}
		if _, err := r.Peek(1); err == io.EOF {
			return errs
		}
	}
}

// messageEnd reads what separates a message from the next one: after a
// body framed by Content-Length, the newline ending its last line, then
// either the end of the block or a blank line. After a message without a
// body, the blank line that ended its header already did.
func messageEnd(r *bufio.Reader, body bool) error {
	rest, _ := r.Peek(r.Buffered())
	if body {
		switch {
		case string(rest) == "\n":
			r.ReadByte()
			return nil
		case strings.HasPrefix(string(rest), "\n\nHTTP/"):
			r.Discard(2)
			return nil
		case len(rest) == 0:
			return fmt.Errorf("Content-Length counts the newline that ends the body's last line; it should not")
		}
		return fmt.Errorf("%q is left after the body: Content-Length is too small, or the next message does not follow one blank line", rest)
	}
	if len(rest) > 0 && !strings.HasPrefix(string(rest), "HTTP/") {
		return fmt.Errorf("%q follows a message without a body: want the next response right after the blank line", rest)
	}
	return nil
}

// noDate is how a page says its example shows no Date, because what it
// shows never crosses the network (nginx's 444 and 499 are log entries;
// 208 is a status line inside a 207's body).
var noDate = regexp.MustCompile("without `Date`")

// checkDate wants a Date header (RFC 9110 section 6.6.1: an origin server
// with a clock sends it; proxies and CDNs add one) written as an
// IMF-fixdate whose weekday is the date's.
func checkDate(h http.Header, fail func(string, ...any)) {
	v := h.Get("Date")
	if v == "" {
		fail("final response has no Date header")
		return
	}
	tm, err := time.Parse(http.TimeFormat, v)
	if err != nil || tm.Format(http.TimeFormat) != v {
		fail("Date %q is not an IMF-fixdate (weekday and date must agree)", v)
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

// TestTableFacts checks the facts that comparison tables show: cacheable
// exactly on the codes RFC 9110, section 15.1 lists as heuristically
// cacheable; redirect facts on the five redirections, as section 15.4
// defines them; and senders on every code page.
func TestTableFacts(t *testing.T) {
	t.Parallel()
	s := shippedSite(t)
	heuristic := []int{200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501}
	redirects := map[int]content.Redirect{
		301: {Permanent: true, Method: "may-change"}, 302: {Permanent: false, Method: "may-change"},
		303: {Permanent: false, Method: "get"}, 307: {Permanent: false, Method: "kept"}, 308: {Permanent: true, Method: "kept"},
	}
	for _, p := range s.Codes {
		if p.Cacheable != slices.Contains(heuristic, p.Code) {
			t.Errorf("%d: cacheable %v; RFC 9110 §15.1 says %v", p.Code, p.Cacheable, !p.Cacheable)
		}
		want, isRedirect := redirects[p.Code]
		switch {
		case isRedirect && (p.Redirect == nil || *p.Redirect != want):
			t.Errorf("%d: redirect %+v, want %+v", p.Code, p.Redirect, want)
		case !isRedirect && p.Redirect != nil:
			t.Errorf("%d: has redirect facts", p.Code)
		}
		if len(p.Senders) == 0 {
			t.Errorf("%s: no senders", p.File)
		}
	}
}
