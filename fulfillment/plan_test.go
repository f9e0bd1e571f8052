package fulfillment

import (
	"strings"
	"testing"
	"time"

	"atelier/app/database/databasetest"
)

// TestSQLiteClaimQueriesUseIndexes guards the claim-next speed: each candidate query must
// walk its index, not sort the open queue.
func TestSQLiteClaimQueriesUseIndexes(t *testing.T) {
	db := databasetest.SQLite(t)
	if err := db.AutoMigrate(Models()...); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{
		"SELECT * FROM production_jobs INDEXED BY idx_jobs_claimable WHERE claimed_by IS NULL AND " + openJobStatusesSQL + " ORDER BY priority DESC, created_at, id LIMIT 1":                                      "SCAN production_jobs USING INDEX idx_jobs_claimable",
		"SELECT * FROM production_jobs INDEXED BY idx_production_jobs_lease_until WHERE claimed_by IS NOT NULL AND lease_until < ? AND " + openJobStatusesSQL + " ORDER BY priority DESC, created_at, id LIMIT 1": "USING INDEX idx_production_jobs_lease_until (lease_until<?)",
		"SELECT * FROM follow_up_tasks WHERE state = 'open' AND due_at <= ? ORDER BY priority DESC, due_at, id LIMIT 1":                                                                                           "USING INDEX idx_tasks_claim (state=?)",
	} {
		var rows []struct{ Detail string }
		if err := db.Raw("EXPLAIN QUERY PLAN "+q, time.Now()).Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		var plan []string
		for _, r := range rows {
			plan = append(plan, r.Detail)
		}
		if p := strings.Join(plan, "; "); !strings.Contains(p, want) {
			t.Errorf("plan for %q\n = %s\nwant %s", q, p, want)
		}
	}
}
