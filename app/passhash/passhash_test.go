package passhash_test

import (
	"errors"
	"strings"
	"testing"

	"atelier/app/passhash"
)

// cheap is the test cost apptest uses.
var cheap = passhash.Params{Time: 1, MemoryKiB: 64, Threads: 1}

func TestProductionDefaults(t *testing.T) {
	want := passhash.Params{Time: 2, MemoryKiB: 19 * 1024, Threads: 1}
	if got := passhash.Default(); got != want {
		t.Fatalf("Default() = %+v, want t=2, m=19 MiB, p=1", got)
	}
	if got := (passhash.Params{}).OrDefault(); got != want {
		t.Fatalf("zero Params = %+v, want the production defaults", got)
	}
	if got := cheap.OrDefault(); got != cheap {
		t.Fatalf("OrDefault changed set parameters: %+v", got)
	}
	h, err := passhash.Params{}.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q does not record the production parameters", h)
	}
}

func TestHashRecordsItsParameters(t *testing.T) {
	for _, p := range []passhash.Params{cheap, {Time: 3, MemoryKiB: 128, Threads: 2}} {
		h, err := p.Hash("correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		if got, err := passhash.Parse(h); err != nil || got != p {
			t.Fatalf("Parse(%q) = %+v, %v; want %+v", h, got, err, p)
		}
		if h2, _ := p.Hash("correct horse battery"); h2 == h {
			t.Fatal("two hashes of one password are equal: no salt")
		}
	}
}

func TestVerify(t *testing.T) {
	h, err := cheap.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	prod, err := passhash.Default().Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, hash, pw string
		ok, malformed  bool
	}{
		{"right password", h, "correct horse battery", true, false},
		{"production hash, whatever the current cost", prod, "correct horse battery", true, false},
		{"wrong password", h, "correct horse batterY", false, false},
		{"empty password", h, "", false, false},
		{"empty hash", "", "x", false, true},
		{"plain text", "plain", "x", false, true},
		{"argon2i", "$argon2i$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA", "x", false, true},
		{"old version", "$argon2id$v=18$m=64,t=1,p=1$c2FsdA$aGFzaA", "x", false, true},
		{"bad salt", "$argon2id$v=19$m=64,t=1,p=1$!!$aGFzaA", "x", false, true},
		{"no key", "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$", "x", false, true},
		{"no passes", "$argon2id$v=19$m=64,t=0,p=1$c2FsdA$aGFzaA", "x", false, true},
		{"no threads", "$argon2id$v=19$m=64,t=1,p=0$c2FsdA$aGFzaA", "x", false, true},
		{"too little memory", "$argon2id$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA", "x", false, true},
		{"hostile memory", "$argon2id$v=19$m=4194304,t=1,p=1$c2FsdA$aGFzaA", "x", false, true},
		{"hostile passes", "$argon2id$v=19$m=64,t=1000,p=1$c2FsdA$aGFzaA", "x", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := passhash.Verify(tc.hash, tc.pw)
			if ok != tc.ok || errors.Is(err, passhash.ErrMalformed) != tc.malformed {
				t.Fatalf("Verify = %v, %v; want ok=%v malformed=%v", ok, err, tc.ok, tc.malformed)
			}
		})
	}
}

func TestHashRefusesParametersOutOfBounds(t *testing.T) {
	for _, p := range []passhash.Params{{Time: 0, MemoryKiB: 64, Threads: 1}, {Time: 1, MemoryKiB: 4, Threads: 1}, {Time: 1, MemoryKiB: 64, Threads: 0}} {
		if _, err := p.Hash("x"); err == nil {
			t.Errorf("Hash with %+v succeeded", p)
		}
	}
}

// FuzzVerify checks that no stored string, however mangled, panics verification or makes it
// match.
func FuzzVerify(f *testing.F) {
	h, _ := cheap.Hash("pw")
	f.Add(h, "pw")
	f.Add("$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA", "x")
	f.Add("$argon2id$v=19$m=0,t=0,p=0$$", "")
	f.Add("$$$$$", "x")
	f.Fuzz(func(t *testing.T, encoded, pw string) {
		if p, err := passhash.Parse(encoded); err == nil && (p.MemoryKiB > 1024 || p.Time > 2) {
			t.Skip("valid but costly: not worth a fuzz iteration")
		}
		ok, err := passhash.Verify(encoded, pw)
		if err != nil {
			if ok {
				t.Fatal("a match with an error")
			}
			return
		}
		if _, perr := passhash.Parse(encoded); perr != nil {
			t.Fatalf("Verify accepted what Parse refuses: %q", encoded)
		}
	})
}

func BenchmarkVerify(b *testing.B) {
	for _, tc := range []struct {
		name string
		p    passhash.Params
	}{{"production", passhash.Default()}, {"test", cheap}} {
		h, _ := tc.p.Hash("correct horse battery")
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if ok, _ := passhash.Verify(h, "correct horse battery"); !ok {
					b.Fatal("no match")
				}
			}
		})
	}
}
