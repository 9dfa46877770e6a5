/* ModRM/SIB memory operands (decode_modrm.c), used by decode.c only. */
#ifndef MIMIC_X86_DECODE_MODRM_H
#define MIMIC_X86_DECODE_MODRM_H

#include "frontend/x86/internal.h"

/*
 * Decode the memory form (mod != 3) starting at the ModRM byte p[0]: fills base,
 * index, scale, disp, rip_rel/addr16 of in.  Returns the bytes used including
 * ModRM, or 0 if n is too short.
 */
size_t x86_decode_modrm_mem(const uint8_t *p, size_t n, X86Insn *in);

#endif
