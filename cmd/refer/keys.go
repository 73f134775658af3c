package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/refer-project/refer/resources"
)

// cliActor is who the audit trail says made a key from the command line.
var cliActor = resources.Actor{Name: "refer keys (command line)"}

// runKeys makes, lists and revokes API keys in the store. The store is
// held by one process at a time: while refer serve runs, an admin does the
// same over HTTP (POST, GET /api/v1/keys, DELETE /api/v1/keys/{id}).
func runKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"give create, list or revoke"}
	}
	ctx = resources.WithActor(ctx, cliActor)
	switch args[0] {
	case "create":
		return runKeysCreate(ctx, args[1:], stdout, stderr)
	case "list":
		return runKeysList(ctx, args[1:], stdout, stderr)
	case "revoke":
		return runKeysRevoke(ctx, args[1:], stdout, stderr)
	}
	return usageError{fmt.Sprintf("unknown keys command %q; give create, list or revoke", args[0])}
}

func runKeysCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dataDir := newFlags("keys create", stderr)
	role := fs.String("role", "", "`role` of the key: admin, case_manager, intake or org_editor")
	org := fs.String("org", "", "the organization `ID` an org_editor key may edit")
	name := fs.String("name", "", "whose key it is (a person, a system); shown in the audit trail")
	email := fs.String("email", "", "how an admin reaches the key's holder (optional; never published)")
	expires := fs.String("expires", "", "when the key stops working: a `date` (2027-01-31) or RFC 3339 moment; none by default")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: refer keys create --role admin|case_manager|intake|org_editor [--org ID] --name NAME [--email EMAIL] [--expires DATE] [--data DIR]")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	now := time.Now()
	k, token, err := resources.NewKey(*name, resources.Role(*role), *org, *email, now)
	if err != nil {
		// A flag given wrong, as the fields say.
		return usageError{err.Error()}
	}
	if *expires != "" {
		at, err := time.Parse(time.DateOnly, *expires)
		if err != nil {
			if at, err = time.Parse(time.RFC3339, *expires); err != nil {
				return usageError{fmt.Sprintf("--expires %q is not a date such as 2027-01-31 or a moment such as 2027-01-31T17:00:00Z", *expires)}
			}
		}
		if err := k.SetExpiry(at, now); err != nil {
			return usageError{err.Error()}
		}
	}
	store, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.CreateKey(ctx, k); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created key %s (%s%s) for %q\n", k.ID, k.Role, orgSuffix(k), k.Name)
	fmt.Fprintln(stdout, "it is shown this once; only its hash is kept. Send it as Authorization: Bearer <key>")
	fmt.Fprintln(stdout, token)
	return nil
}

func orgSuffix(k resources.Key) string {
	if k.OrganizationID == "" {
		return ""
	}
	return " of organization " + k.OrganizationID
}

func runKeysList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dataDir := newFlags("keys list", stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: refer keys list [--data DIR]"); fs.PrintDefaults() }
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	store, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	keys, err := store.ListKeys(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tROLE\tORGANIZATION\tNAME\tCREATED\tREVOKED\tEXPIRES")
	moment := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.Format(time.RFC3339)
	}
	for _, k := range keys {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Role, cmp.Or(k.OrganizationID, "-"), printable(k.Name),
			k.Created.Format(time.RFC3339), moment(k.Revoked), moment(k.Expires))
	}
	return w.Flush()
}

func runKeysRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dataDir := newFlags("keys revoke", stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: refer keys revoke [--data DIR] ID"); fs.PrintDefaults() }
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"give the ID of one key (refer keys list shows them)"}
	}
	store, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	k, err := store.RevokeKey(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "revoked key %s (%s, %q) as of %s\n", k.ID, k.Role, k.Name, k.Revoked.Format(time.RFC3339))
	return nil
}

// printable quotes a name with control characters, so that one stored
// before they were refused cannot drive the terminal it is printed on.
func printable(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return strconv.Quote(s)
	}
	return s
}
