package site

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// checkOut refuses output folders that a build must never replace: the
// file system root, the working folder or one above it, a home folder, the
// source folders or anything inside or around them, the highlight cache's
// folder, and a non-empty folder that no build of ours wrote. It runs
// before anything is written.
func checkOut(cfg *Config) error {
	if strings.TrimSpace(cfg.Out) == "" {
		return errors.New("-out: empty output folder")
	}
	out, err := realAbs(cfg.Out)
	if err != nil {
		return err
	}
	refuse := func(why string) error {
		return fmt.Errorf("-out %s: refusing to write there: %s", cfg.Out, why)
	}
	if out == filepath.Dir(out) {
		return refuse("it is the file system root")
	}
	if wd, err := os.Getwd(); err == nil {
		if wd, err = realAbs(wd); err == nil && within(wd, out) {
			return refuse("it is the current folder or contains it")
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		if home, err = realAbs(home); err == nil && home == out {
			return refuse("it is your home folder")
		}
	}
	if dir := cfg.Highlight.Dir; dir != "" && !cfg.Highlight.NoCache {
		if cache, err := realAbs(dir); err == nil && (within(cache, out) || within(out, cache)) {
			return refuse("it overlaps the highlight cache folder " + dir)
		}
	}
	for _, src := range []Source{cfg.Content, cfg.Layouts, cfg.Static} {
		if src.Dir == "" {
			continue
		}
		dir, err := realAbs(src.Dir)
		if err != nil {
			return err
		}
		if within(dir, out) || within(out, dir) {
			return refuse(fmt.Sprintf("it overlaps the source folder %s", src.Dir))
		}
	}
	fi, err := os.Lstat(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case !fi.IsDir():
		return refuse("it exists and is not a folder")
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		if _, err := os.Stat(filepath.Join(out, Marker)); err != nil {
			return refuse("it is not empty and was not written by statusdocs (no " + Marker + " file)")
		}
	}
	return nil
}

// realAbs returns the absolute, symlink-free form of p; for a path that
// does not exist yet, its nearest existing ancestor is resolved.
func realAbs(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	var rest []string
	for cur := abs; ; cur = filepath.Dir(cur) {
		if real, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(append([]string{real}, rest...)...), nil
		}
		if cur == filepath.Dir(cur) {
			return abs, nil
		}
		rest = append([]string{filepath.Base(cur)}, rest...)
	}
}

// within reports whether path is dir or inside it.
func within(path, dir string) bool {
	if path == dir {
		return true
	}
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
