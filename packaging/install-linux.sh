#!/usr/bin/env bash
# Put a built GenGlossary bundle into the desktop's application menu, for this user only.
#
#   packaging/install-linux.sh [--in-place] [BUNDLE_DIR]   install (BUNDLE_DIR: the folder
#                                                          holding GenGlossary and genglossary)
#   packaging/install-linux.sh --uninstall                 remove what an install wrote
#
# BUNDLE_DIR defaults to the folder of this script when it sits in a bundle (build.py copies
# it there), else to dist/GenGlossary of the checkout. An install
#   - copies the bundle to ~/.local/opt/GenGlossary (with --in-place: uses it where it is),
#   - writes $XDG_DATA_HOME/applications/genglossary.desktop with its absolute Exec path,
#   - writes the icons to $XDG_DATA_HOME/icons/hicolor/<N>x<N>/apps/genglossary.png (and
#     scalable/apps/genglossary.svg),
#   - links the command line as ~/.local/bin/genglossary ($XDG_BIN_HOME if set),
#   - refreshes the menu and icon caches (update-desktop-database, gtk-update-icon-cache)
#     where those tools are installed.
# XDG_DATA_HOME defaults to ~/.local/share. Nothing needs root. The documents, projects and
# settings (the data folder) are never touched, by install or by uninstall.
set -euo pipefail

usage() {
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
bin_home="${XDG_BIN_HOME:-$HOME/.local/bin}"
opt_dir="$HOME/.local/opt/GenGlossary"
apps_dir="$data_home/applications"
icons_dir="$data_home/icons/hicolor"
desktop_file="$apps_dir/genglossary.desktop"
marker=".installed-by-genglossary"
sizes=(16 24 32 48 64 128 256 512)

mode=install
in_place=false
bundle=""
while [ $# -gt 0 ]; do
  case "$1" in
    --uninstall) mode=uninstall ;;
    --in-place) in_place=true ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    *) [ -z "$bundle" ] || { echo "one bundle folder only" >&2; exit 2; }; bundle="$1" ;;
  esac
  shift
done

refresh_caches() {
  if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$apps_dir" 2>/dev/null || true
  fi
  # Only a cache that exists is refreshed: one made here would hide from GTK the icons that
  # other programs add later without refreshing it.
  if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$icons_dir/icon-theme.cache" ]; then
    gtk-update-icon-cache -q -f -t "$icons_dir" 2>/dev/null || true
  fi
}

# The Exec= value of the desktop file: the path quoted, as the Desktop Entry spec says.
desktop_quote() {
  local s="$1"
  s="${s//\\/\\\\\\\\}"
  s="${s//\"/\\\\\"}"
  s="${s//\`/\\\\\`}"
  s="${s//\$/\\\\\$}"
  printf '"%s"' "$s"
}

uninstall() {
  rm -f "$desktop_file"
  for n in "${sizes[@]}"; do
    rm -f "$icons_dir/${n}x${n}/apps/genglossary.png"
  done
  rm -f "$icons_dir/scalable/apps/genglossary.svg"
  local link="$bin_home/genglossary"
  if [ -L "$link" ] && [ -x "$(dirname "$(readlink "$link")")/GenGlossary" ]; then
    rm -f "$link"
  fi
  if [ -f "$opt_dir/$marker" ]; then
    rm -rf "$opt_dir"
  fi
  refresh_caches
  echo "GenGlossary removed from the menu (your data folder is kept)."
}

find_bundle() {
  if [ -n "$bundle" ]; then
    printf '%s\n' "$bundle"
  elif [ -x "$here/GenGlossary" ]; then
    printf '%s\n' "$here"
  else
    printf '%s\n' "$here/../dist/GenGlossary"
  fi
}

# A file of the bundle's resources, or of the checkout's when the bundle has none.
resource_file() {
  local rel="$1" source="$2"
  for candidate in "$source/_internal/resources/$rel" "$here/../resources/$rel"; do
    if [ -f "$candidate" ]; then printf '%s\n' "$candidate"; return 0; fi
  done
  return 1
}

desktop_template() {
  for candidate in "$here/linux/genglossary.desktop" "$here/genglossary.desktop"; do
    if [ -f "$candidate" ]; then printf '%s\n' "$candidate"; return 0; fi
  done
  echo "genglossary.desktop not found beside $0" >&2
  return 1
}

install() {
  local source
  source="$(find_bundle)"
  if [ ! -x "$source/GenGlossary" ] || [ ! -x "$source/genglossary" ]; then
    echo "not a GenGlossary bundle: $source (build one with: uv run --group build python packaging/build.py)" >&2
    exit 1
  fi
  source="$(cd "$source" && pwd)"
  local target
  if $in_place; then
    target="$source"
  else
    target="$opt_dir"
    if [ "$source" != "$target" ]; then
      rm -rf "$target.new"
      mkdir -p "$(dirname "$target")"
      cp -a "$source" "$target.new"
      touch "$target.new/$marker"
      rm -rf "$target"
      mv "$target.new" "$target"
    fi
  fi

  local template
  template="$(desktop_template)"
  mkdir -p "$apps_dir"
  local exec_value
  exec_value="$(desktop_quote "$target/GenGlossary")"
  # Only the Exec and TryExec lines change; sed's replacement needs & and \ escaped.
  local exec_sed tryexec_sed
  exec_sed="$(printf '%s' "$exec_value" | sed 's/[&\\|]/\\&/g')"
  tryexec_sed="$(printf '%s' "$target/GenGlossary" | sed 's/[&\\|]/\\&/g')"
  sed -e "s|^Exec=.*|Exec=$exec_sed|" -e "s|^TryExec=.*|TryExec=$tryexec_sed|" \
    -e '/^# packaging\/install-linux.sh/d' "$template" >"$desktop_file.tmp"
  chmod 644 "$desktop_file.tmp"
  mv "$desktop_file.tmp" "$desktop_file"

  local png
  for n in "${sizes[@]}"; do
    if png="$(resource_file "icons/png/genglossary-$n.png" "$target")"; then
      mkdir -p "$icons_dir/${n}x${n}/apps"
      cp "$png" "$icons_dir/${n}x${n}/apps/genglossary.png"
    fi
  done
  if png="$(resource_file "icons/genglossary.svg" "$target")"; then
    mkdir -p "$icons_dir/scalable/apps"
    cp "$png" "$icons_dir/scalable/apps/genglossary.svg"
  fi

  mkdir -p "$bin_home"
  ln -sfn "$target/genglossary" "$bin_home/genglossary"
  refresh_caches

  echo "Installed GenGlossary: $target"
  echo "  menu entry:   $desktop_file"
  echo "  command line: $bin_home/genglossary"
  case ":$PATH:" in
    *":$bin_home:"*) ;;
    *) echo "  ($bin_home is not on your PATH; add it to run genglossary by name)" ;;
  esac
}

if [ "$mode" = uninstall ]; then uninstall; else install; fi
