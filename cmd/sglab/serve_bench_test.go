//go:build unix

package main

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/sglab/sglab/internal/class"
	"github.com/sglab/sglab/internal/class/classtest"
)

// benchClass starts a class of n rostered learners and connects them all
// (80×24 each), waiting until every one shows the home screen.
func benchClass(b *testing.B, n, fps int) (*testClass, []*classtest.Term) {
	b.Helper()
	keys := make([]classtest.Key, n)
	var lines strings.Builder
	for k := range keys {
		keys[k] = classtest.NewKey(b)
		lines.WriteString(keys[k].AuthorizedLine(fmt.Sprintf("learner-%03d", k)))
	}
	roster := writeFile(b, b.TempDir(), "roster", lines.String())
	tc := startClass(b, class.Config{RosterFile: roster, FPS: fps, SessionBurst: n, MaxSessions: n}, nil)
	terms := make([]*classtest.Term, n)
	var wg sync.WaitGroup
	for k := range keys {
		wg.Go(func() {
			// Not connect: its cleanup would keep every client's output
			// alive, and the heap left after the class would count it.
			c, err := classtest.Dial(tc.addr, "learner", gossh.PublicKeys(keys[k].Signer))
			if err != nil {
				b.Error(err)
				return
			}
			if terms[k], err = classtest.Open(c, 80, 24); err != nil {
				b.Error(err)
			}
		})
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
	for _, term := range terms {
		if err := term.WaitFor("Course", 0, time.Minute); err != nil {
			b.Fatal(err)
		}
	}
	return tc, terms
}

// memory is the process's resident set and the Go heap in use, in MB.
func memory() (rss, heap float64) {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ru.Maxrss) / 1024, float64(ms.HeapInuse) / (1 << 20)
}

// cpu is the CPU time the process used so far.
func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkServeFiftySessions is issue 11's classroom under load: 50
// learners connected at once, each pressing 200 keys at a typist's pace
// (one every 100 ms on average, jittered) in the course list, down and up. It reports the time
// from a key to the frame that answers it (p50, p99, max), the memory at
// the peak (the process's high-water resident set and the Go heap in
// use, both including the 50 in-process SSH clients, so an upper bound
// of the server's), and, after every learner has disconnected, the
// goroutines and heap left above the baseline before they came. It runs
// at several frame rates: a key's frame waits for the next tick.
func BenchmarkServeFiftySessions(b *testing.B) {
	for _, fps := range []int{60, 30, 20} {
		b.Run(fmt.Sprintf("fps=%d", fps), func(b *testing.B) { fiftySessions(b, fps) })
	}
}

func fiftySessions(b *testing.B, fps int) {
	const sessions, keys, pace = 50, 200, 100 * time.Millisecond
	for range b.N {
		runtime.GC()
		baseGoroutines := runtime.NumGoroutine()
		_, baseHeap := memory()
		tc, terms := benchClass(b, sessions, fps)
		for _, term := range terms {
			term.Type("enter") // the course's list
		}
		for _, term := range terms {
			if err := term.WaitFor("Inbound and outbound", 0, time.Minute); err != nil {
				b.Fatal(err)
			}
		}
		latencies := make([][]time.Duration, sessions)
		var wg sync.WaitGroup
		for s, term := range terms {
			wg.Go(func() {
				time.Sleep(time.Duration(s) * pace / sessions) // spread the class over one beat
				for k := range keys {
					key := "down"
					if k%2 == 1 {
						key = "up"
					}
					// The frame that answers the key is the first write after it
					// (an idle session writes nothing).
					// Jittered around the pace: keys locked in phase with the
					// frame ticker would all wait the same part of a tick.
					time.Sleep(pace/2 + rand.N(pace))
					n := term.Writes()
					sent := time.Now()
					term.Type(key)
					at, err := term.WaitWrite(n, 10*time.Second)
					if err != nil {
						b.Error(err)
						return
					}
					latencies[s] = append(latencies[s], at.Sub(sent))
				}
			})
		}
		wg.Wait()
		rss, heap := memory()
		for _, term := range terms {
			term.Close()
		}
		tc.srv.Shutdown(b.Context())
		terms = nil // what they drew is the clients', not the server's
		all := slices.Concat(latencies...)
		slices.Sort(all)
		if len(all) == 0 {
			b.Fatal("no key was answered")
		}
		pct := func(p float64) float64 {
			return float64(all[min(int(p*float64(len(all))), len(all)-1)]) / float64(time.Millisecond)
		}
		b.ReportMetric(pct(0.50), "p50-ms")
		b.ReportMetric(pct(0.99), "p99-ms")
		b.ReportMetric(pct(1), "max-ms")
		b.ReportMetric(rss, "peak-rss-MB")
		b.ReportMetric(heap-baseHeap, "heap-MB")
		// After the class leaves: goroutines and heap back to the baseline.
		deadline := time.Now().Add(10 * time.Second)
		for runtime.NumGoroutine() > baseGoroutines+2 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		runtime.GC()
		_, after := memory()
		b.ReportMetric(float64(runtime.NumGoroutine()-baseGoroutines), "goroutines-left")
		b.ReportMetric(after-baseHeap, "heap-left-MB")
	}
}

// BenchmarkServeIdleSessions is issue 11's idle class: 200 learners
// connected, each reading lesson 1's first page, nobody typing. It
// measures the CPU the whole process uses over five seconds (the server
// and the 200 in-process clients, which read nothing while nothing is
// drawn) and reports it in cores and per session, for frame rates from
// Bubble Tea's default 60 down: with BenchmarkServeFiftySessions, the
// figures that chose class.DefaultFPS.
func BenchmarkServeIdleSessions(b *testing.B) {
	const sessions, window = 200, 5 * time.Second
	for _, fps := range []int{60, 30, 20, 10} {
		b.Run(fmt.Sprintf("fps=%d", fps), func(b *testing.B) {
			for range b.N {
				_, terms := benchClass(b, sessions, fps)
				for _, term := range terms {
					term.Type("enter")
				}
				for _, term := range terms {
					if err := term.WaitFor("Inbound and outbound", 0, time.Minute); err != nil {
						b.Fatal(err)
					}
					term.Type("enter")
				}
				for _, term := range terms {
					if err := term.WaitFor("page 1 of", 0, time.Minute); err != nil {
						b.Fatal(err)
					}
				}
				time.Sleep(time.Second) // the last frames and saves settle
				writes := 0
				for _, term := range terms {
					writes -= term.Writes()
				}
				start, used := time.Now(), cpu()
				time.Sleep(window)
				cores := float64(cpu()-used) / float64(time.Since(start))
				for _, term := range terms {
					writes += term.Writes()
				}
				b.ReportMetric(cores, "cores")
				b.ReportMetric(100*cores/sessions, "core-%/session")
				b.ReportMetric(float64(writes), "writes-while-idle")
				for _, term := range terms {
					term.Close()
				}
			}
		})
	}
}
