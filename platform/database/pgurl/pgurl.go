// Package pgurl parses a PostgreSQL URL for pgx from the URL alone: the
// services' DATABASE_URL (platform/database), the tests' and flowctl's.
package pgurl

import (
	"fmt"
	"net/url"
	"os"

	"github.com/jackc/pgx/v5"
)

// Parse parses a postgres:// URL (DATABASE_URL) for pgx, the URL alone.
// pgx fills each setting a URL leaves out from a PG* variable when one is
// set (PGPASSWORD, PGSSLMODE, PGPORT, …): configuration read behind the env
// table's back, different on every developer's shell. So a PG* variable
// pgx would read for a setting the URL leaves out is an error that names
// it; a setting the URL has is the URL's (pgx gives it precedence).
func Parse(u string) (*pgx.ConnConfig, error) {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "postgres" && p.Scheme != "postgresql") {
		return nil, fmt.Errorf("not a postgres:// URL")
	}
	for _, v := range pgxEnv {
		if val, set := os.LookupEnv(v.name); !set || (val == "" && v.setting != "sslcertmode") || urlSets(p, v.setting) {
			continue
		}
		return nil, fmt.Errorf("%s is set in the environment and the URL says no %s, so the driver would take it from there: orderflow reads PostgreSQL's settings from the URL only; put %s=… in the URL or unset %s", v.name, v.setting, v.setting, v.name)
	}
	cfg, err := pgx.ParseConfig(u)
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

// urlSets says whether the URL gives setting itself.
func urlSets(p *url.URL, setting string) bool {
	switch setting {
	case "host":
		return p.Hostname() != ""
	case "port":
		return p.Port() != ""
	case "user":
		return p.User != nil && p.User.Username() != ""
	case "password":
		_, ok := p.User.Password()
		return ok
	case "database":
		return len(p.Path) > 1 || p.Query().Has("dbname") || p.Query().Has("database")
	}
	return p.Query().Has(setting) || (setting == "sslmode" && p.Query().Has("ssl"))
}

// pgxEnv are the variables pgx v5 reads and the settings they stand for
// (pgconn's parseEnvSettings).
var pgxEnv = []struct{ name, setting string }{
	{"PGHOST", "host"}, {"PGPORT", "port"}, {"PGDATABASE", "database"}, {"PGUSER", "user"},
	{"PGPASSWORD", "password"}, {"PGPASSFILE", "passfile"}, {"PGAPPNAME", "application_name"},
	{"PGCONNECT_TIMEOUT", "connect_timeout"}, {"PGSSLMODE", "sslmode"}, {"PGSSLKEY", "sslkey"},
	{"PGSSLCERT", "sslcert"}, {"PGSSLCERTMODE", "sslcertmode"}, {"PGSSLSNI", "sslsni"},
	{"PGSSLROOTCERT", "sslrootcert"}, {"PGSSLPASSWORD", "sslpassword"}, {"PGSSLNEGOTIATION", "sslnegotiation"},
	{"PGTARGETSESSIONATTRS", "target_session_attrs"}, {"PGSERVICE", "service"}, {"PGSERVICEFILE", "servicefile"},
	{"PGTZ", "timezone"}, {"PGOPTIONS", "options"}, {"PGMINPROTOCOLVERSION", "min_protocol_version"},
	{"PGMAXPROTOCOLVERSION", "max_protocol_version"}, {"PGCHANNELBINDING", "channel_binding"},
	{"PGREQUIREAUTH", "require_auth"},
}
