package execute

import (
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// sessionVars returns the settings of this request: the schema's context
// values declared with a session variable (when they have a value), then
// the request's own. Computed once per request.
func (x *Execution) sessionVars() ([]SessionVar, error) {
	if x.sessionDone {
		return x.session, nil
	}
	x.sessionDone = true
	for _, c := range x.e.s.Contexts {
		if c.SessionVariable == "" {
			continue
		}
		v, err := x.contextValue(c.Name)
		if err != nil {
			return nil, err
		}
		if s, ok := v.(string); ok {
			x.session = append(x.session, SessionVar{Name: c.SessionVariable, Value: s})
		}
	}
	x.session = append(x.session, x.sessionVarsIn...)
	return x.session, nil
}

// setConfigSQL returns "SELECT set_config($1, $2, true), …" for n settings.
// Statements for small n are built once so pgx's statement cache sees the
// same text every time.
func setConfigSQL(n int) string {
	if n < len(setConfigSQLs) {
		return setConfigSQLs[n]
	}
	return buildSetConfigSQL(n)
}

var setConfigSQLs = func() []string {
	out := make([]string, 9)
	for n := 1; n < len(out); n++ {
		out[n] = buildSetConfigSQL(n)
	}
	return out
}()

func buildSetConfigSQL(n int) string {
	var b strings.Builder
	b.WriteString("SELECT ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("set_config($" + strconv.Itoa(2*i+1) + ", $" + strconv.Itoa(2*i+2) + ", true)")
	}
	return b.String()
}

// query runs one statement. Without session variables it is a single round
// trip. With them, set_config(…, true) and the statement go out as one
// pipelined batch: the extended protocol runs a batch that ends in one Sync
// as one implicit transaction on one connection, so the settings are
// transaction-local, visible to the statement (and to row level security
// policies and functions it reaches), gone afterwards, and the whole batch
// commits or rolls back together (pgconn documents ExecBatch as implicitly
// transactional). That is BEGIN; set_config…; statement; COMMIT in one
// round trip instead of four.
func (x *Execution) query(sql string, args []any) (pgx.Rows, error) {
	vars, err := x.sessionVars()
	if err != nil {
		return nil, err
	}
	if len(vars) == 0 {
		return x.e.db.Query(x.dbContext(), sql, args...)
	}
	setArgs := make([]any, 0, 2*len(vars))
	for _, v := range vars {
		setArgs = append(setArgs, v.Name, v.Value)
	}
	b := &pgx.Batch{}
	b.Queue(setConfigSQL(len(vars)), setArgs...)
	b.Queue(sql, args...)
	br := x.e.db.SendBatch(x.dbContext(), b)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		br.Close()
		return nil, err
	}
	return &batchRows{Rows: rows, br: br}, nil
}

// batchRows closes its batch with the rows, so that the implicit
// transaction's commit is awaited and an error at commit time (a deferred
// constraint, a serialization failure) is reported by Err.
type batchRows struct {
	pgx.Rows
	br       pgx.BatchResults
	closed   bool
	closeErr error
}

func (r *batchRows) Close() {
	if r.closed {
		return
	}
	r.closed = true
	r.Rows.Close()
	r.closeErr = r.br.Close()
}

func (r *batchRows) Err() error {
	if err := r.Rows.Err(); err != nil {
		return err
	}
	return r.closeErr
}
