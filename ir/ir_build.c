/*
 * The builder: one small function per IR operation, used by frontends.  Each
 * appends one instruction (two when --trace=mem adds a trace call) and returns
 * the result temp.  Types are taken from the operands so frontends cannot mix
 * widths by accident; ir_verify() checks the rest.
 */
#include "ir/ir.h"

static IrTemp emit_out(IrBlock *blk, IrOpcode op, IrType type, unsigned nin, const IrTemp *in,
                       int64_t imm0, int64_t imm1)
{
    IrTemp out = ir_temp_new(blk, type);
    IrInsn *insn = ir_emit(blk, op, type, out, nin, in);

    insn->imm[0] = imm0;
    insn->imm[1] = imm1;
    return out;
}

IrTemp ir_const(IrBlock *blk, IrType type, uint64_t value)
{
    return emit_out(blk, IR_OP_CONST, type, 0, NULL, (int64_t)ir_truncate(type, value), 0);
}

IrTemp ir_mov(IrBlock *blk, IrTemp a)
{
    return emit_out(blk, IR_OP_MOV, ir_temp_type(blk, a), 1, &a, 0, 0);
}

void ir_mov_to(IrBlock *blk, IrTemp dst, IrTemp a)
{
    g_assert(ir_temp_type(blk, dst) == ir_temp_type(blk, a));
    ir_emit(blk, IR_OP_MOV, ir_temp_type(blk, a), dst, 1, &a);
}

IrTemp ir_get(IrBlock *blk, IrType type, uint32_t offset)
{
    return emit_out(blk, IR_OP_GET, type, 0, NULL, offset, 0);
}

void ir_set(IrBlock *blk, uint32_t offset, IrTemp v)
{
    ir_emit(blk, IR_OP_SET, ir_temp_type(blk, v), IR_TEMP_NONE, 1, &v)->imm[0] = offset;
}

IrTemp ir_binop(IrBlock *blk, IrOpcode op, IrTemp a, IrTemp b)
{
    IrTemp in[2] = { a, b };

    g_assert(ir_op_info[op].nin == 2 && ir_op_info[op].nout == 1);
    return emit_out(blk, op, ir_temp_type(blk, a), 2, in, 0, 0);
}

IrTemp ir_unop(IrBlock *blk, IrOpcode op, IrTemp a)
{
    g_assert(ir_op_info[op].nin == 1 && ir_op_info[op].nout == 1);
    return emit_out(blk, op, ir_temp_type(blk, a), 1, &a, 0, 0);
}

IrTemp ir_sext(IrBlock *blk, IrTemp a, unsigned bits)
{
    return emit_out(blk, IR_OP_SEXT, ir_temp_type(blk, a), 1, &a, bits, 0);
}

IrTemp ir_zext(IrBlock *blk, IrTemp a, unsigned bits)
{
    return emit_out(blk, IR_OP_ZEXT, ir_temp_type(blk, a), 1, &a, bits, 0);
}

IrTemp ir_extu32(IrBlock *blk, IrTemp a)
{
    return emit_out(blk, IR_OP_EXTU32, IR_I64, 1, &a, 0, 0);
}

IrTemp ir_exts32(IrBlock *blk, IrTemp a)
{
    return emit_out(blk, IR_OP_EXTS32, IR_I64, 1, &a, 0, 0);
}

IrTemp ir_trunc(IrBlock *blk, IrTemp a)
{
    return emit_out(blk, IR_OP_TRUNC, IR_I32, 1, &a, 0, 0);
}

IrTemp ir_extract(IrBlock *blk, IrTemp a, unsigned pos, unsigned len)
{
    return emit_out(blk, IR_OP_EXTRACT, ir_temp_type(blk, a), 1, &a, pos, len);
}

IrTemp ir_deposit(IrBlock *blk, IrTemp base, IrTemp val, unsigned pos, unsigned len)
{
    IrTemp in[2] = { base, val };

    return emit_out(blk, IR_OP_DEPOSIT, ir_temp_type(blk, base), 2, in, pos, len);
}

IrTemp ir_bswap(IrBlock *blk, IrTemp a, unsigned bits)
{
    return emit_out(blk, IR_OP_BSWAP, ir_temp_type(blk, a), 1, &a, bits, 0);
}

IrTemp ir_setcond(IrBlock *blk, IrCond c, IrTemp a, IrTemp b)
{
    IrTemp in[2] = { a, b };

    return emit_out(blk, IR_OP_SETCOND, ir_temp_type(blk, a), 2, in, c, 0);
}

IrTemp ir_select(IrBlock *blk, IrCond c, IrTemp a, IrTemp b, IrTemp t, IrTemp f)
{
    IrTemp in[4] = { a, b, t, f };

    /* The op type is the type of the selected values; the compare uses the type of a. */
    g_assert(ir_temp_type(blk, a) == ir_temp_type(blk, t));
    return emit_out(blk, IR_OP_SELECT, ir_temp_type(blk, t), 4, in, c, 0);
}

IrTemp ir_fma(IrBlock *blk, IrTemp a, IrTemp b, IrTemp c)
{
    IrTemp in[3] = { a, b, c };

    return emit_out(blk, IR_OP_FMA, ir_temp_type(blk, a), 3, in, 0, 0);
}

IrTemp ir_fext(IrBlock *blk, IrTemp a)
{
    g_assert(ir_temp_type(blk, a) == IR_I32);
    return emit_out(blk, IR_OP_FEXT, IR_I64, 1, &a, 0, 0);
}

IrTemp ir_fcmp(IrBlock *blk, IrTemp a, IrTemp b)
{
    IrTemp in[2] = { a, b };

    return emit_out(blk, IR_OP_FCMP, ir_temp_type(blk, a), 2, in, 0, 0);
}

IrTemp ir_fcmph(IrBlock *blk, IrTemp a, IrTemp b, bool signaling)
{
    IrTemp in[2] = { a, b };

    return emit_out(blk, IR_OP_FCMPH, ir_temp_type(blk, a), 2, in, signaling, 0);
}

/* --trace=mem: a call after each access reporting (is_write, size, addr, value, pc). */
static void trace_mem(IrBlock *blk, bool write, IrMemOp mop, IrTemp addr, IrTemp val)
{
    IrTemp args[5];

    if (blk->trace_mem_helper == NULL) {
        return;
    }
    args[0] = ir_const_i32(blk, write);
    args[1] = ir_const_i32(blk, ir_memop_size(mop));
    args[2] = ir_temp_type(blk, addr) == IR_I64 ? addr : ir_extu32(blk, addr);
    args[3] = ir_temp_type(blk, val) == IR_I64 ? val : ir_extu32(blk, val);
    args[4] = ir_const_i64(blk, blk->cur_pc);
    ir_call(blk, blk->trace_mem_helper, 5, args);
}

/* IrBlock.mem_helpers: an i64 argument from an i32 or i64 temp (zero-extended). */
static IrTemp as_i64(IrBlock *blk, IrTemp t)
{
    return ir_temp_type(blk, t) == IR_I32 ? ir_extu32(blk, t) : t;
}

/* A helper's i64 result as a temp of type. */
static IrTemp from_i64(IrBlock *blk, IrType type, IrTemp t)
{
    return type == IR_I32 ? ir_trunc(blk, t) : t;
}

IrTemp ir_load(IrBlock *blk, IrType type, IrMemOp mop, IrTemp addr)
{
    IrTemp v = emit_out(blk, IR_OP_LOAD, type, 1, &addr, mop, 0);

    trace_mem(blk, false, mop, addr, v);
    return v;
}

void ir_store(IrBlock *blk, IrMemOp mop, IrTemp addr, IrTemp val)
{
    IrTemp in[2] = { addr, val };

    ir_emit(blk, IR_OP_STORE, ir_temp_type(blk, val), IR_TEMP_NONE, 2, in)->imm[0] = mop;
    trace_mem(blk, true, mop, addr, val);
}

IrTemp ir_atomic_rmw(IrBlock *blk, IrAtomicOp aop, IrMemOp mop, IrTemp addr, IrTemp val)
{
    IrTemp in[2] = { addr, val };
    IrTemp old;

    if (blk->mem_helpers != NULL) {
        IrTemp args[3] = { as_i64(blk, addr), as_i64(blk, val),
                           ir_const_i64(blk, mop | (uint64_t)aop << 16) };
        old = from_i64(blk, ir_temp_type(blk, val), ir_call(blk, blk->mem_helpers->rmw, 3, args));
    } else {
        old = emit_out(blk, IR_OP_ATOMIC_RMW, ir_temp_type(blk, val), 2, in, mop, aop);
    }

    trace_mem(blk, false, mop, addr, old);
    trace_mem(blk, true, mop, addr, val);
    return old;
}

IrTemp ir_cmpxchg(IrBlock *blk, IrMemOp mop, IrTemp addr, IrTemp expected, IrTemp newval)
{
    IrTemp in[3] = { addr, expected, newval };
    IrTemp old;

    if (blk->mem_helpers != NULL) {
        IrTemp args[4] = { as_i64(blk, addr), as_i64(blk, expected), as_i64(blk, newval),
                           ir_const_i64(blk, mop) };
        old = from_i64(blk, ir_temp_type(blk, newval), ir_call(blk, blk->mem_helpers->cmpxchg, 4, args));
    } else {
        old = emit_out(blk, IR_OP_CMPXCHG, ir_temp_type(blk, newval), 3, in, mop, 0);
    }

    trace_mem(blk, false, mop, addr, old);
    return old;
}

void ir_fence(IrBlock *blk)
{
    ir_emit(blk, IR_OP_FENCE, IR_I64, IR_TEMP_NONE, 0, NULL);
}

IrTemp ir_hostld8(IrBlock *blk, const uint8_t *table, IrTemp index)
{
    return emit_out(blk, IR_OP_HOSTLD8, ir_temp_type(blk, index), 1, &index, (uint64_t)(uintptr_t)table, 0);
}

IrTemp ir_call(IrBlock *blk, const IrHelper *h, unsigned nargs, const IrTemp *args)
{
    IrTemp out = IR_TEMP_NONE;
    IrInsn *insn;

    g_assert(nargs == ir_helper_ninputs(h));
    if (h->ret != IR_HT_VOID) {
        out = ir_temp_new(blk, h->ret == IR_HT_I32 ? IR_I32 : IR_I64);
    }
    insn = ir_emit(blk, IR_OP_CALL, h->ret == IR_HT_I32 ? IR_I32 : IR_I64, out, nargs, args);
    insn->imm[0] = (int64_t)(uintptr_t)h;
    return out;
}

IrTemp ir_call0(IrBlock *blk, const IrHelper *h)
{
    return ir_call(blk, h, 0, NULL);
}

IrTemp ir_call1(IrBlock *blk, const IrHelper *h, IrTemp a)
{
    return ir_call(blk, h, 1, &a);
}

IrTemp ir_call2(IrBlock *blk, const IrHelper *h, IrTemp a, IrTemp b)
{
    IrTemp args[2] = { a, b };

    return ir_call(blk, h, 2, args);
}

IrTemp ir_call3(IrBlock *blk, const IrHelper *h, IrTemp a, IrTemp b, IrTemp c)
{
    IrTemp args[3] = { a, b, c };

    return ir_call(blk, h, 3, args);
}

IrTemp ir_call4(IrBlock *blk, const IrHelper *h, IrTemp a, IrTemp b, IrTemp c, IrTemp d)
{
    IrTemp args[4] = { a, b, c, d };

    return ir_call(blk, h, 4, args);
}

void ir_insn_start(IrBlock *blk, uint64_t pc, unsigned len)
{
    IrInsn *insn = ir_emit(blk, IR_OP_INSN_START, IR_I64, IR_TEMP_NONE, 0, NULL);

    insn->imm[0] = (int64_t)pc;
    insn->imm[1] = len;
    blk->cur_pc = pc;
    if (blk->trace_insn_helper != NULL && blk->trace_count_insn == 0) {
        IrTemp args[2];
        args[0] = ir_const_i64(blk, pc);
        blk->trace_count_insn = blk->n_insns;
        args[1] = ir_const_i64(blk, 0);
        ir_call(blk, blk->trace_insn_helper, 2, args);
    }
}

void ir_label(IrBlock *blk, uint32_t label)
{
    ir_emit(blk, IR_OP_LABEL, IR_I64, IR_TEMP_NONE, 0, NULL)->imm[0] = label;
}

void ir_br(IrBlock *blk, uint32_t label)
{
    ir_emit(blk, IR_OP_BR, IR_I64, IR_TEMP_NONE, 0, NULL)->imm[0] = label;
}

void ir_brcond(IrBlock *blk, IrCond c, IrTemp a, IrTemp b, uint32_t label)
{
    IrTemp in[2] = { a, b };
    IrInsn *insn = ir_emit(blk, IR_OP_BRCOND, ir_temp_type(blk, a), IR_TEMP_NONE, 2, in);

    insn->imm[0] = c;
    insn->imm[1] = label;
}

void ir_goto_block(IrBlock *blk, uint64_t pc)
{
    IrInsn *insn = ir_emit(blk, IR_OP_GOTO_BLOCK, IR_I64, IR_TEMP_NONE, 0, NULL);

    insn->imm[0] = (int64_t)pc;
    insn->imm[1] = blk->n_exits++;
}

void ir_goto_ptr(IrBlock *blk, IrTemp pc)
{
    ir_emit(blk, IR_OP_GOTO_PTR, ir_temp_type(blk, pc), IR_TEMP_NONE, 1, &pc);
}

void ir_ras_push(IrBlock *blk, uint64_t return_pc)
{
    IrInsn *insn = ir_emit(blk, IR_OP_RAS_PUSH, IR_I64, IR_TEMP_NONE, 0, NULL);

    insn->imm[0] = (int64_t)return_pc;
}

void ir_goto_ret(IrBlock *blk, IrTemp pc, uint64_t push_pc)
{
    IrInsn *insn = ir_emit(blk, IR_OP_GOTO_RET, ir_temp_type(blk, pc), IR_TEMP_NONE, 1, &pc);

    insn->imm[0] = (int64_t)push_pc;
}

void ir_raise(IrBlock *blk, unsigned kind, int64_t code, IrTemp aux)
{
    IrInsn *insn = ir_emit(blk, IR_OP_RAISE, IR_I64, IR_TEMP_NONE, aux != IR_TEMP_NONE, &aux);

    insn->imm[0] = kind;
    insn->imm[1] = code;
}
