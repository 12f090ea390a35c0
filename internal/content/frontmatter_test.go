package content

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

// TestSplitFrontMatter checks where front matter ends: between lines that
// are exactly "---", decoded as YAML, with the body starting on the line
// after; a delimiter line with anything after the dashes is refused,
// naming the line. (render's TestBodyAfterFrontMatter renders the bodies.)
func TestSplitFrontMatter(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		src   string
		title string // decoded
		err   string // the decoding's or splitFrontMatter's error
		line  int    // of splitFrontMatter's error, or 0
		body  string // the body, when split
	}{
		{"---\ntitle: OK\nsummary: Fine.\n---\nBODY\n", "OK", "", 0, "BODY\n"},
		{"---\r\ntitle: OK\r\nrelated: [200, 201]\r\n---\r\nBODY\r\n", "OK", "", 0, "BODY\r\n"},
		{"---\n---\nBODY\n", "", "", 0, "BODY\n"},
		{"---\ntitle: [unclosed\n---\nBODY\n", "", "did not find expected", 0, "BODY\n"},
		{"---\ntitle: x\nsummery: typo\n---\nBODY\n", "x", "field summery not found", 0, "BODY\n"},
		{"---\ntitle: x\n---", "x", "", 0, ""},
		{"---\ntitle: x\n---\n---\nBODY\n", "x", "", 0, "---\nBODY\n"}, // a thematic break after the front matter
		{"---\ntitle: x\n--- \nBODY\n", "", `front matter line "--- "`, 3, ""},
		{"---\ntitle: x\n---\t\nBODY\n", "", `front matter line "---\t"`, 3, ""},
		{"----\ntitle: x\n---\nBODY\n----\n", "", `front matter line "----"`, 1, ""},
		{"--- \ntitle: x\n---\nBODY\n", "", `front matter line "--- "`, 1, ""},
		{"# No front matter\n", "", "missing front matter", 1, ""},
		{"---\ntitle: x\nBODY\n", "", "not closed", 1, ""},
		{"---", "", "not closed", 1, ""},
	} {
		src := []byte(c.src)
		raw, bodyStart, line, err := splitFrontMatter(src)
		if err != nil {
			if line != c.line || c.err == "" || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error at line %d: %v; want line %d, %q", c.src, line, err, c.line, c.err)
			}
			continue
		}
		if c.line != 0 {
			t.Errorf("%q: taken, want an error at line %d", c.src, c.line)
			continue
		}
		if body := string(src[bodyStart:]); body != c.body {
			t.Errorf("%q: body %q, want %q", c.src, body, c.body)
		}
		var fm frontMatter
		if err = strictYAML(raw, &fm); err == io.EOF {
			err = nil // no YAML at all, as frontMatterError takes it
		}
		if fm.Title != c.title || (err == nil) != (c.err == "") || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("%q: decoded title %q, error %v; want %q, %q", c.src, fm.Title, err, c.title, c.err)
		}
	}
}

// TestParse checks what Parse makes of a content file's path and front
// matter, and the file:line of its errors.
func TestParse(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, src string
		want      string // "kind URL code class title|status|constants", or the error
	}{
		{"_index.md", "---\ntitle: Home\nsummary: All codes.\n---\n", "home / 0 0 Home||"},
		{"4xx/_index.md", "---\ntitle: Client errors\nsummary: Yours.\n---\n", "class /4xx/ 0 4 Client errors||"},
		{"4xx/404.md", "---\ntitle: Not Found\nsummary: None.\nstatus: standard\nconstants:\n  python: HTTPStatus.NOT_FOUND\n  go: http.StatusNotFound\n---\n",
			"code /404/ 404 4 Not Found|standard|go=http.StatusNotFound python=HTTPStatus.NOT_FOUND"},
		{"guides/x.md", "---\ntitle: X\nsummary: Y.\n---\n", "guide /guides/x/ 0 0 X||"},
		{"guides/_index.md", "---\ntitle: Guides\nsummary: Y.\n---\n", "guides /guides/ 0 0 Guides||"},
		{"4xx/404.md", "---\ntitle: Not Found\nsummary: None.\n---\n", `content/4xx/404.md:1: missing "status" in front matter`},
		{"about.md", "---\ntitle: A\nsummary: B.\nstatus: standard\n---\n", `content/about.md:4: "status" is only allowed on status code pages`},
		{"4xx/404.md", "---\ntitle: N\nsummary: S.\nstatus: standard\n\nheaders: {a: b}\n---\n", `content/4xx/404.md:6: front matter: cannot unmarshal`},
		{"5xx/404.md", "---\n---\n", "content/5xx/404.md: code 404 belongs in 4xx/, not 5xx/"},
		{"4xx/413.md", "---\ntitle: Content Too Large\nsummary: S.\nstatus: standard\nconstants:\n  python: HTTPStatus.CONTENT_TOO_LARGE (3.13+, earlier HTTPStatus.REQUEST_ENTITY_TOO_LARGE)\n  node: Payload Too Large\n  rails: \":content_too_large (Rack 3.1+, earlier :payload_too_large)\"\n  spring: HttpStatus.PAYLOAD_TOO_LARGE (removed in 8.0)\n---\n",
			"code /413/ 413 4 Content Too Large|standard|python=HTTPStatus.CONTENT_TOO_LARGE@3.13<HTTPStatus.REQUEST_ENTITY_TOO_LARGE node=Payload Too Large spring=HttpStatus.PAYLOAD_TOO_LARGE!8.0 rails=:content_too_large@Rack 3.1<:payload_too_large"},
		{"4xx/413.md", "---\ntitle: T\nsummary: S.\nstatus: standard\nconstants:\n  python: HTTPStatus.X (3.13)\n---\n",
			`content/4xx/413.md:6: constants: python: "HTTPStatus.X (3.13)": want an identifier`},
	} {
		p, err := Parse(c.name, "content/"+c.name, []byte(c.src))
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			var consts []string
			for _, k := range p.Constants {
				c := k.Lang + "=" + k.Ident
				if k.Since != "" {
					c += "@" + k.Since
				}
				if k.Earlier != "" {
					c += "<" + k.Earlier
				}
				if k.Removed != "" {
					c += "!" + k.Removed
				}
				consts = append(consts, c)
			}
			got = fmt.Sprintf("%s %s %d %d %s|%s|%s", p.Kind, p.URL, p.Code, p.Class, p.Title, p.Status, strings.Join(consts, " "))
		}
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("Parse(%s) = %q, want %q", c.name, got, c.want)
		}
	}
}
