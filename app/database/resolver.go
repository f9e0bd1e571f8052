package database

import (
	"gorm.io/gorm/clause"
	"gorm.io/plugin/dbresolver"
)

// Primary is a clause that sends a read to the writer connection, for a read that must see a
// write the same request just made through another path. Use as db.Clauses(database.Primary()).
func Primary() clause.Expression { return writeClause() }

func writeClause() clause.Expression { return dbresolver.Write }
