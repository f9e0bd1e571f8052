package catalog

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app/database/databasetest"
)

// BenchmarkBest: the best product (with formula, reasons, packaging and code) per line of
// the default catalog, and on a generated line of more than 10^12 variants.
func BenchmarkBest(b *testing.B) {
	c := mustDefault(b)
	p := curlyProfile()
	for _, l := range c.lines {
		b.Run(l.id+"/engine_only", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := l.best(&p); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(l.id, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := l.Best(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	wide, err := Load([]byte(wideLineYAML(50, 10)))
	if err != nil {
		b.Fatal(err)
	}
	l := wide.lines[0]
	n, e := l.DiagramSize()
	b.Run(fmt.Sprintf("wide_%.1e_variants/engine_only", mustFloat(l)), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := l.best(&p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run(fmt.Sprintf("wide_%.1e_variants", mustFloat(l)), func(b *testing.B) {
		b.Logf("wide line: %v valid variants, diagram %d nodes, %d edges", l.Count(), n, e)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := l.Best(p); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func mustFloat(l *Line) float64 {
	f, _ := l.Count().Float64()
	return f
}

// bruteBest enumerates every combination (pick dimensions only within their min..max
// picks), checks every rule, scores it and keeps the best: what a generator without a
// compiled structure must do. It visits variants in rank order, so ties match the engine.
func bruteBest(l *Line, score, allowed [][]int64, ok [][]bool) ([]int, int) {
	cfg := make([]int, len(l.vars))
	var best []int
	var bestS, bestT int64
	visited := 0
	var dimAt func(di int)
	leaf := func() {
		for _, r := range l.rules {
			if bad, _ := r.broken(cfg, nil); bad {
				return
			}
		}
		visited++
		if !hardOK(cfg, ok) {
			return
		}
		var s, t int64
		for i, v := range cfg {
			s += score[i][v]
			t += allowed[i][v]
		}
		if best == nil || s > bestS || (s == bestS && t > bestT) {
			best, bestS, bestT = append(best[:0], cfg...), s, t
		}
	}
	dimAt = func(di int) {
		if di == len(l.dims) {
			leaf()
			return
		}
		d := l.dims[di]
		if !d.pick {
			for v := range d.options {
				cfg[d.firstVar] = v
				dimAt(di + 1)
			}
			return
		}
		var opt func(k, count int)
		opt = func(k, count int) {
			if k == len(d.options) {
				if count >= d.min {
					dimAt(di + 1)
				}
				return
			}
			if count < d.max {
				cfg[d.firstVar+k] = picked
				opt(k+1, count+1)
			}
			cfg[d.firstVar+k] = notPicked
			opt(k+1, count)
		}
		opt(0, 0)
	}
	dimAt(0)
	return best, visited
}

// BenchmarkVersusMaterialised compares, in one run on the serum line (3.4·10^5 variants),
// the engine with brute-force enumeration and with a SQLite table holding every variant
// row, scored in SQL from per-option score constants and sorted. The table is built
// inside the benchmark (skipped with -short).
func BenchmarkVersusMaterialised(b *testing.B) {
	c := mustDefault(b)
	l, _ := c.Line("serum")
	p := curlyProfile()
	p.Concerns["fine_lines"] = 0.6
	p.Traits["fragrance"] = []string{"fresh"}
	p.Flags = map[string]bool{}
	var engineNS, bruteNS, sqlNS float64
	var engineCode string
	b.Run("engine", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			prod, err := l.Best(p)
			if err != nil {
				b.Fatal(err)
			}
			engineCode = prod.Code
		}
		engineNS = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("brute_force", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			score, allowed := l.weigh(&p)
			cfg, visited := bruteBest(l, score, l.tie, allowed)
			if c := l.Count(); int64(visited) != c.Int64() {
				b.Fatalf("brute force visited %d valid variants, count is %v", visited, c)
			}
			if code := l.product(cfg, &p, score).Code; code != engineCode {
				b.Fatalf("brute force found %s, engine %s", code, engineCode)
			}
		}
		bruteNS = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("sqlite_table", func(b *testing.B) {
		if testing.Short() {
			b.Skip("materialised table skipped in -short")
		}
		db := databasetest.SQLite(b)
		start := time.Now()
		buildVariantTable(b, db, l)
		b.Logf("materialised %v rows in %v", l.Count(), time.Since(start).Round(time.Millisecond))
		score, allowed := l.weigh(&p)
		query := bestQuery(l, score, allowed)
		want, _ := l.d.Rank64(mustCfg(b, l, engineCode))
		b.ResetTimer()
		b.ReportAllocs()
		for b.Loop() {
			var rank uint64
			if err := db.Raw(query).Scan(&rank).Error; err != nil {
				b.Fatal(err)
			}
			if rank != want {
				b.Fatalf("SQL best rank %d, engine %d", rank, want)
			}
		}
		sqlNS = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(bruteNS/engineNS, "x_faster_than_brute")
		b.ReportMetric(sqlNS/engineNS, "x_faster_than_sqlite")
		b.Logf("engine %.0f ns, brute force %.0f ns (%.0f×), SQLite %.0f ns (%.0f×)", engineNS, bruteNS, bruteNS/engineNS, sqlNS, sqlNS/engineNS)
	})
}

func mustCfg(tb testing.TB, l *Line, code string) []int {
	pc, err := parseCode(code)
	if err != nil {
		tb.Fatal(err)
	}
	_, cfg, err := l.cat.decodeIn(pc)
	if err != nil {
		tb.Fatal(err)
	}
	return cfg
}

// buildVariantTable writes every valid variant as a row: rank, then one column per
// diagram variable (the option index, or 0/1 picked/not for pick options).
func buildVariantTable(tb testing.TB, db *gorm.DB, l *Line) {
	cols := make([]string, len(l.vars))
	for i := range cols {
		cols[i] = fmt.Sprintf("v%d", i)
	}
	ddl := "CREATE TABLE variants (rank INTEGER PRIMARY KEY, " + strings.Join(cols, " INTEGER NOT NULL, ") + " INTEGER NOT NULL)"
	if err := db.Exec(ddl).Error; err != nil {
		tb.Fatal(err)
	}
	n, _ := l.d.Count64()
	const batch = 500
	err := db.Transaction(func(tx *gorm.DB) error {
		cfg := make([]int, len(l.vars))
		var sb strings.Builder
		for r := uint64(0); r < n; r += batch {
			sb.Reset()
			sb.WriteString("INSERT INTO variants VALUES ")
			for k := r; k < min(r+batch, n); k++ {
				if err := l.d.Unrank64(k, cfg); err != nil {
					return err
				}
				if k > r {
					sb.WriteByte(',')
				}
				fmt.Fprintf(&sb, "(%d", k)
				for _, v := range cfg {
					fmt.Fprintf(&sb, ",%d", v)
				}
				sb.WriteByte(')')
			}
			if err := tx.Exec(sb.String()).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// bestQuery scores every row in SQL from the profile's option scores, filters the hard
// rules, and keeps the best with the engine's tie-break (fewer picks, then lowest rank).
func bestQuery(l *Line, score [][]int64, allowed [][]bool) string {
	var s, t, where []string
	for i := range l.vars {
		var cs strings.Builder
		fmt.Fprintf(&cs, "(CASE v%d", i)
		for v, w := range score[i] {
			fmt.Fprintf(&cs, " WHEN %d THEN %d", v, w)
		}
		cs.WriteString(" END)")
		s = append(s, cs.String())
		if l.vars[i].opt != nil {
			t = append(t, fmt.Sprintf("(v%d = 0)", i))
		}
		if allowed != nil && allowed[i] != nil {
			for v, ok := range allowed[i] {
				if !ok {
					where = append(where, fmt.Sprintf("v%d <> %d", i, v))
				}
			}
		}
	}
	q := "SELECT rank FROM variants"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	tie := "0"
	if len(t) > 0 {
		tie = strings.Join(t, " + ")
	}
	return q + " ORDER BY " + strings.Join(s, " + ") + " DESC, " + tie + " ASC, rank ASC LIMIT 1"
}

func BenchmarkCodes(b *testing.B) {
	c := mustDefault(b)
	l, _ := c.Line("moisturiser")
	cfg, _, err := l.best(&Profile{})
	if err != nil {
		b.Fatal(err)
	}
	code := l.encode(cfg)
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = l.encode(cfg)
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			pc, err := parseCode(code)
			if err != nil {
				b.Fatal(err)
			}
			if _, _, err := c.decodeIn(pc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode_product", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Decode(code, Profile{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkLoadDefault(b *testing.B) {
	data := DefaultYAML()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInteractive(b *testing.B) {
	c := mustDefault(b)
	l, _ := c.Line("serum")
	p := curlyProfile()
	prod, _ := l.Best(p)
	sel := prod.Selection()
	b.Run("availability", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := l.Availability(sel, p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("customize_conflict", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = l.Customize(sel, Selection{"size": {"ml100"}}, p)
		}
	})
	b.Run("preview_svg", func(b *testing.B) {
		b.ReportAllocs()
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			_ = PreviewSVG(io.Writer(&buf), prod, "Maya")
		}
	})
}
