/*
 * Expand a guest's helpers.def into helper prototypes and IrHelper descriptors.
 *
 * A helpers.def holds rows
 *     HELPER(name, flags, RET, ARG1, ARG2, ...)
 * where RET is VOID, I32 or I64, each ARG is I32, I64 or CPU (the guest CPU
 * pointer, supplied by the engine and not an IR input), flags are IR_CALL_*
 * bits.  Every row needs at least one argument.  Usage:
 *
 *     #define IR_HELPER_DEF "frontend/riscv/helpers.def"
 *     #include "ir/ir_helper_gen.h"
 *
 * declares `RET helper_<name>(ARGS)` and `extern IrHelper ir_helper_<name>`.
 * In exactly one .c file per guest, `#define IR_HELPER_DEFINE` before the
 * include also defines the descriptors.  The descriptors are not const because
 * the interpreter caches its ffi_cif in them (IrHelper.ffi); pass them to
 * ir_call() as `&ir_helper_<name>`.  The header undefines IR_HELPER_DEF and
 * IR_HELPER_DEFINE, so it can be included again for another guest's list.
 */
#include "ir/ir.h"

#ifndef MIMIC_IR_HELPER_GEN_MACROS
#define MIMIC_IR_HELPER_GEN_MACROS

#define IR_HG_NARGS(...) IR_HG_NARGS_(__VA_ARGS__, 7, 6, 5, 4, 3, 2, 1, 0)
#define IR_HG_NARGS_(a1, a2, a3, a4, a5, a6, a7, n, ...) n
#define IR_HG_CAT(a, b) IR_HG_CAT_(a, b)
#define IR_HG_CAT_(a, b) a##b
#define IR_HG_MAP(m, ...) IR_HG_CAT(IR_HG_MAP_, IR_HG_NARGS(__VA_ARGS__))(m, __VA_ARGS__)
#define IR_HG_MAP_1(m, a) m(a)
#define IR_HG_MAP_2(m, a, ...) m(a), IR_HG_MAP_1(m, __VA_ARGS__)
#define IR_HG_MAP_3(m, a, ...) m(a), IR_HG_MAP_2(m, __VA_ARGS__)
#define IR_HG_MAP_4(m, a, ...) m(a), IR_HG_MAP_3(m, __VA_ARGS__)
#define IR_HG_MAP_5(m, a, ...) m(a), IR_HG_MAP_4(m, __VA_ARGS__)
#define IR_HG_MAP_6(m, a, ...) m(a), IR_HG_MAP_5(m, __VA_ARGS__)
#define IR_HG_MAP_7(m, a, ...) m(a), IR_HG_MAP_6(m, __VA_ARGS__)
#define IR_HG_CTYPE(t) IR_HT_CTYPE_##t
#define IR_HG_HTYPE(t) IR_HT_##t

#endif

#ifndef IR_HELPER_DEF
#error "define IR_HELPER_DEF as the helpers.def file name before including ir/ir_helper_gen.h"
#endif

#define HELPER(name, flags_, ret_, ...) \
    IR_HT_CTYPE_##ret_ helper_##name(IR_HG_MAP(IR_HG_CTYPE, __VA_ARGS__)); \
    extern IrHelper ir_helper_##name;
#include IR_HELPER_DEF
#undef HELPER

#ifdef IR_HELPER_DEFINE
#define HELPER(name_, flags_, ret_, ...) \
    IrHelper ir_helper_##name_ = { \
        .name = #name_, \
        .fn = (void *)helper_##name_, \
        .flags = (flags_), \
        .ret = IR_HT_##ret_, \
        .nargs = IR_HG_NARGS(__VA_ARGS__), \
        .args = { IR_HG_MAP(IR_HG_HTYPE, __VA_ARGS__) }, \
    };
#include IR_HELPER_DEF
#undef HELPER
#undef IR_HELPER_DEFINE
#endif

#undef IR_HELPER_DEF
