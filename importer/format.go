package importer

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
	"github.com/paulmach/osm/osmxml"
)

// ErrFormat is returned for a file that is neither OSM PBF nor OSM XML
// (plain, gzip or bzip2).
var ErrFormat = errors.New("unknown format: want .osm.pbf, .osm, .osm.bz2 or .osm.gz")

type format int

const (
	formatPBF format = iota
	formatXML
	formatXMLGzip
	formatXMLBzip2
)

// sniff reads the first bytes of a file to tell its format; names lie more
// often than magic numbers. An XML file, plain or compressed, must have
// <osm> as its root element: an osmChange diff, a GPX track or an HTML page
// saved under a .osm name would otherwise read as an extract without
// places and mark every place of the source gone.
func sniff(path string) (format, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	head := make([]byte, 64)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if n == 0 {
		return 0, errors.New("file is empty")
	}
	var kind format
	switch {
	case len(head) >= 8 && bytes.Contains(head[4:], []byte("OSMHeader")) && binary.BigEndian.Uint32(head) < 64*1024:
		return formatPBF, nil
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		kind = formatXMLGzip
	case bytes.HasPrefix(head, []byte("BZh")):
		kind = formatXMLBzip2
	default:
		kind = formatXML
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	var r io.Reader = bufio.NewReader(f)
	switch kind {
	case formatXMLGzip:
		gz, err := gzip.NewReader(r)
		if err != nil {
			return 0, fmt.Errorf("gzip: %w", err)
		}
		r = gz
	case formatXMLBzip2:
		r = bzip2.NewReader(r)
	}
	root, err := xmlRoot(io.LimitReader(r, 1<<20))
	switch {
	case err != nil && kind == formatXML:
		return 0, ErrFormat
	case err != nil:
		return 0, fmt.Errorf("%w (compressed, but not OSM XML: %v)", ErrFormat, err)
	case root == "osmChange":
		return 0, fmt.Errorf("%w: this is an osmChange diff; apply it with 'openmap update'", ErrFormat)
	case root != "osm":
		return 0, fmt.Errorf("%w: the XML root element is <%s>, not <osm>", ErrFormat, root)
	}
	return kind, nil
}

// xmlRoot returns the name of the first element of an XML stream.
func xmlRoot(r io.Reader) (string, error) {
	dec := xml.NewDecoder(r)
	for {
		tok, err := dec.Token()
		if err != nil {
			if err == io.EOF {
				return "", errors.New("no XML element")
			}
			return "", err
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local, nil
		}
	}
}

// countingReader counts the bytes read from the file, for progress.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// pass says what one reading of the files needs.
type pass struct {
	nodes, ways, relations bool
	filterNode             func(*osm.Node) bool
	filterWay              func(*osm.Way) bool
	filterRelation         func(*osm.Relation) bool
	// misplaced, when set, is raised if a PBF file split by type holds an
	// element of a type the pass does not want inside the range it reads:
	// the file is not sorted after all (see pbfIndex).
	misplaced *atomic.Bool
}

// scanFile runs one pass over one file of the given format (told by sniff
// once per read, not per pass), calling each for every element kept by the
// filters, in file order and from one goroutine. read counts the compressed
// bytes read.
func scanFile(ctx context.Context, path string, fmtKind format, idx *pbfIndex, p pass, procs int, read *atomic.Int64, each func(osm.Object) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var src io.Reader = f
	if idx != nil {
		start, end := idx.span(p)
		src = io.NewSectionReader(f, start, end-start)
	}
	var r io.Reader = bufio.NewReaderSize(countingReader{src, read}, 1<<20)
	var sc osm.Scanner
	switch fmtKind {
	case formatPBF:
		ps := osmpbf.New(ctx, r, procs)
		ps.SkipNodes, ps.SkipWays, ps.SkipRelations = !p.nodes, !p.ways, !p.relations
		ps.FilterNode, ps.FilterWay, ps.FilterRelation = p.filterNode, p.filterWay, p.filterRelation
		if idx != nil && idx.split && p.misplaced != nil {
			// Decode the unwanted types too (there should be none in
			// the range), only to notice them.
			flag := p.misplaced
			if !p.nodes {
				ps.SkipNodes, ps.FilterNode = false, func(*osm.Node) bool { flag.Store(true); return false }
			}
			if !p.ways {
				ps.SkipWays, ps.FilterWay = false, func(*osm.Way) bool { flag.Store(true); return false }
			}
			if !p.relations {
				ps.SkipRelations, ps.FilterRelation = false, func(*osm.Relation) bool { flag.Store(true); return false }
			}
		}
		sc = ps
	case formatXMLGzip:
		gz, err := gzip.NewReader(r)
		if err != nil {
			return fmt.Errorf("gzip: %w", err)
		}
		sc = osmxml.New(ctx, gz)
	case formatXMLBzip2:
		sc = osmxml.New(ctx, bzip2.NewReader(r))
	default:
		sc = osmxml.New(ctx, r)
	}
	defer sc.Close()
	xml := fmtKind != formatPBF
	for sc.Scan() {
		obj := sc.Object()
		if xml && !keepXML(obj, p) {
			continue
		}
		if err := each(obj); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("file is truncated: %w", err)
		}
		return err
	}
	return nil
}

// span is the byte range a pass needs to read in a PBF file.
func (idx *pbfIndex) span(p pass) (start, end int64) {
	start, end = idx.size, 0
	for _, r := range []struct {
		want bool
		rng  [2]int64
	}{{p.nodes, idx.nodes}, {p.ways, idx.ways}, {p.relations, idx.relations}} {
		if r.want {
			start, end = min(start, r.rng[0]), max(end, r.rng[1])
		}
	}
	if end < start {
		return 0, 0
	}
	return start, end
}

// keepXML applies a pass's choices to an XML element, since the XML
// scanner has no filters of its own.
func keepXML(obj osm.Object, p pass) bool {
	switch o := obj.(type) {
	case *osm.Node:
		return p.nodes && (p.filterNode == nil || p.filterNode(o))
	case *osm.Way:
		return p.ways && (p.filterWay == nil || p.filterWay(o))
	case *osm.Relation:
		return p.relations && (p.filterRelation == nil || p.filterRelation(o))
	}
	return false
}
