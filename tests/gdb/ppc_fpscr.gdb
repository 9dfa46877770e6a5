# ppc32: FPSCR read by gdb right after an inline FP add shows its FPRF (+normal), and a
# write from gdb replaces it: the program then reads 0 with mffs.
# build: static ppc_fpscr.c
# qemu: compare
# status: 0
# stdout: ^fpscr=00000000$
set pagination off
set confirm off
target remote @TARGET@
break after_add
continue
# expect: Breakpoint 1, .*after_add
printf "%08x\n", $fpscr
# expect: ^00004000$
set $fpscr = 0
printf "%08x\n", $fpscr
# expect: ^00000000$
delete
continue
# expect: exited normally
