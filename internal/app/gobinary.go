package app

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"strings"
)

// goBinaryPaths reads the build information a Go 1.18+ toolchain writes
// into every binary: the main package's path and the main module's path,
// as debug/buildinfo.ReadFile reports them in Path and Main.Path. ok is
// false for anything else (scripts, other programs, older Go binaries).
//
// forward.go needs only this to recognise a passotp on PATH, and linking
// debug/buildinfo (with debug/elf, debug/dwarf, debug/macho, debug/pe and
// internal/zstd, and their package init) cost every `passotp NAME`
// 0.3-0.5 ms CPU, ~10% (issue 3: interleaved runs of 1000).
//
// The header is the 32-byte block of the .go.buildinfo section (any object
// format): "\xff Go buildinf:", the pointer size, a flags byte with bit 2
// set for inline strings, padding, then the Go version and the module info
// as uvarint-prefixed strings; the module info is wrapped in 16-byte
// sentinels and holds lines "path\tPKG" and "mod\tMODULE\tVERSION…".
func goBinaryPaths(name string) (path, mainPath string, ok bool) {
	f, err := os.Open(name)
	if err != nil {
		return "", "", false
	}
	defer f.Close()
	var head [2]byte
	if _, err := io.ReadFull(f, head[:]); err != nil || string(head[:]) == "#!" {
		return "", "", false // the real pass is a script
	}
	fi, err := f.Stat()
	if err != nil || fi.Size() > maxGoBinary {
		return "", "", false
	}
	b, err := io.ReadAll(io.NewSectionReader(f, 0, fi.Size()))
	if err != nil {
		return "", "", false
	}
	return parseGoBuildInfo(b)
}

// maxGoBinary bounds what goBinaryPaths reads.
const maxGoBinary = 1 << 30

var buildInfoMagic = []byte("\xff Go buildinf:")

// parseGoBuildInfo finds and parses the build information header in the
// contents of a binary. The magic string may also occur as data (in a
// binary that links debug/buildinfo): every occurrence is tried.
func parseGoBuildInfo(b []byte) (path, mainPath string, ok bool) {
	for off := 0; ; {
		i := bytes.Index(b[off:], buildInfoMagic)
		if i < 0 {
			return "", "", false
		}
		off += i
		if path, mainPath, ok = parseBuildInfoAt(b[off:]); ok {
			return path, mainPath, true
		}
		off += len(buildInfoMagic)
	}
}

func parseBuildInfoAt(h []byte) (path, mainPath string, ok bool) {
	const hdrSize, flagsVersionInl = 32, 0x2
	if len(h) < hdrSize || (h[14] != 4 && h[14] != 8) || h[15]&flagsVersionInl == 0 {
		return "", "", false
	}
	rest := h[hdrSize:]
	str := func() (string, bool) {
		n, w := binary.Uvarint(rest)
		if w <= 0 || n > uint64(len(rest)-w) {
			return "", false
		}
		s := string(rest[w : w+int(n)])
		rest = rest[w+int(n):]
		return s, true
	}
	vers, ok1 := str()
	mod, ok2 := str()
	if !ok1 || !ok2 || !strings.HasPrefix(vers, "go") {
		return "", "", false
	}
	// The sentinels around the module info (debug/buildinfo strips them
	// the same way).
	if len(mod) >= 33 && mod[len(mod)-17] == '\n' {
		mod = mod[16 : len(mod)-16]
	} else {
		mod = ""
	}
	for _, line := range strings.Split(mod, "\n") {
		if p, found := strings.CutPrefix(line, "path\t"); found {
			path = p
		} else if m, found := strings.CutPrefix(line, "mod\t"); found {
			mainPath, _, _ = strings.Cut(m, "\t")
		}
	}
	return path, mainPath, true
}
