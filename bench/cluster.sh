#!/bin/bash
# Cross-instance delivery: publish on A, subscribe on B (two instances, one Redis) vs one instance.
set -u
JAR=${JAR:-herald-app/target/herald.jar}
KEY=perf-key-0123456789-0123456789-0123456789
OUT=${OUT:-bench/results/cluster}; mkdir -p $OUT
RPORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
taskset -c 0 redis-server --port $RPORT --save "" --appendonly no > $OUT/redis.log 2>&1 & RPID=$!
sleep 1
start() { # name extra-args
  taskset -c 0 java -jar $JAR serve --host 127.0.0.1 --port 0 --anonymous --jwt-key $KEY --heartbeat 0 --max-connections 19000 "${@:2}" > $OUT/$1.log 2>&1 &
  echo $!
}
port() { for i in $(seq 1 150); do p=$(grep -o 'listening on http://[^:]*:[0-9]*' $OUT/$1.log | grep -o '[0-9]*$'); [ -n "$p" ] && { echo $p; return; }; sleep 0.2; done; }
run() { # name url suburl pids...
  taskset -c 1 java -jar $JAR bench fanout --url $2 --subscribe-url $3 --subscribers ${SUBS:-1000} --rate ${RATE:-100} --payload 100 --duration 15s --warmup 15s --jwt-key $KEY --json $OUT/$1.json > $OUT/$1.out 2>&1
  grep -E "published |delivered |lost|duplicated|deliveriesPerSecond|latencyMicros" $OUT/$1.out | sed "s/^/$1 /"
}
# one instance, on Redis
A=$(start one --redis redis://127.0.0.1:$RPORT); PA=$(port one)
run one http://127.0.0.1:$PA/.well-known/mercure http://127.0.0.1:$PA/.well-known/mercure
kill $A; wait $A 2>/dev/null
redis-cli -p $RPORT flushall > /dev/null
# two instances: publish on A, subscribe on B
A=$(start a --redis redis://127.0.0.1:$RPORT); B=$(start b --redis redis://127.0.0.1:$RPORT); PA=$(port a); PB=$(port b)
run two http://127.0.0.1:$PA/.well-known/mercure http://127.0.0.1:$PB/.well-known/mercure
kill $A $B; wait $A $B 2>/dev/null
# one instance, in memory (no Redis), for reference
A=$(start mem); PA=$(port mem)
run mem http://127.0.0.1:$PA/.well-known/mercure http://127.0.0.1:$PA/.well-known/mercure
kill $A; wait $A 2>/dev/null
kill $RPID
