package site

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sync"
)

// Output is where a build's files go.
type Output interface {
	// WriteFile writes the file at slash path name, making its folders.
	// It is called by many goroutines at once and must not keep data.
	WriteFile(name string, data []byte) error
}

// dirOutput writes files under a folder on disk. It remembers the folders
// it made, so each costs one system call. Files get mode 0666 and folders
// 0777, less the umask, as with any program that writes files: the output
// is for web servers that may run as another user.
type dirOutput struct {
	root    string
	display string   // the folder's name in messages: the output, not the temporary folder
	dirs    sync.Map // slash path → struct{}
}

func newDirOutput(root, display string) *dirOutput {
	return &dirOutput{root: root, display: display}
}

func (d *dirOutput) WriteFile(name string, data []byte) error {
	if err := d.mkdir(path.Dir(name)); err != nil {
		return err
	}
	return d.pathError(name, "writing", os.WriteFile(filepath.Join(d.root, filepath.FromSlash(name)), data, 0o666))
}

// pathError names the file as it will be in the output, with what failed.
func (d *dirOutput) pathError(name, op string, err error) error {
	if err == nil {
		return nil
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("%s: %s: %w", filepath.Join(d.display, filepath.FromSlash(name)), op, err)
}

func (d *dirOutput) mkdir(dir string) error {
	if dir == "." {
		return nil
	}
	if _, ok := d.dirs.Load(dir); ok {
		return nil
	}
	if err := d.mkdir(path.Dir(dir)); err != nil {
		return err
	}
	err := os.Mkdir(filepath.Join(d.root, filepath.FromSlash(dir)), 0o777)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return d.pathError(dir, "making the folder", err)
	}
	d.dirs.Store(dir, struct{}{})
	return nil
}

// MemOutput keeps files in memory, for the dev server and tests.
type MemOutput struct {
	mu sync.Mutex
	// Files maps slash paths to contents. Read it once writing is done.
	Files map[string][]byte
}

// NewMemOutput returns an empty MemOutput.
func NewMemOutput() *MemOutput { return &MemOutput{Files: map[string][]byte{}} }

func (m *MemOutput) WriteFile(name string, data []byte) error {
	c := bytes.Clone(data)
	m.mu.Lock()
	m.Files[name] = c
	m.mu.Unlock()
	return nil
}
