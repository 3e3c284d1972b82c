#!/bin/bash
# make run: the embedded default. Brings up a private PostgreSQL in var/pg (as root in a folder the
# system user lkip cannot enter, var/pg links to /var/lib/lkip/...: scripts/pg.sh), creates the
# server key and demo users on first run, starts lkipd, and plays one whole LKIP round with a
# separate client for every actor and every unit, showing what each client receives.
# lkipd keeps running afterwards; `make stop` (scripts/run.sh --stop) stops it and PostgreSQL;
# `make clean-db` (--clean-db) also removes the cluster and the demo's users.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
VAR=$top/var
LKIPD=$top/$BUILD/lkipd
LKIP=$top/$BUILD/lkip

stop() {
    if [ -f "$VAR/lkipd.pid" ] && kill -0 "$(cat "$VAR/lkipd.pid")" 2>/dev/null; then
        kill "$(cat "$VAR/lkipd.pid")"
        for _ in $(seq 1 50); do kill -0 "$(cat "$VAR/lkipd.pid")" 2>/dev/null || break; sleep 0.1; done
        echo "lkipd stopped"
    fi
    rm -f "$VAR/lkipd.pid"
    pkill -f "$LKIP .*watch" 2>/dev/null || true
    scripts/pg.sh stop "$VAR/pg" && echo "PostgreSQL stopped"
}

# make clean-db: the cluster (wherever var/pg points), and the demo's users, keys and files
# that the cluster's database knew; the next make run starts from scratch.
clean_db() {
    stop
    scripts/pg.sh destroy "$VAR/pg" && echo "PostgreSQL cluster removed"
    rm -rf "$VAR/clients" "$VAR/demo" "$VAR/lkipd.conf" "$VAR/lkipd.log" "$VAR/lkipd.ready"
}

case "${1:-}" in
--stop) stop; exit 0 ;;
--clean-db) clean_db; exit 0 ;;
esac

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

mkdir -p "$VAR/keys" "$VAR/clients" "$VAR/demo"
chmod 755 "$VAR"

# ---- PostgreSQL ------------------------------------------------------------------------------
say "PostgreSQL pribadi di var/pg"
conninfo=$(scripts/pg.sh start "$VAR/pg" lkip)
echo "$conninfo"

# ---- keys, config, users (first run) ---------------------------------------------------------
if [ ! -f "$VAR/keys/server.key" ]; then
    "$LKIP" keygen --out "$VAR/keys/server.key" >/dev/null
fi
port=7390
if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then endpoint="tcp://127.0.0.1:$port"
elif [ -f "$VAR/lkipd.pid" ] && kill -0 "$(cat "$VAR/lkipd.pid")" 2>/dev/null; then endpoint="tcp://127.0.0.1:$port"
else endpoint="tcp://127.0.0.1:*"; fi
cat > "$VAR/lkipd.conf" <<EOF
; written by scripts/run.sh for the embedded default
[lkipd]
endpoint = $endpoint
database = $conninfo
secret_key_file = $VAR/keys/server.key
sop_dir = $top/sop
ready_file = $VAR/lkipd.ready
log_level = info
EOF

# name role unit full name
USERS="admin:admin::Administrator Sistem
kadis:kepala_dinas::Kepala Dinas Kominfo dan Persandian
sekretaris:sekretaris::Sekretaris Dinas
kasubag:kasubag_perencanaan::Kasubag Perencanaan
staf:staf::Staf Perencanaan
op.sekretariat:operator_unit:SEKRETARIAT:Operator Sekretariat
op.ikp:operator_unit:IKP:Operator Bidang IKP
op.aptika:operator_unit:APTIKA:Operator Bidang Aplikasi Informatika
op.persandian:operator_unit:PERSANDIAN:Operator Bidang Persandian
op.statistik:operator_unit:STATISTIK:Operator Bidang Statistik"

"$LKIPD" -c "$VAR/lkipd.conf" --migrate 2>&1 | sed 's/^/  /'
while IFS=: read -r name role unit full; do
    dir=$VAR/clients/$name
    if [ ! -f "$dir/client.key" ]; then
        mkdir -p "$dir"
        "$LKIP" keygen --out "$dir/client.key" >/dev/null
        "$LKIPD" -c "$VAR/lkipd.conf" --add-user "$name" --role "$role" ${unit:+--unit "$unit"} \
            --full-name "$full" --key "$dir/client.key.pub" 2>&1 | grep -v "schema is current" | sed 's/^/  /'
    fi
done <<< "$USERS"

# ---- lkipd -------------------------------------------------------------------------------------
if [ -f "$VAR/lkipd.pid" ] && kill -0 "$(cat "$VAR/lkipd.pid")" 2>/dev/null; then
    say "lkipd sudah berjalan (pid $(cat "$VAR/lkipd.pid"))"
else
    say "Menjalankan lkipd"
    rm -f "$VAR/lkipd.ready"
    "$LKIPD" -c "$VAR/lkipd.conf" 2>>"$VAR/lkipd.log"
    pgrep -n -f "$LKIPD -c $VAR/lkipd.conf" > "$VAR/lkipd.pid"
    tail -n 3 "$VAR/lkipd.log" | sed 's/^/  /'
fi
endpoint=$(cat "$VAR/lkipd.ready")
while IFS=: read -r name role unit full; do
    cat > "$VAR/clients/$name/lkip.conf" <<EOF
[lkip]
endpoint = $endpoint
server_key = ../../keys/server.key.pub
key_file = client.key
EOF
done <<< "$USERS"

as() { local who=$1; shift; LKIP_CONFIG=$VAR/clients/$who/lkip.conf "$LKIP" "$@"; }

say "Klien berbicara dengan lkipd lewat CURVE"
as kasubag ping
as kasubag whoami

# ---- the demo round --------------------------------------------------------------------------
year=$(date +%Y)
period=$year
n=1
while as admin status "LKIP/$period" >/dev/null 2>&1; do n=$((n + 1)); period="$year-$n"; done

# ---- the Perjanjian Kinerja, and the year before (issue 14) ------------------------------------
# The Kasubag imports the sample PK/Renstra for last year and this year; last year's LKIP is run
# through once, quietly, with the realisasi the PK records for it, so that step 5 of this year
# has a finished year to compare with.
pk_file=$top/data/contoh-pk-renstra-2025-2029.csv
prev=$((year - 1))
say "Perjanjian Kinerja dan target Renstra: Kasubag Perencanaan mengimpor $(basename "$pk_file")"
for y in $prev $year; do
    echo "  \$ lkip pk import $(basename "$pk_file") --tahun $y (sebagai kasubag)"
    as kasubag pk import "$pk_file" --tahun "$y" | sed 's/^/  /'
done
if ! as admin status "LKIP/$prev" >/dev/null 2>&1; then
    say "Tahun sebelumnya: LKIP/$prev dijalankan sampai selesai dengan realisasi $prev dari PK"
    q() { as "$@" >/dev/null; }
    q kadis start LKIP "$prev" --note "LKIP tahun $prev"
    q kasubag done "LKIP/$prev"
    q kasubag done "LKIP/$prev"
    # kode;unit;sasaran;indikator;satuan;arah;target (target_PREV);realisasi (realisasi_PREV)
    head -1 "$pk_file" | tr ';' '\n' > "$VAR/demo/pk-columns"
    tcol=$(grep -n "^target_$prev\$" "$VAR/demo/pk-columns" | cut -d: -f1)
    rcol=$(grep -n "^realisasi_$prev\$" "$VAR/demo/pk-columns" | cut -d: -f1)
    while IFS=: read -r who label; do
        { echo "kode;unit;sasaran;indikator;satuan;arah;target;realisasi"
          awk -F';' -v t="$tcol" -v r="$rcol" -v u="$label" \
              'NR > 1 && $2 == u { print $1 ";" $2 ";" $3 ";" $4 ";" $5 ";" $6 ";" $t ";" $r }' \
              "$pk_file"; } > "$VAR/demo/$who-$prev.csv"
        q "$who" submit "$VAR/demo/$who-$prev.csv" "LKIP/$prev"
    done <<EOF2
op.sekretariat:Sekretariat
op.ikp:Bidang IKP
op.aptika:Bidang Aplikasi Informatika
op.persandian:Bidang Persandian dan Keamanan Informasi
op.statistik:Bidang Statistik
EOF2
    echo "draft $prev" > "$VAR/demo/draft-$prev.txt"
    q kasubag upload "$VAR/demo/draft-$prev.txt" "LKIP/$prev"
    q kasubag done "LKIP/$prev"
    q staf upload "$VAR/demo/draft-$prev.txt" "LKIP/$prev"
    q staf done "LKIP/$prev"
    q sekretaris approve "LKIP/$prev"
    q sekretaris done "LKIP/$prev"
    q kadis approve "LKIP/$prev"
    q kasubag done "LKIP/$prev"
    q staf done "LKIP/$prev" --ref "Arsip LKIP $prev"
    as sekretaris status "LKIP/$prev" | head -3 | sed 's/^/  /'
    # every client has seen last year's notifications before the watchers below start
    for who in kadis sekretaris kasubag staf op.sekretariat op.ikp op.aptika op.persandian op.statistik; do
        LKIP_CONFIG=$VAR/clients/$who/lkip.conf "$LKIP" watch --idle 1 >/dev/null 2>&1 &
    done
    wait
fi

# the organisation's texts for the LKIP draft (Bab I, the signatory), set by the administrator
say "Profil organisasi untuk draft LKIP: administrator menyimpan Bab I dan penanda tangan"
echo "  \$ lkip admin org profile set contoh-profil-organisasi.md --kepala ... --nip ... --kota Gorontalo (sebagai admin)"
as admin admin org profile set "$top/data/contoh-profil-organisasi.md" \
    --kepala "Drs. Contoh Kepala Dinas, M.Si." --nip "19700101 199503 1 001" --kota Gorontalo \
    | sed 's/^/  /'

# every actor watches its notifications, as each would on their own computer
WATCHERS="kadis sekretaris kasubag staf op.sekretariat op.ikp op.aptika op.persandian op.statistik"
pkill -f "$LKIP .*watch" 2>/dev/null || true
for who in $WATCHERS; do
    : > "$VAR/demo/$who.events"
    LKIP_CONFIG=$VAR/clients/$who/lkip.conf "$LKIP" watch >> "$VAR/demo/$who.events" 2>/dev/null &
done
declare -A seen
for who in $WATCHERS; do seen[$who]=0; done

# shows the notifications that arrived since the last call, waiting until they stop coming
show_events() {
    local last=-1 total
    for _ in $(seq 1 40); do
        total=$(cat "$VAR"/demo/*.events | wc -l)
        [ "$total" = "$last" ] && break
        last=$total
        sleep 0.15
    done
    for who in $WATCHERS; do
        local lines
        lines=$(wc -l < "$VAR/demo/$who.events")
        if [ "$lines" -gt "${seen[$who]}" ]; then
            tail -n +"$((seen[$who] + 1))" "$VAR/demo/$who.events" | sed "s/^/    [$who menerima] /"
            seen[$who]=$lines
        fi
    done
}

step() { say "$1"; }
run() { local who=$1; shift; echo "  \$ lkip $* (sebagai $who)"; as "$who" "$@" | sed 's/^/  /'; show_events; }
# a command the server refuses, shown with its reason (exit status 1 is expected)
run_refused() { local who=$1; shift; echo "  \$ lkip $* (sebagai $who)"; as "$who" "$@" 2>&1 | sed 's/^/  /' || true; show_events; }

head -1 data/contoh-data-kinerja-2026.csv > /dev/null 2>&1 || true
sample=$top/data/contoh-data-kinerja-2026.csv
split_unit() { # $1 label in the sample, $2 file
    { head -1 "$sample"; grep "^$1;" "$sample"; } > "$2"
}
split_unit "Sekretariat" "$VAR/demo/sekretariat.csv"
split_unit "Bidang IKP" "$VAR/demo/ikp.csv"
split_unit "Bidang Aplikasi Informatika" "$VAR/demo/aptika.csv"
split_unit "Bidang Persandian dan Keamanan Informasi" "$VAR/demo/persandian.csv"
split_unit "Bidang Statistik" "$VAR/demo/statistik.csv"

# every command names this round's instance (LKIP/$period): the demo plays a clean round however
# often it runs and whatever else its actors have open
step "Langkah 1: Kepala Dinas memerintahkan penyusunan LKIP $period"
run kadis start LKIP "$period" --note "Segera susun LKIP tahun $period sesuai SOP 35/DKIP/SOP/I/2023"
step "Langkah 2-3: Kasubag Perencanaan membuat format dari Perjanjian Kinerja dan menyampaikannya"
run kasubag done "LKIP/$period" --note "Format pengumpulan data kinerja disiapkan"
run kasubag done "LKIP/$period" --note "Format dikirim ke 5 unit; isi sel berwarna lalu kirim kembali"
step "Langkah 4: tiap unit mengisi formatnya (XLSX) atau mengirim CSV; staf menghimpun"
run op.ikp tasks
run op.ikp format download "LKIP/$period" --out "$VAR/demo/format-ikp.xlsx" --force
run_refused op.ikp format download "LKIP/$period" --unit STATISTIK --out "$VAR/demo/x.xlsx"
# Bidang IKP fills its workbook (lkip-fill plays the person at Excel) with explanations
cat > "$VAR/demo/ikp-isian.csv" <<'EOF2'
kode;indikator;sasaran;satuan;arah;target;realisasi;pagu;realisasi_anggaran;penjelasan;faktor_pendukung;faktor_penghambat;upaya
IKP-01;Indeks Keterbukaan Informasi Publik;-;indeks;naik;80;84,2;1.200.000.000;1.134.500.000;Portal PPID dan layanan informasi diperbarui;Dukungan pimpinan dan PPID pembantu aktif;Jaringan di kelurahan belum merata;Pelatihan admin PPID kelurahan pada triwulan I
IKP-02;Persentase informasi publik yang dipublikasikan;-;%;naik;100;96;;;Dua dokumen menunggu uji konsekuensi;;Uji konsekuensi belum selesai;Jadwal uji konsekuensi bulanan
EOF2
"$top/$BUILD/lkip-fill" "$VAR/demo/format-ikp.xlsx" "$VAR/demo/ikp-isian.csv" "$VAR/demo/format-ikp-terisi.xlsx"
echo "  (Bidang IKP mengisi format-ikp.xlsx di Excel: format-ikp-terisi.xlsx)"
# Bidang Aplikasi Informatika first sends the wrong workbook (IKP's), and is refused
run_refused op.aptika submit "$VAR/demo/format-ikp-terisi.xlsx" "LKIP/$period"
run op.ikp submit "$VAR/demo/format-ikp-terisi.xlsx" "LKIP/$period"
run op.aptika format download "LKIP/$period" --out "$VAR/demo/format-aptika.xlsx" --force
"$top/$BUILD/lkip-fill" "$VAR/demo/format-aptika.xlsx" "$VAR/demo/aptika.csv" "$VAR/demo/format-aptika-terisi.xlsx"
run op.aptika submit "$VAR/demo/format-aptika-terisi.xlsx" "LKIP/$period"
run op.sekretariat submit "$VAR/demo/sekretariat.csv" "LKIP/$period"
run op.persandian submit "$VAR/demo/persandian.csv" "LKIP/$period"
run op.statistik submit "$VAR/demo/statistik.csv" "LKIP/$period"
step "Langkah 5: Kasubag menganalisis capaian (dibandingkan dengan tahun sebelumnya dan target Renstra); lkip menulis draft LKIP saat langkah selesai"
run kasubag capaian "LKIP/$period" --xlsx "$VAR/demo/analisis-lkip-$period.xlsx" --force
run kasubag done "LKIP/$period" --note "Analisis capaian selesai; draft LKIP dari lkip"
step "Langkah 6: Staf mengunduh draft LKIP (DOCX untuk disunting, PDF untuk dibaca) dan menyusun Dokumen LKIP"
run staf draft "LKIP/$period" --out "$VAR/demo/draft" --force
if command -v pdfinfo >/dev/null; then
    pdfinfo "$VAR/demo/draft/draft-LKIP-$period.pdf" | grep -E "^(Pages|Page size|PDF version)" | sed 's/^/  pdfinfo: /'
fi
echo "  (staf menyunting draft-LKIP-$period.docx di Word atau LibreOffice: lkip-$period-v1.docx)"
cp "$VAR/demo/draft/draft-LKIP-$period.docx" "$VAR/demo/lkip-$period-v1.docx"
run staf upload "$VAR/demo/lkip-$period-v1.docx" "LKIP/$period"
run staf done "LKIP/$period" --note "Dokumen LKIP versi 1"
step "Langkah 7: Sekretaris mengoreksi dan MENGEMBALIKAN dengan alasan"
run sekretaris return "LKIP/$period" --reason "Bab III belum membandingkan capaian dengan target Renstra 2019-2024"
step "Langkah 6 (ulang): Staf memperbaiki"
{ echo "LKIP $period versi 2 (perbaikan Bab III)"; head -c 200000 /dev/urandom | base64; } > "$VAR/demo/lkip-$period-v2.txt"
run staf upload "$VAR/demo/lkip-$period-v2.txt" "LKIP/$period"
run staf done "LKIP/$period" --note "Bab III dilengkapi perbandingan dengan target Renstra"
step "Langkah 7-8: Sekretaris menyetujui koreksi dan menyampaikan kepada Kadis"
run sekretaris approve "LKIP/$period" --note "Sudah sesuai"
run sekretaris done "LKIP/$period" --note "Konsep LKIP disampaikan kepada Kepala Dinas"
step "Langkah 9: Kepala Dinas menandatangani"
run kadis approve "LKIP/$period" --note "Disetujui dan ditandatangani"
step "Langkah 10: Kasubag membuat surat pengantar dan nomor surat"
run kasubag done "LKIP/$period" --note "Surat pengantar ke Wali Kota"
step "Langkah 11: Staf mengantar, menggandakan dan mengarsipkan"
run staf done "LKIP/$period" --note "Diantar ke Bagian Organisasi Setda" --ref "Lemari arsip Subbag Perencanaan, map LKIP $period"

say "Status akhir"
as sekretaris status "LKIP/$period"
as staf download "LKIP/$period" --out "$VAR/demo/arsip-lkip-$period.txt" --force
sha256sum "$VAR/demo/lkip-$period-v2.txt" | sed 's/^/  berkas asli: /'
letter=$(as staf status "LKIP/$period" --json | sed -n 's/.*"letter_number": "\([^"]*\)".*/\1/p' | head -1)
hash=$(as staf status "LKIP/$period" --json | sed -n 's/.*"archive_sha256": "\([^"]*\)".*/\1/p' | head -1)
pkill -f "$LKIP .*watch" 2>/dev/null || true

say "Selesai: nomor surat $letter; dokumen arsip SHA-256 $hash"
cat <<EOF

Draft LKIP: $VAR/demo/draft/draft-LKIP-$period.docx (DOCX) dan draft-LKIP-$period.pdf (PDF)

lkipd tetap berjalan di $endpoint (log: var/lkipd.log). Coba sendiri, misalnya:
  LKIP_CONFIG=var/clients/kasubag/lkip.conf $BUILD/lkip tasks
  LKIP_CONFIG=var/clients/sekretaris/lkip.conf $BUILD/lkip watch
  LKIP_CONFIG=var/clients/admin/lkip.conf $BUILD/lkip admin calendar show --year $year
Hentikan dengan: make stop
EOF
