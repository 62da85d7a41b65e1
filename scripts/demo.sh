#!/usr/bin/env bash
# `make demo`: starts the bank simulator and the demo shop on 127.0.0.1, prints where to go, the
# bank choices and the test cards, and stops both on Ctrl-C. Orders and the bank's ledger are
# kept in build/demo between runs. DEMO_PORT picks the shop's port (default 8080, else a free one).
set -euo pipefail
cd "$(dirname "$0")/.."

data=build/demo
mkdir -p "$data"
sim_log="$data/bank-sim.log"
shop_log="$data/shop-server.log"
sim_pid='' shop_pid=''

stop() {
  trap - EXIT INT TERM
  # PHP's server runs in its own process group (its workers included); the simulator is one process.
  [ -n "$shop_pid" ] && kill -TERM -- "-$shop_pid" 2>/dev/null || true
  [ -n "$sim_pid" ] && kill -TERM "$sim_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  echo
  echo "demo: stopped (orders and the bank's ledger are kept in $data)"
}
trap stop EXIT
trap 'exit 0' INT TERM

target/debug/sanalpos-bank-sim --port 0 --db "$data/bank-sim.sqlite" >"$sim_log" 2>&1 &
sim_pid=$!
sim_url=''
for _ in $(seq 100); do
  sim_url=$(sed -n 's/^listening on //p' "$sim_log")
  [ -n "$sim_url" ] && break
  kill -0 "$sim_pid" 2>/dev/null || { cat "$sim_log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$sim_url" ] || { echo "demo: the bank simulator did not start" >&2; exit 1; }

port=${DEMO_PORT:-8080}
if ! php -r 'exit(@stream_socket_server("tcp://127.0.0.1:" . $argv[1]) ? 0 : 1);' "$port"; then
  port=$(php -r '$s = stream_socket_server("tcp://127.0.0.1:0"); echo explode(":", stream_socket_get_name($s, false))[1];')
fi
# opcache keeps the compiled plugin and the PHP engine's module between requests. DEMO_PHP_ARGS adds
# PHP settings (`-d ffi.enable=1` runs the FFI engine, as a host that allows FFI would).
# shellcheck disable=SC2086
SANALPOS_BANK_SIM="$sim_url" SANALPOS_DEMO_DATA="$data/shop" PHP_CLI_SERVER_WORKERS=4 \
  setsid php -d opcache.enable_cli=1 -d opcache.memory_consumption=256 ${DEMO_PHP_ARGS:-} \
  -S "127.0.0.1:$port" tests/demo-shop/router.php >"$shop_log" 2>&1 &
shop_pid=$!
shop_url="http://127.0.0.1:$port"
engine=''
for _ in $(seq 100); do
  engine=$(php -r 'echo @file_get_contents($argv[1]);' "$shop_url/health" || true)
  [ -n "$engine" ] && break
  kill -0 "$shop_pid" 2>/dev/null || { cat "$shop_log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$engine" ] || { echo "demo: the shop did not start" >&2; exit 1; }
# PayTR posts its results to the notification address a merchant sets in its panel: this shop's.
php -r '
  $context = stream_context_create(["http" => ["method" => "POST", "header" => "Content-Type: application/x-www-form-urlencoded",
    "content" => http_build_query(["family" => "paytr", "url" => $argv[2] . "/notify"])]]);
  file_get_contents($argv[1] . "/admin/notification-url", false, $context) !== false || exit(1);' "$sim_url" "$shop_url"

bold() { printf '\033[1m%s\033[0m\n' "$*"; }
echo
bold "sanalpos demo shop: $shop_url"
echo "  bank simulator: $sim_url   (core engine: ${engine#ok })"
echo
echo "Banks (the shop's POS accounts, all on the simulator):"
php -r '
  require $argv[2];
  $accounts = json_decode(file_get_contents($argv[1] . "/admin/accounts"), true);
  foreach (Sanalpos\Demo\Shop::MODELS as $id => $model) {
    printf("  %-14s %s (%s)\n", $id, $accounts[$id]["name"] ?? "?", $model);
  }' "$sim_url" tests/demo-shop/src/Shop.php
echo
target/debug/sanalpos-bank-sim --cards
echo
echo "Pay on the checkout, answer the bank's 3-D Secure page, then refund from $shop_url/orders."
echo "Logs: $data/shop/shop.log (the shop), $sim_log, $shop_log. Ctrl-C stops both servers."
wait "$shop_pid"
