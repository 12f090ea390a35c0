package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/statusdocs/statusdocs/internal/content"
)

// pageSkeleton is the Markdown of a new code page: front matter from the
// registry where the code is registered, and the headings every page has,
// with what each part should say.
func pageSkeleton(code int) string {
	var b strings.Builder
	reg, registered := content.Registry[code]
	title, status := `"TODO the reason phrase its users send"`, "unofficial"
	spec := "  - name: \"TODO the vendor's documentation of this code\"\n    url: https://example.com/TODO\n"
	if registered {
		title, status = reg.Phrase, "standard"
		switch {
		case strings.Contains(reg.Phrase, "(Unused)"):
			status = "reserved"
		case strings.Contains(reg.Phrase, "(OBSOLETED)"):
			status, title = "obsolete", strings.TrimSpace(strings.TrimSuffix(reg.Phrase, "(OBSOLETED)"))
		case strings.HasPrefix(reg.Spec, "draft-"):
			status = "temporary"
		}
		spec = fmt.Sprintf("  - name: %s\n    url: %s\n", reg.Spec, reg.URL)
	}
	fmt.Fprintf(&b, "---\ntitle: %s\nsummary: \"TODO what the code means, in one sentence.\"\nstatus: %s\nspec:\n%s---\n", title, status, spec)
	if !registered {
		b.WriteString("\nThis is not a standard HTTP status code: it is not registered with IANA and no HTTP specification\ndefines it. TODO: who sends it.\n")
	}
	sections := []string{"What it means", "When to send it", "What clients do", "Headers", "Caching", "Common mistakes"}
	for _, s := range sections {
		fmt.Fprintf(&b, "\n## %s\n\nTODO\n", s)
	}
	fmt.Fprintf(&b, "\n## Example\n\n```http\nGET /TODO HTTP/1.1\nHost: example.com\n\nHTTP/1.1 %d %s\nDate: Tue, 01 Dec 2026 10:00:00 GMT\nContent-Length: 0\n\n```\n", code, strings.Trim(title, `"`))
	if code >= 400 {
		b.WriteString("\n## How to fix\n\n### If you are a visitor or API client\n\nTODO\n\n### If you run the server\n\nTODO\n")
	}
	return b.String()
}

// runNew is statusdocs new: a page skeleton for a code, never over an
// existing file.
func runNew(args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("new", flag.ContinueOnError)
	fset.SetOutput(stderr)
	dir := fset.String("content", "content", "the content `folder` to write the page in")
	fset.Usage = func() {
		fmt.Fprint(stderr, "usage: statusdocs new [-content dir] CODE\n\nWrite a page skeleton for a status code, e.g. \"new 456\" or \"new 4xx/456\":\nfront matter from the IANA registry for a registered code (status: unofficial\notherwise) and the headings every page has. An existing file is never\noverwritten.\n\nFlags:\n")
		fset.PrintDefaults()
	}
	if err := parseFlagsArgs(fset, args); err != nil {
		return err
	}
	if fset.NArg() != 1 {
		fset.Usage()
		return errUsage
	}
	arg := fset.Arg(0)
	class, num, hasClass := strings.Cut(arg, "/")
	if !hasClass {
		num = arg
	}
	code, err := strconv.Atoi(num)
	if err != nil || code < 100 || code > 599 || len(num) != 3 {
		return fmt.Errorf("new %s: want a status code from 100 to 599, e.g. 456 or 4xx/456", arg)
	}
	want := strconv.Itoa(code/100) + "xx"
	if hasClass && class != want {
		return fmt.Errorf("new %s: code %d belongs in %s/, not %s/", arg, code, want, class)
	}
	if st, err := os.Stat(*dir); err != nil || !st.IsDir() {
		return fmt.Errorf("-content %s: not a folder (new writes into a content folder on disk)", *dir)
	}
	path := filepath.Join(*dir, want, num+".md")
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return err
	}
	// A code page needs its class page; a site without the class gets one.
	index := filepath.Join(*dir, want, "_index.md")
	if _, err := os.Stat(index); errors.Is(err, fs.ErrNotExist) {
		title := classTitles[code/100]
		if err := os.WriteFile(index, []byte("---\ntitle: "+title+"\nsummary: \"TODO what the class means, in one sentence.\"\n---\nTODO\n"), 0o666); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", index)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s: already exists; not overwritten", path)
	}
	if err != nil {
		return err
	}
	if _, err := io.WriteString(f, pageSkeleton(code)); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", path)
	return nil
}

// classTitles name the classes in a new class page.
var classTitles = map[int]string{
	1: "Informational responses", 2: "Successful responses", 3: "Redirection messages",
	4: "Client errors", 5: "Server errors",
}
