//! `seawall watch`: stream activity alerts as NDJSON (or text) on stdout.
