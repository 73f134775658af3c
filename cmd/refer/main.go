// Command refer is the one binary of refer, a community resource matching
// and referral service: refer serve | import | export | reindex | gen | keys | users.
// Flags and wiring only; the work is in the packages.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"syscall"
	_ "time/tzdata" // time zones for open-now, whatever the host has
)

func main() {
	ctx, stop := signalContext()
	stopProfiles := startProfiles(os.Stderr)
	code := Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stopProfiles()
	stop()
	os.Exit(code)
}

// startProfiles writes a CPU profile of the whole command to
// $REFER_CPUPROFILE, an execution trace to $REFER_TRACE (for `go tool
// trace`: where goroutines wait) and a heap profile at its end to
// $REFER_MEMPROFILE (after a collection, so it shows what stays live), for
// `go tool pprof`: the figures in BENCHMARKS.md were found this way.
func startProfiles(stderr io.Writer) (stop func()) {
	cpu, tr, mem := os.Getenv("REFER_CPUPROFILE"), os.Getenv("REFER_TRACE"), os.Getenv("REFER_MEMPROFILE")
	start := func(name, path string, begin func(io.Writer) error) *os.File {
		if path == "" {
			return nil
		}
		f, err := os.Create(path)
		if err == nil {
			if err = begin(f); err != nil {
				f.Close()
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "refer: %s: %v\n", name, err)
			return nil
		}
		return f
	}
	cpuFile := start("REFER_CPUPROFILE", cpu, pprof.StartCPUProfile)
	traceFile := start("REFER_TRACE", tr, trace.Start)
	return func() {
		if cpuFile != nil {
			pprof.StopCPUProfile()
			cpuFile.Close()
		}
		if traceFile != nil {
			trace.Stop()
			traceFile.Close()
		}
		if mem != "" {
			runtime.GC()
			f, err := os.Create(mem)
			if err == nil {
				err = pprof.WriteHeapProfile(f)
				f.Close()
			}
			if err != nil {
				fmt.Fprintf(stderr, "refer: REFER_MEMPROFILE: %v\n", err)
			}
		}
	}
}

// signalContext ends on SIGINT or SIGTERM, so serve stops cleanly.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// Exit statuses, as the contract says.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

const usage = `usage: refer <command> [flags] [args]

commands:
  serve   [--addr 127.0.0.1:8080] [--load-sample]   serve the API and web pages
  import  PATH...                                   import HSDS JSON, HSDS datapackages (1.1, 2.0, 3.x; folder or .zip), Ohana CSV folders
  export  --format hsds-json|hsds-csv OUT           write the whole directory as HSDS 3.0
  reindex                                           rebuild the search index from the store
  gen     --services N [--seed S] OUT               write a synthetic HSDS directory (benchmarks, load tests)
  backup  OUT                                       a consistent copy of the store, also while the server runs
  keys    create --role R [--org ID] --name NAME | list | revoke ID   API keys (while serve is stopped; else over HTTP)
  referrals reseal | purge [--retention D]          re-seal client data under REFER_SECRET_KEY after a rotation; purge closed referrals' client data
  users   create --email E --role R [--org ID] | list | disable EMAIL  people who sign in to the pages (also while serve runs)

every command takes --data DIR (env REFER_DATA, default ./var)
`

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// Main runs refer with args (without the program name) and returns the exit
// status. Tests call it directly.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmds := map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"serve":     runServe,
		"import":    runImport,
		"export":    runExport,
		"reindex":   runReindex,
		"gen":       runGen,
		"backup":    runBackup,
		"keys":      runKeys,
		"referrals": runReferrals,
		"users":     runUsers,
	}
	run, ok := cmds[args[0]]
	if !ok {
		if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
			fmt.Fprint(stdout, usage)
			return exitOK
		}
		fmt.Fprintf(stderr, "refer: unknown command %q\n%s", args[0], usage)
		return exitUsage
	}
	err := run(ctx, args[1:], stdout, stderr)
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "refer %s: %s\n", args[0], ue.msg)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "refer %s: %v\n", args[0], err)
		return exitFail
	}
}

// newFlags returns a flag set for a subcommand with the --data flag every
// command takes. Parse errors come back as usage errors.
func newFlags(name string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("refer "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data", envOr("REFER_DATA", "./var"), "`folder` that holds the store and the index (env REFER_DATA)")
	return fs, dataDir
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
