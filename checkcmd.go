package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/statusdocs/statusdocs/internal/site"
)

// errProblems means check found problems and printed them.
var errProblems = errors.New("problems found")

// problemLine splits "path:line: message" (or "path:line:col: message",
// or "path: message").
var problemLine = regexp.MustCompile(`^([^:\s][^:]*?)(?::(\d+))?(?::(\d+))?: (.*)$`)

// printAnnotation prints one problem line as a GitHub Actions annotation
// of kind ("error", "warning") on its file and line.
func printAnnotation(w io.Writer, kind, line string) {
	m := problemLine.FindStringSubmatch(line)
	if m == nil {
		fmt.Fprintf(w, "::%s::%s\n", kind, ghEscape(line))
		return
	}
	loc := "file=" + ghEscapeProp(m[1])
	if m[2] != "" && m[2] != "0" {
		loc += ",line=" + m[2]
	}
	if m[3] != "" {
		loc += ",col=" + m[3]
	}
	fmt.Fprintf(w, "::%s %s::%s\n", kind, loc, ghEscape(m[4]))
}

// langsNote says how many languages a build had, when more than one.
func langsNote(n int) string {
	if n < 2 {
		return ""
	}
	return fmt.Sprintf(" in %d languages", n)
}

// runCheck is statusdocs check: a build's checks, nothing written. With
// -format github each problem is a GitHub Actions annotation on its line.
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("check", flag.ContinueOnError)
	fset.SetOutput(stderr)
	var src sourceFlags
	src.register(fset)
	format := fset.String("format", "text", "print problems as `text` (path:line: message) or github (workflow annotations)")
	baseURL := fset.String("base-url", "", "check as a build with this -base-url would")
	offline := fset.Bool("offline", false, "check as an -offline build would")
	fset.Usage = func() {
		fmt.Fprint(stderr, "usage: statusdocs check [flags]\n\nRun every check a build runs (front matter, limits, layouts, links and anchors)\nand write nothing. Exits 1 when there are problems, each printed as\npath:line: message.\n\nFlags:\n")
		fset.PrintDefaults()
	}
	if err := parseFlags(fset, args, stderr); err != nil {
		return err
	}
	if *format != "text" && *format != "github" {
		fmt.Fprintf(stderr, "statusdocs check: -format %q: want text or github\n", *format)
		return errUsage
	}
	cfg, err := src.configAt(fset, *baseURL)
	if err != nil {
		return err
	}
	cfg.Offline, cfg.HashAssets = *offline, true
	res, err := site.Check(ctx, cfg)
	if err == nil {
		for _, w := range res.Warnings {
			if *format == "github" {
				printAnnotation(stdout, "warning", w)
			} else {
				fmt.Fprintf(stdout, "warning: %s\n", w)
			}
		}
		fmt.Fprintf(stdout, "checked %d pages%s: no problems\n", res.Pages, langsNote(res.Langs))
		return nil
	}
	if ctx.Err() != nil {
		return interrupted(ctx, context.Canceled, "check", "")
	}
	for line := range strings.Lines(err.Error()) {
		line = strings.TrimRight(line, "\n")
		if line == "" {
			continue
		}
		if *format == "github" {
			printAnnotation(stdout, "error", line)
			continue
		}
		fmt.Fprintln(stdout, line)
	}
	return errProblems
}

// ghEscape and ghEscapeProp escape a workflow command's message and
// properties, as the GitHub Actions toolkit does.
func ghEscape(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghEscapeProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
