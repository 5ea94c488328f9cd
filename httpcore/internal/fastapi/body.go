package fastapi

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/h1"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

// This file reproduces what FastAPI 0.121 and pydantic 2 do with the body of
// POST /graphql before FraiseQL's handler runs: decide whether to parse it
// as JSON, parse it with Python's json.loads rules, validate it against
// FraiseQL's GraphQLRequest model, and render every failure exactly as
// FastAPI's RequestValidationError handler does.

// Outcome says what FastAPI answers for a POST body.
type Outcome int

const (
	BodyValid       Outcome = iota // run the request
	BodyInvalid                    // 422 with the detail array
	BodyParseError                 // 400 {"detail":"There was an error parsing the body"}
	BodyServerError                // the 422 body itself cannot be rendered: Starlette's 500
)

// inputKind tells how a validation error echoes its "input".
type inputKind uint8

const (
	inputValue  inputKind = iota // a decoded JSON value
	inputNull                    // null (a missing body)
	inputRaw                     // the raw body as a string (non-JSON content type)
	inputObject                  // {} (json_invalid)
)

type ctxKind uint8

const (
	ctxNone       ctxKind = iota
	ctxEmptyError         // "ctx":{"error":{}} (custom validator ValueError)
	ctxErrorText          // "ctx":{"error":"<text>"} (json_invalid)
)

// fieldError is one element of FastAPI's "detail" array.
type fieldError struct {
	typ    string
	field  string // loc is ["body"] or ["body", field]
	pos    int    // loc ["body", pos] for json_invalid; -1 otherwise
	msg    string
	kind   inputKind
	input  *pyjson.Value
	raw    []byte
	ctx    ctxKind
	ctxMsg string
}

// GraphQLBody is a POST body after FastAPI's reading and pydantic's
// validation against FraiseQL's GraphQLRequest model.
type GraphQLBody struct {
	Outcome Outcome
	errors  []fieldError
	// value holds the decoded JSON so that pointers into it stay valid.
	value pyjson.Value
	// Request is the GraphQL request when Outcome is BodyValid.
	Request graphqlexec.Request
	// Extensions is the validated "extensions" object, nil when absent.
	Extensions *pyjson.Value
	// QueryLoneSurrogate: the query text had an unpaired surrogate escape
	// (kept as U+FFFD), which v1's APQ store cannot hash.
	QueryLoneSurrogate bool
}

// Parsed reports whether the body got past JSON parsing: valid, or refused
// by the body model for anything but invalid JSON. v1's /graphql/metrics
// counts exactly these requests.
func (d *GraphQLBody) Parsed() bool {
	return d.Outcome == BodyValid || d.Outcome == BodyInvalid && d.errors[0].typ != "json_invalid"
}

// ReadGraphQLBody decodes r's body as FastAPI and pydantic do. When the body
// is not a valid GraphQLRequest it writes FastAPI's answer (422, 400 or
// Starlette's 500) and returns ok=false; d is nil only when the body could
// not be read. maxEcho > 0 bounds each "input" a 422 echoes (see
// append422); 0 echoes inputs whole, as v1 does.
func ReadGraphQLBody(w h1.ResponseWriter, r *http.Request, maxEcho int) (d *GraphQLBody, ok bool) {
	body, err := h1.BodyBytes(r)
	if err != nil {
		w.Respond(http.StatusBadRequest, ContentTypeJSON, bodyParseFailed)
		return nil, false
	}
	d = DecodeBody(body, r.Header.Get("Content-Type"))
	switch d.Outcome {
	case BodyValid:
		return d, true
	case BodyInvalid:
		out, err := append422(w.Buffer(), d.errors, maxEcho)
		if err != nil {
			ServerError(w)
		} else {
			w.RespondBuffer(http.StatusUnprocessableEntity, ContentTypeJSON, out)
		}
	case BodyParseError:
		w.Respond(http.StatusBadRequest, ContentTypeJSON, bodyParseFailed)
	default:
		ServerError(w)
	}
	return d, false
}

// isJSONContentType is FastAPI's test: no content type at all, or a main
// type "application" with subtype "json" or "*+json" (parameters ignored),
// as Python's email.message parses it.
func isJSONContentType(ct string) bool {
	if ct == "" {
		return true
	}
	// email.message.Message.get_content_type: split off parameters at the
	// first ';', lower-case and strip; anything but exactly one '/' means
	// text/plain.
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.ToLower(strings.TrimSpace(ct))
	if strings.Count(ct, "/") != 1 {
		return false
	}
	main, sub, _ := strings.Cut(ct, "/")
	return main == "application" && (sub == "json" || strings.HasSuffix(sub, "+json"))
}

// DecodeBody runs FastAPI's body handling on a POST /graphql body.
// contentType is the request's Content-Type header ("" when absent).
func DecodeBody(body []byte, contentType string) *GraphQLBody {
	d := &GraphQLBody{}
	switch {
	case len(body) == 0:
		// FastAPI reads an empty body as no body at all.
		d.missing()
		return d
	case contentType != "" && !isJSONContentType(contentType):
		// FastAPI keeps the raw bytes, which are not a dictionary. An empty
		// Content-Type is falsy there and parsed as JSON, like a missing one.
		if !utf8.Valid(body) {
			// jsonable_encoder decodes the bytes input strictly: the error
			// handler itself fails and Starlette answers 500.
			d.Outcome = BodyServerError
			return d
		}
		d.Outcome = BodyInvalid
		d.errors = append(d.errors, fieldError{
			typ: "model_attributes_type", pos: -1,
			msg:  "Input should be a valid dictionary or object to extract fields from",
			kind: inputRaw, raw: body,
		})
		return d
	}
	v, err := pyjson.Decode(body)
	if err != nil {
		var se *pyjson.SyntaxError
		if errors.As(err, &se) {
			d.Outcome = BodyInvalid
			d.errors = append(d.errors, fieldError{
				typ: "json_invalid", pos: se.Pos, msg: "JSON decode error",
				kind: inputObject, ctx: ctxErrorText, ctxMsg: se.Msg,
			})
			return d
		}
		d.Outcome = BodyParseError
		return d
	}
	d.value = v
	d.validate()
	return d
}

func (d *GraphQLBody) missing() {
	d.Outcome = BodyInvalid
	d.errors = append(d.errors, fieldError{
		typ: "missing", pos: -1, msg: "Field required", kind: inputNull,
	})
}

// validate applies FraiseQL's GraphQLRequest model (query: str|None,
// variables: dict|None, operationName: str|None, extensions: dict|None with
// the APQ validator), collecting every error in field order.
func (d *GraphQLBody) validate() {
	v := &d.value
	switch v.Kind {
	case pyjson.Null:
		d.missing()
		return
	case pyjson.Object:
	default:
		d.Outcome = BodyInvalid
		d.errors = append(d.errors, fieldError{
			typ: "model_attributes_type", pos: -1,
			msg:  "Input should be a valid dictionary or object to extract fields from",
			kind: inputValue, input: v,
		})
		return
	}
	query := v.Get("query")
	variables := v.Get("variables")
	opName := v.Get("operationName")
	extensions := v.Get("extensions")
	d.checkString("query", query)
	d.checkDict("variables", variables)
	d.checkString("operationName", opName)
	if d.checkDict("extensions", extensions) && extensions != nil && extensions.Kind == pyjson.Object {
		if msg := validatePersistedQuery(extensions); msg != "" {
			d.errors = append(d.errors, fieldError{
				typ: "value_error", field: "extensions", pos: -1,
				msg: "Value error, " + msg, kind: inputValue, input: extensions,
				ctx: ctxEmptyError,
			})
		}
	}
	if len(d.errors) > 0 {
		d.Outcome = BodyInvalid
		return
	}
	d.Outcome = BodyValid
	if query == nil || query.Kind == pyjson.Null {
		d.Request.QueryMissing = true
	} else {
		d.Request.Query = query.Str
		d.QueryLoneSurrogate = query.LoneSurrogate
	}
	if opName != nil && opName.Kind == pyjson.String {
		d.Request.OperationName = &opName.Str
	}
	if variables != nil && variables.Kind == pyjson.Object {
		d.Request.Variables = variables
	}
	if extensions != nil && extensions.Kind == pyjson.Object {
		d.Extensions = extensions
	}
}

func (d *GraphQLBody) checkString(field string, v *pyjson.Value) {
	if v == nil || v.Kind == pyjson.Null || v.Kind == pyjson.String {
		return
	}
	d.errors = append(d.errors, fieldError{
		typ: "string_type", field: field, pos: -1,
		msg: "Input should be a valid string", kind: inputValue, input: v,
	})
}

// checkDict reports whether v passed the dict|None check.
func (d *GraphQLBody) checkDict(field string, v *pyjson.Value) bool {
	if v == nil || v.Kind == pyjson.Null || v.Kind == pyjson.Object {
		return true
	}
	d.errors = append(d.errors, fieldError{
		typ: "dict_type", field: field, pos: -1,
		msg: "Input should be a valid dictionary", kind: inputValue, input: v,
	})
	return false
}

// validatePersistedQuery is GraphQLRequest.validate_extensions; it returns
// the ValueError text or "".
func validatePersistedQuery(ext *pyjson.Value) string {
	pq := ext.Get("persistedQuery")
	if pq == nil {
		return ""
	}
	if pq.Kind != pyjson.Object {
		return "persistedQuery must be an object"
	}
	version := pq.Get("version")
	if version == nil {
		return "persistedQuery.version is required"
	}
	hash := pq.Get("sha256Hash")
	if hash == nil {
		return "persistedQuery.sha256Hash is required"
	}
	if !equalsPythonOne(version) {
		return "Only APQ version 1 is supported"
	}
	if hash.Kind != pyjson.String || hash.Str == "" {
		return "persistedQuery.sha256Hash must be a non-empty string"
	}
	return ""
}

// equalsPythonOne is Python's `value == 1` for a JSON value: 1, 1.0 and
// true are equal to 1; strings, null, containers and other numbers are not.
func equalsPythonOne(v *pyjson.Value) bool {
	switch v.Kind {
	case pyjson.Bool:
		return v.Bool
	case pyjson.Int:
		return v.Num == "1"
	case pyjson.Float:
		f, err := strconv.ParseFloat(v.Num, 64)
		return err == nil && f == 1
	}
	return false
}

// append422 renders FastAPI's {"detail":[...]} body. An error means Python
// would fail to render it (NaN or a lone surrogate in an echoed input):
// Starlette then answers 500. With maxEcho > 0, an "input" whose JSON text
// is longer becomes a string: the first maxEcho bytes of that text (cut at
// a character boundary), "…", and the text's full length, so that a 10 MiB
// body is not sent back whole.
func append422(dst []byte, errs []fieldError, maxEcho int) ([]byte, error) {
	dst = append(dst, `{"detail":[`...)
	for i := range errs {
		e := &errs[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"type":"`...)
		dst = append(dst, e.typ...)
		dst = append(dst, `","loc":["body"`...)
		switch {
		case e.field != "":
			dst = append(dst, ',', '"')
			dst = append(dst, e.field...)
			dst = append(dst, '"')
		case e.pos >= 0:
			dst = append(dst, ',')
			dst = strconv.AppendInt(dst, int64(e.pos), 10)
		}
		dst = append(dst, `],"msg":`...)
		dst = pyjson.AppendString(dst, e.msg, false)
		dst = append(dst, `,"input":`...)
		start := len(dst)
		switch e.kind {
		case inputNull:
			dst = append(dst, "null"...)
		case inputObject:
			dst = append(dst, "{}"...)
		case inputRaw:
			dst = pyjson.AppendString(dst, string(e.raw), false)
		default:
			var err error
			if dst, err = pyjson.AppendCompact(dst, e.input); err != nil {
				return dst, err
			}
		}
		if maxEcho > 0 && len(dst)-start > maxEcho {
			dst = truncateEcho(dst, start, maxEcho)
		}
		switch e.ctx {
		case ctxEmptyError:
			dst = append(dst, `,"ctx":{"error":{}}`...)
		case ctxErrorText:
			dst = append(dst, `,"ctx":{"error":`...)
			dst = pyjson.AppendString(dst, e.ctxMsg, false)
			dst = append(dst, '}')
		}
		dst = append(dst, '}')
	}
	return append(dst, "]}"...), nil
}

// truncateEcho replaces the JSON text dst[start:] by a string holding its
// first maxEcho bytes (whole characters only), "…" and its length.
func truncateEcho(dst []byte, start, maxEcho int) []byte {
	text := dst[start:]
	cut := maxEcho
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	summary := string(text[:cut]) + "… [" + strconv.Itoa(len(text)) + " bytes]"
	return pyjson.AppendString(dst[:start], summary, false)
}
