/*
 * Disassembler text against GNU objdump 2.40 (-M no-aliases): every row's
 * expected string was printed by riscv64-linux-gnu-objdump -d for the
 * instruction at that address in an object assembled with
 * -march=rv64gc_zba_zbb_zbc_zbs (the tab after the mnemonic replaced by one
 * space, "<symbol>" and "# comment" tails removed).  The file covers every
 * instruction the decoder knows, plus a few encodings objdump does not name.
 */
#include <check.h>
#include <string.h>

#include "frontend/riscv/cpu.h"

typedef struct DisasCase {
    uint64_t pc;
    uint32_t bits;
    unsigned len;
    const char *text;
} DisasCase;

static const DisasCase disas_cases[] = {
    { 0x0, 0x12345537, 4, "lui a0,0x12345" },
    { 0x4, 0xfffff597, 4, "auipc a1,0xfffff" },
    { 0x8, 0x008000ef, 4, "jal ra,10" },
    { 0xc, 0xff9ff06f, 4, "jal zero,4" },
    { 0x10, 0x000780e7, 4, "jalr ra,0(a5)" },
    { 0x14, 0xff808067, 4, "jalr zero,-8(ra)" },
    { 0x18, 0x00b50863, 4, "beq a0,a1,28" },
    { 0x1c, 0xfe9418e3, 4, "bne s0,s1,c" },
    { 0x20, 0x7e62cfe3, 4, "blt t0,t1,101e" },
    { 0x24, 0x80055063, 4, "bge a0,zero,fffffffffffff024" },
    { 0x28, 0x00d66463, 4, "bltu a2,a3,30" },
    { 0x2c, 0x00f77663, 4, "bgeu a4,a5,38" },
    { 0x30, 0xfff10503, 4, "lb a0,-1(sp)" },
    { 0x34, 0x00251583, 4, "lh a1,2(a0)" },
    { 0x38, 0x8005a603, 4, "lw a2,-2048(a1)" },
    { 0x3c, 0x7ff63683, 4, "ld a3,2047(a2)" },
    { 0x40, 0x0006c703, 4, "lbu a4,0(a3)" },
    { 0x44, 0x00675783, 4, "lhu a5,6(a4)" },
    { 0x48, 0x0087e803, 4, "lwu a6,8(a5)" },
    { 0x4c, 0xfea10fa3, 4, "sb a0,-1(sp)" },
    { 0x50, 0x00b51123, 4, "sh a1,2(a0)" },
    { 0x54, 0x80c5a023, 4, "sw a2,-2048(a1)" },
    { 0x58, 0x7ed63fa3, 4, "sd a3,2047(a2)" },
    { 0x5c, 0xfff50513, 4, "addi a0,a0,-1" },
    { 0x60, 0x00562593, 4, "slti a1,a2,5" },
    { 0x64, 0xffb63593, 4, "sltiu a1,a2,-5" },
    { 0x68, 0xfff74693, 4, "xori a3,a4,-1" },
    { 0x6c, 0x40076693, 4, "ori a3,a4,1024" },
    { 0x70, 0x0ff77693, 4, "andi a3,a4,255" },
    { 0x74, 0x03f59513, 4, "slli a0,a1,0x3f" },
    { 0x78, 0x0015d513, 4, "srli a0,a1,0x1" },
    { 0x7c, 0x4205d513, 4, "srai a0,a1,0x20" },
    { 0x80, 0x00c58533, 4, "add a0,a1,a2" },
    { 0x84, 0x41248433, 4, "sub s0,s1,s2" },
    { 0x88, 0x01ee9e33, 4, "sll t3,t4,t5" },
    { 0x8c, 0x00c5a533, 4, "slt a0,a1,a2" },
    { 0x90, 0x00c5b533, 4, "sltu a0,a1,a2" },
    { 0x94, 0x00c5c533, 4, "xor a0,a1,a2" },
    { 0x98, 0x00c5d533, 4, "srl a0,a1,a2" },
    { 0x9c, 0x40c5d533, 4, "sra a0,a1,a2" },
    { 0xa0, 0x00c5e533, 4, "or a0,a1,a2" },
    { 0xa4, 0x00c5f533, 4, "and a0,a1,a2" },
    { 0xa8, 0x8005851b, 4, "addiw a0,a1,-2048" },
    { 0xac, 0x01f5951b, 4, "slliw a0,a1,0x1f" },
    { 0xb0, 0x0005d51b, 4, "srliw a0,a1,0x0" },
    { 0xb4, 0x4075d51b, 4, "sraiw a0,a1,0x7" },
    { 0xb8, 0x00c5853b, 4, "addw a0,a1,a2" },
    { 0xbc, 0x40c5853b, 4, "subw a0,a1,a2" },
    { 0xc0, 0x00c5953b, 4, "sllw a0,a1,a2" },
    { 0xc4, 0x00c5d53b, 4, "srlw a0,a1,a2" },
    { 0xc8, 0x40c5d53b, 4, "sraw a0,a1,a2" },
    { 0xcc, 0x0ff0000f, 4, "fence iorw,iorw" },
    { 0xd0, 0x0210000f, 4, "fence r,w" },
    { 0xd4, 0x8330000f, 4, "fence.tso" },
    { 0xd8, 0x0000100f, 4, "fence.i" },
    { 0xdc, 0x00000073, 4, "ecall" },
    { 0xe0, 0x00100073, 4, "ebreak" },
    { 0xe4, 0x00159573, 4, "csrrw a0,fflags,a1" },
    { 0xe8, 0x00202573, 4, "csrrs a0,frm,zero" },
    { 0xec, 0x00363573, 4, "csrrc a0,fcsr,a2" },
    { 0xf0, 0x001fd573, 4, "csrrwi a0,fflags,31" },
    { 0xf4, 0x0020e073, 4, "csrrsi zero,frm,1" },
    { 0xf8, 0x00307573, 4, "csrrci a0,fcsr,0" },
    { 0xfc, 0xc0002573, 4, "csrrs a0,cycle,zero" },
    { 0x100, 0xc0102573, 4, "csrrs a0,time,zero" },
    { 0x104, 0xc0202573, 4, "csrrs a0,instret,zero" },
    { 0x108, 0x7c002573, 4, "csrrs a0,0x7c0,zero" },
    { 0x10c, 0x30002573, 4, "csrrs a0,mstatus,zero" },
    { 0x110, 0x02c58533, 4, "mul a0,a1,a2" },
    { 0x114, 0x02c59533, 4, "mulh a0,a1,a2" },
    { 0x118, 0x02c5a533, 4, "mulhsu a0,a1,a2" },
    { 0x11c, 0x02c5b533, 4, "mulhu a0,a1,a2" },
    { 0x120, 0x02c5c533, 4, "div a0,a1,a2" },
    { 0x124, 0x02c5d533, 4, "divu a0,a1,a2" },
    { 0x128, 0x02c5e533, 4, "rem a0,a1,a2" },
    { 0x12c, 0x02c5f533, 4, "remu a0,a1,a2" },
    { 0x130, 0x02c5853b, 4, "mulw a0,a1,a2" },
    { 0x134, 0x02c5c53b, 4, "divw a0,a1,a2" },
    { 0x138, 0x02c5d53b, 4, "divuw a0,a1,a2" },
    { 0x13c, 0x02c5e53b, 4, "remw a0,a1,a2" },
    { 0x140, 0x02c5f53b, 4, "remuw a0,a1,a2" },
    { 0x144, 0x1005a52f, 4, "lr.w a0,(a1)" },
    { 0x148, 0x1405a52f, 4, "lr.w.aq a0,(a1)" },
    { 0x14c, 0x18c5a52f, 4, "sc.w a0,a2,(a1)" },
    { 0x150, 0x1ac5a52f, 4, "sc.w.rl a0,a2,(a1)" },
    { 0x154, 0x08c5a52f, 4, "amoswap.w a0,a2,(a1)" },
    { 0x158, 0x06c5a52f, 4, "amoadd.w.aqrl a0,a2,(a1)" },
    { 0x15c, 0x20c5a52f, 4, "amoxor.w a0,a2,(a1)" },
    { 0x160, 0x60c5a52f, 4, "amoand.w a0,a2,(a1)" },
    { 0x164, 0x40c5a52f, 4, "amoor.w a0,a2,(a1)" },
    { 0x168, 0x80c5a52f, 4, "amomin.w a0,a2,(a1)" },
    { 0x16c, 0xa0c5a52f, 4, "amomax.w a0,a2,(a1)" },
    { 0x170, 0xc0c5a52f, 4, "amominu.w a0,a2,(a1)" },
    { 0x174, 0xe0c5a52f, 4, "amomaxu.w a0,a2,(a1)" },
    { 0x178, 0x1605b52f, 4, "lr.d.aqrl a0,(a1)" },
    { 0x17c, 0x18c5b52f, 4, "sc.d a0,a2,(a1)" },
    { 0x180, 0x0cc5b52f, 4, "amoswap.d.aq a0,a2,(a1)" },
    { 0x184, 0x00c5b52f, 4, "amoadd.d a0,a2,(a1)" },
    { 0x188, 0x20c5b52f, 4, "amoxor.d a0,a2,(a1)" },
    { 0x18c, 0x60c5b52f, 4, "amoand.d a0,a2,(a1)" },
    { 0x190, 0x40c5b52f, 4, "amoor.d a0,a2,(a1)" },
    { 0x194, 0x80c5b52f, 4, "amomin.d a0,a2,(a1)" },
    { 0x198, 0xa0c5b52f, 4, "amomax.d a0,a2,(a1)" },
    { 0x19c, 0xc0c5b52f, 4, "amominu.d a0,a2,(a1)" },
    { 0x1a0, 0xe0c5b52f, 4, "amomaxu.d a0,a2,(a1)" },
    { 0x1a4, 0x00452507, 4, "flw fa0,4(a0)" },
    { 0x1a8, 0xfe912e27, 4, "fsw fs1,-4(sp)" },
    { 0x1ac, 0x68c5f543, 4, "fmadd.s fa0,fa1,fa2,fa3" },
    { 0x1b0, 0x68c58547, 4, "fmsub.s fa0,fa1,fa2,fa3,rne" },
    { 0x1b4, 0x68c5954b, 4, "fnmsub.s fa0,fa1,fa2,fa3,rtz" },
    { 0x1b8, 0x68c5a54f, 4, "fnmadd.s fa0,fa1,fa2,fa3,rdn" },
    { 0x1bc, 0x0020b053, 4, "fadd.s ft0,ft1,ft2,rup" },
    { 0x1c0, 0x0820c053, 4, "fsub.s ft0,ft1,ft2,rmm" },
    { 0x1c4, 0x1020f053, 4, "fmul.s ft0,ft1,ft2" },
    { 0x1c8, 0x1820f053, 4, "fdiv.s ft0,ft1,ft2" },
    { 0x1cc, 0x5800f053, 4, "fsqrt.s ft0,ft1" },
    { 0x1d0, 0x20208053, 4, "fsgnj.s ft0,ft1,ft2" },
    { 0x1d4, 0x20209053, 4, "fsgnjn.s ft0,ft1,ft2" },
    { 0x1d8, 0x2020a053, 4, "fsgnjx.s ft0,ft1,ft2" },
    { 0x1dc, 0x28208053, 4, "fmin.s ft0,ft1,ft2" },
    { 0x1e0, 0x28209053, 4, "fmax.s ft0,ft1,ft2" },
    { 0x1e4, 0xc0051553, 4, "fcvt.w.s a0,fa0,rtz" },
    { 0x1e8, 0xc0157553, 4, "fcvt.wu.s a0,fa0" },
    { 0x1ec, 0xc0254553, 4, "fcvt.l.s a0,fa0,rmm" },
    { 0x1f0, 0xc0357553, 4, "fcvt.lu.s a0,fa0" },
    { 0x1f4, 0xe0050553, 4, "fmv.x.w a0,fa0" },
    { 0x1f8, 0xe0051553, 4, "fclass.s a0,fa0" },
    { 0x1fc, 0xa0b52553, 4, "feq.s a0,fa0,fa1" },
    { 0x200, 0xa0b51553, 4, "flt.s a0,fa0,fa1" },
    { 0x204, 0xa0b50553, 4, "fle.s a0,fa0,fa1" },
    { 0x208, 0xd0057553, 4, "fcvt.s.w fa0,a0" },
    { 0x20c, 0xd0151553, 4, "fcvt.s.wu fa0,a0,rtz" },
    { 0x210, 0xd0257553, 4, "fcvt.s.l fa0,a0" },
    { 0x214, 0xd0357553, 4, "fcvt.s.lu fa0,a0" },
    { 0x218, 0xf0050553, 4, "fmv.w.x fa0,a0" },
    { 0x21c, 0x7f8dbf87, 4, "fld ft11,2040(s11)" },
    { 0x220, 0x81bfb027, 4, "fsd fs11,-2048(t6)" },
    { 0x224, 0x6ac5f543, 4, "fmadd.d fa0,fa1,fa2,fa3" },
    { 0x228, 0x6ac5f547, 4, "fmsub.d fa0,fa1,fa2,fa3" },
    { 0x22c, 0x6ac5f54b, 4, "fnmsub.d fa0,fa1,fa2,fa3" },
    { 0x230, 0x6ac5c54f, 4, "fnmadd.d fa0,fa1,fa2,fa3,rmm" },
    { 0x234, 0x02c5f553, 4, "fadd.d fa0,fa1,fa2" },
    { 0x238, 0x0ac5f553, 4, "fsub.d fa0,fa1,fa2" },
    { 0x23c, 0x12c5a553, 4, "fmul.d fa0,fa1,fa2,rdn" },
    { 0x240, 0x1ac5f553, 4, "fdiv.d fa0,fa1,fa2" },
    { 0x244, 0x5a05b553, 4, "fsqrt.d fa0,fa1,rup" },
    { 0x248, 0x22c58553, 4, "fsgnj.d fa0,fa1,fa2" },
    { 0x24c, 0x22c59553, 4, "fsgnjn.d fa0,fa1,fa2" },
    { 0x250, 0x22c5a553, 4, "fsgnjx.d fa0,fa1,fa2" },
    { 0x254, 0x2ac58553, 4, "fmin.d fa0,fa1,fa2" },
    { 0x258, 0x2ac59553, 4, "fmax.d fa0,fa1,fa2" },
    { 0x25c, 0x4015f553, 4, "fcvt.s.d fa0,fa1" },
    { 0x260, 0x42058553, 4, "fcvt.d.s fa0,fa1" },
    { 0x264, 0xa2b52553, 4, "feq.d a0,fa0,fa1" },
    { 0x268, 0xa2b51553, 4, "flt.d a0,fa0,fa1" },
    { 0x26c, 0xa2b50553, 4, "fle.d a0,fa0,fa1" },
    { 0x270, 0xe2051553, 4, "fclass.d a0,fa0" },
    { 0x274, 0xc2051553, 4, "fcvt.w.d a0,fa0,rtz" },
    { 0x278, 0xc2157553, 4, "fcvt.wu.d a0,fa0" },
    { 0x27c, 0xc2257553, 4, "fcvt.l.d a0,fa0" },
    { 0x280, 0xc2357553, 4, "fcvt.lu.d a0,fa0" },
    { 0x284, 0xd2050553, 4, "fcvt.d.w fa0,a0" },
    { 0x288, 0xd2150553, 4, "fcvt.d.wu fa0,a0" },
    { 0x28c, 0xd2250553, 4, "fcvt.d.l fa0,a0,rne" },
    { 0x290, 0xd2357553, 4, "fcvt.d.lu fa0,a0" },
    { 0x294, 0xe2050553, 4, "fmv.x.d a0,fa0" },
    { 0x298, 0xf2050553, 4, "fmv.d.x fa0,a0" },
    { 0x29c, 0x20c5a533, 4, "sh1add a0,a1,a2" },
    { 0x2a0, 0x20c5c533, 4, "sh2add a0,a1,a2" },
    { 0x2a4, 0x20c5e533, 4, "sh3add a0,a1,a2" },
    { 0x2a8, 0x08c5853b, 4, "add.uw a0,a1,a2" },
    { 0x2ac, 0x20c5a53b, 4, "sh1add.uw a0,a1,a2" },
    { 0x2b0, 0x20c5c53b, 4, "sh2add.uw a0,a1,a2" },
    { 0x2b4, 0x20c5e53b, 4, "sh3add.uw a0,a1,a2" },
    { 0x2b8, 0x0a85951b, 4, "slli.uw a0,a1,0x28" },
    { 0x2bc, 0x40c5f533, 4, "andn a0,a1,a2" },
    { 0x2c0, 0x40c5e533, 4, "orn a0,a1,a2" },
    { 0x2c4, 0x40c5c533, 4, "xnor a0,a1,a2" },
    { 0x2c8, 0x60059513, 4, "clz a0,a1" },
    { 0x2cc, 0x60159513, 4, "ctz a0,a1" },
    { 0x2d0, 0x60259513, 4, "cpop a0,a1" },
    { 0x2d4, 0x6005951b, 4, "clzw a0,a1" },
    { 0x2d8, 0x6015951b, 4, "ctzw a0,a1" },
    { 0x2dc, 0x6025951b, 4, "cpopw a0,a1" },
    { 0x2e0, 0x0ac5e533, 4, "max a0,a1,a2" },
    { 0x2e4, 0x0ac5f533, 4, "maxu a0,a1,a2" },
    { 0x2e8, 0x0ac5c533, 4, "min a0,a1,a2" },
    { 0x2ec, 0x0ac5d533, 4, "minu a0,a1,a2" },
    { 0x2f0, 0x60459513, 4, "sext.b a0,a1" },
    { 0x2f4, 0x60559513, 4, "sext.h a0,a1" },
    { 0x2f8, 0x0805c53b, 4, "zext.h a0,a1" },
    { 0x2fc, 0x60c59533, 4, "rol a0,a1,a2" },
    { 0x300, 0x60c5d533, 4, "ror a0,a1,a2" },
    { 0x304, 0x63f5d513, 4, "rori a0,a1,0x3f" },
    { 0x308, 0x60c5953b, 4, "rolw a0,a1,a2" },
    { 0x30c, 0x60c5d53b, 4, "rorw a0,a1,a2" },
    { 0x310, 0x61f5d51b, 4, "roriw a0,a1,0x1f" },
    { 0x314, 0x2875d513, 4, "orc.b a0,a1" },
    { 0x318, 0x6b85d513, 4, "rev8 a0,a1" },
    { 0x31c, 0x0ac59533, 4, "clmul a0,a1,a2" },
    { 0x320, 0x0ac5a533, 4, "clmulr a0,a1,a2" },
    { 0x324, 0x0ac5b533, 4, "clmulh a0,a1,a2" },
    { 0x328, 0x48c59533, 4, "bclr a0,a1,a2" },
    { 0x32c, 0x4bf59513, 4, "bclri a0,a1,0x3f" },
    { 0x330, 0x48c5d533, 4, "bext a0,a1,a2" },
    { 0x334, 0x4855d513, 4, "bexti a0,a1,0x5" },
    { 0x338, 0x68c59533, 4, "binv a0,a1,a2" },
    { 0x33c, 0x68059513, 4, "binvi a0,a1,0x0" },
    { 0x340, 0x28c59533, 4, "bset a0,a1,a2" },
    { 0x344, 0x29f59513, 4, "bseti a0,a1,0x1f" },
    { 0x348, 0x1fe8, 2, "c.addi4spn a0,sp,1020" },
    { 0x34a, 0x3de8, 2, "c.fld fa0,248(a1)" },
    { 0x34c, 0x5de8, 2, "c.lw a0,124(a1)" },
    { 0x34e, 0x6784, 2, "c.ld s1,8(a5)" },
    { 0x350, 0xa01c, 2, "c.fsd fa5,0(s0)" },
    { 0x352, 0xc1c8, 2, "c.sw a0,4(a1)" },
    { 0x354, 0xfde8, 2, "c.sd a0,248(a1)" },
    { 0x356, 0x0001, 2, "c.addi zero,0" },
    { 0x358, 0x1501, 2, "c.addi a0,-32" },
    { 0x35a, 0x257d, 2, "c.addiw a0,31" },
    { 0x35c, 0x5575, 2, "c.li a0,-3" },
    { 0x35e, 0x7101, 2, "c.addi16sp sp,-512" },
    { 0x360, 0x617d, 2, "c.addi16sp sp,496" },
    { 0x362, 0x657d, 2, "c.lui a0,0x1f" },
    { 0x364, 0x7281, 2, "c.lui t0,0xfffe0" },
    { 0x366, 0x817d, 2, "c.srli a0,0x1f" },
    { 0x368, 0x94fd, 2, "c.srai s1,0x3f" },
    { 0x36a, 0x9bfd, 2, "c.andi a5,-1" },
    { 0x36c, 0x8d0d, 2, "c.sub a0,a1" },
    { 0x36e, 0x8d2d, 2, "c.xor a0,a1" },
    { 0x370, 0x8d4d, 2, "c.or a0,a1" },
    { 0x372, 0x8d6d, 2, "c.and a0,a1" },
    { 0x374, 0x9d0d, 2, "c.subw a0,a1" },
    { 0x376, 0x9d2d, 2, "c.addw a0,a1" },
    { 0x378, 0xaffd, 2, "c.j b76" },
    { 0x37a, 0xb001, 2, "c.j fffffffffffffb7a" },
    { 0x37c, 0xd101, 2, "c.beqz a0,27c" },
    { 0x37e, 0xecfd, 2, "c.bnez s1,47c" },
    { 0x380, 0x0506, 2, "c.slli a0,0x1" },
    { 0x382, 0x357e, 2, "c.fldsp fa0,504(sp)" },
    { 0x384, 0x50fe, 2, "c.lwsp ra,252(sp)" },
    { 0x386, 0x6f82, 2, "c.ldsp t6,0(sp)" },
    { 0x388, 0x8082, 2, "c.jr ra" },
    { 0x38a, 0x852e, 2, "c.mv a0,a1" },
    { 0x38c, 0x9002, 2, "c.ebreak" },
    { 0x38e, 0x9502, 2, "c.jalr a0" },
    { 0x390, 0x952e, 2, "c.add a0,a1" },
    { 0x392, 0xa42a, 2, "c.fsdsp fa0,8(sp)" },
    { 0x394, 0xdfaa, 2, "c.swsp a0,252(sp)" },
    { 0x396, 0xffee, 2, "c.sdsp s11,504(sp)" },
    { 0x398, 0x0000, 2, "c.unimp" },
    { 0x39a, 0x0082, 2, "c.slli64 ra" },
    { 0x39c, 0xffffffb3, 4, ".4byte 0xffffffb3" },
    { 0x3a0, 0x0200000b, 4, ".4byte 0x200000b" },
    { 0x3a4, 0x02b5d553, 4, "fadd.d fa0,fa1,fa1,unknown" },
    { 0x3a8, 0x0000000f, 4, "fence unknown,unknown" },
};

START_TEST(test_disas_objdump)
{
    const DisasCase *c = &disas_cases[_i];
    uint8_t bytes[4] = { c->bits, c->bits >> 8, c->bits >> 16, c->bits >> 24 };
    char buf[128];
    unsigned len = rv64_arch.disas(c->pc, bytes, c->len, buf, sizeof(buf));

    ck_assert_uint_eq(len, c->len);
    ck_assert_str_eq(buf, c->text);
}
END_TEST

/* Too few bytes: 0, and no crash. */
START_TEST(test_disas_short)
{
    const uint8_t word[4] = { 0x13, 0x05, 0x15, 0x00 };   /* addi a0,a0,1 */
    char buf[64];

    ck_assert_uint_eq(rv64_arch.disas(0, word, 3, buf, sizeof(buf)), 0);
    ck_assert_uint_eq(rv64_arch.disas(0, word, 1, buf, sizeof(buf)), 0);
    ck_assert_uint_eq(rv64_arch.disas(0, word, 4, buf, sizeof(buf)), 4);
    ck_assert_str_eq(buf, "addi a0,a0,1");
    /* A tiny buffer truncates instead of overflowing. */
    ck_assert_uint_eq(rv64_arch.disas(0, word, 4, buf, 5), 4);
    ck_assert_str_eq(buf, "addi");
}
END_TEST

/* Every 16-bit value and a spread of 32-bit values: a length and a NUL-terminated string. */
START_TEST(test_disas_any_word)
{
    char buf[128];
    uint32_t x = 12345;

    for (uint32_t c = 0; c < 0x10000; c++) {
        uint8_t b[4] = { c, c >> 8, 0, 0 };

        if ((c & 3) == 3) {
            continue;
        }
        ck_assert_uint_eq(rv64_arch.disas(0x1000, b, 2, buf, sizeof(buf)), 2);
        ck_assert(strlen(buf) > 0);
    }
    for (unsigned i = 0; i < 200000; i++) {
        uint8_t b[4];

        x = x * 1103515245u + 12345u;
        b[0] = (uint8_t)(x | 3);
        b[1] = x >> 8;
        b[2] = x >> 16;
        b[3] = x >> 24;
        ck_assert_uint_eq(rv64_arch.disas(0x1000, b, 4, buf, sizeof(buf)), 4);
        ck_assert(strlen(buf) > 0);
    }
}
END_TEST

Suite *riscv_disas_suite(void)
{
    Suite *s = suite_create("riscv_disas");
    TCase *tc = tcase_create("objdump");

    tcase_add_loop_test(tc, test_disas_objdump, 0, G_N_ELEMENTS(disas_cases));
    tcase_add_test(tc, test_disas_short);
    tcase_add_test(tc, test_disas_any_word);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
