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
	if !bytes.HasPrefix(src, []byte("---")) {
		return nil, 0, 1, errors.New(`missing front matter (a "---" line, YAML, and a closing "---" line)`)
	}
	badLine := func(text []byte) error {
		return fmt.Errorf(`front matter line %q: the lines around front matter must be exactly "---", with nothing after the dashes`, text)
	}
	yamlStart := 0
	for off, n := 0, 1; off < len(src); n++ {
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

var (
	yamlLine  = regexp.MustCompile(`line (\d+): (.*)`)
	unknownRE = regexp.MustCompile(`field (\S+) not found in type`)
	slugRE    = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// frontMatterError turns a YAML decoding error into errors naming the file
// and line. YAML line numbers count from the first line after the opening
// "---", so they are shifted by offset to become line numbers of the file.
func frontMatterError(err error, file string, offset int) error {
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
		} else {
			msg = "front matter: " + msg
		}
		errs = append(errs, Errorf(file, n+offset, "%s", msg))
	}
	if len(errs) == 0 {
		return Errorf(file, 1, "front matter: %v", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return errors.Join(errs...)
}

// checkFrontMatter validates decoded front matter against the page's kind
// and copies it onto the page.
func checkFrontMatter(p *Page, fm *frontMatter) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, Errorf(p.File, 1, format, args...)) }
	if strings.TrimSpace(fm.Title) == "" {
		bad(`missing "title" in front matter`)
	}
	if strings.TrimSpace(fm.Summary) == "" {
		bad(`missing "summary" in front matter`)
	}
	if p.Kind == KindCode {
		if fm.Status == "" {
			bad(`missing "status" in front matter (one of %s)`, statusList)
		} else if _, ok := statuses[fm.Status]; !ok {
			bad(`unknown status %q (want one of %s)`, fm.Status, statusList)
		}
		for _, s := range fm.Spec {
			if s.Name == "" || s.URL == "" {
				bad("spec entry needs both name and url")
			}
		}
	} else {
		// Code-only fields on another page are almost surely a mistake.
		for key, set := range map[string]bool{
			"status": fm.Status != "", "spec": fm.Spec != nil, "former": fm.Former != nil,
			"related": fm.Related != nil, "headers": fm.Headers != nil, "constants": fm.Constants != nil,
			"aliases": fm.Aliases != nil,
		} {
			if set {
				bad("%q is only allowed on status code pages", key)
			}
		}
	}
	for _, a := range fm.Aliases {
		if !slugRE.MatchString(a) {
			bad("alias %q must be lowercase letters, digits and single dashes", a)
		}
	}
	known := map[string]bool{}
	for _, l := range languages {
		known[l.key] = true
		if id, ok := fm.Constants[l.key]; ok {
			c, err := parseConstant(id)
			if err != nil {
				bad("constants: %s: %v", l.key, err)
			}
			c.Lang, c.Label = l.key, l.label
			p.Constants = append(p.Constants, c)
		}
	}
	for k := range fm.Constants {
		if !known[k] {
			bad("unknown language %q in constants", k)
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	p.Title, p.Summary, p.Status = fm.Title, strings.TrimSpace(fm.Summary), fm.Status
	p.Spec, p.Former, p.Headers, p.Aliases = fm.Spec, fm.Former, fm.Headers, fm.Aliases
	p.RelatedCodes = fm.Related
	return errors.Join(errs...)
}

// constantRE splits a constant's front-matter value into the identifier
// and an optional version note: "NAME (3.13+)" or
// "NAME (3.13+, earlier OLD_NAME)".
var constantRE = regexp.MustCompile(`^(.*?)(?: \(([0-9]+(?:\.[0-9]+)*)\+(?:, earlier (.+))?\))?$`)

func parseConstant(v string) (Constant, error) {
	m := constantRE.FindStringSubmatch(strings.TrimSpace(v))
	if m == nil || m[1] == "" || strings.ContainsAny(m[1], "()") {
		return Constant{}, fmt.Errorf("%q: want an identifier, optionally followed by (VERSION+) or (VERSION+, earlier NAME)", v)
	}
	return Constant{Ident: m[1], Since: m[2], Earlier: m[3]}, nil
}

const statusList = "standard, temporary, deprecated, obsolete, reserved, unofficial"
