package language

// UsesVariable reports whether v is or holds a variable.
func UsesVariable(v Value) bool {
	switch v := v.(type) {
	case *Variable:
		return true
	case *ListValue:
		for _, item := range v.Values {
			if UsesVariable(item) {
				return true
			}
		}
	case *ObjectValue:
		for i := range v.Fields {
			if UsesVariable(v.Fields[i].Value) {
				return true
			}
		}
	}
	return false
}
