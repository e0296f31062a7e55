/*
 * The floor for Lectern's RPC benchmark: the least a request/response over a Unix stream
 * socket costs on this machine. A child process echoes 16-byte messages; the parent sends
 * one, waits for the echo, and repeats, timing each round trip.
 *
 * usage: pingpong SECONDS
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int exact(int fd, char *buffer, int size, int reading) {
    int done = 0;
    while (done < size) {
        ssize_t n = reading ? read(fd, buffer + done, size - done) : write(fd, buffer + done, size - done);
        if (n <= 0) return -1;
        done += (int)n;
    }
    return 0;
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 3;
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) { perror("socketpair"); return 1; }
    pid_t child = fork();
    if (child == 0) {
        char buffer[16];
        close(pair[0]);
        while (exact(pair[1], buffer, 16, 1) == 0 && exact(pair[1], buffer, 16, 0) == 0) {}
        _exit(0);
    }
    close(pair[1]);
    size_t capacity = 1 << 24, count = 0;
    double *samples = malloc(capacity * sizeof(double));
    char buffer[16] = "ping ping ping!";
    double start = now(), end = start + seconds;
    while (count < capacity) {
        double before = now();
        if (before > end) break;
        if (exact(pair[0], buffer, 16, 0) != 0 || exact(pair[0], buffer, 16, 1) != 0) { perror("io"); return 1; }
        samples[count++] = now() - before;
    }
    double elapsed = now() - start;
    close(pair[0]);
    waitpid(child, NULL, 0);
    qsort(samples, count, sizeof(double), compare);
    printf("floor ping-pong: %.0f round trips/s, p50 %.1f µs, p99 %.1f µs, p99.9 %.1f µs\n",
           count / elapsed, samples[count / 2] * 1e6, samples[(size_t)(count * 0.99)] * 1e6, samples[(size_t)(count * 0.999)] * 1e6);
    return 0;
}
