# .ci/lib.sh: what the tmux end-to-end tests share. A test sets name (for
# its messages) and sources this from the repository's root: it makes a
# work folder that goes with the test, builds sglab into it, and gives
# t (tmux on the test's own server), screen and wait_for, both on the
# tmux session e2e.
work=$(mktemp -d)
sock="$work/tmux.sock"
t() { tmux -S "$sock" "$@"; }
cleanup() { t kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/sglab" ./cmd/sglab

screen() { t capture-pane -p -t e2e; }

# wait_for TEXT [SECONDS]: poll the screen until TEXT shows, or fail.
wait_for() {
  local deadline=$((SECONDS + ${2:-10}))
  until screen | grep -qF -- "$1"; do
    if ((SECONDS >= deadline)); then
      echo "$name: timed out waiting for: $1" >&2
      screen >&2
      exit 1
    fi
    sleep 0.005
  done
}
