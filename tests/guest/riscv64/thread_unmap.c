/*
 * thread_unmap.c - one thread runs code from a page while another thread unmaps it.
 *
 * On Linux the running thread takes SIGSEGV at its next fetch from the unmapped page
 * (here: caught, and the thread leaves through siglongjmp).  An emulator translating
 * the page while it disappears must turn that into the same guest fault, never fail
 * itself.  Each round maps fresh code (2040 nops and a ret), starts a caller looping
 * on it, unmaps it and checks that the caller left through its SIGSEGV handler.
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#define ROUNDS 30
#define CODE_WORDS 2048
#define RV_NOP 0x00000013u      /* addi x0, x0, 0 */
#define RV_RET 0x00008067u      /* jalr x0, 0(ra) */

static uint32_t *volatile code;
static __thread sigjmp_buf fault_jump;

static void on_segv(int sig)
{
    siglongjmp(fault_jump, 1);
}

static void *caller(void *arg)
{
    if (sigsetjmp(fault_jump, 1)) {
        return (void *)1;       /* left through the fault, as expected */
    }
    for (;;) {
        ((void (*)(void))code)();
    }
}

int main(void)
{
    struct sigaction sa = { .sa_handler = on_segv };
    int faulted = 0;

    sigaction(SIGSEGV, &sa, NULL);
    for (int round = 0; round < ROUNDS; round++) {
        uint32_t *c = mmap(NULL, CODE_WORDS * 4, PROT_READ | PROT_WRITE | PROT_EXEC,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (c == MAP_FAILED) {
            printf("mmap failed\n");
            return 1;
        }
        for (int k = 0; k < CODE_WORDS - 8; k++) {
            c[k] = RV_NOP;
        }
        c[CODE_WORDS - 8] = RV_RET;
        __builtin___clear_cache((char *)c, (char *)(c + CODE_WORDS));
        code = c;
        pthread_t t;
        void *result;
        if (pthread_create(&t, NULL, caller, NULL) != 0) {
            printf("pthread_create failed\n");
            return 1;
        }
        usleep(500 + round * 100);
        munmap(c, CODE_WORDS * 4);
        pthread_join(t, &result);
        faulted += result == (void *)1;
    }
    printf("rounds %d, callers stopped by SIGSEGV %d\n", ROUNDS, faulted);
    return faulted == ROUNDS ? 0 : 1;
}
