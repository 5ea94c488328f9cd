package language

import "testing"

func TestUsesVariable(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]bool{
		`$v`:                    true,
		`[1, [2, $v]]`:          true,
		`{a: {b: [$v]}}`:        true,
		`{a: {b: [1, "$v"]}}`:   false,
		`null`:                  false,
		`ENUM`:                  false,
		`"""$v"""`:              false,
		`[{a: 1}, {b: [true]}]`: false,
	} {
		v, err := ParseValue(src, Options{})
		if err != nil {
			t.Fatal(src, err)
		}
		if got := UsesVariable(v); got != want {
			t.Errorf("UsesVariable(%s) = %v, want %v", src, got, want)
		}
	}
}
