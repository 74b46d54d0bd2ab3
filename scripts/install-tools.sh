#!/usr/bin/env bash
# Installs pinned promtool, amtool, prometheus, alertmanager and vmalert into .tools/bin,
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
VICTORIA_DEB="victoria-metrics=1.112.0+ds1-2"  # only its vmalert is used (`vmalert -dryRun` on ruler output)

# Debian's alertmanager reads its default notification templates from a compiled-in path:
# this is the one place outside the project that gets files (two read-only templates; needs root).
place_templates() {
  local target=/usr/share/prometheus/alertmanager
  if [ -f "$target/default.tmpl" ]; then return 0; fi
  if ! { mkdir -p "$target" && cp "$tools"/share/*.tmpl "$target/"; } 2>/dev/null; then
    echo "warning: cannot write $target (not root?): \`futuramon drill\` needs Alertmanager's default templates there;" \
      "copy $tools/share/*.tmpl into it" >&2
  fi
}

if [ -x "$bin/promtool" ] && [ -x "$bin/amtool" ] && [ -x "$bin/prometheus" ] && [ -x "$bin/alertmanager" ] &&
  [ -x "$bin/vmalert" ] && [ -f "$tools/share/default.tmpl" ]; then
  place_templates
  echo "tools already in $bin"
  exit 0
fi

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
for pkg in "$PROMETHEUS_DEB" "$PROMTOOL_DEB" "$ALERTMANAGER_DEB" "$VICTORIA_DEB"; do
  apt-get "${opts[@]}" download "$pkg" || apt-get "${opts[@]}" download "${pkg%%=*}"
done
cd "$root"
ex="$tools/extract"
rm -rf "$ex"; mkdir -p "$ex"
for deb in "$apt"/debs/*.deb; do dpkg -x "$deb" "$ex"; done
cp "$ex/usr/bin/prometheus" "$ex/usr/bin/promtool" "$ex/usr/bin/amtool" "$bin/"
cp "$ex/usr/bin/prometheus-alertmanager" "$bin/alertmanager"
cp "$ex/usr/bin/vmalert" "$bin/vmalert"
# Debian's vmalert prints no version: record the package's, which futuramon/tools.py reads beside it
victoria="$(dpkg-deb -f "$apt"/debs/victoria-metrics_*.deb Version)"
echo "v${victoria%%+*}" > "$bin/vmalert.version"
mkdir -p "$tools/share"
cp "$ex"/usr/share/prometheus/alertmanager/*.tmpl "$tools/share/"
place_templates
rm -rf "$ex" "$apt"
"$bin/promtool" --version | head -1
"$bin/amtool" --version | head -1
cat "$bin/vmalert.version"
