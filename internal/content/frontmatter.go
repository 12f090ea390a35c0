package content

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// frontMatter is the YAML block at the top of every content file. It is
// decoded strictly: an unknown key is an error, so typos cannot pass silently.
type frontMatter struct {
	Title     string            `yaml:"title"`
	Summary   string            `yaml:"summary"`
	Status    string            `yaml:"status"`
	Spec      []Spec            `yaml:"spec"`
	Former    []string          `yaml:"former"`
	Related   []int             `yaml:"related"`
	Headers   []string          `yaml:"headers"`
	Constants map[string]string `yaml:"constants"`
	Aliases   []string          `yaml:"aliases"`
	Senders   []Sender          `yaml:"senders"`
	Cacheable bool              `yaml:"cacheable"`
	Redirect  *Redirect         `yaml:"redirect"`
	Codes     []int             `yaml:"codes"`
	Columns   []string          `yaml:"columns"`
	Tree      *Tree             `yaml:"tree"`
}

// strictYAML decodes front matter, the YAML between the "---" lines, with
// unknown keys refused, so typos cannot pass silently.
func strictYAML(raw []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	return dec.Decode(v)
}

// splitFrontMatter finds the front matter a page starts with: a line
// "---", YAML, and a closing line "---" (either may end in "\r"). It
// returns the YAML and the offset where the body starts, or an error and
// its line. A delimiter line with anything after its dashes ("--- ") is an
// error naming it: once, such a closing line ended the front matter here
// but not for goldmark's front matter extension, which then took the
// whole body for front matter, silently.
func splitFrontMatter(src []byte) (yaml []byte, bodyStart, line int, err error) {
	// A byte order mark, which some Windows editors put first, is not
	// part of the first line: the "---" after it is still front matter.
	start := 0
	if bytes.HasPrefix(src, utf8BOM) {
		start = len(utf8BOM)
	}
	if !bytes.HasPrefix(src[start:], []byte("---")) {
		return nil, 0, 1, errors.New(`missing front matter (a "---" line, YAML, and a closing "---" line)`)
	}
	badLine := func(text []byte) error {
		return fmt.Errorf(`front matter line %q: the lines around front matter must be exactly "---", with nothing after the dashes`, text)
	}
	yamlStart := 0
	for off, n := start, 1; off < len(src); n++ {
		text, _, _ := bytes.Cut(src[off:], []byte("\n"))
		next := min(off+len(text)+1, len(src))
		isDelim := string(bytes.TrimRight(text, " \t\r")) == "---"
		exact := string(bytes.TrimSuffix(text, []byte("\r"))) == "---"
		switch {
		case n == 1 && !exact:
			return nil, 0, 1, badLine(text)
		case n == 1:
			yamlStart = next
		case isDelim && !exact:
			return nil, 0, n, badLine(text)
		case isDelim:
			return src[yamlStart:off], next, 0, nil
		}
		off = next
	}
	return nil, 0, 1, errors.New(`front matter is not closed by a "---" line`)
}

var utf8BOM = []byte("\xEF\xBB\xBF")

// maxErrors is how many front-matter problems of one file are listed.
const maxErrors = 20

var (
	yamlLine  = regexp.MustCompile(`line (\d+): (.*)`)
	unknownRE = regexp.MustCompile(`field (\S+) not found in type`)
	slugRE    = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// frontMatterError turns a YAML decoding error into errors naming the file
// and line. YAML line numbers count from the first line after the opening
// "---", so they are shifted by offset to become line numbers of the file.
func frontMatterError(err error, file string, offset int, raw []byte) error {
	if err == nil || errors.Is(err, io.EOF) {
		return nil
	}
	// yaml.v3 reports one or more "line N: message" parts.
	var errs []error
	for _, m := range yamlLine.FindAllStringSubmatch(err.Error(), -1) {
		n, _ := strconv.Atoi(m[1])
		msg := m[2]
		if u := unknownRE.FindStringSubmatch(msg); u != nil {
			msg = fmt.Sprintf("unknown front matter key %q", u[1])
		} else if isTabError(msg, raw, n) {
			msg = "front matter: a tab character: YAML indents with spaces only"
		} else {
			msg = "front matter: " + msg
		}
		errs = append(errs, Errorf(file, n+offset, "%s", msg))
	}
	if len(errs) == 0 {
		return Errorf(file, 1, "front matter: %v", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(errs) > maxErrors {
		errs = append(errs[:maxErrors], Errorf(file, 0, "and %d more problems in the front matter", len(errs)-maxErrors))
	}
	return errors.Join(errs...)
}

// checkFrontMatter validates decoded front matter against the page's kind
// and copies it onto the page.
func checkFrontMatter(p *Page, fm *frontMatter, raw []byte) error {
	var errs []error
	var lines map[string]int
	// at reports a problem on the line of key ("constants.cobol" for a
	// nested one, else its parent's line; a missing key's is line 1).
	// Lines are found only when there is a problem to report.
	at := func(key, format string, args ...any) {
		if lines == nil {
			lines = keyLines(raw)
		}
		line, ok := lines[key]
		if !ok {
			line, ok = lines[strings.SplitN(key, ".", 2)[0]]
		}
		if ok {
			line++ // the file's line: YAML's first line is the file's second
		} else {
			line = 1
		}
		errs = append(errs, Errorf(p.File, line, format, args...))
	}
	if strings.TrimSpace(fm.Title) == "" {
		at("title", `missing "title" in front matter`)
	}
	if strings.TrimSpace(fm.Summary) == "" {
		at("summary", `missing "summary" in front matter`)
	}
	if p.Kind == KindCode {
		if fm.Status == "" {
			at("status", `missing "status" in front matter (one of %s)`, statusList)
		} else if _, ok := statuses[fm.Status]; !ok {
			at("status", `unknown status %q (want one of %s)`, fm.Status, statusList)
		}
		for _, s := range fm.Spec {
			if s.Name == "" || s.URL == "" {
				at("spec", "spec entry needs both name and url")
			} else if !strings.HasPrefix(s.URL, "https://") && !strings.HasPrefix(s.URL, "http://") {
				at("spec", "spec url %q: want an http(s) URL", s.URL)
			}
		}
		if r := fm.Redirect; r != nil && !slices.Contains(redirectMethods, r.Method) {
			at("redirect", "redirect: method %q: want kept, get or may-change", r.Method)
		}
	} else {
		// Code-only fields on another page are almost surely a mistake.
		for key, set := range map[string]bool{
			"status": fm.Status != "", "spec": fm.Spec != nil, "former": fm.Former != nil,
			"related": fm.Related != nil, "headers": fm.Headers != nil, "constants": fm.Constants != nil,
			"aliases": fm.Aliases != nil, "senders": fm.Senders != nil, "cacheable": fm.Cacheable, "redirect": fm.Redirect != nil,
		} {
			if set {
				at(key, "%q is only allowed on status code pages", key)
			}
		}
	}
	if p.Kind == KindGuide {
		errs = append(errs, checkGuideFields(fm, p.File, at)...)
	} else {
		for key, set := range map[string]bool{"codes": fm.Codes != nil, "columns": fm.Columns != nil, "tree": fm.Tree != nil} {
			if set {
				at(key, "%q is only allowed on guides (content/guides/)", key)
			}
		}
	}
	checkSenders(fm.Senders, at)
	for _, a := range fm.Aliases {
		if !slugRE.MatchString(a) {
			at("aliases", "alias %q must be lowercase letters, digits and single dashes", a)
		}
	}
	known := map[string]bool{}
	for _, l := range languages {
		known[l.key] = true
		if id, ok := fm.Constants[l.key]; ok {
			c, err := parseConstant(id)
			if err != nil {
				at("constants."+l.key, "constants: %s: %v", l.key, err)
			}
			c.Lang, c.Label = l.key, l.label
			p.Constants = append(p.Constants, c)
		}
	}
	for k := range fm.Constants {
		if !known[k] {
			at("constants."+k, "unknown language %q in constants", k)
		}
	}
	slices.SortFunc(errs, func(a, b error) int {
		la, lb := a.(*FileError).Line, b.(*FileError).Line
		if la != lb {
			return la - lb
		}
		return strings.Compare(a.Error(), b.Error())
	})
	p.Title, p.Summary, p.Status = fm.Title, strings.TrimSpace(fm.Summary), fm.Status
	p.Spec, p.Former, p.Headers, p.Aliases = fm.Spec, fm.Former, fm.Headers, fm.Aliases
	p.RelatedCodes, p.Senders = fm.Related, fm.Senders
	p.Cacheable, p.Redirect, p.GuideCodes, p.Columns, p.Tree = fm.Cacheable, fm.Redirect, fm.Codes, fm.Columns, fm.Tree
	return errors.Join(errs...)
}

// isTabError reports whether a YAML error is about a tab in indentation:
// yaml.v3 says "found character that cannot start any token" or "found a
// tab character that violates indentation", on the line or the one before.
func isTabError(msg string, raw []byte, n int) bool {
	if !strings.Contains(msg, "cannot start any token") && !strings.Contains(msg, "tab character") {
		return false
	}
	for _, l := range []int{n, n + 1} {
		line := lineOf(raw, l)
		lead := line[:len(line)-len(bytes.TrimLeft(line, " \t"))]
		if bytes.ContainsRune(lead, '\t') {
			return true
		}
	}
	return false
}

// keyLines maps the front matter's keys to their lines (1 is the first
// line of the YAML), nested keys joined with dots: "constants.go".
func keyLines(raw []byte) map[string]int {
	lines := map[string]int{}
	var doc yaml.Node
	if yaml.Unmarshal(raw, &doc) != nil || len(doc.Content) == 0 {
		return lines
	}
	var walk func(prefix string, n *yaml.Node)
	walk = func(prefix string, n *yaml.Node) {
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := prefix + n.Content[i].Value
			lines[k] = n.Content[i].Line
			walk(k+".", n.Content[i+1])
		}
	}
	walk("", doc.Content[0])
	return lines
}

// lineOf returns line n (1-based) of src, without its newline.
func lineOf(src []byte, n int) []byte {
	for i := 1; i < n; i++ {
		_, rest, ok := bytes.Cut(src, []byte("\n"))
		if !ok {
			return nil
		}
		src = rest
	}
	line, _, _ := bytes.Cut(src, []byte("\n"))
	return line
}

// constantRE splits a constant's front-matter value into the identifier
// and an optional version note: "NAME (3.13+)", "NAME (3.13+, earlier
// OLD_NAME)", or with the product whose version it is, where that is not
// the language's own: "NAME (.NET Core 2.1+)", "NAME (Rack 3.1+, earlier OLD)".
var constantRE = regexp.MustCompile(`^(.*?)(?: \(((?:[.A-Za-z][.A-Za-z ]*? )?[0-9]+(?:\.[0-9]+)*)\+(?:, earlier (.+))?\))?$`)

// removedRE matches a name that newer versions no longer have:
// "HttpStatus.USE_PROXY (removed in 7.0)".
var removedRE = regexp.MustCompile(`^(.*?) \(removed in ((?:[.A-Za-z][.A-Za-z ]*? )?[0-9]+(?:\.[0-9]+)*)\)$`)

func parseConstant(v string) (Constant, error) {
	if m := removedRE.FindStringSubmatch(strings.TrimSpace(v)); m != nil && !strings.ContainsAny(m[1], "()") {
		return Constant{Ident: m[1], Removed: m[2]}, nil
	}
	m := constantRE.FindStringSubmatch(strings.TrimSpace(v))
	if m == nil || m[1] == "" || strings.ContainsAny(m[1], "()") {
		return Constant{}, fmt.Errorf("%q: want an identifier, optionally followed by (VERSION+), (VERSION+, earlier NAME) or (removed in VERSION)", v)
	}
	return Constant{Ident: m[1], Since: m[2], Earlier: m[3]}, nil
}

const statusList = "standard, temporary, deprecated, obsolete, reserved, unofficial"
