/*
 * hello_asm.S - the first guest program to bring up: no libc, no dynamic loader, raw Linux
 * syscalls only (write = 64, exit = 93). It sums 1..100 in a loop (backward branch), checks
 * the result is 5050, prints a line and exits with status 7 (42 if the sum was wrong).
 */
    .section .rodata
msg:
    .ascii "hello from riscv64 asm: sum 1..100 = 5050\n"
msg_end:

    .text
    .globl _start
_start:
    li      t0, 100
    li      t1, 0
1:  add     t1, t1, t0
    addi    t0, t0, -1
    bnez    t0, 1b
    li      t2, 5050
    li      a0, 42
    bne     t1, t2, 2f

    li      a0, 1                   /* fd = stdout */
    lla     a1, msg                 /* pc-relative, so the static-pie build needs no relocation */
    lla     a2, msg_end
    sub     a2, a2, a1
    mv      s1, a2
    li      a7, 64                  /* write */
    ecall
    mv      t3, a0
    li      a0, 7
    beq     t3, s1, 2f              /* a short or failed write is a failure too */
    li      a0, 43
2:  li      a7, 93                  /* exit */
    ecall
    ebreak
