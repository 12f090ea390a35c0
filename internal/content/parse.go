package content

import (
	"errors"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"
)

var (
	codeFile = regexp.MustCompile(`^[0-9]+\.md$`)
	classDir = regexp.MustCompile(`^[0-9]xx$`)
	copyName = regexp.MustCompile(`(?i)^[0-9]{3}(?: copy.*| \([0-9]+\)|[-_ .~]?(?:old|bak|backup|orig|copy|new)[0-9]*)\.md$`)
)

// Parse reads what the rest of the site needs to know of a content file:
// its kind and URL (from name, its path inside the content folder) and its
// front matter. display names the file in messages. The body is not
// parsed, so a build can render bodies later, one page at a time, instead
// of holding them all.
func Parse(name, display string, src []byte) (*Page, error) {
	p, err := Classify(name, display)
	if err != nil {
		return nil, err
	}
	raw, bodyStart, err := frontMatterOf(src, display)
	if err != nil {
		return nil, err
	}
	var fm frontMatter
	if err := frontMatterError(strictYAML(raw, &fm), display, 1, raw); err != nil {
		return nil, err
	}
	if err := checkFrontMatter(p, &fm, raw); err != nil {
		return nil, err
	}
	p.BodyStart = bodyStart
	p.Lang, p.TextHash = DefaultLang, TextHash(p, src)
	return p, nil
}

// frontMatterOf checks a content file's encoding and the limits on
// hostile input, and returns its front matter and where its body starts.
func frontMatterOf(src []byte, display string) (raw []byte, bodyStart int, err error) {
	if err := checkUTF8(src, display); err != nil {
		return nil, 0, err
	}
	if len(src) > MaxFileBytes {
		return nil, 0, checkLimits(src, 0, 0, display)
	}
	raw, bodyStart, line, err := splitFrontMatter(src)
	if err != nil {
		return nil, 0, Errorf(display, line, "%v", err)
	}
	if err := checkLimits(src, bodyStart, len(raw), display); err != nil {
		return nil, 0, err
	}
	return raw, bodyStart, nil
}

// BodyStart returns where the body of a content file starts: for a file
// read again, whose front matter may have changed since it was parsed.
func BodyStart(src []byte) (int, error) {
	_, start, _, err := splitFrontMatter(src)
	return start, err
}

// Classify works out a content file's kind, URL, code and class from its
// path inside the content folder. It reports misplaced code files.
func Classify(name, display string) (p *Page, err error) {
	dir, base := path.Split(name)
	dir = strings.TrimSuffix(dir, "/")
	p = &Page{Path: name, File: display}
	switch {
	case name == "_index.md":
		p.Kind, p.URL = KindHome, "/"
	case base == "_index.md" && classDir.MatchString(dir):
		c := int(dir[0] - '0')
		if c < 1 || c > 5 {
			return nil, Errorf(display, 0, "class folder %q is not one of 1xx to 5xx", dir)
		}
		p.Kind, p.URL, p.Class = KindClass, "/"+dir+"/", c
	case dir == "guides" && base == "_index.md":
		p.Kind, p.URL = KindGuides, "/guides/"
	case dir == "guides":
		p.Kind, p.URL = KindGuide, "/guides/"+strings.TrimSuffix(base, ".md")+"/"
	case codeFile.MatchString(base):
		code, err := strconv.Atoi(strings.TrimSuffix(base, ".md"))
		if err != nil || code < 100 || code > 599 {
			return nil, Errorf(display, 0, "status code %s is outside 100–599", strings.TrimSuffix(base, ".md"))
		}
		want := strconv.Itoa(code/100) + "xx"
		if dir != want {
			return nil, Errorf(display, 0, "code %d belongs in %s/, not %s/", code, want, dirOrRoot(dir))
		}
		p.Kind, p.Code, p.Class, p.URL = KindCode, code, code/100, "/"+strconv.Itoa(code)+"/"
	default:
		// A plain page may sit in a class folder, but not in a folder that
		// looks like a class and is none (6xx, 0xx).
		if classDir.MatchString(dir) && (dir[0] < '1' || dir[0] > '5') {
			return nil, Errorf(display, 0, "class folder %q is not one of 1xx to 5xx", dir)
		}
		// "404 copy.md", "404 (1).md", "404-old.md": an editor's copy of a
		// code page, whose code fields would each fail for a plain page.
		// Other names, "502-vs-504.md" say, are plain pages.
		if classDir.MatchString(dir) && copyName.MatchString(base) {
			return nil, Errorf(display, 0, "file name %q is not a status code: a code page is named after its code alone, e.g. %s.md", base, leadingDigits(base))
		}
		p.Kind, p.URL = KindPlain, "/"+path.Join(dir, strings.TrimSuffix(base, ".md"))+"/"
		if base == "_index.md" {
			p.URL = "/" + dir + "/"
		}
	}
	return p, nil
}

func leadingDigits(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

func dirOrRoot(dir string) string {
	if dir == "" {
		return "content"
	}
	return dir
}

// List returns the Markdown files of fsys in lexical order, leaving out
// hidden files and folders. display names fsys in messages. A file whose
// extension is .md in another case (404.MD) is an error: it would
// otherwise be skipped without a word.
func List(fsys fs.FS, display string) ([]string, error) {
	var names []string
	var errs []error
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		switch ext := path.Ext(name); {
		case ext == ".md":
			names = append(names, name)
		case strings.EqualFold(ext, ".md"):
			errs = append(errs, Errorf(display+"/"+name, 0, "the extension must be .md in lower case (%s files are not read)", ext))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return names, errors.Join(errs...)
}
