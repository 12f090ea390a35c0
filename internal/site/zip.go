package site

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// writeZip packs the folder dir into the zip file at zipPath, under a top
// folder named after the zip. Entries are sorted and carry a fixed time, so
// the same site gives the same zip. It writes beside zipPath and renames,
// so a failure leaves no half-written zip.
func writeZip(dir, zipPath string) error {
	top := strings.TrimSuffix(filepath.Base(zipPath), filepath.Ext(zipPath))
	names, err := ListFiles(os.DirFS(dir))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	stamp := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, name := range names {
		data, err := fs.ReadFile(os.DirFS(dir), name)
		if err != nil {
			return err
		}
		f, err := zw.CreateHeader(&zip.FileHeader{Name: top + "/" + name, Method: zip.Deflate, Modified: stamp})
		if err != nil {
			return err
		}
		if _, err := f.Write(data); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	tmp := zipPath + ".tmp-" + randomSuffix()
	if err := os.WriteFile(tmp, buf.Bytes(), 0o666); err != nil {
		return fmt.Errorf("-zip: %w", err)
	}
	if err := os.Rename(tmp, zipPath); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("-zip: %w", err)
	}
	return nil
}
