#!/usr/bin/env bash
# End-to-end test of the classroom with the real OpenSSH client (issue 11):
# the real binary runs `sglab serve` on a free loopback port with a roster
# of one generated key; `ssh -tt` in tmux connects with that key, finishes
# lesson 1 (three pages, the check question, the end) and quits; `sglab
# class export --format json` then shows lesson 1 done for that learner;
# a second, unlisted key is refused, and so is a password. Then the server
# is killed with kill -9 three times in mid-lesson and started again: the
# database opens, nothing committed is lost, and the learner lands where
# she left.
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

# start_serve: port 0, so the kernel picks a free port, and serve says
# which; it sets server and port.
start_serve() {
  "$work/sglab" serve --class "$work/class" --roster "$work/roster" --listen 127.0.0.1:0 \
    >"$work/serve.out" 2>>"$work/serve.log" &
  server=$!
  port=""
  for _ in $(seq 1 100); do
    port=$(sed -n 's/.*listens on 127\.0\.0\.1:\([0-9]*\)\..*/\1/p' "$work/serve.out")
    [ -n "$port" ] && break
    kill -0 "$server" 2>/dev/null || fail "sglab serve did not start"
    sleep 0.1
  done
  [ -n "$port" ] || fail "sglab serve did not say its port"
}
start_serve
[ "$(stat -c %a "$work/class/host_ed25519")" = 600 ] || fail "the host key is not mode 0600"

# ssh_opts: no config, no agent, no other keys, no prompts, a private
# known_hosts (the server's host key is new to this client).
ssh_opts() {
  echo -F /dev/null -p "$port" -o IdentitiesOnly=yes -o IdentityAgent=none \
    -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$work/known_hosts" -o ConnectTimeout=10
}
# The client trusts the host key it is shown first (accept-new, once);
# after a restart the server must show the same key, or ssh refuses.
ssh-keyscan -p "$port" -t ed25519 127.0.0.1 2>/dev/null | sed "s/^127.0.0.1/[127.0.0.1]:$port/" >"$work/known_hosts"
[ -s "$work/known_hosts" ] || fail "ssh-keyscan saw no host key"
trust_port() { sed -i "s/^\[127.0.0.1\]:[0-9]*/[127.0.0.1]:$port/" "$work/known_hosts"; }

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

# connect: Ana's ssh in tmux session e2e.
connect() {
  t kill-session -t e2e 2>/dev/null || true
  t -f /dev/null new-session -d -s e2e -x 120 -y 30 \
    "env TERM=tmux-256color ssh -tt $(ssh_opts) -i $work/ana -o BatchMode=yes learner@127.0.0.1; echo ssh-exit-\$?; sleep 30"
  t set -s escape-time 0
}
connect

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
if ssh $(ssh_opts) -i "$work/eve" -o BatchMode=yes learner@127.0.0.1 true 2>"$work/eve.err" </dev/null; then
  fail "an unlisted key got in"
fi
grep -q "Permission denied (publickey)" "$work/eve.err" || { cat "$work/eve.err" >&2; fail "the unlisted key was not refused as publickey-only"; }

# The server offers nothing but public keys.
if ssh $(ssh_opts) -o PubkeyAuthentication=no -o BatchMode=yes learner@127.0.0.1 true 2>"$work/nokey.err" </dev/null; then
  fail "a connection without a key got in"
fi
grep -q "Permission denied (publickey)" "$work/nokey.err" || { cat "$work/nokey.err" >&2; fail "no key: not refused as publickey-only"; }

# The log has a line per event with the fingerprint, never a secret.
grep -q "refused" "$work/serve.log" || fail "the server log has no refusal"

# kill -9 in mid-class, three times: Ana pages through lesson 2, the server
# is killed without warning a moment after her last page was saved, and
# starts again on the same class. Each time the database opens, lesson 1
# is still done, she lands on the page she left, and the host key is the
# one her ssh already trusts.
for page in 1 2 3; do
  connect
  if ((page == 1)); then
    wait_for "1 of"
    keys Enter
    wait_for "Inbound and outbound"
    keys 2 Enter
  else
    wait_for "Continue where you left off: lesson 2, Inbound and outbound, page $((page - 1))"
    keys Enter Enter
    wait_for "page $((page - 1)) of"
    keys n
  fi
  wait_for "page $page of"
  sleep 0.5 # the persister writes a burst of changes 150 ms after it
  kill -9 "$server"
  wait "$server" 2>/dev/null || true
  wait_for "ssh-exit-"
  start_serve
  trust_port
  "$work/sglab" class export --class "$work/class" --format json >"$work/export.json" || fail "no export after kill -9 (round $page)"
  grep -qF '"lessons_done":1,' <<<"$(tr -d ' \n' <"$work/export.json")" || fail "lesson 1 lost after kill -9 (round $page)"
done
connect
wait_for "Continue where you left off: lesson 2, Inbound and outbound, page 3"
echo "e2e-class: ok (port $port)"
