#!/usr/bin/env bash
# Installs pinned promtool, amtool, prometheus and alertmanager into .tools/bin,
# from Debian trixie's .deb files, without touching the system's apt state.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
bin="$tools/bin"
# Pinned; if trixie has moved on, the suite's current build is taken and futuramon
# checks the minimum versions (promtool 2.53, amtool 0.28) at run time.
PROMETHEUS_DEB="prometheus=2.53.3+ds1-2"
PROMTOOL_DEB="promtool=2.53.3+ds1-2"
ALERTMANAGER_DEB="prometheus-alertmanager=0.28.1+ds-1"

have() {
  [ -x "$bin/promtool" ] && [ -x "$bin/amtool" ] && [ -x "$bin/prometheus" ] && [ -x "$bin/alertmanager" ] &&
    [ -f /usr/share/prometheus/alertmanager/default.tmpl ]
}
if have; then echo "tools already in $bin"; exit 0; fi

apt="$tools/apt"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs" "$bin"
cat > "$apt/sources.list" <<SRC
deb [signed-by=/usr/share/keyrings/debian-archive-trixie-stable.gpg] http://deb.debian.org/debian trixie main
SRC
opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
      -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o "Debug::NoLocking=1"
      -o "APT::Sandbox::User=root")
apt-get "${opts[@]}" update -qq
cd "$apt/debs"
for pkg in "$PROMETHEUS_DEB" "$PROMTOOL_DEB" "$ALERTMANAGER_DEB"; do
  apt-get "${opts[@]}" download "$pkg" || apt-get "${opts[@]}" download "${pkg%%=*}"
done
cd "$root"
ex="$tools/extract"
rm -rf "$ex"; mkdir -p "$ex"
for deb in "$apt"/debs/*.deb; do dpkg -x "$deb" "$ex"; done
cp "$ex/usr/bin/prometheus" "$ex/usr/bin/promtool" "$ex/usr/bin/amtool" "$bin/"
cp "$ex/usr/bin/prometheus-alertmanager" "$bin/alertmanager"
# Debian's alertmanager reads its default notification templates from a compiled-in path.
# This is the one place outside the project that gets a file (two read-only templates).
mkdir -p "$tools/share" /usr/share/prometheus/alertmanager
cp "$ex"/usr/share/prometheus/alertmanager/*.tmpl "$tools/share/"
cp "$ex"/usr/share/prometheus/alertmanager/*.tmpl /usr/share/prometheus/alertmanager/
rm -rf "$ex" "$apt"
"$bin/promtool" --version | head -1
"$bin/amtool" --version | head -1
