package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/refer-project/refer/people"
	"github.com/refer-project/refer/resources"
	"github.com/refer-project/refer/resources/bolt"
)

// refer users: the people who sign in to the pages. The store is held by
// one process, so while refer serve runs the command asks the server over
// its control socket (refer.sock in the data folder, 0600), which calls the
// same package people; otherwise it opens the store itself. Either way
// the rules are people's.

// cliPeopleActor is who the audit trail says added or disabled a person
// from the command line.
var cliPeopleActor = resources.Actor{Name: "refer users (command line)"}

// baseURL starts the links refer prints and the server's pages (env
// REFER_BASE_URL, such as https://refer.example.org); empty for paths.
func baseURL() string { return os.Getenv("REFER_BASE_URL") }

// userRequest is what the control socket takes for create and disable.
type userRequest struct {
	Email          string `json:"email"`
	Name           string `json:"name,omitempty"`
	Role           string `json:"role,omitempty"`
	OrganizationID string `json:"organization_id,omitempty"`
}

// personOut is a person as refer users shows them: never the hash.
type personOut struct {
	resources.Person
	Link string `json:"link,omitempty"`
}

func runUsers(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"give create, list or disable"}
	}
	ctx = resources.WithActor(ctx, cliPeopleActor)
	switch args[0] {
	case "create":
		return runUsersCreate(ctx, args[1:], stdout, stderr)
	case "list":
		return runUsersList(ctx, args[1:], stdout, stderr)
	case "disable":
		return runUsersDisable(ctx, args[1:], stdout, stderr)
	}
	return usageError{fmt.Sprintf("unknown users command %q; give create, list or disable", args[0])}
}

func runUsersCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dataDir := newFlags("users create", stderr)
	email := fs.String("email", "", "the person's e-mail `address`, which they sign in with")
	role := fs.String("role", "", "`role`: admin, case_manager or org_staff")
	org := fs.String("org", "", "the organization `ID` that org_staff work for")
	name := fs.String("name", "", "the person's name, shown in the audit trail (optional)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: refer users create --email E --role admin|case_manager|org_staff [--org ID] [--name NAME] [--data DIR]")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	req := userRequest{Email: *email, Name: *name, Role: *role, OrganizationID: *org}
	if _, err := resources.CheckPerson(req.person()); err != nil && resources.ErrorCode(err) == resources.EINVALID {
		return usageError{err.Error()} // a flag given wrong, as the fields say
	}
	var out personOut
	err := withAccounts(ctx, *dataDir, func(a *people.Accounts) error {
		made, err := a.Create(ctx, req.person())
		out = personOut{made.Person, made.Link}
		return err
	}, func(c *http.Client) error { return controlCall(ctx, c, "POST", "/users", req, &out) })
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s (%s%s); the link sets their password, works once, and lasts %d hours:\n",
		out.Email, out.Role, orgOf(out.Person), int(people.LinkTTL.Hours()))
	fmt.Fprintln(stdout, out.Link)
	return nil
}

func (r userRequest) person() resources.Person {
	return resources.Person{Email: r.Email, Name: r.Name, Role: resources.Role(r.Role), OrganizationID: r.OrganizationID}
}

func orgOf(p resources.Person) string {
	if p.OrganizationID == "" {
		return ""
	}
	return " of organization " + p.OrganizationID
}

func runUsersList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dataDir := newFlags("users list", stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: refer users list [--data DIR]"); fs.PrintDefaults() }
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	var list []resources.Person
	err := withAccounts(ctx, *dataDir, func(a *people.Accounts) error {
		var err error
		list, err = a.List(ctx)
		return err
	}, func(c *http.Client) error { return controlCall(ctx, c, "GET", "/users", nil, &list) })
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "EMAIL\tROLE\tORGANIZATION\tNAME\tCREATED\tDISABLED")
	for _, p := range list {
		disabled := "-"
		if p.Disabled != nil {
			disabled = p.Disabled.Format(time.RFC3339)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", p.Email, p.Role, cmp.Or(p.OrganizationID, "-"), cmp.Or(p.Name, "-"), p.Created.Format(time.RFC3339), disabled)
	}
	return w.Flush()
}

func runUsersDisable(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dataDir := newFlags("users disable", stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: refer users disable [--data DIR] EMAIL"); fs.PrintDefaults() }
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"give the e-mail address of one person (refer users list shows them)"}
	}
	var p resources.Person
	err := withAccounts(ctx, *dataDir, func(a *people.Accounts) error {
		var err error
		p, err = a.Disable(ctx, fs.Arg(0))
		return err
	}, func(c *http.Client) error {
		return controlCall(ctx, c, "POST", "/users/disable", userRequest{Email: fs.Arg(0)}, &p)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "disabled %s as of %s: their sessions and links have ended\n", p.Email, p.Disabled.Format(time.RFC3339))
	return nil
}

// withAccounts runs local on the store when no server holds it, and
// remote over the running server's control socket when one does.
func withAccounts(ctx context.Context, dataDir string, local func(*people.Accounts) error, remote func(*http.Client) error) error {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	store, err := bolt.Open(filepath.Join(dataDir, "refer.db"), bolt.WithTimeout(200*time.Millisecond))
	if err == nil {
		defer store.Close()
		return local(people.New(people.Config{Store: store, BaseURL: baseURL()}))
	}
	if resources.ErrorCode(err) != resources.ECONFLICT {
		return err
	}
	return remote(controlClient(dataDir))
}

// controlClient talks HTTP to the server on its control socket.
func controlClient(dataDir string) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", controlSocket(dataDir))
		},
	}}
}

// controlCall sends in as JSON and reads the answer into out; an error
// answer becomes the resources.Error the server met.
func controlCall(ctx context.Context, c *http.Client, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://refer"+path, body)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("the store is in use and its server does not answer on its control socket: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var e controlError
		if json.Unmarshal(b, &e) != nil || e.Code == "" {
			return fmt.Errorf("the server answered %s", resp.Status)
		}
		return &resources.Error{Code: e.Code, Message: e.Message, Fields: e.Fields}
	}
	return json.Unmarshal(b, out)
}

// controlError is an error as the control socket sends it.
type controlError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// usersControl adds refer users' routes to the control socket's mux.
func usersControl(mux *http.ServeMux, accounts *people.Accounts) {
	answer := func(w http.ResponseWriter, status int, v any, err error) {
		w.Header().Set("Content-Type", "application/json")
		if err != nil {
			status, v = http.StatusBadRequest, controlError{resources.ErrorCode(err), resources.ErrorMessage(err), resources.ErrorFields(err)}
			if resources.ErrorCode(err) == resources.EINTERNAL {
				status, v = http.StatusInternalServerError, controlError{Code: resources.EINTERNAL, Message: err.Error()}
			}
		}
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	read := func(r *http.Request) (userRequest, context.Context, error) {
		var req userRequest
		err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&req)
		if err != nil {
			err = resources.Errorf(resources.EINVALID, "the request is not JSON: %v", err)
		}
		return req, resources.WithActor(r.Context(), cliPeopleActor), err
	}
	mux.HandleFunc("POST /users", func(w http.ResponseWriter, r *http.Request) {
		req, ctx, err := read(r)
		if err != nil {
			answer(w, 0, nil, err)
			return
		}
		made, err := accounts.Create(ctx, req.person())
		answer(w, http.StatusCreated, personOut{made.Person, made.Link}, err)
	})
	mux.HandleFunc("GET /users", func(w http.ResponseWriter, r *http.Request) {
		list, err := accounts.List(r.Context())
		answer(w, http.StatusOK, list, err)
	})
	mux.HandleFunc("POST /users/disable", func(w http.ResponseWriter, r *http.Request) {
		req, ctx, err := read(r)
		if err != nil {
			answer(w, 0, nil, err)
			return
		}
		p, err := accounts.Disable(ctx, req.Email)
		answer(w, http.StatusOK, p, err)
	})
}
