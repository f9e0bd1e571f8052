// Package load is the engine of Atelier's load tool (cmd/loadtest): virtual shoppers that take
// the quiz through the JSON API, get their recommendation, customise a product, order it and
// pay in demo mode, and staff workers that claim and move production jobs — at a fixed arrival
// rate (open model) or with a fixed number of clients (closed model), across one or more
// running servers. It measures each step's latency in a bounded histogram, measures a trivial
// route (GET /healthz) of the same servers as the machine's ceiling, samples server memory, and
// audits the database afterwards: every paid order has exactly its jobs, and nothing more.
//
// Tests call Run in-process; cmd/loadtest is its command line.
package load
