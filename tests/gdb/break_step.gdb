# Breakpoint, backtrace, finish, next, step and locals in a static program; then detach
# and the program runs to its normal end.  Values are the program's own arithmetic:
# square(0) = 0, square(1) = 1.
# build: static count.c
# qemu: compare
# status: 0
# stdout: ^total=30 counter=5$
set pagination off
set confirm off
target remote @TARGET@
break square
continue
# expect: Breakpoint 1, square \(x=0\) at .*count\.c:8
bt
# expect: ^#0  square \(x=0\) at .*count\.c:8
# expect: ^#1  0x[0-9a-f]+ in main \(argc=1, argv=0x[0-9a-f]+\) at .*count\.c:15
finish
# expect: Value returned is \$1 = 0
next
# expect: ^16\s+counter\+\+;
info locals
# expect: ^i = 0$
# expect: ^total = 0$
delete
next
next
# expect: ^15\s+total \+= square\(i\);
step
# expect: ^square \(x=1\) at .*count\.c:8
next
# expect: ^9\s+return r;
print r
# expect: ^\$2 = 1$
detach
# expect: \[Inferior 1 \(Remote target\) detached\]
