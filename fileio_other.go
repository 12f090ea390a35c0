//go:build !unix

package main

import (
	"io/fs"
	"os"
)

// writeNewFile writes data to name, creating or truncating it.
func writeNewFile(name string, data []byte) error { return os.WriteFile(name, data, 0o644) }

func newDiskFS(dir string) fs.FS { return os.DirFS(dir) }
