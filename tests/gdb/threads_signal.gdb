# Threads: a breakpoint in a worker thread, the thread list, switching threads; then a
# signal stops in gdb before the program sees it, and `signal 0` discards it, so the
# handler never runs (hits=0); gdb reads the signal's siginfo (SIGUSR1 = 10).
# Worker sums: sum(i * id, i < 1000) = 499500 * id.
# build: dynamic threads.c
# status: 0
# stdout: ^worker 0: 499500$
# stdout: ^worker 1: 999000$
# stdout: ^hits=0$
set pagination off
set confirm off
target remote @TARGET@
break worker
continue
# expect: hit Breakpoint 1, worker \(arg=0x[12]\) at .*threads\.c:15
print (long)arg
# expect: ^\$1 = [12]$
info threads
# expect: ^\s+1\s+Thread \d+
# expect: ^\*\s+[23]\s+Thread \d+ .*worker
thread 1
# expect: Switching to thread 1
delete
catch signal SIGUSR1
continue
# expect: Catchpoint 2 \(signal SIGUSR1\)
print $_siginfo.si_signo
# expect: ^\$2 = 10$
signal 0
# expect: exited normally
