#!/usr/bin/env sh
# mysqlclient builds against the MySQL client headers; install them when missing (Debian/Ubuntu).
set -e
if pkg-config --exists mysqlclient 2>/dev/null; then exit 0; fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get install -y -q default-libmysqlclient-dev pkg-config >/dev/null 2>&1 || {
  $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q default-libmysqlclient-dev pkg-config >/dev/null;
}
