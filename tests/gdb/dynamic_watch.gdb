# A dynamic program: gdb finds ld.so and libc through the stub (vFile, auxv), a
# watchpoint on a global reports each write with old and new values, and writing the
# global changes what the program prints (counter ends at 100 + 3 instead of 5).
# build: dynamic count.c
# status: 0
# stdout: ^total=30 counter=103$
set pagination off
set confirm off
target remote @TARGET@
break main
continue
# expect: Breakpoint 1, main \(argc=1, argv=0x[0-9a-f]+\) at .*count\.c:13
info sharedlibrary
# expect: 0x[0-9a-f]+\s+0x[0-9a-f]+\s+Yes.*target:/lib[0-9a-z_/-]*/ld[-.a-z0-9_]*\.so\.\d
# expect: 0x[0-9a-f]+\s+0x[0-9a-f]+\s+Yes.*target:/lib[0-9a-z_/-]*/libc\.so\.6
watch counter
# expect: Hardware watchpoint 2: counter
continue
# expect: ^Old value = 0$
# expect: ^New value = 1$
continue
# expect: ^Old value = 1$
# expect: ^New value = 2$
delete
set var counter = 100
continue
# expect: exited normally
