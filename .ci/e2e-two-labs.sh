#!/usr/bin/env bash
# End-to-end test of two sglab processes on one state directory (issue 9):
# two `sglab lab` in tmux, each creating a group in the scratch lab. The
# second one's autosave finds the first one's change, writes nothing, and
# asks; "load theirs" takes the first lab (and writes nothing either); a
# later change in the second one, left unanswered at quit, is kept beside
# the file, which still holds the first lab's work.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
sock="$work/tmux.sock"
t() { tmux -S "$sock" "$@"; }
cleanup() { t kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/sglab" ./cmd/sglab
home="$work/home"

screen() { t capture-pane -p -t "$1"; }

# wait_for SESSION TEXT: poll the screen until TEXT shows, or fail.
wait_for() {
  local deadline=$((SECONDS + 10))
  until screen "$1" | grep -qF -- "$2"; do
    if ((SECONDS >= deadline)); then
      echo "e2e-two-labs: timed out in $1 waiting for: $2" >&2
      screen "$1" >&2
      exit 1
    fi
    sleep 0.01
  done
}

# saved TEXT: wait until the scratch lab's file holds TEXT. The app
# writes a change a moment after it (store.DefaultDelay merges a burst of
# changes into one write), off the UI goroutine.
saved() {
  local deadline=$((SECONDS + 10))
  until grep -qF -- "$1" "$home/lab.yaml" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      echo "e2e-two-labs: the scratch lab was never saved with: $1" >&2
      exit 1
    fi
    sleep 0.01
  done
}

keys() { local s=$1; shift; t send-keys -t "$s" "$@"; }
type_text() { t send-keys -t "$1" -l "$2"; }

# group SESSION NAME creates a security group in that lab.
group() {
  keys "$1" n
  wait_for "$1" "┃ Security group name"
  type_text "$1" "$2"
  keys "$1" Enter
  wait_for "$1" "┃ Description"
  type_text "$1" "made in $1"
  keys "$1" Enter
}

for s in one two; do
  # Two's shell stays after sglab quits, to show what it said.
  t -f /dev/null new-session -d -s "$s" -x 120 -y 40 \
    "env TERM=tmux-256color SGLAB_HOME='$home' '$work/sglab' lab; echo \"exit status \$?\"; sleep 60"
done
t set -s escape-time 0
wait_for one "sglab lab"
wait_for two "sglab lab"

group one from-one
wait_for one "Created security group from-one"
saved "name: from-one"

group two from-two
wait_for two "Another sglab changed your scratch lab"
wait_for two "Theirs has the groups default, from-one;"
if grep -q "name: from-two" "$home/lab.yaml"; then
  echo "e2e-two-labs: the second lab overwrote the first one's" >&2
  exit 1
fi

# Load theirs: two now shows one's group, and the file is one's still.
keys two Down Enter
wait_for two "Loaded the lab the other sglab saved"
wait_for two "from-one  sg-0001"
before=$(cat "$home/lab.yaml")

# One goes on without a question: nothing changed under it.
group one one-again
wait_for one "Created security group one-again"
saved "name: one-again"

# Two changes its lab again, is asked again, and quits without choosing.
group two two-again
wait_for two "Another sglab changed your scratch lab"
keys two Escape
keys two q
wait_for two "exit status 2"
wait_for two "another sglab changed your scratch lab while this one was open; yours is kept in"
grep -q "name: one-again" "$home/lab.yaml"
kept=("$home"/lab-kept-*.yaml)
grep -q "name: two-again" "${kept[0]}"
grep -q "name: from-one" "${kept[0]}"
[ "$before" != "$(cat "$home/lab.yaml")" ]
echo "e2e-two-labs: ok"
