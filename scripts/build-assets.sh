#!/bin/sh
# Vendors the front-end assets into tradeloom/static/ from the npm packages pinned in assets/package-lock.json,
# and builds the stylesheet with the Tailwind CLI. Development-time only: the outputs are committed, so running
# Tradeloom needs no Node. Repeatable: `make assets` (or `sh scripts/build-assets.sh`) gives the same files.
set -eu
cd "$(dirname "$0")/../assets"
# `npm install` (not `npm ci`): the lock omits other platforms' optional Tailwind binaries, which `ci` rejects.
npm install --no-audit --no-fund --ignore-scripts
STATIC=../tradeloom/static
mkdir -p "$STATIC/vendor" "$STATIC/fonts" "$STATIC/css"
cp node_modules/htmx.org/dist/htmx.min.js "$STATIC/vendor/htmx.min.js"
cp node_modules/chart.js/dist/chart.umd.min.js "$STATIC/vendor/chart.umd.min.js"
cp node_modules/@fontsource-variable/inter/files/inter-latin-wght-normal.woff2 "$STATIC/fonts/"
# The PDFs' font (tradeloom/printing/layout.py, DOCUMENT_FONT): Noto Sans (SIL Open Font License 1.1) — Latin with
# every accent (Turkish, Polish, Vietnamese …), Greek and Cyrillic, embedded by fpdf2 in the subset a document uses.
cp node_modules/@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf "$STATIC/fonts/DocumentSans.ttf"
cp node_modules/@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf "$STATIC/fonts/DocumentSans-Bold.ttf"
# Icons (Heroicons, MIT) as template includes: {% include "icons/users.svg" %}.
ICONS="home users envelope clipboard-document-list cog-6-tooth bell bars-3 chevron-up-down plus
       arrow-right-start-on-rectangle user-circle building-office-2 check-circle x-circle information-circle
       magnifying-glass inbox shield-check arrow-down-tray x-mark arrow-path chart-bar shopping-bag"
mkdir -p ../tradeloom/templates/icons
for icon in $ICONS; do cp "node_modules/heroicons/24/outline/$icon.svg" "../tradeloom/templates/icons/$icon.svg"; done
# Tailwind scans the templates (see @source in src/app.css) and emits only the classes they use.
npx --no-install @tailwindcss/cli -i src/app.css -o "$STATIC/css/app.css" --minify
echo "assets written to tradeloom/static/"
