#!/usr/bin/env bash
# Runs Herald and its peers (bench/peers: NestJS, Spring WebFlux) under the same load and writes a
# markdown table with ratios to Herald into docs/benchmarks/peers-<date>.md. See bench/README.md.
#
#   bench/compare.sh            the full comparison (needs `herald bench`, the load tool)
#   bench/compare.sh --smoke    builds, then checks with curl that every server answers the contract
#
# Each server runs pinned to one core (taskset -c SERVER_CPU), the load tool to another
# (taskset -c LOAD_CPU), a fresh server process for every run, RUNS runs, medians reported.
# Every setting is an environment variable (list in bench/README.md), e.g. a quick run:
#   RUNS=1 DURATION=5s WARMUP=1s IDLE_CONNECTIONS=500 BIG_FANOUT=0 bench/compare.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

MODE=full
case "${1:-}" in
  "") ;;
  --smoke) MODE=smoke ;;
  -h | --help)
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "compare.sh: unknown argument: $1 (expected: --smoke or nothing)" >&2
    exit 2
    ;;
esac

# --- settings (environment) -------------------------------------------------------------------
HERALD_JAR=${HERALD_JAR:-herald-app/target/herald.jar}
RUNS=${RUNS:-3}
SERVERS=${SERVERS:-herald nestjs webflux}
SCENARIOS=${SCENARIOS:-fanout saturate idle big}
DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-20s}
SUBSCRIBERS=${SUBSCRIBERS:-1000}
RATE=${RATE:-200}
PAYLOAD=${PAYLOAD:-100}
SAT_SUBSCRIBERS=${SAT_SUBSCRIBERS:-1000}
SAT_DURATION=${SAT_DURATION:-$DURATION}
SAT_MAX_IN_FLIGHT=${SAT_MAX_IN_FLIGHT:-}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-5000}
IDLE_HOLD=${IDLE_HOLD:-10s}
BIG_FANOUT=${BIG_FANOUT:-1}
BIG_SUBSCRIBERS=${BIG_SUBSCRIBERS:-10000}
BIG_RATE=${BIG_RATE:-10}
BIG_SERVERS=${BIG_SERVERS:-herald}
PORT=${PORT:-18080}
HUB_PATH=${HUB_PATH:-/.well-known/mercure}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:-}
LOAD_JAVA_OPTS=${LOAD_JAVA_OPTS:-}
# The load tool's command; its arguments follow (`bench fanout ...`). Override only to test this script.
LOAD_TOOL=${LOAD_TOOL:-java $LOAD_JAVA_OPTS -jar $HERALD_JAR}
BUILD=${BUILD:-1}
MVN_FLAGS=${MVN_FLAGS:-}
READY_TIMEOUT=${READY_TIMEOUT:-120}
RUN_SLACK=${RUN_SLACK:-180}
COOLDOWN=${COOLDOWN:-2}
JWT_KEY=${JWT_KEY:-compare-sh-benchmark-key-not-a-secret-0123456789}
DATE=$(date -u +%F)
OUT=${OUT:-docs/benchmarks/peers-$DATE.md}
RESULTS=${RESULTS:-bench/results/$(date -u +%Y%m%dT%H%M%SZ)}

NEST_DIR=bench/peers/nestjs
WEBFLUX_POM=bench/peers/spring-webflux/pom.xml
WEBFLUX_JAR=bench/peers/spring-webflux/target/peer-webflux.jar
URL="http://127.0.0.1:$PORT$HUB_PATH"
COMMAND_LINE="$0${1:+ $1}"

log() { printf '[compare %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() {
  log "FAILED: $*"
  exit 1
}

# --- clean-up: the server and any subscriber we started are always stopped ---------------------
SERVER_PID=""
BACKGROUND_PIDS=()
cleanup() {
  local pid
  for pid in "${BACKGROUND_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  if [[ -n $SERVER_PID ]]; then
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Returns the seconds in a duration like 30s, 2m, 500ms or 30 (rounded up).
seconds() {
  local d=$1
  case "$d" in
    *ms) echo $(((${d%ms} + 999) / 1000)) ;;
    *s) echo "${d%s}" ;;
    *m) echo $((${d%m} * 60)) ;;
    *h) echo $((${d%h} * 3600)) ;;
    *) echo "$d" ;;
  esac
}

check_tools() {
  local t
  for t in curl taskset jq java node npm unzip; do
    command -v "$t" >/dev/null 2>&1 ||
      die "$t not found (Debian: apt-get install ${t/taskset/util-linux}; node/npm: nodejs npm)"
  done
  if [[ $MODE == full && $(nproc) -lt 2 ]]; then
    die "nproc is $(nproc): the server and the load tool need a core each"
  fi
  # Thousands of connections need as many file descriptors (inherited by servers and load tool).
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
}

# --- builds -------------------------------------------------------------------------------------
build_herald() {
  log "building Herald: ./mvnw -B -q $MVN_FLAGS -DskipTests package"
  # shellcheck disable=SC2086
  ./mvnw -B -q $MVN_FLAGS -DskipTests package
}

build_nestjs() {
  if [[ ! -d $NEST_DIR/node_modules || $NEST_DIR/package-lock.json -nt $NEST_DIR/node_modules/.package-lock.json ]]; then
    log "installing the NestJS peer's dependencies: npm ci (package-lock.json)"
    (cd "$NEST_DIR" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  log "building the NestJS peer: npm run build"
  (cd "$NEST_DIR" && npm run --silent build)
}

build_webflux() {
  log "building the WebFlux peer: ./mvnw -B -q $MVN_FLAGS -f $WEBFLUX_POM package"
  # shellcheck disable=SC2086
  ./mvnw -B -q $MVN_FLAGS -f "$WEBFLUX_POM" package
}

build_all() {
  local s
  if [[ $BUILD == 1 ]]; then
    # Herald's jar also carries the load tool, so the full mode always needs it.
    if [[ $MODE == full || " $SERVERS " == *" herald "* ]]; then build_herald; fi
    for s in $SERVERS; do
      case "$s" in
        nestjs) build_nestjs ;;
        webflux) build_webflux ;;
      esac
    done
  fi
  if [[ $MODE == full || " $SERVERS " == *" herald "* ]]; then
    [[ -f $HERALD_JAR ]] || die "$HERALD_JAR missing (run with BUILD=1)"
  fi
  [[ " $SERVERS " != *" nestjs "* || -f $NEST_DIR/dist/main.js ]] || die "$NEST_DIR/dist/main.js missing"
  [[ " $SERVERS " != *" webflux "* || -f $WEBFLUX_JAR ]] || die "$WEBFLUX_JAR missing"
}

# --- servers ------------------------------------------------------------------------------------
server_label() {
  case "$1" in
    herald) echo "Herald" ;;
    nestjs) echo "NestJS" ;;
    webflux) echo "Spring WebFlux" ;;
    *) die "unknown server: $1 (expected: herald, nestjs or webflux)" ;;
  esac
}

ready_pattern() {
  case "$1" in
    herald) echo "Herald listening on" ;;
    nestjs) echo "NestJS peer listening on" ;;
    webflux) echo "WebFlux peer listening on" ;;
  esac
}

# Starts server $1 pinned to SERVER_CPU, output to $2; sets SERVER_PID (taskset execs, same pid).
start_server() {
  local name=$1 out=$2
  case "$name" in
    herald)
      # shellcheck disable=SC2086
      taskset -c "$SERVER_CPU" java $SERVER_JAVA_OPTS -jar "$HERALD_JAR" serve \
        --host 127.0.0.1 --port "$PORT" --anonymous --jwt-key "$JWT_KEY" \
        --max-connections 19000 >"$out" 2>&1 &
      ;;
    nestjs)
      (cd "$NEST_DIR" && PORT=$PORT exec taskset -c "$SERVER_CPU" node dist/main.js) >"$out" 2>&1 &
      ;;
    webflux)
      # shellcheck disable=SC2086
      PORT=$PORT taskset -c "$SERVER_CPU" java $SERVER_JAVA_OPTS -jar "$WEBFLUX_JAR" >"$out" 2>&1 &
      ;;
  esac
  SERVER_PID=$!
  local pattern deadline=$((SECONDS + READY_TIMEOUT))
  pattern=$(ready_pattern "$name")
  until grep -q "$pattern" "$out" 2>/dev/null; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      tail -20 "$out" >&2
      die "$name exited before it was ready (log: $out)"
    fi
    if ((SECONDS >= deadline)); then
      tail -20 "$out" >&2
      die "$name not ready after ${READY_TIMEOUT}s (log: $out)"
    fi
    sleep 0.2
  done
}

# Stops the server: SIGTERM, up to 15 s, then SIGKILL.
stop_server() {
  [[ -n $SERVER_PID ]] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  local i
  for ((i = 0; i < 75; i++)); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  # The port must be free again before the next server binds it.
  for ((i = 0; i < 50; i++)); do
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/" || break
    sleep 0.2
  done
}

# --- smoke: the contract, checked with curl -----------------------------------------------------
# Two subscribers on two topics; publishes to each until both have seen theirs (an SSE server may
# hold its response headers until the first event, so "subscribed" cannot be observed directly);
# then each must hold its own updates only.
check_contract() {
  local name=$1 dir=$2
  local topic_a="https://example.com/smoke/a" topic_b="https://example.com/smoke/b"
  local auth=()
  if [[ $name == herald ]]; then
    auth=(-H "Authorization: Bearer $(java -jar "$HERALD_JAR" token --jwt-key "$JWT_KEY" --publish '*')")
  fi
  curl -sN --max-time 40 -D "$dir/a.headers" -G --data-urlencode "topic=$topic_a" "$URL" >"$dir/a.events" &
  BACKGROUND_PIDS+=($!)
  local pid_a=$!
  curl -sN --max-time 40 -D "$dir/b.headers" -G --data-urlencode "topic=$topic_b" "$URL" >"$dir/b.events" &
  BACKGROUND_PIDS+=($!)
  local pid_b=$!
  local i code seen=0
  for ((i = 1; i <= 40; i++)); do
    for t in a b; do
      local topic=$topic_a
      [[ $t == b ]] && topic=$topic_b
      code=$(curl -s -o "$dir/post.body" -w '%{http_code}' --max-time 5 "${auth[@]}" \
        --data-urlencode "topic=$topic" --data-urlencode "data=smoke-$t-$i" "$URL" || echo 000)
      [[ $code == 200 ]] || die "$name: POST topic=$topic answered $code: $(head -c 200 "$dir/post.body")"
      [[ -s $dir/post.body ]] || die "$name: POST answered 200 with an empty body (expected: the id)"
    done
    if grep -Eq '^data: ?smoke-a-[0-9]+$' "$dir/a.events" && grep -Eq '^data: ?smoke-b-[0-9]+$' "$dir/b.events"; then
      seen=1
      break
    fi
    sleep 0.5
  done
  sleep 0.5 # let anything misrouted arrive before judging
  kill "$pid_a" "$pid_b" 2>/dev/null || true
  wait "$pid_a" "$pid_b" 2>/dev/null || true
  ((seen)) || die "$name: subscribers did not receive their updates within 40 publishes (see $dir)"
  grep -qi '^content-type: *text/event-stream' "$dir/a.headers" ||
    die "$name: subscription not text/event-stream: $(cat "$dir/a.headers")"
  if grep -q 'smoke-b-' "$dir/a.events" || grep -q 'smoke-a-' "$dir/b.events"; then
    die "$name: an update reached a subscriber of another topic (see $dir)"
  fi
  local ids="no id: lines"
  grep -q '^id:' "$dir/a.events" && ids="with id: lines"
  log "$name: contract OK: $(grep -c '^data:' "$dir/a.events") + $(grep -c '^data:' "$dir/b.events") events on two topics, none crossed, $ids, POST 200 with id $(head -c 60 "$dir/post.body")"
}

smoke() {
  local s dir failed=0
  for s in $SERVERS; do
    dir="$RESULTS/smoke-$s"
    mkdir -p "$dir"
    log "smoke: starting $s on port $PORT"
    start_server "$s" "$dir/server.log"
    check_contract "$s" "$dir"
    stop_server
  done
  log "smoke: PASS ($SERVERS)"
}

# --- the comparison -----------------------------------------------------------------------------
require_load_tool() {
  local help
  # shellcheck disable=SC2086
  help=$($LOAD_TOOL --help 2>&1 || true)
  grep -Eq '^ +bench ' <<<"$help" ||
    die "this build of $HERALD_JAR has no 'bench' command (the load tool, herald-load); build a branch that has it"
}

# Prints the load tool's arguments for scenario $1 with the server's pid $2 and JSON file $3.
load_args() {
  local scenario=$1 pid=$2 json=$3
  case "$scenario" in
    fanout)
      echo "bench fanout --url $URL --subscribers $SUBSCRIBERS --rate $RATE --payload $PAYLOAD" \
        "--duration $DURATION --warmup $WARMUP --jwt-key $JWT_KEY --server-pid $pid --json $json"
      ;;
    saturate)
      echo "bench saturate --url $URL --subscribers $SAT_SUBSCRIBERS --payload $PAYLOAD" \
        "--duration $SAT_DURATION${SAT_MAX_IN_FLIGHT:+ --max-in-flight $SAT_MAX_IN_FLIGHT}" \
        "--jwt-key $JWT_KEY --server-pid $pid --json $json"
      ;;
    idle)
      echo "bench idle --url $URL --connections $IDLE_CONNECTIONS --hold $IDLE_HOLD --server-pid $pid --json $json"
      ;;
    big)
      echo "bench fanout --url $URL --subscribers $BIG_SUBSCRIBERS --rate $BIG_RATE --payload $PAYLOAD" \
        "--duration $DURATION --warmup $WARMUP --jwt-key $JWT_KEY --server-pid $pid --json $json"
      ;;
  esac
}

scenario_seconds() {
  case "$1" in
    fanout | big) echo $(($(seconds "$DURATION") + $(seconds "$WARMUP"))) ;;
    saturate) seconds "$SAT_DURATION" ;;
    idle) seconds "$IDLE_HOLD" ;;
  esac
}

scenario_servers() {
  if [[ $1 == big ]]; then
    local s
    for s in $SERVERS; do
      if [[ " $BIG_SERVERS " == *" $s "* ]]; then echo "$s"; fi
    done
  else
    echo "$SERVERS"
  fi
}

# One run: fresh server pinned to SERVER_CPU, the load tool pinned to LOAD_CPU, bounded in time.
run_one() {
  local scenario=$1 server=$2 run=$3
  local base="$RESULTS/$scenario-$server-$run"
  start_server "$server" "$base.server.log"
  local args limit rc=0
  args=$(load_args "$scenario" "$SERVER_PID" "$base.json")
  limit=$(($(scenario_seconds "$scenario") + RUN_SLACK))
  log "$scenario run $run/$RUNS: $server (pid $SERVER_PID), load tool for at most ${limit}s"
  # shellcheck disable=SC2086
  timeout --kill-after=10 "$limit" taskset -c "$LOAD_CPU" $LOAD_TOOL $args \
    >"$base.load.log" 2>&1 || rc=$?
  stop_server
  if ((rc != 0)) || [[ ! -s $base.json ]]; then
    log "$scenario run $run: $server FAILED (exit $rc; log: $base.load.log)"
    rm -f "$base.json"
    tail -5 "$base.load.log" >&2 || true
  else
    jq -c --arg server "$server" --arg scenario "$scenario" --argjson run "$run" \
      '{server: $server, scenario: $scenario, run: $run, result: .}' "$base.json" >>"$RESULTS/all.jsonl"
  fi
  sleep "$COOLDOWN"
}

compare() {
  require_load_tool
  local scenario run server
  : >"$RESULTS/all.jsonl"
  LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
  STARTED=$(date -u '+%F %H:%M UTC')
  for scenario in $SCENARIOS; do
    [[ $scenario == big && $BIG_FANOUT != 1 ]] && continue
    # Runs interleave the servers, so a drift in the machine's load touches all of them alike.
    for ((run = 1; run <= RUNS; run++)); do
      for server in $(scenario_servers "$scenario"); do
        run_one "$scenario" "$server" "$run"
      done
    done
  done
  LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
  report
}

# --- the report ---------------------------------------------------------------------------------
# Prints the median over runs of jq expression $3 for scenario $1 and server $2 ("" if none).
median() {
  jq -rs --arg sc "$1" --arg s "$2" "[.[] | select(.scenario == \$sc and .server == \$s) | .result | $3]
    | map(select(type == \"number\")) | sort
    | if length == 0 then \"\" elif length % 2 == 1 then .[length / 2 | floor]
      else (.[length / 2 - 1] + .[length / 2]) / 2 end" "$RESULTS/all.jsonl"
}

# Prints the sum over runs of jq expression $3 ("" if none).
total() {
  jq -rs --arg sc "$1" --arg s "$2" "[.[] | select(.scenario == \$sc and .server == \$s) | .result | $3]
    | map(select(type == \"number\")) | if length == 0 then \"\" else add end" "$RESULTS/all.jsonl"
}

runs_ok() {
  jq -rs --arg sc "$1" --arg s "$2" '[.[] | select(.scenario == $sc and .server == $s)] | length' \
    "$RESULTS/all.jsonl"
}

# Prints $1 scaled by $2 with $3 decimals, or n/a.
num() {
  [[ -n ${1:-} ]] || {
    echo "n/a"
    return
  }
  awk -v v="$1" -v f="${2:-1}" -v d="${3:-0}" 'BEGIN { printf "%.*f", d, v * f }'
}

# Prints a / b as "N.NN×", or n/a.
ratio() {
  [[ -n ${1:-} && -n ${2:-} ]] || {
    echo "n/a"
    return
  }
  awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f×", a / b }'
}

# Prints "met" or "missed" for a >= b, or n/a.
at_least() {
  [[ -n ${1:-} && -n ${2:-} ]] || {
    echo "n/a"
    return
  }
  awk -v a="$1" -v b="$2" 'BEGIN { print (a >= b ? "met" : "missed") }'
}

# Prints the verdict on "a / b >= min with zero loss": met, missed or n/a.
verdict() {
  local lost=${1:-} a=${2:-} b=${3:-} min=$4
  if [[ -z $lost || -z $a || -z $b ]]; then
    echo "n/a"
  elif [[ $lost != 0 ]]; then
    echo "missed (loss)"
  else
    at_least "$(awk -v a="$a" -v b="$b" 'BEGIN { print (b == 0 ? 0 : a / b) }')" "$min"
  fi
}

versions() {
  local java_version boot webflux reactor netty nest rxjs express
  java_version=$(java -version 2>&1 | sed -n '2p')
  echo "| Herald | $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (with uncommitted changes)') |"
  echo "| JDK (Herald, WebFlux and the load tool) | $java_version |"
  if [[ " $SERVERS " == *" nestjs "* ]]; then
    nest=$(jq -r .version "$NEST_DIR/node_modules/@nestjs/core/package.json")
    rxjs=$(jq -r .version "$NEST_DIR/node_modules/rxjs/package.json")
    express=$(jq -r .version "$NEST_DIR/node_modules/express/package.json")
    echo "| NestJS | Node.js $(node --version), @nestjs/core $nest (platform-express, Express $express), RxJS $rxjs |"
  fi
  if [[ " $SERVERS " == *" webflux "* ]]; then
    boot=$(unzip -p "$WEBFLUX_JAR" META-INF/MANIFEST.MF | tr -d '\r' | sed -n 's/^Spring-Boot-Version: //p')
    webflux=$(unzip -l "$WEBFLUX_JAR" | grep -o 'spring-webflux-[0-9][^/]*\.jar' | sed 's/spring-webflux-//; s/\.jar//' | head -1 || true)
    reactor=$(unzip -l "$WEBFLUX_JAR" | grep -o 'reactor-core-[0-9][^/]*\.jar' | sed 's/reactor-core-//; s/\.jar//' | head -1 || true)
    netty=$(unzip -l "$WEBFLUX_JAR" | grep -o 'reactor-netty-http-[0-9][^/]*\.jar' | sed 's/reactor-netty-http-//; s/\.jar//' | head -1 || true)
    echo "| Spring WebFlux | Spring Boot $boot, Spring Framework $webflux, Reactor Core $reactor, Reactor Netty $netty |"
  fi
}

report() {
  mkdir -p "$(dirname "$OUT")"
  local json="${OUT%.md}.json"
  jq -s . "$RESULTS/all.jsonl" >"$json"
  local s label cpu h_cpu dps h_dps rss h_rss lossy
  h_cpu=$(median fanout herald .serverCpuMicrosPerDelivery)
  h_dps=$(median saturate herald .deliveriesPerSecond)
  h_rss=$(median idle herald .rssPerConnectionBytes)
  {
    echo "# Herald and its peers — $DATE"
    echo
    echo "Written by \`bench/compare.sh\` ($STARTED). Each server ran alone, pinned to core $SERVER_CPU"
    echo "(\`taskset -c $SERVER_CPU\`), a fresh process for every run; the load tool (\`herald bench\`) ran pinned to"
    echo "core $LOAD_CPU with the same parameters for every server. Values are medians of $RUNS runs; loss is the sum"
    echo "over all runs. The peers are in [bench/peers](../../bench/peers), written the way their documentation teaches"
    echo "(see [bench/README.md](../../bench/README.md)). Raw results: [$(basename "$json")]($(basename "$json"))."
    echo
    echo "## Command"
    echo
    echo '```'
    echo "RUNS=$RUNS DURATION=$DURATION WARMUP=$WARMUP SUBSCRIBERS=$SUBSCRIBERS RATE=$RATE PAYLOAD=$PAYLOAD \\"
    echo "  SAT_SUBSCRIBERS=$SAT_SUBSCRIBERS SAT_DURATION=$SAT_DURATION SAT_MAX_IN_FLIGHT=$SAT_MAX_IN_FLIGHT \\"
    echo "  IDLE_CONNECTIONS=$IDLE_CONNECTIONS IDLE_HOLD=$IDLE_HOLD BIG_FANOUT=$BIG_FANOUT BIG_SUBSCRIBERS=$BIG_SUBSCRIBERS BIG_RATE=$BIG_RATE \\"
    echo "  SERVERS='$SERVERS' SCENARIOS='$SCENARIOS' SERVER_JAVA_OPTS='$SERVER_JAVA_OPTS' LOAD_JAVA_OPTS='$LOAD_JAVA_OPTS' \\"
    echo "  $COMMAND_LINE"
    echo '```'
    echo
    echo "Each run: \`taskset -c $LOAD_CPU $LOAD_TOOL $(load_args fanout PID FILE)\` (fan-out; the other"
    echo "scenarios likewise, \`bench saturate\` and \`bench idle\`). Herald: \`serve --host 127.0.0.1 --port $PORT --anonymous"
    echo "--jwt-key KEY\`; the peers ignore the publisher's token."
    echo
    echo "## Machine and versions"
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| CPU | $(lscpu | sed -n 's/^Model name: *//p' | head -1 || true), \`nproc\` $(nproc) |"
    echo "| memory | $(free -h | awk '/^Mem:/ { print $2 " total, " $7 " available" }') |"
    echo "| kernel | $(uname -sr) |"
    echo "| load average (1, 5, 15 min) | $LOAD_BEFORE before, $LOAD_AFTER after |"
    versions
    if [[ " $SCENARIOS " == *" fanout "* ]]; then
      echo
      echo "## Fan-out: $SUBSCRIBERS subscribers × $RATE updates/s × $PAYLOAD-byte payloads, $DURATION"
      echo
      echo "Server CPU per delivered event is the server's CPU time (user + system, from \`/proc\`) divided by the"
      echo "events delivered. \"× Herald\" is the server's CPU per event divided by Herald's: above 1, Herald spends less."
      echo
      echo "| server | runs | deliveries/s | lost | duplicated | p50 ms | p99 ms | p99.9 ms | server CPU µs/event | peak RSS MiB | CPU/event × Herald |"
      echo "|---|---|---|---|---|---|---|---|---|---|---|"
      for s in $SERVERS; do
        label=$(server_label "$s")
        cpu=$(median fanout "$s" .serverCpuMicrosPerDelivery)
        echo "| $label | $(runs_ok fanout "$s")/$RUNS | $(num "$(median fanout "$s" .deliveriesPerSecond)")" \
          "| $(num "$(total fanout "$s" .lost)") | $(num "$(total fanout "$s" .duplicated)")" \
          "| $(num "$(median fanout "$s" .latencyMicros.p50)" 0.001 2) | $(num "$(median fanout "$s" .latencyMicros.p99)" 0.001 2)" \
          "| $(num "$(median fanout "$s" .latencyMicros.p999)" 0.001 2)" \
          "| $(num "$cpu" 1 2) | $(num "$(median fanout "$s" .server.peakRssKiB)" 0.0009765625 0) | $(ratio "$cpu" "$h_cpu") |"
      done
    fi
    if [[ " $SCENARIOS " == *" saturate "* ]]; then
      echo
      echo "## Saturation: $SAT_SUBSCRIBERS subscribers, $PAYLOAD-byte payloads, publishing as fast as accepted, $SAT_DURATION"
      echo
      echo "\"Herald ×\" is Herald's deliveries/s divided by the server's: above 1, Herald delivers more. A rate counts"
      echo "only with zero loss."
      echo
      echo "| server | runs | deliveries/s | published | lost | duplicated | p99 ms | server CPU µs/event | Herald × |"
      echo "|---|---|---|---|---|---|---|---|---|"
      for s in $SERVERS; do
        label=$(server_label "$s")
        dps=$(median saturate "$s" .deliveriesPerSecond)
        lossy=""
        [[ $(total saturate "$s" .lost) =~ ^0?$ ]] || lossy=" (with loss: does not count)"
        echo "| $label | $(runs_ok saturate "$s")/$RUNS | $(num "$dps")$lossy | $(num "$(median saturate "$s" .published)")" \
          "| $(num "$(total saturate "$s" .lost)") | $(num "$(total saturate "$s" .duplicated)")" \
          "| $(num "$(median saturate "$s" .latencyMicros.p99)" 0.001 2)" \
          "| $(num "$(median saturate "$s" .serverCpuMicrosPerDelivery)" 1 2) | $(ratio "$h_dps" "$dps") |"
      done
    fi
    if [[ " $SCENARIOS " == *" idle "* ]]; then
      echo
      echo "## Idle connections: $IDLE_CONNECTIONS SSE subscriptions held $IDLE_HOLD"
      echo
      echo "RSS per connection is (RSS with the connections open − RSS before) / connections, from \`/proc\`."
      echo "\"× Herald\" is the server's bytes per connection divided by Herald's."
      echo
      echo "| server | runs | RSS before MiB | RSS after MiB | bytes per connection | × Herald |"
      echo "|---|---|---|---|---|---|"
      for s in $SERVERS; do
        label=$(server_label "$s")
        rss=$(median idle "$s" .rssPerConnectionBytes)
        echo "| $label | $(runs_ok idle "$s")/$RUNS | $(num "$(median idle "$s" .rssBeforeKiB)" 0.0009765625 0)" \
          "| $(num "$(median idle "$s" .rssAfterKiB)" 0.0009765625 0) | $(num "$rss") | $(ratio "$rss" "$h_rss") |"
      done
    fi
    if [[ " $SCENARIOS " == *" big "* && $BIG_FANOUT == 1 ]]; then
      echo
      echo "## Large fan-out: $BIG_SUBSCRIBERS subscribers × $BIG_RATE updates/s × $PAYLOAD-byte payloads, $DURATION"
      echo
      echo "| server | runs | deliveries/s | lost | duplicated | p50 ms | p99 ms | p99.9 ms | max ms | server CPU µs/event | peak RSS MiB |"
      echo "|---|---|---|---|---|---|---|---|---|---|---|"
      for s in $(scenario_servers big); do
        label=$(server_label "$s")
        echo "| $label | $(runs_ok big "$s")/$RUNS | $(num "$(median big "$s" .deliveriesPerSecond)")" \
          "| $(num "$(total big "$s" .lost)") | $(num "$(total big "$s" .duplicated)")" \
          "| $(num "$(median big "$s" .latencyMicros.p50)" 0.001 2) | $(num "$(median big "$s" .latencyMicros.p99)" 0.001 2)" \
          "| $(num "$(median big "$s" .latencyMicros.p999)" 0.001 2) | $(num "$(median big "$s" .latencyMicros.max)" 0.001 2)" \
          "| $(num "$(median big "$s" .serverCpuMicrosPerDelivery)" 1 2) | $(num "$(median big "$s" .server.peakRssKiB)" 0.0009765625 0) |"
      done
    fi
    echo
    echo "## Targets of issue 7 (as far as this run measures them)"
    echo
    echo "| target | measured | |"
    echo "|---|---|---|"
    local lost_h n_cpu w_cpu n_dps p99 big_lost
    lost_h=$(total fanout herald .lost)
    if [[ " $SERVERS " == *" nestjs "* ]]; then
      n_cpu=$(median fanout nestjs .serverCpuMicrosPerDelivery)
      echo "| CPU/event ≤ 1/3 of NestJS's, zero loss | NestJS/Herald $(ratio "$n_cpu" "$h_cpu"), Herald lost $(num "$lost_h") |" \
        "$(verdict "$lost_h" "$n_cpu" "$h_cpu" 3) |"
      n_dps=$(median saturate nestjs .deliveriesPerSecond)
      if [[ " $SCENARIOS " == *" saturate "* ]]; then
        echo "| saturation ≥ 3× NestJS's | Herald/NestJS $(ratio "$h_dps" "$n_dps"), Herald lost $(num "$(total saturate herald .lost)") |" \
          "$(verdict "$(total saturate herald .lost)" "$h_dps" "$n_dps" 3) |"
      fi
    fi
    if [[ " $SERVERS " == *" webflux "* ]]; then
      w_cpu=$(median fanout webflux .serverCpuMicrosPerDelivery)
      echo "| CPU/event ≤ 1/2 of Spring WebFlux's, zero loss | WebFlux/Herald $(ratio "$w_cpu" "$h_cpu"), Herald lost $(num "$lost_h") |" \
        "$(verdict "$lost_h" "$w_cpu" "$h_cpu" 2) |"
    fi
    if [[ $BIG_FANOUT == 1 && " $SCENARIOS " == *" big "* ]]; then
      p99=$(median big herald .latencyMicros.p99)
      big_lost=$(total big herald .lost)
      echo "| $BIG_SUBSCRIBERS × $BIG_RATE/s, zero loss, p99 ≤ 50 ms | lost $(num "$big_lost"), p99 $(num "$p99" 0.001 2) ms |" \
        "$(verdict "$big_lost" 50000 "$p99" 1) |"
    fi
    if [[ " $SCENARIOS " == *" idle "* ]]; then
      echo "| ≤ 8 KiB RSS per idle connection (at 15,000) | $(num "$h_rss") bytes at $IDLE_CONNECTIONS |" \
        "$(at_least 8192 "$h_rss")$(if [[ -n $h_rss && $IDLE_CONNECTIONS -lt 15000 ]]; then echo ' (fewer connections than the target)'; fi) |"
    fi
  } >"$OUT"
  log "wrote $OUT and $json (run logs: $RESULTS)"
  cat "$OUT"
}

main() {
  check_tools
  mkdir -p "$RESULTS"
  for s in $SERVERS; do server_label "$s" >/dev/null; done
  build_all
  if [[ $MODE == smoke ]]; then
    smoke
  else
    compare
  fi
}

main
