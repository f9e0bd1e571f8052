package questionnaire

import "strings"

// The postal code table is deliberately coarse: it guesses the climate a hair or skin formula
// should expect from the region a code belongs to, not the weather at the address. It knows:
//
//   - US ZIP codes (5 digits, optionally ZIP+4), by their first three digits, grouped by state
//     and, for Texas and California, by the drier and the more humid halves;
//   - Canadian postcodes (A1A 1A1), by province: British Columbia counts as temperate, the rest
//     as cold;
//   - UK postcodes (SW1A 1AA), all temperate.
//
// Any other code (and any 5-digit code from a country other than the US) is not recognised and the
// shopper is asked to pick a climate instead. Mountains, coasts and microclimates are ignored.
type zipRange struct {
	lo, hi  int
	climate string
}

var usZIP3 = []zipRange{
	{5, 5, "cold"}, {6, 9, "humid"}, // NY IRS, Puerto Rico / Virgin Islands
	{10, 69, "cold"},        // New England
	{70, 89, "temperate"},   // New Jersey
	{90, 99, "temperate"},   // military mail
	{100, 119, "temperate"}, // New York City, Long Island
	{120, 149, "cold"},      // upstate New York
	{150, 268, "temperate"}, // PA, DE, DC, MD, VA, WV
	{270, 349, "humid"},     // NC, SC, GA, FL
	{350, 397, "humid"},     // AL, TN, MS
	{398, 399, "humid"},     // GA
	{400, 479, "temperate"}, // KY, OH, IN
	{480, 499, "cold"},      // MI
	{500, 599, "cold"},      // IA, WI, MN, SD, ND, MT
	{600, 679, "temperate"}, // IL, MO, KS
	{680, 693, "cold"},      // NE
	{700, 729, "humid"},     // LA, AR
	{730, 749, "temperate"}, // OK
	{750, 789, "humid"},     // east and central TX
	{790, 799, "dry"},       // west TX
	{800, 816, "dry"},       // CO
	{820, 831, "cold"},      // WY
	{832, 898, "dry"},       // ID, UT, AZ, NM, El Paso, NV
	{900, 935, "dry"},       // southern CA
	{936, 966, "temperate"}, // central and northern CA, military mail
	{967, 969, "humid"},     // HI, Pacific islands
	{970, 994, "temperate"}, // OR, WA
	{995, 999, "cold"},      // AK
}

// ClimateForPostalCode returns the climate (a `climate` trait value) the table above guesses for
// a postal code, and the code in a canonical spelling (upper case, one space where the country
// writes one). ok is false for codes it does not know.
func ClimateForPostalCode(code string) (climate, canonical string, ok bool) {
	compact := strings.ToUpper(strings.Join(strings.Fields(code), ""))
	climate, ok = postalClimate(compact)
	if !ok {
		return "", "", false
	}
	switch {
	case isDigit(compact[0]):
		return climate, compact, true
	default: // CA and UK: the inward code is the last three characters
		return climate, compact[:len(compact)-3] + " " + compact[len(compact)-3:], true
	}
}

// postalClimate looks up a code without allocating; s may contain spaces and lower case.
func postalClimate(s string) (string, bool) {
	var buf [10]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' {
			continue
		}
		if n == len(buf) {
			return "", false
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	b := buf[:n]
	switch {
	case (n == 5 || n == 10) && allDigits(b[:5]) && (n == 5 || b[5] == '-' && allDigits(b[6:])):
		zip3 := int(b[0]-'0')*100 + int(b[1]-'0')*10 + int(b[2]-'0')
		for _, r := range usZIP3 {
			if zip3 >= r.lo && zip3 <= r.hi {
				return r.climate, true
			}
		}
		return "", false
	case n == 6 && isLetter(b[0]) && isDigit(b[1]) && isLetter(b[2]) && isDigit(b[3]) && isLetter(b[4]) && isDigit(b[5]):
		switch b[0] {
		case 'V':
			return "temperate", true
		case 'A', 'B', 'C', 'E', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'R', 'S', 'T', 'X', 'Y':
			return "cold", true
		}
		return "", false
	case n >= 5 && n <= 7 && isDigit(b[n-3]) && isLetter(b[n-2]) && isLetter(b[n-1]):
		out := b[:n-3] // outward code: A9, A99, AA9, AA99, A9A, AA9A
		if len(out) < 2 || !isLetter(out[0]) {
			return "", false
		}
		i := 1
		if isLetter(out[1]) {
			i = 2
		}
		if i >= len(out) || !isDigit(out[i]) {
			return "", false
		}
		if rest := out[i+1:]; len(rest) > 1 || len(rest) == 1 && !isDigit(rest[0]) && !isLetter(rest[0]) {
			return "", false
		}
		return "temperate", true
	}
	return "", false
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'A' <= c && c <= 'Z' }
func allDigits(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// location normalises a location answer: an option value, or a postal code the table knows and
// for which the question offers the matching climate option.
func (q *Question) location(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if q.Option(s) != nil {
		return s, true
	}
	climate, canonical, ok := ClimateForPostalCode(s)
	if !ok || q.Option(climate) == nil {
		return "", false
	}
	return canonical, true
}

// climateOption resolves a stored location answer to its option; postal is true when the
// answer was a postal code.
func (q *Question) climateOption(v string) (opt *Option, postal bool) {
	if o := q.Option(v); o != nil {
		return o, false
	}
	climate, ok := postalClimate(v)
	if !ok {
		return nil, false
	}
	o := q.Option(climate)
	return o, o != nil
}
