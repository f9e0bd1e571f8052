// Package fulfillment owns what happens to an order after checkout: orders and their
// payment confirmation, the production queue (jobs compounded, checked, packed and shipped
// by staff who claim them with a lease), the personal follow-up queue (welcome, check-in,
// replenishment, recovery and loyalty tasks), the scheduler that creates follow-ups from
// rules, the outbox that sends customer email exactly once per event, and the audit log.
//
// The package is independent of the catalog and the questionnaire: order lines carry the
// configuration as JSON snapshots the caller provides. All state lives in the database;
// every state change is written in one transaction together with its audit entry, its
// follow-up work and its outbox messages, and is idempotent under retries and concurrency
// (guarded by unique indexes and compare-and-set updates). The clock is injected, so
// leases and schedules are tested by moving it.
//
// See docs/FULFILLMENT.md for the state machines and guarantees.
package fulfillment
