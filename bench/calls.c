/*
 * calls.c - control-flow heavy code: naive recursive Fibonacci (calls and returns), dispatch
 * through a table of function pointers (indirect calls), and a switch-based bytecode VM
 * (indirect jumps through a jump table) running a loop-heavy program.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

typedef uint64_t (*Op)(uint64_t, uint64_t);
static uint64_t op_add(uint64_t a, uint64_t b) { return a + b; }
static uint64_t op_xor(uint64_t a, uint64_t b) { return a ^ (b << 1); }
static uint64_t op_mul(uint64_t a, uint64_t b) { return a * (b | 1); }
static uint64_t op_rot(uint64_t a, uint64_t b) { return (a << (b & 31)) | (a >> (64 - (b & 31) - 1) >> 1); }
static uint64_t op_sub(uint64_t a, uint64_t b) { return a - b * 3; }
static uint64_t op_mix(uint64_t a, uint64_t b) { return (a ^ b) * 0x9e3779b97f4a7c15ull; }
static uint64_t op_max(uint64_t a, uint64_t b) { return a > b ? a : b + 1; }
static uint64_t op_shr(uint64_t a, uint64_t b) { return (a >> 3) + b; }

static uint64_t dispatch(uint32_t n)
{
    static Op volatile table[8] = { op_add, op_xor, op_mul, op_rot, op_sub, op_mix, op_max, op_shr };
    uint64_t acc = 1, x = 12345;
    for (uint32_t i = 0; i < n; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        acc = table[x >> 61](acc, i);
    }
    return acc;
}

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, LT, JNZ, JMP, DUP, POP, HALT, MOD, XOR };

static uint64_t vm(const int32_t *code, int64_t *vars)
{
    int64_t stack[64];
    int sp = 0, pc = 0;
    uint64_t executed = 0;
    for (;;) {
        executed++;
        int32_t insn = code[pc++];
        switch (insn) {
        case PUSH: stack[sp++] = code[pc++]; break;
        case LOAD: stack[sp++] = vars[code[pc++]]; break;
        case STORE: vars[code[pc++]] = stack[--sp]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
        case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case JNZ: sp--; if (stack[sp]) { pc = code[pc]; } else { pc++; } break;
        case JMP: pc = code[pc]; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case POP: sp--; break;
        case HALT: return executed;
        default: return 0;
        }
    }
}

int main(int argc, char **argv)
{
    int scale = argc > 1 ? atoi(argv[1]) : 2;     /* about 1 s natively */
    /* vars: 0 = i, 1 = acc, 2 = limit. while (i < limit) { acc = (acc * 31 + i) % 1000003 ^ i; i++ } */
    static const int32_t prog[] = {
        /* 0 */ LOAD, 0, LOAD, 2, LT, JNZ, 9, HALT, HALT,
        /* 9 */ LOAD, 1, PUSH, 31, MUL, LOAD, 0, ADD, PUSH, 1000003, MOD, LOAD, 0, XOR, STORE, 1,
        /* 25 */ LOAD, 0, PUSH, 1, ADD, STORE, 0, JMP, 0,
    };
    uint64_t h = 0;
    for (int r = 0; r < scale; r++) {
        h = h * 31 + fib(32);
        h = h * 31 + dispatch(30000000);
        int64_t vars[3] = { 0, 1, 4000000 };
        h = h * 31 + vm(prog, vars);
        h = h * 31 + (uint64_t)vars[1];
    }
    printf("calls checksum %016" PRIx64 "\n", h);
    return 0;
}
