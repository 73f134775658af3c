package hsds

import (
	"archive/zip"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// Limits bound what an import reads, so that no file makes refer allocate
// what it only claims (a zip entry that declares a terabyte) or take in a
// value that later stops the directory from opening (a 300 MB cell). Each
// default is far above what real directories hold: the Miami 211 export's
// largest file is 8 MB and its longest cell under 4,000 characters.
type Limits struct {
	// FileBytes caps one file, or one entry of a zip, uncompressed.
	FileBytes int64
	// TotalBytes caps all the files of one import, uncompressed.
	TotalBytes int64
	// ZipRatio caps how many bytes a zip entry over a megabyte may
	// uncompress to per compressed byte (a zip bomb's is in the
	// thousands; CSV and JSON deflate about tenfold).
	ZipRatio int64
	// CellBytes caps one CSV cell; RowBytes one CSV row. A row past either
	// is rejected with the reason; the rest of the file is read.
	CellBytes int
	RowBytes  int
}

// DefaultLimits are the limits of an import that sets none.
var DefaultLimits = Limits{FileBytes: 1 << 30, TotalBytes: 4 << 30, ZipRatio: 200, CellBytes: 64 << 10, RowBytes: 1 << 20}

// ErrOverLimit is wrapped by every error that refuses a source for one of
// its Limits: the import stops there, having written nothing.
var ErrOverLimit = errors.New("over an import limit")

// overLimit is an error wrapping ErrOverLimit, saying which limit and
// what passes it.
func overLimit(format string, args ...any) error {
	return limitError(fmt.Sprintf(format, args...))
}

type limitError string

func (e limitError) Error() string        { return string(e) }
func (e limitError) Is(target error) bool { return target == ErrOverLimit }

// zipRatioFloor is the size under which a zip entry's ratio is not looked
// at: a small file of one repeated byte is no threat.
const zipRatioFloor = 1 << 20

func (l Limits) orDefault() Limits {
	d := DefaultLimits
	return Limits{
		FileBytes:  cmp.Or(l.FileBytes, d.FileBytes),
		TotalBytes: cmp.Or(l.TotalBytes, d.TotalBytes),
		ZipRatio:   cmp.Or(l.ZipRatio, d.ZipRatio),
		CellBytes:  cmp.Or(l.CellBytes, d.CellBytes),
		RowBytes:   cmp.Or(l.RowBytes, d.RowBytes),
	}
}

// boundedFS reads files of an import within its Limits. fs.ReadFile (and
// fs.Sub's) call its ReadFile, so every reader of a folder or zip goes
// through it.
type boundedFS struct {
	fs.FS
	lim  Limits
	read *int64 // bytes read so far, over every file
}

func bounded(fsys fs.FS, lim Limits) fs.FS {
	return boundedFS{FS: fsys, lim: lim.orDefault(), read: new(int64)}
}

// ReadFile reads name whole, refusing it when it declares or holds more
// than the limits allow. The buffer grows with what is read, never with
// what the file's header claims.
func (b boundedFS) ReadFile(name string) ([]byte, error) {
	f, err := b.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	declared := st.Size()
	if declared > b.lim.FileBytes {
		return nil, overLimit("%s is %d bytes, more than the limit of %d bytes for one file (--max-file-bytes)", name, declared, b.lim.FileBytes)
	}
	if h, ok := st.Sys().(*zip.FileHeader); ok && h.UncompressedSize64 > zipRatioFloor {
		if h.CompressedSize64 == 0 || h.UncompressedSize64/h.CompressedSize64 > uint64(b.lim.ZipRatio) {
			return nil, overLimit("%s would uncompress from %d to %d bytes, more than %d times its size (--max-zip-ratio): refused as a zip bomb",
				name, h.CompressedSize64, h.UncompressedSize64, b.lim.ZipRatio)
		}
	}
	var buf bytes.Buffer
	if _, isZip := st.Sys().(*zip.FileHeader); !isZip && st.Mode().IsRegular() {
		// A file on disk is as long as it says: one allocation, not a
		// buffer grown and copied step by step.
		buf.Grow(int(declared) + bytes.MinRead)
	}
	n, err := buf.ReadFrom(io.LimitReader(f, b.lim.FileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if n > b.lim.FileBytes {
		return nil, overLimit("%s is more than the limit of %d bytes for one file (--max-file-bytes)", name, b.lim.FileBytes)
	}
	if *b.read += n; *b.read > b.lim.TotalBytes {
		return nil, overLimit("the import is more than the limit of %d bytes in all, at %s (--max-import-bytes)", b.lim.TotalBytes, name)
	}
	return buf.Bytes(), nil
}
