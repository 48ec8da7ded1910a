// Command fileserver is the yardstick of scripts/bench-api.sh: Go's
// http.FileServer serving a directory on a loopback address, with the same
// server timeouts as openmap serve.
package main
