#!/usr/bin/env bash
# Load test on loopback (issue 8, item 5; docs/performance.md): gunicorn with production-like settings against a
# PostgreSQL copy of the synthetic data set, and locust's day of mixed roles (bench/locustfile.py).
#
#   bench/loadtest.sh                                   # 100 users, spawned 10/s, for 10 minutes
#   USERS=20 RATE=5 DURATION=1m bench/loadtest.sh       # a short try
#   bench/loadtest.sh --summary                         # the last run's report again
#
# DATABASE_URL   the database to serve and to take accounts from (default: the local tongxing_locust, a copy of
#                tongxing_bench: createdb -T tongxing_bench tongxing_locust). Contacts are recorded into it.
# WORKERS        gunicorn worker processes (default 2 x cores + 1)
# PORT           default 8001
# Results: var/bench/locust_stats.csv (and _failures, _exceptions, _stats_history), var/bench/gunicorn*.log,
# var/bench/top.log (CPU by process, sampled during the run).
set -euo pipefail
cd "$(dirname "$0")/.."

USERS=${USERS:-100}
RATE=${RATE:-10}
DURATION=${DURATION:-10m}
PORT=${PORT:-8001}
WORKERS=${WORKERS:-$(( 2 * $(nproc) + 1 ))}
OUT=var/bench
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tongxing_locust}

# The benchmark settings (bench/settings.py): DEBUG off; the development keys the synthetic data was generated (and
# its fields encrypted) with, never for real data; plain HTTP on loopback; leaders and administrators sign in
# without the second factor production requires of them.
export DJANGO_SETTINGS_MODULE=bench.settings
export LOG_LEVEL=${LOG_LEVEL:-WARNING}

summary() {
    # locust's stats: Type,Name,Request Count,Failure Count,Median,Average,Min,Max,Average Content Size,Requests/s,
    # Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
    awk -F, 'NR == 1 { next }
        { name = ($1 == "" ? "" : $1 " ") $2
          rows[NR] = sprintf("%-40s %8d %6d %6.2f%% %7.2f %7s %7s %7s %7d", name, $3, $4, ($3 ? 100 * $4 / $3 : 0), $10,
                             $12, $17, $19, $8)
          if ($2 == "Aggregated") {
              total = NR
              summary = sprintf("total: %d requests, %.2f requests/s, %d failed (%.2f%%); p50 %s ms, p95 %s ms, " \
                                "p99 %s ms", $3, $10, $4, ($3 ? 100 * $4 / $3 : 0), $12, $17, $19) } }
        END {
          printf "%-40s %8s %6s %7s %7s %7s %7s %7s %7s\n", "route", "requests", "fails", "errors", "req/s", "p50 ms",
                 "p95 ms", "p99 ms", "max ms"
          for (i = 2; i <= NR; i++) if (i != total) print rows[i]
          print rows[total]
          print ""
          print summary
        }' "$OUT/locust_stats.csv"
    echo
    echo "HTTP 5xx in the gunicorn access log: $(awk '$3 ~ /^5/' "$OUT/gunicorn-access.log" | wc -l)"
    echo "tracebacks in the gunicorn log:      $(grep -c '^Traceback' "$OUT/gunicorn.log" || true)"
    if [ -s "$OUT/locust_failures.csv" ] && [ "$(wc -l < "$OUT/locust_failures.csv")" -gt 1 ]; then
        echo "failures (var/bench/locust_failures.csv):"
        tail -n +2 "$OUT/locust_failures.csv" | head -20
    fi
    echo
    # Time spent in the worker per route (from the access log, no queueing in front of the workers).
    awk '{ sub("ms$", "", $6); route = $5; gsub("/[0-9]+/", "/[id]/", route); print $4 " " route, $6 }' \
            "$OUT/gunicorn-access.log" | sort -k1,2 -k3,3n \
        | awk 'function flush() { if (n) printf "%-40s %8d %7d %7d %7d\n", key, n, v[int((n - 1) * 0.5) + 1],
                                             v[int((n - 1) * 0.95) + 1], v[n] }
               BEGIN { printf "%-40s %8s %7s %7s %7s\n", "in the worker (access log)", "requests", "p50 ms", "p95 ms",
                              "max ms" }
               { k = $1 " " $2; if (k != key) { flush(); key = k; n = 0 } v[++n] = $3 }
               END { flush() }'
    echo
    # Average %CPU (100% = one core) over the top frames taken during the run, by whose it is.
    awk -v db="$DB_NAME" '
        $1 == "OURS" { ours[$2] = 1; next }
        $1 == "PGDB" { pgdb[$2] = $3; next }
        /^top -/ { frames++; next }
        $1 ~ /^[0-9]+$/ && NF >= 12 {
            if ($1 in ours) who = "gunicorn (this test)"
            else if ($12 == "postgres" && pgdb[$1] == db) who = "postgres, " db " backends"
            else if ($12 == "postgres") who = "postgres, other databases and background"
            else if ($12 == "locust") who = "locust"
            else who = "other processes (" $12 ")"
            cpu[who] += $9; total += $9 }
        END { if (!frames) exit
              for (w in cpu) if (cpu[w] / frames >= 1) printf "%.1f\t%s\n", cpu[w] / frames, w
              printf "%.1f\t%s\n", total / frames, "all processes" }' "$OUT/top.log" \
        | sort -t"$(printf '\t')" -k1,1nr | awk -F'\t' -v cores="$(nproc)" \
            'NR == 1 { printf "average CPU during the run, from top (100%% = one core; %d cores):\n", cores }
             { printf "  %-48s %6.1f%%\n", $2, $1 }'
}

DB_NAME=${DATABASE_URL##*/}
DB_NAME=${DB_NAME%%\?*}
if [ "${1:-}" = "--summary" ]; then  # the report of the last run again
    summary
    exit
fi

mkdir -p "$OUT"
rm -f "$OUT"/locust_*.csv "$OUT/locust.log" "$OUT/gunicorn-access.log"
PY=.venv/bin/python

# The code served must match the database: a copy made before a new migration needs `manage.py migrate` first.
if ! $PY manage.py migrate --check >/dev/null 2>&1; then
    echo "$DATABASE_URL lacks migrations of this code: run manage.py migrate on it (a copy, never the original)" >&2
    exit 1
fi

# Static files: WhiteNoise serves the manifest-hashed copies, so collect them when missing or out of date.
MANIFEST=staticfiles/staticfiles.json
if [ ! -f "$MANIFEST" ] || [ -n "$(find static -newer "$MANIFEST" -print -quit)" ]; then
    $PY manage.py collectstatic --noinput >/dev/null
fi

if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
    echo "something already listens on 127.0.0.1:$PORT" >&2
    exit 1
fi

GUNICORN_PID= TOP_PID=
cleanup() {
    [ -n "$TOP_PID" ] && kill "$TOP_PID" 2>/dev/null || true
    if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill -TERM "$GUNICORN_PID"
        wait "$GUNICORN_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT INT TERM

# gunicorn's own messages and Django's log (tracebacks of server errors) go to gunicorn.log.
.venv/bin/gunicorn tongxing.wsgi -w "$WORKERS" -b "127.0.0.1:$PORT" \
    --access-logfile "$OUT/gunicorn-access.log" --error-logfile - \
    --access-logformat '%(t)s %(s)s %(m)s %(U)s %(M)sms' >"$OUT/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 60); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
    sleep 1
done
if ! curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz"; then
    echo "gunicorn did not start: see $OUT/gunicorn.log" >&2
    exit 1
fi

# CPU by process during the run: a 5-second top frame every 15 seconds. Before each frame, which processes are this
# test's (gunicorn's workers; PostgreSQL backends by database), so other work on the machine can be told apart.
sample() {
    while :; do
        for pid in $GUNICORN_PID $(pgrep -P "$GUNICORN_PID"); do echo "OURS $pid"; done
        psql "$DATABASE_URL" -Atc "select 'PGDB ' || pid || ' ' || coalesce(datname, '-') from pg_stat_activity" \
            2>/dev/null || true
        top -b -n2 -d5 -w 200 | awk '/^top -/{frame++} frame==2'
        sleep 10
    done
}
sample > "$OUT/top.log" &
TOP_PID=$!

LOAD_BEFORE=$(uptime)
echo "== $(date -Is): $USERS users (spawn $RATE/s) for $DURATION against 127.0.0.1:$PORT, $WORKERS gunicorn workers"
echo "   $DATABASE_URL"
REDIS=no REPLICA=no
[ -n "${REDIS_URL:-}${CACHE_URL:-}" ] && REDIS=yes
[ -n "${DATABASE_REPLICA_URL:-}" ] && REPLICA=yes
echo "   Redis cache and sessions (REDIS_URL, CACHE_URL): $REDIS; read replica (DATABASE_REPLICA_URL): $REPLICA"
echo "   before: $LOAD_BEFORE"
STATUS=0
.venv/bin/locust -f bench/locustfile.py --headless -u "$USERS" -r "$RATE" -t "$DURATION" \
    --host "http://127.0.0.1:$PORT" --csv "$OUT/locust" --only-summary --logfile "$OUT/locust.log" \
    >"$OUT/locust-summary.txt" 2>&1 || STATUS=$?
LOAD_AFTER=$(uptime)
kill "$TOP_PID" 2>/dev/null || true
TOP_PID=

echo "   after:  $LOAD_AFTER"
echo
summary
exit "$STATUS"
