#!/usr/bin/env bash
# End-to-end test of the release (issue 15): .ci/release builds the six
# archives into a temporary folder, and this checks what a learner would
# download: SHA256SUMS verifies, every archive holds the same files under one
# folder (binary, README.md, LICENSE, completions, man pages), built for its
# own system, with the same owner, modes and time on every entry; the
# linux/amd64 binary runs from its archive and names the version given, and
# the bash completion it ships completes a command through it.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
export LC_ALL=C TZ=UTC

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "e2e-release: $*" >&2; exit 1; }

version=v0.0.0-e2e.1
started=$SECONDS
.ci/release -o "$work/dist" "$version" >"$work/release.log" 2>&1 || { cat "$work/release.log" >&2; fail ".ci/release failed"; }
echo "release built in $((SECONDS - started))s"
commit=$(git rev-parse HEAD)
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct HEAD)}
date=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)

cd "$work/dist"
sha256sum --check --strict --quiet SHA256SUMS || fail "SHA256SUMS does not verify"

targets="linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"
archives=()
for target in $targets; do
  goos=${target%/*} goarch=${target#*/}
  ext=tar.gz; [ "$goos" = windows ] && ext=zip
  archives+=("sglab_${version#v}_${goos}_${goarch}.$ext")
done
present=$(printf '%s\n' *)
[ "$present" = "$(printf '%s\n' "${archives[@]}" SHA256SUMS | sort)" ] ||
  fail "the folder holds"$'\n'"$present"$'\n'"want the six archives and SHA256SUMS"
[ "$(awk '{print $2}' SHA256SUMS)" = "$(printf '%s\n' "${archives[@]}" | sort)" ] ||
  fail "SHA256SUMS does not list exactly the six archives:"$'\n'"$(cat SHA256SUMS)"

required="README.md LICENSE completions/sglab.bash completions/_sglab completions/sglab.fish completions/sglab.ps1
  man/man1/sglab.1 man/man1/sglab-check.1 man/man1/sglab-lab.1 man/man1/sglab-quiz.1 man/man1/sglab-version.1"
first=""
for archive in "${archives[@]}"; do
  top=${archive%.tar.gz} top=${top%.zip}
  goos=$(echo "$top" | cut -d_ -f3) goarch=$(echo "$top" | cut -d_ -f4)
  bin=sglab; [ "$goos" = windows ] && bin=sglab.exe
  mkdir "$work/$top"
  if [ "$goos" = windows ]; then
    entries=$(unzip -Z1 "$archive")
    # Every entry's time (zipinfo -T's seventh column) is the commit's, as
    # a zip holds it: MS-DOS times count in steps of 2 s, and zip rounds an
    # odd second up.
    stamps=$(zipinfo -T "$archive" | awk '$1 ~ /^[-d]r/ {print $7}' | sort -u)
    want_stamps=$(date -u -d "@$(((epoch + 1) / 2 * 2))" +%Y%m%d.%H%M%S)
    unzip -q "$archive" -d "$work"
  else
    entries=$(tar -tzf "$archive")
    # Every entry's owner is root and its time the commit's.
    stamps=$(tar --numeric-owner --full-time -tvzf "$archive" | awk '{print $2, $4, $5}' | sort -u)
    want_stamps="0/0 $(date -u -d "@$epoch" '+%Y-%m-%d %H:%M:%S')"
    # gzip -n: no file name nor time in the header (flags and bytes 4-7 zero).
    [ "$(od -An -tx1 -j3 -N5 "$archive" | tr -d ' ')" = 0000000000 ] || fail "$archive: the gzip header holds a name or a time"
    tar -xzf "$archive" -C "$work"
  fi
  [ "$stamps" = "$want_stamps" ] || fail "$archive: entries' owners and times are"$'\n'"$stamps"$'\n'"want $want_stamps"
  [ "$entries" = "$(echo "$entries" | sort)" ] || fail "$archive: entries are not sorted"
  outside=$(echo "$entries" | grep -v "^$top/" || true)
  [ -z "$outside" ] || fail "$archive: entries outside $top/: $outside"
  for f in $bin $required; do
    grep -qFx "$top/$f" <<<"$entries" || fail "$archive has no $top/$f; it holds:"$'\n'"$entries"
  done
  # The same files in every archive, but for the binary's name.
  files=$(echo "$entries" | sed "s|^$top/||; s|^sglab.exe$|sglab|")
  if [ -z "$first" ]; then first=$files; else
    [ "$files" = "$first" ] || fail "$archive holds other files than ${archives[0]}:"$'\n'"$(diff <(echo "$first") <(echo "$files"))"
  fi
  [ -x "$work/$top/$bin" ] || fail "$archive: $bin is not executable"
  # Built for its own system, as a release: go version -m reads any system's binary.
  meta=$(go version -m "$work/$top/$bin")
  for want in "GOOS=$goos" "GOARCH=$goarch" "-trimpath=true" "CGO_ENABLED=0"; do
    grep -qFx "$(printf '\tbuild\t%s' "$want")" <<<"$meta" || fail "$archive: $bin was not built with $want:"$'\n'"$meta"
  done
  grep -qF ".TH \"SGLAB\" \"1\" \"$(date -u -d "@$epoch" '+%b %Y')\" \"sglab $version\"" "$work/$top/man/man1/sglab.1" ||
    fail "$archive: man page sglab.1 does not carry the version and date: $(head -2 "$work/$top/man/man1/sglab.1")"
  cmp -s "$work/$top/LICENSE" "$repo/LICENSE" || fail "$archive: LICENSE is not the repository's"
  echo "ok $archive"
done

# Run the binary of this machine's archive, as a learner would after
# unpacking it.
host=$(go env GOHOSTOS)_$(go env GOHOSTARCH)
case $host in
  linux_amd64 | linux_arm64) ;;
  *) echo "e2e-release: this machine is $host: not running a binary"; exit 0 ;;
esac
dir="$work/sglab_${version#v}_$host"
export SGLAB_HOME="$work/home" NO_COLOR=1
json=$("$dir/sglab" version --json)
for want in "\"version\": \"$version\"" "\"revision\": \"$commit\"" "\"time\": \"$date\"" "\"platform\": \"${host/_//}\""; do
  grep -qF "  $want," <<<"$json" || fail "sglab version --json does not say $want:"$'\n'"$json"
done
line=$("$dir/sglab" --version)
grep -qF "sglab $version (revision ${commit:0:12}, $date;" <<<"$line" || fail "sglab --version: $line"
"$dir/sglab" check "$repo/examples/scenarios/ssh-my-ip.yaml" >/dev/null || fail "sglab check of an example failed"

# The bash completion in the archive completes through the binary on PATH
# (it needs the bash-completion package, as cobra's scripts do).
if [ -f /usr/share/bash-completion/bash_completion ]; then
  got=$(PATH="$dir:$PATH" bash --norc --noprofile -c '
    source /usr/share/bash-completion/bash_completion
    source "$1/completions/sglab.bash"
    COMP_WORDS=(sglab vers); COMP_CWORD=1; COMP_LINE="sglab vers"; COMP_POINT=${#COMP_LINE}
    __start_sglab sglab vers sglab 2>/dev/null
    echo "${COMPREPLY[*]}"' _ "$dir")
  [ "$got" = version ] || fail "bash completion of 'sglab vers' gave \"$got\", want version"
else
  echo "e2e-release: no bash-completion package: the bash completion is not tried"
fi
echo "e2e-release: ok in $((SECONDS - started))s"
