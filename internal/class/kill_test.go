//go:build unix

package class

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sglab/sglab/internal/store/storetest"
)

// killWriterEnv names the class directory the writer process writes to;
// only TestKillNineLoop sets it.
const killWriterEnv = "SGLAB_TEST_KILL_WRITER"

// The learners the writer process writes for, several so that the
// transactions of one interleave with the others'.
var killLearners = []string{"SHA256:kill-ana", "SHA256:kill-bo", "SHA256:kill-cy"}

// TestKillNineLoop kills a process writing to the class database with
// SIGKILL at a random moment, eight times over. The writer enrols
// learners and updates their documents and events as a class server
// does, each in its transaction, and prints every record once it is
// committed. After each kill the database must open, pass SQLite's
// integrity check, and hold every record the writer reported: a kill
// loses at most the write in flight.
func TestKillNineLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills processes")
	}
	dir := t.TempDir()
	committed := map[string]int{} // learner → the highest count reported committed
	for round := range 8 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillNineWriter$", "-test.count=1")
		cmd.Env = append(os.Environ(), killWriterEnv+"="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill after a random number of commits (the writer is then in
		// the middle of the next), or after five seconds at most.
		want := 5 + rand.IntN(150)
		lines := make(chan string)
		go func() {
			defer close(lines)
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
		}()
		seen, deadline := 0, time.After(5*time.Second)
	read:
		for seen < want {
			select {
			case line, ok := <-lines:
				if !ok {
					break read
				}
				fp, n, found := strings.Cut(line, " ")
				count, err := strconv.Atoi(n)
				if !found || err != nil {
					continue // the test framework's own lines
				}
				committed[fp] = max(committed[fp], count)
				seen++
			case <-deadline:
				break read
			}
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		for range lines { // drain: the pipe closes with the process
		}
		cmd.Wait()
		if seen == 0 {
			t.Fatalf("round %d: the writer reported no commit", round)
		}
		checkAfterKill(t, dir, round, committed)
	}
}

// checkAfterKill opens the database a killed writer left and checks it.
func checkAfterKill(t *testing.T, dir string, round int, committed map[string]int) {
	t.Helper()
	db, err := OpenDB(dir)
	if err != nil {
		t.Fatalf("round %d: the database does not open after kill -9: %v", round, err)
	}
	defer db.Close()
	var verdict string
	if err := db.sql.QueryRow("PRAGMA integrity_check").Scan(&verdict); err != nil || verdict != "ok" {
		t.Fatalf("round %d: integrity check: %q %v", round, verdict, err)
	}
	for fp, want := range committed {
		l, err := db.FindLearner(fp)
		if err != nil {
			t.Fatalf("round %d: learner %s, reported enrolled, is gone: %v", round, fp, err)
		}
		var c storetest.Counter
		if err := db.Store(l.ID).Read("counter", &c); err != nil {
			t.Fatalf("round %d: %s's document: %v", round, fp, err)
		}
		if c.N < want {
			t.Fatalf("round %d: %s's count is %d, but %d was reported committed", round, fp, c.N, want)
		}
		// The event of the last count reported (a kill between the count
		// and its event loses that event, never one reported).
		var events int
		if err := db.sql.QueryRow("SELECT count(*) FROM events WHERE learner = ? AND kind = 'kill-test' AND detail = ?", l.ID, strconv.Itoa(want)).Scan(&events); err != nil {
			t.Fatal(err)
		}
		if events == 0 {
			t.Fatalf("round %d: %s's event %d was reported committed and is gone", round, fp, want)
		}
	}
}

// TestKillNineWriter is the process TestKillNineLoop kills: it writes
// until it is killed.
func TestKillNineWriter(t *testing.T) {
	dir := os.Getenv(killWriterEnv)
	if dir == "" {
		t.Skip("the writer process of TestKillNineLoop")
	}
	db, err := OpenDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	stop := time.Now().Add(30 * time.Second) // bounded, should the kill never come
	for time.Now().Before(stop) {
		for _, fp := range killLearners {
			l, err := db.FindLearner(fp)
			if err != nil {
				if l, err = db.Enrol(fp, strings.TrimPrefix(fp, "SHA256:kill-")); err != nil {
					t.Fatal(err)
				}
			}
			var c storetest.Counter
			if err := db.Store(l.ID).Update("counter", &c, func() error { c.N++; return nil }); err != nil {
				t.Fatal(err)
			}
			if err := db.Event(l.ID, "kill-test", strconv.Itoa(c.N)); err != nil {
				t.Fatal(err)
			}
			fmt.Printf("%s %d\n", fp, c.N)
		}
	}
}
