// Command openmap is the single binary of openmap, with one subcommand per
// job: import, stats, serve, hours, sign, sync, token, version.
//
// Every flag falls back to an environment variable named OPENMAP_ followed by
// the flag name in upper case (--db → OPENMAP_DB, --base-url → OPENMAP_BASE_URL).
package main
