package pyjson

import (
	"errors"
	"math"
	"testing"
)

func TestAppendFloat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		f    float64
		want string
	}{
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{1, "1.0"},
		{2, "2.0"},
		{87.5, "87.5"},
		{0.1, "0.1"},
		{0.30000000000000004, "0.30000000000000004"},
		{1795635849.9100866, "1795635849.9100866"},
		{1e15, "1000000000000000.0"},
		{9999999999999998, "9999999999999998.0"},
		{1e16, "1e+16"},
		{1.5e16, "1.5e+16"},
		{123456789012345678, "1.2345678901234568e+17"},
		{1e22, "1e+22"},
		{1e100, "1e+100"},
		{0.0001, "0.0001"},
		{0.00012, "0.00012"},
		{0.00001, "1e-05"},
		{1.5e-7, "1.5e-07"},
		{-2.5e-5, "-2.5e-05"},
		{5e-324, "5e-324"},
		{math.MaxFloat64, "1.7976931348623157e+308"},
		{-123.456, "-123.456"},
		{math.NaN(), "NaN"},
		{math.Inf(1), "Infinity"},
		{math.Inf(-1), "-Infinity"},
	}
	for _, tt := range tests {
		if got := string(AppendFloat(nil, tt.f)); got != tt.want {
			t.Errorf("AppendFloat(%v) = %q, want %q", tt.f, got, tt.want)
		}
	}
}

func TestAppendString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, compact, ascii string
	}{
		{"", `""`, `""`},
		{"plain", `"plain"`, `"plain"`},
		{"q\"b\\s/", `"q\"b\\s/"`, `"q\"b\\s/"`},
		{"\n\r\t\b\f", `"\n\r\t\b\f"`, `"\n\r\t\b\f"`},
		{"\x00\x01\x1f", `"\u0000\u0001\u001f"`, `"\u0000\u0001\u001f"`},
		{"\x7f", "\"\x7f\"", `"\u007f"`},
		{"é中", "\"é中\"", `"\u00e9\u4e2d"`},
		{"\u2028\u2029", "\"\u2028\u2029\"", `"\u2028\u2029"`},
		{"😀", "\"😀\"", `"\ud83d\ude00"`},
		{"\uFFFD", "\"\uFFFD\"", `"\ufffd"`},
		{"a\xffb", "\"a\uFFFDb\"", `"a\ufffdb"`}, // invalid UTF-8 is never passed through
		{"tab\there", `"tab\there"`, `"tab\there"`},
	}
	for _, tt := range tests {
		if got := string(AppendString(nil, tt.in, false)); got != tt.compact {
			t.Errorf("AppendString(%q, false) = %q, want %q", tt.in, got, tt.compact)
		}
		if got := string(AppendString(nil, tt.in, true)); got != tt.ascii {
			t.Errorf("AppendString(%q, true) = %q, want %q", tt.in, got, tt.ascii)
		}
	}
}

func TestEncoders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		v          Value
		compact    string
		compactErr error
		spaced     string
	}{
		{"null", NullValue(), "null", nil, "null"},
		{"bools", Arr(BoolValue(true), BoolValue(false)), "[true,false]", nil, "[true, false]"},
		{"ints", Arr(IntValue(-7), Value{Kind: Int, Num: "-0"}, Value{Kind: Int, Num: "123456789012345678901234567890"}),
			"[-7,0,123456789012345678901234567890]", nil, "[-7, 0, 123456789012345678901234567890]"},
		{"float literals as repr(float(x))", Arr(Value{Kind: Float, Num: "1E5"}, Value{Kind: Float, Num: "-0.0"},
			Value{Kind: Float, Num: "0.10"}, Value{Kind: Float, Num: "1e-400"}, Value{Kind: Float, Num: "2.50e1"}),
			"[100000.0,-0.0,0.1,0.0,25.0]", nil, "[100000.0, -0.0, 0.1, 0.0, 25.0]"},
		{"NaN", Arr(Value{Kind: Float, Num: "NaN"}), "", ErrOutOfRangeFloat, "[NaN]"},
		{"overflowing literal", Arr(Value{Kind: Float, Num: "-1e400"}), "", ErrOutOfRangeFloat, "[-Infinity]"},
		{"FloatValue infinity", FloatValue(math.Inf(1)), "", ErrOutOfRangeFloat, "Infinity"},
		{"object", Obj(Pair("data", Obj(Pair("hello", Str("wörld")))), Pair("errors", Arr())),
			`{"data":{"hello":"wörld"},"errors":[]}`, nil, `{"data": {"hello": "w\u00f6rld"}, "errors": []}`},
		{"empty object", Obj(), "{}", nil, "{}"},
		{"lone surrogate", Arr(Value{Kind: String, Str: "\uFFFD", LoneSurrogate: true}), "", ErrLoneSurrogate, `["\ufffd"]`},
		{"lone surrogate key", Obj(Member{Key: "\uFFFD", Value: NullValue(), KeyLoneSurrogate: true}), "", ErrLoneSurrogate, `{"\ufffd": null}`},
		{"float error beats surrogate error", Arr(Value{Kind: String, LoneSurrogate: true}, Value{Kind: Float, Num: "NaN"}),
			"", ErrOutOfRangeFloat, `["", NaN]`},
		{"hand-built int without literal", Value{Kind: Int}, "", ErrInvalidNumber, ""},
		{"hand-built float with junk", Value{Kind: Float, Num: "x1"}, "", ErrInvalidNumber, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := []byte("prefix:")
			got, err := AppendCompact(prefix, &tt.v)
			if !errors.Is(err, tt.compactErr) {
				t.Errorf("AppendCompact error = %v, want %v", err, tt.compactErr)
			}
			if err == nil && string(got) != "prefix:"+tt.compact {
				t.Errorf("AppendCompact = %q, want %q", got, "prefix:"+tt.compact)
			}
			if err != nil && string(got) != "prefix:" {
				t.Errorf("AppendCompact left %q in dst after an error", got)
			}
			spaced, err := AppendSpaced(nil, &tt.v)
			if tt.spaced == "" {
				if err == nil {
					t.Errorf("AppendSpaced = %q, want an error", spaced)
				}
				return
			}
			if err != nil || string(spaced) != tt.spaced {
				t.Errorf("AppendSpaced = %q, %v, want %q", spaced, err, tt.spaced)
			}
		})
	}
}

func TestConstructors(t *testing.T) {
	t.Parallel()
	if v := IntValue(math.MinInt64); v.Kind != Int || v.Num != "-9223372036854775808" {
		t.Errorf("IntValue(MinInt64) = %+v", v)
	}
	if v := FloatValue(2); v.Kind != Float || v.Num != "2.0" {
		t.Errorf("FloatValue(2) = %+v", v)
	}
	if v := FloatValue(math.NaN()); v.Num != "NaN" {
		t.Errorf("FloatValue(NaN) = %+v", v)
	}
	v := Obj(Pair("a", Str("x")))
	if got := v.Get("a"); got == nil || got.Str != "x" {
		t.Errorf("Get(a) = %v", got)
	}
	if v.Get("b") != nil || (&Value{}).Get("a") != nil || (*Value)(nil).Get("a") != nil {
		t.Error("Get found a member that does not exist")
	}
}
