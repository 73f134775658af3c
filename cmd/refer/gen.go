package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/refer-project/refer/gen"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/hsds"
)

// maxGenServices bounds --services: a directory is built in memory (about
// 3.5 KB a service), so a slip of the finger should not take the machine.
const maxGenServices = 10_000_000

func runGen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	// --data is accepted, as by every command, but gen touches no store.
	fs, _ := newFlags("gen", stderr)
	services := fs.Int("services", 0, "how many `N` services to generate (required)")
	seed := fs.Int64("seed", 1, "random `seed`; the same seed gives the same directory, byte for byte")
	metro := fs.String("metro", "", "put every site around this `metro` (Miami, New York, …); default: around 43 US metros by population")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: refer gen --services N [--seed S] [--metro NAME] OUT")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"give one OUT folder"}
	}
	if *services < 1 || *services > maxGenServices {
		return usageError{fmt.Sprintf("--services must be between 1 and %d", maxGenServices)}
	}
	start := time.Now()
	d, err := gen.GenerateWith(*services, *seed, gen.Options{Metro: *metro})
	if err != nil {
		return usageError{"--metro: " + resources.ErrorMessage(err)}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	out := fs.Arg(0)
	if err := hsds.WriteJSON(out, d); err != nil {
		return err
	}
	count := map[resources.Kind]int{}
	for _, r := range d.Records {
		count[r.Kind()]++
	}
	fmt.Fprintf(stdout, "wrote %d organizations, %d services, %d locations to %s in %s\n",
		count[resources.KindOrganization], count[resources.KindService], count[resources.KindLocation],
		out, time.Since(start).Round(time.Millisecond))
	return nil
}
