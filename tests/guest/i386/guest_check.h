/*
 * The guest tests' check macros are architecture-neutral C: the i386 programs use the
 * riscv64 folder's copy rather than a second one.
 */
#include "../riscv64/guest_check.h"
