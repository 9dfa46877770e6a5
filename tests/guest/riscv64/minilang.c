/*
 * minilang.c - a real-world style workload: a small interpreter for an integer language with
 * functions, recursion, arrays, while/if and assert, read from stdin (minilang_prog.txt).
 * Tokenizer, recursive-descent parser building an AST, tree-walking evaluator with call frames:
 * lots of pointer chasing, indirect calls through a switch, malloc, recursion and string
 * handling. The script checks itself with assert (values are mathematical facts: primes up
 * to 3000, Fibonacci numbers, Collatz lengths, ...); a failed assert exits with status 3.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { T_NUM, T_ID, T_STR, T_OP, T_EOF } TokKind;
typedef struct { TokKind kind; int64_t num; char text[64]; int line; } Token;

typedef enum {
    N_NUM, N_VAR, N_STR, N_BIN, N_NEG, N_NOT, N_CALL, N_INDEX,
    N_LET, N_ASSIGN, N_SET_INDEX, N_ARRAY, N_PRINT, N_IF, N_WHILE, N_FN, N_RETURN, N_ASSERT,
    N_EXPR, N_BLOCK,
} NodeKind;

typedef struct Node Node;
struct Node {
    NodeKind kind;
    int line;
    int64_t num;
    char name[64];
    char op[3];
    Node *a, *b, *c;
    Node **list;
    int nlist;
    char **params;
    int nparams;
};

static const char *src;
static int line_no = 1;
static Token tok;

static void die(const char *msg)
{
    printf("error at line %d: %s (near '%s')\n", tok.line, msg, tok.text);
    exit(2);
}

static void next(void)
{
    while (*src) {
        if (*src == '\n') {
            line_no++;
            src++;
        } else if (isspace((unsigned char)*src)) {
            src++;
        } else if (*src == '#') {
            while (*src && *src != '\n') {
                src++;
            }
        } else {
            break;
        }
    }
    tok.line = line_no;
    tok.text[0] = 0;
    if (!*src) {
        tok.kind = T_EOF;
        strcpy(tok.text, "<eof>");
    } else if (isdigit((unsigned char)*src)) {
        tok.kind = T_NUM;
        tok.num = strtoll(src, (char **)&src, 10);
        snprintf(tok.text, sizeof(tok.text), "%lld", (long long)tok.num);
    } else if (isalpha((unsigned char)*src) || *src == '_') {
        int n = 0;
        while ((isalnum((unsigned char)*src) || *src == '_') && n < 63) {
            tok.text[n++] = *src++;
        }
        tok.text[n] = 0;
        tok.kind = T_ID;
    } else if (*src == '"') {
        int n = 0;
        src++;
        while (*src && *src != '"' && n < 63) {
            tok.text[n++] = *src++;
        }
        tok.text[n] = 0;
        if (*src == '"') {
            src++;
        }
        tok.kind = T_STR;
    } else {
        static const char *two[] = { "==", "!=", "<=", ">=", "&&", "||" };
        tok.kind = T_OP;
        for (unsigned i = 0; i < 6; i++) {
            if (strncmp(src, two[i], 2) == 0) {
                strcpy(tok.text, two[i]);
                src += 2;
                return;
            }
        }
        tok.text[0] = *src++;
        tok.text[1] = 0;
    }
}

static int is_op(const char *op)
{
    return tok.kind == T_OP && strcmp(tok.text, op) == 0;
}

static int is_kw(const char *kw)
{
    return tok.kind == T_ID && strcmp(tok.text, kw) == 0;
}

static void expect(const char *op)
{
    if (!is_op(op)) {
        die(op);
    }
    next();
}

static Node *new_node(NodeKind kind)
{
    Node *n = calloc(1, sizeof(Node));
    n->kind = kind;
    n->line = tok.line;
    return n;
}

static void push(Node *parent, Node *child)
{
    parent->list = realloc(parent->list, sizeof(Node *) * (parent->nlist + 1));
    parent->list[parent->nlist++] = child;
}

static Node *parse_expr(void);

static Node *parse_primary(void)
{
    Node *n;
    if (tok.kind == T_NUM) {
        n = new_node(N_NUM);
        n->num = tok.num;
        next();
        return n;
    }
    if (tok.kind == T_STR) {
        n = new_node(N_STR);
        strcpy(n->name, tok.text);
        next();
        return n;
    }
    if (is_op("(")) {
        next();
        n = parse_expr();
        expect(")");
        return n;
    }
    if (is_op("-")) {
        next();
        n = new_node(N_NEG);
        n->a = parse_primary();
        return n;
    }
    if (is_op("!")) {
        next();
        n = new_node(N_NOT);
        n->a = parse_primary();
        return n;
    }
    if (tok.kind != T_ID) {
        die("expression expected");
    }
    char name[64];
    strcpy(name, tok.text);
    next();
    if (is_op("(")) {
        n = new_node(N_CALL);
        strcpy(n->name, name);
        next();
        while (!is_op(")")) {
            push(n, parse_expr());
            if (!is_op(")")) {
                expect(",");
            }
        }
        next();
        return n;
    }
    if (is_op("[")) {
        n = new_node(N_INDEX);
        strcpy(n->name, name);
        next();
        n->a = parse_expr();
        expect("]");
        return n;
    }
    n = new_node(N_VAR);
    strcpy(n->name, name);
    return n;
}

static int precedence(void)
{
    static const struct { const char *op; int prec; } table[] = {
        { "||", 1 }, { "&&", 2 }, { "==", 3 }, { "!=", 3 }, { "<", 4 }, { "<=", 4 }, { ">", 4 },
        { ">=", 4 }, { "+", 5 }, { "-", 5 }, { "*", 6 }, { "/", 6 }, { "%", 6 },
    };
    if (tok.kind != T_OP) {
        return 0;
    }
    for (unsigned i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (strcmp(tok.text, table[i].op) == 0) {
            return table[i].prec;
        }
    }
    return 0;
}

static Node *parse_binary(int min_prec)
{
    Node *lhs = parse_primary();
    int prec;
    while ((prec = precedence()) >= min_prec && prec > 0) {
        Node *n = new_node(N_BIN);
        strcpy(n->op, tok.text);
        next();
        n->a = lhs;
        n->b = parse_binary(prec + 1);
        lhs = n;
    }
    return lhs;
}

static Node *parse_expr(void)
{
    return parse_binary(1);
}

static Node *parse_stmt(void);

static Node *parse_block(void)
{
    Node *blk = new_node(N_BLOCK);
    expect("{");
    while (!is_op("}")) {
        push(blk, parse_stmt());
    }
    next();
    return blk;
}

static Node *parse_stmt(void)
{
    Node *n;
    if (is_kw("let") || is_kw("array")) {
        n = new_node(is_kw("let") ? N_LET : N_ARRAY);
        next();
        strcpy(n->name, tok.text);
        next();
        if (n->kind == N_LET) {
            expect("=");
            n->a = parse_expr();
        } else {
            expect("[");
            n->a = parse_expr();
            expect("]");
        }
        expect(";");
        return n;
    }
    if (is_kw("print") || is_kw("assert") || is_kw("return")) {
        n = new_node(is_kw("print") ? N_PRINT : is_kw("assert") ? N_ASSERT : N_RETURN);
        next();
        push(n, parse_expr());
        while (n->kind == N_PRINT && is_op(",")) {
            next();
            push(n, parse_expr());
        }
        expect(";");
        return n;
    }
    if (is_kw("if")) {
        n = new_node(N_IF);
        next();
        n->a = parse_expr();
        n->b = parse_block();
        if (is_kw("else")) {
            next();
            n->c = is_kw("if") ? parse_stmt() : parse_block();
        }
        return n;
    }
    if (is_kw("while")) {
        n = new_node(N_WHILE);
        next();
        n->a = parse_expr();
        n->b = parse_block();
        return n;
    }
    if (is_kw("fn")) {
        n = new_node(N_FN);
        next();
        strcpy(n->name, tok.text);
        next();
        expect("(");
        while (!is_op(")")) {
            n->params = realloc(n->params, sizeof(char *) * (n->nparams + 1));
            n->params[n->nparams++] = strdup(tok.text);
            next();
            if (!is_op(")")) {
                expect(",");
            }
        }
        next();
        n->a = parse_block();
        return n;
    }
    Node *e = parse_expr();
    if (is_op("=")) {
        next();
        if (e->kind == N_VAR) {
            n = new_node(N_ASSIGN);
        } else if (e->kind == N_INDEX) {
            n = new_node(N_SET_INDEX);
            n->b = e->a;
        } else {
            die("cannot assign");
        }
        strcpy(n->name, e->name);
        n->a = parse_expr();
        expect(";");
        return n;
    }
    n = new_node(N_EXPR);
    n->a = e;
    expect(";");
    return n;
}

/* --- evaluation --- */
typedef struct Var { char name[64]; int64_t value; int64_t *array; int64_t len; struct Var *next; } Var;
typedef struct Frame { Var *vars; } Frame;

static Var *globals;
static Node *functions[64];
static int nfunctions;
static int returning;
static int64_t return_value;
static uint64_t steps;

static Var *lookup(Frame *f, const char *name)
{
    for (Var *v = f ? f->vars : NULL; v; v = v->next) {
        if (strcmp(v->name, name) == 0) {
            return v;
        }
    }
    for (Var *v = globals; v; v = v->next) {
        if (strcmp(v->name, name) == 0) {
            return v;
        }
    }
    return NULL;
}

static Var *declare(Frame *f, const char *name)
{
    Var *v = calloc(1, sizeof(Var));
    strcpy(v->name, name);
    if (f) {
        v->next = f->vars;
        f->vars = v;
    } else {
        v->next = globals;
        globals = v;
    }
    return v;
}

static int64_t eval(Frame *f, Node *n);
static void exec_stmt(Frame *f, Node *n);

static int64_t call(Frame *f, Node *n)
{
    Node *fn = NULL;
    for (int i = 0; i < nfunctions; i++) {
        if (strcmp(functions[i]->name, n->name) == 0) {
            fn = functions[i];
        }
    }
    if (!fn || fn->nparams != n->nlist) {
        printf("line %d: bad call to %s\n", n->line, n->name);
        exit(2);
    }
    Frame callee = { NULL };
    for (int i = 0; i < fn->nparams; i++) {
        declare(&callee, fn->params[i])->value = eval(f, n->list[i]);
    }
    exec_stmt(&callee, fn->a);
    int64_t r = returning ? return_value : 0;
    returning = 0;
    while (callee.vars) {
        Var *v = callee.vars;
        callee.vars = v->next;
        free(v->array);
        free(v);
    }
    return r;
}

static int64_t eval(Frame *f, Node *n)
{
    steps++;
    switch (n->kind) {
    case N_NUM:
        return n->num;
    case N_VAR: {
        Var *v = lookup(f, n->name);
        if (!v) {
            printf("line %d: unknown variable %s\n", n->line, n->name);
            exit(2);
        }
        return v->value;
    }
    case N_INDEX: {
        Var *v = lookup(f, n->name);
        int64_t i = eval(f, n->a);
        if (!v || !v->array || i < 0 || i >= v->len) {
            printf("line %d: bad index %s[%lld]\n", n->line, n->name, (long long)i);
            exit(2);
        }
        return v->array[i];
    }
    case N_NEG:
        return -eval(f, n->a);
    case N_NOT:
        return !eval(f, n->a);
    case N_CALL:
        return call(f, n);
    case N_BIN: {
        const char *op = n->op;
        if (strcmp(op, "&&") == 0) {
            return eval(f, n->a) && eval(f, n->b);
        }
        if (strcmp(op, "||") == 0) {
            return eval(f, n->a) || eval(f, n->b);
        }
        int64_t x = eval(f, n->a), y = eval(f, n->b);
        switch (op[0]) {
        case '+': return x + y;
        case '-': return x - y;
        case '*': return x * y;
        case '/': return y ? x / y : 0;
        case '%': return y ? x % y : 0;
        case '=': return x == y;
        case '!': return x != y;
        case '<': return op[1] ? x <= y : x < y;
        case '>': return op[1] ? x >= y : x > y;
        }
        break;
    }
    default:
        break;
    }
    printf("line %d: not an expression\n", n->line);
    exit(2);
}

static void exec_stmt(Frame *f, Node *n)
{
    if (returning) {
        return;
    }
    switch (n->kind) {
    case N_BLOCK:
        for (int i = 0; i < n->nlist && !returning; i++) {
            exec_stmt(f, n->list[i]);
        }
        break;
    case N_LET:
        declare(f, n->name)->value = eval(f, n->a);
        break;
    case N_ARRAY: {
        Var *v = declare(f, n->name);
        v->len = eval(f, n->a);
        v->array = calloc(v->len, sizeof(int64_t));
        break;
    }
    case N_ASSIGN: {
        Var *v = lookup(f, n->name);
        if (!v) {
            printf("line %d: assignment to undeclared %s\n", n->line, n->name);
            exit(2);
        }
        v->value = eval(f, n->a);
        break;
    }
    case N_SET_INDEX: {
        Var *v = lookup(f, n->name);
        int64_t i = eval(f, n->b);
        if (!v || !v->array || i < 0 || i >= v->len) {
            printf("line %d: bad store %s[%lld]\n", n->line, n->name, (long long)i);
            exit(2);
        }
        v->array[i] = eval(f, n->a);
        break;
    }
    case N_PRINT:
        for (int i = 0; i < n->nlist; i++) {
            if (n->list[i]->kind == N_STR) {
                printf("%s%s", i ? " " : "", n->list[i]->name);
            } else {
                printf("%s%lld", i ? " " : "", (long long)eval(f, n->list[i]));
            }
        }
        printf("\n");
        break;
    case N_IF:
        if (eval(f, n->a)) {
            exec_stmt(f, n->b);
        } else if (n->c) {
            exec_stmt(f, n->c);
        }
        break;
    case N_WHILE:
        while (!returning && eval(f, n->a)) {
            exec_stmt(f, n->b);
        }
        break;
    case N_FN:
        functions[nfunctions++] = n;
        break;
    case N_RETURN:
        return_value = eval(f, n->list[0]);
        returning = 1;
        break;
    case N_ASSERT:
        if (!eval(f, n->list[0])) {
            printf("assertion failed at line %d\n", n->line);
            exit(3);
        }
        break;
    case N_EXPR:
        eval(f, n->a);
        break;
    default:
        printf("line %d: not a statement\n", n->line);
        exit(2);
    }
}

int main(void)
{
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap);
    size_t got;
    while ((got = fread(text + len, 1, cap - len - 1, stdin)) > 0) {
        len += got;
        if (len + 1 >= cap) {
            cap *= 2;
            text = realloc(text, cap);
        }
    }
    text[len] = 0;
    src = text;
    next();
    Node *prog = new_node(N_BLOCK);
    while (tok.kind != T_EOF) {
        push(prog, parse_stmt());
    }
    exec_stmt(NULL, prog);
    printf("minilang: %d top-level statements, %d functions, %llu evaluation steps\n",
           prog->nlist, nfunctions, (unsigned long long)steps);
    return 0;
}
