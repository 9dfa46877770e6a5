/*
 * x86-64 instruction encoder (see x64_emit.h).  Every function appends one
 * instruction; none keeps state besides the buffer pointer.  Encodings: Intel SDM
 * vol. 2, chapter 2 (prefixes, REX, ModRM/SIB, VEX) and the per-instruction pages.
 */
#include "backend-x86_64/x64_emit.h"

#include <glib.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void x64_u16(X64Buf *b, uint16_t v)
{
    x64_byte(b, (uint8_t)v);
    x64_byte(b, (uint8_t)(v >> 8));
}

void x64_u32(X64Buf *b, uint32_t v)
{
    if (b->p + 4 <= b->end) {
        memcpy(b->p, &v, 4);
        b->p += 4;
    } else {
        b->overflow = true;
        b->p = b->end;
    }
}

void x64_u64(X64Buf *b, uint64_t v)
{
    x64_u32(b, (uint32_t)v);
    x64_u32(b, (uint32_t)(v >> 32));
}

/* --- Generic ModRM encoders --- */

static void enc_prefix(X64Buf *b, unsigned pfx, unsigned sz, unsigned rex)
{
    if (pfx & X64_P_LOCK) {
        x64_byte(b, 0xf0);
    }
    if (sz == 2 || (pfx & X64_P_66)) {
        x64_byte(b, 0x66);
    }
    if (pfx & X64_P_F2) {
        x64_byte(b, 0xf2);
    }
    if (pfx & X64_P_F3) {
        x64_byte(b, 0xf3);
    }
    if (sz == 8) {
        rex |= 0x48;
    }
    if (rex) {
        x64_byte(b, (uint8_t)(rex | 0x40));
    }
}

static void enc_opcode(X64Buf *b, uint32_t opc, unsigned nopc)
{
    for (int i = (int)nopc - 1; i >= 0; i--) {
        x64_byte(b, (uint8_t)(opc >> (8 * i)));
    }
}

void x64_enc_rr(X64Buf *b, unsigned pfx, unsigned sz, uint32_t opc, unsigned nopc, int reg, int rm)
{
    unsigned rex = 0;
    if (reg & 8) {
        rex |= 0x44;
    }
    if (rm & 8) {
        rex |= 0x41;
    }
    /* Byte registers 4..7 mean SPL..DIL only with a REX prefix (else AH..BH). */
    if (sz == 1 && (reg >= 4 || rm >= 4)) {
        rex |= 0x40;
    }
    if ((pfx & X64_P_RM8) && rm >= 4) {
        rex |= 0x40;
    }
    enc_prefix(b, pfx, sz, rex);
    enc_opcode(b, opc, nopc);
    x64_byte(b, (uint8_t)(0xc0 | ((reg & 7) << 3) | (rm & 7)));
}

void x64_enc_rm(X64Buf *b, unsigned pfx, unsigned sz, uint32_t opc, unsigned nopc, int reg, X64Mem m)
{
    unsigned rex = 0;
    g_assert(m.base >= 0 && m.index != X64_RSP);
    if (reg & 8) {
        rex |= 0x44;
    }
    if (m.base & 8) {
        rex |= 0x41;
    }
    if (m.index >= 0 && (m.index & 8)) {
        rex |= 0x42;
    }
    if (sz == 1 && reg >= 4) {
        rex |= 0x40;
    }
    enc_prefix(b, pfx, sz, rex);
    enc_opcode(b, opc, nopc);

    unsigned mod;
    if (m.disp == 0 && (m.base & 7) != 5) {
        mod = 0;            /* rbp/r13 as base need an explicit displacement */
    } else if (x64_fits_i8(m.disp)) {
        mod = 1;
    } else {
        mod = 2;
    }
    if (m.index < 0 && (m.base & 7) != 4) {
        x64_byte(b, (uint8_t)((mod << 6) | ((reg & 7) << 3) | (m.base & 7)));
    } else {
        /* rsp/r12 as base, or any index: SIB byte (index 100 = none). */
        unsigned idx = m.index < 0 ? 4 : (unsigned)(m.index & 7);
        x64_byte(b, (uint8_t)((mod << 6) | ((reg & 7) << 3) | 4));
        x64_byte(b, (uint8_t)((m.scale << 6) | (idx << 3) | (m.base & 7)));
    }
    if (mod == 1) {
        x64_byte(b, (uint8_t)m.disp);
    } else if (mod == 2) {
        x64_u32(b, (uint32_t)m.disp);
    }
}

static void imm_sz(X64Buf *b, unsigned sz, int32_t imm)
{
    if (sz == 1) {
        x64_byte(b, (uint8_t)imm);
    } else if (sz == 2) {
        x64_u16(b, (uint16_t)imm);
    } else {
        x64_u32(b, (uint32_t)imm);
    }
}

/* --- Moves --- */

void x64_mov_rr(X64Buf *b, unsigned sz, X64Reg dst, X64Reg src)
{
    x64_enc_rr(b, 0, sz, sz == 1 ? 0x88 : 0x89, 1, src, dst);
}

void x64_mov_ri(X64Buf *b, unsigned sz, X64Reg dst, uint64_t imm)
{
    if (sz == 8 && imm > 0xffffffffu) {
        if (x64_fits_i32((int64_t)imm)) {
            x64_enc_rr(b, 0, 8, 0xc7, 1, 0, dst);
            x64_u32(b, (uint32_t)imm);
        } else {
            x64_byte(b, (uint8_t)(0x48 | ((dst & 8) ? 1 : 0)));
            x64_byte(b, (uint8_t)(0xb8 + (dst & 7)));
            x64_u64(b, imm);
        }
        return;
    }
    if (sz == 1 || sz == 2) {
        /* Only used for partial registers in tests; movzx semantics are not implied. */
        unsigned rex = (dst & 8) ? 0x41 : 0;
        if (sz == 1 && dst >= 4) {
            rex |= 0x40;
        }
        enc_prefix(b, 0, sz, rex);
        x64_byte(b, (uint8_t)((sz == 1 ? 0xb0 : 0xb8) + (dst & 7)));
        imm_sz(b, sz, (int32_t)imm);
        return;
    }
    /* mov r32, imm32 zero-extends: covers every value below 2^32 for sz 8 too. */
    if (dst & 8) {
        x64_byte(b, 0x41);
    }
    x64_byte(b, (uint8_t)(0xb8 + (dst & 7)));
    x64_u32(b, (uint32_t)imm);
}

void x64_zero(X64Buf *b, X64Reg dst)
{
    x64_alu_rr(b, X64_XOR, 4, dst, dst);
}

void x64_mov_rm(X64Buf *b, unsigned sz, X64Reg dst, X64Mem m)
{
    x64_enc_rm(b, 0, sz, sz == 1 ? 0x8a : 0x8b, 1, dst, m);
}

void x64_mov_mr(X64Buf *b, unsigned sz, X64Mem m, X64Reg src)
{
    x64_enc_rm(b, 0, sz, sz == 1 ? 0x88 : 0x89, 1, src, m);
}

void x64_mov_mi(X64Buf *b, unsigned sz, X64Mem m, int32_t imm)
{
    x64_enc_rm(b, 0, sz, sz == 1 ? 0xc6 : 0xc7, 1, 0, m);
    imm_sz(b, sz, imm);
}

void x64_movzx_rr(X64Buf *b, X64Reg dst, X64Reg src, unsigned ssz)
{
    g_assert(ssz == 1 || ssz == 2);
    x64_enc_rr(b, ssz == 1 ? X64_P_RM8 : 0, 4, ssz == 1 ? 0x0fb6 : 0x0fb7, 2, dst, src);
}

void x64_movzx_rm(X64Buf *b, X64Reg dst, X64Mem m, unsigned ssz)
{
    g_assert(ssz == 1 || ssz == 2);
    x64_enc_rm(b, 0, 4, ssz == 1 ? 0x0fb6 : 0x0fb7, 2, dst, m);
}

void x64_movsx_rr(X64Buf *b, unsigned dsz, X64Reg dst, X64Reg src, unsigned ssz)
{
    if (ssz == 4) {
        g_assert(dsz == 8);
        x64_enc_rr(b, 0, 8, 0x63, 1, dst, src);
        return;
    }
    x64_enc_rr(b, ssz == 1 ? X64_P_RM8 : 0, dsz, ssz == 1 ? 0x0fbe : 0x0fbf, 2, dst, src);
}

void x64_movsx_rm(X64Buf *b, unsigned dsz, X64Reg dst, X64Mem m, unsigned ssz)
{
    if (ssz == 4) {
        g_assert(dsz == 8);
        x64_enc_rm(b, 0, 8, 0x63, 1, dst, m);
        return;
    }
    x64_enc_rm(b, 0, dsz, ssz == 1 ? 0x0fbe : 0x0fbf, 2, dst, m);
}

void x64_lea(X64Buf *b, unsigned sz, X64Reg dst, X64Mem m)
{
    x64_enc_rm(b, 0, sz, 0x8d, 1, dst, m);
}

void x64_movbe_rm(X64Buf *b, unsigned sz, X64Reg dst, X64Mem m)
{
    x64_enc_rm(b, 0, sz, 0x0f38f0, 3, dst, m);
}

void x64_movbe_mr(X64Buf *b, unsigned sz, X64Mem m, X64Reg src)
{
    x64_enc_rm(b, 0, sz, 0x0f38f1, 3, src, m);
}

void x64_xchg_mr(X64Buf *b, unsigned sz, X64Mem m, X64Reg r)
{
    x64_enc_rm(b, 0, sz, sz == 1 ? 0x86 : 0x87, 1, r, m);
}

/* --- Arithmetic --- */

void x64_alu_rr(X64Buf *b, X64Alu op, unsigned sz, X64Reg dst, X64Reg src)
{
    x64_enc_rr(b, 0, sz, (uint32_t)op * 8 + (sz == 1 ? 0 : 1), 1, src, dst);
}

void x64_alu_ri(X64Buf *b, X64Alu op, unsigned sz, X64Reg dst, int32_t imm)
{
    if (sz == 1) {
        x64_enc_rr(b, 0, 1, 0x80, 1, op, dst);
        x64_byte(b, (uint8_t)imm);
    } else if (x64_fits_i8(imm)) {
        x64_enc_rr(b, 0, sz, 0x83, 1, op, dst);
        x64_byte(b, (uint8_t)imm);
    } else {
        x64_enc_rr(b, 0, sz, 0x81, 1, op, dst);
        imm_sz(b, sz, imm);
    }
}

void x64_alu_rm(X64Buf *b, X64Alu op, unsigned sz, X64Reg dst, X64Mem m)
{
    x64_enc_rm(b, 0, sz, (uint32_t)op * 8 + (sz == 1 ? 2 : 3), 1, dst, m);
}

void x64_alu_mr(X64Buf *b, X64Alu op, unsigned sz, X64Mem m, X64Reg src)
{
    x64_enc_rm(b, 0, sz, (uint32_t)op * 8 + (sz == 1 ? 0 : 1), 1, src, m);
}

void x64_alu_mi(X64Buf *b, X64Alu op, unsigned sz, X64Mem m, int32_t imm)
{
    if (sz == 1) {
        x64_enc_rm(b, 0, 1, 0x80, 1, op, m);
        x64_byte(b, (uint8_t)imm);
    } else if (x64_fits_i8(imm)) {
        x64_enc_rm(b, 0, sz, 0x83, 1, op, m);
        x64_byte(b, (uint8_t)imm);
    } else {
        x64_enc_rm(b, 0, sz, 0x81, 1, op, m);
        imm_sz(b, sz, imm);
    }
}

void x64_test_rr(X64Buf *b, unsigned sz, X64Reg a, X64Reg c)
{
    x64_enc_rr(b, 0, sz, sz == 1 ? 0x84 : 0x85, 1, c, a);
}

void x64_test_ri(X64Buf *b, unsigned sz, X64Reg a, int32_t imm)
{
    x64_enc_rr(b, 0, sz, sz == 1 ? 0xf6 : 0xf7, 1, 0, a);
    imm_sz(b, sz, imm);
}

void x64_imul_rr(X64Buf *b, unsigned sz, X64Reg dst, X64Reg src)
{
    x64_enc_rr(b, 0, sz, 0x0faf, 2, dst, src);
}

void x64_imul_rri(X64Buf *b, unsigned sz, X64Reg dst, X64Reg src, int32_t imm)
{
    if (x64_fits_i8(imm)) {
        x64_enc_rr(b, 0, sz, 0x6b, 1, dst, src);
        x64_byte(b, (uint8_t)imm);
    } else {
        x64_enc_rr(b, 0, sz, 0x69, 1, dst, src);
        imm_sz(b, sz, imm);
    }
}

void x64_grp3(X64Buf *b, X64Grp3 op, unsigned sz, X64Reg r)
{
    x64_enc_rr(b, 0, sz, sz == 1 ? 0xf6 : 0xf7, 1, op, r);
}

void x64_shift_ri(X64Buf *b, X64Shift op, unsigned sz, X64Reg r, uint8_t imm)
{
    x64_enc_rr(b, 0, sz, sz == 1 ? 0xc0 : 0xc1, 1, op, r);
    x64_byte(b, imm);
}

void x64_shift_cl(X64Buf *b, X64Shift op, unsigned sz, X64Reg r)
{
    x64_enc_rr(b, 0, sz, sz == 1 ? 0xd2 : 0xd3, 1, op, r);
}

void x64_shiftx(X64Buf *b, X64ShiftX op, unsigned sz, X64Reg dst, X64Reg src, X64Reg cnt)
{
    static const uint8_t pp[] = { [X64_SHLX] = 1, [X64_SHRX] = 3, [X64_SARX] = 2 };
    /* VEX.LZ.{66,F2,F3}.0F38.W{0,1} F7 /r: reg = dst, r/m = src, vvvv = count. */
    x64_byte(b, 0xc4);
    x64_byte(b, (uint8_t)(((dst & 8) ? 0 : 0x80) | 0x40 | ((src & 8) ? 0 : 0x20) | 0x02));
    x64_byte(b, (uint8_t)((sz == 8 ? 0x80 : 0) | ((~cnt & 15) << 3) | pp[op]));
    x64_byte(b, 0xf7);
    x64_byte(b, (uint8_t)(0xc0 | ((dst & 7) << 3) | (src & 7)));
}

void x64_rorx(X64Buf *b, unsigned sz, X64Reg dst, X64Reg src, uint8_t imm)
{
    /* VEX.LZ.F2.0F3A.W{0,1} F0 /r ib: reg = dst, r/m = src (vvvv unused: 1111). */
    x64_byte(b, 0xc4);
    x64_byte(b, (uint8_t)(((dst & 8) ? 0 : 0x80) | 0x40 | ((src & 8) ? 0 : 0x20) | 0x03));
    x64_byte(b, (uint8_t)((sz == 8 ? 0x80 : 0) | 0x78 | 3));
    x64_byte(b, 0xf0);
    x64_byte(b, (uint8_t)(0xc0 | ((dst & 7) << 3) | (src & 7)));
    x64_byte(b, imm);
}

void x64_bswap(X64Buf *b, unsigned sz, X64Reg r)
{
    g_assert(sz == 4 || sz == 8);
    unsigned rex = (sz == 8 ? 0x48 : 0) | ((r & 8) ? 0x41 : 0);
    if (rex) {
        x64_byte(b, (uint8_t)rex);
    }
    x64_byte(b, 0x0f);
    x64_byte(b, (uint8_t)(0xc8 + (r & 7)));
}

void x64_cqo(X64Buf *b, unsigned sz)
{
    if (sz == 8) {
        x64_byte(b, 0x48);
    }
    x64_byte(b, 0x99);
}

void x64_lzcnt(X64Buf *b, unsigned sz, X64Reg dst, X64Reg src)
{
    x64_enc_rr(b, X64_P_F3, sz, 0x0fbd, 2, dst, src);
}

void x64_tzcnt(X64Buf *b, unsigned sz, X64Reg dst, X64Reg src)
{
    x64_enc_rr(b, X64_P_F3, sz, 0x0fbc, 2, dst, src);
}

void x64_popcnt(X64Buf *b, unsigned sz, X64Reg dst, X64Reg src)
{
    x64_enc_rr(b, X64_P_F3, sz, 0x0fb8, 2, dst, src);
}

void x64_movq_xr(X64Buf *b, unsigned sz, int xmm, X64Reg src)
{
    g_assert(sz == 4 || sz == 8);
    x64_enc_rr(b, X64_P_66, sz, 0x0f6e, 2, xmm, src);
}

void x64_movq_rx(X64Buf *b, unsigned sz, X64Reg dst, int xmm)
{
    g_assert(sz == 4 || sz == 8);
    x64_enc_rr(b, X64_P_66, sz, 0x0f7e, 2, xmm, dst);
}

void x64_movaps_xx(X64Buf *b, int dst, int src)
{
    x64_enc_rr(b, 0, 4, 0x0f28, 2, dst, src);
}

void x64_sign_mask_x(X64Buf *b, int xmm)
{
    /* pcmpeqd xmm, xmm (all ones, no dependency on the old value); psllq xmm, 63 (66 0F 73 /6 ib) */
    x64_enc_rr(b, X64_P_66, 4, 0x0f76, 2, xmm, xmm);
    x64_enc_rr(b, X64_P_66, 4, 0x0f73, 2, 6, xmm);
    x64_byte(b, 63);
}

void x64_xorpd_xx(X64Buf *b, int dst, int src)
{
    x64_enc_rr(b, X64_P_66, 4, 0x0f57, 2, dst, src);
}

void x64_vxorpd_xxx(X64Buf *b, int dst, int src1, int src2)
{
    /* VEX.128.66.0F.WIG 57 /r: reg = dst, vvvv = src1, r/m = src2. */
    x64_byte(b, 0xc4);
    x64_byte(b, (uint8_t)(((dst & 8) ? 0 : 0x80) | 0x40 | ((src2 & 8) ? 0 : 0x20) | 0x01));
    x64_byte(b, (uint8_t)(((~src1 & 15) << 3) | 0x01));
    x64_byte(b, 0x57);
    x64_byte(b, (uint8_t)(0xc0 | ((dst & 7) << 3) | (src2 & 7)));
}

void x64_sse_rr(X64Buf *b, X64SseOp op, unsigned sz, int dst, int src)
{
    g_assert(sz == 4 || sz == 8);
    /* The F3/F2 prefix selects single/double; no REX.W (sz 4 to enc_rr). */
    x64_enc_rr(b, sz == 8 ? X64_P_F2 : X64_P_F3, 4, 0x0f00 | op, 2, dst, src);
}

void x64_vsse_rrr(X64Buf *b, X64SseOp op, unsigned sz, int dst, int src1, int src2)
{
    g_assert(sz == 4 || sz == 8);
    /* VEX.LIG.{F3,F2}.0F.WIG op /r: reg = dst, vvvv = src1, r/m = src2. */
    x64_byte(b, 0xc4);
    x64_byte(b, (uint8_t)(((dst & 8) ? 0 : 0x80) | 0x40 | ((src2 & 8) ? 0 : 0x20) | 0x01));
    x64_byte(b, (uint8_t)(((~src1 & 15) << 3) | (sz == 8 ? 0x03 : 0x02)));
    x64_byte(b, (uint8_t)op);
    x64_byte(b, (uint8_t)(0xc0 | ((dst & 7) << 3) | (src2 & 7)));
}

void x64_comis(X64Buf *b, unsigned sz, bool signaling, int a, int src)
{
    g_assert(sz == 4 || sz == 8);
    /* {66,NP} 0F 2E (ucomis) / 2F (comis) /r: reg = a, r/m = src. */
    x64_enc_rr(b, sz == 8 ? X64_P_66 : 0, 4, signaling ? 0x0f2f : 0x0f2e, 2, a, src);
}

void x64_pushfq(X64Buf *b)
{
    x64_byte(b, 0x9c);
}

void x64_vfmadd213(X64Buf *b, unsigned sz, int dst, int src2, int src3)
{
    g_assert(sz == 4 || sz == 8);
    /* VEX.LIG.66.0F38.W{0,1} A9 /r: reg = dst, vvvv = src2, r/m = src3. */
    x64_byte(b, 0xc4);
    x64_byte(b, (uint8_t)(((dst & 8) ? 0 : 0x80) | 0x40 | ((src3 & 8) ? 0 : 0x20) | 0x02));
    x64_byte(b, (uint8_t)((sz == 8 ? 0x80 : 0) | ((~src2 & 15) << 3) | 0x01));
    x64_byte(b, 0xa9);
    x64_byte(b, (uint8_t)(0xc0 | ((dst & 7) << 3) | (src3 & 7)));
}

void x64_bsr(X64Buf *b, unsigned sz, X64Reg dst, X64Reg src)
{
    x64_enc_rr(b, 0, sz, 0x0fbd, 2, dst, src);
}

void x64_bsf(X64Buf *b, unsigned sz, X64Reg dst, X64Reg src)
{
    x64_enc_rr(b, 0, sz, 0x0fbc, 2, dst, src);
}

void x64_setcc(X64Buf *b, X64Cond cc, X64Reg r)
{
    x64_enc_rr(b, X64_P_RM8, 4, 0x0f90 + cc, 2, 0, r);
}

void x64_cmov(X64Buf *b, X64Cond cc, unsigned sz, X64Reg dst, X64Reg src)
{
    x64_enc_rr(b, 0, sz, 0x0f40 + cc, 2, dst, src);
}

/* --- Atomics --- */

void x64_lock_xadd_mr(X64Buf *b, unsigned sz, X64Mem m, X64Reg r)
{
    x64_enc_rm(b, X64_P_LOCK, sz, sz == 1 ? 0x0fc0 : 0x0fc1, 2, r, m);
}

void x64_lock_cmpxchg_mr(X64Buf *b, unsigned sz, X64Mem m, X64Reg r)
{
    x64_enc_rm(b, X64_P_LOCK, sz, sz == 1 ? 0x0fb0 : 0x0fb1, 2, r, m);
}

void x64_mfence(X64Buf *b)
{
    x64_byte(b, 0x0f);
    x64_byte(b, 0xae);
    x64_byte(b, 0xf0);
}

/* --- Control flow --- */

uint32_t x64_jmp_rel32(X64Buf *b)
{
    x64_byte(b, 0xe9);
    uint32_t at = x64_offset(b);
    x64_u32(b, 0);
    return at;
}

uint32_t x64_jcc_rel32(X64Buf *b, X64Cond cc)
{
    x64_byte(b, 0x0f);
    x64_byte(b, (uint8_t)(0x80 + cc));
    uint32_t at = x64_offset(b);
    x64_u32(b, 0);
    return at;
}

uint32_t x64_jmp_rel8(X64Buf *b)
{
    x64_byte(b, 0xeb);
    uint32_t at = x64_offset(b);
    x64_byte(b, 0);
    return at;
}

uint32_t x64_jcc_rel8(X64Buf *b, X64Cond cc)
{
    x64_byte(b, (uint8_t)(0x70 + cc));
    uint32_t at = x64_offset(b);
    x64_byte(b, 0);
    return at;
}

void x64_set_rel32(uint8_t *disp, const uint8_t *target)
{
    int64_t rel = target - (disp + 4);
    g_assert(x64_fits_i32(rel));
    int32_t r32 = (int32_t)rel;
    memcpy(disp, &r32, 4);
}

void x64_jmp_to(X64Buf *b, const uint8_t *target)
{
    uint32_t at = x64_jmp_rel32(b);
    if (!b->overflow) {
        x64_set_rel32(b->start + at, target);
    }
}

void x64_jcc_to(X64Buf *b, X64Cond cc, const uint8_t *target)
{
    uint32_t at = x64_jcc_rel32(b, cc);
    if (!b->overflow) {
        x64_set_rel32(b->start + at, target);
    }
}

void x64_jmp_r(X64Buf *b, X64Reg r)
{
    x64_enc_rr(b, 0, 4, 0xff, 1, 4, r);
}

void x64_jmp_m(X64Buf *b, X64Mem m)
{
    x64_enc_rm(b, 0, 4, 0xff, 1, 4, m);
}

void x64_call_r(X64Buf *b, X64Reg r)
{
    x64_enc_rr(b, 0, 4, 0xff, 1, 2, r);
}

void x64_call_abs(X64Buf *b, const void *fn, X64Reg scratch)
{
    int64_t rel = (const uint8_t *)fn - (b->p + 5);
    if (x64_fits_i32(rel)) {
        x64_byte(b, 0xe8);
        x64_u32(b, (uint32_t)(int32_t)rel);
    } else {
        x64_mov_ri(b, 8, scratch, (uint64_t)(uintptr_t)fn);
        x64_call_r(b, scratch);
    }
}

void x64_ret(X64Buf *b)
{
    x64_byte(b, 0xc3);
}

void x64_push(X64Buf *b, X64Reg r)
{
    if (r & 8) {
        x64_byte(b, 0x41);
    }
    x64_byte(b, (uint8_t)(0x50 + (r & 7)));
}

void x64_pop(X64Buf *b, X64Reg r)
{
    if (r & 8) {
        x64_byte(b, 0x41);
    }
    x64_byte(b, (uint8_t)(0x58 + (r & 7)));
}

void x64_nop(X64Buf *b, unsigned n)
{
    /* The multi-byte NOP forms recommended by the SDM (NOP 0F 1F /0). */
    static const uint8_t nops[9][9] = {
        { 0 },
        { 0x90 },
        { 0x66, 0x90 },
        { 0x0f, 0x1f, 0x00 },
        { 0x0f, 0x1f, 0x40, 0x00 },
        { 0x0f, 0x1f, 0x44, 0x00, 0x00 },
        { 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
        { 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
        { 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
    };
    while (n > 0) {
        unsigned k = n > 8 ? 8 : n;
        for (unsigned i = 0; i < k; i++) {
            x64_byte(b, nops[k][i]);
        }
        n -= k;
    }
}

void x64_prefix_pad(X64Buf *b, unsigned n)
{
    g_assert(n <= 3);
    for (unsigned i = 0; i < n; i++) {
        x64_byte(b, 0x3e);
    }
}

void x64_patch_rel32(X64Buf *b, uint32_t at, uint32_t target)
{
    if (b->overflow) {
        return;
    }
    int32_t rel = (int32_t)target - (int32_t)(at + 4);
    memcpy(b->start + at, &rel, 4);
}

void x64_patch_rel8(X64Buf *b, uint32_t at, uint32_t target)
{
    if (b->overflow) {
        return;
    }
    int32_t rel = (int32_t)target - (int32_t)(at + 1);
    g_assert(x64_fits_i8(rel));
    b->start[at] = (uint8_t)rel;
}
