#!/bin/sh
# make check-office (not part of make check, not in CI): LibreOffice opens the DOCX of the LKIP
# draft and converts it to PDF without error, and the text of that PDF holds what the draft
# must say: chapter titles, every indicator name and every capaian in Indonesian format (the
# expect.txt that build/lkip-draft-bench writes). Two drafts: the data/ sample with every
# special case, and 300 indicators across 12 units. Needs libreoffice-writer-nogui
# (scripts/deps.sh --office). Usage: BUILD=build scripts/check-office.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
if ! command -v soffice >/dev/null 2>&1; then
    echo "check-office: LibreOffice is missing; install it with scripts/deps.sh --office" >&2
    exit 1
fi
tmp=$(mktemp -d /tmp/lkip-office.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# The text of a PDF with every run of white space made one space.
text_of() {
    pdftotext -enc UTF-8 "$1" - | tr -s '[:space:]' ' '
}

# check NAME ARGS...: writes a draft with lkip-draft-bench ARGS, converts its DOCX, compares.
check() {
    name=$1
    shift
    dir=$tmp/$name
    mkdir -p "$dir/lo"
    "$BUILD/lkip-draft-bench" --repeat 1 --out "$dir" "$@" >/dev/null
    if ! HOME=$tmp/home soffice --headless --norestore --convert-to pdf --outdir "$dir/lo" \
        "$dir/draft.docx" >"$dir/soffice.log" 2>&1 || [ ! -s "$dir/lo/draft.pdf" ]; then
        cat "$dir/soffice.log" >&2
        echo "check-office: $name: LibreOffice could not convert the DOCX" >&2
        return 1
    fi
    text_of "$dir/lo/draft.pdf" >"$dir/lo.txt"
    text_of "$dir/draft.pdf" >"$dir/lkip.txt"
    missing=0
    total=0
    while IFS= read -r want; do
        want=$(printf '%s' "$want" | tr -s '[:space:]' ' ')
        total=$((total + 1))
        for got in lo lkip; do
            if ! grep -qF -- "$want" "$dir/$got.txt"; then
                echo "check-office: $name: \"$want\" is not in the text of $got's PDF" >&2
                missing=$((missing + 1))
            fi
        done
    done <"$dir/expect.txt"
    lo_pages=$(pdfinfo "$dir/lo/draft.pdf" | sed -n 's/^Pages: *//p')
    lkip_pages=$(pdfinfo "$dir/draft.pdf" | sed -n 's/^Pages: *//p')
    echo "check-office: $name: LibreOffice $lo_pages pages, lkip $lkip_pages pages;" \
        "$((2 * total - missing)) of $((2 * total)) expected strings found"
    [ "$missing" = 0 ]
}

status=0
check edge --edge || status=1
check 300-indicators --indicators 300 --units 12 || status=1
exit $status
