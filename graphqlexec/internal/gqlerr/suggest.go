package gqlerr

import (
	"slices"
	"strings"
	"unicode"
)

// SuggestionList returns the options close to input, best first, as
// graphql-core 3.2's suggestion_list does: optimal string alignment
// distance (a case-only difference counts 1) within len(input)*0.4+1,
// ordered by distance, then by natural order of the names.
func SuggestionList(input string, options []string) []string {
	threshold := len([]rune(input))*4/10 + 1
	type scored struct {
		s string
		d int
	}
	var found []scored
	for _, o := range options {
		if d, ok := distance(input, o, threshold); ok {
			found = append(found, scored{o, d})
		}
	}
	slices.SortStableFunc(found, func(a, b scored) int {
		if a.d != b.d {
			return a.d - b.d
		}
		return naturalCompare(a.s, b.s)
	})
	out := make([]string, len(found))
	for i, f := range found {
		out[i] = f.s
	}
	return out
}

func distance(input, option string, threshold int) (int, bool) {
	if input == option {
		return 0, true
	}
	a, b := []rune(strings.ToLower(input)), []rune(strings.ToLower(option))
	if string(a) == string(b) {
		return 1, true
	}
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(a)-len(b) > threshold {
		return 0, false
	}
	rows := [3][]int{}
	for i := range rows {
		rows[i] = make([]int, len(b)+1)
	}
	for j := range rows[0] {
		rows[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		up := rows[(i-1)%3]
		cur := rows[i%3]
		cur[0] = i
		smallest := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			c := min(up[j]+1, cur[j-1]+1, up[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				c = min(c, rows[(i-2)%3][j-2]+1)
			}
			cur[j] = c
			smallest = min(smallest, c)
		}
		if smallest > threshold {
			return 0, false
		}
	}
	d := rows[len(a)%3][len(b)]
	return d, d <= threshold
}

// naturalCompare orders names as graphql-core's natural_comparison_key:
// digit runs compare as numbers.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		ad, bd := unicode.IsDigit(rune(a[0])), unicode.IsDigit(rune(b[0]))
		if ad && bd {
			i, j := 0, 0
			for i < len(a) && unicode.IsDigit(rune(a[i])) {
				i++
			}
			for j < len(b) && unicode.IsDigit(rune(b[j])) {
				j++
			}
			na, nb := strings.TrimLeft(a[:i], "0"), strings.TrimLeft(b[:j], "0")
			if len(na) != len(nb) {
				return len(na) - len(nb)
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[i:], b[j:]
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

// DidYouMean renders graphql-core's did_you_mean suffix (at most five
// suggestions), or "" when there are none.
func DidYouMean(suggestions []string) string {
	if len(suggestions) == 0 {
		return ""
	}
	if len(suggestions) > 5 {
		suggestions = suggestions[:5]
	}
	q := make([]string, len(suggestions))
	for i, s := range suggestions {
		q[i] = "'" + s + "'"
	}
	switch len(q) {
	case 1:
		return " Did you mean " + q[0] + "?"
	case 2:
		return " Did you mean " + q[0] + " or " + q[1] + "?"
	}
	return " Did you mean " + strings.Join(q[:len(q)-1], ", ") + ", or " + q[len(q)-1] + "?"
}

// DidYouMeanWhat is DidYouMean with graphql-core's sub-message
// (" Did you mean the enum value 'ASC'?").
func DidYouMeanWhat(what string, suggestions []string) string {
	s := DidYouMean(suggestions)
	if s == "" {
		return ""
	}
	return " Did you mean " + what + " " + strings.TrimPrefix(s, " Did you mean ")
}

// NaturalCompare is graphql-core's natural_comparison_key order (digit
// runs compare by value).
func NaturalCompare(a, b string) int { return naturalCompare(a, b) }
