package compress

import "strings"

// Coding is a response content coding.
type Coding uint8

// The codings this package produces; Identity means none.
const (
	Identity Coding = iota
	Gzip
	Zstd
)

// String is the coding's token as it appears in Content-Encoding.
func (c Coding) String() string {
	switch c {
	case Gzip:
		return "gzip"
	case Zstd:
		return "zstd"
	}
	return "identity"
}

// Negotiate picks the coding for a response from the Accept-Encoding value
// ae (several header lines joined by commas). The coding with the highest
// q-value wins; on a tie zstd goes before gzip (smaller and cheaper).
// "*" stands for every coding not named; q=0 refuses one. identity is
// chosen when no coding is acceptable or when it is named with a higher
// q-value; a value that refuses identity as well as every coding offered
// still gets identity (RFC 9110 allows that instead of a 406, and a 406
// would break clients that v1 served). Elements that cannot be read are
// ignored.
func Negotiate(ae string) Coding {
	// q-values in thousandths; -1 = not mentioned.
	qGzip, qZstd, qIdentity, qStar := -1, -1, -1, -1
	for ae != "" {
		var elem string
		elem, ae, _ = strings.Cut(ae, ",")
		name, params, _ := strings.Cut(elem, ";")
		name = strings.TrimSpace(name)
		q, ok := qValue(params)
		if !ok || name == "" {
			continue
		}
		switch {
		case strings.EqualFold(name, "gzip"), strings.EqualFold(name, "x-gzip"):
			qGzip = max(qGzip, q)
		case strings.EqualFold(name, "zstd"):
			qZstd = max(qZstd, q)
		case strings.EqualFold(name, "identity"):
			qIdentity = max(qIdentity, q)
		case name == "*":
			qStar = max(qStar, q)
		}
	}
	if qGzip < 0 {
		qGzip = qStar
	}
	if qZstd < 0 {
		qZstd = qStar
	}
	best, bestQ := Identity, 0
	if qZstd > bestQ {
		best, bestQ = Zstd, qZstd
	}
	if qGzip > bestQ {
		best, bestQ = Gzip, qGzip
	}
	// identity is always acceptable (RFC 9110 §12.5.3); it wins only when
	// named with a higher q-value than the best coding.
	if qIdentity > bestQ {
		return Identity
	}
	return best
}

// qValue reads the parameters after a coding: ";q=0.5" (RFC 9110 §12.4.2:
// 0 to 1 with at most three decimals), in thousandths. No q parameter
// means 1000; other parameters are ignored; a malformed q reports !ok.
func qValue(params string) (int, bool) {
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		k, v, _ := strings.Cut(p, "=")
		if !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		return parseQ(strings.TrimSpace(v))
	}
	return 1000, true
}

func parseQ(v string) (int, bool) {
	if v == "" || len(v) > 5 || (v[0] != '0' && v[0] != '1') {
		return 0, false
	}
	whole := int(v[0]-'0') * 1000
	if len(v) == 1 {
		return whole, true
	}
	if v[1] != '.' {
		return 0, false
	}
	frac, scale := 0, 100
	for _, c := range v[2:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		frac += int(c-'0') * scale
		scale /= 10
	}
	if whole == 1000 && frac != 0 {
		return 0, false
	}
	return whole + frac, true
}
