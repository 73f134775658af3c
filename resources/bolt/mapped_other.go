//go:build !linux

package bolt

// fileID is unused where there is no /proc/self/maps to read.
type fileID struct{}

func fileIDOf(string) (fileID, error) { return fileID{}, nil }

// ReleaseMapped does nothing here: the system manages the map alone.
func (db *DB) ReleaseMapped() error { return nil }

// KeepMappedUnder does nothing here either.
func (db *DB) KeepMappedUnder(int64) (stop func()) { return func() {} }
