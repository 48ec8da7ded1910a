package importer

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
)

// pbfIndex is the blob layout of a PBF file, read without decompressing the
// data. Most files are sorted by type then id (nodes, then ways, then
// relations), whether or not their header says so; for them the index also
// knows, from a binary search that decompresses a few blobs, where the ways
// and the relations start, so a pass that needs only nodes or only ways
// reads only those blobs. The passes check that the guess held (see
// errUnsorted) and the read starts again over whole files if it did not.
type pbfIndex struct {
	blobs []blobRef
	// split is true when the ranges below are in use.
	split bool
	// Byte ranges, as [start, end) offsets, of the blobs that hold each
	// type. When split is false every range is the whole file.
	nodes, ways, relations [2]int64
	size                   int64
}

type blobRef struct {
	off, end int64 // the frame: length prefix, header and data
	dataOff  int64 // where the Blob message starts
	header   bool  // an OSMHeader blob
}

// Element kinds inside a primitive block, in file order.
const (
	kindNode = iota
	kindWay
	kindRelation
	kindOther
)

// indexPBF walks the blob framing of a PBF file (length, BlobHeader, blob)
// and fails unless the file ends exactly after a whole blob. The PBF decoder
// stops quietly at a cut in the middle of a blob, which would make a
// truncated download look like a smaller extract and mark the missing places
// gone.
func indexPBF(path string) (*pbfIndex, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	idx := &pbfIndex{size: st.Size()}
	r := bufio.NewReader(f)
	var off int64
	for off < idx.size {
		var lenBuf [4]byte
		if _, err := io.ReadFull(r, lenBuf[:]); err != nil {
			return nil, fmt.Errorf("file is truncated: cut inside the header length at byte %d", off)
		}
		hlen := int64(binary.BigEndian.Uint32(lenBuf[:]))
		if hlen == 0 || hlen > 64*1024 {
			return nil, fmt.Errorf("file is corrupt: blob header of %d bytes at byte %d", hlen, off)
		}
		head := make([]byte, hlen)
		if _, err := io.ReadFull(r, head); err != nil {
			return nil, fmt.Errorf("file is truncated: cut inside a blob header at byte %d", off)
		}
		typ, dsize, err := parseBlobHeader(head)
		if err != nil {
			return nil, fmt.Errorf("file is corrupt at byte %d: %w", off, err)
		}
		dataOff := off + 4 + hlen
		if dataOff+dsize > idx.size {
			return nil, fmt.Errorf("file is truncated: blob at byte %d needs %d bytes, %d left", dataOff, dsize, idx.size-dataOff)
		}
		if _, err := r.Discard(int(dsize)); err != nil {
			return nil, fmt.Errorf("file is truncated at byte %d: %w", dataOff, err)
		}
		idx.blobs = append(idx.blobs, blobRef{off: off, end: dataOff + dsize, dataOff: dataOff, header: typ == "OSMHeader"})
		off = dataOff + dsize
	}
	if len(idx.blobs) == 0 {
		return nil, errors.New("file is empty")
	}
	idx.whole()
	if err := idx.findRanges(f); errors.Is(err, errUnsupportedCompression) {
		return nil, err
	} else if err != nil {
		// Blobs that mix types, or a blob that cannot be read:
		// read every blob in every pass, which is always right.
		idx.whole()
	} else {
		idx.split = true
	}
	return idx, nil
}

// whole makes every pass read the whole file.
func (idx *pbfIndex) whole() {
	all := [2]int64{0, idx.size}
	idx.nodes, idx.ways, idx.relations, idx.split = all, all, all, false
}

// findRanges finds, by binary search over the sorted blobs, where nodes end
// and ways and relations start and end.
func (idx *pbfIndex) findRanges(f io.ReaderAt) error {
	data := idx.blobs
	if data[0].header {
		data = data[1:]
	}
	n := len(data)
	if n == 0 {
		return errors.New("no data blocks")
	}
	kinds := make(map[int][2]int, 8) // blob → min, max kind
	var ferr error
	kind := func(i int) [2]int {
		if k, ok := kinds[i]; ok {
			return k
		}
		min, max, err := blobKinds(f, data[i])
		if err != nil && ferr == nil {
			ferr = err
		}
		kinds[i] = [2]int{min, max}
		return kinds[i]
	}
	// first blob whose max (min) kind is at least k
	firstMax := func(k int) int { return sort.Search(n, func(i int) bool { return kind(i)[1] >= k }) }
	firstMin := func(k int) int { return sort.Search(n, func(i int) bool { return kind(i)[0] >= k }) }
	at := func(i int) int64 {
		if i >= n {
			return idx.size
		}
		return data[i].off
	}
	start := data[0].off
	idx.nodes = [2]int64{start, at(firstMin(kindWay))}
	// Ways are read to the end of the file: a way after the first
	// relation (a file that is not quite sorted) is then still seen, and
	// the relation blobs cost little, skipped undecoded.
	idx.ways = [2]int64{at(firstMax(kindWay)), idx.size}
	idx.relations = [2]int64{at(firstMax(kindRelation)), idx.size}
	waysEnd := at(firstMin(kindRelation))
	if ferr != nil {
		return ferr
	}
	if idx.nodes[1] != idx.ways[0] || waysEnd != idx.relations[0] {
		return errors.New("blocks mix element types")
	}
	return nil
}

// blobKinds tells the lowest and highest element kind in a data blob.
func blobKinds(f io.ReaderAt, b blobRef) (min, max int, err error) {
	raw, err := blobData(f, b)
	if err != nil {
		return kindNode, kindOther, err
	}
	min, max = kindOther, kindNode
	err = eachField(raw, func(field int, _ uint64, group []byte) error {
		if field != 2 { // PrimitiveBlock.primitivegroup
			return nil
		}
		return eachField(group, func(gf int, _ uint64, _ []byte) error {
			k := kindOther
			switch gf {
			case 1, 2: // nodes, dense
				k = kindNode
			case 3:
				k = kindWay
			case 4:
				k = kindRelation
			}
			if k < min {
				min = k
			}
			if k > max {
				max = k
			}
			return nil
		})
	})
	if min > max {
		min, max = kindNode, kindOther
	}
	return min, max, err
}

// errUnsupportedCompression: lz4, lzma or zstd blobs, which the PBF decoder
// cannot read either.
var errUnsupportedCompression = errors.New("PBF blocks compressed other than with zlib are not supported; convert the file with 'osmium cat -f pbf,pbf_compression=zlib -o OUT IN'")

// blobData reads and decompresses one blob (raw or zlib).
func blobData(f io.ReaderAt, b blobRef) ([]byte, error) {
	msg := make([]byte, b.end-b.dataOff)
	if _, err := f.ReadAt(msg, b.dataOff); err != nil {
		return nil, err
	}
	var raw, zdata []byte
	if err := eachField(msg, func(field int, _ uint64, v []byte) error {
		switch field {
		case 1:
			raw = v
		case 3:
			zdata = v
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if raw != nil {
		return raw, nil
	}
	if zdata == nil {
		return nil, errUnsupportedCompression
	}
	zr, err := zlib.NewReader(bytes.NewReader(zdata))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(io.LimitReader(zr, 64<<20))
}

// parseBlobHeader reads type (field 1) and datasize (field 3) of a BlobHeader.
func parseBlobHeader(b []byte) (typ string, size int64, err error) {
	size = -1
	err = eachField(b, func(field int, v uint64, s []byte) error {
		switch field {
		case 1:
			typ = string(s)
		case 3:
			if v > 64<<20 {
				return fmt.Errorf("blob of %d bytes is larger than the PBF limit", v)
			}
			size = int64(v)
		}
		return nil
	})
	if err == nil && size < 0 {
		err = errors.New("blob header without a data size")
	}
	return typ, size, err
}

// eachField calls f for each field of a protobuf message: varints with v,
// length-delimited fields with b. Other wire types are skipped.
func eachField(b []byte, f func(field int, v uint64, b []byte) error) error {
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 {
			return errors.New("bad protobuf")
		}
		b = b[n:]
		field, wire := int(key>>3), key&7
		switch wire {
		case 0:
			v, n := binary.Uvarint(b)
			if n <= 0 {
				return errors.New("bad protobuf")
			}
			b = b[n:]
			if err := f(field, v, nil); err != nil {
				return err
			}
		case 1:
			if len(b) < 8 {
				return errors.New("bad protobuf")
			}
			b = b[8:]
		case 2:
			l, n := binary.Uvarint(b)
			if n <= 0 || uint64(len(b)-n) < l {
				return errors.New("bad protobuf")
			}
			if err := f(field, 0, b[n:n+int(l)]); err != nil {
				return err
			}
			b = b[n+int(l):]
		case 5:
			if len(b) < 4 {
				return errors.New("bad protobuf")
			}
			b = b[4:]
		default:
			return errors.New("bad protobuf wire type")
		}
	}
	return nil
}
