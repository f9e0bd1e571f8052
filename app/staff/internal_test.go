package staff

import (
	"strings"
	"testing"

	"atelier/app/passhash"
	"atelier/catalog"
	"atelier/fulfillment"
)

// TestPasswordCost checks staff accounts hash at production cost (argon2id t=2, m=19 MiB,
// p=1) unless told otherwise, and that a lower cost is only ever what the options ask for.
func TestPasswordCost(t *testing.T) {
	prod := passhash.Params{Time: 2, MemoryKiB: 19 * 1024, Threads: 1}
	cheap := passhash.Params{Time: 1, MemoryKiB: 64, Threads: 1}
	for _, tc := range []struct {
		name string
		acc  *Accounts
		want passhash.Params
	}{
		{"NewAccounts", NewAccounts(nil, nil), prod},
		{"options left zero", NewAccountsWithOptions(nil, AccountsOptions{}), prod},
		{"options with a test cost", NewAccountsWithOptions(nil, AccountsOptions{Passwords: cheap}), cheap},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.acc.argon != tc.want {
				t.Fatalf("argon2id cost %+v, want %+v", tc.acc.argon, tc.want)
			}
		})
	}
	h, err := NewAccounts(nil, nil).argon.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not PHC argon2id with the OWASP parameters", h)
	}
}

func TestGeneratePassword(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		pw := GeneratePassword()
		if len(pw) != 20 || validatePassword(pw) != "" || strings.ContainsAny(pw, "0O1lI") || seen[pw] {
			t.Fatalf("bad password %q", pw)
		}
		seen[pw] = true
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/staff/jobs/1":           "/staff/jobs/1",
		"/staff?x=1&y=2":          "/staff?x=1&y=2",
		"":                        "/staff",
		"staff":                   "/staff",
		"//evil.example":          "/staff",
		"/\\evil.example":         "/staff",
		"https://evil.example/x":  "/staff",
		"/ok\r\nSet-Cookie: x=1":  "/staff",
		"javascript:alert(1)":     "/staff",
		"/%2F%2Fevil.example":     "/%2F%2Fevil.example",
		"/staff/../../etc/passwd": "/staff/../../etc/passwd",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzLocalPath: whatever next says, the login never redirects off the site.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/staff", "//x", "/\\x", "https://x", "/a?b=c", "\t//x", "/%5C%5Cx", "/\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := localPath(s)
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\r\n") {
			t.Fatalf("localPath(%q) = %q leaves the site", s, got)
		}
	})
}

func TestPhasesAndGrams(t *testing.T) {
	rows := []catalog.FormulaRow{
		{INCI: "Aqua", Percent: 8000, Phase: "A"}, {INCI: "Oil", Percent: 1550, Phase: "B"},
		{INCI: "Glycerin", Percent: 400, Phase: "A"}, {INCI: "Active", Percent: 50, Phase: "C"},
	}
	ph := phases(rows, 30, 3)
	if len(ph) != 3 || ph[0].Name != "A" || len(ph[0].Rows) != 2 || ph[0].Note == "" {
		t.Fatalf("phases = %+v", ph)
	}
	for _, tc := range []struct {
		row        sheetRow
		unit, line string
	}{{ph[0].Rows[0], "24.00", "72.00"}, {ph[1].Rows[0], "4.65", "13.95"}, {ph[2].Rows[0], "0.15", "0.45"}} {
		if tc.row.GramsUnit != tc.unit || tc.row.GramsBatch != tc.line {
			t.Errorf("%s: %s g / %s g, want %s / %s", tc.row.INCI, tc.row.GramsUnit, tc.row.GramsBatch, tc.unit, tc.line)
		}
	}
	for raw, n := range map[string]int{`[{"inci":"Aqua","percent":100.00,"phase":"A"}]`: 1, `{"formula":[{"inci":"Aqua","percent":100}]}`: 1, `{"rows":[]}`: 0, `nonsense`: 0, ``: 0} {
		if got := parseFormula(fulfillment.JSONText(raw)); len(got) != n {
			t.Errorf("parseFormula(%s) = %d rows, want %d", raw, len(got), n)
		}
	}
	if p := parsePackaging(fulfillment.JSONText(`{"packaging":{"size_ml":50,"shape":"jar"}}`)); p.SizeML != 50 || p.Shape != "jar" {
		t.Errorf("wrapped packaging = %+v", p)
	}
	if sizeFromLabel("Travel 30 ml") != 30 || sizeFromLabel("large") != 0 {
		t.Error("sizeFromLabel")
	}

	// Phases print in mixing order, A, B, C…, whatever order the snapshot lists them in;
	// rows keep their order within a phase.
	shuffled := []catalog.FormulaRow{
		{INCI: "Active", Phase: "C"}, {INCI: "Oil", Phase: "B"}, {INCI: "Aqua", Phase: "A"},
		{INCI: "Perfume", Phase: "C"}, {INCI: "Glycerin", Phase: "A"}, {INCI: "Tint", Phase: "D"},
	}
	var got []string
	for _, p := range phases(shuffled, 30, 1) {
		got = append(got, p.Name+":")
		for _, r := range p.Rows {
			got = append(got, r.INCI)
		}
	}
	if want := "A: Aqua Glycerin B: Oil C: Active Perfume D: Tint"; strings.Join(got, " ") != want {
		t.Errorf("phases in order %q, want %q", strings.Join(got, " "), want)
	}
}

func TestCharts(t *testing.T) {
	c := columnChart([]string{"a", "b", "c"}, []int64{0, 5, 10})
	if len(c.Bars) != 3 || c.Bars[0].H != 0 || c.Bars[2].H != 2*c.Bars[1].H || c.Bars[2].Y+c.Bars[2].H != c.Height-40 {
		t.Errorf("column chart %+v", c.Bars)
	}
	r := rowChart([]string{"q1", "q2"}, []int64{100, 50}, []int64{10, 50})
	if r.Bars[0].W != 2*r.Bars[1].W || r.Bars[1].W2 != r.Bars[1].W {
		t.Errorf("row chart %+v", r.Bars)
	}
	if empty := columnChart(nil, nil); len(empty.Bars) != 0 {
		t.Error("bars from nothing")
	}
}
