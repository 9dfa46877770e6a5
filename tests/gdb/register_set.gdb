# A breakpoint on a function's first instruction (before its prologue saves a0), then
# a register write: square is called with 10 instead of 0, so the total becomes
# 100 + 1 + 4 + 9 + 16 = 130 and the program exits with 3.
# build: static count.c
# qemu: compare
# status: 3
# stdout: ^total=130 counter=5$
set pagination off
set confirm off
target remote @TARGET@
break *square
continue
# expect: Breakpoint 1, .*square
print $a0
# expect: ^\$1 = 0$
set $a0 = 10
print $a0
# expect: ^\$2 = 10$
delete
continue
# expect: exited with code 03
