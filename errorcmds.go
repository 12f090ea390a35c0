package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"

	"github.com/statusdocs/statusdocs/internal/errorserver"
	"github.com/statusdocs/statusdocs/internal/site"
)

// runErrors is statusdocs errors: the error pack alone, in -out.
func runErrors(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("errors", flag.ContinueOnError)
	fset.SetOutput(stderr)
	var src sourceFlags
	src.register(fset)
	out := fset.String("out", "errors", "write the error pages to `dir` (replaced whole)")
	baseURL := fset.String("base-url", "", "absolute `url` of the reference site, for the pages' links (default: root-relative links, /404/)")
	fset.Usage = func() {
		fmt.Fprint(stderr, "usage: statusdocs errors [flags]\n\nWrite the error pages for web servers: for every 4xx and 5xx code with a page,\n<code>.html, <code>.json and <code>.txt, and 4xx.* and 5xx.* for the others.\n\nFlags:\n")
		fset.PrintDefaults()
	}
	if err := parseFlags(fset, args, stderr); err != nil {
		return err
	}
	cfg, err := src.configAt(fset, *baseURL)
	if err != nil {
		return err
	}
	cfg.Out, cfg.ErrorsOnly = *out, true
	if _, err := site.Build(ctx, cfg); err != nil {
		return interrupted(ctx, err, "errors", cfg.Out)
	}
	// The default language's pack at the top, another's in its folder.
	files, langs := 0, 0
	err = filepath.WalkDir(cfg.Out, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir():
			langs++
		case d.Name() != site.Marker:
			files++
		}
		return nil
	})
	if err != nil {
		return err
	}
	note := ""
	if langs > 1 {
		note = fmt.Sprintf(" in %d languages", langs)
	}
	fmt.Fprintf(stdout, "wrote %d error pages%s (%d files: HTML, JSON, text) into %s\n", files/3, note, files, cfg.Out)
	return nil
}

// runServeErrors is statusdocs serve-errors: the error pack, from a folder
// or built from the embedded site, behind the ingress-nginx protocol.
func runServeErrors(ctx context.Context, args []string, stderr io.Writer) error {
	fset := flag.NewFlagSet("serve-errors", flag.ContinueOnError)
	fset.SetOutput(stderr)
	var src sourceFlags
	src.register(fset)
	addr := fset.String("addr", ":8080", "listen on `host:port` (all interfaces by default: it runs in a container)")
	dir := fset.String("dir", "", "serve the pack in `folder` (written by statusdocs errors, or a build whose errors/ it uses) instead of building it")
	baseURL := fset.String("base-url", "", "absolute `url` of the reference site, for the pages' links, when the pack is built here")
	fset.Usage = func() {
		fmt.Fprint(stderr, `usage: statusdocs serve-errors [flags]

Serve the error pages as the default backend of Kubernetes ingress-nginx's
custom errors: each request names the status in X-Code and the client's Accept
in X-Format; the answer has that status, in HTML, JSON or text, in the client's
language, with the request id (X-Request-ID) filled in, never cached. /healthz
answers 200. SIGTERM or Ctrl-C stops it after the requests in flight.

Flags:
`)
		fset.PrintDefaults()
	}
	if err := parseFlags(fset, args, stderr); err != nil {
		return err
	}
	var files map[string][]byte
	if *dir != "" {
		var err error
		if files, err = readPack(*dir); err != nil {
			return err
		}
	} else {
		cfg, err := src.configAt(fset, *baseURL)
		if err != nil {
			return err
		}
		cfg.Highlight.NoCache = true // no code blocks on error pages
		if files, err = site.ErrorPack(ctx, cfg); err != nil {
			return err
		}
	}
	srv, err := errorserver.New(files)
	if err != nil {
		return fmt.Errorf("%s: %w", *dir, err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("-addr %s: %w", *addr, err)
	}
	fmt.Fprintf(stderr, "serving error pages on http://%s/ (%d files)\n", ln.Addr(), len(files))
	return srv.Serve(ctx, ln)
}

// readPack reads an error pack from dir, or from dir/errors when dir is a
// built site.
func readPack(dir string) (map[string][]byte, error) {
	if _, err := os.Stat(filepath.Join(dir, "errors", "4xx.html")); err == nil {
		dir = filepath.Join(dir, "errors")
	}
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		switch filepath.Ext(rel) {
		case ".html", ".json", ".txt":
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			files[filepath.ToSlash(rel)] = data
		}
		return nil
	})
	return files, err
}
