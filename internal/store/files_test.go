package store_test

import (
	"encoding/json"
	"testing"

	"github.com/sglab/sglab/internal/store"
	"github.com/sglab/sglab/internal/store/storetest"
)

func TestFilesConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		Open: func(t *testing.T) store.Store {
			f, err := store.OpenFiles(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			return f
		},
		WriteRaw: func(t *testing.T, s store.Store, name string, schema int, data []byte) {
			f := s.(store.Files)
			env, err := json.Marshal(map[string]any{"schema": schema, "data": json.RawMessage(data)})
			if !json.Valid(data) {
				env, err = []byte(`{"schema":`+string(rune('0'+schema))+`,"data":`+string(data)+`}`), nil
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := f.WriteFile(name, env); err != nil {
				t.Fatal(err)
			}
		},
	})
}
