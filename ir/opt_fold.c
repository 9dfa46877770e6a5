/*
 * Constant folding and propagation, plus the algebraic identities that lifted
 * code produces most (x+0, x&-1, x^x, shifts by 0...).  Only single-def temps are
 * treated as constants: a multi-def temp may hold another value after a label.
 * Constants are moved to the second operand of commutative ops so the JIT can
 * use immediate forms.  It also drops sign extensions from 32 bits of values that
 * are already sign-extended (RISC-V W instructions chained through lw/sext.w/xor...).
 *
 * ir_opt_fold_copy() does copy propagation (opt_copy.c) in the same forward walk: each
 * instruction's inputs are replaced and a GET of a known slot forwarded before it is
 * folded, and a MOV folding leaves behind is propagated from then on.  One walk sees
 * what fold, copy and fold again saw, at the cost of one.
 */
#include "ir/opt_copy.h"

typedef struct FoldState {
    bool *known;
    uint64_t *value;
    bool *sx32;             /* single-def i64 temp equal to the sign extension of its low 32 bits */
    IrTemp *trunc_of;       /* single-def i32 temp defined as TRUNC of this i64 temp, or NONE */
    IrTemp *add_base;       /* single-def temp defined as ADD(add_base, constant add_const), or NONE */
    uint64_t *add_const;
    uint32_t *def_at;       /* single-def temp: index of its defining instruction + 1 (0: none yet) */
} FoldState;

static bool sx32_const(uint64_t v)
{
    return (uint64_t)(int64_t)(int32_t)v == v;
}

/* Is the single-def i64 output of insn (as it now stands) sign-extended from 32 bits? */
static bool out_is_sx32(const FoldState *st, const IrInsn *insn)
{
    const bool *sx = st->sx32;
    switch ((IrOpcode)insn->op) {
    case IR_OP_CONST:
        return sx32_const((uint64_t)insn->imm[0]);
    case IR_OP_SEXT:
        return insn->imm[0] <= 32;
    case IR_OP_ZEXT:
        return insn->imm[0] < 32;
    case IR_OP_EXTS32:
    case IR_OP_SETCOND:
        return true;
    case IR_OP_EXTRACT:
        return insn->imm[1] < 32;
    case IR_OP_LOAD: {
        IrMemOp mop = (IrMemOp)insn->imm[0];
        return ir_memop_size(mop) < 4 || (ir_memop_size(mop) == 4 && (mop & IR_MEM_SIGN));
    }
    case IR_OP_MOV:
        return sx[insn->in[0]];
    case IR_OP_AND:
    case IR_OP_OR:
    case IR_OP_XOR:
        return sx[insn->in[0]] && sx[insn->in[1]];
    case IR_OP_SELECT:
        return sx[insn->in[2]] && sx[insn->in[3]];
    case IR_OP_SHR:
    case IR_OP_SAR: {
        uint64_t c;
        if (!st->known[insn->in[1]]) {
            return false;
        }
        c = st->value[insn->in[1]] & 63;
        return insn->op == IR_OP_SHR ? c >= 33 : (c >= 32 || sx[insn->in[0]]);
    }
    default:
        return false;
    }
}

static bool is_const(const IrBlock *blk, const FoldState *st, IrTemp t, uint64_t *v)
{
    if (t == IR_TEMP_NONE || !st->known[t]) {
        return false;
    }
    *v = ir_truncate(ir_temp_type(blk, t), st->value[t]);
    return true;
}

static void make_const(IrBlock *blk, FoldState *st, IrInsn *insn, uint64_t v)
{
    v = ir_truncate((IrType)insn->type, v);
    insn->op = IR_OP_CONST;
    insn->nin = 0;
    insn->imm[0] = (int64_t)v;
    insn->imm[1] = 0;
    if (blk->temps[insn->out].ndefs == 1) {
        st->known[insn->out] = true;
        st->value[insn->out] = v;
    }
}

static void make_mov(IrInsn *insn, IrTemp src)
{
    insn->op = IR_OP_MOV;
    insn->nin = 1;
    insn->in[0] = src;
    insn->imm[0] = insn->imm[1] = 0;
}

/* Identities with one constant operand b (after canonicalization). Returns true if rewritten. */
static bool fold_identity(IrBlock *blk, FoldState *st, IrInsn *insn, uint64_t b)
{
    uint64_t ones = ir_truncate((IrType)insn->type, ~0ull);

    switch ((IrOpcode)insn->op) {
    case IR_OP_ADD:
    case IR_OP_SUB:
    case IR_OP_OR:
    case IR_OP_XOR:
    case IR_OP_SHL:
    case IR_OP_SHR:
    case IR_OP_SAR:
    case IR_OP_ROTL:
    case IR_OP_ROTR:
        if (b == 0) {
            make_mov(insn, insn->in[0]);
            return true;
        }
        if (insn->op == IR_OP_OR && b == ones) {
            make_const(blk, st, insn, ones);
            return true;
        }
        return false;
    case IR_OP_MUL:
        if (b == 1) {
            make_mov(insn, insn->in[0]);
            return true;
        }
        if (b == 0) {
            make_const(blk, st, insn, 0);
            return true;
        }
        return false;
    case IR_OP_AND:
        if (b == ones) {
            make_mov(insn, insn->in[0]);
            return true;
        }
        if (b == 0) {
            make_const(blk, st, insn, 0);
            return true;
        }
        return false;
    default:
        return false;
    }
}

/* The instruction defining single-def temp t, or NULL. */
static const IrInsn *def_of(const IrBlock *blk, const FoldState *st, IrTemp t)
{
    return st->def_at[t] != 0 ? &blk->insns[st->def_at[t] - 1] : NULL;
}

/*
 * x << c | x >> (width - c) (or with + or ^: the halves share no bits) is a rotate: one
 * host instruction instead of three.  Rewrites insn into ROTL x, c (reusing the shift's
 * constant temp); the shifts stay for DCE.
 */
static bool fold_rotate(const IrBlock *blk, const FoldState *st, IrInsn *insn)
{
    const IrInsn *l = def_of(blk, st, insn->in[0]);
    const IrInsn *r = def_of(blk, st, insn->in[1]);
    uint64_t cl, cr, width = insn->type == IR_I32 ? 32 : 64;

    if (l == NULL || r == NULL) {
        return false;
    }
    if (l->op == IR_OP_SHR) {
        const IrInsn *t = l;
        l = r;
        r = t;
    }
    if (l->op != IR_OP_SHL || r->op != IR_OP_SHR || l->type != insn->type || r->type != insn->type ||
        l->in[0] != r->in[0] || !is_const(blk, st, l->in[1], &cl) || !is_const(blk, st, r->in[1], &cr) ||
        cl == 0 || cl >= width || cl + cr != width || blk->temps[l->in[0]].ndefs != 1) {
        return false;
    }
    IrTemp x = l->in[0], c = l->in[1];
    insn->op = IR_OP_ROTL;
    insn->in[0] = x;
    insn->in[1] = c;
    return true;
}

/* Fold one instruction in place. */
static void fold_insn(IrBlock *blk, FoldState *st, IrInsn *insn)
{
    const IrOpInfo *info = &ir_op_info[insn->op];
    uint64_t in[IR_MAX_IN];
    bool all_const = true;

    if (insn->op == IR_OP_CONST) {
        if (blk->temps[insn->out].ndefs == 1) {
            st->known[insn->out] = true;
            st->value[insn->out] = (uint64_t)insn->imm[0];
        }
        return;
    }
    for (unsigned k = 0; k < insn->nin; k++) {
        all_const &= is_const(blk, st, insn->in[k], &in[k]);
    }
    if (insn->op == IR_OP_BRCOND) {
        if (all_const) {
            if (ir_cond_eval((IrCond)insn->imm[0], (IrType)insn->type, in[0], in[1])) {
                insn->op = IR_OP_BR;
                insn->imm[0] = insn->imm[1];
                insn->imm[1] = 0;
            } else {
                insn->op = IR_OP_NOP;
            }
            insn->nin = 0;
        } else if (is_const(blk, st, insn->in[0], &in[0])) {
            IrTemp t = insn->in[0];
            insn->in[0] = insn->in[1];
            insn->in[1] = t;
            insn->imm[0] = ir_cond_swap((IrCond)insn->imm[0]);
        }
        return;
    }
    if (!(info->flags & IR_F_PURE) || insn->op == IR_OP_NOP || insn->out == IR_TEMP_NONE) {
        return;
    }
    if (all_const) {
        make_const(blk, st, insn, ir_eval_pure(insn, in));
        return;
    }
    if (insn->op == IR_OP_SELECT && is_const(blk, st, insn->in[0], &in[0]) &&
        is_const(blk, st, insn->in[1], &in[1])) {
        bool c = ir_cond_eval((IrCond)insn->imm[0], (IrType)insn->type, in[0], in[1]);
        make_mov(insn, c ? insn->in[2] : insn->in[3]);
        return;
    }
    if (insn->nin == 2 && insn->op != IR_OP_DEPOSIT) {
        uint64_t b;
        if ((info->flags & IR_F_COMMUTES) && is_const(blk, st, insn->in[0], &b)) {
            IrTemp t = insn->in[0];
            insn->in[0] = insn->in[1];
            insn->in[1] = t;
        }
        if ((insn->op == IR_OP_SETCOND) && is_const(blk, st, insn->in[0], &b)) {
            IrTemp t = insn->in[0];
            insn->in[0] = insn->in[1];
            insn->in[1] = t;
            insn->imm[0] = ir_cond_swap((IrCond)insn->imm[0]);
        }
        if (insn->in[0] == insn->in[1] && blk->temps[insn->in[0]].ndefs == 1 &&
            (insn->op == IR_OP_SUB || insn->op == IR_OP_XOR)) {
            make_const(blk, st, insn, 0);
            return;
        }
        if ((insn->op == IR_OP_OR || insn->op == IR_OP_XOR || insn->op == IR_OP_ADD) &&
            fold_rotate(blk, st, insn)) {
            return;
        }
        if (is_const(blk, st, insn->in[1], &b)) {
            /* (x + c) + -c: the post-increment then negative offset of lifted loops. */
            IrTemp x = st->add_base[insn->in[0]];
            if (insn->op == IR_OP_ADD && x != IR_TEMP_NONE &&
                ir_truncate((IrType)insn->type, st->add_const[insn->in[0]] + b) == 0) {
                make_mov(insn, x);
                return;
            }
            fold_identity(blk, st, insn, b);
        }
    }
    if ((insn->op == IR_OP_SEXT || insn->op == IR_OP_EXTS32) && insn->type == IR_I64 &&
        ((insn->op == IR_OP_SEXT && insn->imm[0] == 32 && st->sx32[insn->in[0]]) ||
         (insn->op == IR_OP_EXTS32 && st->trunc_of[insn->in[0]] != IR_TEMP_NONE &&
          st->sx32[st->trunc_of[insn->in[0]]]))) {
        make_mov(insn, insn->op == IR_OP_SEXT ? insn->in[0] : st->trunc_of[insn->in[0]]);
    }
}

static void fold_block(IrBlock *blk, IrCopyState *copy)
{
    FoldState st = {
        .known = ir_block_scratch(blk, 0, blk->n_temps * sizeof(bool)),
        .value = ir_block_scratch(blk, 1, blk->n_temps * sizeof(uint64_t)),
        .sx32 = ir_block_scratch(blk, 2, blk->n_temps * sizeof(bool)),
        .trunc_of = ir_block_scratch(blk, 3, blk->n_temps * sizeof(IrTemp)),
        .add_base = ir_block_scratch(blk, 4, blk->n_temps * sizeof(IrTemp)),
        .add_const = ir_block_scratch(blk, 5, blk->n_temps * sizeof(uint64_t)),
        .def_at = ir_block_scratch(blk, 6, blk->n_temps * sizeof(uint32_t)),
    };

    for (uint32_t i = 0; i < blk->n_insns; i++) {
        IrInsn *insn = &blk->insns[i];

        if (copy != NULL) {
            ir_copy_insn(blk, copy, insn);
        }
        fold_insn(blk, &st, insn);
        if (copy != NULL && insn->op == IR_OP_MOV) {
            ir_copy_note_mov(blk, copy, insn);
        }
        if (insn->out == IR_TEMP_NONE || ir_op_info[insn->op].nout == 0 ||
            blk->temps[insn->out].ndefs != 1) {
            continue;
        }
        if (insn->type == IR_I64) {
            st.sx32[insn->out] = out_is_sx32(&st, insn);
        } else if (insn->op == IR_OP_TRUNC && blk->temps[insn->in[0]].ndefs == 1) {
            st.trunc_of[insn->out] = insn->in[0];
        }
        st.def_at[insn->out] = i + 1;
        uint64_t c;
        if (insn->op == IR_OP_ADD && blk->temps[insn->in[0]].ndefs == 1 &&
            is_const(blk, &st, insn->in[1], &c)) {
            st.add_base[insn->out] = insn->in[0];
            st.add_const[insn->out] = c;
        }
    }
}

void ir_opt_fold(IrBlock *blk)
{
    fold_block(blk, NULL);
}

void ir_opt_fold_copy(IrBlock *blk)
{
    IrCopyState copy;

    /* Slots 0-6 are the fold state's. */
    ir_copy_begin(blk, &copy, 7, 8);
    fold_block(blk, &copy);
}
