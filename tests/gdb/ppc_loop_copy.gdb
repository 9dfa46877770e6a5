# A breakpoint on a loop path before the block that runs the loop (odd_step; the block
# starts at the loop's entry and may hold a copy of it), set after 200 calls compiled
# that block: it stops there with x = 27, the first odd value.
# build: static ppc_loop_copy.c
# status: 0
# stdout: ^total=22311$
set pagination off
set confirm off
target remote @TARGET@
break warm_done
continue
# expect: Breakpoint 1, .*warm_done
break odd_step
continue
# expect: Breakpoint 2, 0x[0-9a-f]+ in collatz_mid
print $r9
# expect: ^\$1 = 27$
continue
# expect: Breakpoint 2, 0x[0-9a-f]+ in collatz_mid
print $r9
# expect: ^\$2 = 41$
delete
continue
# expect: \[Inferior 1 \(Remote target\) exited normally\]
