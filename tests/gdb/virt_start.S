/* Entry of the bare-metal gdb test program on the virt board (M mode, -bios none). */
    .section .text.init
    .globl _start
_start:
    la sp, stack_top
    call main
1:  j 1b

    .bss
    .align 4
    .space 4096
stack_top:
