# System mode: attach at reset of the virt board (-S), step through the reset ROM at
# 0x1000 into the program, read CSRs and the privilege level, stop in a function (a
# hardware breakpoint, Z1), watch a global by its virtual address (first write: 0 -> 1),
# then detach and let the board power off with the program's own status.
# build: virt virt_count.c
# status: 0
set pagination off
set confirm off
target remote @TARGET@
print/x $pc
# expect: ^\$1 = 0x1000$
x/2i $pc
# expect: 0x1000:\s+auipc\s+t0,0x0
stepi
print/x $pc
# expect: ^\$2 = 0x1004$
stepi 5
# expect: _start \(\) at .*virt_start\.S
info threads
# expect: \* 1\s+Thread 1 \(hart 0\)
print $priv
# expect: ^\$3 = 3$
print/x $mstatus
# expect: ^\$4 = 0x[0-9a-f]+$
hbreak step
continue
# expect: Breakpoint 1, step \(x=1\) at .*virt_count\.c
finish
# expect: Value returned is \$\d+ = 4
delete
watch counter
continue
# expect: ^Old value = 0$
# expect: ^New value = 1$
delete
detach
# expect: \[Inferior 1 \(Remote target\) detached\]
