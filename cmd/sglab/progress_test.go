package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sglab/sglab/internal/state"
	"github.com/sglab/sglab/quiz"
)

func TestProgressShowsQuizAccuracyAndReviewDue(t *testing.T) {
	dir := t.TempDir()
	store, err := state.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := quiz.Pick(quiz.Ports, 1, 1)
	yesterday := time.Now().Add(-48 * time.Hour)
	err = quiz.Update(store, func(p *quiz.Progress) error {
		p.Record(quiz.Attempt{ID: q[0].ID, Topic: quiz.Ports, Mode: quiz.ModePractice, Correct: false, At: yesterday})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	out, _, code := sglab(t, ".", "--data-dir", dir, "progress")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"Quiz accuracy", "ports      0 of 1 right (0%)", "1 question due now"} {
		if !strings.Contains(out, want) {
			t.Errorf("progress lacks %q:\n%s", want, out)
		}
	}

	out, _, _ = sglab(t, ".", "--data-dir", dir, "progress", "--json")
	var doc struct {
		Quiz struct {
			Topics []struct {
				Topic          string
				Correct, Total int
			}
			Due []struct{ ID string }
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Quiz.Due) != 1 || doc.Quiz.Due[0].ID != q[0].ID || doc.Quiz.Topics[0].Total != 1 {
		t.Errorf("quiz part of --json: %+v", doc.Quiz)
	}
}
