#!/bin/sh
# Installs the Debian 12 packages lkip needs, when any is missing (as root, non-interactive).
# Does nothing when everything is there. Usage: scripts/deps.sh [--check] [--office] [--ha]
#                                                                [--browser]
#   --check   only list what is missing (exit 1 when anything is)
#   --office  also LibreOffice (Writer and Calc without a GUI, and Calc's Python bridge): make
#             check-office converts the LKIP draft's DOCX to PDF, tests/fixtures/make-fixtures.sh
#             remakes the committed spreadsheet fixtures; make check and make run never need it
#   --ha      also pg_auto_failover (its PostgreSQL 15 extension and pg_autoctl): make check-ha
#             runs lkipd on a formation that fails over; make check and make run never need it
#   --browser also Debian's chromium and chromedriver: make check-browser loads the page of
#             lkip monitor --web in a headless browser; make check and make run never need it
set -eu

check=0
office=0
ha=0
browser=0
for arg in "$@"; do
    case $arg in
    --check) check=1 ;;
    --office) office=1 ;;
    --ha) ha=1 ;;
    --browser) browser=1 ;;
    *) echo "usage: scripts/deps.sh [--check] [--office] [--ha] [--browser]" >&2; exit 2 ;;
    esac
done

PACKAGES="gcc make pkg-config libc6-dev
libzmq3-dev libsodium-dev libprotobuf-c-dev protobuf-c-compiler
libpq-dev postgresql-15 libcmocka-dev libinih-dev libyaml-dev libical-dev libjansson-dev
libxlsxwriter-dev libzip-dev libxml2-dev libcairo2-dev libpango1.0-dev libpng-dev
libfontconfig-dev fonts-liberation2
libncurses-dev libnotify-dev libmicrohttpd-dev libvterm-dev
poppler-utils python3-zmq python3-protobuf protobuf-compiler
clang libclang-rt-14-dev
tzdata ca-certificates docker-compose procps"
if [ "$office" = 1 ]; then
    PACKAGES="$PACKAGES libreoffice-writer-nogui libreoffice-calc-nogui python3-uno"
fi
if [ "$ha" = 1 ]; then
    PACKAGES="$PACKAGES postgresql-15-auto-failover pg-auto-failover-cli"
fi
if [ "$browser" = 1 ]; then
    PACKAGES="$PACKAGES chromium chromium-driver"
fi

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$check" = 1 ]; then
    echo "missing packages:$missing"
    exit 1
fi
if [ "$(id -u)" != 0 ]; then
    echo "deps: missing Debian packages:$missing" >&2
    echo "deps: run as root: apt-get install -y$missing" >&2
    exit 1
fi
echo "deps: installing:$missing"
# lkip runs its own private clusters: keep the package from creating and starting its own
if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps: done"
