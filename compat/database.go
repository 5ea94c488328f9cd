package compat

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Each profile is replayed on a database of its own, created from template0
// with the collation the goldens were recorded with (C.UTF-8: ORDER BY on
// text and jsonb must sort the same way) and loaded with the app's SQL, then
// dropped. The admin URL only names the server and credentials; its database
// is merely where CREATE DATABASE is issued from, and is never modified.

// ProfileDatabaseName returns the name of the scratch database for a profile,
// made unique per process: fraiseql_compat_<profile>_<pid>.
func ProfileDatabaseName(profile string, pid int) string {
	var b strings.Builder
	for _, r := range strings.ToLower(profile) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	name := fmt.Sprintf("fraiseql_compat_%s_%d", b.String(), pid)
	if len(name) > 63 { // PostgreSQL's identifier limit (NAMEDATALEN-1)
		name = name[:63]
	}
	return name
}

// WithDatabase returns the postgres:// URL u with its database replaced by db.
func WithDatabase(u, db string) (string, error) {
	parsed, err := url.Parse(u)
	if err != nil || (parsed.Scheme != "postgres" && parsed.Scheme != "postgresql") {
		return "", fmt.Errorf("database URL must be a postgres:// URL (key=value connection strings are not supported here)")
	}
	parsed.Path = "/" + db
	parsed.RawPath = ""
	return parsed.String(), nil
}

// TempDatabase is a scratch database created for one replay.
type TempDatabase struct {
	Name string
	URL  string

	adminURL string
}

// CreateDatabase creates database name on the server of adminURL (dropping a
// leftover of the same name first), loads sql into it with the simple query
// protocol (so a whole multi-statement script runs as written), and returns
// it. The caller must Drop it.
func CreateDatabase(ctx context.Context, adminURL, name, sql string) (*TempDatabase, error) {
	dbURL, err := WithDatabase(adminURL, name)
	if err != nil {
		return nil, err
	}
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return nil, fmt.Errorf("connect to admin database: %w", err)
	}
	defer admin.Close(context.Background())
	ident := pgx.Identifier{name}.Sanitize()
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
		return nil, fmt.Errorf("drop leftover database %s: %w", name, err)
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+ident+" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"); err != nil {
		return nil, fmt.Errorf("create database %s: %w", name, err)
	}
	db := &TempDatabase{Name: name, URL: dbURL, adminURL: adminURL}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		_ = db.Drop(context.Background())
		return nil, fmt.Errorf("connect to %s: %w", name, err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.PgConn().Exec(ctx, sql).ReadAll(); err != nil {
		_ = db.Drop(context.Background())
		return nil, fmt.Errorf("load app SQL into %s: %w", name, err)
	}
	return db, nil
}

// Drop removes the database, disconnecting whoever is still connected.
func (d *TempDatabase) Drop(ctx context.Context) error {
	admin, err := pgx.Connect(ctx, d.adminURL)
	if err != nil {
		return fmt.Errorf("connect to admin database: %w", err)
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{d.Name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", d.Name, err)
	}
	return nil
}
