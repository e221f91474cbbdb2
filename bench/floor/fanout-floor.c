// The floor of a one-core SSE fan-out on this machine: the least any server must do to deliver an
// update to N subscribers is one write(2) of the event's bytes to each of N TCP connections. This
// program does only that, in C, pinned to core 0, while a reader process pinned to core 1 drains
// every connection with epoll. It prints how long one update's fan-out takes (mean, p50, p99, max
// over the updates) and the CPU time per write(2), user and system.
//
//   gcc -O2 -o /tmp/fanout-floor bench/floor/fanout-floor.c
//   /tmp/fanout-floor CONNECTIONS UPDATES BYTES GAP_MS    e.g. 10000 100 164 100 (10,000 x 10/s)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static void pin(int cpu) { cpu_set_t s; CPU_ZERO(&s); CPU_SET(cpu, &s); sched_setaffinity(0, sizeof s, &s); }

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 10000, updates = argc > 2 ? atoi(argv[2]) : 100, size = argc > 3 ? atoi(argv[3]) : 130;
  int gap_ms = argc > 4 ? atoi(argv[4]) : 100;
  int ls = socket(AF_INET, SOCK_STREAM, 0); int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)}; socklen_t al = sizeof a;
  bind(ls, (void *)&a, sizeof a); listen(ls, 4096); getsockname(ls, (void *)&a, &al);
  pid_t child = fork();
  if (child == 0) { // reader: connects N sockets from 127.0.0.2.., reads everything with epoll
    pin(1); close(ls);
    int ep = epoll_create1(0);
    for (int i = 0; i < n; i++) {
      int s = socket(AF_INET, SOCK_STREAM, 0);
      struct sockaddr_in src = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000002 + i / 20000)};
      bind(s, (void *)&src, sizeof src);
      if (connect(s, (void *)&a, sizeof a) < 0) { perror("connect"); exit(1); }
      struct epoll_event e = {.events = EPOLLIN, .data.fd = s}; epoll_ctl(ep, EPOLL_CTL_ADD, s, &e);
    }
    long total = 0, want = (long)n * updates * size; char buf[65536]; struct epoll_event ev[1024];
    while (total < want) {
      int k = epoll_wait(ep, ev, 1024, 5000); if (k <= 0) break;
      for (int i = 0; i < k; i++) { ssize_t r; while ((r = recv(ev[i].data.fd, buf, sizeof buf, MSG_DONTWAIT)) > 0) total += r; }
    }
    struct rusage ru; getrusage(RUSAGE_SELF, &ru);
    fprintf(stderr, "reader: %ld bytes, user %.2fs sys %.2fs\n", total, ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6, ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
    exit(0);
  }
  pin(0);
  int *fds = malloc(sizeof(int) * n);
  for (int i = 0; i < n; i++) { fds[i] = accept(ls, 0, 0); setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); }
  char *msg = malloc(size); memset(msg, 'x', size); msg[size - 1] = '\n';
  struct rusage r0, r1; getrusage(RUSAGE_SELF, &r0);
  double worst = 0, sum = 0; double *fan = malloc(sizeof(double) * updates);
  double start = now();
  // fan[] holds each update's fan-out time; sorted below for the percentiles.
  for (int u = 0; u < updates; u++) {
    double t0 = now();
    for (int i = 0; i < n; i++) if (write(fds[i], msg, size) != size) { perror("write"); exit(1); }
    double dt = now() - t0; fan[u] = dt; sum += dt; if (dt > worst) worst = dt;
    double next = start + (u + 1) * gap_ms / 1000.0; while (now() < next) { struct timespec ts = {0, 200000}; nanosleep(&ts, 0); }
  }
  getrusage(RUSAGE_SELF, &r1);
  double us = (r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) + (r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) / 1e6;
  double sy = (r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) + (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1e6;
  long w = (long)n * updates;
  for (int i = 1; i < updates; i++) { double v = fan[i]; int j = i - 1; while (j >= 0 && fan[j] > v) { fan[j + 1] = fan[j]; j--; } fan[j + 1] = v; }
  double p50 = fan[updates / 2], p99 = fan[(int)(updates * 0.99) < updates ? (int)(updates * 0.99) : updates - 1];
  printf("writer: %d connections x %d updates of %d bytes, one write(2) each, an update every %d ms\n"
         "  fan-out of one update: mean %.1f ms, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n"
         "  CPU per write: %.2f us user + %.2f us system\n",
         n, updates, size, gap_ms, sum / updates * 1e3, p50 * 1e3, p99 * 1e3, worst * 1e3, us / w * 1e6, sy / w * 1e6);
  fflush(stdout);
  waitpid(child, 0, 0);
  return 0;
}
