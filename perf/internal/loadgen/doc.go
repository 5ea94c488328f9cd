// Package loadgen is fraiseql-bench's load generator: it parses targets
// (an http:// server or a postgres:// floor), renders each workload's
// request once as wire bytes, drives every target with the same number of
// keep-alive connections (closed loop, or open loop at a fixed rate),
// interleaving targets round by round so that a noisy machine hurts them
// alike. Each target first answers every request variant once, checked
// against the workload's expected status and body; targets named in
// SameData must answer the same data (CanonicalData).
//
// It owns Config and its bounds, the schedule, the raw HTTP/1.1 client and
// the Results; report renders them.
//
// What it must never do: drive a non-loopback target unless the caller
// allows it (ParseTarget's allowRemote), exceed its bounds (MaxConnections,
// MaxDuration, MaxRate, MaxRounds) whatever the flags say, or measure a
// target whose answers were not checked first.
package loadgen
