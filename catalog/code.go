package catalog

import (
	"math/big"
	"strings"
)

// Reorder codes are Crockford base32: a version symbol, a line symbol, the variant's rank
// within its line's valid space (fixed width per line, big-endian), and a check symbol
// (the whole body read as a base-32 number, modulo 37, from Crockford's 37 check symbols).
// Because 37 is prime and larger than 31, every single-symbol substitution and every
// adjacent transposition changes the check. A line of 10^15 variants gets 13-symbol codes.

const (
	crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	checkSyms = crockford + "*~$=U"
)

var symVal [256]int8

func init() {
	for i := range symVal {
		symVal[i] = -1
	}
	for i := 0; i < len(checkSyms); i++ {
		symVal[checkSyms[i]] = int8(i)
		symVal[strings.ToLower(checkSyms[i : i+1])[0]] = int8(i)
	}
	for _, a := range [][2]byte{{'I', '1'}, {'i', '1'}, {'L', '1'}, {'l', '1'}, {'O', '0'}, {'o', '0'}} {
		symVal[a[0]] = symVal[a[1]]
	}
}

// codeWidth is the number of base-32 symbols needed for ranks 0..count-1 (at least 1).
func codeWidth(count *big.Int) int {
	m := new(big.Int).Sub(count, big.NewInt(1))
	w := (m.BitLen() + 4) / 5
	return max(w, 1)
}

// encode builds the code of a valid configuration.
func (l *Line) encode(cfg []int) string {
	buf := make([]byte, 0, 3+l.width)
	buf = append(buf, crockford[l.cat.tag], crockford[l.index])
	if c, ok := l.d.Count64(); ok && c > 0 {
		r, err := l.d.Rank64(cfg)
		if err != nil {
			return ""
		}
		for i := l.width - 1; i >= 0; i-- {
			buf = append(buf, crockford[(r>>(5*uint(i)))&31])
		}
	} else {
		r, err := l.d.Rank(cfg)
		if err != nil {
			return ""
		}
		for i := l.width - 1; i >= 0; i-- {
			var d big.Int
			d.Rsh(r, 5*uint(i))
			buf = append(buf, crockford[d.Uint64()&31])
		}
	}
	return string(append(buf, checkSyms[checksum(buf)]))
}

// checksum is the body read as a base-32 number, modulo 37.
func checksum(body []byte) int {
	acc := 0
	for _, c := range body {
		acc = (acc*32 + int(symVal[c])) % 37
	}
	return acc
}

// parsedCode is a code whose symbols and check are right; its parts still need a catalog.
type parsedCode struct {
	tag, line int
	rank      []byte // symbol values
}

// NormalizeCode returns the canonical form of a code as typed: upper case, hyphens and
// spaces removed, I and L read as 1, O as 0. It does not check the code.
func NormalizeCode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-' || c == ' ':
		case symVal[c] >= 0:
			b.WriteByte(checkSyms[symVal[c]])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// parseCode checks symbols, length and check symbol.
func parseCode(code string) (parsedCode, error) {
	if len(code) > 80 {
		return parsedCode{}, ErrMistyped
	}
	s := NormalizeCode(code)
	if len(s) < 4 {
		return parsedCode{}, ErrMistyped
	}
	body := []byte(s[:len(s)-1])
	for _, c := range body {
		if v := symVal[c]; v < 0 || v >= 32 {
			return parsedCode{}, ErrMistyped
		}
	}
	check := symVal[s[len(s)-1]]
	if check < 0 || int(check) != checksum(body) {
		return parsedCode{}, ErrMistyped
	}
	p := parsedCode{tag: int(symVal[body[0]]), line: int(symVal[body[1]])}
	for _, c := range body[2:] {
		p.rank = append(p.rank, byte(symVal[c]))
	}
	return p, nil
}

// decodeIn resolves a parsed code within this catalog.
func (c *Catalog) decodeIn(p parsedCode) (*Line, []int, error) {
	if p.tag != c.tag {
		return nil, nil, ErrUnknownVersion
	}
	if p.line >= len(c.lines) {
		return nil, nil, ErrUnknownCode
	}
	l := c.lines[p.line]
	if len(p.rank) != l.width {
		// Every code of a line has the same length: a symbol was dropped or doubled, and
		// the check symbol happened to agree (1 time in 37).
		return nil, nil, ErrMistyped
	}
	cfg := make([]int, len(l.vars))
	if _, ok := l.d.Count64(); ok {
		var r uint64
		for _, d := range p.rank {
			r = r<<5 | uint64(d)
		}
		if l.d.Unrank64(r, cfg) != nil {
			return nil, nil, ErrUnknownCode
		}
		return l, cfg, nil
	}
	r := new(big.Int)
	for _, d := range p.rank {
		r.Lsh(r, 5)
		r.Or(r, big.NewInt(int64(d)))
	}
	if l.d.Unrank(r, cfg) != nil {
		return nil, nil, ErrUnknownCode
	}
	return l, cfg, nil
}

// Decode returns the product with the given reorder code, labelled for the profile (its
// name and reasons; pass a zero Profile for an anonymous label). Errors: ErrMistyped,
// ErrUnknownVersion (a code of another catalog version; use Registry.Decode), ErrUnknownCode.
func (c *Catalog) Decode(code string, p Profile) (Product, error) {
	pc, err := parseCode(code)
	if err != nil {
		return Product{}, err
	}
	l, cfg, err := c.decodeIn(pc)
	if err != nil {
		return Product{}, err
	}
	score, _ := l.weigh(&p)
	return l.product(cfg, &p, score), nil
}
