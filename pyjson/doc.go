// Package pyjson reads and writes JSON exactly as CPython's json module does,
// because the server it belongs to must answer byte for byte like FraiseQL
// v1's FastAPI server, whose bodies are parsed by json.loads and rendered by
// json.dumps.
//
// Decode is FastAPI 0.121's body parsing on CPython 3.13: the bytes are
// decoded to text as json.loads does (UTF-8, a UTF-8 BOM, UTF-16 and UTF-32
// recognised by json.detect_encoding, surrogates let through), then parsed
// with the C scanner's rules. A *SyntaxError carries JSONDecodeError's exact
// message and character position, which FastAPI puts in its 422 body; the
// other errors (*EncodingError, *DepthError, *IntLimitError) are the
// exceptions FastAPI answers with 400. The Value it returns keeps what a
// Python object keeps: member order with dict semantics for duplicate keys,
// the int/float split, NaN and the infinities, big integers, and the literal
// text of numbers.
//
// AppendCompact renders a Value as FastAPI's JSONResponse does
// (ensure_ascii=False, allow_nan=False, compact separators, then UTF-8), and
// fails where Python fails: on NaN or infinite floats and on lone surrogates.
// AppendSpaced is json.dumps with its default arguments, which FraiseQL uses
// for WebSocket frames and some error bodies. AppendString and AppendFloat
// are the string and float rules on their own, for code that writes JSON
// without building a Value.
//
// What it must never do: panic or recurse without bound on untrusted input
// (nesting is limited to MaxDepth, as CPython's recursion limit does; large
// objects look up duplicate keys in a map, so no input makes decoding
// quadratic), use reflection, or accept a document Python rejects. It is
// deliberately not encoding/json: it accepts NaN and Infinity, and it keeps
// numbers as text so that nothing is lost before they are written out again.
//
// Security defaults: there is no size limit here (FastAPI has none either);
// a caller that wants one must bound the body before calling Decode. Decoded
// strings share one copy of the body, so a Value keeps the whole body alive
// while it is referenced. Invalid UTF-8 in a Go string given to the encoders
// is written as U+FFFD, never passed through.
package pyjson
