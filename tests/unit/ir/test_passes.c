/* Copy propagation, guest-state forwarding, dead sets and DCE, alone and as a pipeline. */
#include <check.h>

#include "ir/ir.h"

static void dummy_fn(void) { }
static const IrHelper pure_helper = {
    .name = "pure_h", .fn = (void *)dummy_fn, .flags = IR_CALL_PURE,
    .ret = IR_HT_I64, .nargs = 1, .args = { IR_HT_I64 },
};
static const IrHelper state_helper = {
    .name = "state_h", .fn = (void *)dummy_fn, .flags = IR_CALL_READS_STATE | IR_CALL_WRITES_STATE,
    .ret = IR_HT_VOID, .nargs = 1, .args = { IR_HT_CPU },
};

static IrBlock *parse(const char *text)
{
    g_autoptr(GError) error = NULL;
    IrBlock *blk = ir_parse(text, &error);

    ck_assert_msg(blk != NULL, "parse: %s", error ? error->message : "");
    ck_assert(ir_verify(blk, NULL));
    return blk;
}

static void expect(IrBlock *blk, const char *text)
{
    ck_assert(ir_verify(blk, NULL));
    g_autofree char *got = ir_block_text(blk);
    ck_assert_str_eq(got, text);
}

START_TEST(test_copy_forwards_get)
{
    g_autoptr(IrBlock) blk = parse("t1 = get.i64 0x50\nt2 = get.i64 0x50\nt3 = add.i64 t1, t2\n"
                                   "set.i64 t3, 0x58\nt4 = get.i64 0x58\nset.i64 t4, 0x60\ngoto_block.i64 0, 0\n");
    ir_opt_copy(blk);
    ir_opt_dce(blk);
    ir_opt_compact(blk);
    expect(blk, "t1 = get.i64 0x50\nt3 = add.i64 t1, t1\nset.i64 t3, 0x58\nset.i64 t3, 0x60\ngoto_block.i64 0, 0\n");
}
END_TEST

START_TEST(test_copy_stops_at_state_call)
{
    g_autoptr(IrBlock) blk = ir_block_new();
    IrTemp a = ir_get(blk, IR_I64, 0x50);
    ir_call0(blk, &state_helper);
    IrTemp b = ir_get(blk, IR_I64, 0x50);
    ir_set(blk, 0x58, ir_add(blk, a, b));
    ir_goto_block(blk, 0);
    ir_opt_copy(blk);
    ir_opt_dce(blk);
    ir_opt_compact(blk);
    /* The second get must survive: the helper may have changed the slot. */
    ck_assert_uint_eq(blk->n_insns, 6);
    ck_assert_int_eq(blk->insns[2].op, IR_OP_GET);
}
END_TEST

START_TEST(test_dead_set)
{
    g_autoptr(IrBlock) blk = parse("t1 = get.i64 0x50\nset.i64 t1, 0x58\nset.i64 t1, 0x60\nset.i64 t1, 0x58\n"
                                   "goto_block.i64 0, 0\n");
    ir_opt_dead_set(blk);
    ir_opt_compact(blk);
    expect(blk, "t1 = get.i64 0x50\nset.i64 t1, 0x60\nset.i64 t1, 0x58\ngoto_block.i64 0, 0\n");
}
END_TEST

START_TEST(test_dead_set_kept_before_fault)
{
    /* A load may fault, so the first set must be visible to the fault handler. */
    const char *src = "t1 = get.i64 0x50\nset.i64 t1, 0x58\nt2 = load.i64 t1, u64le\nset.i64 t2, 0x58\n"
                      "goto_block.i64 0, 0\n";
    g_autoptr(IrBlock) blk = parse(src);
    ir_opt_dead_set(blk);
    ir_opt_compact(blk);
    expect(blk, src);
}
END_TEST

START_TEST(test_dead_set_partial_overlap)
{
    /* A 4-byte get of half the slot keeps the 8-byte set alive. */
    const char *src = "t1 = get.i64 0x50\nset.i64 t1, 0x58\nt2 = get.i32 0x5c\nt3 = exts32.i64 t2\n"
                      "set.i64 t3, 0x58\ngoto_block.i64 0, 0\n";
    g_autoptr(IrBlock) blk = parse(src);
    ir_opt_dead_set(blk);
    ir_opt_compact(blk);
    expect(blk, src);
}
END_TEST

START_TEST(test_dead_set_both_paths)
{
    /* Written again on both ways on from the branch before an exit: the first set is dead. */
    g_autoptr(IrBlock) blk = parse("t1 = get.i32 0x50\nset.i32 t1, 0x58\nbrcond.i32 t1, t1, eq, L0\n"
                                   "set.i32 t1, 0x58\ngoto_block.i64 0x10, 0\n"
                                   "label.i64 L0\nt2 = get.i32 0x60\nset.i32 t2, 0x58\ngoto_block.i64 0x20, 1\n");
    ir_opt_dead_set(blk);
    ir_opt_compact(blk);
    expect(blk, "t1 = get.i32 0x50\nbrcond.i32 t1, t1, eq, L0\nset.i32 t1, 0x58\ngoto_block.i64 0x10, 0\n"
                "label.i64 L0\nt2 = get.i32 0x60\nset.i32 t2, 0x58\ngoto_block.i64 0x20, 1\n");
}
END_TEST

START_TEST(test_dead_set_one_path_reads)
{
    /* The target reads the slot, leaves without writing it, or the fall-through path exits first: kept. */
    static const char *const srcs[] = {
        "t1 = get.i32 0x50\nset.i32 t1, 0x58\nbrcond.i32 t1, t1, eq, L0\nset.i32 t1, 0x58\n"
        "goto_block.i64 0x10, 0\nlabel.i64 L0\nt2 = get.i32 0x58\nset.i32 t2, 0x58\ngoto_block.i64 0x20, 1\n",
        "t1 = get.i32 0x50\nset.i32 t1, 0x58\nbrcond.i32 t1, t1, eq, L0\nset.i32 t1, 0x58\n"
        "goto_block.i64 0x10, 0\nlabel.i64 L0\ngoto_block.i64 0x20, 1\n",
        "t1 = get.i32 0x50\nset.i32 t1, 0x58\nbrcond.i32 t1, t1, eq, L0\ngoto_block.i64 0x10, 0\n"
        "label.i64 L0\nset.i32 t1, 0x58\ngoto_block.i64 0x20, 1\n",
        /* a backward branch: its label's paths are not known when the branch is met */
        "t1 = get.i32 0x50\nlabel.i64 L0\nset.i32 t1, 0x58\nbrcond.i32 t1, t1, eq, L0\n"
        "set.i32 t1, 0x58\ngoto_block.i64 0x10, 0\n",
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(srcs); i++) {
        g_autoptr(IrBlock) blk = parse(srcs[i]);
        ir_opt_dead_set(blk);
        ir_opt_compact(blk);
        expect(blk, srcs[i]);
    }
}
END_TEST

START_TEST(test_dead_set_br_and_join)
{
    /*
     * An unconditional br takes what is dead at its label; the set before a label that two
     * paths reach is dead when the code after the label writes the slot first.
     */
    g_autoptr(IrBlock) blk = parse("t1 = get.i32 0x50\nbrcond.i32 t1, t1, eq, L0\nset.i32 t1, 0x58\nbr.i64 L1\n"
                                   "label.i64 L0\nset.i32 t1, 0x5c\nlabel.i64 L1\nset.i32 t1, 0x58\n"
                                   "set.i32 t1, 0x5c\ngoto_block.i64 0x10, 0\n");
    ir_opt_dead_set(blk);
    ir_opt_compact(blk);
    expect(blk, "t1 = get.i32 0x50\nbrcond.i32 t1, t1, eq, L0\nbr.i64 L1\nlabel.i64 L0\nlabel.i64 L1\n"
                "set.i32 t1, 0x58\nset.i32 t1, 0x5c\ngoto_block.i64 0x10, 0\n");
}
END_TEST

START_TEST(test_dce_chains_and_pure_calls)
{
    g_autoptr(IrBlock) blk = ir_block_new();
    IrTemp a = ir_get(blk, IR_I64, 0x50);
    IrTemp b = ir_add(blk, a, ir_const_i64(blk, 3));
    IrTemp c = ir_call1(blk, &pure_helper, b);
    (void)c;
    IrTemp d = ir_mul(blk, b, b);
    (void)d;
    ir_goto_block(blk, 0);
    ir_opt_dce(blk);
    ir_opt_compact(blk);
    ck_assert_uint_eq(blk->n_insns, 1);
    ck_assert_int_eq(blk->insns[0].op, IR_OP_GOTO_BLOCK);
}
END_TEST

START_TEST(test_pipeline_lui_addi)
{
    /* What a RISC-V lui+addi+sw sequence lifts to: the address folds to one constant. */
    g_autoptr(IrBlock) blk = parse("insn_start.i64 0x100, 4\nt1 = const.i64 0x12345000\nset.i64 t1, 0x50\n"
                                   "insn_start.i64 0x104, 4\nt2 = get.i64 0x50\nt3 = const.i64 0x678\n"
                                   "t4 = add.i64 t2, t3\nset.i64 t4, 0x50\ninsn_start.i64 0x108, 4\n"
                                   "t5 = get.i64 0x50\nt6 = get.i64 0x58\nstore.i64 t5, t6, u32le\n"
                                   "goto_block.i64 0x10c, 0\n");
    ir_optimize(blk);
    expect(blk, "insn_start.i64 0x100, 4\ninsn_start.i64 0x104, 4\nt4 = const.i64 0x12345678\n"
                "set.i64 t4, 0x50\ninsn_start.i64 0x108, 4\nt6 = get.i64 0x58\nstore.i64 t4, t6, u32le\n"
                "goto_block.i64 0x10c, 0\n");
}
END_TEST

/*
 * ir_opt_fold_copy in one walk: a fold that leaves a MOV (x + 0) is propagated to later
 * uses, forwarded GETs are folded (5 + 5, x - x), as fold + copy + fold would do.
 */
START_TEST(test_fold_copy_one_walk)
{
    const char *src = "t1 = get.i64 0x50\nt2 = const.i64 0\nt3 = add.i64 t1, t2\nset.i64 t3, 0x58\n"
                      "t4 = get.i64 0x58\nt5 = const.i64 5\nset.i64 t5, 0x60\nt6 = get.i64 0x60\n"
                      "t7 = add.i64 t6, t5\nt8 = sub.i64 t4, t1\nt9 = add.i64 t7, t8\n"
                      "set.i64 t9, 0x68\ngoto_block.i64 0, 0\n";
    const char *want = "t1 = get.i64 0x50\nset.i64 t1, 0x58\nt5 = const.i64 5\nset.i64 t5, 0x60\n"
                       "t9 = const.i64 0xa\nset.i64 t9, 0x68\ngoto_block.i64 0, 0\n";
    g_autoptr(IrBlock) one = parse(src);
    ir_opt_fold_copy(one);
    ir_opt_dce(one);
    ir_opt_compact(one);
    expect(one, want);

    g_autoptr(IrBlock) three = parse(src);
    ir_opt_fold(three);
    ir_opt_copy(three);
    ir_opt_fold(three);
    ir_opt_dce(three);
    ir_opt_compact(three);
    expect(three, want);
}
END_TEST

/* A ZEXT 32 of a value with no bits above 32 goes (chains of them, an AND 0xff of a
 * byte load, a shift right by 32); one of a value that may have high bits stays. */
START_TEST(test_zext_redundant)
{
    g_autoptr(IrBlock) blk = parse("t1 = get.i64 0x50\nt2 = zext.i64 t1, 0x20\nt3 = zext.i64 t2, 0x20\n"
                                   "t4 = const.i64 1\nt5 = add.i64 t3, t4\nt6 = zext.i64 t5, 0x20\n"
                                   "set.i64 t6, 0x58\nt7 = load.i64 t2, u8le\nt8 = const.i64 0xff\n"
                                   "t9 = and.i64 t7, t8\nt10 = const.i64 0x20\nt11 = shr.i64 t1, t10\n"
                                   "t12 = zext.i64 t11, 0x20\nt13 = xor.i64 t9, t12\nt14 = zext.i64 t13, 0x20\n"
                                   "set.i64 t14, 0x60\ngoto_block.i64 0, 0\n");
    ir_opt_zext(blk);
    ir_opt_dce(blk);
    ir_opt_compact(blk);
    expect(blk, "t1 = get.i64 0x50\nt2 = zext.i64 t1, 0x20\nt4 = const.i64 1\nt5 = add.i64 t2, t4\n"
                "t6 = zext.i64 t5, 0x20\nset.i64 t6, 0x58\nt7 = load.i64 t2, u8le\nt10 = const.i64 0x20\n"
                "t11 = shr.i64 t1, t10\nt13 = xor.i64 t7, t11\nset.i64 t13, 0x60\ngoto_block.i64 0, 0\n");
}
END_TEST

/*
 * A GET of a slot declared narrow (IrBlock.narrow_slots) has 32 bits: its ZEXT 32 goes,
 * one of a slot not declared (0x58: bit 11 clear), of an unaligned offset, or of a narrow
 * value plus one (33 bits) stays.  A TRUNC of a ZEXT 32 reads the ZEXT's input.
 */
START_TEST(test_zext_narrow_slots)
{
    g_autoptr(IrBlock) blk = parse("t1 = get.i64 0x50\nt2 = zext.i64 t1, 0x20\nt3 = get.i64 0x58\n"
                                   "t4 = zext.i64 t3, 0x20\nt5 = add.i64 t2, t4\nt6 = zext.i64 t5, 0x20\n"
                                   "t7 = trunc.i32 t6\nt8 = load.i64 t7, u32le\nt9 = get.i64 0x54\n"
                                   "t10 = zext.i64 t9, 0x20\nt11 = xor.i64 t8, t10\nset.i64 t11, 0x50\n"
                                   "set.i64 t2, 0x60\ngoto_block.i64 0, 0\n");
    blk->narrow_slots = 1ull << (0x50 / 8);
    ir_opt_zext(blk);
    ir_opt_dce(blk);
    ir_opt_compact(blk);
    expect(blk, "t1 = get.i64 0x50\nt3 = get.i64 0x58\nt4 = zext.i64 t3, 0x20\nt5 = add.i64 t1, t4\n"
                "t7 = trunc.i32 t5\nt8 = load.i64 t7, u32le\nt9 = get.i64 0x54\n"
                "t10 = zext.i64 t9, 0x20\nt11 = xor.i64 t8, t10\nset.i64 t11, 0x50\nset.i64 t1, 0x60\n"
                "goto_block.i64 0, 0\n");

    /* Without the declaration nothing is known about the slot. */
    g_autoptr(IrBlock) plain = parse("t1 = get.i64 0x50\nt2 = zext.i64 t1, 0x20\nset.i64 t2, 0x60\n"
                                     "goto_block.i64 0, 0\n");
    ir_opt_zext(plain);
    ir_opt_dce(plain);
    ir_opt_compact(plain);
    expect(plain, "t1 = get.i64 0x50\nt2 = zext.i64 t1, 0x20\nset.i64 t2, 0x60\ngoto_block.i64 0, 0\n");
}
END_TEST

Suite *ir_passes_suite(void)
{
    Suite *s = suite_create("ir_passes");
    TCase *tc = tcase_create("passes");

    tcase_add_test(tc, test_copy_forwards_get);
    tcase_add_test(tc, test_zext_redundant);
    tcase_add_test(tc, test_zext_narrow_slots);
    tcase_add_test(tc, test_copy_stops_at_state_call);
    tcase_add_test(tc, test_dead_set);
    tcase_add_test(tc, test_dead_set_kept_before_fault);
    tcase_add_test(tc, test_dead_set_partial_overlap);
    tcase_add_test(tc, test_dead_set_both_paths);
    tcase_add_test(tc, test_dead_set_one_path_reads);
    tcase_add_test(tc, test_dead_set_br_and_join);
    tcase_add_test(tc, test_dce_chains_and_pure_calls);
    tcase_add_test(tc, test_pipeline_lui_addi);
    tcase_add_test(tc, test_fold_copy_one_walk);
    suite_add_tcase(s, tc);
    return s;
}
