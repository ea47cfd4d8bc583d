package class

import (
	"fmt"
	"testing"

	"github.com/sglab/sglab/internal/store"
	"github.com/sglab/sglab/internal/store/storetest"
)

func openTestDB(t *testing.T) *DB {
	t.Helper()
	db, err := OpenDB(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestDBConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		Open: func(t *testing.T) store.Store {
			db := openTestDB(t)
			l, err := db.Enrol("SHA256:test", "Ana")
			if err != nil {
				t.Fatal(err)
			}
			return db.Store(l.ID)
		},
		WriteRaw: func(t *testing.T, s store.Store, name string, schema int, data []byte) {
			ls := s.(*learnerStore)
			_, err := ls.db.sql.Exec(`INSERT INTO documents (learner, name, schema, data, updated_at) VALUES (?, ?, ?, ?, '')
				ON CONFLICT (learner, name) DO UPDATE SET schema = excluded.schema, data = excluded.data`, ls.id, name, schema, data)
			if err != nil {
				t.Fatal(err)
			}
		},
	})
}

// Two learners' stores never see each other's documents or blobs.
func TestDBLearnersAreSeparate(t *testing.T) {
	db := openTestDB(t)
	ana, _ := db.Enrol("SHA256:ana", "Ana")
	bo, _ := db.Enrol("SHA256:bo", "Bo")
	a, b := db.Store(ana.ID), db.Store(bo.ID)
	c := &storetest.Counter{}
	if err := a.Update("counter.json", c, func() error { c.N = 5; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := a.SwapBlob("lab.yaml", store.Sum{}, []byte("ana's lab")); err != nil {
		t.Fatal(err)
	}
	got := &storetest.Counter{}
	if err := b.Read("counter.json", got); err != nil || got.N != 0 {
		t.Fatalf("Bo reads Ana's document: %+v, %v", got, err)
	}
	if data, err := b.ReadBlob("lab.yaml"); err == nil {
		t.Fatalf("Bo reads Ana's lab: %q", data)
	}
}

func TestEnrolKeepsOneLearnerPerKey(t *testing.T) {
	db := openTestDB(t)
	first, err := db.Enrol("SHA256:x", "Ana")
	if err != nil {
		t.Fatal(err)
	}
	again, err := db.Enrol("SHA256:x", "Ana B.")
	if err != nil || again.ID != first.ID || again.Name != "Ana B." {
		t.Fatalf("enrolling a key again: %+v, %v; want learner %d renamed", again, err, first.ID)
	}
	if _, err := db.FindLearner("SHA256:unknown"); err != ErrNotEnrolled {
		t.Fatalf("FindLearner of an unknown key: %v", err)
	}
	ls, _ := db.Learners()
	if fmt.Sprint(len(ls)) != "1" {
		t.Fatalf("%d learners, want 1", len(ls))
	}
}
