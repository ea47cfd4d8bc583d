#!/usr/bin/env bash
# End-to-end test of the classroom with the real OpenSSH client (issue 11):
# the real binary runs `sglab serve` on a free loopback port with a roster
# of one generated key; `ssh -tt` in tmux connects with that key, finishes
# lesson 1 (three pages, the check question, the end) and quits; `sglab
# class export --format json` then shows lesson 1 done for that learner;
# a second, unlisted key is refused, and so is a password.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in ssh ssh-keygen tmux; do
  command -v "$tool" >/dev/null || { echo "e2e-class: needs $tool (.ci/run installs openssh-client and tmux)" >&2; exit 1; }
done

work=$(mktemp -d)
sock="$work/tmux.sock"
t() { tmux -S "$sock" "$@"; }
server=""
cleanup() {
  t kill-server 2>/dev/null || true
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "e2e-class: $*" >&2
  echo "--- server log" >&2
  cat "$work/serve.log" >&2 || true
  exit 1
}

go build -o "$work/sglab" ./cmd/sglab

# Two keys: Ana's is on the roster (its comment is her name), Eve's is not.
ssh-keygen -q -t ed25519 -N '' -C 'Ana Lima' -f "$work/ana"
ssh-keygen -q -t ed25519 -N '' -C 'Eve' -f "$work/eve"
cp "$work/ana.pub" "$work/roster"

# Port 0: the kernel picks a free port, and serve says which.
"$work/sglab" serve --class "$work/class" --roster "$work/roster" --listen 127.0.0.1:0 \
  >"$work/serve.out" 2>"$work/serve.log" &
server=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*listens on 127\.0\.0\.1:\([0-9]*\)\..*/\1/p' "$work/serve.out")
  [ -n "$port" ] && break
  kill -0 "$server" 2>/dev/null || fail "sglab serve did not start"
  sleep 0.1
done
[ -n "$port" ] || fail "sglab serve did not say its port"
[ "$(stat -c %a "$work/class/host_ed25519")" = 600 ] || fail "the host key is not mode 0600"

# ssh_opts: no config, no agent, no other keys, no prompts, a private
# known_hosts (the server's host key is new to this client).
ssh_opts=(-F /dev/null -p "$port" -o IdentitiesOnly=yes -o IdentityAgent=none
  -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile="$work/known_hosts"
  -o ConnectTimeout=10)

screen() { t capture-pane -p -t e2e; }
wait_for() {
  local deadline=$((SECONDS + ${2:-20}))
  until screen | grep -qF -- "$1"; do
    if ((SECONDS >= deadline)); then
      screen >&2
      fail "timed out waiting for: $1"
    fi
    sleep 0.05
  done
}
keys() { t send-keys -t e2e "$@"; }

t -f /dev/null new-session -d -s e2e -x 120 -y 30 \
  "env TERM=tmux-256color ssh -tt ${ssh_opts[*]} -i $work/ana -o BatchMode=yes learner@127.0.0.1; echo ssh-exit-\$?; sleep 30"
t set -s escape-time 0

wait_for "Start with lesson 1"
keys Enter
wait_for "Inbound and outbound" # the course's list
keys Enter
wait_for "page 1 of 3"
keys n
wait_for "page 2 of 3"
keys n
wait_for "page 3 of 3"
keys n
wait_for "question 1 of 1"
keys b
wait_for "finish"
keys n
wait_for "Lesson 1 done"
keys q
wait_for "ssh-exit-0"

# The export reads the class database while serve still runs (WAL).
"$work/sglab" class export --class "$work/class" --format json >"$work/export.json"
fp=$(ssh-keygen -l -E sha256 -f "$work/ana.pub" | awk '{print $2}')
json=$(tr -d ' \n' <"$work/export.json")
case "$json" in
  '[{"name":"AnaLima","fingerprint":"'"$fp"'",'*) ;;
  *) cat "$work/export.json" >&2; fail "the export's one learner is not Ana ($fp)" ;;
esac
grep -qF '"lessons_done":1,' <<<"$json" || fail "the export does not count one lesson done"
grep -qF '"lessons":[{"id":"a-firewall-around-your-instance","title":"Afirewallaroundyourinstance","status":"done"}' <<<"$json" \
  || { cat "$work/export.json" >&2; fail "the export does not show lesson 1 done"; }

# Eve's key is not on the roster: refused before any session.
if ssh "${ssh_opts[@]}" -i "$work/eve" -o BatchMode=yes learner@127.0.0.1 true 2>"$work/eve.err" </dev/null; then
  fail "an unlisted key got in"
fi
grep -q "Permission denied (publickey)" "$work/eve.err" || { cat "$work/eve.err" >&2; fail "the unlisted key was not refused as publickey-only"; }

# The server offers nothing but public keys.
if ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no -o BatchMode=yes learner@127.0.0.1 true 2>"$work/nokey.err" </dev/null; then
  fail "a connection without a key got in"
fi
grep -q "Permission denied (publickey)" "$work/nokey.err" || { cat "$work/nokey.err" >&2; fail "no key: not refused as publickey-only"; }

# The log has a line per event with the fingerprint, never a secret.
grep -q "refused" "$work/serve.log" || fail "the server log has no refusal"
echo "e2e-class: ok (port $port)"
