package schema

import (
	"regexp"
	"strings"
	"unicode"
)

// The two casing functions below decide which JSON key a GraphQL name reads
// and how a stored key is shown, so they reproduce FraiseQL v1 exactly,
// including its oddities, rather than doing what a reader might expect.

var (
	// FraiseQL v1's camel_to_snake: first split before a capital that starts
	// a lower-case run ("HTTPTimeout" → "HTTP_Timeout"), then between a
	// lower-case letter or digit and a capital ("dns1Id" → "dns1_Id").
	snakeWordStart = regexp.MustCompile(`(.)([A-Z][a-z]+)`)
	snakeLowerUp   = regexp.MustCompile(`([a-z0-9])([A-Z])`)
)

// SnakeCase converts a GraphQL (camelCase) name to the snake_case JSON key
// FraiseQL v1 stores it under: "firstName" → "first_name",
// "HTTPTimeout" → "http_timeout", "dns1Id" → "dns1_id", "phone1" → "phone1".
func SnakeCase(name string) string {
	s := snakeWordStart.ReplaceAllString(name, "${1}_${2}")
	s = snakeLowerUp.ReplaceAllString(s, "${1}_${2}")
	return strings.ToLower(s)
}

// CamelCase converts a snake_case JSON key to the camelCase name FraiseQL
// v1's Rust pipeline shows: every underscore after the first other character
// is dropped and the character after it upper-cased; leading underscores are
// kept ("__typename" stays, "_user_name" → "_userName"), trailing and doubled
// underscores vanish ("user__name" → "userName"), digits are not letters to
// upper-case ("dns_1" → "dns1").
func CamelCase(key string) string {
	if strings.IndexByte(key, '_') < 0 {
		return key
	}
	var b strings.Builder
	b.Grow(len(key))
	leading, upNext := true, false
	for _, r := range key {
		if r == '_' {
			if leading {
				b.WriteRune(r)
			} else {
				upNext = true
			}
			continue
		}
		leading = false
		if upNext {
			r = unicode.ToUpper(r)
			upNext = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isIdent reports whether s is a plain identifier, [A-Za-z_][A-Za-z0-9_]*.
// Every name the declaration puts into SQL text (views, columns, function
// and schema names, JSON keys, SQL types) must pass it: they are quoted as
// identifiers or literals, and a name that needs no escaping cannot break
// out of its quotes.
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
