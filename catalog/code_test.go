package catalog

import (
	"errors"
	"math/big"
	"math/rand"
	"strings"
	"testing"
)

func sampleCodes(tb testing.TB, c *Catalog, per int) []string {
	r := rand.New(rand.NewSource(7))
	var out []string
	for _, l := range c.lines {
		n, _ := l.d.Count64()
		for k := 0; k < per; k++ {
			rank := uint64(r.Int63n(int64(n)))
			if k == 0 {
				rank = 0
			} else if k == 1 {
				rank = n - 1
			}
			cfg := make([]int, len(l.vars))
			if err := l.d.Unrank64(rank, cfg); err != nil {
				tb.Fatal(err)
			}
			out = append(out, l.encode(cfg))
		}
	}
	return out
}

func TestCodeRoundTrip(t *testing.T) {
	c := mustDefault(t)
	for _, code := range sampleCodes(t, c, 50) {
		if len(code) > 13 {
			t.Fatalf("code %q longer than 13", code)
		}
		p, err := c.Decode(code, Profile{})
		if err != nil || p.Code != code {
			t.Fatalf("decode %q: %v (%q)", code, err, p.Code)
		}
		// Typed carelessly: lower case, hyphens, spaces, I/L for 1 and O for 0.
		sloppy := strings.ToLower(code[:3]) + "-" + code[3:6] + " " + code[6:]
		sloppy = strings.NewReplacer("1", "l", "0", "o").Replace(sloppy)
		if p2, err := c.Decode(sloppy, Profile{}); err != nil || p2.Code != code {
			t.Fatalf("decode sloppy %q: %v", sloppy, err)
		}
	}
}

// TestCodeTypos: every single-symbol substitution and adjacent transposition is caught.
func TestCodeTypos(t *testing.T) {
	c := mustDefault(t)
	for _, code := range sampleCodes(t, c, 5) {
		for i := range code {
			for _, s := range checkSyms {
				if byte(s) == code[i] {
					continue
				}
				typo := code[:i] + string(s) + code[i+1:]
				if _, err := c.Decode(typo, Profile{}); !errors.Is(err, ErrMistyped) {
					t.Fatalf("substitution %q -> %q not detected: %v", code, typo, err)
				}
			}
			if i+1 < len(code) && code[i] != code[i+1] {
				b := []byte(code)
				b[i], b[i+1] = b[i+1], b[i]
				if _, err := c.Decode(string(b), Profile{}); !errors.Is(err, ErrMistyped) {
					t.Fatalf("transposition %q -> %q not detected: %v", code, b, err)
				}
			}
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	c := mustDefault(t)
	good := sampleCodes(t, c, 1)[0]
	withCheck := func(body string) string { return body + string(checkSyms[checksum([]byte(body))]) }
	tests := []struct {
		name, code string
		want       error
	}{
		{"empty", "", ErrMistyped},
		{"short", "2X", ErrMistyped},
		{"bad symbol", "2!" + good[2:], ErrMistyped},
		{"U in body", "U" + good[1:], ErrMistyped},
		{"wrong check", good[:len(good)-1] + "0", ErrMistyped},
		{"unknown version", withCheck("9" + good[1:len(good)-1]), ErrUnknownVersion},
		{"unknown line", withCheck(good[:1] + "Z" + good[2:len(good)-1]), ErrUnknownCode},
		{"one symbol too many", withCheck(good[:len(good)-1] + "0"), ErrMistyped},
		{"one symbol short", withCheck(good[:len(good)-2]), ErrMistyped},
		{"short, check passes (audit)", "200X6QJ", ErrMistyped},
		{"rank past the end", withCheck(good[:2] + strings.Repeat("Z", len(good)-3)), ErrUnknownCode},
	}
	if good[len(good)-1] == '0' {
		tests[4].code = good[:len(good)-1] + "1"
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := c.Decode(tt.code, Profile{}); !errors.Is(err, tt.want) {
				t.Fatalf("Decode(%q) = %v, want %v", tt.code, err, tt.want)
			}
		})
	}
}

func TestCodeLengthFor10To15(t *testing.T) {
	quad := new(big.Int).Exp(big.NewInt(10), big.NewInt(15), nil)
	if w := codeWidth(quad); 3+w > 13 {
		t.Fatalf("10^15 variants need %d-symbol codes", 3+w)
	}
	c, err := Load([]byte(wideLineYAML(50, 10)))
	if err != nil {
		t.Fatal(err)
	}
	l := c.lines[0]
	if l.Count().Cmp(big.NewInt(1e12)) < 0 {
		t.Fatalf("count %v below 10^12", l.Count())
	}
	prod, err := l.Best(curlyProfile())
	if err != nil {
		t.Fatal(err)
	}
	if len(prod.Code) != 3+l.width || len(prod.Code) > 13 {
		t.Fatalf("code %q for %v variants", prod.Code, l.Count())
	}
	back, err := c.Decode(prod.Code, Profile{})
	if err != nil || back.Code != prod.Code {
		t.Fatalf("round trip %q: %v", prod.Code, err)
	}
}

func FuzzDecode(f *testing.F) {
	c, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	r, err := NewDefaultRegistry(nil)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range sampleCodes(f, c, 2) {
		f.Add(s)
	}
	for _, s := range []string{"", "0000", "2-0-1-G", "uuuuuuuu", "ilo0ILO0", "*~$=U", strings.Repeat("Z", 40), "é漢字"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		p, err := r.Decode(code, Profile{Name: code})
		if err != nil {
			if !errors.Is(err, ErrMistyped) && !errors.Is(err, ErrUnknownCode) && !errors.Is(err, ErrUnknownVersion) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if NormalizeCode(code) != p.Code {
			t.Fatalf("decoded %q as %q", code, p.Code)
		}
	})
}
