package hsds

import (
	"encoding/binary"
	"hash/maphash"
	"math"
	"reflect"
	"sync"
	"time"
	"unsafe"
)

// This file hashes records and children for LoadStream (streamer.sum):
// equal sums for values reflect.DeepEqual holds equal, different ones,
// all but surely, for others. hashValue walks any value by reflection;
// valueHasher does the same walk for one type, planned once, reading
// fields at their offsets: hashing every record of a 20k import by
// reflection was a twentieth of the import's time.

// hashValue hashes v into h, by reflection: the plan valueHasher follows,
// and its fallback for maps and interfaces.
func hashValue(h *maphash.Hash, v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		hashNum(h, uint64(v.Len()))
		h.WriteString(v.String())
	case reflect.Bool:
		hashBool(h, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		hashNum(h, uint64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		hashNum(h, v.Uint())
	case reflect.Float32, reflect.Float64:
		hashNum(h, math.Float64bits(v.Float()))
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			hashNum(h, 0)
			return
		}
		hashNum(h, 1)
		hashValue(h, v.Elem())
	case reflect.Slice:
		if v.IsNil() {
			hashNum(h, 0)
			return
		}
		hashNum(h, uint64(v.Len())+1)
		if v.Type().Elem().Kind() == reflect.Uint8 {
			h.Write(v.Bytes())
			return
		}
		for i := range v.Len() {
			hashValue(h, v.Index(i))
		}
	case reflect.Array:
		for i := range v.Len() {
			hashValue(h, v.Index(i))
		}
	case reflect.Struct:
		if v.Type() == timeType && v.CanInterface() {
			hashTime(h, v.Interface().(time.Time))
			return
		}
		for i := range v.NumField() {
			hashValue(h, v.Field(i))
		}
	case reflect.Map:
		// In no order: the sum of each entry's own hash.
		var total uint64
		seed := h.Seed()
		iter := v.MapRange()
		for iter.Next() {
			var e maphash.Hash
			e.SetSeed(seed)
			hashValue(&e, iter.Key())
			hashValue(&e, iter.Value())
			total += e.Sum64()
		}
		hashNum(h, uint64(v.Len()))
		hashNum(h, total)
	default:
		// Channels and functions are in no record.
		h.WriteString(v.Kind().String())
	}
}

func hashNum(h *maphash.Hash, x uint64) {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], x)
	h.Write(n[:])
}

func hashBool(h *maphash.Hash, b bool) {
	if b {
		hashNum(h, 1)
	} else {
		hashNum(h, 0)
	}
}

func hashTime(h *maphash.Hash, t time.Time) {
	hashNum(h, uint64(t.UnixNano()))
	h.WriteString(t.Location().String())
}

// valueHasher hashes the value of one type at p into h, as hashValue
// does the value there.
type valueHasher func(h *maphash.Hash, p unsafe.Pointer)

var (
	hashersMu sync.Mutex
	hashers   sync.Map // reflect.Type → valueHasher
)

// hasherOf returns the valueHasher of t, planned on first use.
func hasherOf(t reflect.Type) valueHasher {
	if f, ok := hashers.Load(t); ok {
		return f.(valueHasher)
	}
	hashersMu.Lock()
	defer hashersMu.Unlock()
	if f, ok := hashers.Load(t); ok {
		return f.(valueHasher)
	}
	planned := map[reflect.Type]*valueHasher{}
	f := planHasher(t, planned)
	// Published whole: a type met again while planning (a service nests
	// services, through its organization) calls through planned.
	for typ, f := range planned {
		hashers.Store(typ, *f)
	}
	return f
}

// planHasher plans t's valueHasher; planned holds those planned or being
// planned, which a type met again within its own calls through.
func planHasher(t reflect.Type, planned map[reflect.Type]*valueHasher) valueHasher {
	if f, ok := hashers.Load(t); ok {
		return f.(valueHasher)
	}
	if slot, ok := planned[t]; ok {
		return func(h *maphash.Hash, p unsafe.Pointer) { (*slot)(h, p) }
	}
	slot := new(valueHasher)
	planned[t] = slot
	*slot = plan(t, planned)
	return *slot
}

func plan(t reflect.Type, planned map[reflect.Type]*valueHasher) valueHasher {
	switch t.Kind() {
	case reflect.String:
		return func(h *maphash.Hash, p unsafe.Pointer) {
			s := *(*string)(p)
			hashNum(h, uint64(len(s)))
			h.WriteString(s)
		}
	case reflect.Bool:
		return func(h *maphash.Hash, p unsafe.Pointer) { hashBool(h, *(*bool)(p)) }
	case reflect.Int:
		return func(h *maphash.Hash, p unsafe.Pointer) { hashNum(h, uint64(*(*int)(p))) }
	case reflect.Int64:
		return func(h *maphash.Hash, p unsafe.Pointer) { hashNum(h, uint64(*(*int64)(p))) }
	case reflect.Int32:
		return func(h *maphash.Hash, p unsafe.Pointer) { hashNum(h, uint64(*(*int32)(p))) }
	case reflect.Float64:
		return func(h *maphash.Hash, p unsafe.Pointer) { hashNum(h, math.Float64bits(*(*float64)(p))) }
	case reflect.Pointer:
		elem := planHasher(t.Elem(), planned)
		return func(h *maphash.Hash, p unsafe.Pointer) {
			q := *(*unsafe.Pointer)(p)
			if q == nil {
				hashNum(h, 0)
				return
			}
			hashNum(h, 1)
			elem(h, q)
		}
	case reflect.Slice:
		var elem valueHasher // nil: bytes, written whole
		if t.Elem().Kind() != reflect.Uint8 {
			elem = planHasher(t.Elem(), planned)
		}
		size := t.Elem().Size()
		return func(h *maphash.Hash, p unsafe.Pointer) {
			// Any slice's header, read as a []byte's: its data and length.
			s := *(*[]byte)(p)
			if s == nil {
				hashNum(h, 0)
				return
			}
			hashNum(h, uint64(len(s))+1)
			if elem == nil {
				h.Write(s)
				return
			}
			data := unsafe.Pointer(unsafe.SliceData(s))
			for i := range len(s) {
				elem(h, unsafe.Add(data, uintptr(i)*size))
			}
		}
	case reflect.Struct:
		if t == timeType {
			return func(h *maphash.Hash, p unsafe.Pointer) { hashTime(h, *(*time.Time)(p)) }
		}
		type field struct {
			offset uintptr
			hash   valueHasher
		}
		fields := make([]field, t.NumField())
		for i := range fields {
			f := t.Field(i)
			fields[i] = field{f.Offset, planHasher(f.Type, planned)}
		}
		return func(h *maphash.Hash, p unsafe.Pointer) {
			for _, f := range fields {
				f.hash(h, unsafe.Add(p, f.offset))
			}
		}
	}
	// What records hold seldom (maps, interfaces, other numbers) is
	// walked by reflection.
	return func(h *maphash.Hash, p unsafe.Pointer) { hashValue(h, reflect.NewAt(t, p).Elem()) }
}
