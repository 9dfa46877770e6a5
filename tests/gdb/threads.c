/* gdb tests: two worker threads and a SIGUSR1 the program raises at itself. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

volatile int hits;
static void on_usr1(int sig)
{
    hits++;
}
static void *worker(void *arg)
{
    long id = (long)arg;
    volatile long sum = 0;
    for (long i = 0; i < 1000; i++) {
        sum += i * id;
    }
    return (void *)sum;
}
int main(void)
{
    pthread_t t[2];
    signal(SIGUSR1, on_usr1);
    for (long i = 0; i < 2; i++) {
        pthread_create(&t[i], NULL, worker, (void *)(i + 1));
    }
    for (int i = 0; i < 2; i++) {
        void *r;
        pthread_join(t[i], &r);
        printf("worker %d: %ld\n", i, (long)r);
    }
    raise(SIGUSR1);
    printf("hits=%d\n", hits);
    return 0;
}
