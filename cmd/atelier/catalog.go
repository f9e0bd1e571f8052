package main

import (
	"fmt"
	"io"
	"os"

	"atelier/catalog"
)

// catalogCmd runs "atelier catalog stats | check FILE | decode CODE".
func catalogCmd(c config, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usagef("catalog: want stats, check FILE or decode CODE")
	}
	switch args[0] {
	case "stats":
		if len(args) != 1 {
			return usagef("catalog stats: takes no arguments, not %q", args[1])
		}
		reg, err := loadCatalog(c.CatalogFile)
		if err != nil {
			return err
		}
		return catalog.WriteStats(stdout, reg.Current())
	case "check":
		if len(args) != 2 {
			return usagef("catalog check: want one FILE")
		}
		b, err := os.ReadFile(args[1])
		if err != nil {
			return err
		}
		if err := catalog.Check(b); err != nil {
			return fmt.Errorf("%s:\n%w", args[1], err)
		}
		fmt.Fprintf(stdout, "%s: ok\n", args[1])
		return nil
	case "decode":
		if len(args) != 2 {
			return usagef("catalog decode: want one CODE")
		}
		reg, err := loadCatalog(c.CatalogFile)
		if err != nil {
			return err
		}
		p, err := reg.Decode(args[1], catalog.Profile{})
		if err != nil {
			return fmt.Errorf("code %s: %w", args[1], err)
		}
		return catalog.Describe(stdout, p)
	default:
		return usagef("catalog: unknown subcommand %q (want stats, check or decode)", args[0])
	}
}
