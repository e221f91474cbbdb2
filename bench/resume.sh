#!/bin/bash
set -u
JAR=${JAR:-herald-app/target/herald.jar}
KEY=perf-key-0123456789-0123456789-0123456789
OUT=${OUT:-bench/results/resume}; mkdir -p $OUT
PORT=${PORT:-0}
# Each "bench resume" first runs an untimed warm-up round (reported as warmUp.*), then the timed one.
taskset -c 0 java -jar $JAR serve --host 127.0.0.1 --port $PORT --anonymous --jwt-key $KEY --heartbeat 0 --history-size 20000 --max-connections 19000 > $OUT/server.log 2>&1 & S=$!
for i in $(seq 1 150); do P=$(grep -o 'listening on http://[^:]*:[0-9]*' $OUT/server.log | grep -o '[0-9]*$'); [ -n "$P" ] && break; sleep 0.2; done
U=http://127.0.0.1:$P/.well-known/mercure
for n in 1 2 3; do
  taskset -c 1 java -jar $JAR bench resume --url $U --clients 1 --missed 10000 --jwt-key $KEY --server-pid $S --json $OUT/one-$n.json > $OUT/one-$n.out 2>&1
  grep -E "catchUp|totalMillis|lost|duplicated|CpuMicros" $OUT/one-$n.out | sed "s/^/one-$n /"
done
taskset -c 1 java -jar $JAR bench resume --url $U --clients 5000 --missed 100 --jwt-key $KEY --server-pid $S --json $OUT/many.json > $OUT/many.out 2>&1
grep -E "clients|catchUp|totalMillis|lost|duplicated|failed" $OUT/many.out | sed "s/^/many /"
kill $S
