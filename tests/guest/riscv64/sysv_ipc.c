/*
 * sysv_ipc.c - System V IPC: a message queue (typed send and receive, IPC_STAT, IPC_NOWAIT),
 * a semaphore set (SETALL/GETALL, semop, GETVAL, semtimedop timing out, IPC_STAT), and
 * shared memory (attach anywhere and at a chosen address, two attachments seeing the
 * same bytes, a forked child writing through its own, shm_nattch, a read-only
 * attachment faulting on a store, shmdt, IPC_RMID).  Private keys only: runs in
 * parallel never meet.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "guest_check.h"

struct msg {
    long mtype;
    char text[16];
};

/*
 * The caller defines union semun (sem_ctl(2)), and must pass it, not its member: a
 * 32-bit PowerPC passes unions by reference, so semctl would read the array's first
 * bytes as the pointer.
 */
union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

static void test_msg(void)
{
    gc_group("msg");
    int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    CHECK(q >= 0);
    struct msg a = { 7, "seven" }, b = { 3, "three" }, r;
    CHECK_EQ(msgsnd(q, &a, sizeof(a.text), 0), 0);
    CHECK_EQ(msgsnd(q, &b, sizeof(b.text), 0), 0);
    struct msqid_ds ds;
    CHECK_EQ(msgctl(q, IPC_STAT, &ds), 0);
    CHECK_EQ(ds.msg_qnum, 2);
    CHECK_EQ(ds.msg_lspid, getpid());
    /* By type: 3 first although it was sent second. */
    CHECK_EQ(msgrcv(q, &r, sizeof(r.text), 3, 0), sizeof(r.text));
    CHECK_EQ(r.mtype, 3);
    CHECK_STR(r.text, "three");
    CHECK_EQ(msgrcv(q, &r, sizeof(r.text), 0, 0), sizeof(r.text));
    CHECK_STR(r.text, "seven");
    errno = 0;
    CHECK_EQ(msgrcv(q, &r, sizeof(r.text), 0, IPC_NOWAIT), -1);
    CHECK_EQ(errno, ENOMSG);
    CHECK_EQ(msgctl(q, IPC_RMID, NULL), 0);
    errno = 0;
    CHECK_EQ(msgsnd(q, &a, sizeof(a.text), 0), -1);
    CHECK(errno == EINVAL || errno == EIDRM);
}

static void test_sem(void)
{
    gc_group("sem");
    int s = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
    CHECK(s >= 0);
    unsigned short set[3] = { 1, 5, 9 }, got[3] = { 0 };
    CHECK_EQ(semctl(s, 0, SETALL, (union semun){ .array = set }), 0);
    CHECK_EQ(semctl(s, 0, GETALL, (union semun){ .array = got }), 0);
    CHECK(got[0] == 1 && got[1] == 5 && got[2] == 9);
    struct sembuf ops[2] = { { 0, -1, 0 }, { 2, 3, 0 } };
    CHECK_EQ(semop(s, ops, 2), 0);
    CHECK_EQ(semctl(s, 0, GETVAL), 0);
    CHECK_EQ(semctl(s, 2, GETVAL), 12);
    CHECK_EQ(semctl(s, 1, SETVAL, (union semun){ .val = 42 }), 0);
    CHECK_EQ(semctl(s, 1, GETVAL), 42);
    CHECK_EQ(semctl(s, 2, GETPID), getpid());
    struct semid_ds ds;
    CHECK_EQ(semctl(s, 0, IPC_STAT, (union semun){ .buf = &ds }), 0);
    CHECK_EQ(ds.sem_nsems, 3);
    CHECK_EQ(ds.sem_perm.mode & 0777, 0600);
    ds.sem_perm.mode = 0640;
    CHECK_EQ(semctl(s, 0, IPC_SET, (union semun){ .buf = &ds }), 0);
    memset(&ds, 0, sizeof(ds));
    CHECK_EQ(semctl(s, 0, IPC_STAT, (union semun){ .buf = &ds }), 0);
    CHECK_EQ(ds.sem_perm.mode & 0777, 0640);
    CHECK_EQ(ds.sem_nsems, 3);
    CHECK(ds.sem_ctime >= ds.sem_otime);
    /* Semaphore 0 is 0: taking it again waits, and the timeout ends the wait. */
    struct sembuf take = { 0, -1, 0 };
    struct timespec ts = { 0, 50 * 1000 * 1000 };
    errno = 0;
    CHECK_EQ(semtimedop(s, &take, 1, &ts), -1);
    CHECK_EQ(errno, EAGAIN);
    CHECK_EQ(semctl(s, 0, IPC_RMID), 0);
}

static sigjmp_buf fault_jmp;

static void on_segv(int sig)
{
    (void)sig;
    siglongjmp(fault_jmp, 1);
}

static void test_shm(void)
{
    gc_group("shm");
    const size_t size = 10000;
    int id = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
    CHECK(id >= 0);
    char *a = shmat(id, NULL, 0);
    CHECK(a != (char *)-1);
    char *b = shmat(id, NULL, 0);
    CHECK(b != (char *)-1 && b != a);
    strcpy(a, "written through a");
    CHECK_STR(b, "written through a");
    a[size - 1] = 'z';
    CHECK_EQ(b[size - 1], 'z');
    struct shmid_ds ds;
    CHECK_EQ(shmctl(id, IPC_STAT, &ds), 0);
    CHECK_EQ(ds.shm_segsz, size);
    CHECK_EQ(ds.shm_nattch, 2);
    CHECK_EQ(ds.shm_cpid, getpid());

    /* A forked child writes through its inherited attachment, then a fresh one. */
    pid_t pid = fork();
    if (pid == 0) {
        strcpy(b + 100, "child");
        char *c = shmat(id, NULL, 0);
        if (c == (char *)-1) {
            _exit(2);
        }
        c[200] = 'C';
        _exit(shmdt(c) == 0 ? 0 : 3);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_STR(a + 100, "child");
    CHECK_EQ(a[200], 'C');

    /* At a chosen address: a hole found by detaching b. */
    CHECK_EQ(shmdt(b), 0);
    char *c = shmat(id, b, 0);
    CHECK(c == b);
    CHECK_STR(c, "written through a");
    CHECK_EQ(shmdt(c), 0);
    errno = 0;
    CHECK_EQ(shmdt(c), -1);
    CHECK_EQ(errno, EINVAL);

    /* Read-only: reads see the data, a store faults. */
    char *ro = shmat(id, NULL, SHM_RDONLY);
    CHECK(ro != (char *)-1);
    CHECK_STR(ro, "written through a");
    signal(SIGSEGV, on_segv);
    volatile int faulted = 0;
    if (sigsetjmp(fault_jmp, 1) == 0) {
        ro[0] = 'X';
    } else {
        faulted = 1;
    }
    signal(SIGSEGV, SIG_DFL);
    CHECK_EQ(faulted, 1);
    CHECK_EQ(a[0], 'w');
    CHECK_EQ(shmctl(id, IPC_STAT, &ds), 0);
    CHECK_EQ(ds.shm_nattch, 2);
    CHECK_EQ(shmdt(ro), 0);
    CHECK_EQ(shmctl(id, IPC_RMID, NULL), 0);
    /* Marked for removal, the segment lives until the last detach. */
    a[1] = 'W';
    CHECK_EQ(a[1], 'W');
    CHECK_EQ(shmdt(a), 0);
}

int main(void)
{
    test_msg();
    test_sem();
    test_shm();
    return gc_finish();
}
