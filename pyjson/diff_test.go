package pyjson

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
)

// findPython returns an interpreter for the oracle, preferring CPython 3.13,
// the version FastAPI runs on in the goldens.
func findPython(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("PYJSON_PYTHON"); p != "" {
		return p
	}
	candidates := []string{"python3.13"}
	home, _ := os.UserHomeDir()
	root := os.Getenv("PYENV_ROOT")
	if root == "" {
		root = filepath.Join(home, ".pyenv")
	}
	globbed, _ := filepath.Glob(filepath.Join(root, "versions", "3.13*", "bin", "python3.13"))
	candidates = append(candidates, globbed...)
	candidates = append(candidates, "python3")
	for _, c := range candidates {
		p, err := exec.LookPath(c)
		if err != nil {
			continue
		}
		if exec.Command(p, "-c", "pass").Run() == nil { // pyenv shims exist but may refuse
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("python3 is required for the differential test in CI")
	}
	t.Skip("no python3 found: the differential test against CPython's json module cannot run")
	return ""
}

type oracleAnswer struct {
	Version    []int  `json:"version"`
	K          string `json:"k"`
	Msg        string `json:"msg"`
	Pos        int    `json:"pos"`
	Str        string `json:"str"`
	Compact    []byte `json:"compact"`
	CompactErr string `json:"compact_err"`
	Spaced     string `json:"spaced"`
	Repr       string `json:"repr"`
	ReprErr    bool   `json:"repr_err"`
	DumpsDepth bool   `json:"dumps_depth"`
}

// runOracle sends every body to one python3 process and returns its answers.
func runOracle(t *testing.T, python string, bodies [][]byte) (version []int, answers []oracleAnswer) {
	t.Helper()
	var in bytes.Buffer
	for _, b := range bodies {
		in.WriteString(`{"b":"`)
		in.WriteString(base64.StdEncoding.EncodeToString(b))
		in.WriteString("\"}\n")
	}
	cmd := exec.Command(python, filepath.Join("testdata", "pyoracle.py"))
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle %s: %v\n%s", python, err, stderr.String())
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<26)
	for sc.Scan() {
		var a oracleAnswer
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("oracle output %q: %v", sc.Text(), err)
		}
		if version == nil {
			version = a.Version
			continue
		}
		answers = append(answers, a)
	}
	if len(answers) != len(bodies) {
		t.Fatalf("oracle answered %d of %d bodies", len(answers), len(bodies))
	}
	return version, answers
}

func TestDifferentialAgainstCPython(t *testing.T) {
	t.Parallel()
	python := findPython(t)
	bodies := differentialBodies()
	version, answers := runOracle(t, python, bodies)
	py313 := len(version) == 2 && (version[0] > 3 || version[0] == 3 && version[1] >= 13)
	if !py313 {
		t.Logf("oracle is Python %v, not 3.13: trailing-comma messages (new in 3.13) are not compared", version)
	}
	t.Logf("%d bodies compared with %s", len(bodies), python)

	failures := 0
	fail := func(b []byte, format string, args ...any) {
		t.Helper()
		failures++
		if failures <= 25 {
			t.Errorf("body %q: "+format, append([]any{b}, args...)...)
		}
	}
	for i, b := range bodies {
		want := answers[i]
		v, err := Decode(b)
		var se *SyntaxError
		var ee *EncodingError
		var de *DepthError
		var ie *IntLimitError
		switch {
		case errors.As(err, &se):
			if !py313 && strings.HasPrefix(se.Msg, "Illegal trailing comma") {
				continue
			}
			if want.K != "syntax" || se.Msg != want.Msg || se.Pos != want.Pos || se.Error() != want.Str {
				fail(b, "Decode = SyntaxError %q (%q), Python: %+v", se.Msg+" @"+strconv.Itoa(se.Pos), se.Error(), want)
			}
		case errors.As(err, &ee):
			if want.K != "encoding" {
				fail(b, "Decode = %v, Python: %+v", err, want)
			}
		case errors.As(err, &de):
			if want.K != "depth" {
				fail(b, "Decode = %v, Python: %+v", err, want)
			}
		case errors.As(err, &ie):
			if want.K != "value" || ie.Error() != want.Msg {
				fail(b, "Decode = %v, Python: %+v", err, want)
			}
		case err != nil:
			fail(b, "Decode: unexpected error type %T: %v", err, err)
		default:
			if want.K != "ok" {
				fail(b, "Decode succeeded, Python: %+v", want)
				continue
			}
			if want.DumpsDepth {
				continue
			}
			compareEncoders(b, &v, want, fail)
		}
	}
	if failures > 25 {
		t.Errorf("... %d mismatches in all", failures)
	}
}

func compareEncoders(b []byte, v *Value, want oracleAnswer, fail func([]byte, string, ...any)) {
	// A lone surrogate is gone (U+FFFD), as for AppendSpaced; where Python's
	// repr gives up (recursion, huge ints) there is nothing to compare.
	if !hasLoneSurrogate(v) && !want.ReprErr {
		if got := Repr(v); got != want.Repr {
			fail(b, "Repr = %q; Python: %q", got, want.Repr)
		}
	}
	got, err := AppendCompact(nil, v)
	switch {
	case want.CompactErr == "ValueError":
		if !errors.Is(err, ErrOutOfRangeFloat) {
			fail(b, "AppendCompact = %q, %v; Python: ValueError", got, err)
		}
	case want.CompactErr == "UnicodeEncodeError":
		if !errors.Is(err, ErrLoneSurrogate) {
			fail(b, "AppendCompact = %q, %v; Python: UnicodeEncodeError", got, err)
		}
	case err != nil || !bytes.Equal(got, want.Compact):
		fail(b, "AppendCompact = %q, %v; Python: %q", got, err, want.Compact)
	}
	if hasLoneSurrogate(v) {
		return // documented difference: \ufffd instead of the original \udXXX
	}
	spaced, err := AppendSpaced(nil, v)
	if err != nil || string(spaced) != want.Spaced {
		fail(b, "AppendSpaced = %q, %v; Python: %q", spaced, err, want.Spaced)
	}
}

func hasLoneSurrogate(v *Value) bool {
	if v.LoneSurrogate {
		return true
	}
	for i := range v.Items {
		if hasLoneSurrogate(&v.Items[i]) {
			return true
		}
	}
	for i := range v.Members {
		if v.Members[i].KeyLoneSurrogate || hasLoneSurrogate(&v.Members[i].Value) {
			return true
		}
	}
	return false
}

// seedDocuments are valid bodies that exercise every rule; the differential
// test also feeds every truncation and many mutations of each.
var seedDocuments = []string{
	`{"query":"{ hello }"}`,
	`{"query":"query Q($id: ID!) { user(id: $id) { id firstName } }","variables":{"id":"11111111-1111-1111-1111-111111111111"},"operationName":"Q"}`,
	`{"query": "mutation { createPost(input: {title: \"h\u00e9llo\", body: \"a\\nb\\tc\"}) { id } }", "variables": null}`,
	"{\"a\" : [1, -2, 3.5, -0, -0.0, 1e5, 1E-5, 2.5e+10, true, false, null] ,\r\n\t\"b\":{}}",
	`{"emoji":"😀 é 中文","esc":"\"\\\/\b\f\n\r\t\u0001\u001f\u007f\u2028\u00e9\uD83D\uDE00"}`,
	`{"dup":1,"x":2,"dup":3}`,
	`[NaN, Infinity, -Infinity, 1e400, -1e400, 1e-400, 123456789012345678901234567890, 0.1, 1.0e16]`,
	`{"lone":"\ud800","low":"\udc00x","pair":"\ud83d\ude00","broken":"\ud83d\u0041"}`,
	`"just a string"`,
	`  12345  `,
	`[[[[[[[[[[{"deep":[[[]]]}]]]]]]]]]]`,
	`{"variables":{"filter":{"and":[{"age":{"gte":18}},{"name":{"like":"%a%"}}]},"limit":10,"offset":0}}`,
	`{"float":[0.0001,0.00001,1e15,1e16,123.456,9007199254740993,1.7976931348623157e308,5e-324,2.2250738585072014e-308]}`,
}

func differentialBodies() [][]byte {
	rng := rand.New(rand.NewPCG(1, 97))
	var out [][]byte
	add := func(b []byte) { out = append(out, b) }
	for _, s := range seedDocuments {
		for i := 0; i <= len(s); i++ {
			add([]byte(s[:i]))
		}
		for range 150 {
			add(mutate(rng, []byte(s)))
		}
	}
	for _, s := range edgeBodies {
		add([]byte(s))
	}
	// The fuzz corpus, so that every input a fuzzer found is also judged by Python.
	out = append(out, fuzzCorpus()...)
	// Other encodings json.detect_encoding recognises, whole and truncated.
	for _, s := range seedDocuments[:6] {
		for _, enc := range [][]byte{encodeUTF16(s, false, false), encodeUTF16(s, true, true), encodeUTF16(s, true, false),
			encodeUTF32(s, false, false), encodeUTF32(s, true, true), encodeUTF32(s, false, true),
			append([]byte("\xef\xbb\xbf"), s...)} {
			add(enc)
			add(enc[:len(enc)-1])
			add(enc[:len(enc)/2])
		}
	}
	// Floats: random bit patterns written as Go prints them, to compare repr.
	for range 600 {
		f := math.Float64frombits(rng.Uint64())
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		add(strconv.AppendFloat(nil, f, 'g', -1, 64))
	}
	// Decimal literals with random digits and exponents.
	for range 400 {
		var b []byte
		if rng.IntN(3) == 0 {
			b = append(b, '-')
		}
		b = append(b, byte('1'+rng.IntN(9)))
		for range rng.IntN(25) {
			b = append(b, byte('0'+rng.IntN(10)))
		}
		if rng.IntN(2) == 0 {
			b = append(b, '.')
			for range 1 + rng.IntN(20) {
				b = append(b, byte('0'+rng.IntN(10)))
			}
		}
		if rng.IntN(2) == 0 {
			b = append(b, "eE"[rng.IntN(2)])
			b = append(b, []string{"", "+", "-"}[rng.IntN(3)]...)
			b = strconv.AppendInt(b, int64(rng.IntN(700)), 10)
		}
		add(b)
	}
	// Nesting around the depth bound, and a syntax error below it.
	for _, n := range []int{100, MaxDepth - 1, MaxDepth, MaxDepth + 1, MaxDepth + 2} {
		add([]byte(strings.Repeat("[", n) + strings.Repeat("]", n)))
		add([]byte(strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n)))
	}
	add([]byte(strings.Repeat("[", 50) + "x" + strings.Repeat("[", 20000)))
	add([]byte(strings.Repeat("[", 20000) + "x"))
	// Integer string conversion limit.
	for _, n := range []int{4299, 4300, 4301} {
		add([]byte(strings.Repeat("7", n)))
		add([]byte("-" + strings.Repeat("7", n)))
		add([]byte("[" + strings.Repeat("7", n) + ".5]"))
	}
	return out
}

// edgeBodies are single cases the generators may miss.
var edgeBodies = []string{
	"", " ", "\t\n\r ", "\f1", "\v1", "\u00a01", "\u30001", "{bad", `{"query":"{ hello }"`,
	"[1,]", `{"a":1,}`, "[1 ,  ]", `{"a":1 , }`, "[,]", "{,}", `{"a" 1}`, `{"a":}`, `{1:2}`, `{'a':1}`,
	"nul", "nulll", "tru", "True", "False", "None", "NaNa", "-NaN", "+1", "-", "--1", "-a", "- 1",
	"01", "00", "-01", "1.", "1.e5", ".5", "1e", "1e+", "1e-", "1E+x", "1.5e", "0x10", "1_000",
	`"\x"`, `"\u12"`, `"\u12x4"`, `"\u1234`, `"\ud800`, `"\ud800\u`, `"\ud800\udc00`, `"\ud800\udc0`, `"\ud800\uzzzz"`,
	`"\ud800\n"`, `"\udc00\ud800"`, `"\ud800\ud800\udc00"`, "\"a\x00b\"", "\"\x1f\"", "\"\x7f\"", `"\`, `"\"`, `"`, `"abc`,
	"\"\xed\xa0\x80\"", "\"\xed\xa0\x80\xed\xb0\x80\"", "[\xed\xa0\x80]", "\xff", "\"\xc0\x80\"", "\"\xf4\x90\x80\x80\"",
	"\"\xe2\x82\"", "1\xff", "\xef\xbb\xbf", "\xef\xbb\xbf\xef\xbb\xbf{}", "\xef\xbb\xbf [1]", "\xfe\xff", "\xff\xfe",
	"\xff\xfe\x00\x00", "\xff\xfe\xff\xfe1\x00", "1\x00", "\x001", "\x00", "\x00\x00\x00[", "\"\x00\x00\xd8",
	"\"\x00\x00\xd8\x00\xd8\"\x00", "\"\x00\x00\xdc\"\x00", "\"\x00\"\x00\"",
	"\"\x00\x00\x00\x00\x00\x11\x00\"\x00\x00\x00", "\"\x00\x00\x00\x00\xd8\x00\x00\x00\xdc\x00\x00\"\x00\x00\x00",
	"\"\x00\x00\x00a", "\"é\u2028\u2029\"", "\"a\\u00e9\\u00E9\"", `{"a":{"a":{"a":1,"a":2},"a":3}}`,
	"[1]x", "[1] x", "{} {}", "[1]\n\n  ]", "\n\n  {\n \"a\": x}", "{\"a\":\n\"b\n\"}", "é", "\"é\" é",
	`{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k17":17,"k3":33,"k17":1717,"k0":0.5}`,
	"-0", "-0.0", "0", "0.0", "1e400", "-1e400", "1e-400", "-1e-400", "1E5", "0.1", "123456789012345678901234567890",
	"-123456789012345678901234567890.5", "1e16", "1e15", "9999999999999999.0", "0.30000000000000004", "1e22", "1e-7",
	"100000000000000000000000.0", "Infinity", "-Infinity", "NaN", "[Infinity,-Infinity,NaN]",
}

func mutate(rng *rand.Rand, b []byte) []byte {
	const alphabet = "{}[]\":,\\ \t\n0123456789-+.eEntrufalsNIy/bu\x00\x1f\x7f"
	special := []string{"\u00e9", "\U0001F600", "\xff", "\xed\xa0\x80", "\\u", "\\ud800", "\\udc00", "1e400", "NaN"}
	b = bytes.Clone(b)
	for range 1 + rng.IntN(3) {
		if len(b) == 0 {
			b = append(b, alphabet[rng.IntN(len(alphabet))])
			continue
		}
		i := rng.IntN(len(b))
		switch rng.IntN(5) {
		case 0:
			b[i] = alphabet[rng.IntN(len(alphabet))]
		case 1:
			b = append(b[:i], append([]byte{alphabet[rng.IntN(len(alphabet))]}, b[i:]...)...)
		case 2:
			b = append(b[:i], b[i+1:]...)
		case 3:
			s := special[rng.IntN(len(special))]
			b = append(b[:i], append([]byte(s), b[i:]...)...)
		default:
			j := i + rng.IntN(len(b)-i)
			b = append(b[:j], append(bytes.Clone(b[i:j]), b[j:]...)...)
		}
	}
	return b
}

func encodeUTF16(s string, bom, bigEndian bool) []byte {
	var out []byte
	put := func(u uint16) {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	if bom {
		put(0xFEFF)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		put(u)
	}
	return out
}

func encodeUTF32(s string, bom, bigEndian bool) []byte {
	var out []byte
	put := func(u uint32) {
		if bigEndian {
			out = append(out, byte(u>>24), byte(u>>16), byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
		}
	}
	if bom {
		put(0xFEFF)
	}
	for _, r := range s {
		put(uint32(r))
	}
	return out
}

// fuzzCorpus reads the []byte inputs of testdata/fuzz/FuzzDecode (the
// "go test fuzz v1" format).
func fuzzCorpus() [][]byte {
	files, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzDecode", "*"))
	var out [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		lines := strings.Split(string(data), "\n")
		if len(lines) < 2 || !strings.HasPrefix(lines[1], "[]byte(") || !strings.HasSuffix(lines[1], ")") {
			continue
		}
		b, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
		if err != nil {
			continue
		}
		out = append(out, []byte(b))
	}
	return out
}
