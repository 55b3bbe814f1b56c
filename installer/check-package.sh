#!/usr/bin/env bash
# The package as a user meets it (ctest: install.package): builds the .deb with CPack from the
# build folder $1, checks it with lintian (errors fail), installs it with apt-get, runs the
# installed espalier-cli on a short headless session and the installed espalier under Xvfb for
# a few seconds, and removes the package again. Needs root or password-less sudo.
set -euo pipefail
build=$(cd "$1" && pwd)
expected_version=$2
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
fail() { echo "FAIL: $*" >&2; exit 1; }

if dpkg -s espalier >/dev/null 2>&1; then
    fail "the espalier package is installed already; this test installs and removes it"
fi
rm -rf "$build/packages"
cpack --config "$build/CPackConfig.cmake" >/dev/null
deb=$(ls "$build"/packages/espalier_"$expected_version"_*.deb)
echo "built $deb ($(du -h "$deb" | cut -f1))"
dpkg-deb --field "$deb" Depends Recommends

echo "--- lintian"
lintian --fail-on error --tag-display-limit 0 "$deb" || fail "lintian reports errors"

work=$(mktemp -d)
trap 'as_root apt-get remove -y -q espalier >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$deb" >/dev/null
echo "installed: $(dpkg-query -W -f='${Package} ${Version}' espalier)"

for program in espalier-cli espalier; do
    got=$("/usr/bin/$program" --version)
    [[ "$got" == *" $expected_version" ]] || fail "/usr/bin/$program --version says '$got', not $expected_version"
    echo "/usr/bin/$program --version: $got"
done
[ -f /usr/share/espalier/recipes/default.json ] || fail "no installed default recipe"
for page in espalier espalier-cli; do
    [ -f "/usr/share/man/man1/$page.1.gz" ] || fail "no man page $page(1)"
done
[ -f /usr/share/applications/espalier.desktop ] && [ -f /usr/share/icons/hicolor/scalable/apps/espalier.svg ] \
    && [ -f /usr/share/metainfo/espalier.metainfo.xml ] || fail "desktop entry, icon or metainfo missing"

echo "--- espalier-cli run, installed"
cd "$work"
/usr/bin/espalier-cli run /usr/share/espalier/recipes/lenet300-fmnist-magnitude-98.json --out run \
    --set data.train_limit=2000 --set pretrain.epochs=1 --set train.epochs=1 --set threads=1 > cli.log \
    || { cat cli.log; fail "the installed espalier-cli run failed"; }
tail -n 2 cli.log
[ -f run/report.h5 ] && [ -f run/model.pt ] || fail "the run wrote no report.h5 or model.pt"

echo "--- espalier under Xvfb for 5 s, installed, from the folder it was never built in"
set +e
HOME="$work" XDG_CONFIG_HOME="$work/config" xvfb-run -a -s "-screen 0 1280x800x24" \
    timeout 5 /usr/bin/espalier > gui.log 2>&1
code=$?
set -e
grep -v "XDG_RUNTIME_DIR" gui.log || true
[ "$code" -eq 124 ] || fail "espalier exited with code $code within 5 s (124 = still running, as it should be)"
source_tree=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if grep -q -e "$build" -e "$source_tree" gui.log; then fail "the installed espalier mentions the build or source tree"; fi

echo "--- without its installed default recipe, espalier looks only where it is installed"
as_root mv /usr/share/espalier/recipes/default.json "$work/default.json"
set +e
HOME="$work" XDG_CONFIG_HOME="$work/config" xvfb-run -a -s "-screen 0 1280x800x24" \
    timeout 5 /usr/bin/espalier > missing.log 2>&1
set -e
as_root mv "$work/default.json" /usr/share/espalier/recipes/default.json
grep "No default recipe found" missing.log || fail "espalier did not report the missing default recipe"
if grep -q -e "$source_tree" missing.log; then fail "the installed espalier looked in the source tree"; fi

as_root apt-get remove -y -q espalier >/dev/null
[ ! -e /usr/bin/espalier ] && [ ! -e /usr/share/espalier ] || fail "files left after apt-get remove"
echo "removed cleanly"
