/*
 * fault_probe_load(addr, seed) / fault_probe_store(addr, seed): compute t0-t2 and a2-a4
 * from seed (not constants, so a translator cannot just store known values) in the same
 * block as a load or store from addr, which faults.  The SIGSEGV handler in
 * fault_state.c checks that the context it gets holds exactly these values: registers
 * written just before a faulting access must reach the handler (mimic's JIT keeps them
 * in host registers across memory accesses and stores them only when a fault happens).
 */
    .text
    .option norvc               /* 4-byte accesses: the handler skips them by adding 4 */
    .globl fault_probe_load
    .type fault_probe_load, @function
fault_probe_load:
    addi t0, a1, 0x111          /* seed + 0x111 */
    xori t1, a1, 0x222          /* seed ^ 0x222 */
    slli a2, t1, 4
    addi t2, a1, -7
    xor a3, t0, a2
    .globl fault_load_insn
fault_load_insn:
    ld a4, 0(a0)
    ret
    .size fault_probe_load, . - fault_probe_load

    .globl fault_probe_store
    .type fault_probe_store, @function
fault_probe_store:
    addi t0, a1, 0x151
    xori t1, a1, 0x262
    slli a2, t1, 8
    addi t2, a1, -9
    xor a3, t0, a2
    addi a4, a1, 0x77
    .globl fault_store_insn
fault_store_insn:
    sw a4, 8(a0)
    ret
    .size fault_probe_store, . - fault_probe_store

/*
 * fault_probe_disp(base, seed): an access at a negative displacement from its base.
 * mimic checks the base against the guest range and folds the displacement into the host
 * address, so base + disp outside the range must still fault (through the guards around
 * the range, or the cold path that rechecks the sum) and report base + disp.
 */
    .globl fault_probe_disp
    .type fault_probe_disp, @function
fault_probe_disp:
    addi t0, a1, 0x111
    .globl fault_disp_insn
fault_disp_insn:
    ld a4, -16(a0)
    ret
    .size fault_probe_disp, . - fault_probe_disp

/* disp_read(base): the doubleword at base - 16, through the same addressing form. */
    .globl disp_read
    .type disp_read, @function
disp_read:
    ld a0, -16(a0)
    ret
    .size disp_read, . - disp_read
